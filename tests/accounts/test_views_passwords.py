"""Self-service: password reset by e-mail (throttled, the same answer whether or not the address
exists), the password change throttled like the login, and one's own profile."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "ยาวพอและเดายาก-2566"
NEW = "ใหม่และยาวพอ-2567"


@pytest.fixture
def somsri(db):
    user = UserFactory(username="somsri", email="somsri@example.go.th")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user)
    return user


def ask(client, email, **extra):
    return client.post(reverse("accounts:password-reset"), {"email": email}, **extra)


def test_a_reset_link_by_e_mail_sets_a_new_password_and_lifts_a_lockout(client, somsri, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "somsri", "password": "ผิด"})
    assert client.post(reverse("accounts:login"), {"username": "somsri", "password": PASSWORD}).status_code == 429
    page = client.get(reverse("accounts:password-reset"))
    assert page.status_code == 200 and page["Content-Language"] == "th"
    response = ask(client, "SomSri@example.go.th")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password-reset-done")
    (message,) = mail.outbox
    assert message.to == ["somsri@example.go.th"] and "somsri" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("accounts:password-reset-complete")
    somsri.refresh_from_db()
    assert somsri.check_password(NEW)
    assert client.post(reverse("accounts:login"), {"username": "somsri", "password": NEW}).status_code == 302
    assert AuditEvent.objects.filter(action="user.password_reset", actor=somsri).exists()
    client.logout()
    assert client.get(link, follow=True).context["validlink"] is False  # used once


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, somsri):
    known = ask(client, "somsri@example.go.th")
    unknown = ask(client, "nobody@example.go.th")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1


def test_one_inbox_gets_only_a_few_e_mails_an_hour(client, somsri, settings):
    settings.PASSWORD_RESET_PER_EMAIL = 2
    for _ in range(4):
        assert ask(client, "somsri@example.go.th")["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 2


def test_one_client_address_asks_only_so_often(client, somsri, settings):
    settings.PASSWORD_RESET_PER_IP = 3
    for number in range(3):
        assert ask(client, f"someone{number}@example.go.th").status_code == 302
    assert ask(client, "somsri@example.go.th").status_code == 429
    assert mail.outbox == []
    assert ask(client, "somsri@example.go.th", REMOTE_ADDR="198.51.100.4").status_code == 302  # another client


def test_wrong_old_passwords_lock_the_password_change_like_the_login(client, somsri, settings):
    client.force_login(somsri)
    url = reverse("accounts:password-change")
    wrong = {"old_password": "ผิด", "new_password1": NEW, "new_password2": NEW}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, wrong).status_code == 200
    assert client.post(url, wrong).status_code == 429
    right = {**wrong, "old_password": PASSWORD}
    assert client.post(url, right).status_code == 429  # even the right one, for now
    somsri.refresh_from_db()
    assert somsri.check_password(PASSWORD)


def test_the_password_change_works_and_is_logged(client, somsri):
    client.force_login(somsri)
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    assert client.post(reverse("accounts:password-change"), data).status_code == 302
    somsri.refresh_from_db()
    assert somsri.check_password(NEW)
    assert AuditEvent.objects.filter(action="user.password_change").exists()


def test_the_profile_gives_documents_the_honorific_and_position(client, somsri):
    client.force_login(somsri)
    url = reverse("accounts:profile")
    assert client.get(url).status_code == 200
    data = {
        "honorific": "นางสาว",
        "first_name": "สมศรี",
        "last_name": "มีสุข",
        "position": "นักวิชาการศึกษาชำนาญการ",
        "phone": "039-123456",
        "email": "somsri@example.go.th",
    }
    assert client.post(url, data).status_code == 302
    somsri.refresh_from_db()
    assert somsri.formal_name == "นางสาวสมศรี มีสุข" and somsri.phone == "039-123456"
    assert AuditEvent.objects.filter(action="user.profile", actor=somsri).count() == 1  # one per office


def test_a_new_e_mail_address_needs_the_current_password(client, somsri, django_capture_on_commit_callbacks):
    client.force_login(somsri)
    url = reverse("accounts:profile")
    data = {"first_name": "สมศรี", "last_name": "มีสุข", "email": "other@example.go.th"}
    assert client.post(url, data).status_code == 200
    somsri.refresh_from_db()
    assert somsri.email == "somsri@example.go.th"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**data, "current_password": PASSWORD}).status_code == 302
    somsri.refresh_from_db()
    assert somsri.email == "somsri@example.go.th"  # until the new address is confirmed
    assert "other@example.go.th" in [to for message in mail.outbox for to in message.to]


def test_an_address_of_another_account_is_refused(client, somsri):
    UserFactory(email="taken@example.go.th")
    client.force_login(somsri)
    data = {"first_name": "สมศรี", "last_name": "มีสุข", "email": "Taken@example.go.th", "current_password": PASSWORD}
    assert client.post(reverse("accounts:profile"), data).status_code == 200
    somsri.refresh_from_db()
    assert somsri.email == "somsri@example.go.th"
