"""Pure normalisation helpers: text, titles, URLs, dates, languages and slugs.

Every function here is deterministic and side-effect free, so the same input always gives the
same stored article (which is what makes a second ingest change nothing).
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from unidecode import unidecode

# --- text -----------------------------------------------------------------------------------

# Format characters that carry no meaning in a title or a header and can hide or reorder text.
# ZWNJ/ZWJ (U+200C/D) are kept: Persian, Indic scripts and emoji sequences need them.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,  # soft hyphen
        0x034F,  # combining grapheme joiner
        0x061C,  # Arabic letter mark
        0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E,  # fillers, Mongolian vowel separator
        0x200B, 0x200E, 0x200F,  # zero-width space, LRM, RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        0x3164, 0xFEFF, 0xFFA0,  # Hangul filler, BOM, halfwidth filler
        *range(0xFFF9, 0xFFFC),  # interlinear annotation
    ]
)
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


_CONTROLS = {
    keep: re.compile("[" + "".join(
        f"\\x{c:02x}" for c in [*range(32), *range(0x7F, 0xA0)] if chr(c) not in keep
    ) + "]+")
    for keep in ("", "\t", "\n\t")
}


def _drop_controls(text: str, keep: str = "") -> str:
    """Remove C0/C1 control characters except those in ``keep`` ('', tab, or newline+tab)."""
    return _CONTROLS[keep].sub("", text)


def clean_line(value: object) -> str:
    """One safe line: NFC, no control or invisible characters, whitespace collapsed.

    Used for every metadata value, so nothing can inject a header through a newline.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _LINE_BREAKS.sub(" ", text).translate(_INVISIBLE)
    text = _drop_controls(text, keep="\t")
    return _SPACES.sub(" ", text).strip()


def clean_text(value: str) -> str:
    """Body text: NFC, control characters gone, paragraphs kept (blank-line separated)."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    text = _drop_controls(text, keep="\n\t")
    paragraphs = [_SPACES.sub(" ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def content_hash(*parts: str) -> str:
    """A short stable hash of the parts (sha256, 16 hex digits)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def title_from_text(text: str, words: int = 12) -> str:
    """A stand-in title from the first words of the body, for items that have none."""
    first = clean_line(text.split("\n\n", 1)[0] if text else "")
    parts = first.split()
    if not parts:
        return ""
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


# --- URLs -----------------------------------------------------------------------------------

# Query parameters that only track the reader: exact names and prefixes.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_hsenc",
        "_hsmi", "hsctatracking", "oly_anon_id", "oly_enc_id", "rb_clickid", "vero_id",
        "vero_conv", "wickedid", "s_cid", "cmpid", "ncid", "ocid", "sr_share", "smid",
        "spm", "scm", "at_medium", "at_campaign", "at_custom1", "at_custom2", "ito",
        "ref_src", "ref_url", "__twitter_impression", "_ga", "_gl", "cid", "icid",
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "share",
        "xtor", "guccounter", "guce_referrer", "guce_referrer_sig", "soc_src", "soc_trk",
        "rss", "feature", "fromrss", "from_rss", "via", "intcmp", "cmp", "traffic_source",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_", "piwik_", "wt.", "hmb_", "trk_")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def is_tracking_param(name: str) -> bool:
    """True when a query parameter only serves to track the reader."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def absolute_url(url: str, base: str = "") -> str:
    """``url`` made absolute against ``base`` (when it has one); '' for a non-http(s) result."""
    url = clean_line(url)
    if not url:
        return ""
    try:
        joined = urljoin(base, url) if base else url
        scheme = urlsplit(joined).scheme.lower()
    except ValueError:
        return ""
    return joined if scheme in {"http", "https"} else ""


def canonical_url(url: str, base: str = "", *, key: bool = False) -> str:
    """The URL that identifies an article: http(s), absolute, tracking parameters removed.

    The one rule set for article identity, used by the ingest (dedupe, Source-URL) and by the
    build (related stories' families of one story). Scheme and host are lower-cased, default
    ports and fragments dropped, the remaining query kept in its order; commas and spaces are
    percent-encoded so a URL list stays parseable. Returns '' for anything that is not an
    absolute http(s) URL.

    ``key=True`` gives the identity key of that URL, for comparing, never for linking: no
    scheme (http and https are one page), no ``www.``/``amp.`` host prefix, no trailing slash
    or ``/amp`` rendering, the query sorted. Two URLs are the same article when their keys are
    equal.
    """
    if key and url and not base and not re.match(r"\s*[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", url):
        url = "http://" + url.strip().lstrip("/")  # a bare host/path names a web page too
    url = absolute_url(url, base)
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if not host:
        return ""
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    netloc = host if port is None or str(port) == _DEFAULT_PORTS[parts.scheme.lower()] else (
        f"{host}:{port}"
    )
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not is_tracking_param(k)]
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+;=~-._") or "/"
    if key:
        netloc = re.sub(r"^(?:www\d?|amp)\.", "", netloc)
        path = re.sub(r"/amp(?:\.html)?/*$", "", path).rstrip("/")
        encoded = urlencode(sorted(query), safe="/:@!$'()*;=~-._")
        return f"{netloc}{path}" + (f"?{encoded}" if encoded else "")
    return urlunsplit(
        (parts.scheme.lower(), netloc, path, urlencode(query, safe="/:@!$'()*;=~-._"), "")
    )


# --- dates ----------------------------------------------------------------------------------

_TZ_NAMES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
             "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}


def parse_date(value: object) -> datetime | None:
    """An aware datetime from ISO 8601, RFC 822/2822, or a datetime; None when unreadable.

    A date without an offset is taken as UTC. Years outside 1990..2100 are refused as bogus.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        text = clean_line(value)
        parsed = _parse_iso(text) or _parse_rfc822(text) or _parse_loose(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed.replace(microsecond=0)


def _parse_iso(text: str) -> datetime | None:
    if not re.match(r"\d{4}-?\d{2}", text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_rfc822(text: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    zone = text.rsplit(None, 1)[-1].upper() if text.split() else ""
    if parsed.tzinfo is None and zone in _TZ_NAMES:
        parsed = parsed.replace(tzinfo=timezone(timedelta(hours=_TZ_NAMES[zone])))
    return parsed


def _parse_loose(text: str) -> datetime | None:
    """Last resort for the odd formats feeds and pages use (dateutil, no guessing of days)."""
    if not re.search(r"\d{4}", text):
        return None
    try:
        from dateutil import parser as dateparser
        from dateutil.tz import tzoffset

        tzinfos = {name: tzoffset(name, hours * 3600) for name, hours in _TZ_NAMES.items()}
        return dateparser.parse(text, tzinfos=tzinfos, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, TypeError, ImportError):
        return None


_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], 1) for name in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TEXT_DATES = (
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})\b", re.I),
     ("d", "M", "y")),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
     ("M", "d", "y")),
)
TEXT_DATE_CHARS = 600  # a date is looked for where a byline or dateline would be


def date_from_text(text: str) -> datetime | None:
    """A date written near the start of ``text`` ('6 December 2022', 'March 3, 2023',
    '2023-03-03'), as midnight UTC; None when there is none (the earliest match wins)."""
    head = text[:TEXT_DATE_CHARS]
    best: tuple[int, datetime] | None = None
    for pattern, order in _TEXT_DATES:
        for match in pattern.finditer(head):
            parts = dict(zip(order, match.groups(), strict=True))
            month = _MONTHS[parts["M"].lower()] if "M" in parts else int(parts["m"])
            try:
                found = datetime(int(parts["y"]), month, int(parts["d"]), tzinfo=UTC)
            except ValueError:
                continue
            if 1990 <= found.year <= 2100 and (best is None or match.start() < best[0]):
                best = (match.start(), found)
            break
    return best[1] if best else None


def format_date(value: datetime) -> str:
    """ISO 8601 with its offset, seconds precision: 2024-07-18T21:00:00+06:00."""
    return value.replace(microsecond=0).isoformat()


# --- language -------------------------------------------------------------------------------


def normalize_language(value: object) -> str:
    """A primary language subtag, lower case ('en-US' -> 'en'); '' when it is not one."""
    text = clean_line(value).replace("_", "-").lower()
    primary = text.split("-", 1)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


_SCRIPT_LANGS: tuple[tuple[str, str], ...] = (
    ("\u0590-\u05ff", "he"), ("\u0e00-\u0e7f", "th"), ("\u10a0-\u10ff", "ka"),
    ("\u0530-\u058f", "hy"), ("\u0370-\u03ff", "el"), ("\u3040-\u30ff", "ja"),
    ("\uac00-\ud7af", "ko"), ("\u4e00-\u9fff", "zh"), ("\u1200-\u137f", "am"),
    ("\u0980-\u09ff", "bn"), ("\u0900-\u097f", "hi"), ("\u1000-\u109f", "my"),
)


_FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "was", "with", "on", "said",
           "a", "an", "by", "from", "it", "its", "are", "were", "will", "has", "have", "this",
           "after", "would", "not", "be", "their", "which"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "pour", "que", "du", "qui",
           "un", "au", "aux", "sur", "par", "pas", "ont", "été", "selon", "ce", "cette", "sont"},
    "es": {"el", "la", "los", "las", "y", "que", "del", "en", "por", "una", "con", "para",
           "un", "al", "se", "su", "sus", "según", "fue", "ha", "como", "más", "pero", "está"},
    "pt": {"o", "os", "as", "e", "que", "do", "da", "em", "não", "uma", "com", "para"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "ein", "eine", "auf"},
    "it": {"il", "di", "che", "e", "la", "per", "un", "una", "non", "gli", "del", "della"},
    "tr": {"ve", "bir", "bu", "için", "ile", "da", "de", "olarak", "çok", "daha", "gibi"},
    "id": {"yang", "dan", "di", "dengan", "untuk", "ini", "dari", "itu", "dalam", "tidak"},
}


def _latin_language(sample: str) -> str:
    """The language whose function words make up most of a Latin-script sample (>= 8%)."""
    words = _LATIN_WORD.findall(sample.lower())
    if len(words) < 8:
        return ""
    scores: Counter[str] = Counter()
    for word in words:
        scores.update(_WORD_LANGS.get(word, ()))
    if not scores:
        return ""
    best, score = scores.most_common(1)[0]
    return best if score >= 0.08 * len(words) else ""


_LATIN_WORD = re.compile(r"[^\W\d_]+")
_WORD_LANGS: dict[str, list[str]] = {}
for _lang, _vocab in _FUNCTION_WORDS.items():
    for _word in _vocab:
        _WORD_LANGS.setdefault(_word, []).append(_lang)


_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def guess_language(text: str) -> str:
    """A language for ``text`` from its script and, for Latin script, its function words.

    Named heuristics, no model: Cyrillic with і/ї/є/ґ is Ukrainian, other Cyrillic Russian;
    Arabic script with پ/چ/ژ/گ/ی is Persian, other Arabic script Arabic; a script of its own
    names its language; Latin script is told by frequent function words; else ''.
    """
    sample = text[:600]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return ""
    if len(_LATIN.findall(sample)) > letters * 0.9:
        return _latin_language(sample)
    if len(_CYRILLIC.findall(sample)) > letters / 2:
        return "uk" if re.search("[іїєґІЇЄҐ]", sample) else "ru"
    if len(_ARABIC.findall(sample)) > letters / 2:
        return "fa" if re.search("[پچژگی]", sample) else "ar"
    for span, lang in _SCRIPT_LANGS:
        if len(re.findall(f"[{span}]", sample)) > letters / 3:
            return lang
    return _latin_language(sample)


# --- slugs ----------------------------------------------------------------------------------

MAX_SLUG = 80


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """ASCII slug: transliterated (unidecode), lower case, words joined by '-', cut at a word."""
    ascii_text = unidecode(unicodedata.normalize("NFC", text or "")).lower()
    ascii_text = ascii_text.replace("'", "").replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "")


def unique_slug(title: str, key: str, taken: Callable[[str], bool] | Iterable[str]) -> str:
    """A slug for ``title`` that ``taken`` does not hold.

    A collision gets a suffix derived from ``key`` (the canonical URL or guid), so the same
    article always gets the same slug whatever order things are ingested in.
    """
    is_taken = taken if callable(taken) else set(taken).__contains__
    suffix = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    base = slugify(title, MAX_SLUG - 8) or f"article-{suffix}"
    if not is_taken(base):
        return base
    candidate = f"{base}-{suffix}"
    number = 2
    while is_taken(candidate):
        candidate = f"{base}-{suffix}-{number}"
        number += 1
    return candidate
