"""A year's framework as an Excel workbook, for a person to fill from the NACC or OBEC manual.

One sheet per part (`ita.framework_schema`), named by the part. Row 1 holds the columns' English
keys and is hidden: the reader goes by it, so columns may be moved. Row 2 holds the Thai headers,
each with a comment saying what the column takes; data starts on row 3. Choice and yes/no columns
carry Excel's drop-down lists, and a column naming another sheet's row a list of that sheet's keys.

Reading trusts nothing the file says about itself: its size, what it unpacks to, and each sheet's
rows and columns are bounded before openpyxl builds a row, and a sheet's claimed dimension is
ignored. Problems name the sheet, the row and the column's key.
"""

import io
import zipfile
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ita.catalogue import CellPlace, FrameworkFileError, FrameworkSpec, Problems, check, read_row
from ita.framework_schema import (
    BOOLEAN,
    CHOICE,
    CODES,
    DATE,
    DECIMAL,
    FRAMEWORK,
    INTEGER,
    LISTS,
    PARTS,
    PARTS_BY_NAME,
    REF,
    Field,
    Part,
)

# A year's workbook is some tens of kilobytes and a few hundred rows; these leave ample room.
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 10 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 40
MAX_SHEETS = 30
KEY_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
YES, NO = "yes", "no"
README_SHEET = "readme"


# --- Writing ---------------------------------------------------------------------------------


def framework_workbook(spec: FrameworkSpec) -> bytes:
    """The spec as a workbook (.xlsx) that `parse_workbook` reads back to the same spec."""
    workbook = Workbook()
    _readme(workbook.active)
    for part in PARTS:
        sheet = workbook.create_sheet(part.name)
        _layout(sheet, part)
        rows = [spec.header] if part.single else spec.rows[part.name]
        for number, row in enumerate(rows, start=FIRST_ROW):
            for column, f in enumerate(part.fields, start=1):
                _write(sheet.cell(number, column), f, row.values.get(f.name))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _readme(sheet) -> None:
    sheet.title = README_SHEET
    lines = [
        _("ITA framework of one fiscal year: one sheet per part, filled from the year's manual."),
        _("Row 2 holds the column headers; each header's comment says what the column takes."),
        _("Add rows from row 3 down. Leave the hidden row 1 as it is: it names the columns."),
        _("Items name their sub-indicator, required contents their item, by code."),
        _("Load the file with: python manage.py load_framework FILE.xlsx"),
    ]
    for number, line in enumerate(lines, start=1):
        sheet.cell(number, 1, line)
    sheet.column_dimensions["A"].width = 100


def _layout(sheet, part: Part) -> None:
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    for column, f in enumerate(part.fields, start=1):
        letter = get_column_letter(column)
        sheet.cell(KEY_ROW, column, f.name)
        header = sheet.cell(HEADER_ROW, column, f.label_th)
        header.font, header.fill = bold, fill
        header.alignment = Alignment(wrap_text=True, vertical="top")
        header.comment = Comment(column_hint(f), "ITA-SPDCA", width=300, height=160)
        long_text = f.kind not in (INTEGER, DECIMAL, BOOLEAN, DATE, REF) and (f.max_length or 0) >= 255
        sheet.column_dimensions[letter].width = 45 if long_text else 16
        choices = _choices(f)
        if choices:
            validation = DataValidation(type="list", formula1=choices, allow_blank=True, showErrorMessage=True)
            validation.error = _("Choose a value from the list.")
            validation.add(f"{letter}{FIRST_ROW}:{letter}{MAX_ROWS}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[KEY_ROW].hidden = True
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)


def _choices(f: Field) -> str | None:
    """An Excel list: the choices, yes/no, or the key column of the sheet a reference names."""
    if f.kind == CHOICE:
        return '"' + ",".join(f.choices) + '"'
    if f.kind == BOOLEAN:
        return f'"{YES},{NO}"'
    if f.kind == REF:
        target = PARTS_BY_NAME[f.ref]
        letter = get_column_letter(target.fields.index(target.field(target.key)) + 1)
        return f"'{target.name}'!${letter}${FIRST_ROW}:${letter}${MAX_ROWS}"
    return None


def column_hint(f: Field) -> str:
    lines = [f.name]
    if f.required:
        lines.append(_("Required."))
    if f.kind == CHOICE:
        lines.append(_("One of:"))
        lines += [f"{value} = {label}" for value, label in f.model_field.choices]
    elif f.kind == BOOLEAN:
        lines.append(_("yes or no"))
    elif f.kind == DATE:
        lines.append(_("A date, YYYY-MM-DD (Common Era)."))
    elif f.kind in (INTEGER, DECIMAL):
        lines.append(_("A number from %(low)s to %(high)s.") % {"low": f.low, "high": f.high})
    elif f.kind == CODES:
        lines.append(_("Codes of last year's items, separated by commas, e.g. O1, O3."))
    elif f.kind == REF:
        lines.append(_("A code from the sheet %(sheet)s.") % {"sheet": f.ref})
    elif f.max_length:
        lines.append(_("Text, at most %(count)d characters.") % {"count": f.max_length})
    return "\n".join(lines)


def _write(cell, f: Field, value) -> None:
    if value is None or value == "" or value == []:
        return
    kind = f.kind
    if kind == REF:
        target = PARTS_BY_NAME[f.ref]
        kind = target.field(target.key).kind
    if kind == BOOLEAN:
        cell.value = YES if value else NO
    elif kind == DATE:
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif kind == DECIMAL:
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    elif kind == INTEGER:
        cell.value = value
    elif kind == CODES:
        cell.value = ", ".join(value)
        cell.data_type = "s"
    else:
        # Kept as text: a name starting with "=" is not a formula, a code such as 9.10 not a number.
        cell.value = value
        cell.data_type = "s"
        cell.number_format = "@"


# --- Reading ---------------------------------------------------------------------------------


def parse_workbook(source: str | Path | BinaryIO, *, check_whole: bool = True) -> FrameworkSpec:
    """Read and check a framework workbook; every problem names its sheet, row and column.

    Without `check_whole`, only each value is checked, not the rules of the whole (the editor
    takes a half-filled workbook and lists what is still to fix)."""
    data = _bytes(source)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FrameworkFileError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a file that is not a workbook
        raise FrameworkFileError([_("The file is not a readable Excel workbook.")]) from exc
    problems = Problems()
    try:
        rows = {part.name: _read_sheet(workbook, part, problems) for part in PARTS}
    finally:
        workbook.close()
    header = rows.pop(FRAMEWORK.name)
    if not header:
        if not problems:
            problems.add(CellPlace(FRAMEWORK.name, FIRST_ROW), None, _("the framework's row is missing"))
        raise FrameworkFileError(problems)
    spec = FrameworkSpec(header=header[0], rows=rows, places={part.name: CellPlace(part.name) for part in LISTS})
    for extra in header[1:]:
        problems.add(extra.place, None, _("this sheet holds one row, the year's framework"))
    if check_whole:
        check(spec, problems)
    if problems:
        raise FrameworkFileError(problems)
    return spec


def _bytes(source) -> bytes:
    if isinstance(source, (str, Path)):
        try:
            with open(source, "rb") as stream:
                data = stream.read(MAX_BYTES + 1)
        except OSError as exc:
            message = _("%(path)s cannot be read: %(error)s") % {"path": source, "error": exc}
            raise FrameworkFileError([message]) from exc
    else:
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FrameworkFileError([_("the file is larger than %(size)d MB") % {"size": MAX_BYTES // 2**20}])
    return data


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook too big to read, from what it holds rather than what it says it holds.

    zipfile stops each part at its recorded size, so the recorded sizes bound what is unpacked;
    each sheet's rows and columns are counted in one streaming pass before openpyxl reads it.
    """
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise FrameworkFileError([_("the workbook unpacks to more than %(size)d MB") % {"size": MAX_UNPACKED // 2**20}])
    sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
    if len(sheets) > MAX_SHEETS:
        raise FrameworkFileError([_("the workbook has more than %(count)d sheets") % {"count": MAX_SHEETS}])
    for name in sheets:
        with archive.open(name) as stream:
            _check_sheet(stream)


def _check_sheet(stream) -> None:
    """Count a sheet's rows and columns by their positions, with expat and no tree: constant memory."""
    row = column = 0

    def start(name: str, attributes: dict) -> None:
        nonlocal row, column
        tag = name.rpartition(" ")[2]  # "<namespace> <tag>"
        if tag == "row":
            row, column = int(attributes.get("r") or row + 1), 0
            if row > MAX_ROWS:
                raise FrameworkFileError([_("a sheet has more than %(count)d rows") % {"count": MAX_ROWS}])
        elif tag == "c":
            reference = attributes.get("r")
            column = column_index_from_string(reference.rstrip("0123456789")) if reference else column + 1
            if column > MAX_COLUMNS:
                raise FrameworkFileError([_("a sheet has more than %(count)d columns") % {"count": MAX_COLUMNS}])

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise FrameworkFileError([_("The file is not a readable Excel workbook.")]) from exc


def _read_sheet(workbook, part: Part, problems: Problems) -> list:
    if part.name not in workbook.sheetnames:
        problems.add(None, None, _("the workbook has no sheet “%(sheet)s”") % {"sheet": part.name})
        return []
    sheet = workbook[part.name]
    # The sheet's <dimension> would pad every row (and add rows) up to the size it claims.
    sheet.reset_dimensions()
    fields = {f.name: f for f in part.fields}
    columns: dict[int, Field] = {}
    rows = []
    number = 0
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number == KEY_ROW:
                columns = _columns(part, cells, fields, problems)
                if columns is None:
                    return []
                continue
            if number < FIRST_ROW or all(cell is None or str(cell).strip() == "" for cell in cells):
                continue
            raw = {f.name: cells[index] if index < len(cells) else None for index, f in columns.items()}
            rows.append(read_row(part, raw, CellPlace(part.name, number), problems, lenient=True))
    except FrameworkFileError:
        raise
    except Exception:  # a cell openpyxl cannot convert, e.g. a number cell holding "NaN"
        problems.add(CellPlace(part.name, number + 1), None, _("a cell cannot be read"))
    if number < KEY_ROW:
        problems.add(CellPlace(part.name), None, _("row 1 must name the columns"))
    return rows


def _columns(part: Part, cells, fields: dict, problems: Problems) -> dict[int, Field] | None:
    """The fields of the key row's columns; a problem for each unknown key and each missing one."""
    place = CellPlace(part.name, KEY_ROW)
    columns = {}
    for index, cell in enumerate(cells):
        key = str(cell).strip() if cell is not None else ""
        if not key:
            continue
        if key not in fields or fields[key] in columns.values():
            problems.add(place, get_column_letter(index + 1), _("“%(key)s” is not a known field") % {"key": key[:40]})
            continue
        columns[index] = fields[key]
    missing = [f.name for f in part.fields if f not in columns.values() and (f.required or part.parent_field is f)]
    for key in missing:
        problems.add(CellPlace(part.name), None, _("column “%(key)s” is missing") % {"key": key})
    return None if missing else columns
