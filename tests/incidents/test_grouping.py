"""Grouping hard cases (newsarchive.incidents.group through build)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from newsarchive.incidents import build, build_incidents, incident_for
from tests.incidents.helpers import article

CUT = article(
    "iran-cuts-internet", "Iran cuts the internet nationwide as protests spread", "2019-11-17",
    "Iranian authorities shut down the internet across the country on 16 November. "
    "Mobile networks and fixed lines went offline within hours.",
    countries=("ir",),
)
CUT_2 = article(
    "iran-blackout-second-outlet", "Iran's nationwide internet blackout enters its second day",
    "2019-11-17",
    "The shutdown imposed on 16 November continues, with connectivity at 5% of normal.",
    countries=("ir",), hour=18,
)
RESTORED = article(
    "iran-internet-restored", "Internet restored in Iran after a week-long shutdown",
    "2019-11-24",
    "Fixed-line and mobile access came back on 23 November, a week after the shutdown began.",
    countries=("ir",), types=("restoration-remedy", "shutdown"),
)
NEXT_YEAR = article(
    "iran-cuts-internet-again", "Iran cuts mobile internet in Khuzestan amid water protests",
    "2021-07-16",
    "Authorities cut mobile internet in the Khuzestan province on 15 July as protests spread.",
    countries=("ir",),
)
ANALYSIS = article(
    "shutdowns-decade", "How internet shutdowns spread around the world in a decade",
    "2020-01-10",
    "Iran cut the internet in 2019. India shut down Kashmir in 2019 and again in 2016. "
    "Ethiopia blocked social media in 2017 and 2018. Russia throttled Twitter in 2021. "
    "Sudan cut mobile data in 2019, Iraq blocked networks in 2015 and 2014.",
    countries=("ir", "in", "et", "ru", "sd", "iq"),
)


def groups(articles) -> list[set[str]]:
    return sorted(({k.split("/")[2] for k in i.articles} for i in build_incidents(articles)),
                  key=sorted)


def test_two_outlets_and_a_restoration_are_one_incident() -> None:
    incidents = build_incidents([CUT, CUT_2, RESTORED])
    assert len(incidents) == 1
    assert incidents[0].articles == (CUT.key, CUT_2.key, RESTORED.key)  # oldest report first


def test_a_different_shutdown_a_year_later_is_another_incident() -> None:
    found = groups([CUT, RESTORED, NEXT_YEAR])
    assert {"iran-cuts-internet-again"} in found
    assert {"iran-cuts-internet", "iran-internet-restored"} in found


def test_an_analysis_piece_joins_no_incident() -> None:
    result = build([CUT, CUT_2, ANALYSIS])
    assert all(ANALYSIS.key not in i.articles for i in result.incidents)
    assert result.decisions[ANALYSIS.key].group is None


def test_a_lift_months_later_joins_the_block_it_ends() -> None:
    block = article(
        "nigeria-suspends-twitter", "Nigeria suspends Twitter indefinitely", "2021-06-05",
        "The government suspended Twitter's operations in Nigeria on 4 June.",
        countries=("ng",), platforms=("x-twitter",), types=("platform-block",))
    other = article(
        "nigeria-blocks-telegram", "Nigeria blocks Telegram over extremist channels",
        "2021-10-02", "Regulators blocked Telegram on 1 October.",
        countries=("ng",), platforms=("telegram",), types=("platform-block",))
    lift = article(
        "nigeria-lifts-twitter", "Nigeria lifts its seven-month Twitter suspension",
        "2022-01-13", "The government lifted the suspension of Twitter on 13 January.",
        countries=("ng",), platforms=("x-twitter",), types=("restoration-remedy",))
    assert groups([block, other, lift]) == [
        {"nigeria-blocks-telegram"}, {"nigeria-lifts-twitter", "nigeria-suspends-twitter"}]


def test_two_platform_blocks_at_the_same_time_stay_apart() -> None:
    discord = article(
        "russia-blocks-discord", "Russia blocks Discord", "2024-10-08",
        "Roskomnadzor blocked Discord on 8 October.",
        countries=("ru",), platforms=("discord",), types=("platform-block",))
    signal = article(
        "russia-blocks-signal", "Russia blocks Signal", "2024-08-09",
        "Roskomnadzor blocked the Signal messenger on 9 August.",
        countries=("ru",), platforms=("signal",), types=("platform-block",))
    assert len(groups([discord, signal])) == 2


def test_two_regional_shutdowns_in_one_country_stay_apart() -> None:
    one = article(
        "india-manipur", "India cuts mobile internet in Manipur", "2023-05-04",
        "Authorities suspended mobile internet in the Manipur state on 3 May.",
        countries=("in",), regions=("manipur",))
    two = article(
        "india-haryana", "India cuts mobile internet in Haryana's Nuh district", "2023-08-01",
        "Authorities suspended mobile internet in the Nuh district on 31 July.",
        countries=("in",))
    assert len(groups([one, two])) == 2


def test_a_nationwide_cut_after_a_regional_one_is_another_incident() -> None:
    regional = article(
        "af-balkh", "Taliban cut fibre-optic internet in Balkh province", "2025-09-16",
        "The Taliban cut fibre-optic internet in the Balkh province on 15 September.",
        countries=("af",))
    national = article(
        "af-national", "Taliban impose a nationwide internet shutdown", "2025-09-30",
        "The Taliban cut internet and phone services nationwide on 29 September.",
        countries=("af",))
    restored = article(
        "af-back", "Internet returns in Afghanistan after the nationwide shutdown", "2025-10-01",
        "Internet services began returning across Afghanistan on 1 October.",
        countries=("af",), types=("restoration-remedy", "shutdown"))
    assert sorted(map(len, groups([regional, national, restored]))) == [1, 2]


def test_a_regions_exam_shutdowns_stay_apart_from_the_countrys() -> None:
    """Iraq's federal exam shutdowns and the Kurdistan Region's, the same weeks: two
    incidents; the region's end joins the region's."""
    federal = [article(f"iq-fed-{day}", "Iraq cuts internet nationwide for exams", f"2025-06-{day}",
                       f"Iraq cut the internet nationwide on {int(day)} June for exams.",
                       countries=("iq",)) for day in ("01", "10")]
    region = article(
        "iq-krg", "Kurdistan Region cuts internet for exams", "2025-06-03",
        "Authorities in the Kurdistan Region cut internet access across the region on 3 June "
        "for exams.", countries=("iq",), regions=("kurdistan-region",))
    region_end = article(
        "iq-krg-end", "Kurdistan exam shutdowns end", "2025-06-25",
        "Internet exam shutdowns in the Kurdistan Region ended on 24 June.", countries=("iq",),
        regions=("kurdistan-region",), types=("restoration-remedy", "shutdown"))
    found = sorted(sorted(a.rsplit("/", 2)[-2] for a in i.articles)
                   for i in build_incidents([*federal, region, region_end]))
    assert found == [["iq-fed-01", "iq-fed-10"], ["iq-krg", "iq-krg-end"]]


def test_blocks_of_different_platforms_a_day_apart_stay_apart_even_if_named_low() -> None:
    """Russia's YouTube slowdown (named only in the body) and its Signal block a day later
    are two incidents."""
    youtube = article("ru-yt", "Russia slows YouTube further", "2024-08-08",
                      "YouTube speeds in Russia fell sharply on 8 August as the throttling of "
                      "the service deepened.", countries=("ru",), platforms=("youtube",),
                      types=("throttling",))
    signal = article("ru-signal", "Russia blocks Signal", "2024-08-09",
                     "Roskomnadzor blocked the Signal messenger on 9 August.", countries=("ru",),
                     platforms=("signal",), types=("platform-block",))
    assert len(groups([youtube, signal])) == 2


def test_ids_are_stable_and_come_from_the_earliest_report() -> None:
    first = build_incidents([CUT])[0]
    later = build_incidents([CUT, CUT_2, RESTORED])[0]
    assert first.id == later.id and first.url == later.url
    assert first.id.startswith("2019-ir-")
    assert later.url == f"incidents/2019/{later.slug}/"


def test_grouping_does_not_depend_on_input_order() -> None:
    articles = [CUT, CUT_2, RESTORED, NEXT_YEAR, ANALYSIS]
    expected = [(i.id, i.articles) for i in build_incidents(articles)]
    shuffled = articles[:]
    random.Random(4).shuffle(shuffled)
    assert [(i.id, i.articles) for i in build_incidents(shuffled)] == expected


def test_editor_overrides() -> None:
    first_id = build_incidents([CUT])[0].id
    refused = article(
        "iran-other", "Iran's internet shutdown: a second look", "2019-11-18",
        "The shutdown imposed on 16 November continues.", countries=("ir",),
        meta={"not-incident": first_id})
    forced = article(
        "kazakhstan-note", "A note on Kazakhstan", "2019-11-18", "Nothing here.",
        countries=("kz",), meta={"incident": first_id})
    incidents = build_incidents([CUT, refused, forced])
    by_id = {i.id: i for i in incidents}
    assert set(by_id[first_id].articles) == {CUT.key, forced.key}
    assert any(refused.key in i.articles and i.id != first_id for i in incidents)


def test_candidates_come_from_blocks_not_all_pairs() -> None:
    articles = [
        article(f"ru-{n}", f"Russia blocks site number {n}",
                f"20{10 + n // 12}-{n % 12 + 1:02d}-15", f"Roskomnadzor blocked site {n}.",
                countries=("ru",),
                platforms=(("telegram", "signal", "discord", "viber")[n % 4],),
                types=("platform-block",))
        for n in range(120)
    ]
    result = build(articles)
    assert max(len(d.candidates) for d in result.decisions.values()) <= 4


def test_incident_for_says_which_incident_a_new_article_joins() -> None:
    joined = incident_for([RESTORED], [CUT, CUT_2, NEXT_YEAR])
    assert joined[RESTORED.key] is not None
    assert CUT.key in joined[RESTORED.key].articles
    assert incident_for([ANALYSIS], [CUT])[ANALYSIS.key] is None


def test_incidents_for_files_reads_the_archive(tmp_path) -> None:
    from newsarchive.incidents.inputs import incidents_for_files

    folder = tmp_path / "content" / "articles" / "2019"
    folder.mkdir(parents=True)
    head = "Date: {date}\nSource: Wire\nSource-URL: https://example.org/{slug}\nSlug: {slug}\n"
    old = folder / "cut.md"
    old.write_text("Title: Iran cuts the internet nationwide\n" + head.format(
        date="2019-11-17T09:00:00+03:30", slug="cut") +
        "\nIran shut down the internet across the country on 16 November.\n")
    new = folder / "back.md"
    new.write_text("Title: Internet restored in Iran after a week\n" + head.format(
        date="2019-11-24T09:00:00+03:30", slug="back") +
        "\nInternet access in Iran was restored on 23 November.\n")
    joined = incidents_for_files([new], tmp_path / "content")
    assert joined.incidents[new] is not None
    assert joined.incidents[new].articles == ("events/2019/cut/", "events/2019/back/")
    assert joined.keep == {}  # a later report: the id is the first report's already


def _report_file(folder, slug: str, title: str, date: str, body: str):
    """A content file of one report (Pelican header, then its body) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(f"Title: {title}\nDate: {date}\nSource: Wire\n"
                    f"Source-URL: https://example.org/{slug}\nSlug: {slug}\n\n{body}\n")
    return path


def test_an_earlier_report_arriving_late_keeps_the_incident_id(tmp_path) -> None:
    """Issue 13: an incident keeps its id and URL when new articles join, even one dated
    before its first report (ingest writes ``Incident:`` into it)."""
    from newsarchive.incidents.inputs import incidents_for_files, read_content

    folder = tmp_path / "content" / "articles" / "2019"
    _report_file(folder, "second-day", "Iran's nationwide internet shutdown enters its second day",
                 "2019-11-17T18:00:00+03:30",
                 "Iran shut down the internet across the country on 16 November.")
    [before] = build_incidents(read_content(tmp_path / "content"))
    early = _report_file(
        folder, "first-hours", "Iran cuts the internet nationwide as protests spread",
        "2019-11-16T21:00:00+03:30",
        "Iranian authorities shut down the internet across the country on 16 November.")
    [unkept] = build_incidents(read_content(tmp_path / "content"))
    assert unkept.id != before.id  # what would happen without the kept id
    joined = incidents_for_files([early], tmp_path / "content")
    assert joined.keep == {early: before.id}
    assert joined.incidents[early].id == before.id


def test_an_editor_id_is_made_safe_for_a_url() -> None:
    odd = article("odd", "Iran cuts the internet", "2019-11-20", "Iran cut the internet.",
                  countries=("ir",), meta={"incident": "../../Evil <Id>/x"})
    [incident] = build_incidents([odd])
    assert incident.id == "evil-id-x"
    assert incident.url == f"incidents/2019/{incident.slug}/"
    assert "/" not in incident.slug and "." not in incident.slug


def test_ingest_writes_the_kept_id_and_the_next_build_uses_it(tmp_path, capsys) -> None:
    from newsarchive.commands.ingest import report_incidents
    from newsarchive.incidents.inputs import read_content

    folder = tmp_path / "content" / "articles" / "2020"
    _report_file(folder, "later", "Ethiopia's internet blackout continues for a third day",
                 "2020-07-02T18:00:00+03:00",
                 "Ethiopia shut down the internet nationwide on 30 June after protests.")
    [before] = build_incidents(read_content(tmp_path / "content"))
    _report_file(folder, "earlier", "Ethiopia shuts down the internet nationwide after protests",
                 "2020-06-30T21:00:00+03:00",
                 "Authorities in Ethiopia shut down the internet nationwide on 30 June.")
    key = "articles/2020/earlier.md"
    report_incidents([key], tmp_path / "content", created=[key])
    assert f"Incident: {before.id}" in (folder / "earlier.md").read_text()
    assert f"joins {before.id}" in capsys.readouterr().out
    [after] = build_incidents(read_content(tmp_path / "content"))
    assert after.id == before.id and len(after.articles) == 2


def test_incidents_with_the_same_slug_words_are_numbered_in_order() -> None:
    # one outlet's slugs differ only by a number: every incident gets the next free number
    days = [date(2019, 1, 1) + timedelta(days=33 * n) for n in range(11)]  # apart: 11 cuts
    cuts = [article(f"blackout-{n:03d}", "Internet cut in Iran", days[n].isoformat(),
                    "Authorities shut down mobile internet across Iran.", countries=("ir",))
            for n in range(11)]
    editor = article("blackout-x", "Internet cut in Iran", "2019-01-02",
                     "Authorities shut down mobile internet across Iran.", countries=("ir",),
                     meta={"incident": "2019-ir-blackout-3"})
    ids = [i.id for i in build_incidents([*cuts, editor])]
    base = "2019-ir-blackout"
    assert sorted(ids) == sorted([base, *(f"{base}-{n}" for n in range(2, 12))])
