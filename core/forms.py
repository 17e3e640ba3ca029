"""Dates as Thai offices write them: day/month/Buddhist-Era year (10/05/2566).

People type BE dates; ISO dates in the Christian Era (2023-05-10) stay accepted as the machine
format that tests and scripts post. A year typed in the other calendar is the usual slip (a CE year
in a BE date shifts the date by 543 years), so it is refused with a message that names the year and
the fix, never read as a date 543 years away.
"""

import calendar
import datetime as dt
import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.thai import BE_OFFSET, MONTHS_EN, MONTHS_TH

# A sane range for an office's dates; outside it a typed year is a slip, not a date.
BE_YEAR_MIN = 2500
BE_YEAR_MAX = 2700

_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# 10052566 too: a phone's number pad (inputmode=numeric) may have no separators at all.
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|(\d{2})(\d{2})(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")
# For the browser only (the server gives the clear message): either order, any of the separators.
_D, _SEP = "[0-9๐-๙]", r"[\/.\-]"
INPUT_PATTERN = f"{_D}{{1,2}}{_SEP}{_D}{{1,2}}{_SEP}{_D}{{4}}|{_D}{{4}}{_SEP}{_D}{{1,2}}{_SEP}{_D}{{1,2}}|{_D}{{8}}"

MESSAGES = {
    "invalid": _("Enter the date as day/month/Buddhist-Era year, e.g. 10/05/2566."),
    "christian_era": _(
        "The year %(year)s looks like a Christian-Era (CE) year. Enter the Buddhist-Era year, e.g. %(suggestion)s."
    ),
    "buddhist_era_iso": _(
        "The year %(year)s is a Buddhist-Era year, but a date written year-month-day takes the "
        "Christian-Era year. Enter %(suggestion)s."
    ),
    "out_of_range": _("The year must be between %(low)s and %(high)s (Buddhist Era)."),
    "no_month": _("There is no month %(month)s: months are 01 to 12."),
    "no_day": _("There is no such day: %(month)s %(year)s has %(days)s days."),
}

WEEKDAYS = (  # the picker's columns, Sunday first as on Thai calendars
    pgettext_lazy("weekday", "Su"),
    pgettext_lazy("weekday", "Mo"),
    pgettext_lazy("weekday", "Tu"),
    pgettext_lazy("weekday", "We"),
    pgettext_lazy("weekday", "Th"),
    pgettext_lazy("weekday", "Fr"),
    pgettext_lazy("weekday", "Sa"),
)


def format_be_input(value: dt.date) -> str:
    """`10/05/2566`: a date as it is typed, with Arabic digits (inputs never take Thai digits)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"


def parse_be_date(text: str) -> dt.date:
    """The date in `text`: `d/m/yyyy` with a BE year (`/`, `-` or `.` between, or `ddmmyyyy`;
    Thai digits allowed) or ISO `yyyy-mm-dd` with a CE year. Raises ValidationError with a message that says
    what is wrong and how to write it."""
    value = str(text).strip().translate(_TO_ARABIC).replace(" ", "")
    ce_low, ce_high = BE_YEAR_MIN - BE_OFFSET, BE_YEAR_MAX - BE_OFFSET
    if match := _DAY_FIRST.fullmatch(value):
        day, month, year = (int(part) for part in match.groups() if part is not None)
        if ce_low <= year <= ce_high:
            suggestion = f"{day:02d}/{month:02d}/{year + BE_OFFSET}"
            raise _error("christian_era", year=year, suggestion=suggestion)
        be = year
    elif match := _YEAR_FIRST.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
        if BE_YEAR_MIN <= year <= BE_YEAR_MAX:
            raise _error("buddhist_era_iso", year=year, suggestion=f"{day:02d}/{month:02d}/{year}")
        be = year + BE_OFFSET
    else:
        raise _error("invalid")
    if not BE_YEAR_MIN <= be <= BE_YEAR_MAX:
        raise _error("out_of_range", low=BE_YEAR_MIN, high=BE_YEAR_MAX)
    if not 1 <= month <= 12:
        raise _error("no_month", month=f"{month:02d}")
    days = calendar.monthrange(be - BE_OFFSET, month)[1]
    if not 1 <= day <= days:
        names = MONTHS_TH if (get_language() or "th").startswith("th") else MONTHS_EN
        raise _error("no_day", month=names[month - 1], year=be, days=days)
    return dt.date(be - BE_OFFSET, month, day)


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params)


def _picker_labels() -> str:
    """What the picker (static/core/datepicker.js) shows, in the page's language."""
    thai = (get_language() or "th").startswith("th")
    return json.dumps(
        {
            "months": list(MONTHS_TH if thai else MONTHS_EN),
            "weekdays": [str(day) for day in WEEKDAYS],
            "title": str(_("{month} {year} BE")),
            "day": str(_("{day} {month} {year} BE")),
            "open": str(_("Choose a date")),
            "previousMonth": str(_("Previous month")),
            "nextMonth": str(_("Next month")),
            "previousYear": str(_("Previous year")),
            "nextYear": str(_("Next year")),
            "close": str(_("Close")),
            "today": str(_("Today")),
        },
        ensure_ascii=False,
    )


class DateInput(forms.TextInput):
    """A text input that shows a date as `dd/mm/yyyy` in the Buddhist Era; the picker script
    adds a calendar button beside it, and the input works without it."""

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "numeric",
            "placeholder": _("dd/mm/yyyy"),
            "pattern": INPUT_PATTERN,
            "title": _("Day/month/Buddhist-Era year, e.g. 10/05/2566"),
            "maxlength": 10,
            "autocomplete": "off",
            "data-thai-date": "",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            text = value
            try:
                value = dt.date.fromisoformat(text)  # initial data kept as text (framework drafts)
            except ValueError:
                return text  # what the person typed, shown back with its error
            if not BE_YEAR_MIN <= value.year + BE_OFFSET <= BE_YEAR_MAX:
                return text  # typed and refused: 2566-05-10 is shown as typed, not as 10/05/3109
        if isinstance(value, dt.date):
            return format_be_input(value)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        """A BE date comes to the field as ISO, so even a plain DateField with this widget
        reads it right; anything else goes on as typed for the field to judge."""
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str) and value.strip():
            try:
                return parse_be_date(value).isoformat()
            except ValidationError:
                return value
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-picker"] = _picker_labels()
        return context


class ThaiDateField(forms.DateField):
    """A date typed as `d/m/yyyy` in the Buddhist Era, or ISO in the Christian Era."""

    widget = DateInput
    default_error_messages = {"invalid": MESSAGES["invalid"]}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return parse_be_date(value)


def thai_date_formfield(db_field, **kwargs):
    """`Meta.formfield_callback` for model forms: every date column becomes a ThaiDateField."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        return db_field.formfield(form_class=ThaiDateField, **kwargs)
    return db_field.formfield(**kwargs)
