"""Incidents as duration bars (newsarchive.charts.duration_chart)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from newsarchive.charts import Span, duration_chart

SPANS = [
    Span("Telegram blocked", date(2018, 4, 16), date(2020, 6, 18), "incidents/2018/telegram/"),
    Span("Twitter throttled", date(2021, 3, 10), date(2021, 5, 17)),
    Span("Calls restricted", date(2025, 8, 11), None, "incidents/2025/calls/"),
    Span("One-day cut", date(2019, 12, 23), date(2019, 12, 23)),
]


def _bars(svg: str) -> dict[str, tuple[float, float, str]]:
    found = re.findall(
        r'<rect class="bar (\w+)" x="([\d.]+)%" y="\d+" width="([\d.]+)%".*?<title>([^:]+):', svg
    )
    return {label: (float(x), float(w), state) for state, x, w, label in found}


def test_bars_sit_where_their_dates_fall_on_whole_years() -> None:
    svg = duration_chart(SPANS, as_of=date(2025, 12, 7), label="Russia")
    bars = _bars(svg)
    span = (date(2026, 1, 1) - date(2018, 1, 1)).days  # whole years, 2018 to 2025

    def pct(day: date) -> float:
        return 100 * (day - date(2018, 1, 1)).days / span

    x, width, state = bars["Telegram blocked"]
    assert state == "ended"
    assert x == pytest.approx(pct(date(2018, 4, 16)), abs=0.01)
    assert x + width == pytest.approx(pct(date(2020, 6, 19)), abs=0.02)  # through its last day
    assert bars["One-day cut"][1] >= 0.4  # a one-day event is still visible
    x, width, state = bars["Calls restricted"]
    assert state == "ongoing"
    assert x + width == pytest.approx(pct(date(2025, 12, 8)), abs=0.02)  # runs to as_of


def test_rows_newest_first_links_and_readable_axis() -> None:
    svg = duration_chart(SPANS, as_of=date(2025, 12, 7), label="Russia")
    labels = re.findall(r'<text class="label"[^>]*>([^<]+)</text>', svg)
    assert labels == ["Calls restricted", "Twitter throttled", "One-day cut", "Telegram blocked"]
    assert '<a href="incidents/2025/calls/">' in svg
    ticks = re.findall(r'<text class="tick"[^>]*font-size="(\d+)"[^>]*>(\d{4})</text>', svg)
    assert [year for _, year in ticks] == [str(y) for y in range(2018, 2026)]
    assert all(int(size) >= 12 for size, _ in ticks)  # CSS px: no view box shrinks them
    assert "viewBox" not in svg
    assert "1 still on as of 2025-12-07" in svg


def test_long_spans_of_years_label_fewer_years_and_empty_input_draws_nothing() -> None:
    spans = [Span("old", date(2001, 1, 1), date(2001, 2, 1)), Span("new", date(2025, 1, 1), None)]
    svg = duration_chart(spans, as_of=date(2025, 6, 1), label="X")
    assert len(re.findall(r'<text class="tick"', svg)) <= 13
    assert duration_chart([], as_of=date(2025, 1, 1), label="X") == ""
