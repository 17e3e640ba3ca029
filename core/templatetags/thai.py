"""Template filters for Buddhist-Era dates and Thai digits; loaded in every template."""

from django import template

from core import thai
from core.i18n import localized

register = template.Library()


@register.filter
def be_date(value):
    """`{{ day|be_date }}` → `10 พ.ค. 2566`."""
    return thai.format_be_date(value)


@register.filter
def be_date_long(value):
    """`{{ day|be_date_long }}` → `10 พฤษภาคม 2566`."""
    return thai.format_be_date(value, long=True)


@register.filter
def be_datetime(value):
    return thai.format_be_datetime(value)


@register.filter
def fiscal_year_label(value):
    """`{{ 2566|fiscal_year_label }}` → `ปีงบประมาณ พ.ศ. 2566`."""
    return thai.fiscal_year_label(int(value))


@register.filter
def thai_digits(value):
    return thai.thai_digits(value)


@register.filter
def loc(obj, field):
    """`{{ item|loc:"name" }}`: the Thai or English name, following the UI language."""
    return localized(obj, field)
