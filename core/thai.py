"""Thai calendar, digits and dictionary order.

Dates are shown in the Buddhist Era (BE = CE + 543). The Thai fiscal year runs from 1 October
to 30 September and is named by the BE year it ends in: FY 2566 = 1 Oct 2565 – 30 Sep 2566 BE
(1 Oct 2022 – 30 Sep 2023 CE).
"""

import datetime as dt
import re

from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

BE_OFFSET = 543

MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_TH_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_digits(text: object) -> str:
    """Write the Arabic digits of `text` as Thai digits (๐–๙)."""
    return str(text).translate(_THAI_DIGITS)


# What keeps its own digits in a Thai-digit document: addresses, e-mail addresses, item codes
# (O5, EB12), file names, and HTML character references.
_KEEP_DIGITS = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[A-Za-z]{1,3}\d{1,3}(?:\.\d+)*\b"
    r"|[^\s<>\"'/\\]+\.(?:pdf|docx?|xlsx?|csv|odt|ods|pptx?|jpe?g|png|gif|zip|txt)\b"
    r"|(?<![\w/])/[A-Za-z0-9_-]+/[^\s<>\"']*"  # a path of the site: /office/ita/2566/O5/
    r"|&#?\w+;",
    re.IGNORECASE,
)
_DIGIT = r"[0-9๐-๙]"
_MONTHS = "|".join(re.escape(month) for month in (*MONTHS_TH, *MONTHS_TH_SHORT))
# A date, a Buddhist-Era year or a fiscal year is never split across two lines.
_UNBREAKABLE = re.compile(
    rf"(?:{_DIGIT}{{1,2}}\s+(?:{_MONTHS})\s*(?:พ\.ศ\.\s*)?{_DIGIT}{{4}})"
    rf"|(?:(?:ปีงบประมาณ\s*)?พ\.ศ\.\s*{_DIGIT}{{4}})"
    rf"|(?:ปีงบประมาณ\s+{_DIGIT}{{4}})"
)
_TAG = re.compile(r"(<[^>]*>)")


def thai_digits_in_text(text: str) -> str:
    """Thai digits everywhere in `text` but in addresses, e-mail addresses, codes and file names."""
    parts, last = [], 0
    for match in _KEEP_DIGITS.finditer(text):
        parts.append(thai_digits(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(thai_digits(text[last:]))
    return "".join(parts)


def official_document_html(html: str, *, thai_digits: bool) -> str:
    """The body of a rendered document written as an official document is: one digit system for
    all its text, whoever wrote it (the framework, people, the template), and no line break inside
    a date or a year. Tags, styles and SVG drawings are left as they are."""
    head, marker, body = html.partition("<body")
    if not marker:
        return html
    out, skip = [], 0  # inside <style>, <script> or <svg>: no spans, no changes
    for part in _TAG.split(body):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].rstrip("/>").lower() if len(part) > 2 else ""
            if name in ("style", "script", "svg"):
                skip += 1
            elif name in ("/style", "/script", "/svg"):
                skip = max(skip - 1, 0)
            out.append(part)
            continue
        if thai_digits:
            part = thai_digits_in_text(part)
        if not skip:
            part = _UNBREAKABLE.sub(lambda match: f'<span class="nowrap">{match.group(0)}</span>', part)
        out.append(part)
    return head + marker + "".join(out)


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def format_be_date(value: dt.date | dt.datetime | None, *, long: bool = False) -> str:
    """`10 พ.ค. 2566` (or `10 พฤษภาคม 2566` when long); English: `10 May 2566 BE`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    year = be_year(value.year)
    if (get_language() or "th").startswith("th"):
        month = (MONTHS_TH if long else MONTHS_TH_SHORT)[value.month - 1]
        return f"{value.day} {month} {year}"
    month = MONTHS_EN[value.month - 1]
    return f"{value.day} {month if long else month[:3]} {year} BE"


def format_be_datetime(value: dt.datetime | None) -> str:
    """`10 พ.ค. 2566 14:05 น.`; English: `10 May 2566 BE 14:05`."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    time = local.strftime("%H:%M")
    if (get_language() or "th").startswith("th"):
        return f"{format_be_date(local)} {time} น."
    return f"{format_be_date(local)} {time}"


def fiscal_year_of(day: dt.date) -> int:
    """The BE fiscal year a date falls in: 1 Oct 2022 (CE) is the first day of FY 2566."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day (CE dates) of a BE fiscal year."""
    end_year_ce = fiscal_year - BE_OFFSET
    return dt.date(end_year_ce - 1, 10, 1), dt.date(end_year_ce, 9, 30)


def fiscal_year_label(fiscal_year: int) -> str:
    return _("Fiscal year B.E. %(year)s") % {"year": fiscal_year}


# Thai dictionary order: a leading vowel (เ แ โ ใ ไ) is written before its consonant but
# sorted after it, and tone marks only break ties.
_LEADING_VOWELS = frozenset("เแโใไ")
_TONE_MARKS = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")


def thai_sort_key(text: str) -> tuple[str, str]:
    chars = list(text.casefold())
    i = 0
    while i < len(chars) - 1:
        if chars[i] in _LEADING_VOWELS:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 2
        else:
            i += 1
    reordered = "".join(chars)
    return "".join(c for c in reordered if c not in _TONE_MARKS), reordered


POSTGRESQL_THAI_COLLATION = "th-TH-x-icu"
SQLITE_THAI_COLLATION = "thai"


def _sqlite_thai_compare(a: str, b: str) -> int:
    key_a, key_b = thai_sort_key(a), thai_sort_key(b)
    return (key_a > key_b) - (key_a < key_b)


def register_sqlite_thai_collation(sender, connection, **kwargs) -> None:
    """Give SQLite connections the Thai collation PostgreSQL has through ICU."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_THAI_COLLATION, _sqlite_thai_compare)


class ThaiCollate(Collate):
    """Order by an expression in Thai dictionary order, on PostgreSQL (ICU) and SQLite."""

    def __init__(self, expression):
        super().__init__(expression, POSTGRESQL_THAI_COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        collation = connection.ops.quote_name(SQLITE_THAI_COLLATION)
        return super().as_sql(compiler, connection, collation=collation, **extra_context)
