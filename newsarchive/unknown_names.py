"""Names the gazetteer does not know, found next to block and restrict verbs (for editors).

``newsarchive tag --unknown`` lists them: a capitalised word or run of capitalised words within
a few words of a verb such as "blocked", "restricted", "заблокировал", "bloqueó", "engelledi",
that no entity's alias, adjective or context word matches. Sentence-initial words are skipped
(a capital there says nothing), as are common capitalised function words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from newsarchive.entities import Gazetteer
from newsarchive.evidence import sentences
from newsarchive.text_forms import alias_key

#: verb stems that report a block or a restriction, in the languages the cues cover
_VERBS = re.compile(
    r"\b(?:block(?:s|ed|ing)?|ban(?:s|ned|ning)?|restrict(?:s|ed|ing)?|throttl(?:e|es|ed|ing)|"
    r"suspend(?:s|ed|ing)?|censor(?:s|ed|ing)?|outlaw(?:s|ed)?|unblock(?:s|ed|ing)?|"
    r"blacklist(?:s|ed)?|shut(?:s)? down|cut(?:s)? off|"
    r"заблокир\w*|блокир\w*|ограничи\w*|замедл\w*|запрет\w*|"
    r"bloque\w*|bloqu\w*|restring\w*|restrei\w*|interdi\w*|prohib\w*|suspend\w*|"
    r"engell\w*|yasakla\w*|kısıtla\w*|erişim)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-ZА-ЯЁ][\w'’.-]*(?:\s+[A-ZА-ЯЁ][\w'’.-]*)*")
_WINDOW = 60  # characters either side of the verb
_SKIP = frozenset(
    """the a an this that these those it its in on at of for and or but as by with from to
    he she they we i you his her their our my if when while after before since on monday
    tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december mr ms dr not yes no none ok block
    blocked blocking accessible inaccessible seized unknown anomaly anomalies confirmed failure
    failures table figure source sources note notes update""".split()  # noqa: SIM905
)
#: technical acronyms and network numbers, which name no service
_TECHNICAL = re.compile(
    r"^(?:HTTPS?|IPv?[46]?|TCP|UDP|DNS|DoH|DoT|TLS|SNI|QUIC|ISPs?|URLs?|RST|VPNs?|APIs?|SMS|IDs?|"
    r"IXPs?|BGP|CDNs?|AS\d+|UTC|GMT|[A-Z]{1,2}|.*\d.*)$"
)


def known_keys(gazetteer: Gazetteer) -> set[str]:
    """The normalised form of every alias, adjective and context word the gazetteer has."""
    keys: set[str] = set()
    for entity in gazetteer.entities.values():
        for form in (*entity.all_aliases(), *entity.context):
            keys.add(alias_key(form))
    return keys


def unknown_names(texts: Iterable[str], known: set[str]) -> Counter[str]:
    """Capitalised names near block/restrict verbs that ``known`` does not cover, counted."""
    found: Counter[str] = Counter()
    for text in texts:
        for sentence in sentences(text):
            for verb in _VERBS.finditer(sentence):
                low = max(verb.start() - _WINDOW, 0)
                high = min(verb.end() + _WINDOW, len(sentence))
                for name in _NAME.finditer(sentence, low, high):
                    if name.start() == 0:  # the sentence's first word
                        _first, _, rest = name.group(0).partition(" ")
                        if not rest:
                            continue
                        text_name = rest
                    else:
                        text_name = name.group(0)
                    text_name = re.sub(r"['’]s\b", "", text_name).strip(".-'’")
                    words = [
                        w for w in text_name.split()
                        if w.lower() not in _SKIP and not _TECHNICAL.match(w)
                    ]
                    if not words:
                        continue
                    candidate = " ".join(words)
                    if alias_key(candidate) in known or all(
                        alias_key(w) in known for w in words
                    ):
                        continue
                    if len(candidate) > 1:
                        found[candidate] += 1
    return found
