"""A first, simple ``build_incidents``: same first country and event type within 30 days.

Temporary: lets the site be built on the contract while the real engine is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from newsarchive.incidents.model import ArticleInput, Fact, Incident, Provenance

_WINDOW = timedelta(days=30)


def _slug(text: str, words: int = 5) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:words]) or "incident"


def build_incidents(articles: Iterable[ArticleInput]) -> list[Incident]:
    """Incidents of ``articles`` (simple rule), newest first."""
    groups: list[list[ArticleInput]] = []
    last: dict[tuple[str, str], list[ArticleInput]] = {}
    for article in sorted(articles, key=lambda a: (a.date, a.key)):
        if not article.countries or not article.event_types:
            continue
        key = (article.countries[0], article.event_types[0])
        group = last.get(key)
        if group is not None and article.date - group[-1].date <= _WINDOW:
            group.append(article)
        else:
            group = [article]
            groups.append(group)
            last[key] = group
    incidents = []
    for group in groups:
        first = group[0]
        year = first.date.year
        slug = f"{first.countries[0]}-{_slug(first.title)}"
        prov = Provenance(first.key, "")
        facts = {
            "start_date": Fact(first.date.date(), prov),
            "end_date": Fact(None, None),
            "status": Fact("unknown", None),
            "duration_hours": Fact(None, None),
            "country": Fact(first.countries[0].upper(), prov),
            "country_code": Fact([first.countries[0].upper()], prov),
            "area_name": Fact(None, None),
            "geo_scope": Fact("national", None),
            "event_type": Fact(first.event_types[0], prov),
            "shutdown_type": Fact(None, None),
            "affected_services": Fact(list(first.platforms), prov),
            "ordered_by": Fact(None, None),
            "official_justification": Fact(None, None),
        }
        incidents.append(Incident(
            id=f"{year}-{slug}", slug=slug, year=year, title=first.title,
            articles=tuple(a.key for a in group), facts=facts,
        ))
    incidents.sort(key=lambda i: (i.value("start_date"), i.id), reverse=True)
    return incidents
