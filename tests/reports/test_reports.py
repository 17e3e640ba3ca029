import datetime
import io
import logging
import re
import shutil
import subprocess
import unicodedata

import pytest
from celery.exceptions import Retry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from pypdf import PdfReader

from accounts.models import Office
from core import report_kinds as registry
from core.pdf import MissingGlyphError, render_pdf
from core.thai import thai_digits_in_text
from oit.models import Item
from reports import services
from reports.models import ReportJob
from reports.tasks import generate_report
from tests.conftest import unavailable
from tests.helpers import assert_queries_constant

pytestmark = pytest.mark.django_db


def url(assessment, name, *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


def pdf_text(data: bytes) -> str:
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture
def done_job(assessment, committee_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(assessment=assessment, membership=committee_member, kind="oit-status")
    job.refresh_from_db()
    return job


def test_a_request_is_made_by_the_task_after_commit(done_job):
    assert (done_job.status, done_job.progress) == ("done", 100)
    assert done_job.file.read(5) == b"%PDF-"
    assert done_job.file.name.startswith("reports/")


def test_the_thai_text_layer_is_right(done_job, assessment):
    # Lines end between words, where a space may be, so spaces are left out of the comparison.
    text = re.sub(r"\s", "", pdf_text(done_job.file.read()))
    item = assessment.oit_items.select_related("definition").get(definition__code="O12")
    for source in (assessment.office.name, item.definition.name_th, "สรุปสถานะการเปิดเผยข้อมูลสาธารณะ", "ปีงบประมาณ"):
        # Offices write Thai digits in documents unless they choose otherwise: in names too.
        assert re.sub(r"\s", "", nfkc(thai_digits_in_text(source))) in text, source
    assert "-๒-" in text  # and in the page numbers


def test_a_repeated_delivery_does_not_redo_the_work(done_job):
    name = done_job.file.name
    generate_report.apply(args=[done_job.pk])
    done_job.refresh_from_db()
    assert (done_job.status, done_job.file.name) == ("done", name)


def test_a_failing_report_ends_failed_with_a_message(assessment, committee_member, monkeypatch):
    def broken(job, progress):
        raise ValueError("แม่แบบผิด")

    monkeypatch.setitem(registry._kinds, "broken", registry.ReportKind("broken", "broken", broken))
    job = ReportJob.objects.create(assessment=assessment, kind="broken", requested_by=committee_member.user)
    with pytest.raises(ValueError):  # tasks run in-process in tests and propagate their errors
        generate_report.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "failed" and "แม่แบบผิด" in job.error


def test_a_missing_glyph_fails_the_render(monkeypatch):
    import weasyprint

    real = weasyprint.HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        logging.getLogger("weasyprint").warning(".notdef glyph rendered for Unicode string unsupported by fonts")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    with pytest.raises(MissingGlyphError):
        render_pdf("pdf/base.html", {})


def test_a_job_left_queued_shows_as_waiting_for_a_worker(client, assessment, committee_member, settings):
    job = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=committee_member.user)
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    job.refresh_from_db()
    assert job.is_stalled()
    client.force_login(committee_member.user)
    html = client.get(url(assessment, "reports:detail", job.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in html  # still polling, and saying why it waits
    assert '<p class="text-danger' in html
    fresh = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=committee_member.user)
    html = client.get(url(assessment, "reports:detail", fresh.pk), HTTP_HX_REQUEST="true").content.decode()
    assert '<p class="text-danger' not in html


def test_the_page_polls_until_done_then_offers_the_download(client, done_job, committee_member):
    client.force_login(committee_member.user)
    html = client.get(url(done_job.assessment, "reports:detail", done_job.pk)).content.decode()
    assert "hx-trigger" not in html and "download" in html
    response = client.get(url(done_job.assessment, "reports:download", done_job.pk))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"


def test_publishing_puts_the_report_on_the_public_page(client, done_job, admin_member, committee_member):
    public = url(done_job.assessment, "reports:public", done_job.pk)
    assert client.get(public).status_code == 404
    with pytest.raises(PermissionDenied):
        services.report_publish(job=done_job, membership=committee_member)
    services.report_publish(job=done_job, membership=admin_member)
    assert client.get(public).status_code == 200
    listing = client.get(reverse("public:assessment", args=[done_job.assessment.office.slug, 2566]))
    assert public in listing.content.decode()
    services.report_unpublish(job=done_job, membership=admin_member)
    assert client.get(public).status_code == 404


def test_cleanup_deletes_old_unpublished_files_only(done_job, admin_member, assessment, committee_member, settings):
    other = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=committee_member.user)
    services.report_generate(job_id=other.pk)
    services.report_publish(job=ReportJob.objects.get(pk=other.pk), membership=admin_member)
    later = timezone.now() + datetime.timedelta(days=settings.REPORT_KEEP_DAYS + 1)
    assert services.reports_cleanup(now=later) == 1
    done_job.refresh_from_db()
    assert not done_job.file
    assert ReportJob.objects.get(pk=other.pk).file


def test_other_offices_cannot_see_reports(client, done_job, other_office_admin):
    client.force_login(other_office_admin.user)
    assert client.get(url(done_job.assessment, "reports:detail", done_job.pk)).status_code == 404
    assert client.get(url(done_job.assessment, "reports:download", done_job.pk)).status_code == 404
    assert client.post(url(done_job.assessment, "reports:request"), {"kind": "oit-status"}).status_code == 404
    assert client.post(url(done_job.assessment, "reports:publish", done_job.pk)).status_code == 404
    done_job.refresh_from_db()
    assert done_job.published_at is None


def test_an_unknown_kind_is_refused(client, assessment, committee_member):
    client.force_login(committee_member.user)
    response = client.post(url(assessment, "reports:request"), {"kind": "nope"})
    assert response.status_code == 302 and not ReportJob.objects.exists()


def test_the_list_query_count_is_constant(client, assessment, committee_member):
    def grow():
        for _ in range(3):
            ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=committee_member.user)

    client.force_login(committee_member.user)
    assert_queries_constant(client, url(assessment, "reports:list"), expected=7, grow=grow)


def test_the_respondent_report(assessment, committee_member, staff_member, django_capture_on_commit_callbacks):
    from ita.services import respondents

    respondents.iit_confirm(assessment=assessment, membership=staff_member)
    respondents.eit_count_add(
        assessment=assessment,
        membership=committee_member,
        date=datetime.date(2023, 6, 1),
        channel="กลุ่ม LINE ผู้บริหารสถานศึกษา",
        count=35,
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(assessment=assessment, membership=committee_member, kind="respondents")
    job.refresh_from_db()
    text = pdf_text(job.file.read()).replace("\n", "")
    expected = (
        "รายงานผู้ตอบแบบวัดการรับรู้ IIT และ EIT",
        thai_digits_in_text(staff_member.user.display_name),
        "กลุ่ม LINE ผู้บริหารสถานศึกษา",
        "๑ มิ.ย. ๒๕๖๖",
        "ยังไม่ครบ",
    )
    for source in expected:
        assert nfkc(source) in text, source


def test_a_job_another_worker_is_making_is_not_made_twice(assessment, committee_member):
    job = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=committee_member.user)
    ReportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now())
    services.report_generate(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, bool(job.file)) == ("running", False)


def test_a_job_whose_worker_died_is_made_on_redelivery(assessment, committee_member):
    job = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=committee_member.user)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ReportJob.objects.filter(pk=job.pk).update(status="running", started_at=long_ago, attempts=1)
    assert ReportJob.objects.get(pk=job.pk).is_stalled()
    services.report_generate(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)


def test_a_storage_hiccup_is_retried(assessment, committee_member, monkeypatch):
    calls = []

    def flaky(job, progress):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk busy")
        return b"%PDF-1.4 retried"

    monkeypatch.setitem(registry._kinds, "flaky", registry.ReportKind("flaky", "flaky", flaky))
    job = ReportJob.objects.create(assessment=assessment, kind="flaky", requested_by=committee_member.user)
    with pytest.raises(Retry):  # in-process the retry surfaces; a worker would deliver it again
        generate_report.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "queued"  # back in the queue for the retried delivery to claim
    generate_report.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, len(calls), job.attempts) == ("done", 2, 2)


# What people type: every report finishes, whatever characters it holds.

PEOPLES_TEXT = "✅🙏👍🇹🇭 中文 日本語 한국어 ★→∑ （ตัวอย่าง） \ue000"


@pytest.mark.parametrize("kind", ["annual", "oit-forms", "oit-status", "respondents"])
def test_every_report_finishes_whatever_people_type(
    kind, assessment, committee_member, django_capture_on_commit_callbacks
):
    assert kind in {report_kind.code for report_kind in registry.kinds()}
    Office.objects.filter(pk=assessment.office_id).update(name=f"สำนักงานทดสอบ {PEOPLES_TEXT}")
    item = assessment.oit_items.select_related("definition").get(definition__code="O5")
    Item.objects.filter(pk=item.pk).update(description="สรุปเนื้อหา 👍 \U000f0000")
    data = {"item": "O5"} if kind == "oit-forms" else None  # one form is enough, and quicker
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(assessment=assessment, membership=committee_member, kind=kind, data=data)
    job.refresh_from_db()
    assert (job.status, job.error) == ("done", "")
    text = pdf_text(job.file.read())
    for word in PEOPLES_TEXT.split()[:-1]:
        assert nfkc(word) in text, word
    assert "\ue000" not in text and "\ufffd" in text
    with translation.override("th"):
        name = capfirst(Office._meta.get_field("name").verbose_name)
        office_name = f"{capfirst(Office._meta.verbose_name)} {assessment.office.short_name} · {name}"
        summary = capfirst(Item._meta.get_field("description").verbose_name)
    assert any(warning.startswith(office_name) and "U+E000" in warning for warning in job.warnings), job.warnings
    if kind == "oit-forms":
        assert any(f"{item} · {summary}" in warning and "U+F0000" in warning for warning in job.warnings)
    # the render's warnings follow those the request listed (the annual report's missing records)
    assert job.warnings[len(job.warnings) - len(job.render_warnings) :] == job.render_warnings


def test_a_new_render_replaces_its_own_warnings_and_keeps_the_requests(assessment, committee_member):
    job = ReportJob.objects.create(
        assessment=assessment,
        kind="oit-status",
        requested_by=committee_member.user,
        warnings=["ตัวชี้วัดยังไม่ครบ", "คำเตือนจากการสร้างครั้งก่อน"],
        render_warnings=["คำเตือนจากการสร้างครั้งก่อน"],
    )
    services.report_generate(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.warnings, job.render_warnings) == ("done", ["ตัวชี้วัดยังไม่ครบ"], [])


def test_the_job_page_lists_the_warnings(client, done_job, committee_member):
    ReportJob.objects.filter(pk=done_job.pk).update(warnings=["สำนักงาน · ชื่อ: อักขระ U+E000 ไม่มีในแบบอักษร"])
    client.force_login(committee_member.user)
    html = client.get(url(done_job.assessment, "reports:detail", done_job.pk)).content.decode()
    assert 'class="alert alert-warning' in html and "<li>สำนักงาน · ชื่อ: อักขระ U+E000 ไม่มีในแบบอักษร</li>" in html


# How many reports one person may ask for.


def _ask(assessment, membership, capture):
    with capture(execute=False):
        return services.report_request(assessment=assessment, membership=membership, kind="oit-status")


def test_a_person_may_have_only_a_few_reports_in_the_making(
    assessment, committee_member, staff_member, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_MAX_ACTIVE_PER_USER = 2
    first = _ask(assessment, committee_member, django_capture_on_commit_callbacks)
    _ask(assessment, committee_member, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="2"):
        _ask(assessment, committee_member, django_capture_on_commit_callbacks)
    _ask(assessment, staff_member, django_capture_on_commit_callbacks)  # someone else is not held up
    ReportJob.objects.filter(pk=first.pk).update(status=ReportJob.Status.DONE)
    _ask(assessment, committee_member, django_capture_on_commit_callbacks)  # one finished: room again
    assert ReportJob.objects.filter(requested_by=committee_member.user).count() == 3


def test_a_person_may_ask_for_only_so_many_reports_an_hour(
    assessment, committee_member, staff_member, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_REQUESTS_PER_HOUR = 3
    for _ in range(3):
        job = _ask(assessment, committee_member, django_capture_on_commit_callbacks)
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE)
    with pytest.raises(ValidationError):
        _ask(assessment, committee_member, django_capture_on_commit_callbacks)
    _ask(assessment, staff_member, django_capture_on_commit_callbacks)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1, minutes=1)
    ReportJob.objects.filter(requested_by=committee_member.user).update(created_at=an_hour_ago)
    _ask(assessment, committee_member, django_capture_on_commit_callbacks)


def test_a_refused_request_shows_the_reason(client, assessment, committee_member, settings):
    settings.REPORT_MAX_ACTIVE_PER_USER = 0
    client.force_login(committee_member.user)
    response = client.post(url(assessment, "reports:request"), {"kind": "oit-status"}, follow=True)
    assert not ReportJob.objects.exists()
    assert [str(message) for message in response.context["messages"]] == [
        gettext("You already have %(count)s reports being made; please wait for one to finish.") % {"count": 0}
    ]


# People's text in the committee, the EIT counts and the IIT confirmations: each field holds a
# Thai tone mark before SARA AM, an emoji and CJK, and reads back whole from the PDF.

HARD_TEXTS = {
    "committee": "คณะทำงานน้ำใจ ✅ 委員会",
    "duties": "ตรวจซ้ำทุกค่ำ 🙏 审核",
    "typed member": "ต่ำต้อย ช่ำชอง 👍 李小龍",
    "typed position": "หัวหน้ากลุ่มก๋ำ 🇹🇭 한국어",
    "user member": "น้ำผึ้ง 🐝 王",
    "user position": "ผู้อำนวยการค๊ำ ★ 日本語",
    "eit channel": "ไลน์กลุ่มน้ำค้าง 💬 微信群",
    "eit note": "ซ้ำกับเมื่อวาน ✅ 注",
    "eit instrument": "แบบวัดภายนอกต่ำสุด 🔍 外部",
    "iit link": "ส้มตำ 🌶 田中",
    "iit ticked": "ค้ำจุน 📷 山田",
}


def _split(text: str) -> tuple[str, str]:
    first, _, last = text.partition(" ")
    return first, last


@pytest.fixture
def hard_year(client, assessment, admin_member, committee_member, staff_member):
    """A year whose committee, EIT counts and IIT confirmations hold HARD_TEXTS, entered through
    the services and pages people use."""
    from accounts import roster
    from accounts.models import User
    from ita.models import IITLink, Instrument
    from ita.services import respondents
    from spdca import services as spdca_services

    office, year = assessment.office, assessment.fiscal_year
    today = datetime.date.today()
    assessment.framework.milestones.filter(code="perception").update(
        start=today - datetime.timedelta(days=1), end=today
    )
    Instrument.objects.filter(framework=assessment.framework, kind="EIT").update(name_th=HARD_TEXTS["eit instrument"])
    first, last = _split(HARD_TEXTS["user member"])
    User.objects.filter(pk=committee_member.user_id).update(
        honorific="", first_name=first, last_name=last, position=HARD_TEXTS["user position"]
    )
    committee_member.user.refresh_from_db()
    spdca_services.committee_save(
        assessment=assessment,
        membership=admin_member,
        expected_version=1,
        name=HARD_TEXTS["committee"],
        duties=HARD_TEXTS["duties"],
    )
    spdca_services.committee_member_add(
        assessment=assessment,
        membership=admin_member,
        role="chair",
        name=HARD_TEXTS["typed member"],
        position=HARD_TEXTS["typed position"],
    )
    spdca_services.committee_member_add(
        assessment=assessment, membership=admin_member, role="secretary", user=committee_member.user
    )
    respondents.eit_count_add(
        assessment=assessment,
        membership=committee_member,
        date=today,
        channel=HARD_TEXTS["eit channel"],
        note=HARD_TEXTS["eit note"],
        count=5,
    )
    linked, ticked = (
        roster.staff_member_create(office=office, membership=admin_member, first_name=f, last_name=last)
        for f, last in (_split(HARD_TEXTS["iit link"]), _split(HARD_TEXTS["iit ticked"]))
    )
    client.force_login(admin_member.user)
    client.post(reverse("ita:iit-link-rotate", args=[office.slug, year]))
    token = IITLink.objects.get(assessment=assessment).token
    public = reverse("public:iit-confirm", args=[office.slug, year, token])
    assert client.post(public, {"staff_member": linked.pk}).status_code == 302
    client.force_login(committee_member.user)
    assert client.post(url(assessment, "ita:iit-record"), {"staff": [ticked.pk]}).status_code == 302
    assert client.post(url(assessment, "ita:iit-confirm")).status_code == 302  # in the app, for themselves
    assert assessment.iit_confirmations.count() == 3
    return assessment


def _build(assessment, membership, kind, capture) -> bytes:
    with capture(execute=True):
        job = services.report_request(assessment=assessment, membership=membership, kind=kind)
    job.refresh_from_db()
    assert (job.status, job.error, job.render_warnings) == ("done", "", [])  # nothing was replaced
    return job.file.read()


def _poppler_text(pdf: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        unavailable("pdftotext is not installed: apt-get install poppler-utils")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return nfkc(subprocess.run([pdftotext, "-enc", "UTF-8", path, "-"], capture_output=True, text=True).stdout)


COMMITTEE = ["committee", "duties", "typed member", "typed position", "user member", "user position"]
CHANNELS = ["ยืนยันในระบบ", "คณะกรรมการบันทึกจากรายชื่อ", "ยืนยันผ่านลิงก์สาธารณะ"]  # IITConfirmation.Channel


@pytest.mark.parametrize(
    ("kind", "sources"),
    [
        ("annual", [HARD_TEXTS[field] for field in [*COMMITTEE, "eit channel", "eit instrument"]]),
        (
            "respondents",
            [HARD_TEXTS[field] for field in ["eit channel", "eit note", "iit link", "iit ticked", "user member"]]
            + CHANNELS,
        ),
    ],
)
def test_peoples_text_in_the_committee_and_the_respondents_reads_back_exactly(
    hard_year, committee_member, kind, sources, django_capture_on_commit_callbacks, tmp_path
):
    pdf = _build(hard_year, committee_member, kind, django_capture_on_commit_callbacks)
    # Lines end between words or CJK characters, so white space is left out of the comparison.
    for reader, text in (("pypdf", pdf_text(pdf)), ("pdftotext", _poppler_text(pdf, tmp_path))):
        flat = re.sub(r"\s", "", text)
        for source in sources:
            assert re.sub(r"\s", "", nfkc(source)) in flat, f"{reader}: {source}"
