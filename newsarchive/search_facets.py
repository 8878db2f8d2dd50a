"""The search page's facets, counted at build time from the articles.

The values are the strings the article template gives Pagefind as ``data-pagefind-filter``
(country, platform and event-type names, the source outlet, the year), so a value chosen on
the search page is one Pagefind knows. Rendering them into the page spares the browser
Pagefind's filter files (``pagefind.filters()`` fetches every one of them, hundreds of KB at
10,000 articles) before the reader has typed a word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Facet:
    """One filter of the search page: its key, its label and its values with their counts."""

    key: str
    label: str
    any_label: str
    values: list[tuple[str, int]]


FACETS = (
    ("country", "Country", "Any country"),
    ("platform", "Platform", "Any platform"),
    ("type", "Kind of event", "Any kind"),
    ("source", "Source", "Any source"),
    ("year", "Year", "Any year"),
    ("kind", "Record", "Articles and incidents"),
)


def _names(items: Any) -> set[str]:
    return {str(item.name) for item in items or () if getattr(item, "name", None)}


def facet_values(article: Any) -> dict[str, set[str]]:
    """The filter values one article gives Pagefind (see theme/templates/article.html)."""
    source = str(getattr(article, "source", "") or "").strip()
    return {
        "country": _names(getattr(article, "countries", None)),
        "platform": _names(getattr(article, "platforms", None)),
        "type": _names(getattr(article, "event_types", None)),
        "source": {source} if source else set(),
        "year": {str(article.date.year)},
        "kind": {"Article"},
    }


def incident_facet_values(incident: Any) -> dict[str, set[str]]:
    """The filter values one incident page gives Pagefind (see theme/templates/incident.html)."""
    type_name = str(getattr(incident, "type_name", "") or "")
    return {
        "country": {str(c.text) for c in incident.countries if getattr(c, "text", None)},
        "platform": {str(p) for p in incident.platform_names if p},
        "type": {type_name} if type_name else set(),
        "source": {str(s) for s in incident.sources if s},
        "year": {str(incident.year)},
        "kind": {"Incident"},
    }


def search_facets(articles: Iterable[Any], incidents: Iterable[Any] = ()) -> list[Facet]:
    """Every facet with its values and counts of the pages Pagefind indexes (articles and
    incidents): years newest first, the rest A to Z."""
    counts: dict[str, Counter[str]] = {key: Counter() for key, _, _ in FACETS}
    pages = [facet_values(a) for a in articles] + [incident_facet_values(i) for i in incidents]
    for values_of_page in pages:
        for key, values in values_of_page.items():
            counts[key].update(values)
    facets = []
    for key, label, any_label in FACETS:
        if key == "year":
            values = sorted(counts[key].items(), reverse=True)
        else:
            values = sorted(counts[key].items(), key=lambda kv: (kv[0].casefold(), kv[0]))
        facets.append(Facet(key, label, any_label, values))
    return facets
