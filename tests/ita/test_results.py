import io
import re
import time
import tracemalloc
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from ita.models import OfficialResult
from ita.selectors import latest_result, summarize
from ita.services import results
from ita.services.assessments import assessment_open
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db

# IIT 90 on each of 1–5, EIT 80 on 6–8, OIT 93.50 and 100: the published 2564 OIT row (38.70 of 40).
SCORES = {**dict.fromkeys(range(1, 6), D(90)), **dict.fromkeys(range(6, 9), D(80)), 9: D("93.50"), 10: D(100)}


def url(assessment, name="ita:results"):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year])


def enter(assessment, member, scores=SCORES, **kwargs):
    return results.result_enter(assessment=assessment, membership=member, scores=scores, **kwargs)


def summary_of(assessment, member, scores):
    return summarize(enter(assessment, member, scores), assessment.framework)


def test_the_arithmetic_reproduces_the_published_oit_row(assessment, admin_member):
    summary = summary_of(assessment, admin_member, SCORES)
    assert summary.instruments == {"IIT": D(90), "EIT": D(80), "OIT": D("96.75")}
    assert summary.points["OIT"] == D("38.70")
    assert summary.total == D("89.70")  # 27 + 24 + 38.70


def test_2566_gives_plain_pass_when_one_instrument_is_below_85(assessment, admin_member):
    assert summary_of(assessment, admin_member, SCORES).band.code == "pass"


@pytest.mark.parametrize(
    ("iit", "eit", "oit", "band"),
    [
        ("95", "95", "95", "excellent"),
        ("100", "94.99", "100", "good"),  # total 98.50, but EIT misses 95
        ("85", "85", "85", "good"),
        ("100", "84.99", "100", "pass"),
        ("84.99", "84.99", "84.99", "improve"),
        ("70", "70", "70", "improve"),
        ("69.99", "69.99", "69.99", "urgent"),
    ],
)
def test_2566_levels_and_their_per_instrument_conditions(assessment, admin_member, iit, eit, oit, band):
    scores = {**dict.fromkeys(range(1, 6), D(iit)), **dict.fromkeys(range(6, 9), D(eit)), 9: D(oit), 10: D(oit)}
    assert summary_of(assessment, admin_member, scores).band.code == band


def test_2565_letter_grade(office, admin_member, framework_2565):
    assessment = assessment_open(office=office, framework=framework_2565, user=admin_member.user)
    summary = summary_of(assessment, admin_member, SCORES)
    assert (summary.band.code, summary.total) == ("A", D("89.70"))


def test_the_weakest_and_those_below_the_target(assessment, admin_member):
    summary = summary_of(assessment, admin_member, SCORES)
    assert [indicator.number for indicator, _ in summary.weakest(3)] == [6, 7, 8]
    assert [indicator.number for indicator, _ in summary.below(D(95))] == [1, 2, 3, 4, 5, 6, 7, 8, 9]


def test_every_indicator_is_required_and_scores_are_0_to_100(assessment, admin_member, english):
    with pytest.raises(ValidationError) as error:
        enter(assessment, admin_member, {**{n: s for n, s in SCORES.items() if n != 4}, 9: D(101)})
    messages = " ".join(error.value.messages)
    assert "4" in messages and "101" in messages
    assert not OfficialResult.objects.exists()


def test_only_admins_enter_results(assessment, committee_member):
    with pytest.raises(PermissionDenied):
        enter(assessment, committee_member)


def test_entering_again_supersedes_and_both_are_kept(assessment, admin_member):
    enter(assessment, admin_member)
    enter(assessment, admin_member, {**SCORES, 10: D(90)}, source="ITAS")
    assert OfficialResult.objects.count() == 2
    assert latest_result(assessment).source == "ITAS"
    assert AuditEvent.objects.filter(action="results.entered").count() == 2
    first = OfficialResult.objects.last()
    with pytest.raises(ValueError):
        first.save()


# --- import --------------------------------------------------------------------------------


def csv_file(text, name="ผล.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"))


def test_a_csv_with_thai_headers_and_item_rows(assessment, admin_member):
    rows = "\n".join(f"ตัวชี้วัดที่ {n},{s}" for n, s in SCORES.items())
    scores, items = results.parse_results_file(csv_file(f"ตัวชี้วัด,คะแนน\n{rows}\nO1,100\no12,0\n"))
    assert scores == SCORES
    assert items == {"O1": D(100), "O12": D(0)}


def test_an_excel_file(assessment):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Indicator", "Score"])
    for number, score in SCORES.items():
        sheet.append([number, float(score)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    scores, _ = results.parse_results_file(SimpleUploadedFile("results.xlsx", buffer.getvalue()))
    assert scores == SCORES


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_bad_rows_are_all_named_and_nothing_is_read(english):
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file("indicator,score\n1,90\n2,abc\nX9,80\n3,150\n1,70\n"))
    messages = error.value.messages
    assert [message.split(":")[0] for message in messages] == ["Row 3", "Row 4", "Row 5", "Row 6"]


def test_wrong_columns_are_refused(english):
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file("name,value\n1,90\n"))
    assert "indicator" in error.value.messages[0]


def test_only_csv_and_excel_are_read():
    with pytest.raises(ValidationError):
        results.parse_results_file(SimpleUploadedFile("results.pdf", b"%PDF-1.4"))


# --- import limits -------------------------------------------------------------------------


def workbook(rows, *, sheet=lambda xml: xml) -> bytes:
    """An .xlsx of `rows`, its sheet's XML then rewritten by `sheet`, as a hostile file would be."""
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
    return out.getvalue()


def claiming(dimension: str, extra_rows: bytes = b""):
    def rewrite(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="%s"/>' % dimension.encode(), xml)
        return xml.replace(b"</sheetData>", extra_rows + b"</sheetData>")

    return rewrite


SCORE_ROWS = [["indicator", "score"], *([number, float(score)] for number, score in SCORES.items())]


def parse_measured(upload) -> tuple[object, float, int]:
    """What parsing gives (the scores, or the ValidationError), the seconds and the peak bytes it took."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        outcome = results.parse_results_file(upload)
    except ValidationError as error:
        outcome = error
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, seconds, peak


def test_a_workbook_claiming_the_largest_sheet_is_read_as_small_as_it_is():
    data = workbook(SCORE_ROWS, sheet=claiming("A1:XFD1048576"))
    assert b'<dimension ref="A1:XFD1048576"/>' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    outcome, seconds, peak = parse_measured(SimpleUploadedFile("results.xlsx", data))
    assert outcome == (SCORES, {})
    assert seconds < 2
    assert peak < 5_000_000  # padded to its claim, one row alone would be 16,384 cells


@pytest.mark.parametrize(
    "far_cell",
    [
        b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>',  # the last row of the claimed sheet
        b'<row r="12"><c r="XFD12"><v>1</v></c></row>',  # the last column
        b'<row r="12">' + b"<c><v>1</v></c>" * 60_000 + b"</row>",  # 60,000 cells in one row
    ],
)
def test_a_workbook_reaching_past_the_limits_is_refused_before_it_is_read(far_cell, english):
    data = workbook(SCORE_ROWS, sheet=claiming("A1:XFD1048576", far_cell))
    assert len(data) < 20_000
    outcome, seconds, peak = parse_measured(SimpleUploadedFile("results.xlsx", data))
    assert isinstance(outcome, ValidationError)
    assert "more than" in outcome.messages[0] and len(outcome.messages) == 1
    assert seconds < 2
    assert peak < 5_000_000


def test_a_workbook_that_unpacks_past_the_size_limit_is_refused(settings, english):
    settings.RESULTS_IMPORT_MAX_BYTES = 50_000
    padding = b"<row r='12'><c r='C12' t='inlineStr'><is><t>" + b"a" * 100_000 + b"</t></is></c></row>"
    data = workbook(SCORE_ROWS, sheet=claiming("A1:C12", padding))
    assert len(data) < settings.RESULTS_IMPORT_MAX_BYTES
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(SimpleUploadedFile("results.xlsx", data))
    assert "unpacks" in error.value.messages[0]


def test_a_file_past_the_size_limit_is_refused(settings, english):
    settings.RESULTS_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file("indicator,score\n" + "1,90\n" * 300))
    assert "at most" in error.value.messages[0]


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "inf", "-inf", "Infinity", "-Infinity", "1e309", "1e99999"])
def test_nan_infinities_and_huge_numbers_are_row_errors(value):
    rows = "\n".join(f"{n},{value if n == 4 else s}" for n, s in SCORES.items())
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file(f"indicator,score\n{rows}\n"))
    assert len(error.value.messages) == 1
    assert "5" in error.value.messages[0]  # indicator 4 is on row 5


def test_nan_and_infinity_cells_of_a_workbook_are_row_errors(english):
    data = workbook(
        [["indicator", "score"], [1, "NaN"], [2, 80]], sheet=lambda xml: xml.replace(b"<v>80</v>", b"<v>1e309</v>")
    )
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(SimpleUploadedFile("results.xlsx", data))
    assert [message.split(":")[0] for message in error.value.messages] == ["Row 2", "Row 3"]


def test_a_number_cell_openpyxl_cannot_read_is_a_row_error(english):
    data = workbook(
        [["indicator", "score"], [1, 90], [2, 80]], sheet=lambda xml: xml.replace(b"<v>80</v>", b"<v>NaN</v>")
    )
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(SimpleUploadedFile("results.xlsx", data))
    assert error.value.messages == ["Row 3: a cell cannot be read."]


def test_too_many_columns_are_refused(english):
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file("indicator,score" + ",x" * 60 + "\n1,90\n"))
    assert error.value.messages == ["The file has more than 50 columns; keep only the indicator and score columns."]


def test_empty_cells_at_the_end_of_a_row_are_not_columns():
    rows = "\n".join(f"{n},{s}" + "," * 80 for n, s in SCORES.items())
    assert results.parse_results_file(csv_file(f"indicator,score{',' * 80}\n{rows}\n")) == (SCORES, {})


def test_a_file_with_more_rows_than_the_limit_is_refused_at_the_limit(english):
    outcome, seconds, _peak = parse_measured(csv_file("indicator,score\n" + "X,abc\n" * 100_000))
    assert outcome.messages == ["The file has more than 2,000 rows; a results file has one row per indicator or item."]
    assert seconds < 2


def test_only_the_first_50_bad_rows_are_listed_with_the_count_of_the_rest(settings, english):
    settings.RESULTS_IMPORT_MAX_ROWS = 200_000
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file("indicator,score\n" + "X,abc\n" * 100_000))
    messages = error.value.messages
    assert len(messages) == 51
    assert messages[0].startswith("Row 2:") and messages[49].startswith("Row 51:")
    assert messages[50] == "…and 99,950 more rows."


def test_a_long_cell_is_quoted_short():
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file(f"indicator,score\n{'ก' * 50_000},90\n1,{'9' * 50_000}\n"))
    assert all(len(message) < 200 for message in error.value.messages)


def test_a_csv_field_longer_than_the_reader_takes_is_refused(english):
    with pytest.raises(ValidationError) as error:
        results.parse_results_file(csv_file('indicator,score\n1,"' + "9" * 200_000 + '"\n'))
    assert error.value.messages == ["The file is not a readable CSV file."]


# --- views ---------------------------------------------------------------------------------


def test_the_admin_enters_results_and_sees_the_rating(client, assessment, admin_member):
    client.force_login(admin_member.user)
    data = {f"indicator_{n}": str(s) for n, s in SCORES.items()}
    assert client.post(url(assessment, "ita:result-enter"), data).status_code == 302
    response = client.get(url(assessment))
    assert response.context["summary"].band.code == "pass"
    assert "89.70" in response.content.decode()


def test_an_import_with_bad_rows_changes_nothing(client, assessment, admin_member):
    client.force_login(admin_member.user)
    upload = csv_file("ตัวชี้วัด,คะแนน\n1,90\n2,ไม่มี\n")
    response = client.post(url(assessment, "ita:result-import"), {"file": upload})
    assert response.status_code == 400
    assert "3" in response.context["import_form"].errors["file"][0]
    assert not OfficialResult.objects.exists()


@pytest.mark.parametrize("rows", [100_000, 1999])
def test_an_import_of_many_bad_rows_gives_a_short_page(client, assessment, admin_member, rows):
    client.force_login(admin_member.user)
    response = client.post(
        url(assessment, "ita:result-import"), {"file": csv_file("indicator,score\n" + "X,abc\n" * rows)}
    )
    assert response.status_code == 400
    errors = response.context["import_form"].errors["file"]
    assert len(errors) <= 51
    # the limit, or the count of the errors not listed (the page is in Thai by default)
    assert ("2,000" in errors[0] and len(errors) == 1) if rows > 2000 else ("1,949" in errors[-1] and len(errors) == 51)
    assert len(response.content) < 200_000
    assert not OfficialResult.objects.exists()


def test_the_target_level_shows_the_gap(client, assessment, admin_member):
    enter(assessment, admin_member)
    client.force_login(admin_member.user)
    excellent = assessment.framework.rating_bands.get(code="excellent")
    assert client.post(url(assessment, "ita:target-band"), {"target_band": excellent.pk}).status_code == 302
    response = client.get(url(assessment))
    assert response.context["gap"] == D("5.30")
    assert len(response.context["below_target"]) == 9


def test_staff_and_other_offices_cannot_enter_results(client, assessment, staff_member, other_office_admin):
    data = {f"indicator_{n}": str(s) for n, s in SCORES.items()}
    client.force_login(staff_member.user)
    assert client.get(url(assessment)).status_code == 200
    assert client.post(url(assessment, "ita:result-enter"), data).status_code == 403
    client.force_login(other_office_admin.user)
    assert client.get(url(assessment)).status_code == 404
    assert client.post(url(assessment, "ita:result-enter"), data).status_code == 404
    assert not OfficialResult.objects.exists()


def test_the_results_page_query_count_is_constant(client, assessment, admin_member):
    enter(assessment, admin_member)
    client.force_login(admin_member.user)
    assert_queries_constant(client, url(assessment), expected=16, grow=lambda: [enter(assessment, admin_member)] * 3)


def test_imported_item_results_are_shown(client, assessment, admin_member):
    client.force_login(admin_member.user)
    rows = "\n".join(f"{n},{s}" for n, s in SCORES.items())
    upload = csv_file(f"indicator,score\n{rows}\nO1,100\nO2,0\n")
    assert client.post(url(assessment, "ita:result-import"), {"file": upload}).status_code == 302
    response = client.get(url(assessment))
    assert [(s.definition.code, s.score) for s in response.context["item_scores"]] == [("O1", 100), ("O2", 0)]
    assert response.context["entries"][0].source == "ผล.csv"
