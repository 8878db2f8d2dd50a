"""The labels gold of issue 12 (``tests/gold/labels``): figures on its tune and held-out splits.

The held-out split is only ever scored as a whole (see ``labels_gold.py``). The floors below
are the figures reached, so a change that loses ground fails; the issue's bars (event-type F1
>= 0.9, main-country F1 >= 0.95, no forbidden type on any text) are checked separately and
marked as not met yet where they are not.
"""

from __future__ import annotations

import pytest

from newsarchive.tagger import load_tagger
from tests.entities.labels_gold import GOLD, Report, evaluate, gold_root, gold_texts

pytestmark = pytest.mark.skipif(
    not (gold_root() / GOLD).is_file(), reason=f"no labels gold at {gold_root() / GOLD}"
)


def _report(split: str) -> Report:
    report = evaluate(load_tagger(), gold_texts(split))
    if report.unshared:
        pytest.skip(f"{report.unshared} {split} texts are in ../shared, which is absent")
    return report


@pytest.fixture(scope="module")
def tune() -> Report:
    return _report("tune")


@pytest.fixture(scope="module")
def heldout() -> Report:
    return _report("heldout")


def test_every_labelled_text_is_read(tune: Report, heldout: Report) -> None:
    assert tune.missing == [] and heldout.missing == []
    assert tune.texts >= 110 and heldout.texts >= 48


def test_tune_split_floors(tune: Report) -> None:
    assert tune.types.f1 >= 0.95
    assert tune.types.precision >= 0.98
    assert tune.main_countries.f1 >= 0.97
    assert tune.forbidden == []


def test_heldout_split_floors(heldout: Report) -> None:
    assert heldout.types.f1 >= HELDOUT_TYPES_F1
    assert heldout.main_countries.f1 >= HELDOUT_COUNTRIES_F1
    assert len(heldout.forbidden) <= HELDOUT_FORBIDDEN


@pytest.mark.xfail(strict=True, reason="issue 12's bars are not met yet (see the figures)")
def test_heldout_meets_the_issue_bars(heldout: Report) -> None:
    assert heldout.types.f1 >= 0.9
    assert heldout.main_countries.f1 >= 0.95
    assert heldout.forbidden == []


# figures reached on the held-out split (floors: a change must not lose ground): event types
# F1 0.822, main countries F1 0.917, one forbidden type (labels2, December 2026)
HELDOUT_TYPES_F1 = 0.82
HELDOUT_COUNTRIES_F1 = 0.91
HELDOUT_FORBIDDEN = 1
