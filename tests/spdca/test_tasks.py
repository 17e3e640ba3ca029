"""The daily gate watch: a stage past its end whose gate still fails is told to the office's
administrators once a day, with what is missing in their language."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Channel, Notification
from spdca.models import Stage
from spdca.tasks import gates_watch, watch_gates
from tests.oit.publishing import make_team

pytestmark = pytest.mark.django_db

TODAY = date(2023, 8, 1)


def set_stage(assessment, code: str, *, days: int, status: str = Stage.Status.IN_PROGRESS) -> None:
    Stage.objects.filter(assessment=assessment, code=code).update(end=TODAY + timedelta(days=days), status=status)


@pytest.fixture
def late(assessment, committee_member, staff_member):
    """P and C late with failing gates; D late but its gate met (no activity left unfinished);
    S late but done; A ended longer ago than NOTIFICATIONS_OVERDUE_DAYS."""
    set_stage(assessment, "S", days=-5, status=Stage.Status.DONE)
    set_stage(assessment, "P", days=-1)
    set_stage(assessment, "D", days=-3)
    set_stage(assessment, "C", days=-2)
    set_stage(assessment, "A", days=-100)
    Notification.objects.all().delete()
    return assessment


def told(**filters) -> list[tuple[int, str]]:
    rows = Notification.objects.filter(event="gate_blocking", channel=Channel.APP, **filters)
    return sorted((row.recipient_id, row.subject) for row in rows)


def test_admins_hear_what_keeps_late_stages_open_once_a_day(late, admin_member, other_office_admin):
    assert gates_watch(today=TODAY) == 2
    assert gates_watch(today=TODAY) == 2  # again the same day: nothing new is written
    assert told() == [
        (admin_member.user_id, "ขั้นตอน C ยังปิดไม่ได้"),
        (admin_member.user_id, "ขั้นตอน P ยังปิดไม่ได้"),
    ]
    plan = Notification.objects.get(event="gate_blocking", channel=Channel.APP, subject__contains=" P ")
    assert plan.body == "สิ่งที่ยังขาด:\n• แผนยังไม่มีกิจกรรม"
    check = Notification.objects.get(event="gate_blocking", channel=Channel.APP, subject__contains=" C ")
    assert "• ข้อ OIT 43 ข้อยังไม่ได้รับอนุมัติ" in check.body
    assert not Notification.objects.exclude(recipient=admin_member.user).exists()  # no staff, no other office
    gates_watch(today=TODAY + timedelta(days=1))
    assert len(told()) == 4  # and again the next day


def test_the_message_follows_the_recipients_language(late, admin_member, settings):
    settings.NOTIFICATIONS_DEFAULT_LANGUAGE = "en"
    gates_watch(today=TODAY)
    plan = Notification.objects.get(event="gate_blocking", channel=Channel.APP, subject__contains=" P ")
    assert (plan.subject, plan.body) == (
        "Stage P cannot be closed yet",
        "What is missing:\n• The plan has no activity.",
    )


def test_the_queries_grow_with_the_late_stages_not_the_people(late, admin_member):
    def queries() -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            gates_watch(today=TODAY)
        return len(captured)

    before = queries()
    for _ in range(5):
        make_team(office=admin_member.office)  # more people in the office
    assert queries() == before


def test_beat_runs_it_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["spdca-gates"]
    assert schedule["task"] == "spdca.tasks.watch_gates"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({7}, {30})
    assert watch_gates.delay().get() == 0
