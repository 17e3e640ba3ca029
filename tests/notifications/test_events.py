"""The hooks the other apps' services call, with real objects made through the real workflow."""

import pytest
from django.core import mail

from accounts.models import Role
from ita.selectors import respondent_progress
from ita.services.assessments import assessment_open
from notifications import events
from notifications.models import Channel, Notification
from oit.services import item_approve, item_comment, item_publish, item_return, item_submit, item_unpublish
from reports.models import ReportJob
from spdca.models import Stage
from tests.factories import MembershipFactory, UnitFactory
from tests.oit.publishing import add_file, get_item, make_team, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(framework_2566):
    """An office in its year: O1 given to the staff member's unit, with a file; everybody has e-mail."""
    team = make_team()
    office_unit = UnitFactory(office=team.admin.office)  # the committee and the admin work elsewhere
    for member in (team.staff, team.committee, team.admin):
        member.user.email = f"{member.role}@example.go.th"
        member.user.save()
        if member is not team.staff:
            member.unit = office_unit
            member.save()
    assessment = assessment_open(office=team.admin.office, framework=framework_2566, user=team.admin.user)
    item = prepare(get_item(assessment, "O1"), team)
    add_file(item, team)
    item.refresh_from_db()
    # Another office in the same year, whose people must never hear of this one.
    other = make_team()
    Notification.objects.all().delete()  # what setting the year up sent (the assignment) is not under test
    return team, assessment, item, other


def received(user, event: str) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user, event=event).values_list("channel", flat=True))


def everyone(team, other) -> list:
    return [m.user for m in (team.staff, team.committee, team.admin, other.staff, other.committee, other.admin)]


def test_assigned_reaches_the_unit_and_no_one_else(year):
    team, _assessment, item, other = year
    events.item_assigned(item=item, actor=team.admin)
    assert received(team.staff.user, "item_assigned") == ["app", "email"]
    assert Notification.objects.exclude(recipient=team.staff.user).count() == 0
    assert not Notification.objects.filter(recipient__in=[m.user for m in vars(other).values()]).exists()
    named = MembershipFactory(office=team.admin.office, role=Role.STAFF, user__email="named@example.go.th")
    item.assignees.set([named.user])
    events.item_assigned(item=item, actor=team.admin, assignees=[named.user])
    assert received(named.user, "item_assigned") == ["app", "email"]


def test_submitted_goes_to_the_committee_review_queue(year):
    team, _assessment, item, _other = year
    item = item_submit(item=item, membership=team.staff, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา")
    events.item_submitted(item=item, actor=team.staff)
    assert received(team.committee.user, "item_submitted") == ["app", "email"]
    assert received(team.staff.user, "item_submitted") == []
    assert Notification.objects.filter(event="item_submitted").count() == 2  # the committee member's two
    row = Notification.objects.get(recipient=team.committee.user, channel=Channel.APP)
    assert row.url == item.get_absolute_url() and row.office == team.admin.office


def test_returned_tells_the_staff_the_reason_once(year, django_capture_on_commit_callbacks):
    team, _assessment, item, other = year
    item = item_submit(item=item, membership=team.staff, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา")
    with django_capture_on_commit_callbacks(execute=True):
        item = item_return(item=item, membership=team.committee, expected_version=item.version, reason="ขาดลายมือชื่อ")
        events.item_returned(item=item, reason="ขาดลายมือชื่อ", actor=team.committee)
        events.item_returned(item=item, reason="ขาดลายมือชื่อ", actor=team.committee)  # called twice: once
    app_row = Notification.objects.get(recipient=team.staff.user, channel=Channel.APP, event="item_returned")
    assert "เหตุผล: ขาดลายมือชื่อ" in app_row.body and team.committee.user.display_name in app_row.body
    # The submitter and the unit are told; the committee member who returned it is not.
    returned = [m.to for m in mail.outbox if "ขาดลายมือชื่อ" in m.body]
    assert returned == [["staff@example.go.th"]]
    assert not Notification.objects.filter(event="item_returned", recipient__in=everyone(team, other)[1:]).exists()


def test_approved_published_unpublished_and_comments(year):
    team, _assessment, item, other = year
    second = MembershipFactory(office=team.admin.office, role=Role.COMMITTEE)
    team.admin.office.oit_required_approvals = 2
    team.admin.office.save()
    item = item_submit(item=item, membership=team.staff, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา")
    item = item_approve(
        item=item, membership=team.committee, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา"
    )
    assert events.item_approved(item=item, actor=team.committee) == []  # one approval of two
    item = item_approve(item=item, membership=second, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา")
    events.item_approved(item=item, actor=second)
    assert received(team.staff.user, "item_approved") == ["app", "email"]
    item_publish(item=item, membership=team.admin)
    item.refresh_from_db()
    events.item_published(item=item, actor=team.admin)
    assert received(team.staff.user, "item_published") == ["app", "email"]
    item = item_unpublish(item=item, membership=team.admin, reason="ลิงก์เสีย")
    events.item_unpublished(item=item, reason="ลิงก์เสีย", actor=team.admin)
    row = Notification.objects.get(recipient=team.staff.user, event="item_unpublished", channel=Channel.APP)
    assert row.urgent and "ลิงก์เสีย" in row.body
    comment = item_comment(item=item, membership=team.admin, text="แก้แล้วแจ้งด้วย")
    events.item_commented(item=item, comment=comment, actor=team.admin)
    assert Notification.objects.get(recipient=team.staff.user, event="item_commented").body == "แก้แล้วแจ้งด้วย"
    assert not Notification.objects.filter(recipient__in=[m.user for m in vars(other).values()]).exists()


def test_report_ready_and_failed_go_to_who_asked(year):
    team, assessment, _item, _other = year
    job = ReportJob.objects.create(assessment=assessment, kind="oit-status", requested_by=team.committee.user)
    events.report_ready(job=job)
    assert received(team.committee.user, "report_ready") == ["app"]
    job.error = "ฟอนต์หาย"
    events.report_failed(job=job)
    row = Notification.objects.get(recipient=team.committee.user, event="report_failed", channel=Channel.APP)
    assert row.body == "ฟอนต์หาย" and row.url == job.get_absolute_url()
    assert Notification.objects.exclude(recipient=team.committee.user).count() == 0


def test_stage_gate_and_respondent_pace_go_to_admins_and_committee(year):
    team, assessment, _item, _other = year
    stage = Stage.objects.get(assessment=assessment, code="C")
    events.gate_blocking(stage=stage, problems=["ยังตรวจรายการ OIT ไม่ครบ", "ผู้ตอบ EIT ไม่ถึงเป้า"])
    row = Notification.objects.get(event="gate_blocking", channel=Channel.APP)
    assert row.recipient == team.admin.user and "• ผู้ตอบ EIT ไม่ถึงเป้า" in row.body
    progress = respondent_progress(assessment)[0]
    events.respondent_pace_behind(assessment=assessment, progress=progress)
    users = set(Notification.objects.filter(event="respondent_pace").values_list("recipient_id", flat=True))
    assert users == {team.admin.user_id, team.committee.user_id}
