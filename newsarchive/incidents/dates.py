"""Date phrases in news sentences, resolved against the article's date.

Handles "29 September", "September 29, 2025", "2025-09-29", "on Monday", "yesterday",
"today", "last night" (day precision) and "in August 2019", "mid-October" (month precision).
A phrase without a year takes the year that puts it nearest the article's date (a date after
it counting double, unless the sentence speaks of the future). A weekday is the latest such
day on or before the article's date (the next one when the sentence speaks of the future).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

from newsarchive.incidents.lexicon import Cue

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_OTHER_MONTHS = (  # es, pt, fr, de, ru (genitive and nominative), uk, tr, ar (two sets), fa
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
    "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
    "كانون_الثاني شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين_الأول تشرين_الثاني "
    "كانون_الأول",
    "ژانویه فوریه مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر",
)
for _names in _OTHER_MONTHS:
    for _n, _name in enumerate(_names.split(), start=1):
        MONTHS.setdefault(_name.replace("_", " "), _n)
MONTHS.update({"setiembre": 9, "ابريل": 4, "اغسطس": 8, "اكتوبر": 10, "ژوئیهٔ": 7,
               "آگوست": 8, "sept.": 9})
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}


def trie_pattern(words: list[str]) -> str:
    """A regex alternation of ``words`` as a trie of their common beginnings. It tries the
    words that match at a place longest first, as the plain alternation sorted by length
    would, but Python's re no longer tries every word one after another (tenfold faster)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return (body if len(branches) > 1 else "(?:" + body + ")") + "?"
        return body

    return pattern(trie)


_ALL = trie_pattern(sorted(MONTHS))
_MONTH = r"(?P<mon>" + _ALL + r")\.?"
_MONTH2 = _MONTH.replace("?P<mon>", "?P<mon2>")
_DAY = r"(?P<day>[0-3]?\d|الأول|الاول)(?:st|nd|rd|th|er|ᵉʳ|\.)?"
_DAY2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_OF = (r"(?:\s*(?:-|–|and|to|y|et|и|al|au|à|bis|ile|إلى|الى|تا)\s*(?P<to>[0-3]?\d)"
       r"(?:st|nd|rd|th)?)?\s+(?:de\s+|من\s+)?")
_YEAR = r"(?:,?\s+(?:de\s+)?(?P<year>(?:19|20)\d\d))?"
_PHRASES = re.compile(
    r"(?<!\w)(?:"
    r"(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    r"|" + _DAY + _OF + _MONTH + _YEAR +
    r"|" + _MONTH2 + r"\s+" + _DAY2 + r"(?!\d)(?:,?\s+(?P<year2>(?:19|20)\d\d))?"
    r"|(?P<wd>(?:last\s+|next\s+|this\s+)?(?:" + "|".join(WEEKDAYS) + r"))"
    r"|(?P<rel>yesterday|today|tonight|last night|this morning|earlier today)"
    r"|(?:(?P<part>early|mid|late|end of|beginning of|the end of|mi|mediados de|finales de|"
    r"principios de|fin|début|середин\w*|конц\w*)[\s-]+)?"
    r"(?P<mon3>" + trie_pattern(sorted(m for m in MONTHS if len(m) > 3 or m == "may")) + r")"
    r"(?:\s+(?:de\s+)?(?P<year3>(?:19|20)\d\d))?"
    r")(?!\w)",
    re.IGNORECASE,
)
_FUTURE = Cue(
    r"\b(?:will|would|is to|are to|plans? to|expected to|next|until further|sera|будет|olacak)\b"
    r"|سوف|خواهد",
    re.IGNORECASE,
)


_DATE_WORDS = Cue(r"\b(?:" + "|".join(
    re.escape(w) for w in sorted({*MONTHS, *WEEKDAYS, "yesterday", "today", "tonight",
                                  "last night", "this morning"}, key=len, reverse=True)
    if len(w) >= 2
) + ")")
# where a phrase may begin before its date word: a digit ("6 to 14 August") or a word that
# opens one ("last Monday", "mid-October", "earlier today", "finales de mayo")
_LEAD_WORDS = frozenset((
    "last", "next", "this", "earlier", "early", "mid", "late", "end", "beginning", "the", "mi",
    "mediados", "finales", "principios", "fin", "début", "الأول", "الاول"))
_LEAD_STEMS = ("середин", "конц")
_WORD = re.compile(r"\w+")
_WEEKDAY_DATE = re.compile(r"[\s,]{0,3}(?:the\s+)?[0-3]?\d\b")
_ISO = re.compile(r"(?:19|20)\d\d-[01]\d-[0-3]\d")


class DateMention(NamedTuple):
    """A resolved date phrase: its date, precision ("day" or "month") and span in the text."""

    value: date
    precision: str
    start: int
    end: int
    text: str
    until: date | None = None  # the last day of a range ("6 to 14 August")


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(month: int, day: int, year: str | None, ref: date, future: bool) -> date | None:
    """The date of a day and month, in the year that puts it nearest the article's date.

    A date after the article counts double (news mostly reports the past); before it, when
    the sentence speaks of the future.
    """
    if year:
        return _safe(int(year), month, day)
    best: tuple[int, date] | None = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        value = _safe(y, month, day)
        if value is None:
            continue
        gap = (value - ref).days
        cost = abs(gap) * (2 if (gap > 0) != future and gap != 0 else 1)
        if best is None or cost < best[0]:
            best = (cost, value)
    return best[1] if best else None


def _weekday(phrase: str, ref: date, future: bool) -> date:
    words = phrase.lower().split()
    target = WEEKDAYS[words[-1]]
    back = (ref.weekday() - target) % 7
    if words[0] == "next" or (future and words[0] != "last"):
        return ref + timedelta(days=(target - ref.weekday()) % 7 or 7)
    if words[0] == "last" and back == 0:
        back = 7
    return ref - timedelta(days=back)


# a word that may open a date phrase (see _LEAD_WORDS and _LEAD_STEMS), found in one pass
_LEAD = re.compile(
    r"(?<!\w)(?:\d\w*|(?:" + "|".join(sorted(_LEAD_WORDS, key=len, reverse=True)) + r")(?!\w)"
    r"|(?:" + "|".join(_LEAD_STEMS) + r")\w*)", re.IGNORECASE)


def _lead_starts(sentence: str, lo: int, hi: int) -> list[int]:
    """Where a date phrase may begin between ``lo`` and ``hi``: words that start with a digit
    or open a phrase."""
    return [word.start() for word in _LEAD.finditer(sentence, lo, hi)]


def _phrases(sentence: str) -> Iterator[re.Match[str]]:
    """Date phrases of a sentence: the phrase regex runs only in a window around each date
    word the automaton found (and ISO dates), not along the whole sentence."""
    cursor = 0
    size = len(sentence)
    for start, end in _DATE_WORDS.spans(sentence):
        if end <= cursor or (end < size and (sentence[end].isalnum() or sentence[end] == "_")):
            continue  # a phrase ends its date word with the word (the longer hit is tried)
        lo = max(cursor, start - 25)
        for at in [*_lead_starts(sentence, lo, start), start]:
            match = _PHRASES.match(sentence, at, min(size, end + 16))
            if match and match.end() > start:
                cursor = match.end()
                yield match
                break
    if "-" in sentence:
        for iso in _ISO.finditer(sentence):
            match = _PHRASES.match(sentence, iso.start())
            if match:
                yield match


def find_dates(sentence: str, ref: date) -> list[DateMention]:
    """Every date phrase of ``sentence``, resolved against the article date ``ref``.

    Digits must be ASCII (see ``lexicon.ascii_digits``).
    """
    future = _FUTURE.has(sentence)
    found: list[DateMention] = []
    for match in _phrases(sentence):
        g = match.groupdict()
        value: date | None = None
        until: date | None = None
        precision = "day"
        if g["iso"]:
            y, m, d = (int(x) for x in g["iso"].split("-"))
            value = _safe(y, m, d)
        elif g["mon"]:
            day = 1 if not g["day"].isdigit() else int(g["day"])
            value = _with_year(MONTHS[g["mon"].lower()], day, g["year"], ref, future)
            if value and g["to"] and int(g["to"]) > day:
                until = _safe(value.year, value.month, int(g["to"]))
        elif g["mon2"]:
            value = _with_year(MONTHS[g["mon2"].lower()], int(g["day2"]), g["year2"], ref, future)
        elif g["wd"]:
            value = _weekday(g["wd"], ref, future)
        elif g["rel"]:
            rel = g["rel"].lower()
            value = ref - timedelta(days=1) if rel in ("yesterday", "last night") else ref
        elif g["mon3"]:
            if g["mon3"].lower() == "may" and (g["mon3"] != "May" or not (g["year3"] or g["part"])):
                continue  # "may" the verb, or a bare "May" that may be one
            precision = "month"
            part = (g["part"] or "").lower()
            day = 15 if part.startswith(("mid", "mi", "серед")) else 25 if part.startswith(
                ("late", "end", "the end", "fin", "конц")) else 1
            value = _with_year(MONTHS[g["mon3"].lower()], day, g["year3"], ref, future)
        if g["wd"] and _WEEKDAY_DATE.match(sentence, match.end()):
            continue  # "Sunday 6 August": the date that follows says it
        if value is not None:
            found.append(DateMention(value, precision, match.start(), match.end(), match.group(),
                                     until))
    return found
