"""The gazetteer: entities read from ``data/entities/*.toml``, validated, merged with pycountry.

Each TOML file holds one entity type (``country.toml``, ``region.toml``, ``platform.toml`` ...)
as an array of ``[[entity]]`` tables. Fields (``/work/briefs/gazetteer-format.md`` is the short
version for data editors):

- ``id`` (lowercase ascii), ``type`` (the file's), ``name``, ``description``;
- ``aliases``: language -> surface forms (names and their inflected forms). ``en`` always;
  ``ru`` too for countries, bodies, laws, people and organisations;
- ``adjectives`` (countries and regions): language -> demonyms and adjectives in every
  inflected form ("Russian", "российских", "ruso", "russe"). They refer to the place without
  naming it: they make it a story's main country only from the headline, the lede or the
  sentence that reports the event, and are never a mention on their own further down;
- ``country``: for a region, the country it belongs to (required, or ``countries`` for a
  region spanning several, which then implies none); for a body, the state it belongs to; for
  a platform or company, its home (informational);
- ``implies_country`` (bodies, default true when ``country`` is set): a national authority
  acting in a story places the story in its country (Roskomnadzor -> Russia); false for
  bodies that mostly comment on other countries (a foreign ministry);
- ``wikidata`` (Q-id), ``category`` (platforms: messaging, social, video, dating, voip, vpn,
  circumvention, app-store, news, measurement, ...; regions: ``city`` for a city, which places
  a story in its country but is not itself one of the story's regions);
- ``ambiguous``, ``context``, ``context_entities``: an alias listed as ambiguous counts only
  when a context word occurs in the text or a context entity is tagged.

Every ISO 3166 country comes from pycountry (names, ru and official-language translations,
alpha-3 as an acronym) and ``country.toml`` is merged on top of it by id. Regions live in
``region.toml`` (type ``region``); older ``country.toml`` entries with ``parent = "xx"`` are
read as regions of that country. A region is never a country: it has its own pages, and it
implies its country.

Bad data fails loudly: a malformed entry raises :class:`GazetteerError` naming the file, the
entry and the reason (all of them at once). Two entries with one id are an error too; an alias
claimed by two entities is a warning (kept in :attr:`Gazetteer.warnings` and logged), and the
tagger then accepts it only where context rules tell the claimants apart.

This module is data only; ``newsarchive.tagger.load_tagger`` compiles it.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import logging
import re
import struct
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import add
from pathlib import Path
from typing import Any

from newsarchive.text_forms import alias_key

log = logging.getLogger(__name__)

#: Entity types, in the order pages and article chips list them.
TYPES: tuple[str, ...] = (
    "country", "region", "platform", "company", "body", "law", "person", "org",
)
#: Plural labels for groups and index pages.
TYPE_LABELS: dict[str, str] = {
    "country": "Countries",
    "region": "Regions",
    "platform": "Platforms",
    "company": "Companies",
    "body": "Government bodies",
    "law": "Laws and policies",
    "person": "People",
    "org": "Organisations",
}
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: ISO alpha-3 codes that are also everyday words or better-known acronyms ("AND", "CAN",
#: "TLS", "DMA"): not used as aliases, or every "and" would be a candidate for Andorra.
_WORDLIKE_ALPHA3 = frozenset(
    {
        "AND", "ARE", "CAN", "PER", "MAR", "BEN", "NOR", "DOM", "LIE", "COD", "TON", "SUR", "FIN",
        "TUN", "ARM", "GAB", "BRA", "MAC", "COM", "NIC", "PAN", "SEN", "KEN", "JAM", "GUM", "PRY",
        "CUB", "DMA", "GEO", "VAT", "GUY", "ALA", "IOT", "ATF", "CAF", "NER", "TLS", "EST", "MMR",
        "HUN", "BEL", "ASM", "AUS", "FRO", "SPM", "PLW", "MUS", "TUV", "ATA",
    }
)
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_FIELDS = frozenset(
    {
        "id", "type", "name", "description", "aliases", "country", "parent", "wikidata",
        "ambiguous", "context", "context_entities", "adjectives", "implies_country", "category",
        "countries",
    }
)
#: types whose entries need Russian aliases too (platform, company and region names are
#: mostly written the same in Russian text, or need only the forms that differ)
_NEED_RU = frozenset({"country", "body", "law", "person", "org"})
CATEGORIES = frozenset(
    {
        "messaging", "social", "video", "dating", "voip", "vpn", "circumvention", "app-store",
        "news", "measurement", "search", "streaming", "ai", "email", "payments", "telecom",
        "state-app", "other", "city",
    }
)


class GazetteerError(ValueError):
    """Malformed gazetteer data; ``problems`` lists (file, entry, reason) for every one found."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        lines = [f"{file}: {entry}: {reason}" for file, entry, reason in problems]
        super().__init__(f"{len(problems)} gazetteer problem(s):\n  " + "\n  ".join(lines))


@dataclass(frozen=True, slots=True)
class Entity:
    """One gazetteer entry. ``aliases`` maps a language code to its surface forms."""

    id: str
    type: str
    name: str
    description: str
    aliases: Mapping[str, tuple[str, ...]]
    country: str | None = None
    parent: str | None = None
    wikidata: str | None = None
    ambiguous: frozenset[str] = frozenset()
    context: tuple[str, ...] = ()
    context_entities: tuple[str, ...] = ()
    source: str = ""
    derived_aliases: tuple[str, ...] = field(default=(), compare=False)
    adjectives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    implies_country: bool | None = None
    category: str | None = None
    countries: tuple[str, ...] = ()

    def all_aliases(self) -> list[str]:
        """The name, every alias and adjective (hand-written first, then derived), no repeats."""
        seen: dict[str, None] = {self.name: None}
        for forms in self.aliases.values():
            seen.update(dict.fromkeys(forms))
        for forms in self.adjectives.values():
            seen.update(dict.fromkeys(forms))
        seen.update(dict.fromkeys(self.derived_aliases))
        return list(seen)

    def adjective_forms(self) -> set[str]:
        """The forms that refer to the entity without naming it (``adjectives``)."""
        return {form for forms in self.adjectives.values() for form in forms}

    @property
    def implied(self) -> str | None:
        """The country this entity places a story in when it acts there: a region's country,
        a national authority's (a body with ``country``, unless ``implies_country = false``),
        a state app's (a platform of category ``state-app``)."""
        if self.type == "region":
            return self.country
        if self.type == "body" and self.implies_country is not False:
            return self.country
        if self.type == "platform" and self.category == "state-app":
            return self.country  # a state app is its state's (Max, Aarogya Setu)
        return None


@dataclass
class Gazetteer:
    """Every entity by id, the problems worth a warning, and a hash of the data it came from."""

    entities: dict[str, Entity]
    warnings: list[str]
    data_hash: str

    def of_type(self, type_: str) -> list[Entity]:
        """Entities of one type, by id."""
        return sorted((e for e in self.entities.values() if e.type == type_), key=lambda e: e.id)


# --- reading and validating ------------------------------------------------------------------


def data_files(data_dir: Path) -> list[Path]:
    """The gazetteer files plus event_types.toml, sorted: what a cache key must cover."""
    files = sorted((data_dir / "entities").glob("*.toml"))
    if (data_dir / "event_types.toml").is_file():
        files.append(data_dir / "event_types.toml")
    return files


def hash_files(paths: Iterable[Path], *extra: str) -> str:
    """A sha256 over file names and contents (and extra strings such as versions)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _check_entry(raw: Any, file_type: str, is_country_file: bool) -> list[str]:
    """Reasons an entry is malformed (empty when it is fine)."""
    if not isinstance(raw, dict):
        return ["is not a table"]
    reasons: list[str] = []
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        reasons.append(f"unknown field(s) {', '.join(unknown)}")
    id_ = raw.get("id")
    if not isinstance(id_, str) or not _ID_RE.match(id_):
        reasons.append(f"id {id_!r} is not lowercase ASCII [a-z0-9-]")
    if raw.get("type") != file_type and not (
        file_type == "country" and "parent" in raw and raw.get("type") == "country"
    ):
        reasons.append(f"type {raw.get('type')!r} differs from the file's type {file_type!r}")
    # country.toml may add to a pycountry country without repeating its name and description
    optional_base = is_country_file and "parent" not in raw
    for key in ("name", "description"):
        value = raw.get(key)
        if value is None and optional_base:
            continue
        if not isinstance(value, str) or not value.strip():
            reasons.append(f"{key} is missing or empty")
    aliases = raw.get("aliases")
    if aliases is None and optional_base:
        pass
    elif not isinstance(aliases, dict):
        reasons.append("aliases must be a table of language = [forms]")
    else:
        for lang, forms in aliases.items():
            if not _LANG_RE.match(lang):
                reasons.append(f"aliases: {lang!r} is not a language code")
            if not _str_list(forms):
                reasons.append(f"aliases.{lang} must be a list of non-empty strings")
        if not optional_base:
            needed = ("en", "ru") if file_type in _NEED_RU and "parent" not in raw else ("en",)
            missing = [lang for lang in needed if lang not in aliases]
            if missing:
                reasons.append(f"aliases lack {' and '.join(missing)}")
    for key in ("country", "parent"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not _ID_RE.match(value)):
            reasons.append(f"{key} {value!r} is not an id")
    if raw.get("parent") is not None and file_type != "country":
        reasons.append("parent is for regions in country.toml only")
    adjectives = raw.get("adjectives")
    if adjectives is not None:
        if file_type not in {"country", "region"}:
            reasons.append("adjectives are for countries and regions")
        elif not isinstance(adjectives, dict) or not all(
            _LANG_RE.match(lang) and _str_list(forms) for lang, forms in adjectives.items()
        ):
            reasons.append("adjectives must be a table of language = [forms]")
    implies = raw.get("implies_country")
    if implies is not None and (not isinstance(implies, bool) or file_type != "body"):
        reasons.append("implies_country must be true or false, on a body")
    category = raw.get("category")
    if category == "city" and file_type != "region":
        reasons.append("category 'city' is for regions")
    elif category is not None and category not in CATEGORIES:
        reasons.append(f"category {category!r} is not one of {', '.join(sorted(CATEGORIES))}")
    countries = raw.get("countries")
    if countries is not None and not (
        file_type == "region" and _str_list(countries)
        and all(_ID_RE.match(c) for c in countries)
    ):
        reasons.append("countries must list country ids, on a region")
    if file_type == "region" and not raw.get("country") and not countries:
        reasons.append("a region needs country (or countries, for one spanning several)")
    wikidata = raw.get("wikidata")
    if wikidata is not None and (not isinstance(wikidata, str) or not _WIKIDATA_RE.match(wikidata)):
        reasons.append(f"wikidata {wikidata!r} is not a Q-id")
    for key in ("ambiguous", "context", "context_entities"):
        value = raw.get(key)
        if value is not None and not (_str_list(value) or value == []):
            reasons.append(f"{key} must be a list of non-empty strings")
    return reasons


def _read_toml(path: Path, problems: list[tuple[str, str, str]]) -> list[Any]:
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        problems.append((str(path), "file", f"not valid TOML: {err}"))
        return []
    unknown = sorted(set(doc) - {"entity"})
    if unknown:
        problems.append((str(path), "file", f"unknown top-level key(s) {', '.join(unknown)}"))
    entries = doc.get("entity", [])
    if not isinstance(entries, list):
        problems.append((str(path), "file", "entity must be an array of tables [[entity]]"))
        return []
    return entries


def _entry_label(index: int, raw: Any) -> str:
    id_ = raw.get("id") if isinstance(raw, dict) else None
    return f"entry {index + 1}" + (f" (id {id_!r})" if isinstance(id_, str) else "")


def _to_entity(raw: dict[str, Any], source: str, base: Entity | None) -> Entity:
    """An Entity from a validated entry, merged over ``base`` (a pycountry country) if given."""
    aliases: dict[str, tuple[str, ...]] = dict(base.aliases) if base else {}
    for lang, forms in (raw.get("aliases") or {}).items():
        merged = dict.fromkeys([*aliases.get(lang, ()), *(f.strip() for f in forms)])
        aliases[lang] = tuple(merged)
    adjectives = {
        lang: tuple(dict.fromkeys(f.strip() for f in forms))
        for lang, forms in (raw.get("adjectives") or {}).items()
    }
    name = (raw.get("name") or "").strip() or (base.name if base else raw["id"])
    region = raw["type"] == "region" or "parent" in raw
    description = (raw.get("description") or "").strip() or (base.description if base else "")
    return Entity(
        id=raw["id"],
        type="region" if region else raw["type"],
        name=name,
        description=description,
        aliases=aliases,
        country=raw.get("country") or raw.get("parent") or (base.country if base else None),
        parent=raw.get("parent"),
        wikidata=raw.get("wikidata") or (base.wikidata if base else None),
        ambiguous=frozenset(a.strip() for a in raw.get("ambiguous") or ()),
        context=tuple(c.strip() for c in raw.get("context") or ()),
        context_entities=tuple(raw.get("context_entities") or ()),
        source=source,
        derived_aliases=base.derived_aliases if base else (),
        adjectives=adjectives,
        implies_country=raw.get("implies_country"),
        category=raw.get("category"),
        countries=tuple(raw.get("countries") or ()),
    )


# --- countries from pycountry -----------------------------------------------------------------


@functools.cache
def _catalog(locale: str) -> dict[str, str] | None:
    """pycountry's ISO 3166-1 names in one locale, as ``gettext.translation(...).gettext``
    gives them (None when no file serves the locale).

    The ``.mo`` files are those gettext picks, the most specific winning; they are read in
    bulk rather than entry by entry as gettext does (a cold load reads over a hundred).
    """
    import pycountry

    files = gettext.find("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], all=True)
    if not files:
        return None
    catalog: dict[str, str] = {}
    for path in reversed(files):
        catalog.update(_read_mo(Path(path).read_bytes()))
    return catalog


def _read_mo(data: bytes) -> dict[str, str]:
    """The entries of a GNU ``.mo`` file (those without plural forms), decoded by its charset."""
    order = "<" if struct.unpack_from("<I", data)[0] == 0x950412DE else ">"
    _version, count, originals, translations = struct.unpack_from(order + "4I", data, 4)
    entries = []
    for table in (originals, translations):  # (length, offset) pairs
        pairs = struct.unpack_from(f"{order}{2 * count}I", data, table)
        starts = pairs[1::2]
        ends = map(add, starts, pairs[::2])
        entries.append(list(map(data.__getitem__, map(slice, starts, ends))))
    msgids, texts = entries
    charset = "ascii"
    header = texts[msgids.index(b"")] if b"" in msgids else b""
    for line in header.decode().split("\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-type" and "charset=" in value:
            charset = value.strip().split("charset=")[1]
    decoded = map(str, msgids, repeat(charset)), map(str, texts, repeat(charset))
    catalog = dict(zip(*decoded, strict=True))
    for msgid in [m for m in catalog if "\x00" in m] if b"\x00" in b"".join(msgids) else ():
        del catalog[msgid]  # an entry with plural forms
    return catalog


def _official_locales(alpha_2: str) -> list[str]:
    """pycountry locale names for the official languages of a country (needs Babel)."""
    try:
        from babel.languages import get_official_languages
    except ImportError:  # Babel is optional: without it, countries get en and ru names only
        return []
    locales = []
    for lang in get_official_languages(alpha_2, de_facto=True):
        if lang == "zh":
            locales.append({"TW": "zh_TW", "HK": "zh_HK", "MO": "zh_HK"}.get(alpha_2, "zh_CN"))
        elif lang == "pt":
            locales.append("pt_BR" if alpha_2 == "BR" else "pt")
        elif lang != "en":
            locales.append(lang)
    return locales


def _uninvert(name: str) -> str | None:
    """'Korea, Republic of' -> 'Republic of Korea'; None when the name has no such comma."""
    head, sep, tail = name.partition(", ")
    if not sep or "," in tail:
        return None
    if tail.lower() == "the":
        return f"the {head}"
    if tail.endswith((" of", " of the")):
        return f"{tail} {head}"
    return None


@functools.cache
def pycountry_countries() -> dict[str, Entity]:
    """Every ISO 3166-1 country as an Entity (id = alpha-2 lowercase); built once a process."""
    import pycountry

    out: dict[str, Entity] = {}
    for country in pycountry.countries:
        names = [
            n
            for n in (
                getattr(country, "common_name", None),
                country.name,
                getattr(country, "official_name", None),
            )
            if n
        ]
        english = list(names)
        english += [u for n in names if (u := _uninvert(n))]
        aliases: dict[str, tuple[str, ...]] = {"en": tuple(dict.fromkeys(english))}
        for locale in ["ru", *_official_locales(country.alpha_2)]:
            catalog = _catalog(locale)
            if catalog is None:
                continue
            forms: list[str] = []
            for n in names:
                text = catalog.get(n, n)
                if text == n and locale != "ru":
                    continue
                forms.append(text)
                head, sep, _ = text.partition(",")
                if sep:
                    forms.append(head.strip())
                    forms.append(text.replace(",", " "))
            if forms:
                lang = locale.split("_")[0].split("@")[0]
                aliases[lang] = tuple(dict.fromkeys([*aliases.get(lang, ()), *forms]))
        display = names[0]
        out[country.alpha_2.lower()] = Entity(
            id=country.alpha_2.lower(),
            type="country",
            name=display,
            description=f"{display}: a country (ISO 3166-1 {country.alpha_2}).",
            aliases=aliases,
            source="pycountry",
            derived_aliases=(
                () if country.alpha_3 in _WORDLIKE_ALPHA3 else (country.alpha_3,)
            ),
        )
    return out


# --- loading ----------------------------------------------------------------------------------


def load_gazetteer(data_dir: Path | str | None = None) -> Gazetteer:
    """Read, validate and merge every gazetteer file; raise GazetteerError on bad data."""
    import pycountry

    data_dir = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    folder = data_dir / "entities"
    problems: list[tuple[str, str, str]] = []
    warnings: list[str] = []
    countries = pycountry_countries()
    entities: dict[str, Entity] = {}
    where: dict[str, str] = {}
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    for path in files:
        file_type = path.stem
        if file_type not in TYPES:
            problems.append((str(path), "file", f"{path.name} is not one of {', '.join(TYPES)}"))
            continue
        for index, raw in enumerate(_read_toml(path, problems)):
            label = _entry_label(index, raw)
            reasons = _check_entry(raw, file_type, file_type == "country")
            if (
                not reasons
                and file_type == "country"
                and raw["id"] not in countries
                and "parent" not in raw
                and ("name" not in raw or "aliases" not in raw)
            ):
                reasons.append(
                    "not an ISO 3166 country: needs parent (for a region), name, "
                    "description and aliases"
                )
            if reasons:
                problems.extend((str(path), label, r) for r in reasons)
                continue
            id_ = raw["id"]
            if id_ in entities:
                problems.append((str(path), label, f"duplicate id, also in {where[id_]}"))
                continue
            base = countries.get(id_) if file_type == "country" else None
            entities[id_] = _to_entity(raw, path.name, base)
            where[id_] = f"{path.name} {label}"
    for id_, country in countries.items():
        entities.setdefault(id_, country)
    problems += _check_references(entities, where, warnings)
    if problems:
        raise GazetteerError(problems)
    warnings += _alias_clashes(entities)
    for message in warnings:
        log.warning("gazetteer: %s", message)
    digest = hash_files(data_files(data_dir), f"pycountry {pycountry.__version__}")
    return Gazetteer(entities=entities, warnings=warnings, data_hash=digest)


def _check_references(
    entities: dict[str, Entity], where: dict[str, str], warnings: list[str]
) -> list[tuple[str, str, str]]:
    """Ids that parent and country name must exist; ambiguous forms must be aliases.

    A context_entities id that names no entity only earns a warning (the rule just never fires).
    """
    problems = []
    for entity in entities.values():
        if entity.source == "pycountry":
            continue
        file, _, label = where[entity.id].partition(" ")
        if entity.parent and entities.get(entity.parent) is None:
            problems.append((file, label, f"parent {entity.parent!r} is not a country id"))
        for country in (entity.country, *entity.countries):
            if country and (country not in entities or entities[country].type != "country"):
                problems.append((file, label, f"country {country!r} is not a country id"))
        for other in entity.context_entities:
            if other not in entities:
                warnings.append(f"{file} {label}: context_entities names unknown id {other!r}")
        aliases = set(entity.all_aliases())
        for form in sorted(entity.ambiguous - aliases):
            problems.append((file, label, f"ambiguous {form!r} is not one of its aliases"))
    return problems


def _alias_clashes(entities: dict[str, Entity]) -> list[str]:
    """Hand-written aliases that two entities claim (derived pycountry forms excepted).

    A clash is deliberate, and not reported, when every claimant lists the alias as
    ``ambiguous``: its context rules then decide which entity a mention is.
    """
    owners: dict[str, list[str]] = {}
    guarded: dict[str, set[str]] = {}
    for entity in entities.values():
        if entity.source == "pycountry":
            continue
        keys = {alias_key(a) for forms in entity.aliases.values() for a in forms}
        keys.add(alias_key(entity.name))
        guarded[entity.id] = {alias_key(a) for a in entity.ambiguous}
        for key in keys:
            if key:
                owners.setdefault(key, []).append(entity.id)
    return [
        f"alias {key.encode('latin-1').decode('utf-8')!r} is claimed by "
        f"{' and '.join(sorted(ids))} without context rules on each: mark it ambiguous"
        for key, ids in sorted(owners.items())
        if len(ids) > 1 and not all(key in guarded[i] for i in ids)
    ]
