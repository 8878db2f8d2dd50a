"""Build the bundled site into a folder, as ``make html`` does, for tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def build_site(
    output: Path,
    *,
    config: str = "pelicanconf.py",
    content: Path | None = None,
    env: dict[str, str] | None = None,
    settings: dict[str, object] | None = None,
) -> subprocess.CompletedProcess:
    """Run Pelican on ``content`` (default: the bundled archive) into ``output``."""
    overrides = {"CACHE_PATH": str(output.parent / f"{output.name}-cache"), **(settings or {})}
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content or REPO / "content"),
        "-o",
        str(output),
        "-s",
        str(REPO / config),
    ]
    # One -e with every KEY=VALUE: Pelican keeps only the last of repeated -e options.
    command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    done = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"pelican failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done
