"""newsarchive: ingest, tag, relate and publish an archive of internet-freedom events."""

__version__ = "0.1.0"
