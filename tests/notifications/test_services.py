"""Writing the outbox: who gets what, once; the broker down; the daily digest and stage watch."""

from datetime import date, timedelta

import pytest
from django.core import mail

from accounts.models import Role
from config.celery import app
from notifications.models import Channel, Notification, Preference
from notifications.services import digests_send, notification_send, notifications_requeue, stages_watch
from oit.models import Item
from spdca.models import Stage
from tests.factories import MembershipFactory
from tests.notifications.conftest import link_line

pytestmark = pytest.mark.django_db


def send(recipients, office, key="k", event="item_returned"):
    return notification_send(
        recipients=recipients, event=event, key=key, office=office, context={"item": "O1", "reason": "x"}
    )


def channels_of(user, **filters) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user, **filters).values_list("channel", flat=True))


def test_the_same_key_adds_nothing_the_second_time(team, django_capture_on_commit_callbacks):
    staff = team[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        send([staff.user, staff.user], staff.office)
        send([staff.user], staff.office)
    with django_capture_on_commit_callbacks(execute=True):
        send([staff.user], staff.office)  # a later transaction, the same event
    assert channels_of(staff.user) == ["app", "email"]
    assert len(mail.outbox) == 1


def test_another_office_never_receives(team, other_office_admin, django_capture_on_commit_callbacks):
    staff = team[Role.STAFF]
    other_office_admin.user.email = "other@example.go.th"
    other_office_admin.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        send([staff.user, other_office_admin.user], staff.office)
    assert not Notification.objects.filter(recipient=other_office_admin.user).exists()
    assert [message.to for message in mail.outbox] == [["staff@example.go.th"]]


def test_the_defaults_follow_the_event_and_the_channels_a_person_has(team, line_channel):
    staff, committee, admin = team[Role.STAFF], team[Role.COMMITTEE], team[Role.ADMIN]
    link_line(staff)
    committee.user.email = ""
    committee.user.save()
    send([staff.user, committee.user, admin.user], staff.office)
    assert channels_of(staff.user) == ["app", "email", "line"]  # returned items: every channel they have
    assert channels_of(committee.user) == ["app"]
    assert channels_of(admin.user) == ["app", "email"]
    send([staff.user], staff.office, key="a", event="item_approved")
    assert channels_of(staff.user, key="a") == ["app", "email"]  # not worth a LINE message by default


def test_a_persons_choices_are_honoured(team, line_channel):
    staff = team[Role.STAFF]
    link_line(staff)
    Preference.objects.create(user=staff.user, event="item_returned", channels=["line"])
    Preference.objects.create(user=staff.user, event="item_approved", channels=[])
    send([staff.user], staff.office)
    send([staff.user], staff.office, key="a", event="item_approved")
    assert channels_of(staff.user) == ["line"]


def test_in_app_notifications_are_there_at_once_and_unread(team):
    staff = team[Role.STAFF]
    (row,) = [r for r in send([staff.user], staff.office) if r.channel == Channel.APP]
    assert row.status == Notification.Status.SENT and row.read_at is None
    assert row.subject == "O1 ถูกส่งกลับให้แก้ไข" and row.language == "th"


def test_a_person_who_chose_english_gets_english(team):
    staff = team[Role.STAFF]
    staff.user.language = "en"
    staff.user.save()
    (row,) = [r for r in send([staff.user], staff.office) if r.channel == Channel.APP]
    assert row.subject == "O1 was returned" and row.language == "en"


@pytest.fixture
def dead_broker():
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False, broker_connection_timeout=1)
    app._pool = app.amqp._producer_pool = None  # both were made for the old broker
    yield
    app.conf.update(saved)
    app._pool = app.amqp._producer_pool = None


def test_with_the_queue_down_nothing_is_lost(team, dead_broker, django_capture_on_commit_callbacks):
    staff = team[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        send([staff.user], staff.office)  # the change that notified is not disturbed
    row = Notification.objects.get(recipient=staff.user, channel=Channel.EMAIL)
    assert row.status == Notification.Status.PENDING and row.enqueued_at is None
    assert notifications_requeue() == 1  # tried again, still down: kept
    row.refresh_from_db()
    assert row.enqueued_at is None
    app.conf.update(task_always_eager=True)  # the queue is back
    assert notifications_requeue() == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and len(mail.outbox) == 1
    assert notifications_requeue() == 0


# --- the daily digest --------------------------------------------------------------------------

TODAY = date(2023, 6, 1)


@pytest.fixture
def due_items(assessment, unit, staff_member):
    """O1–O6 due in 7, 3 and 1 days, overdue, due in 2 days, and approved though overdue."""
    staff_member.user.email = "staff@example.go.th"
    staff_member.user.save()
    days = {"O1": 7, "O2": 3, "O3": 1, "O4": -2, "O5": 2, "O6": -1}
    items = {}
    for code, offset in days.items():
        item = Item.objects.get(assessment=assessment, definition__code=code)
        item.due_date, item.unit = TODAY + timedelta(days=offset), unit
        item.status = Item.Status.APPROVED if code == "O6" else Item.Status.DRAFT
        item.save()
        items[code] = item
    return items


def test_each_person_gets_one_digest_a_day(due_items, staff_member, office, unit, django_capture_on_commit_callbacks):
    named = MembershipFactory(office=office, role=Role.STAFF, user__email="named@example.go.th")
    due_items["O2"].assignees.set([named.user])  # named staff take the item from the unit
    MembershipFactory(role=Role.STAFF, user__email="elsewhere@example.go.th")  # another office
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(today=TODAY) == 2
        digests_send(today=TODAY)
    assert Notification.objects.filter(event="digest").count() == 2  # e-mail only, by default
    digest = Notification.objects.get(event="digest", recipient=staff_member.user)
    assert digest.channel == Channel.EMAIL and digest.key == "digest:2023-06-01"
    assert digest.subject == "รายการ OIT ของคุณที่ใกล้ครบกำหนด (3)"
    body = digest.body
    assert body.index("เลยกำหนดแล้ว") < body.index("ครบกำหนดพรุ่งนี้") < body.index("ครบกำหนดใน 7 วัน")
    assert "O4 " in body and "O3 " in body and "O1 " in body
    assert "O2 " not in body and "O5 " not in body and "O6 " not in body
    theirs = Notification.objects.get(event="digest", recipient=named.user).body
    assert "ครบกำหนดใน 3 วัน" in theirs and "O2 " in theirs
    assert len(mail.outbox) == 2
    digests_send(today=TODAY + timedelta(days=1))
    assert Notification.objects.filter(event="digest", recipient=staff_member.user).count() == 2


def test_the_digest_is_sent_once_however_often_beat_runs(due_items, staff_member, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            digests_send(today=TODAY)
    assert Notification.objects.filter(event="digest").count() == 1
    assert len(mail.outbox) == 1


def test_long_overdue_items_are_no_longer_reminded_of(due_items, staff_member, settings):
    settings.NOTIFICATIONS_OVERDUE_DAYS = 1
    digest = digests_send(today=TODAY) and Notification.objects.get(event="digest")
    assert "O4 " not in digest.body and "O3 " in digest.body


# --- the stage watch ---------------------------------------------------------------------------


def test_admins_hear_of_stages_due_and_late_once(assessment, admin_member, staff_member):
    today = date(2023, 6, 1)
    Stage.objects.filter(assessment=assessment, code="S").update(end=today + timedelta(days=2))
    Stage.objects.filter(assessment=assessment, code="P").update(end=today - timedelta(days=1))
    Stage.objects.filter(assessment=assessment, code="D").update(end=today - timedelta(days=1), status="done")
    Stage.objects.filter(assessment=assessment, code="C").update(end=today + timedelta(days=30))
    assert stages_watch(today=today) == 2
    stages_watch(today=today)
    rows = Notification.objects.filter(channel=Channel.APP).order_by("event")
    assert [(row.recipient_id, row.event) for row in rows] == [
        (admin_member.user_id, "stage_due"),
        (admin_member.user_id, "stage_late"),
    ]
    assert rows[0].subject == "ขั้นตอน S ครบกำหนด 3 มิ.ย. 2566"


def test_beat_runs_the_requeue_every_minute_and_the_daily_job_at_the_digest_time(settings, due_items):
    from notifications.tasks import requeue_notifications, send_daily

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["notifications-requeue"]["schedule"] == 60
    daily = schedule["notifications-daily"]["schedule"]
    assert (daily.hour, daily.minute) == ({7}, {30})  # NOTIFICATIONS_DIGEST_TIME, Asia/Bangkok
    assert send_daily.delay().get() == {"digests": 0, "stages": 0}  # nothing is due today
    assert requeue_notifications.delay().get() == 0
