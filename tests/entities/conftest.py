"""A small gazetteer written to a temporary data folder, for tests that need exact data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsarchive.tagger import Tagger
from tests.sitebuild import REPO

PLATFORMS = '''
[[entity]]
id = "telegram"
type = "platform"
name = "Telegram"
description = "Messaging app."
aliases = { en = ["Telegram"], ru = ["Телеграм", "Телеграма"], fa = ["تلگرام"], zh = ["电报"] }

[[entity]]
id = "max-messenger"
type = "platform"
name = "Max"
description = "Russia's state-backed messenger."
aliases = { en = ["Max", "MAX", "Max messenger"], ru = ["Макс"] }
ambiguous = ["Max", "MAX", "Макс"]
context = ["messenger", "мессенджер"]
context_entities = ["vk"]

[[entity]]
id = "signal"
type = "platform"
name = "Signal"
description = "Encrypted messenger."
aliases = { en = ["Signal"], ru = ["Signal"] }
ambiguous = ["Signal"]
context = ["encrypted", "messaging app"]

[[entity]]
id = "whatsapp"
type = "platform"
name = "WhatsApp"
description = "Messaging app."
aliases = { en = ["WhatsApp"], ru = ["Ватсап"], hi = ["व्हाट्सएप"], ar = ["واتساب"] }
'''

COMPANIES = '''
[[entity]]
id = "vk"
type = "company"
name = "VK"
description = "Russian internet company."
aliases = { en = ["VK"], ru = ["ВК"] }

[[entity]]
id = "meta"
type = "company"
name = "Meta"
description = "Owner of Facebook and WhatsApp."
aliases = { en = ["Meta", "Meta Platforms"], ru = ["Meta"] }
'''

BODIES = '''
[[entity]]
id = "supreme-court-of-india"
type = "body"
name = "Supreme Court of India"
description = "India's highest court."
aliases = { en = ["Supreme Court of India"], ru = ["Верховный суд Индии"] }
country = "in"

[[entity]]
id = "high-court-bangladesh"
type = "body"
name = "High Court (Bangladesh)"
description = "Bangladesh's High Court Division."
aliases = { en = ["High Court"], ru = ["Высокий суд"] }
ambiguous = ["High Court"]
context_entities = ["bd"]

[[entity]]
id = "high-court-kenya"
type = "body"
name = "High Court (Kenya)"
description = "Kenya's High Court."
aliases = { en = ["High Court"], ru = ["Высокий суд"] }
ambiguous = ["High Court"]
context_entities = ["ke"]
'''

ORGS = '''
[[entity]]
id = "ooni"
type = "org"
name = "OONI"
description = "Open Observatory of Network Interference."
aliases = { en = ["OONI", "Open Observatory of Network Interference"], ru = ["OONI"] }
'''

COUNTRIES = '''
[[entity]]
id = "ru"
type = "country"
aliases = { en = ["Russia", "Russian"], ru = ["Россия", "России"] }

[[entity]]
id = "ge"
type = "country"
aliases = { en = ["Georgia"] }
ambiguous = ["Georgia"]
context = ["Tbilisi", "Caucasus"]

[[entity]]
id = "crimea"
type = "country"
name = "Crimea"
description = "Peninsula annexed by Russia in 2014."
aliases = { en = ["Crimea"], ru = ["Крым", "Крыму"] }
parent = "ua"
'''


def write_data(folder: Path, **files: str) -> Path:
    """A data folder with entities/<name>.toml for each keyword, plus the real event types."""
    (folder / "entities").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / "entities" / f"{name}.toml").write_text(text, encoding="utf-8")
    shutil.copy(REPO / "data" / "event_types.toml", folder / "event_types.toml")
    return folder


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small gazetteer above as a data folder."""
    return write_data(
        tmp_path_factory.mktemp("data"),
        platform=PLATFORMS,
        company=COMPANIES,
        body=BODIES,
        org=ORGS,
        country=COUNTRIES,
    )


@pytest.fixture(scope="session")
def tagger(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Tagger:
    """A tagger built from the small gazetteer (its disk cache in a temporary folder)."""
    return Tagger.from_data(small_data, cache_dir=tmp_path_factory.mktemp("cache"))
