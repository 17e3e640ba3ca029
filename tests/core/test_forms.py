import datetime
import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from core.forms import DateInput, ThaiDateField, thai_date_formfield
from spdca.models import Meeting

MAY_10 = datetime.date(2023, 5, 10)


@pytest.fixture(autouse=True)
def _thai():
    with translation.override("th"):
        yield


def message(text: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        ThaiDateField(**kwargs).clean(text)
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    "text",
    [
        "10/05/2566",
        "10/5/2566",
        "10-05-2566",
        "10.05.2566",
        " 10/05/2566 ",
        "๑๐/๐๕/๒๕๖๖",
        "๑๐/05/๒๕๖๖",
        "10052566",  # a phone's number pad has no separators
        "2023-05-10",  # ISO in the Christian Era: what tests and scripts post
    ],
)
def test_a_be_date_or_an_iso_date_is_read(text):
    assert ThaiDateField().clean(text) == MAY_10


def test_the_leap_day_of_2567_exists_and_that_of_2566_does_not():
    assert ThaiDateField().clean("29/02/2567") == datetime.date(2024, 2, 29)
    assert message("29/02/2566") == "ไม่มีวันที่นี้ในปฏิทิน: เดือนกุมภาพันธ์ 2566 มี 28 วัน"


@pytest.mark.parametrize("text", ["10/05/2023", "10-5-2023", "10052023"])
def test_a_christian_era_year_typed_day_first_is_caught(text):
    assert message(text) == "ปี 2023 น่าจะเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. เช่น 10/05/2566"


def test_a_buddhist_era_year_in_an_iso_date_is_caught():
    assert message("2566-05-10") == ("ปี 2566 เป็นปี พ.ศ. แต่วันที่แบบ ปี-เดือน-วัน ต้องใช้ปี ค.ศ. กรุณากรอกเป็น 10/05/2566")


@pytest.mark.parametrize("text", ["01/01/2499", "01/01/2701", "1900-01-01", "2158-01-01", "01/01/1900"])
def test_a_date_outside_the_sane_range_is_refused(text):
    assert message(text) == "ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2700"


def test_the_edges_of_the_range_are_dates():
    assert ThaiDateField().clean("01/01/2500") == datetime.date(1957, 1, 1)
    assert ThaiDateField().clean("31/12/2700") == datetime.date(2157, 12, 31)


@pytest.mark.parametrize("text", ["10/05/66", "10 พ.ค. 2566", "2566", "100566", "abc", "10//05/2566", "1" * 200])
def test_anything_else_asks_for_the_format(text):
    assert message(text) == "กรุณากรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 10/05/2566"


def test_a_month_past_twelve_is_named():
    assert message("10/13/2566") == "ไม่มีเดือนที่ 13 (เดือนต้องเป็น 01 ถึง 12)"


def test_empty_stays_empty_and_required_stays_required():
    assert ThaiDateField(required=False).clean("") is None
    assert ThaiDateField(required=False).clean("   ") is None
    assert message("") == "ฟิลด์นี้จำเป็น"


def test_the_messages_are_english_on_the_english_page():
    with translation.override("en"):
        assert message("10/05/2023") == (
            "The year 2023 looks like a Christian-Era (CE) year. Enter the Buddhist-Era year, e.g. 10/05/2566."
        )
        assert message("29/02/2566") == "There is no such day: February 2566 has 28 days."


# --- the widget ----------------------------------------------------------------------------


class DateForm(forms.Form):
    day = ThaiDateField(required=False)


def test_the_widget_shows_a_be_date_for_typing():
    html = DateForm(initial={"day": MAY_10}).as_p()
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="10/05/2566"' in html
    assert 'inputmode="numeric"' in html
    assert 'placeholder="วว/ดด/ปปปป"' in html
    assert "pattern=" in html and "data-thai-date" in html
    assert 'maxlength="10"' in html


def test_the_widget_shows_iso_text_and_datetimes_in_the_buddhist_era():
    widget = DateInput()
    assert widget.format_value("2023-05-10") == "10/05/2566"
    assert widget.format_value(datetime.datetime(2024, 2, 29, 13, 0)) == "29/02/2567"
    assert widget.format_value(None) is None


@pytest.mark.parametrize("typed", ["10/05/2023", "2566-05-10", "31/02/2566"])
def test_what_was_typed_comes_back_with_its_error(typed):
    form = DateForm({"day": typed})
    assert not form.is_valid()
    assert f'value="{typed}"' in form.as_p()


def test_a_valid_date_comes_back_in_the_buddhist_era():
    form = DateForm({"day": "2023-05-10"})
    assert 'value="10/05/2566"' in form.as_p()


def test_the_pattern_takes_both_forms_and_thai_digits():
    import re

    pattern = re.compile(DateInput().attrs["pattern"])
    for text in ("10/05/2566", "1-5-2566", "๑๐.๐๕.๒๕๖๖", "10052566", "2023-05-10"):
        assert pattern.fullmatch(text), text
    assert not pattern.fullmatch("10 May 2566")


def test_the_picker_labels_follow_the_language():
    labels = json.loads(DateInput().get_context("day", None, {})["widget"]["attrs"]["data-picker"])
    assert labels["months"][4] == "พฤษภาคม"
    assert labels["weekdays"][0] == "อา"
    assert labels["title"] == "{month} {year}"
    with translation.override("en"):
        labels = json.loads(DateInput().get_context("day", None, {})["widget"]["attrs"]["data-picker"])
        assert labels["months"][4] == "May" and labels["title"] == "{month} {year} BE"
        html = DateForm().as_p()
        assert 'placeholder="dd/mm/yyyy"' in html


def test_a_plain_date_field_with_the_widget_still_reads_a_be_date():
    class PlainForm(forms.Form):
        day = forms.DateField(widget=DateInput())

    form = PlainForm({"day": "10/05/2566"})
    assert form.is_valid() and form.cleaned_data["day"] == MAY_10


def test_model_forms_get_the_field_through_the_callback():
    class MeetingForm(forms.ModelForm):
        class Meta:
            model = Meeting
            fields = ["date", "place"]
            formfield_callback = thai_date_formfield

    field = MeetingForm.base_fields["date"]
    assert isinstance(field, ThaiDateField) and field.required
    assert field.label == Meeting._meta.get_field("date").formfield().label
    assert not isinstance(MeetingForm.base_fields["place"], ThaiDateField)
