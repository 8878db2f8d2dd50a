"""Small inline SVG charts drawn at build time (no JavaScript): stories per month, and
incidents as duration bars along the years (:func:`duration_chart`).

The SVG is self-contained markup for a page: ``role="img"`` with a title and a description for
screen readers, one ``<rect>`` per month that has stories (with a ``<title>`` tooltip), year
ticks along the bottom. Colours come from CSS (``currentColor`` and the classes ``bar``,
``axis``, ``tick``), so the theme styles it in light and dark mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

HEIGHT = 150  # px of the stories-per-month chart
_PAD_BOTTOM = 20  # px for the year labels
_PAD_TOP = 22  # px above the busiest month's line, for its label
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_counts(dates: Iterable[date | datetime]) -> Counter[int]:
    """Stories per month, keyed by year * 12 + month - 1."""
    return Counter(_month_index(d) for d in dates)


def month_chart(dates: Iterable[date | datetime], label: str) -> str:
    """An SVG bar chart of how many dates fall in each month, along whole years.

    Like :func:`duration_chart` it is sized in CSS pixels with x in percent of the width (no
    view box), so its year labels and its y-axis (a line at the busiest month's count, labelled,
    and the baseline) keep 12 px on a 390 px phone while the bars stretch with the column."""
    counts = month_counts(dates)
    if not counts:
        return ""
    first, last = min(counts), max(counts)
    first -= first % 12  # whole years, January to December, so year ticks line up
    end = last - last % 12 + 12
    span = end - first
    peak = max(counts.values())
    slot = 100 / span
    bar = slot * 0.8
    base = HEIGHT - _PAD_BOTTOM
    plot = base - _PAD_TOP
    total = sum(counts.values())
    years = f"{first // 12}" if first // 12 == last // 12 else f"{first // 12}–{last // 12}"
    summary = (
        f"{total} stories about {label}, {years}; busiest month "
        f"{_name(max(counts, key=lambda m: (counts[m], m)))} with {peak}."
    )
    most = f"{peak} stor{'y' if peak == 1 else 'ies'} a month"
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{HEIGHT}" '
        f'role="img" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">Stories per month: {escape(label)}</title>',
        f'<desc id="chart-desc">{escape(summary)}</desc>',
        f'<line class="axis" x1="0" y1="{base}" x2="100%" y2="{base}" stroke="currentColor" '
        f'stroke-width="1"/>',
        f'<g class="y-axis"><line class="grid" x1="0" y1="{_PAD_TOP}" x2="100%" y2="{_PAD_TOP}" '
        f'stroke="currentColor" stroke-width="1" stroke-dasharray="2 3"/>'
        f'<text class="tick" x="0" y="{_PAD_TOP - 4}" font-size="12" fill="currentColor">'
        f"{most}</text></g>",
    ]
    year_count = span // 12
    every = -(-year_count // 10)  # at most about ten year labels: readable at 390 px
    for i, month in enumerate(range(first, end, 12)):
        if (year_count - 1 - i) % every == 0:
            mid = (month - first + 6) * slot
            parts.append(
                f'<text class="tick" x="{mid:.2f}%" y="{HEIGHT - 4}" font-size="12" '
                f'text-anchor="middle" fill="currentColor">{month // 12}</text>'
            )
    for month, count in sorted(counts.items()):
        height = max(plot * count / peak, 2.0)
        x = (month - first) * slot + (slot - bar) / 2
        stories = "story" if count == 1 else "stories"
        parts.append(
            f'<rect class="bar" x="{x:.3f}%" y="{base - height:.1f}" width="{bar:.3f}%" '
            f'height="{height:.1f}" fill="currentColor"><title>{_name(month)}: {count} {stories}'
            f"</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _name(month: int) -> str:
    return f"{_MONTHS[month % 12]} {month // 12}"


@dataclass(frozen=True, slots=True)
class Span:
    """One incident on a duration chart: its label, first and last day, and its page."""

    label: str
    start: date
    end: date | None  # None: still on (drawn up to the chart's ``as_of`` day)
    url: str = ""
    unknown_end: bool = False  # True (with end None): no report says when it ended; a mark


def _last_day(span: Span, as_of: date) -> date:
    """The last day a bar covers: its end; ``as_of`` when ongoing; its start when unknown."""
    if span.end is not None:
        return span.end
    return span.start if span.unknown_end else as_of


_ROW = 30  # px per incident: a 12 px label above a 10 px bar
_AXIS = 22  # px for the year labels under the rows
_MIN_BAR = 0.4  # % of the width: a one-day shutdown stays visible


def duration_chart(spans: Iterable[Span], as_of: date, label: str, max_rows: int = 40) -> str:
    """An SVG of incidents as bars along a time axis of whole years, one row each (its label
    from the left edge, its bar under it).

    Sizes are in CSS pixels and x positions in percent of the width (the SVG has no view
    box), so the labels and the year axis keep a readable size on a 390 px phone while the
    bars stretch with the column. An ongoing incident's bar runs to ``as_of`` and is marked.
    """
    rows = sorted(spans, key=lambda s: (s.start, s.label))[-max_rows:][::-1]
    if not rows:
        return ""
    first = min(s.start for s in rows).year
    last = max(_last_day(s, as_of).year for s in rows)
    origin = date(first, 1, 1)
    days = (date(last + 1, 1, 1) - origin).days

    def pct(day: date) -> float:
        return 100 * (day - origin).days / days

    height = len(rows) * _ROW + _AXIS
    ongoing = sum(1 for s in rows if s.end is None and not s.unknown_end)
    summary = (
        f"{len(rows)} incident{'s' if len(rows) != 1 else ''} in {escape(label)}, "
        f"{first}–{last}; {ongoing} still on as of {as_of.isoformat()}."
    )
    parts = [
        f'<svg class="chart durations" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'height="{height}" role="group" aria-labelledby="durations-title" '
        f'aria-describedby="durations-desc">',
        f'<title id="durations-title">Incidents over time: {escape(label)}</title>',
        f'<desc id="durations-desc">{summary}</desc>',
    ]
    axis_y = len(rows) * _ROW + 4
    every = -(-(last - first + 1) // 10)  # at most about ten year labels: readable at 390 px
    for year in range(first, last + 2):
        x = pct(date(year, 1, 1)) if year <= last else 100.0
        parts.append(
            f'<line class="grid" x1="{x:.2f}%" y1="0" x2="{x:.2f}%" y2="{axis_y}" '
            f'stroke="currentColor" stroke-width="1"/>'
        )
        if year <= last and (last - year) % every == 0:
            mid = pct(date(year, 7, 1))
            parts.append(
                f'<text class="tick" x="{mid:.2f}%" y="{axis_y + 14}" font-size="12" '
                f'text-anchor="middle" fill="currentColor">{year}</text>'
            )
    for i, span in enumerate(rows):
        end = _last_day(span, as_of)
        x = pct(span.start)
        width = max(pct(end + timedelta(days=1)) - x, _MIN_BAR)
        top = i * _ROW
        if span.end is not None:
            state, until = "ended", span.end.isoformat()
        elif span.unknown_end:
            state, until = "unknown", "an end no report gives"
        else:
            state, until = "ongoing", "ongoing"
        period = f"{span.start.isoformat()} to {until}"
        name = span.label if len(span.label) <= 48 else span.label[:47].rstrip() + "…"
        tip = f"<title>{escape(span.label)}: {period}</title>"
        if state == "unknown":  # a dot on its start day: nothing says how long it lasted
            mark = (
                f'<circle class="bar {state}" cx="{x:.2f}%" cy="{top + 21}" r="4" '
                f'fill="currentColor">{tip}</circle>'
            )
        else:
            mark = (
                f'<rect class="bar {state}" x="{x:.2f}%" y="{top + 16}" width="{width:.2f}%" '
                f'height="10" rx="2" fill="currentColor">{tip}</rect>'
            )
        bar = (
            f'<text class="label" x="0" y="{top + 12}" font-size="12" '
            f'fill="currentColor">{escape(name)}</text>{mark}'
        )
        if span.url:
            bar = f'<a href="{escape(span.url)}">{bar}</a>'
        parts.append(bar)
    parts.append("</svg>")
    return "".join(parts)
