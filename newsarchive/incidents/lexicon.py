"""Cue words of the extractors in the archive's languages (en, es, pt, fr, de, ru, uk, tr, ar, fa).

Each concept is one regex: word stems in Latin and Cyrillic script must start a word; Arabic
and Persian stems may follow a clitic (و, ب, ال...) so they match anywhere. Stems are short
on purpose (``restor`` covers restore, restored, restoration).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


_NON_ASCII_DIGIT = re.compile("[۰-۹٠-٩]")


def ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII digits."""
    if text.isascii():
        return text
    return text.translate(_DIGITS) if _NON_ASCII_DIGIT.search(text) else text


_META = set("\\()[]{}?*+.|^$")
_CUES: list[Cue] = []
_HITS: dict[str, tuple[dict[int, list], frozenset[int], dict[int, object]]] = {}
_MISS = object()
# [automaton, pattern index -> (cue id, word end, exact) of owners not bound to a word start,
#  number of cues it covers, pattern index -> every owner]
_MACHINE: list = []


def _alternatives(source: str) -> list[str]:
    """Top-level alternatives of a regex source (a whole-source ``\\b(?:...)`` unwrapped)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = source.index("]", i + 1) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out


def _group_end(source: str, at: int) -> int:
    """Index just past the group opening at ``at``."""
    depth, i = 0, at
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = source.index("]", i + 1) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(source)


_WORD_END = r"\b"


def _literal(alt: str) -> tuple[str, str]:
    """(the literal beginning of an alternative, the rest of it)."""
    literal: list[str] = []
    i = 0
    while i < len(alt):
        ch = alt[i]
        if ch == "\\" and i + 1 < len(alt) and alt[i + 1] in ".-'/ ":
            literal.append(alt[i + 1])
            i += 2
            continue
        if ch in _META:
            break
        literal.append(ch)
        i += 1
    rest = alt[i:]
    if rest[:1] in ("?", "*", "{") and literal:
        rest = literal.pop() + rest
    return "".join(literal), rest


Prefix = tuple[str, bool, bool, bool]  # literal (lower case), word start, word end, exact


_LIMIT = 64


def _expand(alt: str) -> list[str] | None:
    """Every text a small regex matches (literals, ``[abc]``, ``x?``, ``(?:a|b)``, ``(?:a)?``
    and a trailing ``\\b`` kept as a marker), or None when it is not that small."""
    out = [""]
    i = 0
    while i < len(alt):
        ch = alt[i]
        if alt.startswith(r"\b", i):
            if i + 2 != len(alt):
                return None
            out = [o + "\x00" for o in out]
            i += 2
            continue
        if ch == "\\":
            if i + 1 < len(alt) and alt[i + 1] in ".-'/ &":
                options, i = [alt[i + 1]], i + 2
            else:
                return None
        elif ch == "[":
            end = alt.index("]", i)
            body = alt[i + 1:end]
            if "\\" in body or "^" in body or ("-" in body.strip("-")):
                return None
            options, i = list(body), end + 1
        elif ch == "(":
            if not alt.startswith("(?:", i):
                return None
            end = _group_end(alt, i)
            options = []
            for inner in _alternatives(alt[i + 3:end - 1]):
                got = _expand(inner)
                if got is None:
                    return None
                options += got
            i = end
        elif ch in _META:
            return None
        else:
            options, i = [ch], i + 1
        if i < len(alt) and alt[i] == "?":
            options = [*options, ""]
            i += 1
        elif i < len(alt) and alt[i] in "*+{":
            return None
        out = [o + x for o in out for x in options]
        if len(out) > _LIMIT:
            return None
    return out


def _prefixes(source: str, start: bool = False) -> list[Prefix] | None:
    """Literal beginnings of every match of ``source``: (text, must start a word, must end a
    word, the literal is the whole match); None when an alternative has none of two
    characters or more (then the regex is always run). Small alternatives ("laws?",
    "fixed[- ]line", "(?:is|are) blocked") are expanded into exact literals."""
    out: list[Prefix] = []
    for alt in _alternatives(source):
        word_start = start
        for lead in (r"\b", "(?<!\\w)", "^"):
            if alt.startswith(lead):
                word_start = True
                alt = alt[len(lead):]
        expanded = _expand(alt)
        if expanded is not None and all(len(e.rstrip("\x00")) >= 2 for e in expanded):
            out += [(e.rstrip("\x00").lower(), word_start, e.endswith("\x00"), True)
                    for e in expanded]
            continue
        if alt.startswith("(?:"):
            end = _group_end(alt, 0)
            if end < len(alt) and alt[end] in "?*{":
                return None
            inner = _prefixes(alt[3:end - 1], word_start)
            if inner is None:
                return None
            tail = alt[end:]
            follow, rest = _literal(tail) if tail != _WORD_END else ("", tail)
            for text, ws, we, exact in inner:
                if exact and follow:  # "(?:on|under) (?:the )?orders?": "on ", "under "
                    out.append((text + follow.lower(), ws, rest == _WORD_END,
                                rest in ("", _WORD_END)))
                else:
                    out.append((text, ws, we or tail == _WORD_END,
                                exact and tail in ("", _WORD_END)))
            continue
        literal, rest = _literal(alt)
        literal = literal.lower()
        if len(literal) < 2:
            return None
        out.append((literal, word_start, rest == _WORD_END, rest in ("", _WORD_END)))
    return out


class _Hit:
    """A match found by the automaton alone (same ``start``/``end``/``group`` as re's)."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, *_: object) -> str:
        return self._text[self._start:self._end]


class Cue:
    """A regex of cue words, found by one Aho-Corasick pass over a text that serves every
    cue at once: a cue word that is a plain literal is settled by the automaton (and word
    boundaries); the regex runs only for the other alternatives, and only in texts where
    their literal beginnings occur. Results are cached per text until :func:`reset`."""

    def __init__(self, source: str, flags: int = re.IGNORECASE) -> None:
        self.regex = re.compile(source, flags)
        self.prefixes = _prefixes(source)
        self.exact_only = self.prefixes is not None and all(p[3] for p in self.prefixes)
        self.id = len(_CUES)
        _CUES.append(self)

    def search(self, text: str) -> re.Match[str] | _Hit | None:
        """The first match (or any settled one), like ``re.search``; cached."""
        state = _HITS.get(text) or scan(text)
        if self.prefixes is None or self.id in state[1]:
            found = state[2].get(self.id, _MISS)
            if found is _MISS:
                found = state[2][self.id] = self.regex.search(text)
            return found  # type: ignore[return-value]
        settled = state[0].get(self.id)
        return _Hit(text, *settled[0]) if settled else None

    def has(self, text: str) -> bool:
        """Whether the cue occurs in ``text`` (``search`` without building the match)."""
        state = _HITS.get(text) or scan(text)
        if self.prefixes is None or self.id in state[1]:
            found = state[2].get(self.id, _MISS)
            if found is _MISS:
                found = state[2][self.id] = self.regex.search(text)
            return found is not None
        return self.id in state[0]

    def finditer(self, text: str) -> Iterator[re.Match[str] | _Hit]:
        """Every match, like ``re.finditer``."""
        state = _HITS.get(text) or scan(text)
        if self.prefixes is None or self.id in state[1]:
            return self.regex.finditer(text)
        return (_Hit(text, start, end) for start, end in state[0].get(self.id, ()))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every match, ordered by start (``finditer`` without match
        objects)."""
        state = _HITS.get(text) or scan(text)
        if self.prefixes is None or self.id in state[1]:
            return [m.span() for m in self.regex.finditer(text)]
        return sorted(state[0].get(self.id, ()))

    def findall(self, text: str) -> list:
        """``re.findall``."""
        state = _HITS.get(text) or scan(text)
        if self.prefixes is None or self.id in state[1]:
            return self.regex.findall(text)
        return [text[start:end] for start, end in state[0].get(self.id, ())]

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """``re.match`` at ``pos``."""
        return self.regex.match(text, pos)


# (settled (start, end) spans by cue id, ids of cues whose regex must run, regex results)
State = tuple[dict[int, list[tuple[int, int]]], frozenset[int], dict[int, object]]


def scan(text: str) -> State:
    """The :data:`State` of ``text``, cached until :func:`reset`."""
    scan_all([(text, text.lower())])
    return _HITS[text]


def scan_all(texts: Iterable[tuple[str, str]]) -> None:
    """Scan texts, given with their lower case, in one automaton pass (cheaper than one
    pass each) and cache the state of each. A text whose lower case changes its length
    leaves every cue to its regex."""
    if not _MACHINE or _MACHINE[2] != len(_CUES):
        _build()
    automaton, anywhere, at_start = _MACHINE[0], _MACHINE[1], _MACHINE[3]
    batch: dict[str, str] = {}
    for text, lower in texts:
        if text in _HITS:
            continue
        if len(lower) != len(text) or _SEPARATOR in text:
            _HITS[text] = ({}, frozenset(c.id for c in _CUES), {})
        else:
            batch[text] = lower
    if not batch:
        return
    originals = list(batch)
    joined = _SEPARATOR.join(batch.values())
    offsets = []
    at = 0
    for lower in batch.values():
        offsets.append(at)
        at += len(lower) + 1
    exact: list[dict[int, list[tuple[int, int]]]] = [{} for _ in originals]
    maybe: list[set[int]] = [set() for _ in originals]
    size = len(joined)
    which, base, following = 0, 0, offsets[1] if len(offsets) > 1 else size + 1
    settled, possible = exact[0], maybe[0]
    for index, start, end in automaton.find_matches_as_indexes(joined, overlapping=True):
        if start:  # the owners a match inside a word serves: those not bound to a word start
            before = joined[start - 1]
            owners = anywhere[index] if before.isalnum() or before == "_" else at_start[index]
            if not owners:
                continue
        else:
            owners = at_start[index]
        if not base <= start < following:  # the next text (matches come in order of end)
            which = bisect.bisect_right(offsets, start) - 1
            base = offsets[which]
            following = offsets[which + 1] if which + 1 < len(offsets) else size + 1
            settled, possible = exact[which], maybe[which]
        ends_word = None
        for cue_id, word_end, is_exact in owners:
            if is_exact:
                if word_end:
                    if ends_word is None:
                        after = joined[end] if end < size else " "
                        ends_word = not (after.isalnum() or after == "_")
                    if not ends_word:
                        continue
                found = settled.get(cue_id)
                if found is None:
                    settled[cue_id] = [(start - base, end - base)]
                else:
                    found.append((start - base, end - base))
            else:
                possible.add(cue_id)
    for n, text in enumerate(originals):
        _HITS[text] = (exact[n], frozenset(maybe[n]), {})


_SEPARATOR = "\x00"  # between texts scanned together: not a word character, in no cue


def _build() -> None:
    import ahocorasick_rs

    owners: dict[str, list[tuple[int, bool, bool, bool]]] = {}
    for cue_ in _CUES:
        for text, word_start, word_end, exact in cue_.prefixes or ():
            owners.setdefault(text, []).append((cue_.id, word_start, word_end, exact))
    patterns = sorted(owners)
    automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
    # per pattern: the owners a match serves inside a word, and at a word start (all of them)
    anywhere = [tuple((c, we, ex) for c, ws, we, ex in owners[p] if not ws) for p in patterns]
    at_start = [tuple((c, we, ex) for c, _, we, ex in owners[p]) for p in patterns]
    _MACHINE[:] = [automaton, anywhere, len(_CUES), at_start]


def reset() -> None:
    """Forget cached hits and results (the engine calls it before each article)."""
    _HITS.clear()


def cue(word_start: str, anywhere: str = "") -> Cue:
    """Case-insensitive cue words: ``word_start`` stems at a word start, ``anywhere`` stems."""
    parts = [r"\b(?:" + word_start + ")"]
    if anywhere:
        parts.append("(?:" + anywhere + ")")
    return Cue("|".join(parts))


# something was cut, blocked, restricted, slowed
CUT = cue(
    r"cut\b|cuts\b|cutting|cut off|shut|shutdown|blackout|black-out|block|ban\b|bans\b|banned|"
    r"banning|restrict|suspen|disrupt|throttl|slowed|slowdown|slowing|slows\b|switch(?:ed|es)? off|"
    r"turn(?:ed|s)? off|went dark|go dark|offline|outage|disconnect|limited|limiting|curb|"
    r"inaccessible|unavailable|pulled the plug|went down|taken down|impos|introduc|"
    r"введ[её]н|ввели|getirilen|uygulan|"
    # es / pt
    r"cort[eóa]|bloque|suspend|suspens|restring|restricc|apag[óa]n|desconex|interrump|"
    r"sacar de circulaci|fuera del? aire|derrubad|"
    # fr
    r"coup[éeu]|coupure|couper|bloqu|interromp|ralenti|bridag|panne|"
    # de
    r"abgeschaltet|abschaltung|gesperrt|sperre|blockiert|gedrosselt|"
    # ru / uk
    r"отключ|блокир|заблокир|огранич|замедл|блэкаут|перебо|приостанов|недоступ|нет доступа|"
    r"відключ|заблоков|обмеж|"
    # tr
    r"erişim engel|engellen|engel|yasak|kısıtla|kesinti|kesildi|kapatıl|yavaşlat|bant daralt",
    # ar / fa
    r"قطع|حجب|حظر|تقييد|قيود|تعطيل|إيقاف|أوقف|انقطاع|مسدود|فیلتر|محدود|اختلال|خاموشی|قطعی|"
    r"فرض|اعمال",
)
# something came back
END = cue(
    r"restor|lift|came back|come back|comes back|return|resum|unblock|back online|reconnect|"
    r"reinstat|rescind|restart|ended|available again|accessible again|rolled back|rolls back|"
    r"dropped (?:its|the) (?:demand|ban|block|order|restrictions?)|"
    r"withdr(?:ew|awn|aws|aw) (?:the |its |a )?(?:[\w-]+ ){0,3}"
    r"(?:ban|block|order|restrictions?|suspension|letter|directive|notification)|"
    r"working again|back up\b|reopen|"
    # es / pt
    r"restablec|restaur|levant[óoa]|levantamiento|volvi[óo]|vuelve|regres|reanud|desbloque|"
    r"restabelec|voltou|liberad|retom|"
    # fr
    r"rétabli|levée|levé\b|levés|levées|de nouveau accessible|revenu|reprise|débloqu|"
    # de
    r"wiederhergestellt|aufgehoben|wieder verfügbar|entsperrt|"
    # ru / uk
    r"восстанов|возобнов|вернул|вернёт|заработал|снят|снял|сняли|разблокир|отмен|відновл|"
    r"скасув|знят|"
    # tr
    r"kaldırıl|kaldırdı|açıldı|yeniden erişil|geri geldi|sona erdi|normale döndü",
    # ar / fa
    r"إعادة|أعيد|عاد|عودة|استئناف|استأنف|رفع|وصل|برقرار|بازگشت|بازگشایی",
)
NOT_END = re.compile(
    r"\b(?:not|no|never|yet to|without)\b[^.;]{0,30}\b(?:restor|lift|return|resum|back|unblock)"
    r"|\b(?:refus\w*|declin\w*|rul\w* out) to (?:restore|lift)"
    r"|\bdemand\w*[^.;]{0,40}\b(?:restor|lift)|\bcall(?:ed|s|ing)? (?:for|on)[^.;]{0,60}"
    r"\b(?:restor|lift)|\buntil\b|\bno (?:timeline|date)\b"
    r"|\bno\b[^.;]{0,20}\b(?:restablec|rétabli)|\bpas\b[^.;]{0,20}\b(?:rétabli|levée)"
    r"|\bне\s+(?:восстанов|снят|вернул)",
    re.IGNORECASE,
)
ONGOING = cue(
    r"remains?\b|remained|still|continu|ongoing|persist|until further notice|indefinite|"
    r"no end in sight|entered its|enters its|(?:days?|weeks?|months?) now|no timeline|"
    r"(?:stays?|remains?|kept|keeps?) in (?:place|force|effect)|"
    r"(?:has|have) been (?:largely |mostly )?(?:cut|offline|blocked|down|restricted)|"
    r"without (?:internet|access|connectivity)|"
    r"(?:is|are|remains?) (?:blocked|restricted|down|offline|cut|banned|suspended)\b|"
    r"sigue|siguen|continúa|todavía|aún|permanece|toujours|restent|reste\b|demeure|"
    r"se poursuit|ainda|weiterhin|noch immer|dauert an|продолжа|по-прежнему|всё ещё|"
    r"до сих пор|остаётся|остается|devam|hâlâ|hala\b|sürüyor",
    r"لا يزال|لا تزال|ما زال|ما زالت|مستمر|يستمر|همچنان|ادامه|هنوز",
)
_SINCE_WORDS = (
    r"since|from|starting|beginning|as of|effective|desde|a partir del?|depuis|à partir du|"
    r"dès le|seit|ab dem|с|со|начиная с|від|з",
    r"منذ|اعتبارا من|اعتباراً من|ابتداء من|ابتداءً من|از",
)
_UNTIL_WORDS = (r"until|till|through|hasta|jusqu'au|jusqu’au|bis|до|по", r"حتى|لغاية|تا")


def _before(words: tuple[str, str]) -> re.Pattern[str]:
    """Matches at the end of the text before a date: one of ``words``, then a word at most."""
    return re.compile(
        r"(?:(?<!\w)(?:" + words[0] + r")|(?:" + words[1] + r"))\s+(?:\S+\s+)?$",
        re.IGNORECASE,
    )


SINCE_BEFORE = _before(_SINCE_WORDS)
UNTIL_BEFORE = _before(_UNTIL_WORDS)
SINCE_AFTER = re.compile(r"^['’]?(?:den|dan|ten|tan)\s+(?:beri|itibaren)", re.IGNORECASE)
FUTURE = cue(
    r"will|would|plans? to|is to|are to|set to|expected to|va a|se prevé|sera|seront|"
    r"будет|будут|olacak|edilecek",
    r"سوف|سي|خواهد",
)
# the future as of the report ("will be restored"), not the future of a past ("would")
FUTURE_NOW = cue(
    r"will|plans? to|is to|are to|set to|expected to|va a|se prevé|sera|seront|"
    r"будет|будут|olacak|edilecek",
    r"سوف|خواهد",
)
OTHER_EVENT = cue(
    r"protest|demonstrat|rall(?:y|ies)|elect|vote|voting|polls?\b|referendum|coup|war\b|"
    r"ceasefire|clash|killed|arrest|detain|riot|earthquake|strike|announce|meeting|"
    r"said|says|told|stated|declared|dijo|afirmó|a déclaré|a annoncé|заявил|сообщил|"
    r"manifest|élection|elecci|protesta|выбор|протест|митинг|seçim|protesto",
    r"احتجاج|تظاهر|انتخاب|اعتراض",
)

MOBILE = cue(
    r"mobile|cellular|cellphone|3G|4G|LTE|5G|móvil|moviles|móviles|celular|мобильн|mobil",
    r"المحمول|الجوال|الخلوي|همراه|موبایل",
)
FIXED = cue(
    r"fixed[- ]line|fixed (?:internet|broadband|networks?)|broadband|landline|home internet|"
    r"wired|fibre|fiber|DSL|wi-?fi|fija|banda ancha|fixe|haut débit|проводн|фиксирован|"
    r"широкополос|sabit",
    r"الثابت|الأرضي|ثابت",
)
INTERNET = cue(
    r"internet|connectivity|online|networks?\b|web\b|communications?|telecom|phone|"
    r"интернет|связ|інтернет|i̇nternet|conexi|connexion|réseau",
    r"الإنترنت|الانترنت|إنترنت|اینترنت|مخابرات|تلفن|الاتصالات",
)
THROTTLE = cue(
    r"throttl|slowed|slowing|slowdown|slow-down|speeds?\b|bandwidth|degrad|crawl|замедл|"
    r"yavaşlat|bant daralt|ralentiz|ralenti|bridag|gedrosselt",
    r"إبطاء|تباطؤ|کند",
)
FULL = cue(
    r"total|complete|near-total|nationwide|full\b|entire|all (?:internet|communications|networks)|"
    r"blackout|black-out|cut off from the|internet shutdown|went dark|offline|apag[óa]n|"
    r"coupure totale|блэкаут|полност|tamamen|sraseri",
    r"سراسری|كامل|کامل|شامل",
)
NATIONAL = cue(
    r"nationwide|nation-wide|across the country|countrywide|country-wide|the whole country|"
    r"the entire country|national|nationally|all (?:of the country|regions|provinces|states)|"
    r"todo el país|todo el territorio|en todo el|dans tout le pays|à l'échelle nationale|"
    r"по всей стране|общенациональн|ülke genelinde|tüm ülke|bundesweit|landesweit",
    r"سراسری|في جميع أنحاء|في معظم|معظم أنحاء|معظم المحافظات|جميع المحافظات|کل کشور",
)
EXCEPT = cue(r"except|exempt|excluding|spared|apart from|but not|sauf|excepto|кроме",
             r"باستثناء|استثني|استُثني|ولم يشمل|به جز")

# the object of a lift rather than a cut in itself ("the ban was lifted")
CUT_NOUN = cue(
    r"ban\b|bans\b|block\b|blocks\b|blockade|blackout|black-out|shutdown|restrictions?\b|"
    r"suspension|outage|engel\w*|yasa[kğ]\w*|blocage|bloqueo|suspensi[óo]n|restricci\w+|"
    r"блокировк\w*|ограничени\w*|блэкаут\w*|kesinti\w*|interdiction",
    r"الحجب|الحظر|القيود|الانقطاع|قطعی|محدودیت|فیلترینگ|انسداد",
)
PARTIAL = cue(
    r"partly|partial|partially|gradual|gradually|some (?:areas|regions|towns|cities|users)|"
    r"2G|slow speeds?|low speeds?|whitelist|whitelisted|in stages|phased|"
    r"few towns|a few|parts of|limited (?:access|service)|only (?:in|for|fixed|mobile|some)|"
    r"parcial|partiel|progressiv|частичн|постепенн|kısmen|kademeli",
    r"جزئي|تدريجي|تدریجی|بخشی|برخی",
)
SOCIAL = cue(
    r"social media|social networks?|social platforms?|messaging apps?|messengers?|"
    r"réseaux sociaux|redes sociales|mídias sociais|соцсет|социальн\w* сет|мессенджер|"
    r"sosyal medya|soziale medien",
    r"التواصل الاجتماعي|شبکه‌های اجتماعی|شبکه های اجتماعی|پیام‌رسان",
)

_NEGATION = re.compile(
    r"\b(?:not|no|never|yet to|without|nor|neither|pas|ni|nunca|не|нет|değil|hiç)\b"
    r"|لم |لن |لا |نه |نشد|نمی",
    re.IGNORECASE,
)


_NOT_END_WORDS = cue(
    r"not|no|never|yet|without|refus|declin|rul|demand|call|until|pas|не|nor|neither|ni|"
    r"nunca|нет|değil|hiç",
    r"لم |لن |لا |نه |نشد|نمی",
)


def negated_end(text: str) -> bool:
    """Whether every "came back" cue of a sentence is negated ("has not been restored"),
    asked for ("calls for the restoration of"), or conditional ("until", "no timeline")."""
    if not _NOT_END_WORDS.search(text):
        return False
    if NOT_END.search(text):
        return True
    cues = list(END.finditer(text))
    return bool(cues) and all(
        _NEGATION.search(text[max(0, m.start() - 30):m.start()]) for m in cues)


# Words that take back a cut: a negation, or a denial. "not to disrupt", "denied ordering
# any shutdown", "не блокировал", "n'a pas coupé". These are fewer than _NEGATION's on
# purpose: "has yet to lift the ban" and "without warning, they cut" report a cut.
_CUT_NEGATIONS = r"not|no|never|nor|pas|ni|nunca|не|нет|değil|hiç"
_DENIALS = r"deni(?:ed|es)|deny|denying"
_CUT_NEGATED_BEFORE = re.compile(  # right before the cut word: two words between at most
    rf"(?:\b(?:{_CUT_NEGATIONS}|{_DENIALS})|لم|لن|لا|نه)\s+(?:\w+\s+){{0,2}}$", re.IGNORECASE)
_CUT_NEGATION_WORD = cue(  # found in the one automaton pass: most sentences have none
    r"not\b|no\b|never\b|nor\b|pas\b|ni\b|nunca|не\b|нет\b|değil|hiç|" + _DENIALS,
    r"لم |لن |لا |نه ",
)
_DENIAL_WORD = cue(r"deni(?:ed|es)\b|deny\b|denying\b")
_DENIED_CUT = re.compile(  # "the regulator denied ordering any shutdown", "denied cutting"
    rf"\b(?:{_DENIALS})\b[^.;:]{{0,60}}?\b(?:order|shut|cut|block|disrupt|throttl|slow|"
    r"restrict|interfer)", re.IGNORECASE)


def negated_cut(text: str) -> bool:
    """Whether every "cut" cue of a sentence is negated or denied ("promised not to disrupt
    the internet", "denied ordering any shutdown"): the sentence reports no cut."""
    if not _CUT_NEGATION_WORD.has(text):
        return False
    cues = list(CUT.finditer(text))
    return bool(cues) and all(
        _CUT_NEGATED_BEFORE.search(text[max(0, m.start() - 40):m.start()]) for m in cues)


def denied_cut(text: str) -> bool:
    """Whether a sentence says someone denies ordering or making a cut."""
    return _DENIAL_WORD.has(text) and _DENIED_CUT.search(text) is not None


# the internet itself or a network layer (what a network cut is about)
NETWORK = cue(
    r"internet|connectivity|mobile data|mobile internet|mobile networks?|broadband|"
    r"fixed[- ]line|cellular|3G|4G|LTE|datos m[óo]viles|données mobiles|интернет|"
    r"мобильн\w* (?:интернет|связ)|mobil internet|i̇nternet",
    r"الإنترنت|الانترنت|إنترنت|اینترنت|همراه",
)

# an order in other languages (English is matched by the extractor's own regex)
ORDER = cue(
    r"orden[óoa]|ordenaron|ordonn|a ordonné|exig|распоряд|предписа|приказ|потребова|"
    r"talimat|emri|karar verdi|anordn",
    r"أمر|أمرت|بأمر|قرار|دستور|حکم",
)
# the agent of a passive ("blocked by the regulator")
AGENT = cue(r"by|par|por|pelo|pela|durch|от|tarafından", r"من قبل|بواسطة|توسط|به دستور")

# platform names the gazetteer may lack in Arabic, Persian and Spanish coverage (used only when
# the tagger found no platform in an article)
PLATFORM_NAMES: dict[str, tuple[str, ...]] = {
    "telegram": ("تيليغرام", "تلغرام", "تيليجرام", "تلگرام"),
    "whatsapp": ("واتساب", "واتس آب", "واتس‌اپ", "واتساپ"),
    "facebook": ("فيسبوك", "فيس بوك", "فیسبوک", "فیس‌بوک"),
    "instagram": ("إنستغرام", "انستغرام", "اینستاگرام"),
    "youtube": ("يوتيوب", "یوتیوب"),
    "x-twitter": ("تويتر", "توییتر", "red social x", "la plataforma x", "rede social x",
                  "réseau social x", "la red x"),
    "tiktok": ("تيك توك", "تیک‌تاک", "تیک تاک"),
    "signal": ("سيجنال",),
}

# capitals and cities that datelines and reports name instead of the country (used only when
# the tagger found no country in an article)
CITIES: dict[str, tuple[str, ...]] = {
    "ir": ("Tehran", "Teheran", "تهران", "طهران", "Тегеран", "Mashhad", "مشهد", "Tahran"),
    "iq": ("Baghdad", "بغداد", "Багдад", "Erbil", "Arbil", "أربيل", "اربيل", "Basra", "البصرة",
           "Mosul", "الموصل", "Sulaymaniyah", "السليمانية", "Bağdat"),
    "ru": ("Moscow", "Москва", "Москве", "Moscou", "Moscú", "Moskova", "موسكو", "مسکو",
           "Moskau", "Kremlin", "Кремль"),
    "tr": ("Ankara", "Istanbul", "İstanbul", "Анкара", "Стамбул", "أنقرة", "إسطنبول", "آنکارا"),
    "ve": ("Caracas", "Каракас", "كاراكاس"),
    "et": ("Addis Ababa", "Addis-Abeba", "Addis Abeba", "أديس أبابا", "Аддис-Абеба", "Mekelle",
           "Bahir Dar", "Gondar"),
    "af": ("Kabul", "کابل", "كابول", "Кабул", "Kandahar", "قندهار", "Herat", "هرات"),
    "bd": ("Dhaka", "Dacca", "ঢাকা"),
    "sn": ("Dakar",),
    "pk": ("Islamabad", "Karachi", "Lahore", "اسلام آباد", "Исламабад"),
    "in": ("New Delhi", "Srinagar", "Nueva Delhi", "Нью-Дели", "نيودلهي"),
    "kz": ("Almaty", "Алматы", "Astana", "Астана", "Nur-Sultan"),
    "sd": ("Khartoum", "الخرطوم", "Хартум"),
    "ke": ("Nairobi",), "ug": ("Kampala",), "tz": ("Dar es Salaam", "Dodoma"),
    "mm": ("Yangon", "Naypyidaw", "Naypyitaw", "Mandalay"), "by": ("Minsk", "Минск"),
    "cu": ("Havana", "La Habana", "Гавана"), "np": ("Kathmandu", "काठमाडौं"),
    "ng": ("Abuja", "Lagos"), "lb": ("Beirut", "بيروت", "Бейрут"), "sy": ("Damascus", "دمشق"),
    "br": ("Brasília", "Brasilia", "São Paulo", "Sao Paulo", "Rio de Janeiro"),
    "uz": ("Tashkent", "Ташкент"), "az": ("Baku", "Bakı", "Баку"), "ge": ("Tbilisi", "Тбилиси"),
    "am": ("Yerevan", "Ереван"), "eg": ("Cairo", "القاهرة"), "dz": ("Algiers", "Alger"),
    "cn": ("Beijing", "Pékin", "Пекин", "北京"), "ua": ("Kyiv", "Kiev", "Київ", "Киев"),
}
# country names and adjectives in languages the gazetteer may lack (fallback as above); Arabic
# forms may carry a clitic (و، ب، ل) so they are matched inside words
COUNTRY_FORMS: dict[str, tuple[str, ...]] = {
    "iq": ("Irak", "Iraq", "irakien", "irakienne", "iraquí", "iraquíes", "العراق", "العراقية",
           "العراقي", "عراق", "عراقی", "Ирак"),
    "ir": ("Irán", "İran", "iranien", "iranienne", "iraní", "إيران", "ايران", "الإيرانية",
           "الإيراني", "ایران", "ایرانی", "Иран"),
    "ve": ("venezolano", "venezolana", "venezolanos", "vénézuélien", "vénézuélienne",
           "فنزويلا", "ونزوئلا", "Венесуэла"),
    "sn": ("sénégalais", "sénégalaise", "Sénégal", "Senegal", "السنغال"),
    "ru": ("Rusia", "Russie", "russe", "ruso", "rusa", "روسيا", "الروسية", "روسیه", "Россия"),
    "tr": ("Turquía", "Turquie", "turc", "turque", "turco", "تركيا", "التركية", "ترکیه",
           "Türkiye", "Турция"),
    "et": ("Etiopía", "Éthiopie", "éthiopien", "éthiopienne", "إثيوبيا", "اثيوبيا",
           "الإثيوبية", "اتیوپی", "Etiyopya", "Эфиопия"),
    "af": ("Afganistán", "أفغانستان", "افغانستان", "Afghanistan", "Афганистан"),
    "in": ("Inde", "الهند", "هند", "Hindistan", "Индия", "Cachemira", "Cachemire", "كشمير",
           "کشمیر", "Кашмир"),
    "pk": ("Pakistán", "باكستان", "پاکستان", "Пакистан"),
    "br": ("Brasil", "Brésil", "البرازيل", "برزیل", "Бразилия"),
    "bd": ("Bangladés", "بنغلاديش", "بنگلادش", "Бангладеш"),
    "kz": ("Kazajistán", "Kazakhstan", "كازاخستان", "قزاقستان", "Казахстан"),
    "sd": ("Sudán", "Soudan", "السودان", "سودان", "Судан"),
    "mm": ("Birmania", "Birmanie", "ميانمار", "میانمار", "Мьянма"),
    "cu": ("Cuba", "كوبا", "کوبا", "Куба"),
    "sy": ("Siria", "Syrie", "سوريا", "سوریه", "Сирия"),
}
_CITY_PATTERNS: dict[str, re.Pattern[str]] = {
    cc: re.compile("(?<!\\w)(?:" + "|".join(re.escape(c) for c in names) + ")(?!\\w)")
    for cc, names in CITIES.items()
}
_FORM_PATTERNS: dict[str, re.Pattern[str]] = {
    cc: re.compile("|".join(
        re.escape(f) if not f.isascii() and not f[0].isupper() and "\u0600" <= f[0] <= "\u06ff"
        else "(?<!\\w)" + re.escape(f) + "(?!\\w)" for f in forms))
    for cc, forms in COUNTRY_FORMS.items()
}


def city_countries(text: str) -> list[str]:
    """Countries ``text`` names in the forms above or by a capital or main city, most named
    first."""
    counts: dict[str, int] = {}
    for patterns in (_FORM_PATTERNS, _CITY_PATTERNS):
        for cc, pattern in patterns.items():
            counts[cc] = counts.get(cc, 0) + len(pattern.findall(text))
    return sorted((cc for cc, n in counts.items() if n), key=lambda cc: -counts[cc])

# the country a text in a national language most likely reports on, when it names no place
LANGUAGE_COUNTRY = {"ru": "ru", "tr": "tr", "fa": "ir", "uk": "ua", "be": "by", "kk": "kz",
                    "uz": "uz", "hy": "am", "ka": "ge", "az": "az", "am": "et", "my": "mm",
                    "bn": "bd", "ne": "np", "si": "lk", "vi": "vn", "th": "th"}
