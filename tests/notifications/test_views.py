"""The bell, the list, preferences, the office's pages and LINE settings, as each visitor."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from notifications.models import Channel, LineChannel, LineLink, Notification, PersonalSettings, Preference
from notifications.services import notification_send
from tests.notifications.conftest import SECRET, TOKEN, link_line

pytestmark = pytest.mark.django_db


def notify(member, key="k", url="/somewhere/"):
    return notification_send(
        recipients=[member.user],
        event="item_returned",
        key=key,
        office=member.office,
        url=url,
        context={"item": f"O{key}", "reason": "x"},
    )


def app_row(member, key="k") -> Notification:
    return Notification.objects.get(recipient=member.user, channel=Channel.APP, key=key)


def test_the_bell_counts_the_unread(client, team):
    staff = team[Role.STAFF]
    assert client.get(reverse("notifications:bell")).status_code == 302  # anonymous: to the login page
    client.force_login(staff.user)
    assert "badge" not in client.get(reverse("notifications:bell")).content.decode()
    notify(staff, "1")
    notify(staff, "2")
    notify(team[Role.ADMIN], "3")  # someone else's
    assert ">2<" in client.get(reverse("notifications:bell")).content.decode()
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'data-url="/notifications/bell/"' in page and "notifications/bell.js" in page  # on every page
    assert "O1 ถูกส่งกลับให้แก้ไข" in page and "O2 " in page and "O3 " not in page
    assert client.post(reverse("notifications:bell")).status_code == 405


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, team):
    staff = team[Role.STAFF]
    notify(staff, "1", url="/office/x/2566/oit/O1/")
    client.force_login(staff.user)
    url = reverse("notifications:open")
    assert client.get(url).status_code == 405
    response = client.post(url, {"id": app_row(staff, "1").pk})
    assert response.status_code == 302 and response.url == "/office/x/2566/oit/O1/"
    assert app_row(staff, "1").read_at is not None
    assert "badge" not in client.get(reverse("notifications:bell")).content.decode()


def test_a_link_elsewhere_is_not_followed(client, team):
    staff = team[Role.STAFF]
    notify(staff, "1", url="https://evil.example.com/")
    client.force_login(staff.user)
    response = client.post(reverse("notifications:open"), {"id": app_row(staff, "1").pk})
    assert response.url == reverse("notifications:list")


def test_nobody_opens_another_persons_notification(client, team):
    notify(team[Role.STAFF], "1")
    client.force_login(team[Role.ADMIN].user)
    assert client.post(reverse("notifications:open"), {"id": app_row(team[Role.STAFF], "1").pk}).status_code == 404
    assert client.post(reverse("notifications:open"), {"id": "x"}).status_code == 404
    assert app_row(team[Role.STAFF], "1").read_at is None


def test_mark_read_and_mark_all_read(client, team):
    staff = team[Role.STAFF]
    for key in "123":
        notify(staff, key)
    client.force_login(staff.user)
    response = client.post(reverse("notifications:open"), {"id": app_row(staff, "1").pk, "stay": "1"})
    assert response.url == reverse("notifications:list")
    assert Notification.objects.filter(recipient=staff.user, channel=Channel.APP, read_at__isnull=True).count() == 2
    assert client.post(reverse("notifications:read-all")).status_code == 302
    assert not Notification.objects.filter(recipient=staff.user, channel=Channel.APP, read_at__isnull=True).exists()
    assert client.get(reverse("notifications:read-all")).status_code == 405


def test_preferences_are_saved_and_honoured(client, team, line_channel):
    staff = team[Role.STAFF]
    link_line(staff)
    client.force_login(staff.user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="item_returned__line" id="id_item_returned__line" aria-label' in page
    assert 'name="item_returned__line"' in page and "checked" in page
    response = client.post(reverse("notifications:preferences"), {"item_returned__app": "on", "digest__email": "on"})
    assert response.status_code == 302
    assert Preference.objects.get(user=staff.user, event="item_returned").channels == ["app"]
    assert Preference.objects.get(user=staff.user, event="item_approved").channels == []
    assert PersonalSettings.objects.get(user=staff.user).line_quiet_hours is False
    notify(staff, "9")
    assert list(Notification.objects.filter(recipient=staff.user).values_list("channel", flat=True)) == ["app"]


def test_the_office_pages_are_for_its_admins(client, team, other_office_admin):
    office = team[Role.ADMIN].office
    notify(team[Role.STAFF], "1")
    Notification.objects.filter(channel=Channel.EMAIL).update(status="failed", last_error="The mail server refused")
    for name in ("notifications:outbox", "notifications:reach", "notifications:line-settings"):
        url = reverse(name, args=[office.slug])
        for member, status in ((team[Role.STAFF], 403), (team[Role.COMMITTEE], 403), (other_office_admin, 404)):
            client.force_login(member.user)
            assert client.get(url).status_code == status, (name, member.role)
        client.force_login(team[Role.ADMIN].user)
        assert client.get(url).status_code == 200
    outbox = client.get(reverse("notifications:outbox", args=[office.slug]), {"status": "failed"})
    page = outbox.content.decode()
    assert "The mail server refused" in page and outbox.context["totals"]["failed"] == 1
    assert [row["failed"] for row in outbox.context["counts"]] == [1]
    assert len(outbox.context["page"].object_list) == 1
    reach = client.get(reverse("notifications:reach", args=[office.slug])).content.decode()
    assert "staff@example.go.th" in reach


def test_connecting_line_never_shows_the_secrets_back(client, team, line_api):
    office = team[Role.ADMIN].office
    url = reverse("notifications:line-settings", args=[office.slug])
    client.force_login(team[Role.STAFF].user)
    assert client.post(url, {"channel_secret": "s", "access_token": "t"}).status_code == 403
    client.force_login(team[Role.ADMIN].user)
    client.post(url, {"basic_id": "ita2566"})
    assert not LineChannel.objects.exists()  # both are needed the first time
    response = client.post(url, {"channel_secret": SECRET, "access_token": TOKEN, "basic_id": "ita2566"})
    assert response.status_code == 302
    channel = LineChannel.objects.get(office=office)
    assert (channel.channel_secret, channel.access_token, channel.basic_id) == (SECRET, TOKEN, "@ita2566")
    page = client.get(url).content.decode()
    assert SECRET not in page and TOKEN not in page
    assert f"/notifications/line/{office.slug}/webhook/" in page
    client.post(url, {"channel_secret": "", "access_token": "", "basic_id": "@ita2566"})  # blank keeps them
    channel.refresh_from_db()
    assert (channel.channel_secret, channel.access_token) == (SECRET, TOKEN)


def test_the_test_button_checks_the_token_and_pushes_to_the_admin(client, team, line_channel, line_api):
    admin = team[Role.ADMIN]
    client.force_login(admin.user)
    url = reverse("notifications:line-test", args=[admin.office.slug])
    response = client.post(url)
    message = str(list(get_messages(response.wsgi_request))[-1])
    assert "LINE" in message and "token" in message  # accepted, and the admin is asked to link their own
    link_line(admin, 5)
    client.post(url)
    assert [push["to"] for push in line_api.pushed] == [LineLink.objects.get(user=admin.user).line_user_id]
    assert line_api.pushed[0]["text"].startswith("ข้อความทดสอบ")
    line_channel.refresh_from_db()
    assert line_channel.basic_id == "@ita2566" and line_channel.display_name == "ITA"
    line_channel.access_token = "revoked"
    line_channel.save()
    response = client.post(url)
    assert "401" in str(list(get_messages(response.wsgi_request))[-1])  # LINE refused the token, with its answer


def test_a_member_links_and_unlinks_their_line(client, team, line_channel, other_office_admin):
    staff = team[Role.STAFF]
    url = reverse("notifications:line-link", args=[staff.office.slug])
    client.force_login(other_office_admin.user)
    assert client.get(url).status_code == 404
    client.force_login(staff.user)
    assert client.post(url).status_code == 302
    link = LineLink.objects.get(user=staff.user)
    assert link.code.startswith("ITA-") and link.code in client.get(url).content.decode()
    LineLink.objects.filter(pk=link.pk).update(status=LineLink.Status.LINKED, line_user_id="U" + "1" * 32, code="")
    assert "Unlink" in client.get(url).content.decode() or "ยกเลิก" in client.get(url).content.decode()
    assert client.post(reverse("notifications:line-unlink", args=[staff.office.slug])).status_code == 302
    assert not LineLink.objects.filter(user=staff.user).exists()


def test_disconnecting_forgets_the_account_and_the_links(client, team, line_channel):
    admin = team[Role.ADMIN]
    link_line(team[Role.STAFF])
    client.force_login(admin.user)
    assert client.post(reverse("notifications:line-disconnect", args=[admin.office.slug])).status_code == 302
    assert not LineChannel.objects.exists() and not LineLink.objects.exists()


def test_send_test_notification_command(team, smtp, line_channel, line_api, settings):
    settings.NOTIFICATIONS_QUIET_START = settings.NOTIFICATIONS_QUIET_END = "00:00"
    admin = team[Role.ADMIN]
    link_line(admin)
    out = io.StringIO()
    with translation.override("en"):
        call_command("send_test_notification", admin.user.username, stdout=out)
    assert sorted(out.getvalue().split("\n")) == ["", "app: Sent", "email: Sent", "line: Sent"]
    assert len(smtp.messages) == 1 and len(line_api.pushed) == 1
    out = io.StringIO()
    with translation.override("en"):
        call_command("send_test_notification", team[Role.STAFF].user.username, "--channel", "line", stdout=out)
    assert out.getvalue().startswith("line: Not sent: The person has not linked LINE")
