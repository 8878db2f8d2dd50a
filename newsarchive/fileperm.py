"""Files created through ``tempfile.mkstemp`` get the mode any other tool would give them.

``mkstemp`` creates 0600 files whatever the umask; renamed into ``content/`` or ``output/``
they would be unreadable to a web server running as another user. ``ordinary_mode`` is what
``open()`` would have given (0666 less the umask: 0644 by default).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (else set and restored)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def ordinary_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file under the current umask."""
    return 0o666 & ~current_umask()


def set_ordinary_mode(handle: int) -> None:
    """Give the open file ``handle`` (from mkstemp) the ordinary mode."""
    os.fchmod(handle, ordinary_mode())


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in its folder and a rename (a
    reader sees the old file or the new one, whole), with the ordinary mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        set_ordinary_mode(handle)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
