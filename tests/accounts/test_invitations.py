"""Inviting people by e-mail: a signed link that expires, can be sent again or revoked, and lets the
invitee set a password; someone who has an account joins with it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, Invitation, Membership, Role
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
BASE = "http://testserver/"
PASSWORD = "ยาวพอและเดายาก-2566"


def invite(admin_member, django_capture_on_commit_callbacks, email="wilai@example.go.th", **values):
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitation_create(
            office=admin_member.office,
            user=admin_member.user,
            email=email,
            role=values.pop("role", Role.STAFF),
            base_url=BASE,
            first_name="วิไล",
            last_name="รักงาน",
            **values,
        )


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/invitation/\S+/)", message.body).group(1)


def accept(client, url, **data):
    values = {
        "username": "wilai",
        "honorific": "นางสาว",
        "first_name": "วิไล",
        "last_name": "รักงาน",
        "position": "นักวิชาการ",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(url, values | data)


def test_the_invitee_gets_a_thai_e_mail_and_joins_with_a_password(
    client, admin_member, unit, django_capture_on_commit_callbacks
):
    invitation = invite(admin_member, django_capture_on_commit_callbacks, unit=unit, role=Role.COMMITTEE)
    (message,) = mail.outbox
    assert message.to == ["wilai@example.go.th"]
    assert admin_member.office.short_name in message.subject
    assert "คณะกรรมการ" in message.body  # written in Thai, the site's language: the role as Thai names it
    url = link_in(message)
    page = client.get(url)
    assert page.status_code == 200 and 'value="wilai@example.go.th"' in page.content.decode()
    response = accept(client, url)
    assert response.status_code == 302 and response["Location"] == admin_member.office.get_absolute_url()
    user = User.objects.get(username="wilai")
    assert user.check_password(PASSWORD) and user.email == "wilai@example.go.th"
    assert user.formal_name == "นางสาววิไล รักงาน" and user.position == "นักวิชาการ"
    membership = Membership.objects.get(user=user, office=admin_member.office)
    assert (membership.role, membership.unit) == (Role.COMMITTEE, unit)
    assert client.session["_auth_user_id"] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    actions = list(AuditEvent.objects.filter(office=admin_member.office).values_list("action", flat=True))
    assert actions[:2] == ["invitation.accept", "invitation.send"]
    client.logout()
    assert client.get(url).status_code == 410  # used once


def test_sending_again_makes_the_earlier_link_stop_working(client, admin_member, django_capture_on_commit_callbacks):
    invitation = invite(admin_member, django_capture_on_commit_callbacks)
    first = link_in(mail.outbox[0])
    client.force_login(admin_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation-resend", args=[admin_member.office.slug, invitation.pk]))
    assert response.status_code == 302
    second = link_in(mail.outbox[1])
    client.logout()
    client.cookies["django_language"] = "en"
    old = client.get(first)
    assert old.status_code == 410 and "newer invitation" in old.content.decode()
    assert client.get(second).status_code == 200


def test_a_revoked_invitation_cannot_be_used(client, admin_member, django_capture_on_commit_callbacks):
    invitation = invite(admin_member, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    client.force_login(admin_member.user)
    client.post(reverse("accounts:invitation-revoke", args=[admin_member.office.slug, invitation.pk]))
    client.logout()
    assert client.get(url).status_code == 410
    assert accept(client, url).status_code == 410
    assert not User.objects.filter(username="wilai").exists()
    invitation.refresh_from_db()
    assert invitation.revoked_by == admin_member.user


def test_an_expired_or_forged_link_is_refused(client, admin_member, settings, django_capture_on_commit_callbacks):
    invite(admin_member, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    assert client.get(url[:-3] + "xx/").status_code == 404
    settings.INVITATION_MAX_AGE_DAYS = 0
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_someone_with_an_account_logs_in_to_join(client, admin_member, django_capture_on_commit_callbacks):
    existing = MembershipFactory(user__email="Wilai@Example.go.th").user
    invite(admin_member, django_capture_on_commit_callbacks, email="wilai@example.go.th")
    url = link_in(mail.outbox[0])
    page = client.get(url).content.decode()
    assert reverse("accounts:login") + "?next=" + url in page
    assert accept(client, url).status_code == 200  # no account is made for an address that has one
    assert not User.objects.filter(username="wilai").exists()
    client.force_login(UserFactory(email="someone@example.go.th"))
    assert client.post(url).status_code == 200  # another account cannot take it
    client.force_login(existing)
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(user=existing, office=admin_member.office).exists()


def test_a_deactivated_person_comes_back_through_an_invitation(
    client, admin_member, staff_member, django_capture_on_commit_callbacks
):
    staff_member.user.email = "back@example.go.th"
    staff_member.user.save()
    services.member_deactivate(target=staff_member, membership=admin_member)
    staff_member.user.refresh_from_db()
    assert not staff_member.user.is_active
    invite(admin_member, django_capture_on_commit_callbacks, email="back@example.go.th", role=Role.COMMITTEE)
    response = accept(client, link_in(mail.outbox[0]), username="ignored")
    assert response.status_code == 302
    user = User.objects.get(pk=staff_member.user_id)
    assert user.is_active and user.check_password(PASSWORD) and user.username != "ignored"
    staff_member = Membership.objects.get(pk=staff_member.pk)
    assert staff_member.is_active and staff_member.role == Role.COMMITTEE


def test_a_taken_username_and_a_weak_password_are_refused(client, admin_member, django_capture_on_commit_callbacks):
    UserFactory(username="wilai")
    invite(admin_member, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    assert accept(client, url).status_code == 200
    assert accept(client, url, username="wilai2", password1="12345678", password2="12345678").status_code == 200
    assert accept(client, url, username="wilai2").status_code == 302


def test_members_and_open_invitations_are_not_invited_twice(
    admin_member, staff_member, django_capture_on_commit_callbacks
):
    staff_member.user.email = "staff@example.go.th"
    staff_member.user.save()
    with pytest.raises(ValidationError):
        invite(admin_member, django_capture_on_commit_callbacks, email="STAFF@example.go.th")
    invite(admin_member, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        invite(admin_member, django_capture_on_commit_callbacks, email="Wilai@example.go.th")


def test_only_the_offices_administrators_invite(
    admin_member, committee_member, other_office_admin, django_capture_on_commit_callbacks
):
    for member in (committee_member, other_office_admin):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                office=admin_member.office, user=member.user, email="x@example.go.th", role=Role.ADMIN, base_url=BASE
            )
    with pytest.raises(ValidationError):  # a unit of another office
        invite(admin_member, django_capture_on_commit_callbacks, unit=UnitFactory())
    assert not Invitation.objects.exists()


def test_the_invite_page_sends_the_invitation(client, admin_member, unit, django_capture_on_commit_callbacks):
    client.force_login(admin_member.user)
    url = reverse("accounts:member-invite", args=[admin_member.office.slug])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "new@example.go.th", "role": Role.STAFF, "unit": unit.pk})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["new@example.go.th"]
    page = client.get(reverse("accounts:member-list", args=[admin_member.office.slug])).content.decode()
    assert "new@example.go.th" in page
