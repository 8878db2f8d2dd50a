"""build_incidents, explain and incident_for: the engine's entry points."""

from __future__ import annotations

import bisect
import multiprocessing as mp
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsarchive.gcpause import collector_paused, settle_young_objects
from newsarchive.incidents.cache import ProfileCache, fingerprint
from newsarchive.incidents.extract import Profile, main_countries, profile, reading_article
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
    keys: dict[str, list[tuple[int, str]]] = {}  # each country's (day, id), sorted
    for code, rows in by_country.items():
        rows.sort(key=lambda row: (row[0], row[1]))
        keys[code] = [(row[0], row[1]) for row in rows]
    for incident in incidents:
        start = incident.value("start_date")
        day = start.toordinal() if start else 0
        near: dict[str, tuple[int, str]] = {}
        for code in incident.value("country_code") or ():
            rows = by_country[code]
            at = bisect.bisect_left(keys[code], (day, incident.id))
            for other_day, other_id, _ in rows[max(0, at - RELATED_MAX - 1):at + RELATED_MAX + 2]:
                if other_id != incident.id:
                    near[other_id] = (abs(other_day - day), other_id)
        incident.related = tuple(sorted(near, key=lambda i: near[i])[:RELATED_MAX])


PARALLEL_MIN = 3000  # articles from which places are read by forked workers
SETTLE_MIN = 256  # articles from which what was read leaves the young generations unwalked
_SHARED: list = []  # (articles, names) handed to forked workers


@dataclass(slots=True)
class _Part:
    """What one place partition gives: its incidents, decisions and profiles."""

    incidents: list[Incident]
    decisions: dict[str, Decision]
    profiles: list[Profile]
    hits: int = 0  # profiles found in the cache


def _names_of(profiles: Iterable[Profile], names: Names) -> dict[str, set[str]]:
    """Lower-case words of the names of the places of ``profiles`` (left out of slugs)."""
    return {cid: {w.lower() for a in (names.name(cid), *names.aliases.get(cid, ()))
                  for w in a.split()}
            for p in profiles for cid in (*p.main, *p.regions)}


def _build_part(articles: Sequence[ArticleInput], names: Names,
                cache: ProfileCache | None = None, shard: int = 0) -> _Part:
    # reading and grouping make no reference cycles: the collector would only walk the
    # profiles (and in the site build, in a forked worker, copy Pelican's heap as it walks it)
    with collector_paused():
        part = _read_and_group(articles, names, cache, shard)
        if len(articles) >= SETTLE_MIN:
            settle_young_objects()
    return part


def _read_and_group(articles: Sequence[ArticleInput], names: Names,
                    cache: ProfileCache | None, shard: int) -> _Part:
    """Profiles (from ``cache`` when it has them; the cache's shard ``shard`` is then
    written with them), groups, decisions and incidents of articles that share no place
    with any other article (grouping only ever compares reports of a common place)."""
    profiles = []
    hits = 0
    read: dict[str, Profile] = {}
    for article in articles:
        stored = None
        if cache is not None:
            print_ = fingerprint(article)
            stored = cache.get(print_)
        if stored is not None:
            stored.article = reading_article(article)
            hits += 1
        else:
            stored = profile(article, names)
        profiles.append(stored)
        if cache is not None:
            read[print_] = stored
    if cache is not None:
        cache.write(shard, read)
    groups, decisions = group(profiles, _names_of(profiles, names))
    incidents = [_incident(g, names) for g in groups if g.profiles]
    return _Part(incidents, decisions, profiles, hits)


def _worker_part(job: tuple[int, list[int]]) -> _Part:
    """A partition read by a forked worker. Sent back: its incidents and decisions, and
    with ``detail`` the candidates scored and the profiles without their articles (the
    parent has them); without, neither (most of what would be pickled)."""
    shard, indexes = job
    articles, names, detail, cache = _SHARED
    part = _build_part([articles[i] for i in indexes], names, cache, shard)
    if not detail:
        part.profiles = []
        for decision in part.decisions.values():
            decision.candidates = []
    for read in part.profiles:
        read.article = None  # type: ignore[assignment]
    return part


def partitions(articles: Sequence[ArticleInput], names: Names) -> list[list[int]]:
    """Indexes of ``articles`` in groups that share no country or region (connected
    components of their places), largest first; an article of no place is alone."""
    parent: dict[str, str] = {}

    def root(place: str) -> str:
        while parent[place] != place:
            parent[place] = parent[parent[place]]
            place = parent[place]
        return place

    places = []
    for article in articles:
        main, regions = main_countries(article, names)
        own = [*main, *regions]
        places.append(own)
        for place in own:
            parent.setdefault(place, place)
        for place in own[1:]:
            a, b = root(own[0]), root(place)
            if a != b:
                parent[max(a, b)] = min(a, b)
    by_root: dict[str, list[int]] = {}
    alone: list[list[int]] = []
    for index, own in enumerate(places):
        if own:
            by_root.setdefault(root(own[0]), []).append(index)
        else:
            alone.append([index])
    parts = [*by_root.values(), *alone]
    parts.sort(key=lambda part: (-len(part), part[0]))
    return parts


def _parallel(articles: list[ArticleInput], names: Names, detail: bool,
              cache: ProfileCache | None) -> list[_Part] | None:
    """Every partition, read by one forked worker per core; None when that cannot be."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if len(articles) < PARALLEL_MIN or cores < 2 or "fork" not in mp.get_all_start_methods():
        return None
    workers = min(cores, 4)
    # many small chunks, largest first: the workers end within a small chunk of each other
    chunks = _chunks(partitions(articles, names), workers * 8)
    names.prepare()  # once, not in each worker
    _SHARED[:] = [articles, names, detail, cache]
    try:
        # the parent loads what the workers send back: many objects, no cycles (the
        # collector would walk them, and the archive's articles, about four times over)
        with collector_paused(), mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_worker_part, list(enumerate(chunks)), chunksize=1)
            settle_young_objects()
    except OSError:  # no processes to be had
        return None
    finally:
        _SHARED.clear()
    for indexes, part in zip(chunks, parts, strict=True):
        for i, read in zip(indexes, part.profiles, strict=detail):
            read.article = reading_article(articles[i])
    return parts


def _chunks(parts: list[list[int]], count: int) -> list[list[int]]:
    """Partitions dealt into at most ``count`` chunks of about equal size (largest first,
    each to the smallest chunk so far), largest chunk first."""
    chunks: list[list[int]] = [[] for _ in range(min(count, len(parts)))]
    for part in parts:
        min(chunks, key=len).extend(part)
    chunks = [c for c in chunks if c]
    chunks.sort(key=len, reverse=True)
    return chunks


def build(articles: Iterable[ArticleInput], names: Names | None = None,
          detail: bool = True, cache: ProfileCache | None = None) -> Build:
    """Profiles, groups, decisions and incidents of ``articles``.

    Without ``detail`` (what the site and the listing need), a large archive's build may
    leave out the profiles and the candidates each decision scored (``explain`` needs them).
    With a ``cache``, articles read before are not read again, and the cache is saved with
    the profiles of ``articles``.

    Large archives are read in place partitions by forked workers: grouping compares only
    reports of a common country or region, so partitions group alone with the same result.
    Should two partitions give one incident id (an editor's ``Incident:`` naming an
    incident of another place), everything is read again as one partition.
    """
    names = names or load_names()
    unique = list({a.key: a for a in articles}.values())
    parts = _parallel(unique, names, detail, cache)
    if parts is not None:
        ids = [i.id for part in parts for i in part.incidents]
        if len(ids) != len(set(ids)):
            parts = None
    if parts is None:
        parts = [_build_part(unique, names, cache)]
    if cache is not None:
        cache.hits = sum(part.hits for part in parts)  # workers count in their own copies
        cache.finish(len(parts), map(fingerprint, unique) if cache.folder is None else ())
    by_key = {p.key: p for part in parts for p in part.profiles}
    profiles = {a.key: by_key[a.key] for a in unique if a.key in by_key}
    article_of = {a.key: a for a in unique}
    decided = {k: d for part in parts for k, d in part.decisions.items()}
    order = sorted(decided, key=lambda k: (  # as grouping decides: editors' choices last
        bool(article_of[k].meta.get("incident")), article_of[k].date.date(),
        article_of[k].date, k))
    decisions = {k: decided[k] for k in order}
    incidents = [i for part in parts for i in part.incidents]
    incidents.sort(key=lambda i: (i.value("start_date"), i.id), reverse=True)
    _relate(incidents)
    return Build(incidents, decisions, profiles)


def build_incidents(articles: Iterable[ArticleInput], names: Names | None = None,
                    cache: ProfileCache | None = None) -> list[Incident]:
    """Incidents of ``articles``, newest start first (the contract's entry point)."""
    return build(articles, names, detail=False, cache=cache).incidents


def incident_for(new_articles: Sequence[ArticleInput], existing: Iterable[ArticleInput],
                 names: Names | None = None) -> dict[str, Incident | None]:
    """The incident each new article joins (None: none, e.g. an analysis piece).

    Built over the whole archive, so the answer is the one the next site build gives.
    """
    new_keys = {a.key for a in new_articles}
    everything = [a for a in existing if a.key not in new_keys] + list(new_articles)
    result = build(everything, names, detail=False)
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
