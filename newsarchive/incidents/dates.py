"""Date phrases in news sentences, resolved against the article's date.

Handles "29 September", "September 29, 2025", "2025-09-29", "on Monday", "yesterday",
"today", "last night" (day precision) and "in August 2019", "mid-October" (month precision).
A phrase without a year takes the year that puts it nearest the article's date (a date after
it counting double, unless the sentence speaks of the future). A weekday is the latest such day on or before
the article's date (the next one when the sentence speaks of the future).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH2 = _MONTH.replace("?P<mon>", "?P<mon2>")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = _DAY.replace("?P<day>", "?P<day2>")
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_PHRASES = re.compile(
    r"\b(?:"
    r"(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    r"|" + _DAY + r"(?:\s*(?:-|–|and|to)\s*[0-3]?\d(?:st|nd|rd|th)?)?\s+" + _MONTH + _YEAR +
    r"|" + _MONTH2 + r"\s+" + _DAY2 + r"(?!\d)(?:,?\s+(?P<year2>(?:19|20)\d\d))?"
    r"|(?P<wd>(?:last\s+|next\s+|this\s+)?(?:" + "|".join(WEEKDAYS) + r"))"
    r"|(?P<rel>yesterday|today|tonight|last night|this morning|earlier today)"
    r"|(?:(?P<part>early|mid|late|end of|beginning of|the end of)[\s-]+)?"
    r"(?P<mon3>" + "|".join(m for m in MONTHS if len(m) > 3 or m == "may") + r")"
    r"(?:\s+(?P<year3>(?:19|20)\d\d))?"
    r")\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|would|is to|are to|plans? to|expected to|next|until further)\b",
                     re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A resolved date phrase: its date, precision ("day" or "month") and span in the text."""

    value: date
    precision: str
    start: int
    end: int
    text: str


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


def find_dates(sentence: str, ref: date) -> list[DateMention]:
    """Every date phrase of ``sentence``, resolved against the article date ``ref``."""
    future = bool(_FUTURE.search(sentence))
    found: list[DateMention] = []
    for match in _PHRASES.finditer(sentence):
        g = match.groupdict()
        value: date | None = None
        precision = "day"
        if g["iso"]:
            y, m, d = (int(x) for x in g["iso"].split("-"))
            value = _safe(y, m, d)
        elif g["mon"]:
            value = _with_year(MONTHS[g["mon"].lower()], int(g["day"]), g["year"], ref, future)
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
            day = {"mid": 15, "late": 25, "end of": 28, "the end of": 28}.get(
                (g["part"] or "").lower(), 1)
            value = _with_year(MONTHS[g["mon3"].lower()], day, g["year3"], ref, future)
        if value is not None:
            found.append(DateMention(value, precision, match.start(), match.end(), match.group()))
    return found
