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
    official_document_html,
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


def _body(html: str) -> str:
    return html.split("<body>", 1)[1].split("</body>", 1)[0]


def test_a_thai_digit_document_writes_every_digit_in_thai_but_addresses_codes_and_files():
    html = (
        "<html><head><title>2566</title><style>p { margin: 2cm; }</style></head><body>"
        "<p>ตัวชี้วัดที่ 9 มี 12 ข้อ ดู O5 และ EB12 ที่ https://www.example.go.th/ita/2566/O5?a=1 "
        "ส่ง ita2566@example.go.th ไฟล์ report-2566.pdf &#39;3&#39;</p>"
        '<svg viewBox="0 0 100 50"><text x="10" y="20">90</text></svg></body></html>'
    )
    out = official_document_html(html, thai_digits=True)
    body = _body(out)
    assert "ตัวชี้วัดที่ ๙ มี ๑๒ ข้อ" in body
    for kept in ("O5", "EB12", "https://www.example.go.th/ita/2566/O5?a=1", "ita2566@example.go.th", "report-2566.pdf"):
        assert kept in body, kept
    assert "&#39;๓&#39;" in body  # character references stay references
    assert '<svg viewBox="0 0 100 50">' in body and '<text x="10" y="20">๙๐</text>' in body
    assert "<title>2566</title><style>p { margin: 2cm; }</style>" in out  # the head is not text


def test_dates_and_years_never_break_across_lines():
    html = (
        "<html><body><p>ประชุมวันที่ 10 พฤษภาคม 2566 และ 3 ต.ค. 2565 ใน ปีงบประมาณ พ.ศ. 2566 (พ.ศ. 2565)</p></body></html>"
    )
    body = _body(official_document_html(html, thai_digits=False))
    for whole in ("10 พฤษภาคม 2566", "3 ต.ค. 2565", "ปีงบประมาณ พ.ศ. 2566", "พ.ศ. 2565"):
        assert f'<span class="nowrap">{whole}</span>' in body, whole
    assert "๑" not in body  # Arabic digits stay Arabic


def test_nothing_is_wrapped_inside_a_drawing():
    html = "<html><body><svg><text>10 พฤษภาคม 2566</text></svg></body></html>"
    assert "nowrap" not in official_document_html(html, thai_digits=True)
