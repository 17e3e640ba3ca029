"""Every URL of the project, as each kind of visitor, with the status each must get.

The columns: anonymous, staff, committee and admin of the office, and the admin of another office.
A URL added to the project without a row here fails `test_every_url_has_a_row`.

Each POST carries valid data (`post_data`) and runs with its changes rolled back, so every cell
sees the same office. Someone allowed gets the view's answer: 302 after the change (302e when the
view redirected with an error message instead, e.g. "already confirmed"), or 400 when the data do
not suit the view. Someone not allowed gets 403 when they belong to the office, 404 when the
office is not theirs to know about, and anonymous visitors are sent to the login page (302).
"""

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accounts.models import Invitation, Role
from accounts.roster import staff_member_create
from ita.services.assessments import assessment_open
from ita.services.iit import iit_link_rotate
from ita.services.respondents import eit_count_add, iit_confirm
from oit.services import item_approve, item_submit
from reports.models import ReportJob
from reports.services import report_generate, report_publish
from spdca import services as spdca_services
from spdca.models import Activity, Finding, Improvement, Lesson, Outcome
from tests.factories import MembershipFactory, UnitFactory
from tests.oit.publishing import add_file, get_item, make_team, prepare, published_item
from tests.security.urls import named_routes

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "staff", "committee", "admin", "other")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

# name: (method, "anonymous staff committee admin other"). 302 for anonymous means the login page.
MATRIX = {
    "home": ("GET", "302 302 302 302 302"),  # to the login page, or on to the member's office
    "health": ("GET", "200 200 200 200 200"),
    "live": ("GET", "200 200 200 200 200"),
    "accounts:login": ("GET", "200 302 302 302 302"),
    "accounts:logout": ("POST", "302 302 302 302 302"),
    "accounts:password-change": ("GET", "302 200 200 200 200"),
    "accounts:password-reset": ("GET", "200 200 200 200 200"),
    "accounts:password-reset-done": ("GET", "200 200 200 200 200"),
    "accounts:password-reset-confirm": ("GET", "200 200 200 200 200"),  # a bad link: the page says so
    "accounts:password-reset-complete": ("GET", "200 200 200 200 200"),
    "accounts:profile": ("GET", "302 200 200 200 200"),
    "accounts:email-confirm": ("GET", "302 404 404 404 404"),  # without a link this site signed
    "accounts:invitation-accept": ("GET", "404 404 404 404 404"),  # without a link this site signed
    # Offices are for the people who run the site, which no office role is.
    "accounts:office-list": ("GET", "302 403 403 403 403"),
    "accounts:office-create": ("GET", "302 403 403 403 403"),
    "accounts:office-edit": ("GET", "302 403 403 403 403"),
    "accounts:office-invite": ("GET", "302 403 403 403 403"),
    "accounts:member-list": ("GET", "302 403 403 200 404"),
    "accounts:member-invite": ("POST", "302 403 403 302 404"),
    "accounts:member-import": ("GET", "302 403 403 200 404"),
    "accounts:member-detail": ("GET", "302 403 403 200 404"),
    "accounts:member-update": ("POST", "302 403 403 302 404"),
    "accounts:member-deactivate": ("POST", "302 403 403 302 404"),
    "accounts:member-reactivate": ("POST", "302 403 403 302 404"),
    "accounts:member-password-reset": ("POST", "302 403 403 302 404"),
    "accounts:invitation-resend": ("POST", "302 403 403 302 404"),
    "accounts:invitation-revoke": ("POST", "302 403 403 302 404"),
    "accounts:unit-list": ("POST", "302 403 403 302 404"),
    "accounts:unit-detail": ("GET", "302 403 403 200 404"),
    "accounts:unit-rename": ("POST", "302 403 403 302 404"),
    "accounts:unit-merge": ("POST", "302 403 403 302 404"),
    "accounts:unit-delete": ("POST", "302 403 403 302 404"),
    "accounts:office-log": ("GET", "302 403 403 200 404"),
    "accounts:roster": ("GET", "302 403 403 200 404"),
    "accounts:roster-detail": ("GET", "302 403 403 200 404"),
    "accounts:roster-deactivate": ("POST", "302 403 403 302 404"),
    "accounts:roster-reactivate": ("POST", "302 403 403 302 404"),
    "accounts:language-set": ("POST", "302 302 302 302 302"),
    "ita:framework-list": ("GET", "302 200 200 200 200"),
    "ita:framework-compare": ("GET", "302 200 200 200 200"),
    "ita:framework-detail": ("GET", "302 200 200 200 200"),
    "ita:framework-workbook": ("GET", "302 200 200 200 200"),
    # The framework editor is for framework editors, a site-wide permission that no office role has.
    "ita:draft-start": ("GET", "302 403 403 403 403"),
    "ita:draft": ("GET", "302 403 403 403 403"),
    "ita:draft-header": ("GET", "302 403 403 403 403"),
    "ita:draft-workbook": ("GET", "302 403 403 403 403"),
    "ita:draft-upload": ("POST", "302 403 403 403 403"),
    "ita:draft-compare": ("GET", "302 403 403 403 403"),
    "ita:draft-mapping": ("GET", "302 403 403 403 403"),
    "ita:draft-publish": ("GET", "302 403 403 403 403"),
    "ita:draft-discard": ("POST", "302 403 403 403 403"),
    "ita:draft-part": ("GET", "302 403 403 403 403"),
    "ita:draft-row-add": ("GET", "302 403 403 403 403"),
    "ita:draft-row": ("GET", "302 403 403 403 403"),
    "ita:draft-row-remove": ("POST", "302 403 403 403 403"),
    "ita:draft-row-move": ("POST", "302 403 403 403 403"),
    "ita:office": ("GET", "302 200 200 200 404"),
    "ita:assessment-create": ("GET", "302 403 403 200 404"),
    "ita:assessment-open": ("GET", "302 403 403 200 404"),
    "ita:carry-over": ("GET", "302 200 200 200 404"),
    "ita:analysis": ("GET", "302 200 200 200 404"),
    "ita:respondents": ("GET", "302 200 200 200 404"),
    "ita:iit-confirm": ("POST", "302 302 302 302 404"),
    "ita:iit-record": ("POST", "302 403 302 302 404"),
    "ita:iit-screenshot": ("GET", "302 403 200 200 404"),
    "ita:iit-link-rotate": ("POST", "302 403 403 302 404"),
    "ita:iit-link-close": ("POST", "302 403 403 302 404"),
    "ita:iit-link-print": ("GET", "302 403 200 200 404"),
    "ita:eit-add": ("POST", "302 403 302 302 404"),
    "ita:eit-remove": ("POST", "302 403 302 302 404"),
    "ita:target-update": ("POST", "302 403 403 302 404"),
    "ita:results": ("GET", "302 200 200 200 404"),
    "ita:result-enter": ("POST", "302 403 403 400 404"),
    "ita:result-import": ("POST", "302 403 403 400 404"),
    "ita:target-band": ("POST", "302 403 403 302 404"),
    "spdca:dashboard": ("GET", "302 200 200 200 404"),
    "spdca:cycle": ("GET", "302 200 200 200 404"),
    "spdca:stage-update": ("POST", "302 403 403 400 404"),
    "spdca:stage-s": ("GET", "302 200 200 200 404"),
    "spdca:meeting-save": ("POST", "302 403 403 302 404"),
    "spdca:finding-add": ("POST", "302 403 403 302 404"),
    "spdca:finding-edit": ("POST", "302 403 403 302 404"),
    "spdca:finding-remove": ("POST", "302 403 403 302 404"),
    "spdca:stage-p": ("GET", "302 200 200 200 404"),
    "spdca:activity-add": ("POST", "302 403 403 302 404"),
    "spdca:activity-edit": ("POST", "302 403 403 302 404"),
    "spdca:stage-d": ("GET", "302 200 200 200 404"),
    "spdca:progress-add": ("POST", "302 302 403 302 404"),
    "spdca:attachment-download": ("GET", "302 200 200 200 404"),
    "spdca:stage-c": ("GET", "302 200 200 200 404"),
    "spdca:committee": ("GET", "302 403 403 200 404"),
    "spdca:committee-save": ("POST", "302 403 403 302 404"),
    "spdca:committee-order-file": ("GET", "302 200 200 200 404"),  # the signed order, for the office only
    "spdca:committee-member-add": ("POST", "302 403 403 302 404"),
    "spdca:committee-member-edit": ("POST", "302 403 403 302 404"),
    "spdca:committee-member-remove": ("POST", "302 403 403 302 404"),
    "spdca:committee-member-move": ("POST", "302 403 403 302 404"),
    "spdca:stage-a": ("GET", "302 200 200 200 404"),
    "spdca:improvement-add": ("POST", "302 403 403 302 404"),
    "spdca:improvement-edit": ("POST", "302 403 403 302 404"),
    "spdca:improvement-toggle": ("POST", "302 403 403 302 404"),
    "spdca:lesson-add": ("POST", "302 403 403 302 404"),
    "spdca:lesson-edit": ("POST", "302 403 403 302 404"),
    "spdca:assignments-copy": ("POST", "302 403 403 302e 404"),
    "spdca:outcomes": ("GET", "302 200 200 200 404"),
    "spdca:outcome-add": ("POST", "302 403 403 302 404"),
    "spdca:outcome-edit": ("POST", "302 403 403 302 404"),
    "spdca:outcome-remove": ("POST", "302 403 403 302 404"),
    "spdca:report-text": ("GET", "302 403 403 200 404"),
    "oit:item-list": ("GET", "302 200 200 200 404"),
    "oit:item-mine": ("GET", "302 200 200 200 404"),
    "oit:review-queue": ("GET", "302 403 200 200 404"),
    "oit:item-assign": ("GET", "302 403 403 200 404"),
    "oit:item-progress": ("GET", "302 200 200 200 404"),
    "oit:item-export-csv": ("GET", "302 200 200 200 404"),
    "oit:item-export-xlsx": ("GET", "302 200 200 200 404"),
    "oit:item-detail": ("GET", "302 200 200 200 404"),
    "oit:item-contents": ("POST", "302 302 403 302 404"),
    "oit:evidence-add": ("POST", "302 302 403 302 404"),
    "oit:evidence-remove": ("POST", "302 302 403 302 404"),
    "oit:evidence-download": ("GET", "302 200 200 200 404"),
    "oit:item-review-checks": ("POST", "302 403 302 302 404"),
    "oit:item-submit": ("POST", "302 302 403 302 404"),
    "oit:item-return": ("POST", "302 403 302 302 404"),
    "oit:item-approve": ("POST", "302 403 302 302 404"),
    "oit:item-publish": ("POST", "302 403 403 302 404"),
    "oit:item-unpublish": ("POST", "302 403 403 302 404"),
    "oit:item-comment": ("POST", "302 302 302 302 404"),
    "oit:office-settings": ("GET", "302 403 403 200 404"),
    "reports:list": ("GET", "302 200 200 200 404"),
    "reports:request": ("POST", "302 302 302 302 404"),
    "reports:settings": ("POST", "302 403 403 302 404"),
    "reports:detail": ("GET", "302 200 200 200 404"),
    "reports:download": ("GET", "302 200 200 200 404"),
    "reports:publish": ("POST", "302 403 403 302 404"),
    "reports:unpublish": ("POST", "302 403 403 302 404"),
    "reports:public": ("GET", "200 200 200 200 200"),
    "public:assessment": ("GET", "200 200 200 200 200"),
    "public:item": ("GET", "200 200 200 200 200"),
    "public:file": ("GET", "200 200 200 200 200"),
    # The public IIT confirmation link: no login; the fixture's year has its survey window behind it.
    "public:iit-confirm": ("GET", "200 200 200 200 200"),
    # A person's own notifications; "open" without the id of one of theirs finds nothing.
    "notifications:list": ("GET", "302 200 200 200 200"),
    "notifications:bell": ("GET", "302 200 200 200 200"),
    "notifications:open": ("POST", "302 404 404 404 404"),
    "notifications:read-all": ("POST", "302 302 302 302 302"),
    "notifications:preferences": ("GET", "302 200 200 200 200"),
    "notifications:unsubscribe": ("GET", "404 404 404 404 404"),  # without a token this site signed
    "notifications:line-webhook": ("POST", "404 404 404 404 404"),  # the office connected no LINE account
    "notifications:outbox": ("GET", "302 403 403 200 404"),
    "notifications:reach": ("GET", "302 403 403 200 404"),
    "notifications:line-settings": ("GET", "302 403 403 200 404"),
    "notifications:line-test": ("POST", "302 403 403 302e 404"),
    "notifications:line-disconnect": ("POST", "302 403 403 302 404"),
    "notifications:line-link": ("GET", "302 200 200 200 404"),
    "notifications:line-unlink": ("POST", "302 302 302 302 404"),
}
DRAFT_ROW_URLS = ("ita:draft-row", "ita:draft-row-remove", "ita:draft-row-move")
ROSTER_ENTRY_URLS = ("accounts:roster-detail", "accounts:roster-deactivate", "accounts:roster-reactivate")
# Django's admin site is for the project's operators (is_staff), which no office role is.
ADMIN_SITE = ("GET", "302 302 302 302 302")


def test_every_url_has_a_row():
    names = [name for name in named_routes() if not name.startswith("admin:")]
    assert sorted(set(names) - set(MATRIX)) == [], "add the new URLs to MATRIX"
    assert sorted(set(MATRIX) - set(names)) == [], "remove the URLs that no longer exist from MATRIX"


@dataclass
class World:
    """One office in the middle of its year, with an object of every kind a URL can point to."""

    members: dict
    kwargs: dict  # URL name -> its keyword arguments
    data: dict  # URL name -> the valid POST data


def _pdf(name: str = "คำสั่ง.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def world(framework_2566) -> World:
    team = make_team()
    office = team.admin.office
    colleague = MembershipFactory(
        office=office, unit=team.staff.unit, role=Role.STAFF, user__email="colleague@example.go.th"
    )
    invitation = Invitation.objects.create(office=office, email="new@example.go.th", invited_by=team.admin.user)
    spare_unit = UnitFactory(office=office)
    assessment = assessment_open(office=office, framework=framework_2566, user=team.admin.user)
    published, file_revision, _link = published_item(assessment, team, code="O12")
    published.refresh_from_db()
    # The committee member works in another unit, so the office's items are not theirs to prepare.
    team.committee.unit = UnitFactory(office=office)
    team.committee.save(update_fields=["unit"])
    items = {code: prepare(get_item(assessment, code), team) for code in ("O1", "O2", "O3")}
    revisions = {code: add_file(item, team) for code, item in items.items()}
    for item in items.values():
        item.refresh_from_db()
    for code in ("O2", "O3"):
        items[code] = item_submit(
            item=items[code],
            membership=team.staff,
            expected_version=items[code].version,
            reason="ผู้บริหารลงนามแล้ว รอสำเนา",
        )
    items["O3"] = item_approve(
        item=items["O3"],
        membership=team.committee,
        expected_version=items["O3"].version,
        reason="ผู้บริหารลงนามแล้ว รอสำเนา",
    )
    confirmation = iit_confirm(
        assessment=assessment, membership=colleague, screenshot=SimpleUploadedFile("iit.png", PNG, "image/png")
    )
    eit = eit_count_add(
        assessment=assessment, membership=team.committee, date=datetime.date(2023, 6, 1), channel="LINE", count=5
    )
    target = assessment.respondent_targets.first()
    no_account = staff_member_create(office=office, membership=team.admin, first_name="สมหญิง", last_name="ไม่มีบัญชี")
    link = iit_link_rotate(assessment=assessment, membership=team.admin)
    indicator = framework_2566.indicators.get(number=9)
    finding = Finding.objects.create(
        assessment=assessment, kind="develop", instrument=indicator.instrument, indicator=indicator, text="x"
    )
    activity = Activity.objects.create(
        assessment=assessment,
        title="กิจกรรม",
        unit=team.staff.unit,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2023, 3, 1),
    )
    spdca_services.progress_add(
        activity=activity,
        membership=team.staff,
        date=datetime.date(2023, 2, 1),
        percent=50,
        files=[SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
    )
    attachment = activity.updates.get().files.get()
    improvement = Improvement.objects.create(assessment=assessment, phase="during_oit", cause="x", action="y")
    outcome = Outcome.objects.create(assessment=assessment, kind="qualitative", text="x")
    lesson = Lesson.objects.create(assessment=assessment, text="x")
    committee = spdca_services.committee_save(
        assessment=assessment, membership=team.admin, expected_version=1, name="คณะกรรมการ", order_file=_pdf()
    )
    committee_member = spdca_services.committee_member_add(
        assessment=assessment, membership=team.admin, role="member", name="สมใจ"
    )
    job = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=team.admin.user)
    report_generate(job_id=job.pk)
    job.refresh_from_db()
    report_publish(job=job, membership=team.admin)

    office_kwargs = {"office_slug": office.slug}
    year = {**office_kwargs, "fiscal_year": 2566}

    def item(code: str, **extra) -> dict:
        return {**year, "code": code, **extra}

    member = {**office_kwargs, "membership_id": colleague.pk}
    kwargs = {
        "accounts:password-reset-confirm": {"uidb64": "MA", "token": "set-by-nobody"},
        "accounts:invitation-accept": {"token": "not-signed-here"},
        "accounts:email-confirm": {"token": "not-signed-here"},
        "accounts:member-detail": member,
        "accounts:member-update": member,
        "accounts:member-deactivate": member,
        "accounts:member-reactivate": member,
        "accounts:member-password-reset": member,
        "accounts:invitation-resend": {**office_kwargs, "invitation_id": invitation.pk},
        "accounts:invitation-revoke": {**office_kwargs, "invitation_id": invitation.pk},
        "accounts:unit-detail": {**office_kwargs, "unit_id": team.committee.unit_id},
        "accounts:unit-rename": {**office_kwargs, "unit_id": team.committee.unit_id},
        "accounts:unit-merge": {**office_kwargs, "unit_id": team.committee.unit_id},
        "accounts:unit-delete": {**office_kwargs, "unit_id": spare_unit.pk},
        "ita:framework-detail": {"fiscal_year": 2566},
        "ita:framework-workbook": {"fiscal_year": 2566},
        **{
            name: {"fiscal_year": 2570} for name in MATRIX if name.startswith("ita:draft") and name != "ita:draft-start"
        },
        "ita:draft-part": {"fiscal_year": 2570, "part": "items"},
        "ita:draft-row-add": {"fiscal_year": 2570, "part": "items"},
        **{name: {"fiscal_year": 2570, "part": "items", "index": 0} for name in DRAFT_ROW_URLS},
        "ita:assessment-open": {**office_kwargs, "fiscal_year": 2567},
        "ita:iit-screenshot": {**year, "confirmation_id": confirmation.pk},
        **{name: {**office_kwargs, "staff_id": no_account.pk} for name in ROSTER_ENTRY_URLS},
        "public:iit-confirm": {**year, "token": link.token},
        "ita:eit-remove": {**year, "entry_id": eit.pk},
        "ita:target-update": {**year, "target_id": target.pk},
        "spdca:stage-update": {**year, "code": "S"},
        "spdca:finding-remove": {**year, "finding_id": finding.pk},
        "spdca:activity-edit": {**year, "activity_id": activity.pk},
        "spdca:attachment-download": {**year, "attachment_id": attachment.pk},
        "spdca:improvement-toggle": {**year, "improvement_id": improvement.pk},
        "spdca:outcome-remove": {**year, "outcome_id": outcome.pk},
        "spdca:finding-edit": {**year, "finding_id": finding.pk},
        "spdca:improvement-edit": {**year, "improvement_id": improvement.pk},
        "spdca:lesson-edit": {**year, "lesson_id": lesson.pk},
        "spdca:outcome-edit": {**year, "outcome_id": outcome.pk},
        **{
            name: {**year, "member_id": committee_member.pk}
            for name in ("spdca:committee-member-edit", "spdca:committee-member-remove", "spdca:committee-member-move")
        },
        "oit:item-detail": item("O1"),
        "oit:item-contents": item("O1"),
        "oit:evidence-add": item("O1"),
        "oit:evidence-remove": item("O1", evidence_id=revisions["O1"].evidence_id),
        "oit:evidence-download": item("O1", revision_id=revisions["O1"].pk),
        "oit:item-submit": item("O1"),
        "oit:item-comment": item("O1"),
        "oit:item-review-checks": item("O2"),
        "oit:item-return": item("O2"),
        "oit:item-approve": item("O2"),
        "oit:item-publish": item("O3"),
        "oit:item-unpublish": item("O12"),
        "reports:detail": {**year, "job_id": job.pk},
        "reports:download": {**year, "job_id": job.pk},
        "reports:publish": {**year, "job_id": job.pk},
        "reports:unpublish": {**year, "job_id": job.pk},
        "reports:public": {**year, "job_id": job.pk},
        "public:item": item("O12"),
        "public:file": item("O12", revision_id=file_revision.pk),
    }
    routes = named_routes()
    for name in MATRIX:
        if name not in kwargs and ":" in name:
            route = routes[name]
            kwargs[name] = year if "<int:fiscal_year>" in route else office_kwargs if "office_slug" in route else {}
    version = {code: {"version": item.version} for code, item in items.items()}
    dated = {"date": "2023-02-02"}
    activity_data = {"title": "กิจกรรมใหม่", "start": "2023-01-01", "end": "2023-02-01"}
    data = {
        "accounts:member-invite": {"email": "invited@example.go.th", "first_name": "วิไล", "role": Role.STAFF},
        "accounts:member-update": {"role": Role.COMMITTEE, "unit": spare_unit.pk, "version": colleague.version},
        "accounts:member-deactivate": {"version": colleague.version},
        "accounts:unit-list": {"name": "กลุ่มใหม่"},
        "accounts:unit-rename": {"name": "กลุ่มที่เปลี่ยนชื่อ", "version": team.committee.unit.version},
        "accounts:unit-merge": {"into": team.staff.unit_id, "confirm": "on"},
        "accounts:language-set": {"language": "en", "next": "/"},
        "ita:iit-record": {"staff": [no_account.pk]},
        "ita:eit-add": {"date": "2023-06-02", "channel": "LINE", "count": 3, "token": uuid.uuid4()},
        "ita:target-update": {f"target-{target.pk}-population": 50, f"target-{target.pk}-version": target.version},
        "spdca:meeting-save": {**dated, "place": "ห้องประชุม", "version": 1},
        "spdca:finding-add": {"kind": "develop", "indicator": indicator.pk, "text": "x"},
        "spdca:finding-edit": {"kind": "develop", "indicator": indicator.pk, "text": "y", "version": finding.version},
        "spdca:activity-add": activity_data,
        "spdca:activity-edit": {**activity_data, "version": activity.version},
        "spdca:progress-add": {**dated, "activity": activity.pk, "percent": 60},
        "spdca:improvement-add": {"phase": "during_oit", "cause": "x", "action": "y"},
        "spdca:improvement-edit": {"phase": "during_oit", "cause": "x", "action": "z", "version": improvement.version},
        "spdca:lesson-add": {"text": "x"},
        "spdca:lesson-edit": {"text": "y", "version": lesson.version},
        "spdca:outcome-add": {"kind": "qualitative", "text": "x"},
        "spdca:outcome-edit": {"kind": "qualitative", "text": "y", "version": outcome.version},
        "spdca:committee-save": {"name": "คณะกรรมการ OIT", "version": committee.version},
        "spdca:committee-member-add": {"role": "member", "name": "สมศักดิ์"},
        "spdca:committee-member-edit": {"role": "member", "name": "สมใจ", "version": committee_member.version},
        "spdca:committee-member-move": {"direction": "down"},
        "oit:item-contents": {**version["O1"], "description": "สรุป"},
        "oit:evidence-add": {"url": "https://www.example.go.th/o1", "title": "หน้าเว็บ", "document_date": "2023-01-15"},
        "oit:item-submit": {**version["O1"], "reason": "รอฉบับลงนาม"},  # the checklist is unticked
        "oit:item-comment": {"text": "ขอบคุณ"},
        "oit:item-review-checks": version["O2"],
        "oit:item-return": {**version["O2"], "note": "ขาดลายมือชื่อ"},
        "oit:item-approve": {**version["O2"], "reason": "รอฉบับลงนาม"},
        "oit:item-publish": version["O3"],
        "oit:item-unpublish": {"version": published.version, "note": "แก้ไข"},
        "reports:request": {"kind": "oit-status"},
    }
    members = {
        "staff": team.staff,
        "committee": team.committee,
        "admin": team.admin,
        "other": MembershipFactory(role=Role.ADMIN),
    }
    return World(members=members, kwargs=kwargs, data=data)


def status_of(client, method: str, url: str, data: dict) -> str:
    """The status, with "e" after a redirect that carries an error message."""
    with transaction.atomic():
        response = client.post(url, data) if method == "POST" else client.get(url)
        transaction.set_rollback(True)  # every cell sees the same office
    status = str(response.status_code)
    if status == "302" and any(m.level == messages.ERROR for m in messages.get_messages(response.wsgi_request)):
        status += "e"
    return status


def test_the_matrix(client, world):
    failures = []
    for name, (method, row) in MATRIX.items():
        url = reverse(name, kwargs=world.kwargs.get(name, {}))
        for role, expected in zip(ROLES, row.split(), strict=True):
            client.logout()
            if role != "anonymous":
                client.force_login(world.members[role].user)
            actual = status_of(client, method, url, world.data.get(name, {}))
            if actual != expected:
                failures.append(f"{name} {method} {url} as {role}: {actual}, expected {expected}")
    assert failures == [], "\n".join(failures)
