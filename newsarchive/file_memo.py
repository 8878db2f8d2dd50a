"""Values computed from a file's bytes, remembered across builds while the file is unchanged.

A file counts as unchanged while its inode, size, modification and change times (ns) are
the ones it had when the value was computed: any write changes the change time, so a value
is not reused for other bytes (unless a file is rewritten, at the same size, within the
kernel's timestamp tick of being read: the build reads its output only after writing it).
The memo is one pickle, written atomically with mode 0644; an unreadable or foreign one is
ignored (every value is computed again).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsarchive.fileperm import write_atomically

log = logging.getLogger(__name__)
FORMAT = 1

StatKey = tuple[int, int, int, int]


def stat_key(path: str | Path) -> StatKey:
    """What tells a file's bytes unchanged: inode, size, mtime and ctime in ns."""
    found = os.stat(path)
    return (found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


class FileMemo:
    """``name -> (stat key, value)`` for one kind of value (``kind``: part of the key)."""

    def __init__(self, path: Path | None, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.old: dict[str, tuple[StatKey, Any]] = {}
        self.new: dict[str, tuple[StatKey, Any]] = {}
        if path is not None:
            self.old = self._load(path)

    def _load(self, path: Path) -> dict[str, tuple[StatKey, Any]]:
        try:
            with path.open("rb") as handle:
                data = pickle.load(handle)
        except FileNotFoundError:
            return {}
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as err:
            log.info("ignoring unreadable memo %s (%s)", path, err)
            return {}
        if not isinstance(data, dict) or data.get("format") != (FORMAT, self.kind):
            return {}
        values = data.get("values")
        return values if isinstance(values, dict) else {}

    def value(self, name: str, path: str | Path, compute: Callable[[], Any]) -> Any:
        """The value for file ``path`` (remembered as ``name``), computed when the file
        changed since it was remembered."""
        key = stat_key(path)
        found = self.old.get(name)
        if found is not None and found[0] == key:
            self.new[name] = found
            return found[1]
        value = compute()
        self.new[name] = (key, value)
        return value

    def save(self) -> None:
        """Write the values used this build (files gone are forgotten)."""
        if self.path is None:
            return
        data = {"format": (FORMAT, self.kind), "values": self.new}
        try:
            write_atomically(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as err:
            log.warning("cannot save %s (%s)", self.path, err)
