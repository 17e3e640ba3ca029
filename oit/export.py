"""The OIT item list in the form the national ITA system asks for: one row per item, in its order.

The headers and the มี/ไม่มี values are the national system's own wording, so they stay Thai
whatever language the person exporting uses.
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ita.models import Assessment
from oit.models import Publication

HEADERS = ("ข้อ", "ชื่อข้อมูล", "มี/ไม่มี", "URL", "คำอธิบาย")
AVAILABLE = "มี"
NOT_AVAILABLE = "ไม่มี"
# (width in characters, wrap) per column of the spreadsheet
XLSX_COLUMNS = ((8, False), (60, True), (10, False), (55, False), (80, True))
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportRow:
    code: str
    name: str
    available: str
    url: str
    description: str
    fiscal_year: int

    @property
    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.code, self.name, self.available, self.url, self.description)


def export_rows(assessment: Assessment, *, base_url: str) -> list[ExportRow]:
    """One row per item of the assessment, by definition number, with its permanent public URL.

    `base_url` is the site's address without a trailing slash, e.g. "https://ita.example.go.th".
    """
    live = Publication.objects.filter(withdrawn_at__isnull=True)
    items = (
        assessment.oit_items.select_related("definition")
        .prefetch_related(Prefetch("publications", queryset=live, to_attr="live_publications"))
        .order_by("definition__number")
    )
    rows = []
    for item in items:
        item.assessment = assessment  # get_public_url needs the office; spare a query per item
        publication = item.live_publications[0] if item.live_publications else None
        rows.append(
            ExportRow(
                code=item.definition.code,
                name=item.definition.name_th,
                available=AVAILABLE if publication else NOT_AVAILABLE,
                url=base_url + item.get_public_url(),
                description=publication.description if publication else item.description,
                fiscal_year=assessment.fiscal_year,
            )
        )
    return rows


def render_csv(rows: list[ExportRow]) -> bytes:
    """UTF-8 with a byte-order mark, without which Excel reads Thai as garbage."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_csv_safe(value) for value in row.cells])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_safe(value: str) -> str:
    # A description typed by staff must not become a formula in the exporting admin's Excel.
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def render_xlsx(rows: list[ExportRow]) -> bytes:
    """The same table as an Excel workbook: bold header, wrapped long text, frozen header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"OIT {rows[0].fiscal_year}" if rows else "OIT"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row.cells)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl stores text starting with "=" as a formula
    for index, (width, wrap) in enumerate(XLSX_COLUMNS, start=1):
        column = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[column].width = width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = Alignment(vertical="top", wrap_text=wrap)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
