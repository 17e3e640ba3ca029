import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_is_thai_by_default(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "th"
    assert "เข้าสู่ระบบ" in response.content.decode()


def test_english_is_a_choice_that_sticks(client):
    response = client.post(reverse("accounts:language-set"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    response = client.get(reverse("accounts:login"))
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_logging_in_leads_to_the_users_office(client, staff_member):
    response = client.post(
        reverse("accounts:login"), {"username": staff_member.user.username, "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == staff_member.office.get_absolute_url()


def test_a_wrong_password_is_refused_with_a_message(client, staff_member):
    response = client.post(reverse("accounts:login"), {"username": staff_member.user.username, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, staff_member):
    client.force_login(staff_member.user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client, staff_member):
    client.force_login(staff_member.user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "pw-for-tests",
            "new_password1": "a-new-long-Passw0rd",
            "new_password2": "a-new-long-Passw0rd",
        },
    )
    assert response.status_code == 302
    staff_member.user.refresh_from_db()
    assert staff_member.user.check_password("a-new-long-Passw0rd")


def test_people_in_several_offices_choose_one(client):
    user = UserFactory()
    first, second = MembershipFactory(user=user), MembershipFactory(user=user)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert first.office.short_name in response.content.decode()
    assert second.office.short_name in response.content.decode()
    client.get(second.office.get_absolute_url())
    assert client.get(reverse("home"))["Location"] == second.office.get_absolute_url()


def test_the_office_switcher_lists_the_users_offices(client):
    user = UserFactory()
    first, second = MembershipFactory(user=user), MembershipFactory(user=user)
    client.force_login(user)
    html = client.get(first.office.get_absolute_url()).content.decode()
    assert second.office.get_absolute_url() in html


def test_someone_without_an_office_is_told_so(client):
    client.force_login(UserFactory())
    client.cookies["django_language"] = "en"
    assert "does not belong to any office" in client.get(reverse("home")).content.decode()


def test_audit_events_cannot_be_changed_or_deleted(office):
    event = AuditEvent.objects.create(office=office, action="x", summary="y")
    event.summary = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
