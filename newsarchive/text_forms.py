"""Text forms: how a text is read before matching (normalisation and the scan form).

How a text is read (:func:`normalise`): lower-cased, Unicode punctuation and symbols turned into
spaces, ``ё`` folded to ``е`` and Arabic ``ي``/``ك`` to Persian ``ی``/``ک``, then encoded as UTF-8
with every ASCII non-word byte turned into a space and runs of spaces squeezed. The bytes are
scanned as one string, so one automaton handles every script. The first byte of every word is
written with a byte of its own (``_INITIAL``: a word-initial "a" is not an inner "a"), and
patterns are written the same way and end with a space: so a match can only start where a word
starts and end where one ends, and two neighbouring words can both match, one space between
them (for scripts written without spaces, such as Chinese or Thai, a pattern also matches
inside a run of text, and needs no space after it). Letters, combining marks (Devanagari
matras) and ZWNJ/ZWJ count as word characters.

This is the lowest layer of the tagger: it imports nothing from the project. The layers, each
importing only those before it: ``text_forms`` -> ``entities`` (gazetteer data) ->
``event_types`` -> ``matcher`` (the compiled automaton) -> ``tag_claims``/``tag_batch`` (the
rules, for a batch of texts) -> ``tagger`` (the front: ``load_tagger``, ``tagging_text``, the
tag cache and hand-set metadata).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

import numpy as np

ZONES = ("title", "lead", "body")

# --- normalisation ---------------------------------------------------------------------------

_BYTE_TABLE = bytes(c if chr(c).isalnum() or c >= 128 else 32 for c in range(256))
_FOLDS = {"ё": "е", "ي": "ی", "ك": "ک", "ى": "ی"}
_KEEP = {"\u200c", "\u200d"}  # ZWNJ and ZWJ join parts of Persian and Indic words
_ASCII = bytes(range(128))


@functools.cache
def _fold(char: str) -> str:
    """What a non-ASCII character becomes before a text is split into words.

    A space for a non-word character (a BMP punctuation mark, symbol, separator or control
    character other than ZWNJ/ZWJ), the folded letter for ``ё`` and Arabic ``ي``/``ك``/``ى``,
    the character itself otherwise.
    """
    if char in _FOLDS:
        return _FOLDS[char]
    code = ord(char)
    if code > 0xFFFF or 0xD800 <= code <= 0xDFFF or char in _KEEP:
        return char
    return " " if unicodedata.category(char)[0] in "PSZC" else char


def _odd_chars(text: str) -> set[str]:
    """The distinct non-ASCII characters of a text (found in C, not char by char)."""
    return set(text.encode("utf-8").translate(None, _ASCII).decode("utf-8"))


_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_UNSPACED_CHARS = _UNSPACED.pattern[1:-1]
#: where a Latin letter or digit touches a script written without spaces ("中国App Store下架VPN")
_GLUED = re.compile(
    f"(?<=[{_UNSPACED_CHARS}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{_UNSPACED_CHARS}])"
)


def _unglued(text: str, chars: set[str]) -> str:
    """A space put between a Latin word and Chinese, Japanese or Thai text glued to it, so the
    Latin name is a word of its own (``chars``: the text's non-ASCII characters)."""
    if any(_UNSPACED.match(char) for char in chars):
        return _GLUED.sub(" ", text)
    return text


def _prepare(text: str) -> str:
    """Non-word characters turned into spaces and letters folded (see :func:`_fold`)."""
    if not text.isascii():
        odd = _odd_chars(text)
        for char in odd:
            new = _fold(char)
            if new != char:
                text = text.replace(char, new)
        text = _unglued(text, odd)
    return text


_CURRENCY = re.compile(r"\b[A-Z]{1,3}\$")


def _words(text: str) -> list[bytes]:
    """The UTF-8 words of a text: non-word characters are separators.

    Currency prefixes ("US$ 20,000", "HK$") are dropped: they name a currency, not a country.
    """
    if "$" in text:
        text = _CURRENCY.sub(" ", text)
    return _prepare(text).encode("utf-8").translate(_BYTE_TABLE).split()


# ASCII text is lower-cased by the same byte table that blanks its non-word characters
_LOWER_TABLE = bytes(c + 32 if 65 <= c <= 90 else b for c, b in enumerate(_BYTE_TABLE))


def _lower_words(text: str) -> list[bytes]:
    """``_words(text.lower())``, without the extra passes when the text is ASCII.

    (The currency rule never fires on lower-cased text: it looks for capitals.)
    """
    if text.isascii():
        return text.encode("ascii").translate(_LOWER_TABLE).split()
    return _words(text.lower())


def normalise(text: str) -> str:
    """Lower-cased words joined by single spaces, as a Latin-1 view of their UTF-8 bytes."""
    return b" ".join(_lower_words(text)).decode("latin-1")


@functools.lru_cache(maxsize=1 << 16)
def alias_key(alias: str) -> str:
    """The normalised form an alias is matched by (no padding)."""
    return normalise(alias).strip(" ")


@functools.lru_cache(maxsize=1 << 16)
def is_acronym(alias: str) -> bool:
    """All-caps aliases (at least one cased letter, none lower-case) match case-sensitively."""
    letters = "".join(filter(str.isalpha, alias))
    if letters.isupper():  # some upper case, no lower or title case
        return True
    return any(c.isupper() for c in letters) and not any(c.islower() for c in letters)


def _pattern(key: str) -> str:
    """A key as scanned, before its words' first bytes are marked: followed by a space where
    its script uses spaces."""
    text = key.encode("latin-1").decode("utf-8")
    return key if _UNSPACED.match(text[-1]) else f"{key} "


def _spaced_start(key: str) -> bool:
    """Whether a key's script uses spaces where it starts (it must then start a word)."""
    return not _UNSPACED.match(key.encode("latin-1").decode("utf-8")[0])


# The first byte of a word, written apart: ASCII letters and digits and UTF-8 lead bytes map
# to bytes that a scan form never holds otherwise (ASCII controls, punctuation and capitals,
# which the lower-casing translation removes, and bytes that UTF-8 never uses).
_STARTS = b"abcdefghijklmnopqrstuvwxyz0123456789" + bytes(range(0xC2, 0xF5))
_FREE = (  # (not ASCII whitespace either, so that split() still sees words)
    bytes(range(0x02, 0x09)) + bytes(range(0x0E, 0x1C)) + bytes(range(0x21, 0x30))
    + bytes(range(0x3A, 0x61)) + bytes(range(0x7B, 0x80)) + b"\xc0\xc1" + bytes(range(0xF5, 0xFF))
)
assert len(_FREE) >= len(_STARTS)
_INITIAL = bytes.maketrans(_STARTS, _FREE[: len(_STARTS)])
_INITIAL_ARRAY = np.frombuffer(_INITIAL, dtype=np.uint8)


def scanned(key: str) -> list[bytes]:
    """The byte strings a key is matched as: its pattern with each word's first byte marked
    (for a key that starts in a script without spaces, also as it is written at its start,
    since it can start inside a run of text)."""
    pattern = _pattern(key).encode("latin-1")
    words = pattern.split(b" ")
    marked = b" ".join(w[:1].translate(_INITIAL) + w[1:] for w in words)
    if _spaced_start(key):
        return [marked]
    return [marked, pattern[:1] + marked[1:]]


def _mark_word_starts(form: bytes) -> bytes:
    """A lower-cased scan form with the first byte of every word marked (see _INITIAL)."""
    return _marked(form)[0]


def _marked(form: bytes) -> tuple[bytes, np.ndarray]:
    """:func:`_mark_word_starts`, and where the form's spaces are (the form ends with a zone
    mark or a word, never with a space)."""
    chars = np.frombuffer(form, dtype=np.uint8).copy()
    spaces = np.flatnonzero(chars[:-1] == 32)
    starts = spaces + 1
    chars[starts] = _INITIAL_ARRAY[chars[starts]]
    return chars.tobytes(), spaces


# zones scanned as one text are joined by ZONE_MARK, which these tables turn into byte 0xFF:
# UTF-8 never holds it and no pattern contains it, so no match crosses from zone to zone
ZONE_MARK = "\x01"
_LOWER_ZONES = _LOWER_TABLE[:1] + b"\xff" + _LOWER_TABLE[2:]
_BYTE_ZONES = _BYTE_TABLE[:1] + b"\xff" + _BYTE_TABLE[2:]


def _squeezed(text: bytes) -> bytes:
    """A text of words and spaces with every run of spaces made one, a space at each end, and
    a zone mark after: ``b" " + b" ".join(text.split()) + b" \\xff"`` (no object per word)."""
    chars = np.frombuffer(text, dtype=np.uint8)
    word = chars != 32
    keep = word.copy()  # a word's bytes and the space after it
    keep[1:] |= word[:-1]
    return b" " + chars[keep].tobytes().strip(b" ") + b" \xff"


# lower-casing a letter at a time beats str.lower() on a batch that holds up to about 30;
# in the UTF-8 bytes (found in numpy: see _replaced), it beats decoding and encoding the batch
# for a few; more two-byte capitals (Latin with marks, Cyrillic, Greek) are all lower-cased by
# one table look-up
_FEW_CAPITALS = 24
_FEW_BYTE_CAPITALS = 4


@functools.cache
def _lower_folded(char: str) -> str:
    return "".join(map(_fold, char.lower()))


class Forms(NamedTuple):
    """A batch of zones as scanned (see :func:`zone_forms`), and the words of each zone."""

    lowered: bytes
    cased: bytes
    words: np.ndarray  # per zone: its spaces, plus one if it holds any text
    spaces: np.ndarray  # where the spaces of the two forms are, in order


def _words_per_zone(data: bytes, n_zones: int) -> np.ndarray | None:
    """Spaces in each zone of joined zones (UTF-8), plus one for a zone with text: the count
    ``zone.count(" ") + bool(zone)`` of every zone, at once; None when a zone holds a
    ZONE_MARK of its own (the marks do not part the zones)."""
    chars = np.frombuffer(data, dtype=np.uint8)
    bounds = np.concatenate(([-1], np.flatnonzero(chars == 1), [len(chars)]))
    if len(bounds) != n_zones + 1:
        return None
    spaces = np.diff(np.searchsorted(np.flatnonzero(chars == 32), bounds))
    sides = np.full(n_zones, 2)  # the spaces on each side of a mark are not the zone's
    sides[0] -= 1
    sides[-1] -= 1
    length = np.diff(bounds) - 1 - sides
    return spaces - sides + (length > 0)


def zone_forms(zones: list[str]) -> Forms:
    """Zones as the automaton reads them (words set apart by one space, each word's first byte
    marked: see the module's docstring), each followed by byte 0xFF; lower-cased and marked,
    and as written.

    No pattern holds the mark, so no match runs from one zone into the next. The two forms
    have the same length, byte for byte, so an acronym found in the first can be checked in
    the second. In the second, a currency prefix ("US$", "HK$") is written in lower case (it
    names no country), as is a letter whose lower case has another length in UTF-8 ("İ").
    ``words`` counts words as spaces, plus one for a zone with text (a ZONE_MARK inside a
    text counts as a space); ``spaces`` gives where the forms' spaces are (a match's word
    number is the count of spaces before it).
    """
    joined = f" {ZONE_MARK} ".join(zones)
    if "$" in joined:
        joined = _lower_currency_prefixes(joined)
    data = joined.encode("utf-8", "replace")  # (a lone surrogate is no word)
    words = _words_per_zone(data, len(zones))
    if words is None:  # a ZONE_MARK inside a text is read as a space
        return zone_forms([zone.replace(ZONE_MARK, " ") for zone in zones])
    if joined.isascii():
        cased = _squeezed(data.translate(_BYTE_ZONES))
        lowered, spaces = _marked(cased.translate(_LOWER_ZONES))
        return Forms(lowered, cased, words, spaces)
    capitals = []
    changes = []  # (character, what it becomes) that change the text's length or fold it
    odd = set(data.translate(None, _ASCII).decode("utf-8"))
    for char in odd:
        lower = char.lower()
        if len(lower.encode()) != len(char.encode()):
            changes.append((char, lower))
        elif (folded := _fold(char)) != char:
            changes.append((char, folded))
        elif lower != char:
            capitals.append(char)
    data = _changed(joined, data, odd, changes)
    cased = _squeezed(data.translate(_BYTE_ZONES))
    lowered, spaces = _marked(_lower_cased(cased, capitals).translate(_LOWER_ZONES))
    return Forms(lowered, cased, words, spaces)


#: up to this many characters are changed in the UTF-8 bytes (found in numpy, ~0.3 ms a
#: batch each); more in the batch's str (a str.replace pass each), encoded once again
_FEW_BYTE_CHANGES = 6


def _changed(joined: str, data: bytes, odd: set[str], changes: list[tuple[str, str]]) -> bytes:
    """The batch's UTF-8 bytes (``data``, of ``joined``) with each character of ``changes``
    replaced, and Latin words glued to Chinese, Japanese or Thai text set apart (see
    :func:`_unglued`; ``odd``: the non-ASCII characters). The replacements commute (none
    makes a character that another replaces), so they are made in any order; in the bytes, a
    non-word character becomes as many spaces as it has bytes (runs of spaces are squeezed
    next), so that it keeps its length."""
    glued = any(_UNSPACED.match(char) for char in odd)
    if not glued and len(changes) <= _FEW_BYTE_CHANGES:
        return _replaced(
            data, [(c, " " * len(c.encode()) if new == " " else new) for c, new in changes]
        )
    for char, new in changes:
        joined = joined.replace(char, new)
    return _unglued(joined, odd).encode("utf-8", "replace")


def _replaced(data: bytes, changes: list[tuple[str, str]]) -> bytes:
    """UTF-8 bytes with every character of ``changes`` replaced. Its occurrences are found in
    numpy (bytes.replace is slow for a two- or three-byte needle whose first byte is common,
    as the lead byte of Latin letters with marks is; UTF-8 sequences never overlap) and, where
    the new one has as many bytes, written over in place; the few characters whose lower case
    has another length ("İ") are cut in."""
    chars = np.frombuffer(data, dtype=np.uint8).copy()
    cut = []
    for char, new in changes:
        old, replacement = char.encode(), new.encode()
        n = len(chars) - len(old) + 1
        hit = chars[:n] == old[0]
        for k in range(1, len(old)):
            hit &= chars[k : n + k] == old[k]
        at = np.flatnonzero(hit)
        if len(replacement) == len(old):
            for k, byte in enumerate(replacement):
                chars[at + k] = byte
        else:
            cut += [(i, len(old), replacement) for i in at.tolist()]
    data = chars.tobytes()
    if not cut:
        return data
    cut.sort()
    pieces = []
    done = 0
    for at, size, replacement in cut:
        pieces += (data[done:at], replacement)
        done = at + size
    pieces.append(data[done:])
    return b"".join(pieces)


@functools.cache
def _two_byte_lower() -> np.ndarray:
    """Per UTF-8 code of a two-byte character (lead << 8 | continuation): the code of its
    lower case, folded, where that is one two-byte character too; the code itself otherwise."""
    table = np.arange(1 << 16, dtype=np.uint16)
    for point in range(0x80, 0x800):
        char = chr(point)
        lower = _lower_folded(char)
        if lower != char and len(lower) == 1 and len(lower.encode()) == 2:
            table[int.from_bytes(char.encode(), "big")] = int.from_bytes(lower.encode(), "big")
    return table


def _lower_two_byte_letters(cased: bytes) -> bytes:
    """Every two-byte capital letter (Cyrillic, Greek, Latin with marks...) lower-cased in the
    UTF-8 bytes, all at once: for a batch with many such capitals (Russian text)."""
    chars = np.frombuffer(cased, dtype=np.uint8).copy()
    lead = np.flatnonzero((chars[:-1] >= 0xC2) & (chars[:-1] <= 0xDF))
    code = _two_byte_lower()[(chars[lead].astype(np.uint16) << 8) | chars[lead + 1]]
    chars[lead] = code >> 8
    chars[lead + 1] = code & 0xFF
    return chars.tobytes()


def _lower_cased(cased: bytes, capitals: list[str]) -> bytes:
    """A scan form with its non-ASCII capital letters lower-cased (ASCII ones are left to
    translate()); folding after lower-casing keeps every letter's length."""
    if not capitals:
        return cased
    if len(capitals) <= _FEW_BYTE_CAPITALS:
        return _replaced(cased, [(char, _lower_folded(char)) for char in capitals])
    if "Σ" not in capitals and all("\u0080" <= char <= "\u07ff" for char in capitals):
        return _lower_two_byte_letters(cased)
    # the marks as ZONE_MARK again, so the bytes decode
    text = cased.replace(b"\xff", ZONE_MARK.encode()).decode("utf-8")
    if len(capitals) > _FEW_CAPITALS or "Σ" in capitals:  # (a final sigma depends on context)
        text = text.lower()
        for char in capitals:  # "Ё" -> "ё" -> "е"
            for lower in char.lower():
                if _fold(lower) != lower:
                    text = text.replace(lower, _fold(lower))
    else:
        for char in capitals:
            text = text.replace(char, _lower_folded(char))
    return text.encode("utf-8")


def zone_form(zones: list[str]) -> bytes:
    """The lower-cased form of :func:`zone_forms`."""
    return zone_forms(zones)[0]


_CURRENCY_TAIL = re.compile(r"[A-Z]{1,3}\Z")


def _lower_currency_prefixes(text: str) -> str:
    """``_CURRENCY`` matches ("US$") lower-cased, found from each "$" (a regex over the whole
    text is slow); the text itself when there is none."""
    pieces = []
    done = 0
    at = text.find("$")
    while at != -1:
        found = _CURRENCY_TAIL.search(text, max(at - 4, 0), at)
        if found and found.end() == at:
            start = found.start()
            before = text[start - 1] if start else " "
            if not (before.isalnum() or before == "_"):
                pieces += (text[done:start], found.group(0).lower())
                done = at
        at = text.find("$", at + 1)
    return "".join((*pieces, text[done:])) if pieces else text


# Arabic writes the conjunctions و/ف and the prepositions ب/ل/ك as part of the next word
# ("وروسيا", "بالإنترنت", "للإنترنت"): a name or a phrase is matched with them too.
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_CLITICS = ("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
_DEFINITE_CLITICS = ("و", "ف", "ب", "وب", "فب", "ك")  # before al-; l + al- is written "لل"


def arabic_variants(form: str) -> list[str]:
    """The forms of an Arabic word or phrase with a clitic prefix on its first word
    (none for other scripts, or for a first word of one letter)."""
    form = form.strip()
    if len(form) < 2 or not _ARABIC_LETTER.match(form[0]) or not _ARABIC_LETTER.match(form[1]):
        return []
    if form.startswith("ال"):
        return [p + form for p in _DEFINITE_CLITICS] + ["لل" + form[2:], "ولل" + form[2:]]
    return [p + form for p in _CLITICS]


_CYRILLIC_NAME = re.compile("^[А-ЯЁ][а-яё]+$")
_HUSHING = frozenset("гкхжшчщ")


def russian_case_forms(name: str) -> list[str]:
    """The Russian case forms of a one-word place name in the nominative ("Казахстан" ->
    "Казахстана", "Казахстану", "Казахстаном", "Казахстане"; "Россия" -> "России", ...);
    none for a name that does not decline (ending in о, е, и, у, ю) or is not one capitalised
    Cyrillic word."""
    if not _CYRILLIC_NAME.match(name) or len(name) < 3:
        return []
    last, stem = name[-1], name[:-1]
    if name.endswith("ия"):
        return [name[:-2] + end for end in ("ии", "ию", "ией")]
    if last == "а":
        plural = "и" if stem[-1] in _HUSHING else "ы"
        return [stem + end for end in (plural, "е", "у", "ой")]
    if last == "я":
        return [stem + end for end in ("и", "е", "ю", "ей")]
    if last in "йь":
        return [stem + end for end in ("я", "ю", "ем", "е")]
    if last in "оеиуюыэ":
        return []
    return [name + end for end in ("а", "у", "ом", "е")]
