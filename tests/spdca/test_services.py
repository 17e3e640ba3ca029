"""The cycle's writes: each checks the role and the office, writes, and records its event in the
office's activity log in the same transaction."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from spdca import services
from spdca.models import Activity, Attachment, Finding, Improvement, Lesson, Meeting, Outcome

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 1, 10)


def pdf(name="รายงานการประชุม.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def finding(assessment) -> Finding:
    indicator = assessment.framework.indicators.get(number=9)
    return Finding.objects.create(
        assessment=assessment, kind=Finding.Kind.DEVELOP, instrument=indicator.instrument, indicator=indicator, text="x"
    )


def activity(assessment, **values) -> Activity:
    return Activity(assessment=assessment, title="อบรมเชิงปฏิบัติการ", start=DAY, end=DAY, **values)


def renamed(activity: Activity, title: str) -> Activity:
    """The activity as a bound form leaves it: changed, not saved."""
    activity.title = title
    return activity


@dataclass
class Case:
    """One write: `prepare` makes what it acts on, `act` calls the service, `done` says whether
    the change is in the database."""

    action: str
    act: Callable
    done: Callable
    prepare: Callable = lambda assessment: None


CASES = {
    "meeting_save": Case(
        "spdca.meeting_saved",
        lambda assessment, membership, _obj: services.meeting_save(
            assessment=assessment, membership=membership, date=DAY, place="ห้องประชุม", files=[pdf()]
        ),
        lambda assessment, _obj: Meeting.objects.filter(assessment=assessment, place="ห้องประชุม").exists(),
    ),
    "finding_remove": Case(
        "spdca.finding_removed",
        lambda assessment, membership, obj: services.finding_remove(finding=obj, membership=membership),
        lambda assessment, obj: not Finding.objects.filter(pk=obj.pk).exists(),
        prepare=finding,
    ),
    "activity_add": Case(
        "spdca.activity_added",
        lambda assessment, membership, obj: services.activity_add(
            activity=activity(assessment), membership=membership, findings=[obj], indicators=[obj.indicator]
        ),
        lambda assessment, obj: Activity.objects.filter(assessment=assessment, findings=obj).exists(),
        prepare=finding,
    ),
    "activity_update": Case(
        "spdca.activity_changed",
        lambda assessment, membership, obj: services.activity_update(
            activity=renamed(obj, "ใหม่"),
            membership=membership,
            findings=[],
            indicators=[],
        ),
        lambda assessment, obj: Activity.objects.get(pk=obj.pk).title == "ใหม่",
        prepare=lambda assessment: Activity.objects.create(assessment=assessment, title="เดิม", start=DAY, end=DAY),
    ),
    "improvement_add": Case(
        "spdca.improvement_added",
        lambda assessment, membership, _obj: services.improvement_add(
            assessment=assessment,
            membership=membership,
            phase=Improvement.Phase.values[0],
            cause="เอกสารไม่ครบ",
            action="ตรวจก่อนส่ง",
        ),
        lambda assessment, _obj: assessment.improvements.filter(action="ตรวจก่อนส่ง").exists(),
    ),
    "improvement_toggle": Case(
        "spdca.improvement_done",
        lambda assessment, membership, obj: services.improvement_toggle(improvement=obj, membership=membership),
        lambda assessment, obj: Improvement.objects.get(pk=obj.pk).done,
        prepare=lambda assessment: Improvement.objects.create(
            assessment=assessment, phase=Improvement.Phase.values[0], cause="c", action="a"
        ),
    ),
    "lesson_add": Case(
        "spdca.lesson_added",
        lambda assessment, membership, _obj: services.lesson_add(
            assessment=assessment, membership=membership, text="เริ่มเร็ว"
        ),
        lambda assessment, _obj: Lesson.objects.filter(assessment=assessment, text="เริ่มเร็ว").exists(),
    ),
    "outcome_add": Case(
        "spdca.outcome_added",
        lambda assessment, membership, _obj: services.outcome_add(
            assessment=assessment, membership=membership, kind=Outcome.Kind.QUALITATIVE, text="ผ่าน"
        ),
        lambda assessment, _obj: assessment.outcomes.filter(text="ผ่าน").exists(),
    ),
    "outcome_remove": Case(
        "spdca.outcome_removed",
        lambda assessment, membership, obj: services.outcome_remove(outcome=obj, membership=membership),
        lambda assessment, obj: not Outcome.objects.filter(pk=obj.pk).exists(),
        prepare=lambda assessment: Outcome.objects.create(
            assessment=assessment, kind=Outcome.Kind.QUALITATIVE, text="ผ่าน"
        ),
    ),
}
cases = pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())


@cases
def test_the_admin_writes_and_the_event_is_recorded(assessment, admin_member, case):
    obj = case.prepare(assessment)
    case.act(assessment, admin_member, obj)
    assert case.done(assessment, obj)
    event = AuditEvent.objects.get(action=case.action)
    assert (event.office, event.actor) == (assessment.office, admin_member.user)


@cases
@pytest.mark.parametrize("member", ["committee_member", "staff_member", "other_office_admin"])
def test_anyone_else_is_refused_and_nothing_changes(request, assessment, member, case):
    obj = case.prepare(assessment)
    with pytest.raises(PermissionDenied):
        case.act(assessment, request.getfixturevalue(member), obj)
    assert not case.done(assessment, obj)
    assert not AuditEvent.objects.filter(action=case.action).exists()


@cases
def test_nothing_is_written_when_the_event_cannot_be_recorded(monkeypatch, assessment, admin_member, case):
    def broken(**kwargs):
        raise RuntimeError("the activity log is unavailable")

    obj = case.prepare(assessment)
    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        case.act(assessment, admin_member, obj)
    assert not case.done(assessment, obj)


def test_the_meeting_is_one_per_assessment_and_keeps_its_files(assessment, admin_member):
    services.meeting_save(assessment=assessment, membership=admin_member, date=DAY, place="ห้อง 1", files=[pdf()])
    services.meeting_save(assessment=assessment, membership=admin_member, date=DAY, place="ห้อง 2", files=[pdf()])
    meeting = Meeting.objects.get(assessment=assessment)
    assert meeting.place == "ห้อง 2"
    assert meeting.files.count() == 2


def test_a_meeting_with_a_bad_file_is_not_saved(assessment, admin_member):
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.meeting_save(assessment=assessment, membership=admin_member, date=DAY, place="ห้อง", files=[bad])
    assert not Meeting.objects.filter(assessment=assessment).exists()
    assert not Attachment.objects.exists()


def test_toggling_an_improvement_twice_opens_it_again(assessment, admin_member):
    improvement = CASES["improvement_toggle"].prepare(assessment)
    services.improvement_toggle(improvement=improvement, membership=admin_member)
    services.improvement_toggle(improvement=improvement, membership=admin_member)
    improvement.refresh_from_db()
    assert not improvement.done
    summaries = list(AuditEvent.objects.filter(action="spdca.improvement_done").values_list("summary", flat=True))
    assert sorted(summaries) == ["done: a", "reopened: a"]


def test_the_stage_is_checked_against_the_saved_status_not_the_callers_copy(assessment, admin_member):
    stage = assessment.stages.get(code="S")
    stage.status = "done"  # what a bound form does to its instance before the service runs
    with pytest.raises(ValidationError):
        services.stage_update(
            stage=stage, membership=admin_member, status="done", start=None, end=None, notes="", responsible=[]
        )
    assert assessment.stages.get(code="S").status != "done"
