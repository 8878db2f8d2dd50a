"""Cue words of the extractors in the archive's languages (en, es, pt, fr, de, ru, uk, tr, ar, fa).

Each concept is one regex: word stems in Latin and Cyrillic script must start a word; Arabic
and Persian stems may follow a clitic (و, ب, ال...) so they match anywhere. Stems are short
on purpose (``restor`` covers restore, restored, restoration).
"""

from __future__ import annotations

import re

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII digits."""
    return text.translate(_DIGITS)


def cue(word_start: str, anywhere: str = "") -> re.Pattern[str]:
    """A case-insensitive regex: ``word_start`` stems at a word start, ``anywhere`` stems."""
    parts = [r"\b(?:" + word_start + ")"]
    if anywhere:
        parts.append("(?:" + anywhere + ")")
    return re.compile("|".join(parts), re.IGNORECASE)


# something was cut, blocked, restricted, slowed
CUT = cue(
    r"cut\b|cuts\b|cutting|cut off|shut|shutdown|blackout|black-out|block|ban\b|bans\b|banned|"
    r"banning|restrict|suspen|disrupt|throttl|slowed|slowdown|slowing|switch(?:ed|es)? off|"
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
    r"reinstat|rescind|restart|withdr[ae]w|ended|available again|accessible again|"
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
    r"no end in sight|entered its|enters its|for (?:the )?(?:\w+ )?(?:days?|weeks?|months?) now|"
    r"(?:is|are) (?:still )?(?:blocked|restricted|down|offline|cut|banned|suspended)\b|"
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
OTHER_EVENT = cue(
    r"protest|demonstrat|rall(?:y|ies)|elect|vote|voting|polls?\b|referendum|coup|war\b|"
    r"ceasefire|clash|killed|arrest|detain|riot|earthquake|strike|announce|meeting|"
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


def negated_end(text: str) -> bool:
    """Whether every "came back" cue of a sentence is negated ("has not been restored"),
    asked for ("calls for the restoration of"), or conditional ("until", "no timeline")."""
    if NOT_END.search(text):
        return True
    cues = list(END.finditer(text))
    return bool(cues) and all(
        _NEGATION.search(text[max(0, m.start() - 30):m.start()]) for m in cues)

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
