"""Reading a staff sheet: Thai or English headers, errors by row, and the same bounds as the results import."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Role
from accounts.sheets import read_staff_sheet
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages as written; the Thai ones come from the catalogue."""
    with translation.override("en"):
        yield


THAI_HEADER = ["คำนำหน้า", "ชื่อ", "นามสกุล", "ตำแหน่ง", "กลุ่ม/หน่วย", "อีเมล", "บทบาท"]


def csv_file(rows, name="staff.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(str(cell) for cell in row) for row in rows)
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(rows, *, sheet=lambda xml: xml) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, sheet(data) if name == "xl/worksheets/sheet1.xml" else data)
    return SimpleUploadedFile("staff.xlsx", out.getvalue())


def problems(upload, office) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read_staff_sheet(upload, office=office)
    return caught.value.messages


def test_a_thai_sheet_is_read_with_units_and_roles(office):
    unit = UnitFactory(office=office, name="กลุ่มนโยบายและแผน", short_name="กนผ.")
    rows = read_staff_sheet(
        csv_file(
            [
                THAI_HEADER,
                ["นางสาว", "วิไล", "รักงาน", "นักวิเคราะห์นโยบายและแผน", "กนผ.", "wilai@example.go.th", "คณะกรรมการ"],
                ["ดร.", "สมชาย", "ใจดี", "", "กลุ่มนโยบายและแผน", "somchai@example.go.th", ""],
                ["", "", "", "", "", "", ""],
            ]
        ),
        office=office,
    )
    assert [(r.row, r.honorific, r.first_name, r.unit, r.role) for r in rows] == [
        (2, "นางสาว", "วิไล", unit, Role.COMMITTEE),
        (3, "ดร.", "สมชาย", unit, Role.STAFF),
    ]


def test_a_whole_name_column_is_split_and_its_honorific_taken_off(office):
    upload = xlsx_file([["ชื่อ-นามสกุล", "e-mail", "role"], ["นางสาววิไล รักงาน", "wilai@example.go.th", "admin"]])
    (row,) = read_staff_sheet(upload, office=office)
    assert (row.honorific, row.first_name, row.last_name, row.role) == ("นางสาว", "วิไล", "รักงาน", Role.ADMIN)


def test_the_email_is_optional_for_the_staff_list(office):
    rows = read_staff_sheet(
        xlsx_file([["ชื่อ-นามสกุล", "ตำแหน่ง"], ["นางสาววิไล รักงาน", "ครู"], ["นายสมชาย ใจดี", ""]]), office=office
    )
    assert [(r.first_name, r.last_name, r.email) for r in rows] == [("วิไล", "รักงาน", ""), ("สมชาย", "ใจดี", "")]


def test_every_bad_row_is_reported_and_nothing_is_returned(office):
    found = problems(
        csv_file(
            [
                THAI_HEADER,
                ["นาย", "", "ใจดี", "", "", "a@example.go.th", ""],
                ["นาย", "สมศักดิ์", "ดีใจ", "", "", "not-an-address", ""],
                ["นาย", "สมหมาย", "ใจงาม", "", "กลุ่มที่ไม่มี", "b@example.go.th", ""],
                ["นาย", "สมปอง", "ใจเย็น", "", "", "B@example.go.th", "หัวหน้า"],
                ["นาย", "สมพร", "ใจกว้าง", "", "", "c@example.go.th", ""],
            ]
        ),
        office,
    )
    assert [text.split(":")[0] for text in found] == ["Row 2", "Row 3", "Row 4", "Row 5", "Row 5"]


def test_a_sheet_without_the_needed_columns_says_which(office):
    assert "ชื่อ and นามสกุล" in problems(csv_file([["ชื่อ", "ตำแหน่ง"], ["วิไล", "ครู"]]), office)[0]


def test_nan_and_infinity_are_row_errors(office):
    upload = xlsx_file(
        [["ชื่อ", "นามสกุล", "อีเมล", "ตำแหน่ง"], ["วิไล", "รักงาน", "w@example.go.th", 1]],
        sheet=lambda xml: xml.replace(b"<v>1</v>", b"<v>NaN</v>"),
    )
    assert problems(upload, office) == ["Row 2: a cell cannot be read."]
    text = csv_file([["ชื่อ", "นามสกุล", "อีเมล"], ["NaN", "รักงาน", "w@example.go.th"]])
    assert problems(text, office) == ["Row 2: a cell holds NaN or infinity instead of a value."]


def test_the_file_size_rows_and_columns_are_bounded(office, settings):
    settings.MEMBERS_IMPORT_MAX_ROWS = 3
    settings.MEMBERS_IMPORT_MAX_COLUMNS = 8
    header = ["ชื่อ", "นามสกุล", "อีเมล"]
    many = [header, *([f"ชื่อ{n}", "สกุล", f"p{n}@example.go.th"] for n in range(5))]
    assert "more than 3 rows" in problems(csv_file(many), office)[0]
    assert "more than 3 rows" in problems(xlsx_file(many), office)[0]
    wide = [header, ["วิไล", "รักงาน", "w@example.go.th", *range(10)]]
    assert "more than 8 columns" in problems(csv_file(wide), office)[0]
    settings.MEMBERS_IMPORT_MAX_BYTES = 100
    big = csv_file([header, ["วิไล", "รักงาน", "w@example.go.th", "x" * 200]])
    assert "at most" in problems(big, office)[0]


def test_a_long_cell_is_refused_by_row(office):
    found = problems(csv_file([["ชื่อ", "นามสกุล", "อีเมล"], ["ก" * 151, "รักงาน", "w@example.go.th"]]), office)
    assert found[0].startswith("Row 2:") and "150" in found[0]


@pytest.mark.parametrize("name", ["staff.txt", "staff.xls"])
def test_only_csv_and_xlsx_are_read(office, name):
    assert problems(SimpleUploadedFile(name, b"x"), office) == ["Import a .csv or .xlsx file."]


def test_a_file_that_is_no_workbook_is_refused(office):
    assert problems(SimpleUploadedFile("staff.xlsx", b"PK not a zip"), office) == [
        "The file is not a readable Excel workbook."
    ]
