"""LINE against a fake Messaging API on loopback, and the webhook signed as LINE signs it."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEvent, Role
from notifications.delivery import notification_deliver
from notifications.models import Channel, LineLink, Notification
from notifications.services import line_link_code_create, notification_send, notifications_requeue
from tests.notifications.conftest import TOKEN, line_user_id, link_line, sign, webhook_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The reasons delivery records are read here in English (they follow the active language)."""
    with translation.override("en"):
        yield


NOON = timezone.make_aware(timezone.datetime(2026, 5, 4, 12, 0))


def send_returned(member, key="k1", **kwargs):
    return notification_send(
        recipients=[member.user],
        event="item_returned",
        key=key,
        office=member.office,
        url="/office/x/",
        context={"item": "O1", "reason": "ขาดลายมือชื่อ", "actor": "กรรมการ"},
        **kwargs,
    )


def line_row(member) -> Notification:
    return Notification.objects.get(recipient=member.user, channel=Channel.LINE)


@pytest.fixture
def daytime(settings):
    """Quiet hours that never begin, unless a test sets them."""
    settings.NOTIFICATIONS_QUIET_START = settings.NOTIFICATIONS_QUIET_END = "00:00"


def test_a_push_reaches_the_person_once(line_api, team, line_channel, daytime, django_capture_on_commit_callbacks):
    staff = team[Role.STAFF]
    link_line(staff)
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(staff)
    row = line_row(staff)
    assert row.status == Notification.Status.SENT
    assert len(line_api.pushed) == 1
    push = line_api.pushed[0]
    assert push["to"] == line_user_id(1) and push["retry_key"] == str(row.retry_key)
    assert push["text"].startswith("O1 ถูกส่งกลับให้แก้ไข") and "เหตุผล: ขาดลายมือชื่อ" in push["text"]
    assert push["text"].endswith("https://ita.example.go.th/office/x/")
    # A duplicate delivery, and the same event sent again, send nothing more.
    notification_deliver(notification_id=row.pk)
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(staff)
    assert len(line_api.pushed) == 1 and Notification.objects.filter(recipient=staff.user).count() == 3


def test_a_long_message_is_cut_to_lines_limit(line_api, team, line_channel, daytime):
    staff = team[Role.STAFF]
    link_line(staff)
    rows = notification_send(
        recipients=[staff.user],
        event="item_returned",
        key="long",
        office=staff.office,
        context={"item": "O1", "reason": "ก" * 6000},
    )
    notification_deliver(notification_id=next(r for r in rows if r.channel == Channel.LINE).pk)
    assert len(line_api.pushed[0]["text"]) == 5000


def test_429_and_500_are_retried_then_delivered_once(line_api, team, line_channel, daytime):
    staff = team[Role.STAFF]
    link_line(staff)
    line_api.script += [(429, {"Retry-After": "120"}), (500, {})]
    send_returned(staff)
    row = line_row(staff)
    assert notification_deliver(notification_id=row.pk) == 120  # LINE's Retry-After is respected
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING and "429" in row.last_error
    assert notification_deliver(notification_id=row.pk) is None  # not before the rate limit allows
    later = row.send_after + timedelta(seconds=1)
    assert notification_deliver(notification_id=row.pk, now=later) == 60  # 500: the backoff of attempt 2
    row.refresh_from_db()
    assert row.attempts == 2 and "500" in row.last_error
    notification_deliver(notification_id=row.pk, now=row.send_after)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 3
    assert [status for status, _body in line_api.requests] == [429, 500, 200]
    assert len(line_api.pushed) == 1
    notifications_requeue(now=row.send_after + timedelta(hours=1))  # the e-mail goes; LINE is done
    assert len(line_api.requests) == 3


def test_a_lost_answer_is_not_sent_twice(line_api, team, line_channel, daytime):
    """LINE accepted the push but the worker died before recording it: the retry carries the
    same retry key, LINE answers 409, and the row counts as sent."""
    staff = team[Role.STAFF]
    link_line(staff)
    send_returned(staff)
    row = line_row(staff)
    notification_deliver(notification_id=row.pk)
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.SENDING, claimed_at=NOON)
    notifications_requeue(now=timezone.now() + timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 2
    assert [status for status, _body in line_api.requests] == [200, 409] and len(line_api.pushed) == 1


def test_a_person_who_blocked_the_account_is_marked_and_not_retried(line_api, team, line_channel, daytime):
    staff = team[Role.STAFF]
    link = link_line(staff)
    line_api.blocked.add(link.line_user_id)
    send_returned(staff)
    row = line_row(staff)
    assert notification_deliver(notification_id=row.pk) is None
    row.refresh_from_db()
    link.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "blocked" in row.last_error
    assert link.status == LineLink.Status.BLOCKED
    notifications_requeue(now=timezone.now() + timedelta(days=1))
    assert len(line_api.requests) == 1
    # Later events no longer go to LINE for them.
    send_returned(staff, key="k2")
    assert not Notification.objects.filter(recipient=staff.user, channel=Channel.LINE, key="k2").exists()


def test_a_refused_token_fails_with_a_reason(line_api, team, line_channel, daytime):
    staff = team[Role.STAFF]
    link_line(staff)
    line_channel.access_token = "wrong"
    line_channel.save()
    send_returned(staff)
    row = line_row(staff)
    notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "access token" in row.last_error


def test_quiet_hours_hold_line_until_the_morning(line_api, team, line_channel, settings):
    settings.NOTIFICATIONS_QUIET_START, settings.NOTIFICATIONS_QUIET_END = "20:00", "07:00"
    staff = team[Role.STAFF]
    link_line(staff)
    night = timezone.make_aware(timezone.datetime(2026, 5, 4, 22, 30))
    send_returned(staff)
    row = line_row(staff)
    assert notification_deliver(notification_id=row.pk, now=night) is None
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert timezone.localtime(row.send_after).isoformat() == "2026-05-05T07:00:00+07:00"
    assert line_api.requests == []
    notifications_requeue(now=night + timedelta(hours=1))
    assert line_api.requests == []
    morning = row.send_after + timedelta(minutes=1)
    notification_deliver(notification_id=row.pk, now=morning)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and len(line_api.pushed) == 1


def test_urgent_events_and_people_without_quiet_hours_are_not_held(line_api, team, line_channel, settings):
    from notifications.models import PersonalSettings

    settings.NOTIFICATIONS_QUIET_START, settings.NOTIFICATIONS_QUIET_END = "20:00", "07:00"
    night = timezone.make_aware(timezone.datetime(2026, 5, 4, 23, 0))
    staff, committee = team[Role.STAFF], team[Role.COMMITTEE]
    link_line(staff, 1)
    link_line(committee, 2)
    PersonalSettings.objects.create(user=committee.user, line_quiet_hours=False)
    rows = notification_send(
        recipients=[staff.user],
        event="item_unpublished",
        key="u",
        office=staff.office,
        context={"item": "O1", "reason": "x"},
    )
    notification_deliver(notification_id=next(r for r in rows if r.channel == Channel.LINE).pk, now=night)
    send_returned(committee)
    notification_deliver(notification_id=line_row(committee).pk, now=night)
    assert sorted(push["to"] for push in line_api.pushed) == [line_user_id(1), line_user_id(2)]


# --- linking by code through the webhook -------------------------------------------------------


def message_event(text: str, user: str = line_user_id(7)) -> dict:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": 1700000000000,
        "replyToken": "r",
        "source": {"type": "user", "userId": user},
        "webhookEventId": "01H",
        "deliveryContext": {"isRedelivery": False},
        "message": {"type": "text", "id": "1", "quoteToken": "q", "text": text},
    }


def post_webhook(client, office, body: bytes, signature: str | None):
    headers = {"HTTP_X_LINE_SIGNATURE": signature} if signature is not None else {}
    url = reverse("notifications:line-webhook", args=[office.slug])
    return client.post(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize("signature", [None, "", "bm90IHRoZSBzaWduYXR1cmU=", "wrong secret"])
def test_an_unsigned_or_wrongly_signed_webhook_is_refused_and_changes_nothing(client, team, line_channel, signature):
    staff = team[Role.STAFF]
    link = line_link_code_create(office=staff.office, membership=staff)
    body = webhook_body(message_event(f"รหัส {link.code}"))
    if signature == "wrong secret":
        signature = sign(body, secret="another-secret")
    response = post_webhook(client, staff.office, body, signature)
    assert response.status_code == (400 if not signature else 403)
    link.refresh_from_db()
    assert link.status == LineLink.Status.PENDING and link.line_user_id == ""


def test_a_signed_message_with_the_code_links_the_account(client, team, line_channel):
    staff = team[Role.STAFF]
    link = line_link_code_create(office=staff.office, membership=staff)
    body = webhook_body(message_event(f"  {link.code.lower()} "))
    assert post_webhook(client, staff.office, body, sign(body)).status_code == 200
    link.refresh_from_db()
    assert link.status == LineLink.Status.LINKED and link.line_user_id == line_user_id(7) and link.code == ""
    assert AuditEvent.objects.filter(office=staff.office, action="notifications.line_linked").count() == 1
    # The code is used up; the same body sent again (LINE redelivers) changes nothing.
    assert post_webhook(client, staff.office, body, sign(body)).status_code == 200
    unfollow = webhook_body({"type": "unfollow", "source": {"type": "user", "userId": line_user_id(7)}})
    assert post_webhook(client, staff.office, unfollow, sign(unfollow)).status_code == 200
    link.refresh_from_db()
    assert link.status == LineLink.Status.BLOCKED


def test_a_code_of_another_office_or_an_expired_code_links_nothing(client, team, line_channel, other_office_admin):
    from notifications.models import LineChannel

    staff = team[Role.STAFF]
    link = line_link_code_create(office=staff.office, membership=staff)
    other = other_office_admin.office
    LineChannel.objects.create(office=other, channel_secret="other-secret", access_token="t")
    body = webhook_body(message_event(link.code))
    assert post_webhook(client, other, body, sign(body, "other-secret")).status_code == 200
    LineLink.objects.filter(pk=link.pk).update(code_expires_at=timezone.now() - timedelta(minutes=1))
    assert post_webhook(client, staff.office, body, sign(body)).status_code == 200
    link.refresh_from_db()
    assert link.status == LineLink.Status.PENDING and link.line_user_id == ""


def test_the_webhook_verification_request_is_answered(client, team, line_channel):
    body = json.dumps({"destination": "U" + "0" * 32, "events": []}).encode()
    assert post_webhook(client, team[Role.STAFF].office, body, sign(body)).status_code == 200
    assert client.get(reverse("notifications:line-webhook", args=[line_channel.office.slug])).status_code == 405


def test_the_bearer_token_is_what_the_fake_checks(line_api):
    from notifications.delivery.line import LineApiError, push

    with pytest.raises(LineApiError) as refused:
        push(token="nope", to=line_user_id(1), text="x")
    assert refused.value.status == 401
    push(token=TOKEN, to=line_user_id(1), text="x")
    with pytest.raises(LineApiError) as bad:
        push(token=TOKEN, to="not-a-user", text="x")
    assert bad.value.status == 400
