"""The tagger's matching rules, on a small gazetteer whose every entry the tests know."""

from __future__ import annotations

from newsarchive.event_types import RELEVANCE_THRESHOLD
from newsarchive.tagger import Tagger
from newsarchive.text_forms import alias_key, is_acronym, normalise


def ids(tagger: Tagger, title: str, lead: str = "", body: str = "") -> set[str]:
    return set(tagger.tag(title, lead, body).ids())


def test_normalise_folds_case_punctuation_and_scripts() -> None:
    assert normalise("Russia’s  «WhatsApp»—ban!") == "russia s whatsapp ban"
    assert alias_key("U.S.") == "u s"
    assert normalise("Ёлка") == normalise("елка")
    assert is_acronym("OONI") and is_acronym("U.S.") and not is_acronym("Max")


def test_whole_words_only(tagger: Tagger) -> None:
    assert "company:meta" in ids(tagger, "Meta sued over ads")
    assert "company:meta" not in ids(tagger, "Metadata retention rules expand")
    assert "platform:telegram" not in ids(tagger, "Telegrams were once common")


def test_whole_words_in_other_scripts(tagger: Tagger) -> None:
    assert "platform:telegram" in ids(tagger, "Роскомнадзор ограничил Телеграм")
    # an inflected form that is not an alias is another word
    assert "platform:telegram" not in ids(tagger, "Телеграмма пришла утром")
    assert "platform:telegram" in ids(tagger, "فیلتر تلگرام در ایران")
    assert "platform:whatsapp" in ids(tagger, "सरकार ने व्हाट्सएप पर रोक लगाई")
    assert "platform:whatsapp" in ids(tagger, "حجب واتساب في البلاد")


def test_scripts_without_spaces_match_inside_text(tagger: Tagger) -> None:
    assert "platform:telegram" in ids(tagger, "用户无法使用电报发送消息")


def test_longest_match_wins(tagger: Tagger) -> None:
    found = ids(tagger, "Papua New Guinea restricts Facebook")
    assert "country:pg" in found and "country:gn" not in found
    assert "country:gn" in ids(tagger, "Guinea restricts Facebook")


def test_a_body_named_with_its_country_names_the_country(tagger: Tagger) -> None:
    found = ids(tagger, "Supreme Court of India strikes down the order")
    assert {"body:supreme-court-of-india", "country:in"} <= found


def test_demonym_in_passing_is_not_a_mention_but_a_name_is(tagger: Tagger) -> None:
    assert "country:ru" not in ids(tagger, "Blogger detained", "", "A Russian blogger was held.")
    assert "country:ru" in ids(tagger, "Blogger detained", "", "A blogger was held in Russia.")
    assert "country:ru" in ids(tagger, "Russian blogger detained")
    assert "country:us" not in ids(tagger, "Bail set", "", "He was released on US$ 20,000 bail.")


def test_acronyms_are_case_sensitive(tagger: Tagger) -> None:
    assert "org:ooni" in ids(tagger, "OONI measured the block")
    assert "org:ooni" not in ids(tagger, "Ooni pizza ovens on sale")
    assert "org:ooni" in ids(tagger, "Open Observatory of Network Interference data")


def test_ambiguous_alias_needs_context(tagger: Tagger) -> None:
    assert "platform:max-messenger" not in ids(tagger, "Max Verstappen wins in Monaco")
    assert "platform:max-messenger" in ids(tagger, "Max becomes the national messenger")
    # a context entity is as good as a context word
    assert "platform:max-messenger" in ids(tagger, "VK pushes Max to every phone")
    assert "platform:max-messenger" in ids(tagger, "Russia pushes the Max messenger")
    assert "country:ge" not in ids(tagger, "Georgia's governor signs a bill in Atlanta")
    assert "country:ge" in ids(tagger, "Georgia blocks sites", "Protests in Tbilisi continue")


def test_alias_two_entities_claim_goes_to_the_one_whose_context_is_met(tagger: Tagger) -> None:
    warnings = " ".join(tagger.warnings)
    # both mark "High Court" ambiguous (deliberate); "Высокий суд" is claimed unguarded
    assert "'high court'" not in warnings
    assert "'высокий суд' is claimed by high-court-bangladesh and high-court-kenya" in warnings
    assert "body:high-court-bangladesh" in ids(tagger, "Bangladesh: High Court orders access")
    assert "body:high-court-kenya" in ids(tagger, "Kenya's High Court suspends the order")
    found = ids(tagger, "The High Court rules on the ban")
    assert not {"body:high-court-kenya", "body:high-court-bangladesh"} & found


def test_countries_come_from_pycountry_and_country_toml(tagger: Tagger) -> None:
    assert "country:ru" in ids(tagger, "Russian Federation restricts calls")  # pycountry
    assert "country:ru" in ids(tagger, "Russia restricts calls")  # country.toml
    assert "country:ru" in ids(tagger, "Россия ограничила звонки")
    assert "country:ir" in ids(tagger, "Иран отключил интернет")  # pycountry's ru translation
    # a region (here an old-style country.toml entry with parent) is a region, never a
    # country, and places the story in its country
    result = tagger.tag("Mobile internet cut in Crimea")
    assert "region:crimea" in result.ids() and "country:crimea" not in result.ids()
    assert result.main_countries == ["ua"] and result.regions == ["crimea"]
    assert tagger.entity("crimea").type == "region" and tagger.entity("crimea").country == "ua"


def test_mentions_are_counted_per_zone_and_subject_outranks_passing_mention(
    tagger: Tagger,
) -> None:
    result = tagger.tag(
        "Russia restricts Telegram calls",
        "Telegram calls were partly blocked in Russia.",
        "Telegram said it fights fraud. Telegram users complained. Unlike WhatsApp, it was hit.",
    )
    by_id = {e.id: e for e in result.entities}
    assert by_id["telegram"].where == {"title": 1, "lead": 1, "body": 2}
    assert by_id["telegram"].mentions == 4
    assert by_id["whatsapp"].where == {"title": 0, "lead": 0, "body": 1}
    assert by_id["telegram"].salience > by_id["whatsapp"].salience
    assert result.entities[0].id in {"telegram", "ru"}
    assert all(0 <= e.salience <= 1 for e in result.entities)


def test_an_accident_is_never_a_shutdown(tagger: Tagger) -> None:
    outage = tagger.tag(
        "Undersea cable cuts knock West Africa offline",
        "Damage to several submarine cables cut connectivity in a dozen countries.",
        "Operators said the cable cuts, probably caused by an undersea landslide, would take "
        "weeks to repair. Traffic was rerouted. The outage hit banks and mobile data. "
        "Repair ships were sent to fix the damaged cables.",
    )
    types = [t.id for t in outage.event_types]
    assert "outage" in types and "shutdown" not in types
    shutdown = tagger.tag(
        "Authorities impose internet shutdown during protests",
        "The government ordered operators to cut mobile internet nationwide.",
        "NetBlocks confirmed the internet shutdown. Officials said the suspension of mobile "
        "internet would last until calm returned. Rights groups condemned the blackout.",
    )
    assert "shutdown" in [t.id for t in shutdown.event_types]
    assert "outage" not in [t.id for t in shutdown.event_types]


def test_relevance_separates_the_beat_from_other_news(tagger: Tagger) -> None:
    on_topic = tagger.tag(
        "Russia blocks Telegram",
        "Roskomnadzor ordered the messaging app blocked nationwide.",
        "Users turned to VPNs; digital rights groups condemned the censorship.",
    )
    off_topic = tagger.tag(
        "Local bakery wins national bread award",
        "",
        "The judges praised the crust and the crumb of the sourdough loaf.",
    )
    assert on_topic.relevance >= 0.5 > off_topic.relevance
    assert 0.0 <= off_topic.relevance <= on_topic.relevance <= 1.0


def test_topic_words_inside_an_act_phrase_count_for_relevance(tagger: Tagger) -> None:
    """A short restoration story whose topic words sit inside act phrases ("had blocked the
    platform") is on the beat: the act must not hide them."""
    lead = ("TikTok became accessible again in New Caledonia on Wednesday after France lifted "
            "the state of emergency it had declared on 15 May during riots in the territory.")
    result = tagger.tag("TikTok back in New Caledonia as state of emergency ends", lead,
                        lead + " The French government had blocked the platform for two weeks.")
    assert result.relevance >= RELEVANCE_THRESHOLD


def test_explain_lists_the_cues_behind_a_type(tagger: Tagger) -> None:
    cues = tagger.explain("Internet shutdown in Iraq for exams")
    assert ("shutdown", "internet shutdown", "title", 2.5) in cues


def test_empty_text(tagger: Tagger) -> None:
    result = tagger.tag("")
    assert result.entities == [] and result.event_types == [] and result.relevance == 0.0
