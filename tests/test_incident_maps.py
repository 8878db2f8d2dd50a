"""Incidents on maps and charts (plugins/world_map): counted by their countries, drawn as
duration bars as of the newest article, a dot for one whose end no report gives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from newsarchive.charts import Span, duration_chart, month_chart
from plugins.world_map import country_counts, durations_function, incident_span


@dataclass
class Mention:
    id: str
    name: str
    url: str


@dataclass
class Report:
    countries: list[Mention]
    date: datetime = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class Incident:
    """The attributes of plugins/incidents' IncidentView that maps and charts read."""

    title: str
    codes: tuple[str, ...]
    reports: list[Report] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    ongoing: bool = False
    sort_date: date = date(2025, 1, 1)
    url: str = ""
    modified: datetime | None = None  # the newest report's date


RU = Mention("ru", "Russia", "country/ru/")
IR = Mention("ir", "Iran", "country/ir/")


def test_incidents_count_once_per_country_they_happen_in() -> None:
    incidents = [
        Incident("calls", ("ru",), [Report([RU, IR])]),  # a report naming Iran too: not counted
        Incident("blackout", ("ir",), [Report([IR])]),
        Incident("war", ("ir", "il"), [Report([IR])]),  # Israel: no report names it
        Incident("none", ()),
    ]
    rows = {row.code: row for row in country_counts(incidents)}
    assert {code: row.count for code, row in rows.items()} == {"ir": 2, "ru": 1, "il": 1}
    assert rows["ru"].url == "country/ru/" and rows["ir"].name == "Iran"
    assert rows["il"].url == "" and rows["il"].name == "Israel"  # shaded, not linked
    assert next(row.code for row in country_counts(incidents)) == "ir"  # most first


def test_stories_count_for_their_main_countries_else_their_first() -> None:
    tagged = SimpleNamespace(main_countries=[RU, IR], countries=[RU, IR])
    untagged = SimpleNamespace(countries=[IR, RU])
    counts = {row.code: row.count for row in country_counts([tagged, untagged])}
    assert counts == {"ru": 1, "ir": 2}


def test_incident_spans_ongoing_ended_and_unknown_end() -> None:
    ended = Incident("Cut", ("ir",), start=date(2025, 6, 13), end=date(2025, 6, 25), url="i/a/")
    ongoing = Incident("Calls", ("ru",), start=date(2025, 8, 11), ongoing=True)
    unknown = Incident("Law", ("ru",), sort_date=date(2019, 11, 1))
    assert incident_span(ended, "../..") == Span(
        "Cut", date(2025, 6, 13), date(2025, 6, 25), "../../i/a/"
    )
    assert incident_span(ongoing, "").end is None and not incident_span(ongoing, "").unknown_end
    span = incident_span(unknown, "")
    assert span.start == date(2019, 11, 1) and span.unknown_end and span.url == ""


def test_unknown_end_is_a_dot_and_is_not_counted_as_ongoing() -> None:
    spans = [
        Span("Law", date(2019, 11, 1), None, unknown_end=True),
        Span("Calls", date(2025, 8, 11), None),
    ]
    svg = duration_chart(spans, as_of=date(2025, 12, 1), label="Russia")
    assert re.search(r'<circle class="bar unknown"[^>]*><title>Law: 2019-11-01 to an end', svg)
    assert '<rect class="bar ongoing"' in svg
    assert "1 still on as of 2025-12-01" in svg


def test_durations_are_drawn_as_of_their_newest_report_not_today() -> None:
    draw = durations_function()
    newest = datetime(2025, 10, 21, 9, tzinfo=UTC)
    calls = Incident("Calls", ("ru",), start=date(2025, 8, 11), ongoing=True, modified=newest)
    svg = str(draw([calls], "", "Russia"))
    assert "still on as of 2025-10-21" in svg
    assert "still on as of 2025-11-02" in str(draw([calls], "", "Russia", date(2025, 11, 2)))
    assert str(draw([], "", "Russia")) == ""


def test_month_chart_keeps_readable_labels_and_has_a_y_axis() -> None:
    """Stories per month: px sizes (no view box to shrink the text on a phone), whole years,
    a labelled line at the busiest month's count."""
    dates = [date(2019, 3, 1), date(2019, 3, 9), date(2019, 3, 20), date(2021, 11, 2)]
    svg = month_chart(dates, "Russia")
    assert "viewBox" not in svg
    ticks = re.findall(r'<text class="tick"[^>]*font-size="(\d+)"[^>]*>([^<]+)</text>', svg)
    assert ("12", "3 stories a month") in ticks
    assert [year for size, year in ticks if year.isdigit()] == ["2019", "2020", "2021"]
    assert all(int(size) >= 12 for size, _ in ticks)
    xs = [float(x) for x in re.findall(r'<rect class="bar" x="([\d.]+)%"', svg)]
    assert xs[0] == pytest.approx(100 * 2 / 36 + 100 / 36 * 0.1, abs=0.01)  # March of 3 years


def test_a_country_with_a_page_anywhere_in_the_list_is_linked() -> None:
    israel = Mention("il", "Israel", "country/il/")
    incidents = [
        Incident("war", ("ir", "il"), [Report([IR])]),  # its reports do not name Israel
        Incident("later", ("il",), [Report([israel])]),
    ]
    rows = {row.code: row for row in country_counts(incidents)}
    assert rows["il"].url == "country/il/" and rows["il"].count == 2
