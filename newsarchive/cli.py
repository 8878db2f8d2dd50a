"""The ``newsarchive`` command line: one sub-command per module in ``newsarchive.commands``.

Each command module defines ``register(subparsers)``, which adds its parser and sets
``func(args) -> int`` as the handler. Exit codes: 0 success, 1 partial failure, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from newsarchive import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command module's sub-parser."""
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Ingest, tag, relate and check an archive of internet-freedom events.",
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `newsarchive incidents | head`: the reader has gone, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
