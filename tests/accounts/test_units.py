"""Units: created, renamed, merged (everything that points at them moves, logged) and removed only
when nothing points at them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.history import reverse_relations
from accounts.models import AuditEvent, Invitation, Membership, Role, Unit
from oit.models import Item
from spdca.models import Activity
from tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_every_relation_to_unit_is_found_also_the_hidden_ones():
    found = {(r.related_model._meta.label, r.field.name) for r in reverse_relations(Unit)}
    assert {
        ("accounts.Membership", "unit"),
        ("accounts.Invitation", "unit"),
        ("oit.Item", "unit"),
        ("spdca.Activity", "unit"),  # declared with related_name="+"
    } <= found


def test_an_admin_adds_and_renames_a_unit(client, admin_member):
    client.force_login(admin_member.user)
    units = reverse("accounts:unit-list", args=[admin_member.office.slug])
    assert client.post(units, {"name": "กลุ่มนโยบายและแผน", "short_name": "กนผ."}).status_code == 302
    unit = Unit.objects.get(office=admin_member.office, name="กลุ่มนโยบายและแผน")
    assert client.post(units, {"name": "กลุ่มนโยบายและแผน"}).status_code == 400  # the name is taken
    rename = reverse("accounts:unit-rename", args=[admin_member.office.slug, unit.pk])
    data = {"name": "กลุ่มแผน", "short_name": "กผ.", "version": unit.version}
    assert client.post(rename, data).status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("กลุ่มแผน", 2)
    assert client.post(rename, {**data, "name": "ชื่อที่สาม"}).status_code == 409  # stale
    unit.refresh_from_db()
    assert unit.name == "กลุ่มแผน"
    assert list(AuditEvent.objects.filter(office=admin_member.office).values_list("action", flat=True)) == [
        "unit.rename",
        "unit.create",
    ]


def test_merging_moves_items_activities_people_and_invitations(client, assessment, admin_member, staff_member):
    office = admin_member.office
    old, into = staff_member.unit, UnitFactory(office=office)
    items = list(Item.objects.filter(assessment=assessment)[:3])
    Item.objects.filter(pk__in=[i.pk for i in items]).update(unit=old)
    activity = Activity.objects.create(
        assessment=assessment, title="อบรม", unit=old, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 2, 1)
    )
    invitation = Invitation.objects.create(
        office=office, email="x@example.go.th", unit=old, invited_by=admin_member.user
    )
    client.force_login(admin_member.user)
    detail = client.get(reverse("accounts:unit-detail", args=[office.slug, old.pk]))
    assert detail.status_code == 200
    merge = reverse("accounts:unit-merge", args=[office.slug, old.pk])
    response = client.post(merge, {"into": into.pk, "confirm": "on"})
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=old.pk).exists()
    assert Item.objects.filter(unit=into).count() == 3
    activity.refresh_from_db()
    invitation.refresh_from_db()
    assert activity.unit == into and invitation.unit == into
    assert Membership.objects.filter(unit=into).count() == 2  # the admin and the staff member
    event = AuditEvent.objects.get(action="unit.merge")
    assert sum(event.data["moved"].values()) == 3 + 1 + 1 + 2


def test_a_unit_is_not_merged_into_itself_nor_into_another_office(admin_member, unit):
    with pytest.raises(ValidationError):
        services.unit_merge(unit=unit, into=unit, membership=admin_member)
    with pytest.raises(Exception):  # noqa: B017 - the other office's unit is not the admin's
        services.unit_merge(unit=unit, into=UnitFactory(), membership=admin_member)
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_used_unit_is_not_removed_an_unused_one_is(client, admin_member, unit):
    office = admin_member.office
    client.force_login(admin_member.user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accounts:unit-delete", args=[office.slug, unit.pk]), follow=True)
    assert "merge it into another unit instead" in response.content.decode()
    assert Unit.objects.filter(pk=unit.pk).exists()
    spare = UnitFactory(office=office)
    assert client.post(reverse("accounts:unit-delete", args=[office.slug, spare.pk])).status_code == 302
    assert not Unit.objects.filter(pk=spare.pk).exists()
    assert AuditEvent.objects.get(action="unit.delete").data["unit"] == spare.name


def test_only_admins_manage_units(committee_member, other_office_admin, unit):
    from django.core.exceptions import PermissionDenied

    for member in (committee_member, other_office_admin):
        with pytest.raises(PermissionDenied):
            services.unit_create(office=unit.office, membership=member, name="x")
        with pytest.raises(PermissionDenied):
            services.unit_delete(unit=unit, membership=member)


def test_the_unit_list_counts_active_members(client, admin_member, unit):
    gone = MembershipFactory(office=admin_member.office, unit=unit, role=Role.STAFF)
    services.member_deactivate(target=gone, membership=admin_member)
    client.force_login(admin_member.user)
    response = client.get(reverse("accounts:unit-list", args=[admin_member.office.slug]))
    assert [u.member_count for u in response.context["units"]] == [1]
