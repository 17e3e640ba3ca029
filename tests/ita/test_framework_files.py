"""Every year's framework dumps to YAML and to a workbook, and loading either back writes no row;
a workbook's mistakes are named by sheet, row and column, and what it claims about itself is not trusted."""

import io
import re
import time
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ita import workbook
from ita.catalogue import FrameworkFileError, parse_framework_file
from ita.framework_schema import PARTS
from ita.models import Framework
from ita.services.frameworks import framework_load, framework_spec
from tests.conftest import FRAMEWORK_DIR

pytestmark = pytest.mark.django_db

YEARS = sorted(int(path.stem) for path in FRAMEWORK_DIR.glob("*.yaml"))
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def dump(year: int, tmp_path, fmt: str):
    path = tmp_path / f"{year}.{fmt}"
    call_command("dump_framework", str(year), "--format", fmt, "-o", str(path), stdout=io.StringIO())
    return path


def test_every_year_file_is_loaded():
    assert YEARS == [2565, 2566, 2567, 2568, 2569]
    assert list(Framework.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True)) == YEARS


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
@pytest.mark.parametrize("year", YEARS)
def test_loading_a_dump_writes_no_row(tmp_path, year, fmt):
    path = dump(year, tmp_path, fmt)
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("load_framework", str(path), stdout=out)
    assert [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])] == []
    assert "already up to date" in out.getvalue()


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
@pytest.mark.parametrize("year", YEARS)
def test_a_dump_holds_everything_the_file_says(tmp_path, year, fmt):
    assert parse_framework_file(dump(year, tmp_path, fmt)) == parse_framework_file(FRAMEWORK_DIR / f"{year}.yaml")


def test_the_yaml_dump_goes_to_standard_output_and_reads_back(tmp_path):
    out = io.StringIO()
    call_command("dump_framework", "2569", stdout=out)
    (tmp_path / "2569.yaml").write_text(out.getvalue(), encoding="utf-8")
    assert parse_framework_file(tmp_path / "2569.yaml") == parse_framework_file(FRAMEWORK_DIR / "2569.yaml")
    assert "evidence_period: quarterly" in out.getvalue()


def test_dumping_a_year_without_a_framework_fails():
    with pytest.raises(CommandError):
        call_command("dump_framework", "2590", stdout=io.StringIO())


def test_a_changed_workbook_updates_the_catalogue_in_place(tmp_path):
    path = dump(2569, tmp_path, "xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["items"]
    keys = [cell.value for cell in sheet[1]]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, keys.index("code") + 1).value == "O5")
    sheet.cell(row, keys.index("evidence_period") + 1, "current_fy")
    book.save(path)
    item = Framework.objects.get(fiscal_year=2569).items.get(code="O5")
    result = framework_load(spec=parse_framework_file(path))
    assert (result.created, result.updated, result.deleted) == (0, 1, 0)
    item.refresh_from_db()
    assert item.evidence_period == "current_fy"


# --- the workbook's layout ----------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_part_with_thai_headers_and_lists(tmp_path):
    book = openpyxl.load_workbook(dump(2569, tmp_path, "xlsx"))
    assert book.sheetnames == ["readme", *[part.name for part in PARTS]]
    items = book["items"]
    keys = [cell.value for cell in items[1]]
    assert items.row_dimensions[1].hidden
    period = keys.index("evidence_period") + 1
    header = items.cell(2, period)
    assert header.value == "ช่วงเวลาของข้อมูล"
    assert "evidence_period" in header.comment.text
    assert "quarterly" in header.comment.text
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in items.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(period)
    assert lists[f"{letter}3"] == '"current_fy,previous_fy,quarterly,none"'
    assert lists["A3"] == "'sub_indicators'!$B$3:$B$2000"  # an item names a sub-indicator of the sheet
    unconfirmed = openpyxl.utils.get_column_letter(keys.index("unconfirmed") + 1)
    assert lists[f"{unconfirmed}3"] == '"yes,no"'
    o11 = next(r for r in items.iter_rows(min_row=3, values_only=True) if r[1] == "O11")
    assert o11[period - 1] == "quarterly"
    assert items.freeze_panes == "A3"


def test_codes_and_text_stay_text_in_the_workbook(tmp_path):
    book = openpyxl.load_workbook(dump(2566, tmp_path, "xlsx"))
    subs = book["sub_indicators"]
    assert [subs.cell(r, 2).value for r in range(3, 5)] == ["9.1", "9.2"]
    assert subs.cell(3, 2).data_type == "s"
    items = book["items"]
    keys = [cell.value for cell in items[1]]
    assert items.cell(3, keys.index("previous_codes") + 1).value is None  # 2566 maps to no earlier year


# --- mistakes in a workbook -----------------------------------------------------------------------


def workbook_problems(path) -> list[str]:
    with translation.override("en"), pytest.raises(FrameworkFileError) as excinfo:
        parse_framework_file(path)
    return excinfo.value.problems


def edit(path, change):
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def column(sheet, key: str) -> int:
    return [cell.value for cell in sheet[1]].index(key) + 1


def test_a_workbook_mistake_is_named_by_sheet_row_and_column(tmp_path):
    def change(book):
        items = book["items"]
        items.cell(12, column(items, "evidence_period"), "someday")
        items.cell(13, column(items, "name_th")).value = None
        items.cell(14, column(items, "sub_indicator"), "9.9")
        book["instruments"].cell(3, column(book["instruments"], "weight"), 35)
        book["calendar"].cell(4, column(book["calendar"], "start"), "soon")

    problems = workbook_problems(edit(dump(2569, tmp_path, "xlsx"), change))
    assert (
        "sheet items row 12 column evidence_period: must be one of current_fy, previous_fy, quarterly, none" in problems
    )
    assert "sheet items row 13: “name_th” is required" in problems
    assert "sheet items row 14 column sub_indicator: “9.9” is not one of this year's sub_indicators" in problems
    assert "sheet instruments: the weights add up to 105, not 100" in problems
    assert "sheet calendar row 4 column start: must be a date written YYYY-MM-DD" in problems


def test_a_workbook_without_a_sheet_or_a_column_is_refused(tmp_path):
    def change(book):
        del book["calendar"]
        book["items"].delete_cols(column(book["items"], "name_th"))
        book["items"].cell(1, 20, "colour")

    problems = workbook_problems(edit(dump(2568, tmp_path, "xlsx"), change))
    assert "the workbook has no sheet “calendar”" in problems
    assert "sheet items: column “name_th” is missing" in problems
    assert "sheet items row 1 column T: “colour” is not a known field" in problems


def test_yes_no_and_numbers_typed_into_text_columns_are_read(tmp_path):
    def change(book):
        bands = book["rating_bands"]
        bands.cell(3, column(bands, "passing"), "ใช่")
        items = book["items"]
        items.cell(3, column(items, "previous_codes"), "O1;O3")
        items.cell(3, column(items, "unconfirmed"), True)

    spec = parse_framework_file(edit(dump(2568, tmp_path, "xlsx"), change))
    assert spec.of("rating_bands")[0].passing is True
    assert (spec.items[0].previous_codes, spec.items[0].unconfirmed) == (["O1", "O3"], True)


def test_an_instrument_beyond_iit_eit_oit_names_its_kind(tmp_path):
    def change(book):
        book["instruments"].cell(4, 1, "EIT(1)")
        book["instruments"].cell(4, 2).value = None
        book["respondent_rules"].cell(4, 1, "EIT(1)")
        for row in range(3, 13):
            if book["indicators"].cell(row, 2).value == "EIT":
                book["indicators"].cell(row, 2, "EIT(1)")

    path = edit(dump(2569, tmp_path, "xlsx"), change)
    assert workbook_problems(path) == ["sheet instruments row 4: “kind” is required"]
    edit(path, lambda book: book["instruments"].cell(4, 2, "EIT"))
    assert [i.code for i in parse_framework_file(path).of("instruments")] == ["IIT", "EIT(1)", "OIT"]


# --- bounds ---------------------------------------------------------------------------------------


def test_a_workbooks_claimed_dimension_is_not_trusted(tmp_path):
    path = dump(2566, tmp_path, "xlsx")
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)
            target.writestr(info, content)
    path.write_bytes(data.getvalue())
    started = time.monotonic()
    assert parse_framework_file(path) == parse_framework_file(FRAMEWORK_DIR / "2566.yaml")
    assert time.monotonic() - started < 10


def test_a_sheet_with_too_many_rows_is_refused_before_it_is_read(tmp_path):
    path = edit(dump(2569, tmp_path, "xlsx"), lambda book: book["requirements"].cell(workbook.MAX_ROWS + 1, 2, "x"))
    assert workbook_problems(path) == [f"a sheet has more than {workbook.MAX_ROWS} rows"]


def test_a_sheet_with_too_many_columns_is_refused(tmp_path):
    path = edit(dump(2569, tmp_path, "xlsx"), lambda book: book["items"].cell(3, workbook.MAX_COLUMNS + 1, "x"))
    assert workbook_problems(path) == [f"a sheet has more than {workbook.MAX_COLUMNS} columns"]


def test_a_workbook_too_big_or_unpacking_too_far_is_refused(tmp_path, monkeypatch):
    path = dump(2569, tmp_path, "xlsx")
    monkeypatch.setattr(workbook, "MAX_UNPACKED", 1000)
    assert workbook_problems(path) == ["the workbook unpacks to more than 0 MB"]
    monkeypatch.setattr(workbook, "MAX_BYTES", 1000)
    assert workbook_problems(path) == ["the file is larger than 0 MB"]


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "2569.xlsx"
    path.write_bytes(b"not a workbook at all")
    assert workbook_problems(path) == ["The file is not a readable Excel workbook."]


def test_a_spec_from_the_database_equals_the_file():
    spec = framework_spec(Framework.objects.get(fiscal_year=2568))
    assert spec == parse_framework_file(FRAMEWORK_DIR / "2568.yaml")
