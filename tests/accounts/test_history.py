"""People and units with history are never deleted, in the database and in the Django admin."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError, RestrictedError
from django.urls import reverse

from accounts.history import related_counts
from accounts.models import Membership, Office, Unit
from ita.services.respondents import iit_confirm
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_person_with_a_place_in_an_office_cannot_be_deleted(staff_member):
    with pytest.raises(ProtectedError):
        staff_member.user.delete()


def test_a_unit_with_people_cannot_be_deleted_but_a_whole_office_can_go(office, staff_member):
    with pytest.raises(RestrictedError):
        staff_member.unit.delete()
    office.delete()  # a test office, say: its units and memberships go with it
    assert not Membership.all_objects.filter(pk=staff_member.pk).exists()


def test_history_is_counted_across_the_apps(assessment, staff_member):
    iit_confirm(assessment=assessment, membership=staff_member)
    counts = related_counts(staff_member.user)
    assert sum(counts.values()) >= 2  # the membership and the IIT confirmation


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "en"
    return client


def test_the_admin_refuses_to_delete_a_person_with_history(superuser_client, assessment, staff_member):
    iit_confirm(assessment=assessment, membership=staff_member)
    url = reverse("admin:accounts_user_delete", args=[staff_member.user_id])
    response = superuser_client.post(url, {"post": "yes"}, follow=True)
    assert "deactivate the person" in response.content.decode()
    assert User.objects.filter(pk=staff_member.user_id).exists()
    assert staff_member.user.iit_confirmations.count() == 1


def test_the_admin_deletes_a_mistaken_account_without_history(superuser_client):
    mistaken = UserFactory()
    url = reverse("admin:accounts_user_delete", args=[mistaken.pk])
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=mistaken.pk).exists()


def test_the_admin_refuses_to_delete_a_used_unit_and_has_no_bulk_delete(superuser_client, staff_member):
    url = reverse("admin:accounts_unit_delete", args=[staff_member.unit_id])
    response = superuser_client.post(url, {"post": "yes"}, follow=True)
    assert "merge it into another unit" in response.content.decode()
    assert Unit.objects.filter(pk=staff_member.unit_id).exists()
    for model in ("user", "unit"):
        page = superuser_client.get(reverse(f"admin:accounts_{model}_changelist"))
        assert "delete_selected" not in page.content.decode()
    spare = UnitFactory()
    superuser_client.post(reverse("admin:accounts_unit_delete", args=[spare.pk]), {"post": "yes"})
    assert not Unit.objects.filter(pk=spare.pk).exists()


def test_the_admin_lists_deactivated_memberships_too(superuser_client, admin_member, staff_member):
    Membership.all_objects.filter(pk=staff_member.pk).update(is_active=False)
    assert not Membership.objects.filter(pk=staff_member.pk).exists()
    page = superuser_client.get(reverse("admin:accounts_membership_changelist"))
    assert page.context["cl"].result_count == 2
    assert Office.objects.filter(pk=admin_member.office_id).exists()
