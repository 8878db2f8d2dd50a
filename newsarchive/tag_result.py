"""What tagging a text gives: entities by salience, which of them are the story's own (main)
and which are only mentioned, event types with their evidence, and relevance."""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive.entities import Entity
from newsarchive.event_types import TaggedEventType

#: entity types split into main (where the event happens, what it is about) and mentioned
MAIN_TYPES = ("country", "region", "platform")


@dataclass(slots=True)
class TaggedEntity:
    """An entity found in a text, with its mentions per zone and its salience (0..1)."""

    id: str
    type: str
    name: str
    salience: float
    mentions: int
    where: dict[str, int]
    main: bool = False


# (id, salience, mentions, mentions in the title, in the lead, in the body) of one entity
EntityRow = tuple[str, float, int, int, int, int]


class TagResult:
    """Entities by salience (highest first), event types by score, relevance (0..1).

    ``rows`` holds the entities as plain tuples (:data:`EntityRow`), which is all a build
    stores; ``entities`` makes :class:`TaggedEntity` objects of them on first use. ``main``
    holds the ids of the countries, regions and platforms the story is about (where its event
    happens); the others of those types are only mentioned. ``evidence`` maps an event type to
    the sentence that reports it (filled by ``Tagger.tag(..., evidence=True)``).
    """

    __slots__ = ("_entities", "_gazetteer", "event_types", "evidence", "main", "relevance", "rows")

    def __init__(
        self,
        rows: list[EntityRow],
        event_types: list[TaggedEventType],
        relevance: float,
        gazetteer: dict[str, Entity],
        main: frozenset[str] = frozenset(),
        evidence: dict[str, str] | None = None,
    ) -> None:
        self.rows = rows
        self.event_types = event_types
        self.relevance = relevance
        self._gazetteer = gazetteer
        self.main = main
        self.evidence = evidence or {}
        self._entities: list[TaggedEntity] | None = None

    @property
    def entities(self) -> list[TaggedEntity]:
        """The entities found, by salience."""
        if self._entities is None:
            entities = self._gazetteer
            main = self.main
            self._entities = [
                TaggedEntity(
                    entity_id,
                    entities[entity_id].type,
                    entities[entity_id].name,
                    salience,
                    mentions,
                    {"title": title, "lead": lead, "body": body},
                    entity_id in main,
                )
                for entity_id, salience, mentions, title, lead, body in self.rows
            ]
        return self._entities

    def ids(self) -> list[str]:
        """``type:id`` of every entity, in order."""
        return [f"{e.type}:{e.id}" for e in self.entities]

    def _split(self, type_: str, main: bool) -> list[str]:
        return [e.id for e in self.entities if e.type == type_ and e.main == main]

    @property
    def main_countries(self) -> list[str]:
        """Countries where the story's event happens (named, or implied by a region or an
        authority of theirs), by salience."""
        return self._split("country", True)

    @property
    def mentioned_countries(self) -> list[str]:
        """Countries the story names only in passing."""
        return self._split("country", False)

    @property
    def main_platforms(self) -> list[str]:
        """Platforms the story is about."""
        return self._split("platform", True)

    @property
    def mentioned_platforms(self) -> list[str]:
        """Platforms named in passing."""
        return self._split("platform", False)

    @property
    def regions(self) -> list[str]:
        """Regions named (main first); cities (regions of category ``city``) only place a
        story in their country and are left out."""
        found = self._split("region", True) + self._split("region", False)
        return [i for i in found if self._gazetteer[i].category != "city"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TagResult):
            return NotImplemented
        return (self.rows, self.event_types, self.relevance, self.main) == (
            other.rows, other.event_types, other.relevance, other.main
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"TagResult(entities={self.rows!r}, main={sorted(self.main)!r}, "
            f"event_types={self.event_types!r}, relevance={self.relevance!r})"
        )
