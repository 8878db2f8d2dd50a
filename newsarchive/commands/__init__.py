"""Sub-commands of the ``newsarchive`` CLI; each module defines ``register(subparsers)``."""
