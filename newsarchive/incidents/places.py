"""Names the engine needs from the gazetteer: countries (regions' parents), platforms, bodies.

Loaded once per data folder; tests and callers may pass their own :class:`Names`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Names:
    """Display names, English aliases and region parents by gazetteer id."""

    names: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)  # region id -> country id
    countries: list[str] = field(default_factory=list)  # country ids
    cities: set[str] = field(default_factory=set)  # regions that are cities
    _patterns: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    _counted: dict[tuple[str, str], int] = field(  # recent mentioned() answers
        default_factory=dict, compare=False, repr=False)
    _finder: list = field(default_factory=list, compare=False, repr=False)  # see _named_in
    _named: dict[str, frozenset[str]] = field(  # recent _named_in() answers
        default_factory=dict, compare=False, repr=False)

    def name(self, entity_id: str) -> str:
        """Display name of an id (the id itself when unknown)."""
        return self.names.get(entity_id, entity_id.upper() if len(entity_id) == 2 else entity_id)

    def pattern(self, entity_id: str) -> re.Pattern[str] | None:
        """A regex matching the id's name and English aliases as whole words."""
        if entity_id not in self._patterns:
            words = {self.names.get(entity_id, ""), *self.aliases.get(entity_id, ())}
            words = {w for w in words if len(w) > 2 or w.isupper()}
            self._patterns[entity_id] = re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                + r")(?!\w)"
            ) if words else None
        return self._patterns[entity_id]

    def mentioned(self, entity_id: str, text: str, lower: str | None = None) -> int:
        """How many times ``text`` names the id (``lower``: the text in lower case, when the
        caller has it)."""
        if not text:
            return 0
        counted = self._counted.get((entity_id, text))
        if counted is not None:  # the extractors ask of one sentence again and again
            return counted
        if len(self._counted) > 4096:
            self._counted.clear()
        counted = self._counted[entity_id, text] = self._count(entity_id, text, lower)
        return counted

    def _count(self, entity_id: str, text: str, lower: str | None) -> int:
        if lower is None:
            lower = text.lower()
        if entity_id not in self._named_in(lower):
            return 0
        pattern = self.pattern(entity_id)
        return len(pattern.findall(text)) if pattern else 0


    def _named_in(self, lower: str) -> frozenset[str]:
        """The ids one of whose names (or aliases), in lower case, occurs in ``lower``
        anywhere, even inside a word: one automaton pass for every id, where asking each id
        in turn tested each of its names (the names are not changed once read)."""
        found = self._named.get(lower)
        if found is None:
            if not self._finder:
                self.prepare()
            automaton, owners = self._finder
            hits = {index for index, _, _ in automaton.find_matches_as_indexes(
                lower, overlapping=True)} if automaton is not None else ()
            found = frozenset(i for index in hits for i in owners[index])
            if len(self._named) > 4096:
                self._named.clear()
            self._named[lower] = found
        return found

    def prepare(self) -> None:
        """Build the automaton of every id's names (before forking workers that use it)."""
        import ahocorasick_rs

        owners: dict[str, list[str]] = {}
        for entity_id in sorted({*self.names, *self.aliases}):
            for word in {w.lower() for w in (self.names.get(entity_id, ""),
                                             *self.aliases.get(entity_id, ())) if w}:
                owners.setdefault(word, []).append(entity_id)
        words = sorted(owners)
        automaton = ahocorasick_rs.AhoCorasick(words) if words else None
        self._finder[:] = [automaton, [tuple(owners[w]) for w in words]]


def lex_city(name: str) -> bool:
    """Whether a region's name is one of the lexicon's capitals and main cities."""
    from newsarchive.incidents.lexicon import CITIES

    return any(name in names for names in CITIES.values())


@functools.cache
def load_names(data_dir: str | None = None) -> Names:
    """Countries, regions, platforms and bodies of the gazetteer (``data/`` by default)."""
    from newsarchive.entities import load_gazetteer

    gazetteer = load_gazetteer(Path(data_dir) if data_dir else None)
    names = Names()
    for type_ in ("country", "region", "platform", "body"):
        for entity in gazetteer.of_type(type_):
            names.names[entity.id] = entity.name
            every = entity.all_aliases() if type_ in ("country", "region", "body") else [
                *entity.aliases.get("en", ())]
            names.aliases[entity.id] = tuple(a for a in every if a != entity.name)
            if type_ == "region" and (entity.category == "city" or lex_city(entity.name)):
                names.cities.add(entity.id)
            if type_ == "country" and not entity.parent:
                names.countries.append(entity.id)
            parent = entity.parent or (
                getattr(entity, "implied", None) if type_ == "region" else None)
            if parent:
                names.parents[entity.id] = parent
    from newsarchive.incidents.lexicon import PLATFORM_NAMES

    for pid, forms in PLATFORM_NAMES.items():
        if pid in names.names:
            names.aliases[pid] = (*names.aliases[pid], *forms)
    return names
