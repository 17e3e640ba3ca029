"""Reading a CSV file or an Excel workbook of rows, one row at a time, within limits.

What a file says of itself is not trusted: a workbook's claimed dimension is ignored, what it
unpacks to is held to the file's limit, and each sheet's rows and columns are counted in one
streaming pass before openpyxl builds any row. Imports (official results, staff lists) give
their own limits and words.
"""

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

PROBLEMS_SHOWN = 50  # the rows an error list names before it says how many more there are


@dataclass(frozen=True)
class SheetLimits:
    """What one import reads at most, and how it says so (lazy translations, with %(size)s,
    %(limit)s)."""

    max_bytes: int
    max_rows: int
    max_columns: int
    too_large: str  # the file is too large
    unpacks_too_large: str  # the workbook unpacks to too much
    too_many_rows: str
    too_many_columns: str


def normalise(cell) -> str:
    return re.sub(r"\s+", "", str(cell or "")).lower()


def quoted(raw: str, length: int = 30) -> str:
    """A cell's text as an error message repeats it: short, whatever the cell holds."""
    return raw if len(raw) <= length else f"{raw[:length]}…"


def first_problems(problems: list[str]) -> list[str]:
    """The first PROBLEMS_SHOWN problems and how many more, so that the page stays short."""
    if len(problems) <= PROBLEMS_SHOWN:
        return problems
    more = len(problems) - PROBLEMS_SHOWN
    return [*problems[:PROBLEMS_SHOWN], _("…and %(count)s more rows.") % {"count": f"{more:,}"}]


def read_rows(upload: UploadedFile, limits: SheetLimits) -> Iterator[tuple[int, list]]:
    """(row number, cells without the empty ones at the end) of the file (a workbook's active
    sheet), one at a time, within the limits."""
    if upload.size > limits.max_bytes:
        raise ValidationError(
            str(limits.too_large),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limits.max_bytes)},
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension == ".xlsx":
        rows = _xlsx_rows(upload, limits)
    elif extension == ".csv":
        rows = _csv_rows(upload)
    else:
        raise ValidationError(_("Import a .csv or .xlsx file."))
    for number, row in enumerate(rows, start=1):
        if number > limits.max_rows:
            raise _too_many_rows(limits)
        cells = ["" if cell is None else cell for cell in row]
        while cells and cells[-1] == "":
            cells.pop()
        if len(cells) > limits.max_columns:
            raise _too_many_columns(limits)
        yield number, cells


def _too_many_rows(limits: SheetLimits) -> ValidationError:
    return ValidationError(str(limits.too_many_rows), code="rows", params={"limit": f"{limits.max_rows:,}"})


def _too_many_columns(limits: SheetLimits) -> ValidationError:
    return ValidationError(str(limits.too_many_columns), code="columns", params={"limit": f"{limits.max_columns:,}"})


def _csv_rows(upload: UploadedFile) -> Iterator[list[str]]:
    upload.seek(0)
    try:
        # An uploaded file iterates line by line; the reader takes the lines as they come.
        yield from csv.reader(codecs.iterdecode(upload, "utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Save the CSV file as UTF-8.")) from exc
    except csv.Error as exc:  # a field longer than the csv module accepts, a stray quote
        raise ValidationError(_("The file is not a readable CSV file.")) from exc


def _xlsx_rows(upload: UploadedFile, limits: SheetLimits) -> Iterator[tuple]:
    upload.seek(0)
    workbook = None
    read = 0
    try:
        with zipfile.ZipFile(upload) as archive:
            _check_workbook_size(archive, limits)
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
        sheet = workbook.active
        # The sheet's <dimension> would pad every row (and add rows) up to the size it claims;
        # without it, a row holds only the cells the file has.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield row
            read += 1
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a file that is not a workbook
        if read:  # e.g. a number cell holding "NaN", which openpyxl cannot convert
            raise ValidationError(_("Row %(row)d: a cell cannot be read."), params={"row": read + 1}) from exc
        raise ValidationError(_("The file is not a readable Excel workbook.")) from exc
    finally:
        if workbook is not None:
            workbook.close()


def _check_workbook_size(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    """Refuse a workbook too big to read, from what it holds rather than what it says it holds.

    What a workbook unpacks to is held to the same limit as the file: zipfile stops each part at
    its recorded size, and openpyxl reads about a megabyte of XML a second at worst (a shared-string
    table of one-letter strings), so the limit bounds the time too. Each sheet's rows and columns
    are then counted in one streaming pass, before openpyxl builds any row.
    """
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limits.max_bytes:
        raise ValidationError(
            str(limits.unpacks_too_large),
            code="too_large",
            params={"size": filesizeformat(unpacked), "limit": filesizeformat(limits.max_bytes)},
        )
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as stream:
                _check_sheet(stream, limits)


def _check_sheet(stream, limits: SheetLimits) -> None:
    """Count a sheet's rows and columns by their positions, with expat and no tree: constant memory."""
    row = column = 0

    def start(name: str, attributes: dict) -> None:
        nonlocal row, column
        tag = name.rpartition(" ")[2]  # "<namespace> <tag>"
        if tag == "row":
            row, column = int(attributes.get("r") or row + 1), 0
            if row > limits.max_rows:
                raise _too_many_rows(limits)
        elif tag == "c":
            reference = attributes.get("r")
            column = column_index_from_string(reference.rstrip("0123456789")) if reference else column + 1
            if column > limits.max_columns:
                raise _too_many_columns(limits)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.ParseFile(stream)
