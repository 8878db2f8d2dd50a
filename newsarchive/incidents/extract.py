"""What one article says about its event: a :class:`Profile` read from its sentences.

Each value found keeps the sentence it came from. The rules are small and written out here:

- main country (when the tagger gives none): the tagged country named first in the title,
  else in the lead, else the one the text names most; a region stands for its parent;
- analysis piece: five or more countries, or three or more with a survey word in the title
  ("report", "year", "how", ...) or many years, and no single country in the title;
- kind: from the event types and the sentences (network, throttling, service, law, ...);
- dates: a date phrase in a sentence that says something was cut (start) or came back (end).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from newsarchive.incidents import lexicon as lex
from newsarchive.incidents.dates import DateMention, find_dates
from newsarchive.incidents.model import ArticleInput, pickled_by_fields
from newsarchive.incidents.places import Names
from newsarchive.incidents.text import Sentence, content_words, sentences, word_set

I = re.IGNORECASE  # noqa: E741

# --- word lists (the multilingual cues are in ``lexicon``) -------------------------------------
_CUT, _END, _NOT_END, _ONGOING = lex.CUT, lex.END, lex.NOT_END, lex.ONGOING
_MOBILE, _FIXED, _INTERNET, _THROTTLE, _FULL = (
    lex.MOBILE, lex.FIXED, lex.INTERNET, lex.THROTTLE, lex.FULL)
_FUTURE = lex.FUTURE
_ORDER = lex.Cue(
    r"\b(?:ordered|orders|order(?:ing)?|directed|directs|instructed|instructs|mandated|"
    r"decided|demanded|required|told|asked)\b", I)
_ORDER_BY = lex.Cue(
    r"\b(?:ordered|directed|instructed|mandated|imposed|decided|requested|demanded|taken|"
    r"issued|approved|made)\s+by\s+(?P<who>[^,.;:()]{3,90})"
    r"|\b(?:on|under|following|after) (?:the |an |a )?(?:orders?|instructions?|directives?|"
    r"requests?|decisions?|demands?) (?:of|from|by)\s+(?P<who2>[^,.;:()]{3,90})"
    r"|\bat the (?:request|behest|order|direction) of\s+(?P<who3>[^,.;:()]{3,90})", I)
_ACTOR_BEFORE = re.compile(
    r"(?P<who>(?:(?:the|a|an|its|state|provincial|regional|local|district|[A-Z][\w'’.-]*)\s+)*?"
    r"(?:[A-Z][\w'’.&-]*(?:\s+(?:of|for|and|on|the|de|[A-Z][\w'’.&-]*))*|"
    r"(?:government|regulator|authorities|court|judge|ministry|minister|police|military|army|"
    r"junta|council|prosecutor|commission|agency|watchdog|service)"
    r"(?:\s+(?:in|of)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?)?))"  # "a court in Ankara ordered"
    r"\s+(?:had\s+|has\s+|have\s+|then\s+|also\s+|later\s+)?"
    r"(?:ordered|directed|instructed|told|mandated|demanded|required)\b")
_ACTOR_NOUN = re.compile(
    r"\b(?:government|regulator|authorit|court|judge|ministr|minister|police|military|army|"
    r"junta|council|prosecutor|commission|agency|watchdog|committee|roskomnadzor|president|"
    r"office|department|service|state|administration|tribunal|authority)", I)

JUSTIFICATIONS: tuple[tuple[str, lex.Cue], ...] = (
    ("exams", lex.Cue(r"\b(?:exams?\b|examinations?\b|cheating|test papers?|baccalaur\w+|"
                         r"school-leaving|leak(?:s|ed)? of (?:exam|questions))", I)),
    ("elections", lex.Cue(r"\b(?:elections?|electoral|polls?|voting|votes?|ballots?|"
                             r"referendum)\b", I)),
    ("misinformation", lex.Cue(r"\b(?:misinformation|disinformation|fake news|rumou?rs?|hateful|"
                                  r"false (?:information|news)|propaganda|hate speech|"
                                  r"inflammatory)", I)),
    ("protests", lex.Cue(r"\b(?:protests?|protesters?|demonstrations?|demonstrators?|"
                            r"rall(?:y|ies)|gatherings?)\b", I)),
    ("unrest", lex.Cue(r"\b(?:unrest|violence|clashes|riots?|law and order|public order|"
                          r"communal|tensions?|curfew|incitement|instability)\b", I)),
    ("security", lex.Cue(r"\b(?:security|terror\w*|militan\w*|insurgen\w*|attacks?|"
                            r"drones?|military operations?|safety|threats?|national interest)\b",
                            I)),
    ("legal-compliance", lex.Cue(r"\b(?:compl(?:y|ied|iance)|violat\w+|breach\w*|"
                                    r"laws?|legislation|regulations?|register|registration|"
                                    r"illegal|unlawful|licen[cs]e|fraud\w*|extremis\w*|"
                                    r"localis\w+|localiz\w+|requirements?)\b", I)),
)
_CATEGORY = dict(JUSTIFICATIONS)
_ANY_REASON = lex.Cue("|".join(pattern.regex.pattern for _, pattern in JUSTIFICATIONS))
# a reason stated as such ("citing", "to prevent") or words an official speaks ("said")
_REASON_CUE = lex.Cue(
    r"\b(?:citing|cited|cites|justif\w+|to prevent|to stop|to curb|to counter|to maintain|"
    r"to ensure|to protect|to fight|to combat|in order to|for reasons of|on (?:the )?grounds? "
    r"of|aimed at|as a (?:precaution|measure|precautionary)|blamed|accus\w+)\b", I)
_SPEECH_CUE = lex.Cue(
    r"\b(?:said|says|saying|stated|explained|claimed|argued|described|calling it|called it|"
    r"according to|announced|told)\b", I)
# who may give an official reason
_OFFICIAL = lex.Cue(
    r"\b(?:government|regulators?|authorit(?:y|ies)|ministry|ministries|minister|officials?|"
    r"spokes(?:man|woman|person)|president|presidency|prime minister|police|military|army|"
    r"junta|governor|court|judge|prosecutors?|commission|agency|watchdog|kremlin|"
    r"roskomnadzor|state media|state television|state news agency|cabinet|lawmakers)\b", I)
_NO_REASON = re.compile(
    r"\b(?:no (?:official )?(?:reason|explanation|justification)|without (?:giving |offering "
    r"|an? )?(?:reason|explanation)|without citing|did not (?:say|explain|give)|gave no)\b", I)
# someone asks the authorities for something: a demand, not their reason
_ASKING = re.compile(
    r"\b(?:open letter|urg(?:e|ed|es|ing)|(?:call(?:ed|s|ing)?|appeal(?:ed|s|ing)?) on (?:the )?"
    r"(?:government|authorities|president|minister|state|regulator|officials)|request(?:ed|ing)"
    r" that|petitioned)\b", I)
# where a reason cue is the authorities' own: the restriction, an official, or their act
_OFFICIAL_ACT = re.compile(
    r"\b(?:decision|ruling|order|decree|statement|letter|notice|measures?)\b", I)
_QUOTE = re.compile(r"[\"“]([^\"”]{12,300})[\"”]")

_AREA = re.compile(
    r"\b(?:in|across|throughout|of|for|to)\s+(?:the\s+)?(?:(?:northern|southern|eastern|western|"
    r"north-?\w*|south-?\w*|central|restive|troubled|disputed|border)\s+)*"
    r"(?:(?P<kind1>region|state|province|district|city|town|territory|valley|county|governorate|"
    r"oblast|republic|prefecture|department|municipality|capital)\s+of\s+)?"
    r"(?P<name>(?:[A-Z][\w'’-]+)(?:\s+(?:and|&)?\s*[A-Z][\w'’-]+){0,3})"
    r"(?P<kind2>\s+(?:region|state|province|district|city|town|territory|valley|county|"
    r"governorate|oblast|republic|prefecture|department|municipality))?",
    0,
)
_LOCAL = {"city", "town", "district", "county", "municipality", "capital"}
_REGIONAL = {"region", "state", "province", "territory", "valley", "governorate", "oblast",
             "republic", "prefecture", "department"}

_SURVEY = lex.Cue(
    r"\b(?:report|reports|year|years|decade|review|index|tracker|trends?|record|how|why|what|"
    r"shutdowns|around the world|worldwide|global|countries|governments|lessons|"
    r"history|rise|surge|tally|count|analysis|explainer|timeline|summers|winters|"
    r"обзор|итоги|год|годы|revue|bilan|año|años|balance|yıl|yılı|مراجعة|حصاد|مرور|سال)\b", I)
_YEAR = re.compile(r"(?<!\d)(?:19[89]\d|20[0-4]\d)(?!\d)")
_URL_WORDS = re.compile(r"[a-z]+")
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,?\s*$")

KIND_OF_TYPE = {
    "shutdown": "network", "outage": "network", "throttling": "throttling",
    "platform-block": "service", "content-blocking": "service",
    "circumvention-restriction": "service", "censorship-law": "law",
    "state-platform-mandate": "law", "surveillance-data-access": "law",
    "arrest-prosecution": "arrest", "attack-harassment": "attack",
    "information-manipulation": "info", "restoration-remedy": "",
}
NETWORKISH = {"network", "throttling", "service"}


@pickled_by_fields  # stored in the profile cache, sent back by workers
@dataclass(slots=True)
class Found:
    """A value found in one sentence of one article (``weight``: how sure, higher is surer)."""

    value: object
    sentence: str
    article: str
    weight: float = 1.0
    about: str = ""  # "service" or "network": what the sentence says was cut or came back
    partial: bool = False  # a partial or gradual restoration
    pair: date | None = None  # the first day of the range an end closes ("6 to 14 August")


@pickled_by_fields  # stored in the profile cache, sent back by workers
@dataclass(slots=True)
class Profile:
    """What the engine reads from one article."""

    article: ArticleInput
    day: date
    main: tuple[str, ...]
    regions: tuple[str, ...]
    kind: str
    event_type: str | None
    services: frozenset[str]
    words: frozenset[str]
    analysis: bool = False
    restoration: bool = False  # the title or lead reports the end of something
    starts: list[Found] = field(default_factory=list)
    ends: list[Found] = field(default_factory=list)
    ongoing: list[Found] = field(default_factory=list)
    ended: list[Found] = field(default_factory=list)  # end statements without a date
    shutdown_type: Found | None = None
    service_found: list[Found] = field(default_factory=list)
    layers: set[str] = field(default_factory=set)  # "mobile", "fixed", "all" cut
    since_month: date | None = None  # "since November 2020": a start known to the month
    recent: bool = False  # the title or lead dates a cut or a return within weeks of the report
    cut_head: str = ""  # the title or lead sentence that says something was cut
    still: bool = False  # the title or lead says it goes on (or no return is in sight)
    denied: bool = False  # the authorities are said to deny ordering or making the cut
    head_services: frozenset[str] = frozenset()  # platforms named in the title or lead
    area: Found | None = None
    scope: Found | None = None
    ordered_by: list[Found] = field(default_factory=list)
    justification: list[Found] = field(default_factory=list)
    duration: list[Found] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.article.key

    start: date | None = None  # the start it reports (strongest, then earliest)
    end: date | None = None  # the latest end it reports

    def settle(self) -> None:
        """Compute ``start`` and ``end`` from what was found."""
        if self.starts:
            best = max(f.weight for f in self.starts)
            self.start = min(f.value for f in self.starts if f.weight == best)  # type: ignore
        if self.ends:
            self.end = max(f.value for f in self.ends)  # type: ignore[type-var]


# --- main countries and analysis pieces -----------------------------------------------------


def _url_countries(article: ArticleInput, names: Names) -> list[str]:
    """Countries named in the words of the source URL's path (when the text names none)."""
    path = article.source_url.split("://", 1)[-1].partition("/")[2].lower()
    words = " ".join(_URL_WORDS.findall(path))
    if not words:
        return []
    return [cid for cid in names.countries if len(cid) == 2
            and names.mentioned(cid, words.title()) and cid not in names.parents][:1]


def _first_position(names: Names, cid: str, text: str) -> int:
    pattern = names.pattern(cid)
    found = pattern.search(text) if pattern else None
    return found.start() if found else len(text)


def main_countries(article: ArticleInput, names: Names
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(main country ids, region ids) of an article."""
    regions = list(article.regions)
    countries: list[str] = []
    for cid in article.countries:
        parent = names.parents.get(cid)
        if parent:
            regions.append(cid)
            countries.append(parent)
        else:
            countries.append(cid)
    countries += [names.parents[r] for r in article.regions if r in names.parents]
    countries = list(dict.fromkeys(countries))
    regions = list(dict.fromkeys(regions))
    if article.main_countries is not None:
        main = [names.parents.get(c, c) for c in article.main_countries]
        return tuple(dict.fromkeys(main)), tuple(regions)
    raw = [*article.countries, *(r for r in article.regions if r not in article.countries)]
    for zone in (article.title, article.summary):
        named = [c for c in raw if names.mentioned(c, zone)]
        if named:  # the country named first is the subject ("Russia blocks X; Turkey follows")
            first = min(named, key=lambda c: (_first_position(names, c, zone), raw.index(c)))
            return (names.parents.get(first, first),), tuple(regions)
    if len(raw) > 1:  # no name in the title or lead: the most named country in the text
        counts: dict[str, int] = {}
        for cid in raw:
            parent = names.parents.get(cid, cid)
            counts[parent] = counts.get(parent, 0) + names.mentioned(cid, article.text)
        countries = sorted(countries, key=lambda c: -counts.get(c, 0))
    if not countries:  # the tagger found none: a city in the head, the URL, a city anywhere
        countries = (lex.city_countries(f"{article.title} {article.summary}")
                     or _url_countries(article, names)
                     or lex.city_countries(article.text[:4000]))
    if not countries and not regions:  # nothing names a place: the language's country
        lang = article.lang.lower().split("-")[0]
        countries = [lex.LANGUAGE_COUNTRY[lang]] if lang in lex.LANGUAGE_COUNTRY else []
    return tuple(countries[:1]), tuple(regions)


def _is_analysis(article: ArticleInput, names: Names, years: set[str], recent: bool) -> bool:
    """A piece surveying many countries or many years rather than reporting one event
    (many years count only when the title and lead date no cut or return within weeks).

    Many years: five or more distinct years named where something is cut or comes back, or
    four over five years or more with a survey word in the title. Many countries: five or
    more, or three or more with a survey
    word in the title, unless the title names exactly one.
    """
    countries = {names.parents.get(c, c) for c in article.countries}
    in_title = {names.parents.get(c, c) for c in article.countries
                if names.mentioned(c, article.title)}
    survey = _SURVEY.has(article.title)
    numbers = sorted(int(y) for y in years)
    spread = numbers[-1] - numbers[0] if numbers else 0
    if len(in_title) != 1 and (len(countries) >= 5 or (
            len(countries) >= 3 and survey and len(numbers) >= 3)):
        return True  # many countries
    if recent:  # the title or lead dates a cut or a return of now: a report, not a survey
        return False
    return len(numbers) >= 5 or (len(numbers) >= 4 and spread >= 5 and survey)


# --- per-sentence readers -------------------------------------------------------------------

_NETWORK_TYPES = ("shutdown", "throttling", "platform-block", "content-blocking", "outage",
                  "circumvention-restriction")


def _kind(article: ArticleInput, sents: list[Sentence],
          platforms: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """(kind, event type): the first event type, or a restriction type the head supports."""
    types = [t for t in article.event_types if t != "restoration-remedy"]
    event_type = types[0] if types else (article.event_types[0] if article.event_types else None)
    if event_type not in _NETWORK_TYPES:
        head = " ".join(s.text for s in sents[:3])
        network = [t for t in types[1:3] if t in _NETWORK_TYPES]
        if network and _CUT.has(head):
            event_type = network[0]
    if event_type is None:  # the tagger read no event (a language it knows little of)
        head = " ".join(s.text for s in sents[:3])
        if _CUT.has(head):
            if _THROTTLE.has(head):
                event_type = "throttling"
            elif lex.SOCIAL.has(head) or platforms:
                event_type = "platform-block"
            elif lex.NETWORK.has(head) or _INTERNET.has(head):
                event_type = "shutdown"
    kind = KIND_OF_TYPE.get(event_type or "", "other") or "other"
    return kind, event_type


def _platforms(article: ArticleInput) -> tuple[str, ...]:
    """The article's platforms; when the tagger found none, those named in the lexicon's
    Arabic, Persian and Spanish forms."""
    if article.platforms:
        return article.platforms
    text = f"{article.title} {article.summary} {article.text[:3000]}".lower()
    return tuple(pid for pid, forms in lex.PLATFORM_NAMES.items()
                 if any(form in text for form in forms))


def _country_words(main: tuple[str, ...], regions: tuple[str, ...], names: Names) -> set[str]:
    """Lower-case words of the names of an article's places (shared by every report there)."""
    return {w for cid in (*main, *regions)
            for name in (names.name(cid), *names.aliases.get(cid, ()))
            for w in name.lower().split()}


def _weight(sentence: Sentence) -> float:
    return 3.0 if sentence.zone == "title" else 2.0 if sentence.zone == "lead" else 1.0


def _services(article: ArticleInput, sents: list[Sentence], names: Names,
              key: str) -> list[Found]:
    """Platforms (ids) named where the title or lead says something was cut or came back;
    else in such body sentences, among the article's three most salient platforms."""
    found: dict[str, Found] = {}
    for zones, pool in ((("title", "lead"), article.platforms),
                        (("body",), article.platforms[:3])):
        for sentence in sents:
            if sentence.zone not in zones:
                continue
            if not (_CUT.has(sentence.text) or _END.has(sentence.text)):
                continue
            for pid in pool:
                if names.mentioned(pid, sentence.text, sentence.lower):
                    item = found.get(pid)
                    if item is None:
                        found[pid] = Found(pid, sentence.text, key, _weight(sentence))
                    else:
                        item.weight += _weight(sentence)
        if found:
            break
    return list(found.values())


def _layers(sents: list[Sentence]) -> tuple[set[str], dict[str, tuple[float, str]]]:
    """Network layers said to be cut ("mobile", "fixed", "all", "throttling") with the
    weight and first sentence of each."""
    layers: dict[str, tuple[float, str]] = {}

    def add(layer: str, sentence: Sentence) -> None:
        weight, text = layers.get(layer, (0.0, sentence.text))
        layers[layer] = (weight + _weight(sentence), text)

    for sentence in sents:
        text = sentence.text
        if not _CUT.has(text):
            continue
        if _THROTTLE.has(text):
            add("throttling", sentence)
        mobile, fixed = _MOBILE.has(text), _FIXED.has(text)
        if mobile:
            add("mobile", sentence)
        if fixed:
            add("fixed", sentence)
        if not mobile and not fixed and lex.NETWORK.has(text) and (
                _FULL.has(text) or not lex.SOCIAL.has(text)):
            add("all", sentence)
    return set(layers), layers


def _shutdown_type(kind: str, sents: list[Sentence], key: str,
                   services: list[Found]) -> tuple[Found | None, set[str]]:
    """full-network, mobile, fixed-line, throttling or service-based; and the layers cut."""
    found, layers = _layers(sents)
    if kind not in NETWORKISH and not (kind == "other" and (services or found)):
        return None, found
    if kind == "service" or (kind == "other" and services):
        if kind == "other" and not services and "throttling" in found:
            return Found("throttling", layers["throttling"][1], key), found
        return Found("service-based", services[0].sentence if services else "", key, 0.5), found
    if kind == "throttling":
        return Found("throttling", layers.get("throttling", (0, ""))[1], key), found
    network = found - {"throttling"}
    if not network:
        if "throttling" in found:
            return Found("throttling", layers["throttling"][1], key), found
        return None, found
    if "all" in network or network == {"mobile", "fixed"}:
        layer = "all" if "all" in network else "fixed"
        return Found("full-network", layers[layer][1], key), found
    layer = network.pop()
    return Found("mobile" if layer == "mobile" else "fixed-line", layers[layer][1], key), found


_GENERIC_ACTOR = re.compile(
    r"^(?:(?:the|its|local|state|provincial|regional|district|federal|national|central|"
    r"competent|relevant|government|"
    r"security|military|telecom(?:munications)?|official|[A-Z][a-z]+(?:an|ian|ese|i|ish))\s+)*"
    r"(?:authorities|government|officials|agencies|government agencies|state|regime|"
    r"administration|ministry|regulator|court|council|agency|commission|authority|"
    r"police|military|army|judge|operators?|providers?)$", re.IGNORECASE)


# words after which an actor's name has ended ("ordered by President X was due to end")
_ACTOR_END = word_set(
    "was were is are has had have would will could should to that which who whose after since "
    "until because when while said says due as last this"
)


def _clean_actor(raw: str) -> str | None:
    words = raw.strip().split()
    end = next((i for i, w in enumerate(words) if i and w.lower() in _ACTOR_END), len(words))
    words = words[:end]
    while words and words[-1].lower() in ("to", "that", "the", "and", "on", "in", "after",
                                          "for", "which", "who", "had", "has", "was", "it"):
        words.pop()
    while words and (words[0].lower() in ("the", "a", "an", "in", "on", "then", "later")
                     or any(ch.isdigit() for ch in words[0]) or words[0].lower() in MONTH_WORDS):
        words.pop(0)
    text = " ".join(words).strip(" '\"“”")
    if not text or len(text) > 80 or (not _ACTOR_NOUN.search(text) and not text[:1].isupper()):
        return None
    if text.lower() in ("he", "she", "they", "it", "we", "this", "that"):
        return None
    return text[:1].upper() + text[1:]


MONTH_WORDS = word_set(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)


def _ordered_by(sents: list[Sentence], article: ArticleInput, names: Names) -> list[Found]:
    """Who ordered it, by how sure the sentence is: a gazetteer body that acts in a sentence
    that imposes something (its subject, "blocked by X", "on the orders of X"; see
    :func:`_acts`), or named in "on instructions from X" in any sentence but a return's, 3.5;
    "ordered by X", "on the orders of X" 3; "X ordered ..." 1 (2 in the title or lead); a
    body only named where something is imposed 0.75 with an order or an agent word in the
    sentence, else 0.5 (below 1: never named as the orderer on its own)."""
    found = []
    key = article.key
    bodies = article.bodies[:5]
    # verb-final (Turkish, Persian) and verb-first (Arabic) sentences: a body named at the
    # head of a sentence that imposes something is its subject
    head_acts = article.lang.lower().split("-")[0] in ("tr", "fa", "ar")
    day = article.date.date()
    for sentence in sents:
        text = sentence.text
        said_cut = _CUT.has(text) and not lex.negated_cut(text)
        back = _END.has(text)
        cut = said_cut or back
        imposing = said_cut and not back
        instructed = _ORDERS_OF_IN.has(text) and not back
        if (cut or instructed) and _other_years(text, day):
            continue  # "in December 2015 a judge ordered ...": another time's order
        if not cut and not instructed and sentence.zone != "title":
            continue
        order = _ORDER.has(text) or lex.ORDER.has(text)
        for body in bodies:
            if (imposing or instructed) and names.mentioned(body, text, sentence.lower):
                pattern = names.pattern(body)
                spans = list(pattern.finditer(text)) if pattern else []
                if not imposing:  # "acted on instructions from the Ministry of Interior"
                    if any(_ORDERS_OF.search(text[max(0, m.start() - 32):m.start()])
                           for m in spans):
                        found.append(Found(names.name(body), text, key, 3.5))
                    continue
                if any(_acts(text, m.start(), m.end()) for m in spans) or (
                        head_acts and spans and spans[0].start() < 60):
                    weight = 3.5
                elif order or lex.AGENT.has(text):
                    weight = 0.75  # an order or an agent in the sentence, not clearly its own
                else:
                    weight = 0.5
                found.append(Found(names.name(body), text, key, weight))
        if not (order or " by " in text) or not (imposing or sentence.zone == "title"):
            continue
        weight = 2.0 if sentence.zone != "body" else 1.0
        match = _ORDER_BY.search(text)
        if match:
            who = _clean_actor(match.group("who") or match.group("who2") or match.group("who3"))
            if who:
                found.append(Found(who, text, key, 3.0))
                continue
        match = _ACTOR_BEFORE.search(text) if _ORDER.has(text) else None
        if match:
            who = _clean_actor(match.group("who"))
            if who:
                found.append(Found(who, text, key, weight))
    return found


# a body that acts in its sentence: the agent of a passive ("blocked by the regulator",
# "BTK tarafından"), named in "on the orders of", or the subject of an order verb
_AGENT_BEFORE = re.compile(
    r"(?:\b(?:blocked|restricted|banned|suspended|shut\s+down|cut(?:\s+off)?|throttled|"
    r"slowed(?:\s+down)?|imposed|ordered|requested|mandated|disconnected|switched\s+off|"
    r"taken\s+down|limited|introduced|issued|approved|decided|enforced|implemented)\s+by"
    r"|\b(?:par|por|pelo|pela|durch|от)|من قبل|بواسطة|توسط|به دستور)\s+"
    r"(?:(?:the|la|le|el|los|las|les|l'|der|die|das)\s+)?$", re.IGNORECASE)
_ORDERS_OF = re.compile(
    r"\b(?:orders?|ordered|instructions?|instructed|directives?|directed|requests?|behest|"
    r"decisions?|demands?)\s+(?:of|from|by)\s+(?:the\s+)?$", re.IGNORECASE)
_ORDERS_OF_IN = lex.Cue(
    r"\b(?:orders?|instructions?|directives?|behest|request)\s+(?:of|from)\s")
_AGENT_AFTER = re.compile(r"\W*(?:\([^()]{1,40}\)\W*)?tarafından\b", re.IGNORECASE)
_ORDER_AFTER = re.compile(
    r"\W*(?:\([^()]{1,40}\)\W*)?"  # "(BTK)" (match() anchors at the name's end)
    r"(?:(?:has|had|have|then|also|later|officially|formally|already|itself|"
    r"said\s+(?:it|they)(?:\s+(?:was|were|had|has|would))?(?:\s+be(?:en)?)?)\s+)*"
    r"(?:(?:announced|said|declared|confirmed|stated)\b[^.;]{0,40}?"  # the cut it announced
    r"\b(?:that|it\s+(?:was|is|would|had|has|will))\b|"
    r"ordered|orders|directed|directs|instructed|instructs|told|mandated|demanded|"
    r"required|decided|asked|blocked|banned|restricted|suspended|shut|cut|switched|"
    r"throttled|slowed|imposed|limited|disconnected|acted|block|blocks|blocking|restrict|"
    r"restricts|restricting|ban|bans|suspend|suspends|throttle|throttles|throttling|"
    r"orden[óoa]|ordonn\w*|a\s+ordonné|"
    r"bloqu\w*|распорядил\w*|потребовал\w*|приказал\w*|заблокировал\w*|ограничил\w*|"
    r"замедлил\w*|engelledi|kapattı|أمر\w*|حجب\w*)", re.IGNORECASE)


def _acts(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` acts: the agent of a cut, the one whose order
    it was, or the subject of an order or a cut ("Roskomnadzor ordered", "the court blocked")."""
    before = text[max(0, start - 32):start]
    after = min(len(text), end + 48)
    return bool(_AGENT_BEFORE.search(before) or _ORDERS_OF.search(before)
                or _ORDER_AFTER.match(text, end, after) or _AGENT_AFTER.match(text, end, after))


def is_generic_actor(name: str) -> bool:
    """"Authorities", "the Iranian government", "officials": no named body."""
    return bool(_GENERIC_ACTOR.match(name.strip()))


# a sentence where critics, monitors or supporters speak: not the authorities' own reason
_NOT_OFFICIAL = lex.Cue(
    r"\b(?:critics?|activists?|rights groups?|campaigners?|opposition\w*|supporters?|"
    r"lawyers?|petitioners?|analysts?|experts?|researchers?|netblocks|access now|ooni|"
    r"top10vpn|amnesty(?: international)?|human rights watch|reporters without borders|"
    r"committee to protect journalists|article 19)\s+(?:\w+\s+){0,3}?"
    r"(?:said|say|says|argued|argue|warned|warn|called|call|noted|wrote|told|accused)\b")
def _justification(sents: list[Sentence], article: ArticleInput, names: Names) -> list[Found]:
    """The reason given for it: a category and its sentence (or the official's quoted words
    that give it).

    Only a reason the authorities give for the restriction: stated as a reason ("citing
    national security", "to prevent cheating"), or spoken by an official in a sentence about
    the restriction ("the ministry said social media was suspended because of rumours");
    never where critics, monitors or supporters speak, where the sentence says no reason was
    given, or where it tells of the end. Of several categories, the one named nearest after
    the cue word."""
    found = []
    for sentence in sents:
        text = sentence.text
        if not _ANY_REASON.has(text):
            continue  # no reason named
        cue_match = _REASON_CUE.search(text) if _REASON_CUE.has(text) else None
        if cue_match is not None and not (_CUT.has(text) or _OFFICIAL.has(text)
                                          or _OFFICIAL_ACT.search(text)):
            continue  # "WhatsApp added encryption to protect its users": nobody's reason for it
        if cue_match is None:
            if not (_SPEECH_CUE.has(text) and _OFFICIAL.has(text)) or (
                    not _CUT.has(text) and not _about(text, article, names, sentence.lower)):
                continue
            cue_match = _SPEECH_CUE.search(text)
            if cue_match is None:
                continue
            if any(names.mentioned(p, text[:cue_match.start()][:40]) for p in
                   article.platforms[:4]):
                continue  # "WhatsApp ... said": the company speaks, not the authorities
        if _NOT_OFFICIAL.has(text) or _NO_REASON.search(text) or _ASKING.search(text) or (
                _END.has(text) and not _FUTURE.has(text) and " if " not in text):
            continue  # (a return that is only promised or conditional is no end)
        cue_at = cue_match.start()
        best: tuple[int, str] | None = None
        for category, pattern in JUSTIFICATIONS:
            for match in pattern.finditer(text):
                if match.start() >= cue_at and (best is None or match.start() < best[0]):
                    best = (match.start(), category)  # the reason follows its cue
        if best is None:
            continue
        category = best[1]
        quoted = _QUOTE.search(text)
        quote = quoted.group(1) if quoted and len(quoted.group(1).split()) >= 6 and (
            _CATEGORY[category].has(quoted.group(1))) else None
        weight = 1.0 + (0.5 if quote else 0.0) + (0.5 if sentence.zone != "body" else 0)
        found.append(Found({"category": category, "quote": quote or text}, text,
                           article.key, weight))
    return found


_AREA_STOP = word_set(
    "The A An It In On At This That Internet Mobile Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday January February March April May June July August September "
    "October November December NetBlocks Access Now Top10VPN OONI Reuters WhatsApp Telegram "
    "Facebook Instagram Twitter X YouTube TikTok Signal Google Apple Meta"
)


def _area(sents: list[Sentence], key: str, main: tuple[str, ...], regions: tuple[str, ...],
          names: Names) -> tuple[Found | None, Found | None]:
    """(area, scope): a region named where the title or lead says something was cut there
    (not "except" it), or "in the X region/province/city"; national when it says so."""
    national: Found | None = None
    head = [s for s in sents if s.zone != "body"] or sents[:2]
    for sentence in [*head, *sents[len(head):len(head) + 4]]:
        if lex.NATIONAL.has(sentence.text) and _CUT.has(sentence.text):
            national = Found("national", sentence.text, key, _weight(sentence))
            break
    for region in regions:
        if region in names.cities:  # a capital names the seat of power, not where it is cut
            continue
        for sentence in head:
            if names.mentioned(region, sentence.text, sentence.lower) and _CUT.has(
                    sentence.text) and not (
                    lex.EXCEPT.has(sentence.text)):
                found = Found(names.name(region), sentence.text, key, 2.0)
                return found, Found("regional", sentence.text, key, _weight(sentence))
    if national:
        return None, national
    country_words = {w for c in main for w in (names.name(c), *names.aliases.get(c, ()))}
    for sentence in [*head, *sents[len(head):len(head) + 3]]:
        if not _CUT.has(sentence.text) or lex.EXCEPT.has(sentence.text):
            continue
        for match in _AREA.finditer(sentence.text):
            name = match.group("name")
            kind = (match.group("kind1") or match.group("kind2") or "").strip().lower()
            first = name.split()[0]
            if name in country_words or first in _AREA_STOP or not kind:
                continue
            scope = "local" if kind in _LOCAL else "regional"
            return (Found(name, sentence.text, key, 1.0),
                    Found(scope, sentence.text, key, _weight(sentence)))
    return None, None


_DURATION = re.compile(
    r"\b(?:for|after|lasted|lasting|of)\s+(?:about\s+|around\s+|nearly\s+|more than\s+|"
    r"almost\s+|over\s+)?(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"a|an)\s*[- ]?(?P<unit>hours?|days?|weeks?|months?)\b", re.IGNORECASE)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "a": 1, "an": 1}
_UNIT_HOURS = {"hour": 1, "day": 24, "week": 168, "month": 720}


def _about(text: str, article: ArticleInput, names: Names, lower: str | None = None) -> str:
    """"service" when a sentence names a platform or social media, "network" when it names
    the internet or a network layer, else ""."""
    lower = lower if lower is not None else text.lower()
    if lex.SOCIAL.has(text) or any(names.mentioned(p, text, lower)
                                      for p in article.platforms[:4]):
        return "service"
    if lex.NETWORK.has(text):
        return "network"
    return ""


def _dates(sents: list[Sentence], article: ArticleInput, profile: Profile,
           names: Names) -> set[str]:
    """Start, end, ongoing and ended statements with their dates; returns the years named
    where something is said to be cut or to come back.

    A sentence about the future gives no end, except the last day of a range ("from 6 to 14
    August") or an "until <date>" (a scheduled end). A report whose title says something came
    back, with no dated end, ends on its own date.
    """
    ref = profile.day
    key = article.key
    years: set[str] = set()
    abouts: dict[str, str] = {}

    def about_of(sentence: Sentence) -> str:
        """What a sentence says was cut or came back (read only for what is kept)."""
        found = abouts.get(sentence.text)
        if found is None:
            found = abouts[sentence.text] = _about(sentence.text, article, names, sentence.lower)
        return found

    for index, sentence in enumerate(sents):
        text = sentence.text
        cut = _CUT.has(text) and not lex.negated_cut(text)
        end = _END.has(text)
        if not (cut or end):
            continue  # nothing cut or back: no date, no ongoing statement (most sentences)
        if "19" in text or "20" in text:
            years.update(_YEAR.findall(text))
        negated = end and lex.negated_end(text)
        if negated:
            end = False
        weight = 2.0 if sentence.zone != "body" else 1.0
        future = _FUTURE.has(text)
        partial = lex.PARTIAL.has(text)
        if (_ONGOING.has(text) and (cut or negated) and _goes_on(text)) or (future and end and (
                partial or lex.FUTURE_NOW.has(text))) or (
                negated and not future):  # "has not been restored", "will be restored": not yet
            profile.ongoing.append(Found(True, text, key, weight, about_of(sentence)))
        if not (cut or end):
            continue  # "has not been restored": said to go on, dated neither way
        lower = sentence.lower
        units = ("hour" in lower or "day" in lower or "week" in lower or "month" in lower)
        for match in _DURATION.finditer(text) if units else ():
            n = match.group("n").lower()
            count = int(n) if n.isdigit() else _NUMBERS[n]
            unit = match.group("unit").lower().rstrip("s")
            profile.duration.append(Found(count * _UNIT_HOURS[unit], text, key))
        if end and not future and (sentence.zone != "body" or index < 12) and not (
                _other_years(text, ref)):  # "a similar shutdown ended in 2023"
            profile.ended.append(Found(True, text, key, weight, about_of(sentence), partial))
        for mention in find_dates(text, ref):
            if _DATELINE.match(text[:mention.start]) and text[mention.end:].lstrip()[:1] in (
                    "-", "–", "—", "("):
                continue  # "KATHMANDU, Sept 9 -"
            if sentence.zone != "body" and mention.precision == "day" and (
                    ref - timedelta(days=45) <= mention.value <= ref + timedelta(days=1)):
                profile.recent = True
            if mention.precision != "day":
                if profile.since_month is None and lex.SINCE_BEFORE.search(
                        text[max(0, mention.start - 30):mention.start]):
                    profile.since_month = mention.value
                continue
            role, strong = _role(text, mention, cut, end)
            if mention.until and cut and role == "start":
                profile.starts.append(Found(mention.value, text, key, weight + strong,
                                            about_of(sentence)))
                profile.ends.append(Found(mention.until, text, key, weight, about_of(sentence),
                                          pair=mention.value))
            elif role == "start":
                profile.starts.append(Found(mention.value, text, key, weight + strong,
                                            about_of(sentence)))
            elif role == "end" and (not future or strong > 0) and (
                    mention.value <= ref + timedelta(days=1) or future):
                profile.ends.append(Found(mention.value, text, key, weight, about_of(sentence),
                                          partial))
    title = sents[0].text if sents and sents[0].zone == "title" else ""
    if title and _END.has(title) and not lex.negated_end(title) and not profile.ends and (
            not _FUTURE.has(title)):
        profile.ends.append(Found(ref, title, key, 0.0, _about(title, article, names),
                                  lex.PARTIAL.has(title)))
    return years


# what "ongoing" or "continuing" may qualify without saying the restriction goes on
_OTHER_ONGOING = re.compile(
    r"\b(?:ongoing|continuing)\s+(?:\w+\s+){0,2}(?:investigations?|inquir(?:y|ies)|probes?|"
    r"cases?|trials?|proceedings|disputes?|talks|negotiations|war|conflict|fighting|"
    r"protests?|crisis|unrest|campaign|operations?|violence|clashes|efforts?|debates?)\b", I)


_OTHER_GOES_ON = re.compile(  # "the protests, which began on 15 November and are ongoing"
    r"\b(?:protests?|demonstrations|war|conflict|fighting|unrest|investigations?|trials?|"
    r"talks|crisis)\b[^.;()]{0,60}\b(?:are|is|remain|remains)\s+(?:still\s+)?$", I)


def _goes_on(text: str) -> bool:
    """Whether a sentence's "still", "ongoing"... can be said of the restriction: not only an
    "ongoing drug trafficking investigation" or protests "which are ongoing"."""
    matches = list(_ONGOING.finditer(text))
    return not matches or any(
        not _OTHER_ONGOING.match(text, m.start())
        and not _OTHER_GOES_ON.search(text[max(0, m.start() - 90):m.start()])
        for m in matches)


def _other_years(text: str, ref: date) -> bool:
    """Whether a sentence names years, none of them the report's (nor, in January, the one
    before): it tells of another time."""
    if "19" not in text and "20" not in text:
        return False
    named = {int(y) for y in _YEAR.findall(text)}
    near = {ref.year, ref.year - 1} if ref.month == 1 else {ref.year}
    return bool(named) and not named & near


@functools.lru_cache(maxsize=64)
def _cue_spans(text: str, cut: bool, end: bool) -> tuple[list[tuple[int, int]], ...]:
    """(end cues, cut cues, other events) of a sentence, as spans: read once for all the
    dates of the sentence (a cut noun such as "ban" is left out where an end verb ends it)."""
    return (_spans(text, _END) if end else [],
            _spans(text, _CUT, lex.CUT_NOUN if end else None) if cut else [],
            _spans(text, lex.OTHER_EVENT))


def _spans(text: str, pattern: lex.Cue, skip: lex.Cue | None = None) -> list[tuple[int, int]]:
    """(start, end) of every match of ``pattern`` (those where ``skip`` matches left out)."""
    return [(m.start(), m.end()) for m in pattern.finditer(text)
            if skip is None or not skip.match(text, m.start())]


def _distance(mention: DateMention, spans: list[tuple[int, int]]) -> int:
    """Characters between a date and the nearest of ``spans``."""
    best = 10**6
    for start, end in spans:
        gap = start - mention.end if start >= mention.end else mention.start - end
        best = min(best, max(gap, 0))
    return best


def _role(text: str, mention: DateMention, cut: bool,
          end: bool) -> tuple[str | None, float]:
    """Whether a date in a sentence is a start or an end, and how sure ("since" is surest).

    "since/from <date>" is a start, "until <date>" an end; else the cut or return the date
    follows in its clause (unless the date qualifies the event after it: "the 8 February
    election"), else the nearest cue word decides (a cut noun such as "ban" is what an end
    verb ends, so it does not count when the sentence has one), and a date nearer to another
    event (protests, an election...) than to any cue is neither.
    """
    before = text[max(0, mention.start - 30):mention.start]
    after = text[mention.end:mention.end + 16]
    if _CUT_BEGAN.search(text[max(0, mention.start - 70):mention.start]):
        return "start", 1.0  # "after a shutdown that began on 16 November"
    if lex.SINCE_BEFORE.search(before) or lex.SINCE_AFTER.search(after):
        verbs = [m for m in _CUT.finditer(text) if not lex.CUT_NOUN.match(text, m.start())]
        if end and not verbs:
            return "end", 0.0  # "working again from Monday"
        return "start", 1.0
    if lex.UNTIL_BEFORE.search(before):
        return ("end", 1.0) if end or cut else (None, 0.0)
    ends, cuts, others = _cue_spans(text, cut, end)
    governing = _left_cue(text, mention, (("end", ends), ("start", cuts), (None, others)))
    if governing is not None and not _dates_event(text, mention, others):
        return governing, 0.0
    near_end = _distance(mention, ends) if end else 10**6
    near_cut = _distance(mention, cuts) if cut else 10**6
    near_other = _distance(mention, others)
    if near_other < min(near_cut, near_end):
        return None, 0.0
    if min(near_cut, near_end) >= 10**6:
        return None, 0.0
    return ("end", 0.0) if near_end < near_cut else ("start", 0.0)


_CUT_BEGAN = re.compile(
    r"\b(?:shutdowns?|blackouts?|block|ban|outage|restrictions?|suspension|cut|disruption|"
    r"throttling|slowdown)\s*,?\s*(?:(?:that|which)\s+)?(?:(?:has|had)\s+)?(?:began|begun|"
    r"started|came into force|took effect)\s+(?:on\s+|in\s+)?(?:the\s+)?$", I)
_CLAUSE_END = re.compile(r"[;:.!?]\s|\s[-–—]\s")
_LINKS = word_set("as amid after before during while when with following ahead and in at on of")


def _dates_event(text: str, mention: DateMention, others: list[tuple[int, int]]) -> bool:
    """Whether the date qualifies the event named right after it ("the 8 February general
    election"), not a clause after it ("on 26 August as polls closed")."""
    for start, _ in others:
        if start < mention.end:
            continue
        between = text[mention.end:start].split()
        return len(between) <= 1 and not (between and between[0].lower() in _LINKS)
    return False


def _left_cue(text: str, mention: DateMention,
              cues: tuple[tuple[str | None, list[tuple[int, int]]], ...]) -> str | None:
    """The role the nearest cue before a date gives it, when that cue is a cut or an end in
    the date's clause ("cut the internet on 26 August as polls closed": the cut's date, though
    the election is named nearer): the verb a date follows is what it dates. None when that
    nearest cue is another event, or there is none."""
    lo = max(0, mention.start - 90)
    lo = max((stop.end() for stop in _CLAUSE_END.finditer(text, lo, mention.start)), default=lo)
    best: tuple[int, str | None] | None = None
    for role, spans in cues:
        for start, end in spans:
            if start >= lo and end <= mention.start and (best is None or end > best[0]):
                best = (end, role)
    return best[1] if best else None


# --- the profile ------------------------------------------------------------------------------

# Body sentences read: the facts of a report are in its first paragraphs; a law, an arrest or
# an attack is read less far than a cut, a block or a slowdown.
MAX_BODY = 16
MAX_BODY_OTHER = 6
MAX_CHARS = 20_000  # of the body (and of the summary) split into sentences
KEEP = 8  # statements of one kind kept per report (what workers send back and facts hold)


def reading_article(article: ArticleInput) -> ArticleInput:
    """The article as its profile holds it: with the platforms the lexicon names when the
    tagger found none."""
    platforms = _platforms(article)
    return article if platforms == article.platforms else replace(article, platforms=platforms)


def _ascii_sentence(sentence: Sentence) -> Sentence:
    """The sentence with Persian and Arabic-Indic digits as ASCII ones (splitting first and
    converting after gives the same sentences: both kinds of digit are word characters)."""
    text = lex.ascii_digits(sentence.text)
    return sentence if text is sentence.text else Sentence(text, sentence.zone, text.lower())


def profile(article: ArticleInput, names: Names) -> Profile:
    """Read one article."""
    lex.reset()
    day = article.date.date()
    main, regions = main_countries(article, names)
    sents = sentences(lex.ascii_digits(article.title[:1000]),
                      lex.ascii_digits(article.summary[:MAX_CHARS]),
                      article.text[:MAX_CHARS], body_limit=MAX_BODY)
    sents = [s if s.zone != "body" or s.text.isascii() else _ascii_sentence(s) for s in sents]
    article = reading_article(article)
    platforms = article.platforms
    kind, event_type = _kind(article, sents, platforms)
    head = sum(1 for s in sents if s.zone != "body")
    sents = sents[:head + (MAX_BODY if kind in NETWORKISH or kind == "other" else MAX_BODY_OTHER)]
    lex.scan_all((s.text, s.lower) for s in sents)  # the sentences read, in one pass
    service_found = _services(article, sents, names, article.key)
    result = Profile(
        article=article, day=day, main=main, regions=regions, kind=kind, event_type=event_type,
        services=frozenset(str(f.value) for f in service_found),
        head_services=frozenset(str(f.value) for f in service_found if f.weight >= 2.0),
        words=frozenset(content_words(f"{article.title} {article.summary}")
                        - _country_words(main, regions, names)),
        service_found=service_found,
    )
    title = " ".join(s.text for s in sents if s.zone == "title")
    result.restoration = (_END.has(title) and not lex.negated_end(title)) or (
        "restoration-remedy" in article.event_types[:1])
    result.shutdown_type, result.layers = _shutdown_type(kind, sents, article.key, service_found)
    result.area, result.scope = _area(sents, article.key, main, regions, names)
    result.cut_head = next((s.text for s in sents if s.zone != "body" and _CUT.has(s.text)
                            and not _END.has(s.text)), "")
    result.ordered_by = _ordered_by(sents, article, names)
    result.denied = any(lex.denied_cut(s.text) for s in sents)
    result.justification = _justification(sents, article, names)
    years = _dates(sents, article, result, names)
    result.still = any(f.weight >= 2.0 for f in result.ongoing)
    result.analysis = _is_analysis(article, names, years, result.recent)
    result.settle()
    for name in ("ended", "ongoing", "justification", "ordered_by", "duration"):
        found = getattr(result, name)
        if len(found) > KEEP:  # a report's first few statements of a kind are enough
            setattr(result, name, found[:KEEP])
    return result
