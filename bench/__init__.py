"""Benchmarks of every stage on a synthetic archive (``make bench``)."""
