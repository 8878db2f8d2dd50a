"""What the last build wrote, and the pages it left that this build can keep.

The state is one pickle per output folder under ``<CACHE_PATH>/incremental/``: the output
folder's real path and, per file written through Pelican's writer, the signature it was
rendered with. It is saved at the end of a build that finished, so it always describes the
files in that output folder.

When Pelican is to empty the output folder first (``DELETE_OUTPUT_DIRECTORY``), the folder
is moved aside instead (one rename) and Pelican starts from an empty one, as usual: a page
whose signature is unchanged is moved back (a rename, no render), everything else is
rendered afresh, and what is left aside is deleted when the build ends. So the output is
exactly what a full build makes. Without ``DELETE_OUTPUT_DIRECTORY`` an unchanged page is
simply left where it is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
FORMAT = 1


@dataclass
class Outputs:
    """Signatures of the pages of one output folder, last build's and this one's."""

    output: Path
    state_path: Path
    aside: Path | None = None
    old: dict[str, bytes] = field(default_factory=dict)
    new: dict[str, bytes | None] = field(default_factory=dict)
    kept: int = 0
    rendered: int = 0
    _folders: set[str] = field(default_factory=set)

    @staticmethod
    def _paths(output: Path, cache: Path) -> tuple[Path, Path, Path]:
        """(real output path, its state file, where it is moved aside)."""
        output = Path(os.path.realpath(output))
        key = hashlib.sha256(str(output).encode()).hexdigest()[:16]
        folder = cache / "incremental"
        return output, folder / f"state-{key}.pickle", folder / f"previous-{key}"

    @classmethod
    def forget(cls, output: Path, cache: Path) -> None:
        """Drop the state of ``output`` (a build that does not keep it rewrites its files)."""
        cls._paths(output, cache)[1].unlink(missing_ok=True)

    @classmethod
    def open(cls, output: Path, cache: Path, *, move_aside: bool) -> Outputs:
        """Load the state of ``output``; with ``move_aside``, move the folder aside."""
        output, state, aside = cls._paths(output, cache)
        folder = state.parent
        outputs = cls(output, state)
        old = outputs._load()
        if aside.exists():  # left by a build that did not finish
            shutil.rmtree(aside, ignore_errors=True)
        if move_aside and old and output.is_dir():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                os.rename(output, aside)
                outputs.aside = aside
            except OSError as err:  # another file system: every page is rendered
                log.info("incremental: cannot move %s aside (%s); full render", output, err)
                old = {}
        elif move_aside:
            old = {}
        outputs.old = old
        # A crash from here on must not leave a state describing files that are gone.
        outputs.state_path.unlink(missing_ok=True)
        return outputs

    def _load(self) -> dict[str, bytes]:
        try:
            with self.state_path.open("rb") as handle:
                data = pickle.load(handle)
        except FileNotFoundError:
            return {}
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as err:
            log.info("incremental: ignoring unreadable state %s (%s)", self.state_path, err)
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        if data.get("output") != str(self.output):
            return {}
        pages = data.get("pages")
        return pages if isinstance(pages, dict) else {}

    def keep(self, name: str, signature: bytes | None) -> bool:
        """Keep last build's ``name`` if it was rendered with ``signature``; record it."""
        if signature is None or self.old.get(name) != signature:
            return False
        target = self.output / name
        if self.aside is not None:
            parent = os.path.dirname(name)
            if parent not in self._folders:
                os.makedirs(target.parent, exist_ok=True)
                self._folders.add(parent)
            try:
                os.rename(self.aside / name, target)
            except OSError:
                return False
        elif not target.is_file():
            return False
        self.new[name] = signature
        self.kept += 1
        return True

    def wrote(self, name: str, signature: bytes | None) -> None:
        """Record a page rendered with ``signature`` (None: no signature, always rendered)."""
        self.new[name] = signature
        self.rendered += 1

    def close(self) -> None:
        """Save the state of this build and delete what was left aside."""
        pages = {name: sig for name, sig in self.new.items() if sig is not None}
        data = {"format": FORMAT, "output": str(self.output), "pages": pages}
        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.state_path.with_suffix(".tmp")
            with temporary.open("wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.state_path)
        except OSError as err:
            log.warning("incremental: cannot save %s (%s); next build renders all",
                        self.state_path, err)
        if self.aside is not None:
            shutil.rmtree(self.aside, ignore_errors=True)
            self.aside = None
