"""The content of the annual report and the publication request forms, on the demo office's FY 2566
as the source document tells it, and the office's choice of digits."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditEvent, Office, Role
from core import report_kinds as registry
from core.thai import thai_digits_in_text
from reports import services
from reports.models import ReportJob
from spdca.management.commands import seed_demo_cycle
from tests.reports.test_reports import nfkc, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = False  # the demo users get no password
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_cycle", verbosity=0)
    office = Office.objects.get(slug=seed_demo_cycle.OFFICE_SLUG)
    return office.assessments.select_related("office", "framework").get(fiscal_year=2566)


def member(assessment, role):
    """The demo user of the role (the demo office also has colleagues who only confirm their IIT)."""
    return assessment.office.memberships.select_related("user").get(role=role, user__username=f"demo-{role}")


def build(assessment, kind: str, **parameters) -> bytes:
    job = ReportJob(
        assessment=assessment, kind=kind, parameters=parameters, requested_by=member(assessment, "admin").user
    )
    return registry.get(kind).build(job, lambda percent: None)


def flat(pdf: bytes) -> str:
    """The text with line ends removed: Thai lines break between words, so sources appear whole."""
    return pdf_text(pdf).replace("\n", "")


def test_the_annual_report_reads_like_the_source_document(demo):
    pdf = build(demo, "annual")
    text = flat(pdf)
    office = demo.office.name
    for source in (
        "รายงานผลการดำเนินงาน",
        office,
        "ปีงบประมาณ พ.ศ. ๒๕๖๖",
        "ขั้นที่ ๑ S – Synthetic (การสังเคราะห์ คิดวิเคราะห์ แยกแยะ)",
        "ขั้นที่ ๕ A – Act (การปรับปรุง สรุปผล และนำผลมาปรับปรุงแก้ไข พัฒนา วางแผนใหม่)",
        "ในวันที่ ๑๐ พฤษภาคม ๒๕๖๖ ณ ห้องประชุมปันสุข",
        seed_demo_cycle.FINDINGS[0][1],  # the IIT point to develop
        seed_demo_cycle.ACTIVITIES[0][0],  # the No Gift Policy workshop, also under publicity
        "๓. การเผยแพร่ประชาสัมพันธ์",
        "๔. ผลการดำเนินการ ผลสัมฤทธิ์ และประโยชน์ที่ได้รับ",
        seed_demo_cycle.QUALITATIVE[0],
        "ไลน์กลุ่มผู้อำนวยการโรงเรียนในสังกัด",  # the EIT counts table
        "ค. คะแนนรายตัวชี้วัดย้อนหลัง",
        "คำนำ",
        "ยุทธศาสตร์ชาติ แผนแม่บทภายใต้ยุทธศาสตร์ชาติ",  # the workshop and the national plans
        "ITA Coach",
        "โดยได้นำกระบวนการ SPDCA มาผนวกใช้ให้สอดคล้องกับกิจกรรม",  # the opening of the quantitative results
        seed_demo_cycle.REPORT_TEXT["project"],
        "นายตัวอย่าง ผู้อำนวยการ",  # the sign-off, with the honorific
    ):
        # one digit system: what people typed is written in Thai digits too
        assert nfkc(thai_digits_in_text(source)).replace(" ", "") in text.replace(" ", ""), source
    assert "๙๕.๗๕" in text  # the FY 2565 total the illustrative scores add up to, with its band
    assert "๓๘.๗๕" in text  # and the OIT row of last year's table: 96.88 × 40 %
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 8


def test_the_annual_report_shows_the_oit_status_and_the_scores_chart(demo):
    text = flat(build(demo, "annual"))
    assert "O43" in text and "เผยแพร่แล้ว" in text  # item codes keep their digits
    from spdca.reports import annual_report_context

    analysis = annual_report_context(demo)["analysis"]
    assert [year.year for year in analysis.years] == [2565]  # later years are not looked back on
    bars = analysis.grouped_bars()
    assert len(bars["groups"]) == 10 and bars["groups"][4]["bars"][0]["score"] == Decimal("92.35")


def test_the_annual_report_takes_a_fixed_number_of_queries(demo):
    from ita.services.results import result_enter
    from spdca.models import Activity, ProgressUpdate

    admin = member(demo, Role.ADMIN)
    scores = {number: Decimal("96.50") for number in range(1, 11)}
    result_enter(assessment=demo, membership=admin, scores=scores)  # this year's result, as well as last year's

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build(demo, "annual")  # the context and the template, to the PDF
        return len(captured)

    queries()  # the first build fills per-process caches
    before = queries()
    indicators = list(demo.framework.indicators.all()[:3])
    for number in range(20):
        activity = Activity.objects.create(
            assessment=demo,
            title=f"กิจกรรมที่ {number}",
            unit=admin.unit,
            responsible=admin.user,
            start=datetime.date(2023, 1, 1),
            end=datetime.date(2023, 3, 1),
        )
        activity.indicators.set(indicators)
        for day in (10, 20):
            ProgressUpdate.objects.create(
                activity=activity,
                date=datetime.date(2023, 2, day),
                percent=day * 3,
                narrative="ทำแล้ว",
                recorded_by=admin.user,
            )
    assert queries() == before


def test_a_publication_form_names_who_gave_approved_and_published_the_item(demo):
    text = flat(build(demo, "oit-forms", item="O3"))
    staff, committee, admin = (member(demo, role).user for role in (Role.STAFF, Role.COMMITTEE, Role.ADMIN))
    for source in (
        "แบบฟอร์มการขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน",
        "O3 อำนาจหน้าที่",
        "ผู้รับผิดชอบการให้ข้อมูล",
        "ผู้อนุมัติรับรอง",
        "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่",
        staff.formal_name,
        staff.position,
        committee.display_name,
        admin.position,
        "https://demo.example/ita/2566/O3",
        "/spm-chanthaburi-trat/ita/2566/O3/",
    ):
        assert nfkc(source).replace(" ", "") in text.replace(" ", ""), source


def test_an_item_not_yet_approved_leaves_the_approver_to_be_signed_by_hand(demo):
    from oit.models import Item

    Item.objects.filter(assessment=demo, definition__code="O7").update(status=Item.Status.SUBMITTED)
    text = flat(build(demo, "oit-forms", item="O7"))  # submitted, not approved
    assert member(demo, Role.COMMITTEE).user.display_name not in text
    assert member(demo, Role.STAFF).user.display_name in text


def test_all_forms_come_in_one_pdf_a_page_each(demo):
    pdf = build(demo, "oit-forms")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 43


def test_a_form_for_an_unknown_item_is_refused_and_no_job_is_made(demo):
    with pytest.raises(ValidationError):
        services.report_request(
            assessment=demo, membership=member(demo, Role.STAFF), kind="oit-forms", data={"item": "O99"}
        )
    assert not ReportJob.objects.exists()


def test_the_item_page_asks_for_its_form(client, demo, django_capture_on_commit_callbacks):
    staff = member(demo, Role.STAFF)
    client.force_login(staff.user)
    item_url = reverse("oit:item-detail", args=[demo.office.slug, 2566, "O3"])
    assert "oit-forms" in client.get(item_url).content.decode()
    request_url = reverse("reports:request", args=[demo.office.slug, 2566])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url, {"kind": "oit-forms", "item": "o3", "next": item_url})
    job = ReportJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.parameters, job.status, job.filename) == ({"item": "O3"}, "done", f"oit-forms-2566-O3-{job.pk}.pdf")
    response = client.post(request_url, {"kind": "oit-forms", "item": "O99", "next": item_url}, follow=True)
    assert response.redirect_chain[-1][0] == item_url
    assert "O99" in response.content.decode()
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize(("thai", "expected", "unexpected"), [(True, "- ๒ -", "2566"), (False, "- 2 -", "๒๕")])
def test_the_office_chooses_thai_or_arabic_digits(demo, thai, expected, unexpected):
    Office.objects.filter(pk=demo.office_id).update(pdf_thai_digits=thai)
    demo.office.refresh_from_db()
    text = pdf_text(build(demo, "respondents"))
    assert expected in text and unexpected not in text


def test_only_the_admin_sets_the_digits_and_it_is_logged(client, demo):
    url = reverse("reports:settings", args=[demo.office.slug, 2566])
    client.force_login(member(demo, Role.COMMITTEE).user)
    assert client.post(url, {}).status_code in (403, 404)
    demo.office.refresh_from_db()
    assert demo.office.pdf_thai_digits
    client.force_login(member(demo, Role.ADMIN).user)
    assert client.post(url, {}).status_code == 302  # an unticked box: Arabic digits
    demo.office.refresh_from_db()
    assert not demo.office.pdf_thai_digits
    assert AuditEvent.objects.filter(office=demo.office, action="office.report_settings").count() == 1


def page_texts(pdf: bytes) -> list[str]:
    return [nfkc(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_demo_year_agrees_with_itself(demo):
    from spdca.selectors import annual_report_problems

    # The source document's FY 2566 result was still being processed: the only thing missing.
    problems = annual_report_problems(demo)
    assert [problem.url.rstrip("/").rsplit("/", 1)[-1] for problem in problems] == ["results"], problems
    text = flat(build(demo, "annual"))
    assert "ยังไม่เริ่ม" not in text and "ยังไม่ครบ" not in text and "ดำเนินการอยู่" not in text
    assert nfkc("ครบตามจำนวนที่กำหนด") in text
    assert nfkc("รายงานข้อมูลและเผยแพร่ครบทั้ง ๔๓ ข้อ").replace(" ", "") in text.replace(" ", "")
    assert "ผ่านตามเกณฑ์ทุกข้อ" not in text  # no item results were entered, so nothing is claimed
    assert "ข้อมูลข้อมูล" not in text
    assert "คาดการณ์" not in text  # the predicted OIT score stays an internal figure


def test_a_stage_is_printed_as_its_work_shows_and_the_mismatch_is_listed(demo):
    from spdca.models import Stage
    from spdca.selectors import annual_report_problems

    Stage.objects.filter(assessment=demo, code="P").update(status=Stage.Status.NOT_STARTED)
    assert any("P" in problem.text for problem in annual_report_problems(demo))
    assert "ยังไม่เริ่ม" not in flat(build(demo, "annual"))


def test_the_cover_is_dated_by_the_fiscal_year_and_the_body_is_numbered_from_its_second_page(demo):
    pages = page_texts(build(demo, "annual"))
    cover = pages[0].replace("\n", "")
    assert "ปีงบประมาณ พ.ศ. ๒๕๖๖" in cover and "ข้อมูล ณ วันที่" not in cover
    assert "กระทรวงศึกษาธิการ" in cover and nfkc("สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน") in cover
    numbered = [index for index, text in enumerate(pages) if "- ๒ -" in text]
    assert len(numbered) == 1
    body_start = numbered[0] - 1
    assert "หลักการและความเป็นมา" in pages[body_start]
    assert not any(text.lstrip().startswith("- ") for text in pages[: body_start + 1])  # front matter and page 1


def test_section_four_claims_every_item_passed_only_when_every_item_did(demo):
    from ita.models import ItemScore, OfficialResult
    from oit.models import Item
    from spdca.reports import result_statements

    items = list(Item.objects.filter(assessment=demo).select_related("definition"))
    result = OfficialResult.objects.create(assessment=demo, entered_by=member(demo, Role.ADMIN).user)
    scores = [ItemScore(result=result, definition=item.definition, score=Decimal(100)) for item in items]
    assert "ผ่านตามเกณฑ์ทุกข้อ" in result_statements(demo, [], items, scores)[-1]
    scores[4].score = Decimal(0)
    statement = result_statements(demo, [], items, scores)[-1]
    assert "ผ่านตามเกณฑ์ทุกข้อ" not in statement and "42 จาก 43" in statement


def test_links_in_documents_use_the_public_address(demo, settings):
    settings.SITE_URL = "https://ita.example.go.th"
    text = flat(build(demo, "oit-forms", item="O3"))
    assert "https://ita.example.go.th/spm-chanthaburi-trat/ita/2566/O3/" in text
    assert "localhost" not in text


def test_the_report_page_lists_what_the_annual_report_would_get_wrong(client, demo):
    from spdca.models import Stage

    Stage.objects.filter(assessment=demo, code="D").update(status=Stage.Status.NOT_STARTED)
    client.force_login(member(demo, Role.ADMIN).user)
    page = client.get(reverse("reports:list", args=[demo.office.slug, 2566])).content.decode()
    assert 'id="check-annual"' in page and reverse("spdca:cycle", args=[demo.office.slug, 2566]) in page
    client.force_login(member(demo, Role.STAFF).user)
    assert (
        'id="check-annual"' not in client.get(reverse("reports:list", args=[demo.office.slug, 2566])).content.decode()
    )


def test_what_the_annual_report_could_not_state_stays_with_the_job(demo, django_capture_on_commit_callbacks):
    from spdca.models import Stage

    Stage.objects.filter(assessment=demo, code="D").update(status=Stage.Status.NOT_STARTED)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(assessment=demo, membership=member(demo, Role.ADMIN), kind="annual")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert any("D" in warning for warning in job.warnings)
    assert any("/results" not in warning for warning in job.warnings)


def test_a_form_prints_ten_links_and_counts_the_rest(demo):
    from oit.models import Item
    from oit.services import evidence_add_link

    staff = member(demo, Role.STAFF)
    Item.objects.filter(assessment=demo, definition__code="O9").update(status=Item.Status.DRAFT)  # editable again
    item = Item.objects.select_related("definition", "assessment__office").get(assessment=demo, definition__code="O9")
    for number in range(14):
        evidence_add_link(
            item=item,
            membership=staff,
            url=f"https://demo.example/extra/{number}",
            title=f"ลิงก์ {number}",
            document_date=datetime.date(2023, 3, 1),
        )
    text = flat(build(demo, "oit-forms", item="O9"))
    assert nfkc("และลิงก์อื่นอีก ๕ รายการ").replace(" ", "") in text.replace(" ", "")
    assert len(PdfReader(io.BytesIO(build(demo, "oit-forms", item="O9"))).pages) <= 2
