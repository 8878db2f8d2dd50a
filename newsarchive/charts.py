"""Small inline SVG charts drawn at build time (no JavaScript): stories per month.

The SVG is self-contained markup for a page: ``role="img"`` with a title and a description for
screen readers, one ``<rect>`` per month that has stories (with a ``<title>`` tooltip), year
ticks along the bottom. Colours come from CSS (``currentColor`` and the classes ``bar``,
``axis``, ``tick``), so the theme styles it in light and dark mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from html import escape

WIDTH = 640
HEIGHT = 120
_PAD_BOTTOM = 18
_PAD_TOP = 8
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_counts(dates: Iterable[date | datetime]) -> Counter[int]:
    """Stories per month, keyed by year * 12 + month - 1."""
    return Counter(_month_index(d) for d in dates)


def month_chart(dates: Iterable[date | datetime], label: str) -> str:
    """An SVG bar chart of how many dates fall in each month, from the first to the last."""
    counts = month_counts(dates)
    if not counts:
        return ""
    first, last = min(counts), max(counts)
    first -= first % 12  # start in January so year ticks line up
    span = last - first + 1
    peak = max(counts.values())
    slot = WIDTH / span
    bar = max(slot * 0.8, 1.0)
    plot = HEIGHT - _PAD_BOTTOM - _PAD_TOP
    total = sum(counts.values())
    years = f"{first // 12}" if first // 12 == last // 12 else f"{first // 12}–{last // 12}"
    summary = (
        f"{total} stories about {label}, {years}; busiest month "
        f"{_name(max(counts, key=lambda m: (counts[m], m)))} with {peak}."
    )
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="none">',
        f'<title id="chart-title">Stories per month: {escape(label)}</title>',
        f'<desc id="chart-desc">{escape(summary)}</desc>',
        f'<line class="axis" x1="0" y1="{HEIGHT - _PAD_BOTTOM}" x2="{WIDTH}" '
        f'y2="{HEIGHT - _PAD_BOTTOM}" stroke="currentColor" stroke-width="1"/>',
    ]
    for month in range(first, last + 1, 12):
        x = (month - first) * slot
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 4}" font-size="10" '
            f'fill="currentColor">{month // 12}</text>'
        )
    for month, count in sorted(counts.items()):
        height = max(plot * count / peak, 2.0)
        x = (month - first) * slot + (slot - bar) / 2
        y = HEIGHT - _PAD_BOTTOM - height
        stories = "story" if count == 1 else "stories"
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
            f'fill="currentColor"><title>{_name(month)}: {count} {stories}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _name(month: int) -> str:
    return f"{_MONTHS[month % 12]} {month // 12}"
