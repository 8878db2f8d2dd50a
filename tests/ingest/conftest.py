"""Shared helpers for the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@pytest.fixture
def fixtures() -> Path:
    """tests/fixtures/ingest: small feeds and pages written for these tests."""
    return FIXTURES
