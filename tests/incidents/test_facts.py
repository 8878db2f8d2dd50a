"""Fact extraction: values, provenance, disagreement rules and editor metadata."""

from __future__ import annotations

from datetime import date

import pytest

from newsarchive.incidents import FIELDS, build_incidents
from tests.incidents.helpers import article

START = article(
    "afghanistan-shutdown", "Taliban impose a nationwide internet shutdown in Afghanistan",
    "2025-09-30",
    "The Taliban authorities cut internet and mobile phone services across the country on "
    "the evening of 29 September. The Ministry of Communications ordered operators to switch "
    "off fibre-optic and mobile networks, citing the need to prevent immorality.",
    countries=("af",),
)
RESTORED = article(
    "afghanistan-restored", "Internet restored in Afghanistan after 48-hour shutdown",
    "2025-10-01",
    "Internet and phone services came back on Wednesday, 1 October, after the shutdown "
    "that began on 29 September.",
    countries=("af",), types=("restoration-remedy", "shutdown"),
)


def one(*articles):
    [incident] = build_incidents(list(articles))
    return incident


def test_start_end_status_and_duration() -> None:
    incident = one(START, RESTORED)
    assert incident.value("start_date") == date(2025, 9, 29)
    assert incident.value("end_date") == date(2025, 10, 1)
    assert incident.value("status") == "ended"
    assert incident.value("duration_hours") == 48
    source = incident.facts["end_date"].source
    assert source.article == RESTORED.key and "came back" in source.sentence


def test_place_kind_and_orderer() -> None:
    incident = one(START)
    record = incident.record({START.key: START})
    assert record["country"] == "Afghanistan" and record["country_code"] == ["AF"]
    assert record["geo_scope"] == "national" and record["area_name"] is None
    assert record["shutdown_type"] == "full-network"
    assert record["affected_services"] == []  # a network cut names no platform
    assert "Ministry of Communications" in record["ordered_by"]
    assert record["status"] == "ongoing"  # in force as of its only report
    assert list(record) == list(FIELDS)
    assert record["info_source_link"] == [START.source_url]


def test_justification_category_and_quote() -> None:
    exams = article(
        "iraq-exams", "Iraq cuts the internet for exams", "2023-06-01",
        'The ministry said the shutdown was needed "to prevent cheating in the exams".',
        countries=("iq",))
    justification = one(exams).value("official_justification")
    assert justification == {"category": "exams", "quote": "to prevent cheating in the exams"}


def test_mobile_regional_and_platforms() -> None:
    mobile = article(
        "india-manipur-mobile", "India suspends mobile internet in Manipur", "2023-05-04",
        "Authorities suspended mobile internet in the Manipur state on 3 May.",
        countries=("in",), regions=("manipur",))
    incident = one(mobile)
    assert incident.value("shutdown_type") == "mobile"
    assert incident.value("geo_scope") == "regional"
    assert incident.value("area_name")
    block = article(
        "russia-calls", "Russia restricts WhatsApp and Telegram calls", "2025-08-13",
        "Roskomnadzor began restricting calls on WhatsApp and Telegram from 11 August.",
        countries=("ru",), platforms=("whatsapp", "telegram"), types=("platform-block",))
    incident = one(block)
    assert incident.value("shutdown_type") == "service-based"
    assert set(incident.value("affected_services")) == {"whatsapp", "telegram"}
    assert incident.value("start_date") == date(2025, 8, 11)


def test_earliest_start_and_latest_end_win_and_the_others_are_kept() -> None:
    early = article(
        "kz-early", "Kazakhstan cuts mobile internet amid protests", "2022-01-05",
        "Mobile internet was cut on 4 January.", countries=("kz",))
    later = article(
        "kz-later", "Kazakhstan in full internet blackout", "2022-01-06",
        "The country went offline on 5 January.", countries=("kz",))
    back1 = article(
        "kz-back-1", "Internet returns to Almaty", "2022-01-10",
        "Access was restored on 10 January.", countries=("kz",))
    back2 = article(
        "kz-back-2", "Kazakhstan lifts the last internet restrictions", "2022-01-12",
        "The restrictions were lifted on 11 January.", countries=("kz",))
    incident = one(early, later, back1, back2)
    assert incident.value("start_date") == date(2022, 1, 4)
    assert date(2022, 1, 5) in [value for value, _ in incident.facts["start_date"].others]
    assert incident.value("end_date") == date(2022, 1, 11)
    assert date(2022, 1, 10) in [value for value, _ in incident.facts["end_date"].others]


def test_a_partial_restoration_announced_for_later_leaves_it_ongoing() -> None:
    gradual = article(
        "iran-gradual", "Iran says internet will return gradually", "2026-01-18",
        "Authorities said internet access would be restored gradually; global access "
        "remained largely cut.", countries=("ir",))
    cut = article(
        "iran-cut", "Iran cuts the internet as protests spread", "2026-01-09",
        "Iran cut the internet nationwide on 8 January.", countries=("ir",))
    incident = one(cut, gradual)
    assert incident.value("status") == "ongoing"
    assert incident.value("end_date") is None


def test_editor_metadata_wins() -> None:
    edited = article(
        "afghanistan-edited", "Afghanistan shutdown: a correction", "2025-10-02",
        "The shutdown ended.", countries=("af",),
        meta={"incident-end": "2025-10-01", "incident-status": "ended",
              "incident-justification": "other: preventing immorality",
              "incident-services": "whatsapp, facebook"})
    incident = one(START, edited)
    assert incident.value("end_date") == date(2025, 10, 1)
    assert incident.facts["end_date"].source.by_editor
    assert incident.facts["end_date"].source.sentence == ""
    assert incident.value("official_justification") == {
        "category": "other", "quote": "preventing immorality"}
    assert incident.value("affected_services") == ["whatsapp", "facebook"]


def test_no_duration_while_it_goes_on() -> None:
    """The open data's duration_hours is null while the incident is ongoing, even when a
    report states a planned length."""
    from tests.incidents.helpers import article

    planned = article(
        "bd-mobile-72h", "Bangladesh cuts mobile internet for 72 hours", "2024-07-18",
        "Authorities in Bangladesh cut mobile internet on 18 July for 72 hours. Mobile "
        "internet remains cut and has not been restored.", countries=("bd",))
    [incident] = build_incidents([planned])
    assert incident.value("status") == "ongoing"
    assert incident.value("duration_hours") is None
    ended = article(
        "bd-mobile-back", "Mobile internet restored in Bangladesh", "2024-07-28",
        "Mobile internet was restored on 28 July after a shutdown that lasted 10 days.",
        countries=("bd",), types=("restoration-remedy", "shutdown"))
    [incident] = build_incidents([planned, ended])
    assert incident.value("status") == "ended"
    assert incident.value("duration_hours") == 240


def _orderer(text: str, bodies: tuple[str, ...], lang: str = "en", country: str = "pk",
             title: str = "Pakistan blocks X nationwide") -> object:
    from dataclasses import replace

    from tests.incidents.helpers import article

    report = replace(article("x-block", title, "2024-02-20", text, countries=(country,),
                             platforms=("x-twitter",), types=("platform-block",), lang=lang),
                     bodies=bodies)
    [incident] = build_incidents([report])
    return incident.value("ordered_by")


def test_the_orderer_is_the_body_that_acts_not_one_named_nearby() -> None:
    """A court where a hearing was held is not who ordered the block; the ministry on whose
    instructions the regulator acted is; a regulator that confirmed it was restricting is."""
    venue = ("X has been blocked across Pakistan since 17 February. At an Islamabad High "
             "Court hearing on 3 April, on a petition by a journalist, an official said X had "
             "been shut for national security.")
    assert _orderer(venue, ("islamabad-high-court",)) == "Government of Pakistan"
    instructed = venue + (" The Pakistan Telecommunication Authority had acted on "
                          "instructions from the Ministry of Interior.")
    assert _orderer(instructed, ("islamabad-high-court", "pta", "ministry-of-interior-pakistan")
                    ) == "Ministry of Interior (Pakistan)"
    confirmed = ("Russia's regulator Roskomnadzor confirmed on 13 August that it was "
                 "partially restricting calls on WhatsApp and Telegram.")
    assert _orderer(confirmed, ("roskomnadzor",), country="ru",
                    title="Russia restricts WhatsApp and Telegram calls") == "Roskomnadzor"
    passive = "Erişim, BTK tarafından 2 Ağustos'ta engellendi."
    assert _orderer(passive, ("btk",), lang="tr", country="tr",
                    title="Türkiye Instagram'a erişimi engelledi") == "BTK"


def test_a_named_orderer_ends_where_its_name_does() -> None:
    """"ordered by President X was due to end" names President X; "a court in Ankara
    ordered it" names the court, not the city."""
    due = ("X remained inaccessible in Venezuela on Monday, a day after the ten-day suspension "
           "ordered by President Nicolás Maduro was due to end.")
    assert _orderer(due, (), country="ve", title="X still blocked in Venezuela"
                    ) == "President Nicolás Maduro"
    court = ("Turkey blocked access to Discord on Wednesday after a court in Ankara ordered "
             "it, the regulator said.")
    assert _orderer(court, (), country="tr", title="Turkey blocks Discord") == "Court in Ankara"


def test_the_justification_is_the_authorities_reason_not_a_critics() -> None:
    from tests.incidents.helpers import article

    report = article(
        "ru-max-law", "Russia passes a law creating a national messenger", "2025-06-10",
        "The law was passed to protect users from fraud, the government said. Supporters said "
        "the app would help people, for example at a shop till, and critics said it was "
        "meant to restrict foreign messengers over elections.", countries=("ru",),
        types=("censorship-law",))
    [incident] = build_incidents([report])
    reason = incident.value("official_justification")
    assert reason and reason["category"] != "exams"  # "example" is no exam
    assert "critics" not in reason["quote"] and "Supporters" not in reason["quote"]


def _reason(text: str, platforms: tuple[str, ...] = ()) -> object:
    from tests.incidents.helpers import article

    report = article("ir-cut", "Iran cuts the internet", "2026-01-09", text,
                     countries=("ir",), platforms=platforms)
    [incident] = build_incidents([report])
    return incident.value("official_justification")


@pytest.mark.parametrize(("text", "platforms", "category"), [
    # the reason named right after its cue, not the first category word of the sentence
    ("Authorities cut the internet nationwide, citing national security and the use of "
     "messaging apps during protests.", (), "security"),
    # a rights group speaks: no official reason
    ("The internet was cut nationwide. The group Iran Human Rights said at least 45 "
     "protesters had been killed since the demonstrations began.", (), None),
    # said to have been given none
    ("Authorities cut the internet nationwide. No reason was given for the cut, which came "
     "as protests spread.", (), None),
    # the company speaks, not the authorities
    ("Instagram was blocked nationwide. Instagram said the government had ordered the block "
     "because it refused to remove posts about the protests.", ("instagram",), None),
    # a minister's reason for the cut
    ("Mobile internet was cut nationwide. The communications minister said it had been "
     "suspended to stop the spread of rumours.", (), "misinformation"),
])
def test_the_justification_is_an_official_reason_for_the_restriction(
        text: str, platforms: tuple[str, ...], category: str | None) -> None:
    reason = _reason(text, platforms)
    assert (reason["category"] if reason else None) == category


def _one(*reports: tuple[str, str, str], country: str = "ga") -> object:
    from tests.incidents.helpers import article

    [incident] = build_incidents([article(f"r{n}", title, when, text, countries=(country,))
                                  for n, (title, when, text) in enumerate(reports)])
    return incident


def test_a_date_belongs_to_the_cut_it_follows_not_to_the_event_named_after_it() -> None:
    cut = _one(("Gabon cuts internet on election night", "2023-08-28",
                "Authorities cut internet access nationwide on 26 August as polls closed."))
    assert str(cut.value("start_date")) == "2023-08-26"
    election = _one(("Pakistan restricts X", "2024-02-20",
                     "From 17 February 2024 X was restricted as claims of fraud in the 8 "
                     "February general election spread."), country="pk")
    assert str(election.value("start_date")) == "2024-02-17"


def test_status_a_promised_return_is_not_a_return_and_a_past_years_end_is_not_this_ones(
        ) -> None:
    promised = _one(("Gabon cuts internet", "2023-08-27", "Internet was cut on 26 August."),
                    ("Gabon says internet will return on Wednesday", "2023-08-29",
                     "The communications minister said the internet will be restored on "
                     "Wednesday."))
    assert promised.value("status") == "ongoing" and promised.value("end_date") is None
    past = _one(("Iraq cuts internet for exams", "2024-05-20",
                 "Iraq cut the internet nationwide on 20 May for school exams. A similar "
                 "shutdown ended in 2023 after protests."), country="iq")
    assert past.value("status") != "ended"
    told = _one(("Internet back after 11 days", "2024-07-29",
                 "On 28 July the minister announced that mobile data would resume at 3 pm. "
                 "Mobile data came back on 28 July."), country="bd")
    assert told.value("status") == "ended"  # "would" there is the past's future


def test_an_ongoing_investigation_is_not_an_ongoing_block_nor_a_past_order_this_ones(
        ) -> None:
    from tests.incidents.helpers import article

    first = article("br-block", "Brazil judge orders WhatsApp blocked for 72 hours", "2016-05-02",
                    "Operators blocked WhatsApp nationwide on 2 May on a judge's order.",
                    countries=("br",), platforms=("whatsapp",), types=("platform-block",))
    back = article("br-back", "WhatsApp restored in Brazil", "2016-05-03",
                   "WhatsApp was restored on 3 May after an appeals court lifted the block.",
                   countries=("br",), platforms=("whatsapp",),
                   types=("restoration-remedy", "platform-block"))
    later = article(
        "br-report", "How WhatsApp was blocked in Brazil", "2016-05-06",
        "A judge ordered the blocking of WhatsApp for 72 hours as part of an ongoing drug "
        "trafficking investigation. In December 2015 a judge in São Paulo ordered a 48-hour "
        "block.", countries=("br",), platforms=("whatsapp",), types=("platform-block",))
    [incident] = build_incidents([first, back, later])
    assert incident.value("status") == "ended"
    assert "Paulo" not in str(incident.value("ordered_by"))


def test_protests_that_are_ongoing_do_not_keep_a_cut_ongoing() -> None:
    cut = _one(("Internet returns in Iran after shutdown", "2019-11-22",
                "Internet access was restored across Iran on 21 November after a shutdown that "
                "began on 16 November."),
               ("Iran's internet shutdown: what the data shows", "2019-11-25",
                "Amid the protests, which began on 15 November and are ongoing, access to the "
                "internet was shut down nationwide on 16 November."), country="ir")
    assert cut.value("status") == "ended"
    still = _one(("Iran cuts the internet", "2019-11-17",
                  "The internet was shut down nationwide on 16 November and the shutdown is "
                  "ongoing."), country="ir")
    assert still.value("status") == "ongoing"


KENYA = article(
    "kenya-disruption", "Internet disrupted in Kenya as protesters storm parliament",
    "2024-06-26",
    "Internet connectivity in Kenya was severely disrupted on Tuesday 25 June as protesters "
    "stormed parliament, NetBlocks said. Many feared the authorities had broken the promise "
    "they made on Monday 24 June not to disrupt the internet. The Communications Authority "
    "of Kenya denied ordering any shutdown, and Safaricom blamed two undersea cables.",
    countries=("ke",),
)


def test_a_promise_not_to_cut_dates_no_start_and_a_denial_names_no_orderer() -> None:
    incident = one(KENYA)
    assert incident.value("start_date") == date(2024, 6, 25)  # not the promise's 24 June
    assert incident.value("ordered_by") is None  # not "Government of Kenya": it denied it


def test_a_cut_that_is_not_denied_still_names_the_government() -> None:
    plain = article("kenya-cut", "Kenya cuts mobile internet during protests", "2024-06-26",
                    "Mobile internet was cut across Kenya on Tuesday 25 June.",
                    countries=("ke",))
    assert one(plain).value("ordered_by") == "Government of Kenya"


def test_a_body_named_in_another_language_is_the_orderer() -> None:
    from dataclasses import replace

    russian = replace(article(
        "youtube-zamedlenie", "Замедление YouTube в России", "2024-08-08",
        "Роскомнадзор замедлил видеохостинг, скорость загрузки упала на 70%.",
        countries=("ru",), platforms=("youtube",), types=("throttling",), lang="ru"),
        bodies=("roskomnadzor",))
    assert one(russian).value("ordered_by") == "Roskomnadzor"


def test_the_measures_an_official_justifies_give_the_reason() -> None:
    gabon = article(
        "gabon-cut", "Gabon cuts internet as polls close", "2023-08-27",
        "The government cut internet access across Gabon on Saturday evening as polls "
        "closed, the communications minister said on state television. He said the measures "
        "were needed to prevent the spread of false news and calls for violence.",
        countries=("ga",))
    reason = one(gabon).value("official_justification")
    assert reason and reason["category"] == "misinformation"
    assert "measures were needed" in reason["quote"]


MANIPUR_TITLE = "Manipur extends mobile internet ban in India's northeast"
MANIPUR_LEAD = "Authorities in the Indian state of Manipur extended a ban on mobile internet."


@pytest.mark.parametrize(("said", "orderer"), [
    ("The order suspending mobile data was issued by the state's Home Department.",
     "Manipur Home Department"),
    ("The state government ordered the suspension of mobile data to stop rumours.",
     "Government of Manipur"),
    ("Officials said the suspension of mobile data was needed to stop rumours.",
     "Government of India"),  # nobody says the state acted: the country's government
])
def test_a_regional_cut_ordered_by_the_state_names_the_state(said: str, orderer: str) -> None:
    manipur = article("manipur", MANIPUR_TITLE, "2023-05-08",
                      f"{said} Mobile internet has been suspended across Manipur since 3 May.",
                      summary=MANIPUR_LEAD, countries=("in",), regions=("manipur",))
    incident = one(manipur)
    assert (incident.value("area_name"), incident.value("geo_scope")) == ("Manipur", "regional")
    assert incident.value("ordered_by") == orderer


def test_a_national_cut_keeps_the_state_department_and_the_country() -> None:
    plain = article("us-state", "Country X cuts mobile internet", "2024-06-26",
                    "Mobile internet was cut across Kenya on Tuesday 25 June. Local authorities "
                    "ordered the operators to switch off 3G and 4G.", countries=("ke",))
    assert one(plain).value("ordered_by") == "Government of Kenya"  # national: not "local"
