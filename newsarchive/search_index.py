"""Run Pagefind over a built site: one call for the whole folder, with its figures parsed."""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from pagefind.service import get_executable


class SearchIndexError(RuntimeError):
    """Pagefind could not be found or did not finish."""


@dataclass(frozen=True)
class IndexStats:
    """What one Pagefind run reported."""

    pages: int
    words: int
    languages: int
    seconds: float


_FIGURE = re.compile(r"Indexed (\d+) (page|word|language)s?")


def pagefind_executable() -> Path:
    """The Pagefind binary shipped in the ``pagefind-bin`` wheel."""
    binary = get_executable()
    if binary is None or not Path(binary).exists():
        raise SearchIndexError("no Pagefind binary: install the project with pip install -e .")
    return Path(binary)


def parse_figures(log_text: str) -> dict[str, int]:
    """Read 'Indexed N pages/words/languages' lines from Pagefind's output."""
    figures = {"page": 0, "word": 0, "language": 0}
    for count, kind in _FIGURE.findall(log_text):
        figures[kind] = int(count)
    return figures


def index_site(
    site: str | Path,
    *,
    glob: str | None = None,
    output_subdir: str = "pagefind",
    timeout: float = 3600,
) -> IndexStats:
    """Index every HTML file of ``site`` (optionally only ``glob``) into ``site/output_subdir``."""
    site = Path(site)
    if not site.is_dir():
        raise SearchIndexError(f"{site} is not a folder")
    command = [str(pagefind_executable()), "--site", str(site), "--output-subdir", output_subdir]
    if glob:
        command += ["--glob", glob]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SearchIndexError(str(err)) from err
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = " | ".join(line for line in output.strip().splitlines()[-5:])
        raise SearchIndexError(f"pagefind exited {done.returncode}: {tail}")
    figures = parse_figures(output)
    return IndexStats(figures["page"], figures["word"], figures["language"], seconds)
