"""Giving items to a unit and to responsible staff (`items_assign`)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from ita.services.assessments import assessment_open
from oit import services
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.oit.helpers import Kind, Status, add_file, fresh, get_item, state, stored_files

# --- assignment ----------------------------------------------------------------------------


def test_the_admin_assigns_items_to_a_unit_with_responsible_staff_and_a_due_date(
    assessment, admin_member, staff_member, unit
):
    items = [get_item(assessment, "O1"), get_item(assessment, "O2")]
    due = date(2023, 3, 31)
    count = services.items_assign(
        items=items, membership=admin_member, unit=unit, assignees=[staff_member.user], due_date=due
    )
    assert count == 2
    for before in items:
        item = fresh(before)
        assert item.unit == unit
        assert item.due_date == due
        assert list(item.assignees.all()) == [staff_member.user]
        assert item.version == before.version + 1
        event = item.events.get()
        assert event.kind == Kind.ASSIGNED
        assert event.actor == admin_member.user
        assert event.from_status == Status.DRAFT
        assert event.to_status == ""
        assert str(unit) in event.note
        assert staff_member.user.display_name in event.note


def test_assigning_again_replaces_the_unit_and_staff(item, admin_member, staff_member, committee_member):
    services.items_assign(
        items=[item], membership=admin_member, unit=None, assignees=[committee_member.user], due_date=None
    )
    item = fresh(item)
    assert item.unit is None
    assert item.due_date is None
    assert list(item.assignees.all()) == [committee_member.user]
    services.items_assign(items=[item], membership=admin_member, unit=None, assignees=[], due_date=None)
    assert not fresh(item).assignees.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.COMMITTEE])
def test_only_the_admin_assigns_items(item, office, unit, role):
    member = MembershipFactory(office=office, role=role, unit=unit)
    before = state(item)
    with pytest.raises(PermissionDenied):
        services.items_assign(items=[item], membership=member, unit=unit, assignees=[], due_date=None)
    assert state(item) == before


def test_it_refuses_a_unit_of_another_office(item, admin_member):
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        services.items_assign(
            items=[item], membership=admin_member, unit=UnitFactory(), assignees=[], due_date=date(2023, 3, 31)
        )
    assert excinfo.value.code == "unit"
    assert state(item) == before


@pytest.mark.parametrize("where", ["another office", "no office"])
def test_it_refuses_responsible_staff_who_are_not_members_and_changes_nothing(
    item, admin_member, staff_member, unit, where
):
    outsider = MembershipFactory(role=Role.STAFF).user if where == "another office" else UserFactory()
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        services.items_assign(
            items=[item], membership=admin_member, unit=unit, assignees=[staff_member.user, outsider], due_date=None
        )
    assert excinfo.value.code == "assignees"
    assert state(item) == before


def test_an_item_of_another_office_stops_the_whole_assignment(assessment, admin_member, unit, other_office_admin):
    other_assessment = assessment_open(
        office=other_office_admin.office, framework=assessment.framework, user=other_office_admin.user
    )
    mine, theirs = get_item(assessment, "O1"), get_item(other_assessment, "O2")
    before = state(mine), state(theirs)
    with pytest.raises(PermissionDenied):
        services.items_assign(items=[mine, theirs], membership=admin_member, unit=unit, assignees=[], due_date=None)
    assert (state(mine), state(theirs)) == before


def test_a_responsible_staff_member_of_another_unit_can_then_edit_the_item(
    item, admin_member, unit, other_unit_staff, settings
):
    assert not item.can_edit(other_unit_staff)
    with pytest.raises(PermissionDenied):
        add_file(item, other_unit_staff)
    services.items_assign(
        items=[item], membership=admin_member, unit=unit, assignees=[other_unit_staff.user], due_date=None
    )
    item = fresh(item)
    assert item.can_edit(other_unit_staff)
    revision = add_file(item, other_unit_staff)
    assert revision.uploaded_by == other_unit_staff.user
    assert len(stored_files(settings)) == 1


def test_the_admin_may_edit_an_item_no_one_is_assigned(assessment, admin_member, staff_member):
    item = get_item(assessment, "O5")
    assert item.unit is None
    assert item.can_edit(admin_member)
    assert not item.can_edit(staff_member)
    add_file(item, admin_member)
    with pytest.raises(PermissionDenied):
        add_file(item, staff_member)
