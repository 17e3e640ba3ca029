import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from ita import results
from ita.models import OfficialResult
from ita.services import assessment_open
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db

# IIT 90 on each of 1–5, EIT 80 on 6–8, OIT 93.50 and 100: the published 2564 OIT row (38.70 of 40).
SCORES = {**dict.fromkeys(range(1, 6), D(90)), **dict.fromkeys(range(6, 9), D(80)), 9: D("93.50"), 10: D(100)}


def url(assessment, name="ita:results"):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year])


def enter(assessment, member, scores=SCORES, **kwargs):
    return results.result_enter(assessment=assessment, membership=member, scores=scores, **kwargs)


def summary_of(assessment, member, scores):
    return results.summarize(enter(assessment, member, scores), assessment.framework)


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
    assert results.latest_result(assessment).source == "ITAS"
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
    assert_queries_constant(client, url(assessment), expected=17, grow=lambda: [enter(assessment, admin_member)] * 3)


def test_imported_item_results_are_shown(client, assessment, admin_member):
    client.force_login(admin_member.user)
    rows = "\n".join(f"{n},{s}" for n, s in SCORES.items())
    upload = csv_file(f"indicator,score\n{rows}\nO1,100\nO2,0\n")
    assert client.post(url(assessment, "ita:result-import"), {"file": upload}).status_code == 302
    response = client.get(url(assessment))
    assert [(s.definition.code, s.score) for s in response.context["item_scores"]] == [("O1", 100), ("O2", 0)]
    assert response.context["entries"][0].source == "ผล.csv"
