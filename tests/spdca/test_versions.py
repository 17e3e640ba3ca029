"""Every record of the cycle that two people can edit carries a version: two saves made from the
same page, the second is refused with the conflict message, keeps what its author typed, and
overwrites nothing."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from spdca import services
from spdca.models import (
    Activity,
    Committee,
    CommitteeMember,
    Finding,
    Improvement,
    Lesson,
    Meeting,
    Outcome,
    Stage,
)

pytestmark = pytest.mark.django_db

CONFLICT = "มีผู้อื่นแก้ไขข้อมูลนี้"  # the start of the conflict message in Thai


def url(assessment, name, *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


@dataclass
class Record:
    """`make` creates the record (or None when the first save creates it), `route` gives the URL
    name and its extra arguments, `data` the posted form with a typed text, `saved` reads that text
    back from the database."""

    make: Callable
    route: Callable
    data: Callable
    saved: Callable


def _finding(assessment, admin):
    indicator = assessment.framework.indicators.get(number=9)
    return Finding.objects.create(
        assessment=assessment, kind="develop", instrument=indicator.instrument, indicator=indicator, text="เดิม"
    )


def _member(assessment, admin):
    return services.committee_member_add(assessment=assessment, membership=admin, role="member", name="นายเดิม")


RECORDS = {
    "meeting": Record(
        make=lambda assessment, admin: None,
        route=lambda record: ("spdca:meeting-save",),
        data=lambda assessment, text: {"date": "2023-05-10", "place": text, "version": 1},
        saved=lambda assessment: Meeting.objects.get(assessment=assessment).place,
    ),
    "finding": Record(
        make=_finding,
        route=lambda record: ("spdca:finding-edit", record.pk),
        data=lambda assessment, text: {
            "kind": "develop",
            "indicator": assessment.framework.indicators.get(number=9).pk,
            "text": text,
            "version": 1,
        },
        saved=lambda assessment: Finding.objects.get(assessment=assessment).text,
    ),
    "activity": Record(
        make=lambda assessment, admin: Activity.objects.create(
            assessment=assessment, title="เดิม", start=datetime.date(2023, 1, 1), end=datetime.date(2023, 2, 1)
        ),
        route=lambda record: ("spdca:activity-edit", record.pk),
        data=lambda assessment, text: {"title": text, "start": "2023-01-01", "end": "2023-02-01", "version": 1},
        saved=lambda assessment: Activity.objects.get(assessment=assessment).title,
    ),
    "improvement": Record(
        make=lambda assessment, admin: Improvement.objects.create(
            assessment=assessment, phase="during_oit", cause="สาเหตุ", action="เดิม"
        ),
        route=lambda record: ("spdca:improvement-edit", record.pk),
        data=lambda assessment, text: {"phase": "during_oit", "cause": "สาเหตุ", "action": text, "version": 1},
        saved=lambda assessment: Improvement.objects.get(assessment=assessment).action,
    ),
    "lesson": Record(
        make=lambda assessment, admin: Lesson.objects.create(assessment=assessment, text="เดิม"),
        route=lambda record: ("spdca:lesson-edit", record.pk),
        data=lambda assessment, text: {"text": text, "version": 1},
        saved=lambda assessment: Lesson.objects.get(assessment=assessment).text,
    ),
    "outcome": Record(
        make=lambda assessment, admin: Outcome.objects.create(assessment=assessment, kind="qualitative", text="เดิม"),
        route=lambda record: ("spdca:outcome-edit", record.pk),
        data=lambda assessment, text: {"kind": "qualitative", "text": text, "version": 1},
        saved=lambda assessment: Outcome.objects.get(assessment=assessment).text,
    ),
    "stage": Record(
        make=lambda assessment, admin: Stage.objects.get(assessment=assessment, code="S"),
        route=lambda record: ("spdca:stage-update", "S"),
        data=lambda assessment, text: {
            "stage-S-status": "in_progress",
            "stage-S-start": "2023-05-01",
            "stage-S-end": "2023-05-31",
            "stage-S-notes": text,
            "stage-S-version": 1,
        },
        saved=lambda assessment: Stage.objects.get(assessment=assessment, code="S").notes,
    ),
    "committee": Record(
        make=lambda assessment, admin: None,
        route=lambda record: ("spdca:committee-save",),
        data=lambda assessment, text: {"name": text, "order_number": "12/2566", "version": 1},
        saved=lambda assessment: Committee.objects.get(assessment=assessment).name,
    ),
    "committee member": Record(
        make=_member,
        route=lambda record: ("spdca:committee-member-edit", record.pk),
        data=lambda assessment, text: {"role": "member", "honorific": "นาย", "name": text, "version": 1},
        saved=lambda assessment: CommitteeMember.objects.get(committee__assessment=assessment).name,
    ),
}


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS.keys())
def test_a_second_save_from_the_same_version_is_refused_and_keeps_its_text(client, assessment, admin_member, record):
    made = record.make(assessment, admin_member)
    target = url(assessment, *record.route(made))
    client.force_login(admin_member.user)
    first = client.post(target, record.data(assessment, "ข้อความแรก"))
    assert first.status_code == 302
    second = client.post(target, record.data(assessment, "ข้อความที่สองที่พิมพ์ไว้"))
    assert second.status_code == 409
    page = second.content.decode()
    assert CONFLICT in page
    assert "ข้อความที่สองที่พิมพ์ไว้" in page  # what was typed stays in the form
    assert record.saved(assessment) == "ข้อความแรก"  # and nothing was overwritten


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS.keys())
def test_a_save_from_the_latest_version_goes_through(client, assessment, admin_member, record):
    made = record.make(assessment, admin_member)
    target = url(assessment, *record.route(made))
    client.force_login(admin_member.user)
    assert client.post(target, record.data(assessment, "ข้อความแรก")).status_code == 302
    assert client.post(target, {**record.data(assessment, "ข้อความใหม่"), **_version(record, 2)}).status_code == 302
    assert record.saved(assessment) == "ข้อความใหม่"


def _version(record, version):
    name = "stage-S-version" if record is RECORDS["stage"] else "version"
    return {name: version}


def test_the_retry_after_a_conflict_goes_against_the_latest_version(client, assessment, admin_member):
    lesson = Lesson.objects.create(assessment=assessment, text="เดิม")
    target = url(assessment, "spdca:lesson-edit", lesson.pk)
    client.force_login(admin_member.user)
    client.post(target, {"text": "ของคนแรก", "version": 1})
    refused = client.post(target, {"text": "ของคนที่สอง", "version": 1})
    assert refused.context["form"]["version"].value() == 2
    assert ("บทเรียน", "ของคนแรก") in refused.context["latest"]  # shown beside what was typed


def test_the_services_refuse_a_stale_version_without_writing(assessment, admin_member):
    from core.versions import StaleVersionError

    outcome = Outcome.objects.create(assessment=assessment, kind="qualitative", text="เดิม")
    services.outcome_update(outcome=outcome, membership=admin_member, expected_version=1, kind="qualitative", text="ก")
    with pytest.raises(StaleVersionError):
        services.outcome_update(
            outcome=outcome, membership=admin_member, expected_version=1, kind="qualitative", text="ข"
        )
    outcome.refresh_from_db()
    assert (outcome.text, outcome.version) == ("ก", 2)
