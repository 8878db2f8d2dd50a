"""Date phrases resolved against the article's date (newsarchive.incidents.dates)."""

from __future__ import annotations

from datetime import date

import pytest

from newsarchive.incidents.dates import find_dates
from newsarchive.incidents.lexicon import ascii_digits

THURSDAY = date(2025, 10, 2)


def days(sentence: str, ref: date = THURSDAY) -> list[date]:
    return [m.value for m in find_dates(sentence, ref) if m.precision == "day"]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Access was restored on Monday.", date(2025, 9, 29)),
    ("It will be lifted on Monday.", date(2025, 10, 6)),
    ("The block was imposed last Thursday.", date(2025, 9, 25)),
    ("Connectivity came back yesterday.", date(2025, 10, 1)),
    ("Internet was cut on 29 September.", date(2025, 9, 29)),
    ("From 11 August users could not call.", date(2025, 8, 11)),
    ("It began on September 29, 2025.", date(2025, 9, 29)),
    ("The order of 2024-12-24 lifted it.", date(2024, 12, 24)),
    ("On 1er juin la coupure a commencé.", date(2025, 6, 1)),
])
def test_day_phrases(sentence: str, expected: date) -> None:
    assert days(sentence) == [expected]


def test_a_year_is_chosen_near_the_article() -> None:
    # written on 3 January: 29 December is last year's
    assert days("Mobile data was cut on 29 December.", date(2021, 1, 3)) == [date(2020, 12, 29)]
    # a past event in a retrospective sentence stays in the article's year
    assert days("On 10 February it was lifted.", date(2021, 1, 13)) == [date(2021, 2, 10)]


def test_other_languages_and_digits() -> None:
    assert days("ordenó el 30 de agosto de 2024 la suspensión", date(2024, 8, 31)) == [
        date(2024, 8, 30)]
    assert days("Утром 10 января 2022 года, введённого 5 января", date(2022, 1, 10)) == [
        date(2022, 1, 10), date(2022, 1, 5)]
    assert days("15 Ocak 2020'de kaldırıldı", date(2020, 1, 15)) == [date(2020, 1, 15)]
    assert days("صباح الأول من حزيران 2023", date(2023, 6, 1)) == [date(2023, 6, 1)]
    persian = ascii_digits("روز چهارشنبه ۱ اکتبر ۲۰۲۵ پس از ۲۹ سپتامبر")
    assert days(persian, date(2025, 10, 1)) == [date(2025, 10, 1), date(2025, 9, 29)]


def test_ranges_keep_their_last_day() -> None:
    [mention] = find_dates("Internet off from 6 to 14 August 2023.", date(2023, 8, 5))
    assert (mention.value, mention.until) == (date(2023, 8, 6), date(2023, 8, 14))


def test_month_precision_and_the_verb_may() -> None:
    [mention] = find_dates("in mid-October", THURSDAY)
    assert (mention.value, mention.precision) == (date(2025, 10, 15), "month")
    assert find_dates("It may be lifted soon.", THURSDAY) == []


def test_a_weekday_before_a_date_is_not_a_second_date() -> None:
    assert days("Exams start on Sunday 6 August.", date(2023, 8, 5)) == [date(2023, 8, 6)]
