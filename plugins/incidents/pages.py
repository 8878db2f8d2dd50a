"""Incident pages, the index table in every order, and the Atom feed, through Pelican's writer.

- ``incidents/`` and one page per other order (``incidents/by-country/`` ...), each a table
  paginated like the other lists (``<order>/page/<n>/``): plain links in the column headers
  move between orders, so sorting works without JavaScript.
- ``incidents/<year>/<slug>/`` per incident (``incident.html``).
- the feed (``INCIDENTS_FEED``), newest activity first: an entry per incident, published when
  the archive first reported it, updated at its latest report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .view import IncidentView


@dataclass(frozen=True)
class Order:
    """One order of the index table: its page, the column it sorts and the direction."""

    key: str
    url: str
    column: str  # the column header that links here
    direction: str  # "ascending" | "descending" (for aria-sort)
    label: str  # what the caption says
    sort: Callable[[list[IncidentView]], list[IncidentView]]

    @property
    def save_as(self) -> str:
        return self.url + "index.html"


def _newest(views: list[IncidentView]) -> list[IncidentView]:
    return sorted(views, key=lambda v: (v.sort_date, v.modified, v.id), reverse=True)


def _then_newest(key: Callable[[IncidentView], Any]) -> Callable:
    """Sort by ``key`` ascending, ties newest first (a stable sort over the newest order)."""
    return lambda views: sorted(_newest(views), key=key)


ORDERS: tuple[Order, ...] = (
    Order("newest", "incidents/", "start", "descending", "newest first", _newest),
    Order(
        "oldest", "incidents/oldest/", "start", "ascending", "oldest first",
        lambda views: list(reversed(_newest(views))),
    ),
    Order(
        "country", "incidents/by-country/", "country", "ascending", "by country",
        _then_newest(lambda v: (not v.country_name, v.country_name.casefold())),
    ),
    Order(
        "type", "incidents/by-type/", "type", "ascending", "by kind of event",
        _then_newest(lambda v: (not v.type_name, v.type_name.casefold())),
    ),
    Order(
        "end", "incidents/by-end/", "end", "descending", "ongoing first, then latest end",
        _then_newest(
            lambda v: (not v.ongoing, v.end is None, -(v.end.toordinal() if v.end else 0))
        ),
    ),
    Order(
        "duration", "incidents/by-duration/", "duration", "descending", "longest first",
        _then_newest(lambda v: (v.duration_hours is None, -(v.duration_hours or 0))),
    ),
    Order(
        "reports", "incidents/by-reports/", "reports", "descending", "most reports first",
        _then_newest(lambda v: -len(v.reports)),
    ),
)
ORDER_BY_KEY = {order.key: order for order in ORDERS}


def column_orders() -> dict[str, list[Order]]:
    """For each sortable column, the orders that sort it (the first is the header's link)."""
    out: dict[str, list[Order]] = {}
    for order in ORDERS:
        out.setdefault(order.column, []).append(order)
    return out


class FeedItem:
    """An incident as a feed entry: Pelican's writer reads these attributes."""

    def __init__(self, view: IncidentView, author: str = "") -> None:
        self._view = view
        self.author = author  # the archive's editors: an incident record is theirs
        self.title = view.title
        self.url = view.url
        self.date = view.date
        self.modified = view.modified
        self.summary = escape(view.summary)

    def get_content(self, siteurl: str) -> str:
        """The entry's content: its summary, its facts and its reports, as HTML."""
        view = self._view
        facts = "".join(
            f"<li>{escape(row.label)}: {escape(', '.join(link.text for link in row.value))}</li>"
            for row in view.rows
            if row.known
        )
        reports = "".join(
            f'<li><a href="{escape(siteurl)}/{escape(a.url)}">{escape(_plain(a.title))}</a>'
            f" ({escape(str(getattr(a, 'source', '') or ''))},"
            f" {a.date:%Y-%m-%d})</li>"
            for a in view.reports
        )
        return f"<p>{escape(view.summary)}</p><ul>{facts}</ul><p>Reports:</p><ol>{reports}</ol>"


def _plain(value: Any) -> str:
    return Markup(str(value or "")).striptags()


def write_pages(
    generator: Any, writer: Any, views: Sequence[IncidentView], feed: str | None
) -> int:
    """Write the index in every order, each incident's page and the feed; return pages written."""
    settings = generator.settings
    relative = settings["RELATIVE_URLS"]
    views = list(views)
    index_template = generator.get_template("incidents")
    columns = column_orders()
    for order in ORDERS:
        writer.write_file(
            order.save_as,
            index_template,
            generator.context,
            relative_urls=relative,
            paginated={"incidents": order.sort(views)},
            template_name="incidents",
            url=order.url,
            order=order,
            orders=ORDERS,
            columns=columns,
            feed_url=feed,
        )
    page_template = generator.get_template("incident")
    for view in views:
        writer.write_file(
            view.save_as,
            page_template,
            generator.context,
            relative_urls=relative,
            paginated={},
            template_name="incident",
            url=view.url,
            incident=view,
            feed_url=feed,
            index_url=ORDERS[0].url,
        )
    if feed:
        newest = sorted(views, key=lambda v: (v.modified, v.id), reverse=True)
        limit = settings.get("FEED_MAX_ITEMS") or None
        writer.write_feed(
            [FeedItem(view, str(settings.get("AUTHOR") or "")) for view in newest[:limit]],
            generator.context,
            feed,
            feed,
            feed_title="Incidents",
        )
    return len(views)
