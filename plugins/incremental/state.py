"""What the last build wrote, and the pages it left that this build can keep.

The state is one pickle per output folder under ``<CACHE_PATH>/incremental/``: the output
folder's real path, per file written through Pelican's writer the signature it was rendered
with, and the static files Pelican copied. It is saved at the end of a build that finished
(and deleted when one starts), so it always describes the files in that output folder.

When Pelican is to empty the output folder first (``DELETE_OUTPUT_DIRECTORY``) and a state
exists, the plugin empties it itself only when the state cannot be used; otherwise the
folder is kept (creating and deleting tens of thousands of folders costs more than the
rendering saved) and, when the build ends, what a full build would not have made is deleted:
pages and feeds of the last build not written this time, static files no longer copied, and
theme files no longer in the theme. (Files other plugins write directly are theirs to keep
current; Pagefind's bundles are kept by ``newsarchive.search_index``.)
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
FORMAT = 2


def state_path(output: Path, cache: Path) -> tuple[Path, Path]:
    """(real output path, its state file)."""
    output = Path(os.path.realpath(output))
    key = hashlib.sha256(str(output).encode()).hexdigest()[:16]
    return output, cache / "incremental" / f"state-{key}.pickle"


@dataclass
class Outputs:
    """Signatures of the pages of one output folder, last build's and this one's."""

    output: Path
    state_path: Path
    cleanup: bool = False
    old: dict[str, bytes] = field(default_factory=dict)
    new: dict[str, bytes | None] = field(default_factory=dict)
    old_static: set[str] = field(default_factory=set)
    static: set[str] = field(default_factory=set)
    theme_static: set[str] | None = None
    theme_static_dir: str = ""
    kept: int = 0
    rendered: int = 0

    @classmethod
    def forget(cls, output: Path, cache: Path) -> None:
        """Drop the state of ``output`` (a build that does not keep it rewrites its files)."""
        state_path(output, cache)[1].unlink(missing_ok=True)

    @classmethod
    def open(cls, output: Path, cache: Path, *, emptied: bool, cleanup: bool) -> Outputs:
        """Load the state of ``output``. ``emptied``: Pelican empties the folder (nothing can
        be kept); ``cleanup``: delete at the end what this build did not make."""
        real, state = state_path(output, cache)
        outputs = cls(real, state, cleanup=cleanup)
        if not emptied:
            outputs.old, outputs.old_static = outputs._load()
        # A crash from here on must not leave a state describing files that are gone.
        state.unlink(missing_ok=True)
        return outputs

    def _load(self) -> tuple[dict[str, bytes], set[str]]:
        try:
            with self.state_path.open("rb") as handle:
                data = pickle.load(handle)
        except FileNotFoundError:
            return {}, set()
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as err:
            log.info("incremental: ignoring unreadable state %s (%s)", self.state_path, err)
            return {}, set()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}, set()
        if data.get("output") != str(self.output):
            return {}, set()
        pages, static = data.get("pages"), data.get("static")
        if not isinstance(pages, dict) or not isinstance(static, set):
            return {}, set()
        return pages, static

    def wrote_before(self, name: str) -> bool:
        """Whether last build wrote ``name`` (else it is rendered whatever its signature)."""
        return name in self.old

    def keep(self, name: str, signature: bytes | None) -> bool:
        """Keep last build's ``name`` if it was rendered with ``signature``; record it."""
        if signature is None or self.old.get(name) != signature:
            return False
        if not os.path.isfile(self.output / name):
            return False
        self.new[name] = signature
        self.kept += 1
        return True

    def wrote(self, name: str, signature: bytes | None) -> None:
        """Record a page rendered with ``signature`` (None: no signature, always rendered)."""
        self.new[name] = signature
        self.rendered += 1

    def close(self) -> None:
        """Save the state of this build."""
        pages = {name: sig for name, sig in self.new.items() if sig is not None}
        data = {"format": FORMAT, "output": str(self.output), "pages": pages,
                "static": set(self.static)}
        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.state_path.with_suffix(".tmp")
            with temporary.open("wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.state_path)
        except OSError as err:
            log.warning("incremental: cannot save %s (%s); next build renders all",
                        self.state_path, err)

    def delete_stale(self) -> None:
        """Delete what a full build would not have made (once every page is written, before
        the sitemap and the search index read the folder)."""
        if not self.cleanup:
            return
        self.cleanup = False
        stale = (set(self.old) - set(self.new)) | (self.old_static - self.static - set(self.new))
        if self.theme_static is not None and self.theme_static_dir:
            root = self.output / self.theme_static_dir
            for folder, _, names in os.walk(root):
                for name in names:
                    relative = (Path(folder) / name).relative_to(self.output).as_posix()
                    if relative not in self.theme_static:
                        stale.add(relative)
        for name in sorted(stale):
            path = self.output / name
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as err:
                log.warning("incremental: cannot delete %s (%s)", path, err)
                continue
            _prune(path.parent, self.output)
        if stale:
            log.info("incremental: deleted %d files a full build would not make", len(stale))


def _prune(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
