"""Publish a fresh build into the output folder, touching only files whose bytes changed.

Pelican rewrites every file it renders. Building into a staging folder and then syncing
keeps unchanged files in ``output/`` untouched (bytes and mtime), so deploys and
``git``/``rsync`` diffs show only what the content changed. Each file is written through a
temporary file and ``os.replace``, so a reader never sees half a file; every file gets the mode
``open()`` would give it (0644 under the usual umask), so any web server can read the copy.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.fileperm import ordinary_mode, set_ordinary_mode


@dataclass
class SyncReport:
    """What a sync did, by relative path."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        """One line for the log."""
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged"
        )


def _files(root: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    }


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".sync-")
    set_ordinary_mode(handle)  # mkstemp's 0600 would hide the site from the web server
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _repair_mode(target: Path) -> None:
    """An unchanged file left unreadable (0600) by an older build gets the ordinary mode."""
    mode = ordinary_mode()
    if target.stat().st_mode & 0o777 != mode:
        os.chmod(target, mode)


def sync_tree(staging: Path, output: Path, *, delete: bool = True) -> SyncReport:
    """Make ``output`` hold exactly the files of ``staging``, writing only differences."""
    staging, output = Path(staging), Path(output)
    output.mkdir(parents=True, exist_ok=True)
    report = SyncReport()
    new_files, old_files = _files(staging), _files(output)
    for relative in sorted(new_files):
        source, target = staging / relative, output / relative
        if relative not in old_files:
            _copy_atomically(source, target)
            report.added.append(relative)
        elif filecmp.cmp(source, target, shallow=False):
            report.unchanged += 1
            _repair_mode(target)
        else:
            _copy_atomically(source, target)
            report.changed.append(relative)
    if delete:
        for relative in sorted(old_files - new_files):
            (output / relative).unlink()
            report.removed.append(relative)
        _remove_empty_folders(output)
    return report


def _remove_empty_folders(root: Path) -> None:
    for folder, _, _ in os.walk(root, topdown=False):
        if Path(folder) != root and not os.listdir(folder):
            Path(folder).rmdir()
