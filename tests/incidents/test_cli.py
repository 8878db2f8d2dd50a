"""``newsarchive incidents``: run for real on a small content folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ARTICLES = {
    "2019/iran-cuts-internet.md": """Title: Iran cuts the internet as fuel protests spread
Date: 2019-11-17T09:00:00+03:30
Source: Test Wire
Source-URL: https://example.org/iran-cuts
Summary: Iran shut down the internet across the country on 16 November 2019.
Lang: en
Slug: iran-cuts-internet

Iranian authorities shut down the internet across the country on 16 November. The Supreme
National Security Council ordered the shutdown, state media said.
""",
    "2019/iran-internet-restored.md": """Title: Internet restored in Iran after a week-long shutdown
Date: 2019-11-24T09:00:00+03:30
Source: Other Wire
Source-URL: https://example.org/iran-back
Summary: Fixed and mobile internet came back in Iran on 23 November 2019.
Lang: en
Slug: iran-internet-restored

Access to the internet was restored on 23 November, a week after the shutdown began.
""",
    "2021/russia-throttles-twitter.md": """Title: Russia throttles Twitter
Date: 2021-03-10T12:00:00+03:00
Source: Test Wire
Source-URL: https://example.org/ru-twitter
Summary: Roskomnadzor slowed down Twitter in Russia from 10 March 2021.
Lang: en
Slug: russia-throttles-twitter

Roskomnadzor began throttling Twitter on 10 March, citing illegal content.
""",
    "2021/broken.md": "no header at all\n",
}


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("content")
    for name, text in ARTICLES.items():
        path = folder / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsarchive", "incidents", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_json_lists_the_incidents(content: Path) -> None:
    done = run("--content", str(content), "--json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [len(r["articles"]) for r in records] == [1, 2]  # newest start first
    iran = records[1]
    assert iran["country_code"] == ["IR"]
    assert iran["start_date"] == "2019-11-16" and iran["end_date"] == "2019-11-23"
    assert iran["status"] == "ended" and iran["duration_hours"] == 7 * 24
    assert iran["articles"] == ["events/2019/iran-cuts-internet/",
                                "events/2019/iran-internet-restored/"]
    assert iran["info_source_link"] == ["https://example.org/iran-cuts",
                                        "https://example.org/iran-back"]
    assert "Supreme National Security Council" in iran["ordered_by"]
    assert records[0]["shutdown_type"] == "throttling"
    assert "broken.md: skipped" in done.stderr  # one line naming the file; the run goes on


def test_plain_listing_and_explain(content: Path) -> None:
    listing = run("--content", str(content))
    assert listing.returncode == 0
    iran_id = next(line.split()[0] for line in listing.stdout.splitlines() if "[Iran]" in line)
    explained = run("--content", str(content), "--explain", iran_id)
    assert explained.returncode == 0
    assert "events/2019/iran-internet-restored/: joined (score" in explained.stdout
    assert "place ir" in explained.stdout
    assert "start_date: 2019-11-16" in explained.stdout
    unknown = run("--content", str(content), "--explain", "no-such-incident")
    assert unknown.returncode == 2


def test_keys_are_the_site_urls_for_every_language(tmp_path: Path) -> None:
    """The listing names articles by the URL the site gives them: another language's ends in
    "-<lang>/" (ARTICLE_LANG_URL), so ids and keys agree with /data/incidents.json."""
    import pelicanconf
    from newsarchive.incidents.inputs import DEFAULT_LANG, read_file

    assert pelicanconf.DEFAULT_LANG == DEFAULT_LANG
    assert pelicanconf.ARTICLE_LANG_URL == "events/{date:%Y}/{slug}-{lang}/"
    path = tmp_path / "ru.md"
    path.write_text("Title: Роскомнадзор ограничил звонки\nDate: 2025-08-13T10:00:00+03:00\n"
                    "Lang: ru\nSlug: rkn-calls\n\nТекст.\n", encoding="utf-8")
    assert read_file(path).key == "events/2025/rkn-calls-ru/"
    path.write_text(path.read_text(encoding="utf-8").replace("Lang: ru\n", ""),
                    encoding="utf-8")
    assert read_file(path).key == "events/2025/rkn-calls/"
