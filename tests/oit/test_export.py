import csv
import io

import pytest
from openpyxl import load_workbook

from oit.export import HEADERS, export_rows, render_csv, render_xlsx
from oit.models import Item
from tests.oit.publishing import Team, add_file, get_item, prepare, publish, published_item

pytestmark = pytest.mark.django_db

BASE_URL = "https://ita.example.go.th"
CODES = [f"O{n}" for n in range(1, 44)]


@pytest.fixture
def team(staff_member, committee_member, admin_member):
    return Team(staff=staff_member, committee=committee_member, admin=admin_member)


@pytest.fixture
def rows(assessment, team):
    """O12 published with a summary (and edited since); O13 approved but not published."""
    item = prepare(get_item(assessment, "O12"), team)
    add_file(item, team)
    Item.objects.filter(pk=item.pk).update(description="รายงานผลการใช้จ่ายงบประมาณ รอบ 6 เดือน")
    publish(item, team)
    Item.objects.filter(pk=item.pk).update(description="ร่างใหม่ที่ยังไม่เผยแพร่")
    Item.objects.filter(assessment=assessment, definition__code="O13").update(
        status=Item.Status.APPROVED, description="สรุปของ O13"
    )
    return export_rows(assessment, base_url=BASE_URL)


def by_code(rows):
    return {row.code: row for row in rows}


def test_rows_follow_the_national_order(rows):
    assert [row.code for row in rows] == CODES


def test_only_published_items_are_available(rows):
    assert [row.code for row in rows if row.available == "มี"] == ["O12"]
    assert {row.available for row in rows if row.code != "O12"} == {"ไม่มี"}


def test_the_url_is_the_permanent_public_page(rows, assessment):
    slug = assessment.office.slug
    assert by_code(rows)["O12"].url == f"{BASE_URL}/{slug}/ita/2566/O12/"
    assert by_code(rows)["O1"].url == f"{BASE_URL}/{slug}/ita/2566/O1/"


def test_the_description_is_the_published_one_else_the_items_own(rows):
    assert by_code(rows)["O12"].description == "รายงานผลการใช้จ่ายงบประมาณ รอบ 6 เดือน"
    assert by_code(rows)["O13"].description == "สรุปของ O13"
    assert by_code(rows)["O1"].description == ""


def test_the_names_are_thai_whatever_the_language(rows, assessment):
    o12 = get_item(assessment, "O12").definition
    assert by_code(rows)["O12"].name == o12.name_th


def test_export_rows_runs_a_fixed_number_of_queries(assessment, team, django_assert_num_queries):
    for code in ("O1", "O2", "O3"):
        published_item(assessment, team, code=code)
    with django_assert_num_queries(2):
        export_rows(assessment, base_url=BASE_URL)


def test_the_csv_opens_in_excel_with_thai_intact(rows):
    content = render_csv(rows)
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == ["ข้อ", "ชื่อข้อมูล", "มี/ไม่มี", "URL", "คำอธิบาย"]
    assert [line[0] for line in table[1:]] == CODES
    o12 = table[1:][11]
    assert o12[0] == "O12"
    assert o12[1] == by_code(rows)["O12"].name
    assert o12[2] == "มี"
    assert o12[3] == by_code(rows)["O12"].url
    assert o12[4] == "รายงานผลการใช้จ่ายงบประมาณ รอบ 6 เดือน"


def test_the_csv_keeps_multiline_descriptions_in_one_cell(assessment):
    Item.objects.filter(assessment=assessment, definition__code="O1").update(description="บรรทัดแรก\nบรรทัดที่สอง")
    table = list(csv.reader(io.StringIO(render_csv(export_rows(assessment, base_url=BASE_URL)).decode("utf-8-sig"))))
    assert len(table) == 44
    assert table[1][4] == "บรรทัดแรก\nบรรทัดที่สอง"


def test_a_description_cannot_become_a_formula(assessment):
    Item.objects.filter(assessment=assessment, definition__code="O1").update(description='=HYPERLINK("x")')
    rows = export_rows(assessment, base_url=BASE_URL)

    table = list(csv.reader(io.StringIO(render_csv(rows).decode("utf-8-sig"))))
    assert table[1][4] == '\'=HYPERLINK("x")'
    sheet = load_workbook(io.BytesIO(render_xlsx(rows))).active
    assert sheet["E2"].value == '=HYPERLINK("x")'
    assert sheet["E2"].data_type == "s"


def test_the_xlsx_has_the_same_table(rows):
    workbook = load_workbook(io.BytesIO(render_xlsx(rows)))
    sheet = workbook.active
    assert sheet.title == "OIT 2566"
    table = [[cell or "" for cell in line] for line in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == HEADERS
    assert [line[0] for line in table[1:]] == CODES
    assert table[12] == list(by_code(rows)["O12"].cells)
    assert table[12][2] == "มี"


def test_the_xlsx_is_readable(rows):
    sheet = load_workbook(io.BytesIO(render_xlsx(rows))).active
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width >= 60
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["B"].width
    assert sheet["E2"].alignment.wrap_text
    assert sheet["B2"].alignment.wrap_text
