"""Shared fixtures: the bundled site is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitebuild import REPO, build_site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled archive built with pelicanconf.py (relative URLs), Pagefind included."""
    output = tmp_path_factory.mktemp("site") / "output"
    build_site(output)
    return output


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO
