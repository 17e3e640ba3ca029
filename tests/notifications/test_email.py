"""E-mail through a real SMTP server on loopback."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from notifications.delivery import notification_deliver
from notifications.delivery.email import unsubscribe_read
from notifications.models import Channel, Notification, Preference
from notifications.services import notification_send, notifications_requeue
from tests.notifications.servers import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The reasons delivery records are read here in English (they follow the active language)."""
    with translation.override("en"):
        yield


def send_returned(member, key="k1"):
    return notification_send(
        recipients=[member.user],
        event="item_returned",
        key=key,
        office=member.office,
        url="/office/x/",
        context={"item": "O1 โครงสร้าง", "reason": "ขาดลายมือชื่อ", "actor": "กรรมการ"},
    )


def email_row(member) -> Notification:
    return Notification.objects.get(recipient=member.user, channel=Channel.EMAIL)


def test_a_notification_is_mailed_once_through_smtp(smtp, team, django_capture_on_commit_callbacks):
    staff = team[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(staff)
    row = email_row(staff)
    assert row.status == Notification.Status.SENT and row.attempts == 1
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "staff@example.go.th"
    assert message["Subject"].strip() == "O1 โครงสร้าง ถูกส่งกลับให้แก้ไข"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "เหตุผล: ขาดลายมือชื่อ" in text and "https://ita.example.go.th/office/x/" in text
    assert 'lang="th"' in html and "ขาดลายมือชื่อ" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = message["List-Unsubscribe"].split("token=")[1].rstrip(">")
    assert unsubscribe_read(token) == (staff.user.pk, "item_returned")
    # A duplicate or retried delivery finds the row sent and sends nothing.
    assert notification_deliver(notification_id=row.pk) is None
    assert len(smtp.messages) == 1


def test_english_readers_get_the_english_template(smtp, team, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_DEFAULT_LANGUAGE = "en"
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(team[Role.STAFF])
    message = smtp.messages[0]
    assert message["Subject"].strip() == "O1 โครงสร้าง was returned"
    assert "Reason: ขาดลายมือชื่อ" in message.get_body(("plain",)).get_content()
    assert 'lang="en"' in message.get_body(("html",)).get_content()


def test_mail_server_down_then_up_is_retried_and_delivered_once(team, settings, django_capture_on_commit_callbacks):
    server = SmtpServer()  # its port is known, but nothing listens yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    staff = team[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(staff)  # the change itself is not disturbed by the mail server being down
    row = email_row(staff)
    assert row.status == Notification.Status.PENDING and row.attempts == 1
    assert "could not be reached" in row.last_error
    assert row.send_after > timezone.now() + timedelta(seconds=20)  # backoff
    assert notifications_requeue() == 0  # not due yet
    server.start()
    try:
        assert notifications_requeue(now=row.send_after + timedelta(seconds=1)) == 1
        # The requeued task runs now; at the retry's time the row is claimed and sent.
        notification_deliver(notification_id=row.pk, now=row.send_after + timedelta(seconds=1))
        notification_deliver(notification_id=row.pk, now=row.send_after + timedelta(seconds=2))
        notifications_requeue(now=row.send_after + timedelta(hours=1))
    finally:
        server.stop()
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 2 and row.last_error == ""
    assert len(server.messages) == 1


def test_it_gives_up_after_the_last_attempt_with_a_reason(team, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", SmtpServer().port, False
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    staff = team[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(staff)
    row = email_row(staff)
    assert notification_deliver(notification_id=row.pk, now=row.send_after) is None
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == 2
    assert row.last_error.startswith("Gave up after 2 attempts")


def test_a_person_without_an_address_is_skipped_not_failed(smtp, team):
    staff = team[Role.STAFF]
    rows = notification_send(
        recipients=[staff.user], event="test", key="t", office=staff.office, channels=[Channel.EMAIL]
    )
    staff.user.email = ""
    staff.user.save(update_fields=["email"])
    notification_deliver(notification_id=rows[0].pk)
    rows[0].refresh_from_db()
    assert rows[0].status == Notification.Status.SKIPPED and "no e-mail address" in rows[0].last_error
    assert smtp.messages == []


def test_the_unsubscribe_link_turns_that_kind_of_mail_off(smtp, team, client, django_capture_on_commit_callbacks):
    staff = team[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(staff)
    link = smtp.messages[0]["List-Unsubscribe"].strip().strip("<>").removeprefix("https://ita.example.go.th")
    page = client.get(link)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and not Preference.objects.filter(user=staff.user).exists()
    token = link.split("token=")[1]
    # The mail client's one-click POST (RFC 8058) carries no session and no CSRF token.
    assert client.post(link.split("?")[0], {"token": token}).status_code == 200
    assert Preference.objects.get(user=staff.user, event="item_returned").channels == ["app", "line"]
    with django_capture_on_commit_callbacks(execute=True):
        send_returned(staff, key="k2")
    assert len(smtp.messages) == 1
    assert client.get(link.split("?")[0] + "?token=" + token[:-2] + "xx").status_code == 404
