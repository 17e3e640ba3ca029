"""A new e-mail address on the profile: a signed link goes to the new address and a notice to the
current one; the address changes only when its owner, signed in, confirms from the link."""

import re
import time
from types import SimpleNamespace

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "ยาวพอและเดายาก-2566"
OLD = "somsri@example.go.th"
NEW = "somsri.new@example.go.th"


@pytest.fixture
def somsri(db):
    user = UserFactory(username="somsri", email=OLD, first_name="สมศรี", last_name="มีสุข")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user)
    return user


def ask(client, user, django_capture_on_commit_callbacks, email=NEW, **fields):
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": email, "current_password": PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:profile"), data | fields)


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/profile/email/\S+/)", message.body).group(1)


@pytest.fixture
def asked(client, somsri, django_capture_on_commit_callbacks):
    """Somsri, signed in, has asked for the new address; the link to confirm it."""
    client.force_login(somsri)
    assert ask(client, somsri, django_capture_on_commit_callbacks).status_code == 302
    (link,) = [link_in(m) for m in mail.outbox if m.to == [NEW]]
    return link


def test_a_new_address_is_confirmed_from_the_link_sent_to_it(client, somsri, django_capture_on_commit_callbacks):
    client.force_login(somsri)
    response = ask(client, somsri, django_capture_on_commit_callbacks, position="นักวิชาการศึกษา")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    somsri.refresh_from_db()
    assert somsri.email == OLD  # not yet
    assert somsri.position == "นักวิชาการศึกษา"  # the other fields save at once
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f"ส่งลิงก์ยืนยันไปที่ {NEW} แล้ว" in page

    to_new, to_old = sorted(mail.outbox, key=lambda m: m.to != [NEW])
    assert to_new.to == [NEW] and to_new.subject == "ยืนยันอีเมลใหม่ของท่านในระบบ ITA-SPDCA"
    assert "เรียน สมศรี มีสุข" in to_new.body and "3 วัน" in to_new.body
    assert to_old.to == [OLD] and NEW in to_old.body and "เปลี่ยนรหัสผ่าน" in to_old.body
    assert "http" not in to_old.body  # a notice, with no link to follow

    link = link_in(to_new)
    page = client.get(link)
    assert page.status_code == 200 and page["Content-Language"] == "th"
    assert "ยืนยันอีเมลใหม่" in page.content.decode() and NEW in page.content.decode()
    somsri.refresh_from_db()
    assert somsri.email == OLD  # opening the link changes nothing

    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    somsri.refresh_from_db()
    assert somsri.email == NEW
    assert f"อีเมลของท่านเปลี่ยนเป็น {NEW} แล้ว" in client.get(reverse("accounts:profile")).content.decode()
    request_event, change_event = AuditEvent.objects.filter(action__startswith="user.email").order_by("pk")
    assert request_event.action == "user.email_change_request" and request_event.data == {"old": OLD, "new": NEW}
    assert change_event.action == "user.email_change" and change_event.data == {"old": OLD, "new": NEW}
    assert change_event.actor == somsri and change_event.office == somsri.memberships.get().office


def test_the_old_address_keeps_working_until_the_new_one_is_confirmed(client, somsri, asked):
    mail.outbox.clear()
    client.logout()
    client.post(reverse("accounts:password-reset"), {"email": NEW})
    assert mail.outbox == []  # the new address is not the account's yet
    client.post(reverse("accounts:password-reset"), {"email": OLD})
    (message,) = mail.outbox
    assert message.to == [OLD]


def test_a_link_works_only_once(client, somsri, asked):
    assert client.post(asked).status_code == 302
    for response in (client.get(asked), client.post(asked)):
        assert response.status_code == 410
        assert "ลิงก์นี้ใช้ไปแล้ว" in response.content.decode()
    assert AuditEvent.objects.filter(action="user.email_change").count() == 1


def test_a_tampered_link_is_refused(client, somsri, asked):
    token = asked.split("/")[-2]
    value, _, signature = token.rpartition(":")
    forged = reverse("accounts:email-confirm", args=[f"{value}:{signature[::-1]}"])
    for response in (client.get(forged), client.post(forged)):
        assert response.status_code == 404
        assert "ลิงก์นี้ไม่ถูกต้อง" in response.content.decode()
    somsri.refresh_from_db()
    assert somsri.email == OLD


def test_a_link_for_an_address_nobody_asked_for_is_refused(client, somsri):
    """The link is signed with the salt of e-mail changes only: another signed value does not pass."""
    client.force_login(somsri)
    token = signing.dumps({"u": somsri.pk, "e": NEW, "c": "x"}, salt="notifications.unsubscribe", compress=True)
    assert client.post(reverse("accounts:email-confirm", args=[token])).status_code == 404
    token = services.email_change_token(user=somsri, email=NEW)[:-1] + "A"
    assert client.post(reverse("accounts:email-confirm", args=[token])).status_code == 404
    somsri.refresh_from_db()
    assert somsri.email == OLD


def test_an_expired_link_is_refused(client, somsri, asked, monkeypatch, settings):
    later = time.time() + settings.EMAIL_CHANGE_MAX_AGE_DAYS * 24 * 60 * 60 + 60
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    response = client.post(asked)
    assert response.status_code == 410 and "ลิงก์นี้หมดอายุแล้ว" in response.content.decode()
    somsri.refresh_from_db()
    assert somsri.email == OLD


def test_another_account_cannot_use_the_link(client, somsri, asked):
    other = MembershipFactory(user__email="other@example.go.th").user
    client.force_login(other)
    for response in (client.get(asked), client.post(asked)):
        assert response.status_code == 403
        assert "ลิงก์นี้เป็นของบัญชีอื่น" in response.content.decode()
    other.refresh_from_db()
    somsri.refresh_from_db()
    assert (other.email, somsri.email) == ("other@example.go.th", OLD)


def test_someone_signed_out_is_asked_to_sign_in_first(client, somsri, asked):
    client.logout()
    response = client.post(asked)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    somsri.refresh_from_db()
    assert somsri.email == OLD


def test_a_new_password_cancels_the_link(client, somsri, asked):
    data = {"old_password": PASSWORD, "new_password1": "ใหม่และยาวพอ-2567", "new_password2": "ใหม่และยาวพอ-2567"}
    assert client.post(reverse("accounts:password-change"), data).status_code == 302
    response = client.post(asked)
    assert response.status_code == 410 and "ลิงก์นี้ใช้ไม่ได้แล้ว" in response.content.decode()
    somsri.refresh_from_db()
    assert somsri.email == OLD


def test_an_address_taken_meanwhile_is_not_confirmed(client, somsri, asked):
    UserFactory(email=NEW.upper())
    for response in (client.get(asked), client.post(asked)):
        assert response.status_code == 409
        assert "มีบัญชีอื่นใช้อีเมลนี้แล้ว" in response.content.decode()
    somsri.refresh_from_db()
    assert somsri.email == OLD
    assert not AuditEvent.objects.filter(action="user.email_change").exists()


def test_only_a_few_changes_an_hour_are_asked_for(client, somsri, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_CHANGE_PER_HOUR = 2
    client.force_login(somsri)
    for number in range(2):
        assert (
            ask(client, somsri, django_capture_on_commit_callbacks, email=f"n{number}@example.go.th").status_code == 302
        )
    response = ask(client, somsri, django_capture_on_commit_callbacks, email="n3@example.go.th", position="ครู")
    assert response.status_code == 200
    assert "ขอเปลี่ยนอีเมลหลายครั้งเกินไป" in response.content.decode()
    assert len(mail.outbox) == 4  # a link and a notice for each of the first two
    somsri.refresh_from_db()
    assert (somsri.email, somsri.position) == (OLD, "")  # nothing of the refused form saved
    assert AuditEvent.objects.filter(action="user.email_change_request").count() == 2


def test_the_profile_without_a_new_address_sends_nothing(client, somsri, django_capture_on_commit_callbacks):
    client.force_login(somsri)
    assert ask(client, somsri, django_capture_on_commit_callbacks, email=OLD.upper(), phone="039-1").status_code == 302
    assert mail.outbox == []
    somsri.refresh_from_db()
    assert (somsri.email, somsri.phone) == (OLD, "039-1")


def test_the_address_cannot_be_removed(client, somsri, django_capture_on_commit_callbacks):
    client.force_login(somsri)
    assert ask(client, somsri, django_capture_on_commit_callbacks, email="").status_code == 200
    somsri.refresh_from_db()
    assert somsri.email == OLD and mail.outbox == []


def test_someone_without_an_address_gets_only_the_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="")
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    assert ask(client, user, django_capture_on_commit_callbacks).status_code == 302
    (message,) = mail.outbox
    assert message.to == [NEW]
    assert client.post(link_in(message)).status_code == 302
    user.refresh_from_db()
    assert user.email == NEW
    event = AuditEvent.objects.get(action="user.email_change")
    assert event.office is None  # no office to log it in: the site-wide log


def test_the_service_refuses_an_address_of_another_account(somsri):
    UserFactory(email="taken@example.go.th")
    with pytest.raises(ValidationError):
        services.user_email_change_request(user=somsri, email="Taken@example.go.th", base_url="http://testserver/")
