import datetime as dt
import random

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import Office
from core.thai import (
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    format_be_date,
    format_be_datetime,
    thai_digits,
    thai_sort_key,
)


@pytest.mark.parametrize(
    ("day", "short", "long"),
    [
        (dt.date(2023, 5, 10), "10 พ.ค. 2566", "10 พฤษภาคม 2566"),
        (dt.date(2022, 10, 1), "1 ต.ค. 2565", "1 ตุลาคม 2565"),
        (dt.date(2024, 2, 29), "29 ก.พ. 2567", "29 กุมภาพันธ์ 2567"),
    ],
)
def test_dates_show_in_the_buddhist_era(day, short, long):
    with translation.override("th"):
        assert format_be_date(day) == short
        assert format_be_date(day, long=True) == long


def test_english_dates_keep_the_buddhist_era_year():
    with translation.override("en"):
        assert format_be_date(dt.date(2023, 5, 10)) == "10 May 2566 BE"
        assert format_be_date(dt.date(2023, 5, 10), long=True) == "10 May 2566 BE"


def test_datetimes_are_shown_in_bangkok_time():
    moment = dt.datetime(2023, 5, 9, 20, 30, tzinfo=dt.UTC)  # 03:30 on the 10th in Bangkok
    with translation.override("th"):
        assert format_be_datetime(moment) == "10 พ.ค. 2566 03:30 น."


def test_empty_dates_show_nothing():
    assert format_be_date(None) == ""
    assert format_be_datetime(None) == ""


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (dt.date(2022, 9, 30), 2565),
        (dt.date(2022, 10, 1), 2566),
        (dt.date(2023, 5, 10), 2566),
        (dt.date(2023, 9, 30), 2566),
        (dt.date(2023, 10, 1), 2567),
    ],
)
def test_the_fiscal_year_starts_on_the_first_of_october(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2566) == (dt.date(2022, 10, 1), dt.date(2023, 9, 30))


def test_fiscal_year_label_is_translated():
    with translation.override("th"):
        assert fiscal_year_label(2566) == "ปีงบประมาณ พ.ศ. 2566"
    with translation.override("en"):
        assert fiscal_year_label(2566) == "Fiscal year B.E. 2566"


def test_thai_digits():
    assert thai_digits("10 พ.ค. 2566") == "๑๐ พ.ค. ๒๕๖๖"


def test_template_filters_are_available_everywhere():
    with translation.override("th"):
        html = Template("{{ d|be_date }} / {{ d|be_date_long }} / {{ 2566|fiscal_year_label }}").render(
            Context({"d": dt.date(2023, 5, 10)})
        )
    assert html == "10 พ.ค. 2566 / 10 พฤษภาคม 2566 / ปีงบประมาณ พ.ศ. 2566"


THAI_DICTIONARY_ORDER = ["กา", "เกม", "แกะ", "ไก่", "ขวด", "ข้าว", "เขียว", "นก", "สพม.จันทบุรี ตราด", "เสือ"]


def test_thai_sort_key_puts_leading_vowels_after_their_consonant():
    shuffled = random.Random(2566).sample(THAI_DICTIONARY_ORDER, len(THAI_DICTIONARY_ORDER))
    assert sorted(shuffled, key=thai_sort_key) == THAI_DICTIONARY_ORDER


@pytest.mark.django_db
def test_the_database_sorts_thai_in_dictionary_order():
    for n, name in enumerate(random.Random(2567).sample(THAI_DICTIONARY_ORDER, len(THAI_DICTIONARY_ORDER))):
        Office.objects.create(name=name, short_name=name, slug=f"o{n}")
    assert list(Office.objects.values_list("name", flat=True)) == THAI_DICTIONARY_ORDER
