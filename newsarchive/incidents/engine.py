"""build_incidents, explain and incident_for: the engine's entry points."""

from __future__ import annotations

import bisect
import multiprocessing as mp
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsarchive.incidents.extract import Profile, profile
from newsarchive.incidents.facts import incident_facts
from newsarchive.incidents.group import Decision, Group, group
from newsarchive.incidents.model import ArticleInput, Incident
from newsarchive.incidents.places import Names, load_names

RELATED_MAX = 5


@dataclass(slots=True)
class Build:
    """Incidents, newest first, with the grouping decision for every article."""

    incidents: list[Incident]
    decisions: dict[str, Decision]
    profiles: dict[str, Profile]


def _title(g: Group) -> str:
    english = [p for p in g.profiles if p.article.lang.lower().startswith("en")]
    return (english or g.profiles)[0].article.title


def _incident(g: Group, names: Names) -> Incident:
    profiles = sorted(g.profiles, key=lambda p: (p.day, p.article.date, p.key))
    facts = incident_facts(profiles, names)
    year = int(g.id[:4]) if g.id[:4].isdigit() else profiles[0].day.year
    slug = g.id[5:] if g.id[:4].isdigit() and len(g.id) > 5 else g.id
    return Incident(
        id=g.id, slug=slug, year=year, title=_title(g),
        articles=tuple(p.key for p in profiles), facts=facts,
    )


def _relate(incidents: list[Incident]) -> None:
    """Related: incidents of the same country, nearest start dates first (each country's
    incidents sorted once; a few neighbours on each side are compared)."""
    by_country: dict[str, list[tuple[int, str, Incident]]] = {}
    for incident in incidents:
        start = incident.value("start_date")
        day = start.toordinal() if start else 0
        for code in incident.value("country_code") or ():
            by_country.setdefault(code, []).append((day, incident.id, incident))
    for rows in by_country.values():
        rows.sort(key=lambda row: (row[0], row[1]))
    for incident in incidents:
        start = incident.value("start_date")
        day = start.toordinal() if start else 0
        near: dict[str, tuple[int, str]] = {}
        for code in incident.value("country_code") or ():
            rows = by_country[code]
            at = bisect.bisect_left(rows, (day, incident.id), key=lambda row: (row[0], row[1]))
            for other_day, other_id, _ in rows[max(0, at - RELATED_MAX - 1):at + RELATED_MAX + 2]:
                if other_id != incident.id:
                    near[other_id] = (abs(other_day - day), other_id)
        incident.related = tuple(sorted(near, key=lambda i: near[i])[:RELATED_MAX])


PARALLEL_MIN = 3000  # articles from which profiles are read by forked workers
_SHARED: list = []  # (articles, names) handed to forked workers


def _profile_slice(bounds: tuple[int, int]) -> list[Profile]:
    """Profiles of a slice of the shared articles, without their article (re-attached by the
    parent: a worker sends back only what it read)."""
    articles, names = _SHARED
    out = []
    for article in articles[bounds[0]:bounds[1]]:
        read = profile(article, names)
        read.article = None  # type: ignore[assignment]
        out.append(read)
    return out


def _profiles(articles: list[ArticleInput], names: Names) -> list[Profile]:
    """Every article's profile; read by one forked worker per core when there are many."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if len(articles) < PARALLEL_MIN or cores < 2 or "fork" not in mp.get_all_start_methods():
        return [profile(a, names) for a in articles]
    step = max(500, len(articles) // (cores * 8))
    bounds = [(i, min(i + step, len(articles))) for i in range(0, len(articles), step)]
    _SHARED[:] = [articles, names]
    try:
        with mp.get_context("fork").Pool(min(cores, 4)) as pool:
            chunks = pool.map(_profile_slice, bounds)
    except OSError:  # no processes to be had: read them here
        return [profile(a, names) for a in articles]
    finally:
        _SHARED.clear()
    out = [p for chunk in chunks for p in chunk]
    for read, article in zip(out, articles, strict=True):
        read.article = article
    return out


def build(articles: Iterable[ArticleInput], names: Names | None = None) -> Build:
    """Profiles, groups, decisions and incidents of ``articles``."""
    names = names or load_names()
    unique = list({a.key: a for a in articles}.values())
    profiles = {p.key: p for p in _profiles(unique, names)}
    names_of = {cid: {w.lower() for a in (names.name(cid), *names.aliases.get(cid, ()))
                      for w in a.split()}
                for p in profiles.values() for cid in (*p.main, *p.regions)}
    groups, decisions = group(profiles.values(), names_of)
    incidents = [_incident(g, names) for g in groups if g.profiles]
    incidents.sort(key=lambda i: (i.value("start_date"), i.id), reverse=True)
    _relate(incidents)
    return Build(incidents, decisions, profiles)


def build_incidents(articles: Iterable[ArticleInput], names: Names | None = None
                    ) -> list[Incident]:
    """Incidents of ``articles``, newest start first (the contract's entry point)."""
    return build(articles, names).incidents


def incident_for(new_articles: Sequence[ArticleInput], existing: Iterable[ArticleInput],
                 names: Names | None = None) -> dict[str, Incident | None]:
    """The incident each new article joins (None: none, e.g. an analysis piece).

    Built over the whole archive, so the answer is the one the next site build gives.
    """
    new_keys = {a.key for a in new_articles}
    everything = [a for a in existing if a.key not in new_keys] + list(new_articles)
    result = build(everything, names)
    by_article = {key: incident for incident in result.incidents for key in incident.articles}
    return {a.key: by_article.get(a.key) for a in new_articles}


def explain(articles: Iterable[ArticleInput], incident_id: str,
            names: Names | None = None) -> str:
    """Why each article joined incident ``incident_id`` and why near candidates did not."""
    result = build(articles, names)
    incident = next((i for i in result.incidents if i.id == incident_id), None)
    if incident is None:
        return f"no incident {incident_id!r}"
    lines = [f"{incident.id}: {incident.title}"]
    for key in incident.articles:
        decision = result.decisions[key]
        lines.append(f"  {key}: {decision.reason}")
        for gid, value, why in decision.candidates:
            if gid == incident.id:
                lines.append(f"      scored {value:.2f}: {why}" if value is not None
                             else f"      refused: {why}")
    lines.append("near articles that did not join:")
    near = 0
    for decision in result.decisions.values():
        if decision.group == incident.id:
            continue
        for gid, value, why in decision.candidates:
            if gid == incident.id:
                near += 1
                verdict = "refused" if value is None else (
                    f"scored {value:.2f} (below the winner or the threshold)")
                went = decision.group or "none"
                lines.append(f"  {decision.article} -> {went}: {verdict}: {why}")
    codes = {c.lower() for c in incident.value("country_code") or ()}
    for key, decision in result.decisions.items():
        if decision.group is None and set(result.profiles[key].main) & codes:
            lines.append(f"  {key} -> none: {decision.reason}")
            near += 1
    if not near:
        lines.append("  (none)")
    lines.append("facts:")
    for name, fact in incident.facts.items():
        src = ""
        if fact.source and fact.source.by_editor:
            src = " [editor]"
        elif fact.source:
            src = f" [{fact.source.article}: {fact.source.sentence[:90]!r}]"
        lines.append(f"  {name}: {fact.value}{src}")
    return "\n".join(lines)
