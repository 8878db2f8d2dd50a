"""What one article says about its event: a :class:`Profile` read from its sentences.

Each value found keeps the sentence it came from. The rules are small and written out here:

- main countries (when the tagger gives none): the tagged countries named in the title, else
  in the lead, else the most salient one; a tagged region stands for its parent country;
- analysis piece: five or more countries, or three or more with a survey word in the title
  ("report", "year", "how", ...) or many years, and no single country in the title;
- kind: from the event types and the sentences (network, throttling, service, law, ...);
- dates: a date phrase in a sentence that says something was cut (start) or came back (end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from newsarchive.incidents.dates import DateMention, find_dates
from newsarchive.incidents.model import ArticleInput
from newsarchive.incidents.places import Names
from newsarchive.incidents.text import Sentence, content_words, sentences, word_set

I = re.IGNORECASE  # noqa: E741

# --- word lists -------------------------------------------------------------------------------
_CUT = re.compile(
    r"\b(?:cut|cuts|cutting|shut|shuts|shutting|shutdowns?|blackouts?|block(?:s|ed|ing)?|"
    r"ban(?:s|ned|ning)?|restrict(?:s|ed|ing|ions?)?|suspen(?:d|ds|ded|ding|sion)|"
    r"disrupt(?:s|ed|ing|ions?)?|throttl\w*|slow(?:s|ed|ing|down|-down)?|switch(?:ed|es)? off|"
    r"turn(?:ed|s)? off|went dark|go dark|offline|outages?|disconnect\w*|limit(?:s|ed|ing)?|"
    r"curb(?:s|ed)?|imposed|impose|began|begun|started|inaccessible|unavailable|"
    r"(?:stopped|ceased) working|pulled the plug|cut off|taken down|went down)\b",
    I,
)
_END = re.compile(
    r"\b(?:restor(?:e|es|ed|ing|ation)|lift(?:s|ed|ing)?|came back|come back|comes back|"
    r"return(?:s|ed|ing)?|resum(?:e|es|ed|ing|ption)|unblock(?:s|ed|ing)?|back online|"
    r"reconnect\w*|reinstat\w*|revers(?:e|ed|es)|rescind\w*|(?:was|were) ended|ended|"
    r"available again|accessible again|working again|back up|reopen\w*)\b",
    I,
)
_NOT_END = re.compile(
    r"\b(?:not|no|never|yet to|without)\b[^.;]{0,30}\b(?:restor|lift|return|resum|back|unblock)"
    r"|\b(?:refus\w*|declin\w*|rul\w* out) to (?:restore|lift)"
    r"|\bdemand\w*[^.;]{0,40}\b(?:restor|lift)"
    r"|\bcall(?:ed|s|ing)? (?:for|on)[^.;]{0,60}\b(?:restor|lift)|\buntil\b",
    I,
)
_ONGOING = re.compile(
    r"\b(?:remains?|remained|still|continu(?:e|es|ed|ing)|ongoing|persist\w*|until further notice|"
    r"indefinite(?:ly)?|no end in sight|entered its|enters its|(?:has|have) been (?:cut|down|"
    r"blocked|offline|restricted)|for (?:the )?(?:\w+ )?(?:days?|weeks?|months?) now|"
    r"(?:is|are) (?:still )?(?:blocked|restricted|down|offline|cut|banned|suspended))\b",
    I,
)
_SINCE = re.compile(r"\b(?:since|from|starting|beginning|as of|effective)\s+$", I)
_UNTIL = re.compile(r"\b(?:until|till|through|to)\s+$", I)
_FUTURE = re.compile(r"\b(?:will|would|plans? to|is to|are to|set to|expected to)\b", I)

_MOBILE = re.compile(
    r"\b(?:mobile(?: phone)? (?:internet|data|networks?|broadband|services?|connections?|"
    r"operators?|access)|cellular|cellphone|3G|4G|LTE|5G|mobile)\b", I)
_FIXED = re.compile(
    r"\b(?:fixed[- ]line|fixed (?:internet|broadband|networks?)|broadband|landlines?|"
    r"home internet|wired|fibre|fiber|DSL|wi-?fi)\b", I)
_INTERNET = re.compile(
    r"\b(?:internet|connectivity|online|networks?|web|communications?|telecom\w*)\b", I)
_THROTTLE = re.compile(
    r"\b(?:throttl\w*|slow(?:ed|ing|s)? (?:down )?|slowdowns?|slow-downs?|speeds?|bandwidth|"
    r"degrad\w*|crawl)\b", I)
_FULL = re.compile(
    r"\b(?:total|complete|near-total|nationwide|full|entire(?:ly)?|all (?:internet|"
    r"communications|networks)|blackout|cut off from the (?:internet|world|global)|"
    r"internet shutdown|went dark|offline)\b", I)
_CALLS = re.compile(r"\b(?:voice|video|audio)? ?call(?:s|ing)?\b", I)
_SMS = re.compile(r"\b(?:SMS|text messag\w+)\b", I)
_SOCIAL = re.compile(r"\bsocial (?:media|networks?|platforms?)\b", I)
_VPN = re.compile(r"\bVPNs?\b|virtual private networks?", I)

_ORDER = re.compile(
    r"\b(?:ordered|orders|order(?:ing)?|directed|directs|instructed|instructs|mandated|"
    r"decided|demanded|required|told|asked)\b", I)
_ORDER_BY = re.compile(
    r"\b(?:ordered|directed|instructed|mandated|imposed|decided|requested|demanded|taken|"
    r"issued|approved|made)\s+by\s+(?P<who>[^,.;:()]{3,90})"
    r"|\b(?:on|under|following|after) (?:the |an |a )?(?:orders?|instructions?|directives?|"
    r"requests?|decisions?|demands?) (?:of|from|by)\s+(?P<who2>[^,.;:()]{3,90})"
    r"|\bat the (?:request|behest|order|direction) of\s+(?P<who3>[^,.;:()]{3,90})", I)
_ACTOR_BEFORE = re.compile(
    r"(?P<who>(?:(?:the|a|an|its|[A-Z][\w'’.-]*)\s+)*?"
    r"(?:[A-Z][\w'’.&-]*(?:\s+(?:of|for|and|on|the|de|[A-Z][\w'’.&-]*))*|"
    r"(?:government|regulator|authorities|court|judge|ministry|minister|police|military|army|"
    r"junta|council|prosecutor|commission|agency|watchdog|service)))"
    r"\s+(?:had\s+|has\s+|have\s+|then\s+|also\s+|later\s+)?"
    r"(?:ordered|directed|instructed|told|mandated|demanded|required)\b")
_ACTOR_NOUN = re.compile(
    r"\b(?:government|regulator|authorit|court|judge|ministr|minister|police|military|army|"
    r"junta|council|prosecutor|commission|agency|watchdog|committee|roskomnadzor|president|"
    r"office|department|service|state|administration|tribunal|authority)", I)

JUSTIFICATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("exams", re.compile(r"\b(?:exams?|examinations?|cheating|test papers?|baccalaur\w+|"
                         r"school-leaving|leak(?:s|ed)? of (?:exam|questions))", I)),
    ("elections", re.compile(r"\b(?:elections?|electoral|polls?|voting|votes?|ballots?|"
                             r"referendum)\b", I)),
    ("misinformation", re.compile(r"\b(?:misinformation|disinformation|fake news|rumou?rs?|"
                                  r"false (?:information|news)|propaganda|hate speech|"
                                  r"inflammatory)", I)),
    ("protests", re.compile(r"\b(?:protests?|protesters?|demonstrations?|demonstrators?|"
                            r"rall(?:y|ies)|gatherings?)\b", I)),
    ("unrest", re.compile(r"\b(?:unrest|violence|clashes|riots?|law and order|public order|"
                          r"communal|tensions?|curfew|incitement|instability)\b", I)),
    ("security", re.compile(r"\b(?:security|terror\w*|militan\w*|insurgen\w*|attacks?|"
                            r"drones?|military operations?|safety|threats?|national interest)\b",
                            I)),
    ("legal-compliance", re.compile(r"\b(?:compl(?:y|ied|iance)|violat\w+|breach\w*|"
                                    r"laws?|legislation|regulations?|register|registration|"
                                    r"court|illegal|unlawful|licen[cs]e|fraud\w*|extremis\w*|"
                                    r"localis\w+|localiz\w+|requirements?)\b", I)),
)
_JUSTIFY_CUE = re.compile(
    r"\b(?:said|says|saying|citing|cited|justif\w+|to prevent|to stop|to curb|to counter|"
    r"to maintain|to ensure|to protect|in order to|for reasons of|because|due to|over|"
    r"aimed at|as a (?:precaution|measure)|necessary|blamed|accus\w+|explained|claimed|"
    r"argued|stated|according to|reason)\b", I)
_QUOTE = re.compile(r"[\"“]([^\"”]{12,300})[\"”]")

_SCOPE_NATIONAL = re.compile(
    r"\b(?:nationwide|nation-wide|across the country|countrywide|country-wide|the whole country|"
    r"the entire country|national(?:ly)?|all (?:of the country|regions|provinces|states))\b", I)
_AREA = re.compile(
    r"\b(?:in|across|throughout|of|for|to)\s+(?:the\s+)?(?:(?:northern|southern|eastern|western|"
    r"north-?\w*|south-?\w*|central|restive|troubled|disputed|border)\s+)*"
    r"(?:(?P<kind1>region|state|province|district|city|town|territory|valley|county|governorate|"
    r"oblast|republic|prefecture|department|municipality|capital)\s+of\s+)?"
    r"(?P<name>(?:[A-Z][\w'’-]+)(?:\s+(?:and|&)?\s*[A-Z][\w'’-]+){0,3})"
    r"(?P<kind2>\s+(?:region|state|province|district|city|town|territory|valley|county|"
    r"governorate|oblast|republic|prefecture|department|municipality))?"
)
_LOCAL = {"city", "town", "district", "county", "municipality", "capital"}
_REGIONAL = {"region", "state", "province", "territory", "valley", "governorate", "oblast",
             "republic", "prefecture", "department"}

_SURVEY = re.compile(
    r"\b(?:report|reports|year|years|decade|review|index|tracker|trends?|record|how|why|what|"
    r"shutdowns|blocks|around the world|worldwide|global|countries|governments|lessons|"
    r"history|rise|surge|tally|count|analysis|explainer|timeline)\b", I)
_YEAR = re.compile(r"\b(?:19[89]\d|20[0-4]\d)\b")

SERVICE_NAMES = {  # generic services named in sentences (affected_services values)
    "mobile": "mobile internet", "fixed": "fixed-line internet", "calls": "voice calls",
    "sms": "SMS", "social": "social media", "vpn": "VPNs",
}

KIND_OF_TYPE = {
    "shutdown": "network", "outage": "network", "throttling": "throttling",
    "platform-block": "service", "content-blocking": "service",
    "circumvention-restriction": "service", "censorship-law": "law",
    "state-platform-mandate": "law", "surveillance-data-access": "law",
    "arrest-prosecution": "arrest", "attack-harassment": "attack",
    "information-manipulation": "info", "restoration-remedy": "",
}
NETWORKISH = {"network", "throttling", "service"}


@dataclass(slots=True)
class Found:
    """A value found in one sentence of one article (``weight``: how sure, higher is surer)."""

    value: object
    sentence: str
    article: str
    weight: float = 1.0


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
    area: Found | None = None
    scope: Found | None = None
    ordered_by: list[Found] = field(default_factory=list)
    justification: list[Found] = field(default_factory=list)
    duration: list[Found] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.article.key

    @property
    def start(self) -> date | None:
        """The start this article reports (its strongest, then earliest, dated start)."""
        if not self.starts:
            return None
        best = max(f.weight for f in self.starts)
        return min(f.value for f in self.starts if f.weight == best)  # type: ignore[type-var]

    @property
    def end(self) -> date | None:
        """The latest end this article reports."""
        return max((f.value for f in self.ends), default=None)  # type: ignore[type-var]


# --- main countries and analysis pieces -----------------------------------------------------


def _main_countries(article: ArticleInput, names: Names) -> tuple[tuple[str, ...], tuple[str, ...]]:
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
    countries = list(dict.fromkeys(countries))
    if article.main_countries is not None:
        main = [names.parents.get(c, c) for c in article.main_countries]
        return tuple(dict.fromkeys(main)), tuple(dict.fromkeys(regions))
    raw = list(article.countries)
    for zone in (article.title, article.summary):
        named = [c for c in raw if names.mentioned(c, zone)]
        if named:
            main = [names.parents.get(c, c) for c in named][:2]
            if len(main) == 2 and names.mentioned(main[1], zone) < names.mentioned(main[0], zone):
                main = main[:1]
            return tuple(dict.fromkeys(main)), tuple(dict.fromkeys(regions))
    return tuple(countries[:1]), tuple(dict.fromkeys(regions))


def _is_analysis(article: ArticleInput, names: Names, main: tuple[str, ...]) -> bool:
    """A piece surveying many countries or years rather than reporting one event."""
    countries = {names.parents.get(c, c) for c in article.countries}
    in_title = {names.parents.get(c, c) for c in article.countries
                if names.mentioned(c, article.title)}
    if len(in_title) == 1 and len(countries) < 6:
        return False
    survey = bool(_SURVEY.search(article.title))
    years = set(_YEAR.findall(article.text))
    if len(countries) >= 5:
        return True
    return len(countries) >= 3 and (survey or len(years) >= 4) and len(in_title) != 1


# --- per-sentence readers -------------------------------------------------------------------


def _kind(article: ArticleInput, sents: list[Sentence]) -> tuple[str, str | None]:
    """(kind, event type) of the article."""
    types = [t for t in article.event_types if t != "restoration-remedy"]
    event_type = types[0] if types else (article.event_types[0] if article.event_types else None)
    kind = KIND_OF_TYPE.get(event_type or "", "other") or "other"
    return kind, event_type


def _services(article: ArticleInput, sents: list[Sentence], names: Names,
              key: str) -> tuple[frozenset[str], list[Found]]:
    """Platforms and generic services named in sentences that say something was cut."""
    found: dict[str, Found] = {}
    for sentence in sents:
        if not (_CUT.search(sentence.text) or _END.search(sentence.text)):
            continue
        weight = 3.0 if sentence.zone == "title" else 2.0 if sentence.zone == "lead" else 1.0
        for pid in article.platforms:
            if names.mentioned(pid, sentence.text):
                item = found.get(pid)
                if item is None:
                    found[pid] = Found(names.name(pid), sentence.text, key, weight)
                else:
                    item.weight += weight
        for tag, pattern in (("calls", _CALLS), ("sms", _SMS), ("social", _SOCIAL),
                             ("vpn", _VPN)):
            if pattern.search(sentence.text) and tag not in found:
                found[tag] = Found(SERVICE_NAMES[tag], sentence.text, key, weight * 0.5)
    return frozenset(k for k in found if k not in SERVICE_NAMES), list(found.values())


def _shutdown_type(kind: str, sents: list[Sentence], key: str,
                   services: frozenset[str]) -> Found | None:
    """full-network, mobile, fixed-line, throttling or service-based, by weighted votes."""
    if kind not in NETWORKISH and kind != "other":
        return None
    votes: dict[str, float] = {}
    where: dict[str, str] = {}
    for sentence in sents:
        text = sentence.text
        if not _CUT.search(text):
            continue
        weight = 3.0 if sentence.zone == "title" else 2.0 if sentence.zone == "lead" else 1.0
        mobile, fixed = bool(_MOBILE.search(text)), bool(_FIXED.search(text))
        if _THROTTLE.search(text):
            choice = "throttling"
        elif (mobile and fixed) or (_FULL.search(text) and _INTERNET.search(text) and not mobile):
            choice = "full-network"
        elif mobile:
            choice = "mobile"
        elif fixed:
            choice = "fixed-line"
        elif _INTERNET.search(text) and not services:
            choice = "full-network"
        else:
            continue
        votes[choice] = votes.get(choice, 0.0) + weight
        where.setdefault(choice, text)
    if kind == "service" or (kind == "other" and services):
        if votes.get("throttling", 0) >= 3 or (kind == "other" and not services):
            return Found("throttling", where["throttling"], key)
        return Found("service-based", where.get("service-based", ""), key, 0.5)
    if kind == "throttling":
        return Found("throttling", where.get("throttling", ""), key)
    if not votes:
        return None
    choice = max(sorted(votes), key=lambda c: votes[c])
    return Found(choice, where[choice], key)


def _clean_actor(raw: str) -> str | None:
    words = raw.strip().split()
    while words and words[-1].lower() in ("to", "that", "the", "and", "on", "in", "after",
                                          "for", "which", "who", "had", "has", "was"):
        words.pop()
    text = " ".join(words).strip(" '\"“”")
    if text.lower().startswith(("the ", "a ", "an ")):
        text = text.split(" ", 1)[1]
    if not text or (not _ACTOR_NOUN.search(text) and not text[:1].isupper()):
        return None
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _ordered_by(sents: list[Sentence], key: str) -> list[Found]:
    found = []
    for sentence in sents:
        text = sentence.text
        if not _ORDER.search(text) and " by " not in text:
            continue
        weight = 2.0 if sentence.zone != "body" else 1.0
        match = _ORDER_BY.search(text)
        if match:
            who = _clean_actor(match.group("who") or match.group("who2") or match.group("who3"))
            if (who and _ACTOR_NOUN.search(who)) or (who and who[:1].isupper()):
                found.append(Found(who, text, key, weight + 0.5))
                continue
        match = _ACTOR_BEFORE.search(text)
        if match:
            who = _clean_actor(match.group("who"))
            if who:
                found.append(Found(who, text, key, weight))
    return found


def _justification(sents: list[Sentence], key: str) -> list[Found]:
    found = []
    for sentence in sents:
        text = sentence.text
        if not _JUSTIFY_CUE.search(text):
            continue
        for category, pattern in JUSTIFICATIONS:
            if pattern.search(text):
                quote = _QUOTE.search(text)
                weight = 1.0 + (0.5 if quote else 0.0) + (0.5 if sentence.zone != "body" else 0)
                found.append(Found(
                    {"category": category, "quote": quote.group(1) if quote else text},
                    text, key, weight))
                break
    return found


_AREA_STOP = word_set(
    "The A An It In On At This That Internet Mobile Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday January February March April May June July August September "
    "October November December NetBlocks Access Now Top10VPN OONI Reuters WhatsApp Telegram "
    "Facebook Instagram Twitter X YouTube TikTok Signal Google Apple Meta"
)


def _area(sents: list[Sentence], key: str, main: tuple[str, ...], regions: tuple[str, ...],
          names: Names) -> tuple[Found | None, Found | None]:
    """(area, scope) found in the title and lead first, then the body."""
    national: Found | None = None
    for sentence in sents[:6]:
        if _SCOPE_NATIONAL.search(sentence.text) and _CUT.search(sentence.text):
            national = Found("national", sentence.text, key)
            break
    for region in regions:
        for sentence in sents:
            if names.mentioned(region, sentence.text):
                return (Found(names.name(region), sentence.text, key, 2.0),
                        national or Found("regional", sentence.text, key))
    country_words = {w for c in main for w in (names.name(c), *names.aliases.get(c, ()))}
    for sentence in sents[:8]:
        if not _CUT.search(sentence.text) and sentence.zone == "body":
            continue
        for match in _AREA.finditer(sentence.text):
            name = match.group("name")
            kind = (match.group("kind1") or match.group("kind2") or "").strip().lower()
            first = name.split()[0]
            if name in country_words or first in _AREA_STOP or not kind:
                continue
            scope = "local" if kind in _LOCAL else "regional"
            return (Found(name, sentence.text, key, 1.0),
                    national or Found(scope, sentence.text, key))
    return None, national


_DURATION = re.compile(
    r"\b(?:for|after|lasted|lasting|of)\s+(?:about\s+|around\s+|nearly\s+|more than\s+|"
    r"almost\s+|over\s+)?(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"a|an)\s*[- ]?(?P<unit>hours?|days?|weeks?|months?)\b", I)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "a": 1, "an": 1}
_UNIT_HOURS = {"hour": 1, "day": 24, "week": 168, "month": 720}


def _dates(sents: list[Sentence], article: ArticleInput, profile: Profile) -> None:
    """Start, end, ongoing and ended statements with their dates."""
    ref = profile.day
    key = article.key
    for index, sentence in enumerate(sents):
        text = sentence.text
        cut = _CUT.search(text)
        end = _END.search(text)
        negated = bool(end and _NOT_END.search(text))
        if end and negated:
            end = None
        if _ONGOING.search(text) and (cut or negated):
            profile.ongoing.append(Found(True, text, key, 2.0 if sentence.zone != "body" else 1.0))
        if not (cut or end):
            continue
        for match in _DURATION.finditer(text):
            n = match.group("n").lower()
            count = int(n) if n.isdigit() else _NUMBERS[n]
            unit = match.group("unit").lower().rstrip("s")
            profile.duration.append(Found(count * _UNIT_HOURS[unit], text, key))
        mentions = find_dates(text, ref)
        weight = 2.0 if sentence.zone != "body" else 1.0
        if (end and not mentions and sentence.zone != "body") or (
                end and not mentions and not _FUTURE.search(text) and index < 12):
            profile.ended.append(Found(True, text, key, weight))
        for mention in mentions:
            if mention.precision != "day":
                continue
            before = text[max(0, mention.start - 30):mention.start]
            role = _role(text, mention, before, cut, end)
            if role == "start":
                strong = 1.0 if _SINCE.search(before) else 0.0
                profile.starts.append(Found(mention.value, text, key, weight + strong))
            elif role == "end" and not _FUTURE.search(text) and mention.value <= ref + timedelta(1):
                profile.ends.append(Found(mention.value, text, key, weight))


def _role(text: str, mention: DateMention, before: str, cut: re.Match[str] | None,
          end: re.Match[str] | None) -> str | None:
    """Whether a date in a sentence is a start or an end (the nearest cue word decides)."""
    if _SINCE.search(before):
        return "start"
    if _UNTIL.search(before):
        return "end"
    if cut and end:
        cut_all = [m.start() for m in _CUT.finditer(text)]
        end_all = [m.start() for m in _END.finditer(text)]
        near_cut = min(abs(p - mention.start) for p in cut_all)
        near_end = min(abs(p - mention.start) for p in end_all)
        return "end" if near_end < near_cut else "start"
    return "end" if end else "start"


# --- the profile ------------------------------------------------------------------------------


def profile(article: ArticleInput, names: Names) -> Profile:
    """Read one article."""
    day = _local_date(article.date)
    main, regions = _main_countries(article, names)
    sents = sentences(article.title, article.summary, article.text)
    kind, event_type = _kind(article, sents)
    services, service_found = _services(article, sents, names, article.key)
    result = Profile(
        article=article, day=day, main=main, regions=regions, kind=kind, event_type=event_type,
        services=services,
        words=frozenset(content_words(f"{article.title} {article.summary}")),
        analysis=_is_analysis(article, names, main),
        service_found=service_found,
    )
    head = " ".join(s.text for s in sents if s.zone == "title")
    result.restoration = bool(_END.search(head) and not _NOT_END.search(head)) or (
        "restoration-remedy" in article.event_types[:1])
    result.shutdown_type = _shutdown_type(kind, sents, article.key, services)
    result.area, result.scope = _area(sents, article.key, main, regions, names)
    result.ordered_by = _ordered_by(sents, article.key)
    result.justification = _justification(sents, article.key)
    _dates(sents, article, result)
    return result


def _local_date(value: datetime) -> date:
    return value.date()
