"""Reading an office's staff list from a CSV or Excel sheet, bounded like the results import.

The first row names the columns, in Thai or English (คำนำหน้า, ชื่อ, นามสกุล, ตำแหน่ง, กลุ่ม/หน่วย,
อีเมล, บทบาท); a single name column (ชื่อ-นามสกุล) is split, its honorific taken off the front.
The e-mail address is optional: a person without one goes on the staff list without an account.
Every bad row is reported with its number and nothing is imported. The file is read as a stream
and refused past MEMBERS_IMPORT_MAX_BYTES, MEMBERS_IMPORT_MAX_ROWS or MEMBERS_IMPORT_MAX_COLUMNS
whatever it claims; a workbook is also refused when it unpacks to more than the byte limit.
"""

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.models import Office, Role, Unit, User
from core.sheets import SheetLimits, first_problems, normalise, quoted, read_rows

# Problems are listed up to this many, and the rest counted: the page stays short however bad the file.

HEADERS = {
    "honorific": {"คำนำหน้า", "คำนำหน้าชื่อ", "คำนำหน้านาม", "honorific", "title", "prefix"},
    "first_name": {"ชื่อ", "firstname", "first_name", "givenname"},
    "last_name": {"นามสกุล", "สกุล", "lastname", "last_name", "surname", "familyname"},
    "full_name": {"ชื่อ-นามสกุล", "ชื่อ-สกุล", "ชื่อนามสกุล", "ชื่อสกุล", "name", "fullname", "full_name"},
    "position": {"ตำแหน่ง", "position"},
    "unit": {"กลุ่ม", "หน่วย", "กลุ่ม/หน่วย", "กลุ่มงาน", "หน่วยงาน", "unit", "group"},
    "email": {"อีเมล", "อีเมล์", "e-mail", "email", "mail"},
    "role": {"บทบาท", "role"},
}
ROLES = {
    Role.ADMIN: {"admin", "administrator", "ผู้ดูแล", "ผู้ดูแลระบบ"},
    Role.COMMITTEE: {"committee", "committeemember", "กรรมการ", "คณะกรรมการ"},
    Role.STAFF: {"", "staff", "เจ้าหน้าที่", "บุคลากร"},
}
# Taken off the front of a whole name, longest first (นางสาว before นาง).
HONORIFICS = sorted(
    {"นาย", "นาง", "นางสาว", "น.ส.", "ดร.", "ว่าที่ร้อยตรี", "ว่าที่ร.ต.", "ว่าที่ ร.ต.", "ผศ.", "รศ.", "ศ."}
    | {"Mr.", "Mrs.", "Ms.", "Dr."},
    key=len,
    reverse=True,
)


@dataclass(frozen=True)
class StaffRow:
    """One person of the sheet, checked."""

    row: int
    honorific: str
    first_name: str
    last_name: str
    position: str
    unit: Unit | None
    email: str
    role: str


def read_staff_sheet(upload: UploadedFile, *, office: Office) -> list[StaffRow]:
    """The people of the sheet, or a ValidationError listing every bad row."""
    rows = _read_rows(upload)
    header = next((cells for _number, cells in rows if any(_text(cell) for cell in cells)), None)
    if header is None:
        raise ValidationError(_("The file is empty."))
    columns = _columns([normalise(cell) for cell in header])
    units = _units(office)
    limits = {name: User._meta.get_field(name).max_length for name in ("honorific", "first_name", "last_name")}
    limits |= {"position": User._meta.get_field("position").max_length, "email": 254}
    people: list[StaffRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        try:
            values = {name: _text(cells[index]) if index < len(cells) else "" for name, index in columns.items()}
        except ValueError:
            problems.append(_("Row %(row)d: a cell holds NaN or infinity instead of a value.") % {"row": number})
            continue
        if not any(values.values()):
            continue
        row_problems = []
        if "full_name" in values:
            honorific, first, last = _split_name(values.pop("full_name"))
            values["honorific"] = values.get("honorific") or honorific
            values["first_name"], values["last_name"] = first, last
        # Without an e-mail address the person goes on the staff list only, without an account.
        for name, label in (("first_name", _("first name")), ("last_name", _("last name"))):
            if not values.get(name):
                row_problems.append(_("Row %(row)d: the %(column)s is missing.") % {"row": number, "column": label})
        for name, limit in limits.items():
            if len(values.get(name, "")) > limit:
                row_problems.append(
                    _("Row %(row)d: “%(value)s” is longer than %(limit)d characters.")
                    % {"row": number, "value": quoted(values[name]), "limit": limit}
                )
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row_problems.append(
                    _("Row %(row)d: “%(email)s” is not an e-mail address.") % {"row": number, "email": quoted(email)}
                )
            else:
                if email.lower() in seen:
                    row_problems.append(
                        _("Row %(row)d: %(email)s is also on row %(other)d.")
                        % {"row": number, "email": email, "other": seen[email.lower()]}
                    )
                seen.setdefault(email.lower(), number)
        role = _role(values.get("role", ""))
        if role is None:
            row_problems.append(
                _("Row %(row)d: the role “%(role)s” is not one of ผู้ดูแลระบบ, คณะกรรมการ or เจ้าหน้าที่.")
                % {"row": number, "role": quoted(values["role"])}
            )
        unit = None
        if values.get("unit"):
            unit = units.get(normalise(values["unit"]))
            if unit is None:
                row_problems.append(
                    _("Row %(row)d: the office has no unit “%(unit)s”; add it on the Units page first.")
                    % {"row": number, "unit": quoted(values["unit"])}
                )
        if row_problems:
            problems.extend(row_problems)
            continue
        people.append(
            StaffRow(
                row=number,
                honorific=values.get("honorific", ""),
                first_name=values["first_name"],
                last_name=values["last_name"],
                position=values.get("position", ""),
                unit=unit,
                email=email,
                role=role,
            )
        )
    if problems:
        raise ValidationError(first_problems(problems))
    if not people:
        raise ValidationError(_("The sheet lists nobody."))
    return people


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, names in HEADERS.items():
            if name in names and key not in columns:
                columns[key] = index
    has_names = {"first_name", "last_name"} <= columns.keys() or "full_name" in columns
    if not has_names:
        raise ValidationError(
            _(
                "The first row must name the columns: ชื่อ and นามสกุล (or one ชื่อ-นามสกุล column); "
                "คำนำหน้า, ตำแหน่ง, กลุ่ม/หน่วย, อีเมล and บทบาท may follow."
            )
        )
    if "full_name" in columns and {"first_name", "last_name"} <= columns.keys():
        del columns["full_name"]
    return columns


def _units(office: Office) -> dict[str, Unit]:
    """The office's units by their name and short name, as a sheet may spell either."""
    units: dict[str, Unit] = {}
    for unit in office.units.all():
        for name in (unit.short_name, unit.name):
            if name:
                units.setdefault(normalise(name), unit)
    return units


def _role(value: str) -> str | None:
    key = normalise(value)
    return next((role for role, names in ROLES.items() if key in names or key == normalise(role.label)), None)


def _split_name(value: str) -> tuple[str, str, str]:
    """“นางสาววิไล รักงาน” → (นางสาว, วิไล, รักงาน)."""
    honorific = next((h for h in HONORIFICS if value.startswith(h)), "")
    rest = value[len(honorific) :].strip()
    first, _space, last = rest.partition(" ")
    return honorific, first.strip(), last.strip()


def _text(cell) -> str:
    """The cell as one line of text; ValueError for a number that is no value (NaN, infinity),
    as Excel or a pandas export (the text "NaN") writes an empty cell."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise ValueError(cell)
        if cell.is_integer():
            return str(int(cell))  # Excel keeps an id or a phone number as 1234.0
    text = re.sub(r"\s+", " ", str(cell)).strip()
    if text in {"NaN", "inf", "-inf", "Infinity", "-Infinity"}:
        raise ValueError(text)
    return text


def _read_rows(upload: UploadedFile):
    return read_rows(
        upload,
        SheetLimits(
            max_bytes=settings.MEMBERS_IMPORT_MAX_BYTES,
            max_rows=settings.MEMBERS_IMPORT_MAX_ROWS,
            max_columns=settings.MEMBERS_IMPORT_MAX_COLUMNS,
            too_large=_("The file is %(size)s; a staff sheet may be at most %(limit)s."),
            unpacks_too_large=_("The workbook unpacks to %(size)s; a staff sheet may be at most %(limit)s."),
            too_many_rows=_("The sheet has more than %(limit)s rows; import the staff list in parts."),
            too_many_columns=_("The sheet has more than %(limit)s columns; keep only the columns of the staff list."),
        ),
    )
