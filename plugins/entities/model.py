"""What templates get: entity and event-type URL objects, and per-article references to them.

The URL objects follow Pelican's ``URLWrapper`` (as its tags and categories, and the
more-categories plugin, do): the URL and save-as path come from settings named after the class
(``COUNTRY_URL``, ``EVENTTYPE_SAVE_AS`` ...), defaults set by the plugin. The slug is always the
gazetteer id, never a slug of a (possibly non-Latin) name.
"""

from __future__ import annotations

from typing import Any

from pelican.urlwrappers import URLWrapper

from newsarchive.entities import TYPE_LABELS, TYPES, Entity
from newsarchive.event_types import EventTypeDef


class EntityPage(URLWrapper):
    """Base of the per-type URL objects; ``entity`` is the gazetteer entry."""

    kind = "entity"

    def __init__(self, entity: Entity, settings: dict[str, Any]) -> None:
        super().__init__(entity.name, settings)
        self.slug = entity.id
        self.entity = entity

    @property
    def id(self) -> str:
        return self.entity.id

    @property
    def type(self) -> str:
        return self.entity.type

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.entity.type]

    @property
    def description(self) -> str:
        return self.entity.description

    @property
    def wikidata(self) -> str | None:
        return self.entity.wikidata

    @property
    def feed_url(self) -> str:
        return self.url + "feed.atom.xml"

    def __hash__(self) -> int:
        found = self.__dict__.get("_hash_key")
        if found is None or found[0] != self.slug:  # made once (pages key many dicts)
            found = self.__dict__["_hash_key"] = (self.slug, hash((self.kind, self.slug)))
        return found[1]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntityPage):
            return (self.kind, self.slug) == (other.kind, other.slug)
        return super().__eq__(other)

    def __lt__(self, other: object) -> bool:
        if isinstance(other, EntityPage):
            return (self.name.casefold(), self.slug) < (other.name.casefold(), other.slug)
        return super().__lt__(other)


class Country(EntityPage):
    kind = "country"


class Region(EntityPage):
    kind = "region"


class Platform(EntityPage):
    kind = "platform"


class Company(EntityPage):
    kind = "company"


class Body(EntityPage):
    kind = "body"


class Law(EntityPage):
    kind = "law"


class Person(EntityPage):
    kind = "person"


class Org(EntityPage):
    kind = "org"


class EventType(URLWrapper):
    """An event type's page (``type/<id>/``)."""

    kind = "type"
    type = "type"
    type_label = "Event types"
    wikidata = None

    def __init__(self, definition: EventTypeDef, settings: dict[str, Any]) -> None:
        super().__init__(definition.name, settings)
        self.slug = definition.id
        self.definition = definition

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def description(self) -> str:
        return self.definition.definition

    @property
    def feed_url(self) -> str:
        return self.url + "feed.atom.xml"

    def __hash__(self) -> int:
        return hash((self.kind, self.slug))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EventType):
            return self.slug == other.slug
        return super().__eq__(other)


PAGE_CLASSES: dict[str, type[EntityPage]] = {
    cls.kind: cls for cls in (Country, Region, Platform, Company, Body, Law, Person, Org)
}
assert set(PAGE_CLASSES) == set(TYPES)

#: where each index page lives
INDEX_URLS: dict[str, str] = {
    "country": "countries/",
    "region": "regions/",
    "platform": "platforms/",
    "company": "companies/",
    "body": "bodies/",
    "law": "laws/",
    "person": "people/",
    "org": "orgs/",
    "type": "types/",
}


def url_defaults() -> dict[str, str]:
    """Default ``<CLASS>_URL`` / ``<CLASS>_SAVE_AS`` settings: ``<type>/<id>/``."""
    out = {}
    for cls in (*PAGE_CLASSES.values(), EventType):
        key = cls.__name__.upper()
        out[f"{key}_URL"] = f"{cls.kind}/{{slug}}/"
        out[f"{key}_SAVE_AS"] = f"{cls.kind}/{{slug}}/index.html"
    return out


class Mention:
    """An entity as one article mentions it: the entity's page plus this article's salience,
    and whether it is one of the story's main ones (where the event happens, what it is about)
    or only mentioned in passing."""

    __slots__ = ("main", "mentions", "page", "salience")

    def __init__(
        self, page: EntityPage, salience: float, mentions: int, main: bool = True
    ) -> None:
        self.page = page
        self.salience = salience
        self.mentions = mentions
        self.main = main

    id = property(lambda self: self.page.id)
    type = property(lambda self: self.page.type)
    name = property(lambda self: self.page.name)
    url = property(lambda self: self.page.url)
    description = property(lambda self: self.page.description)

    @property
    def parent(self) -> str | None:
        """For a region, the id of its country (what the open data's place code reads)."""
        entity = self.page.entity
        return entity.country if entity.type == "region" else None

    def __repr__(self) -> str:
        return f"<Mention {self.type}:{self.id} {self.salience}>"

    def __str__(self) -> str:
        return self.name


class EventTypeMention:
    """An event type as one article reports it, with its score."""

    __slots__ = ("page", "score")

    def __init__(self, page: EventType, score: float) -> None:
        self.page = page
        self.score = score

    id = property(lambda self: self.page.id)
    name = property(lambda self: self.page.name)
    url = property(lambda self: self.page.url)
    description = property(lambda self: self.page.description)

    def __repr__(self) -> str:
        return f"<EventTypeMention {self.id} {self.score}>"

    def __str__(self) -> str:
        return self.name
