import pytest

from accounts.models import Role
from oit.models import Item
from tests.factories import MembershipFactory, UnitFactory
from tests.oit.helpers import get_item


@pytest.fixture
def item(assessment, unit):
    """O12, given to the unit the member fixtures work in (without an assignment event)."""
    Item.objects.filter(assessment=assessment, definition__code="O12").update(unit=unit)
    return get_item(assessment, "O12")


@pytest.fixture
def o27(assessment, unit):
    """O27, the item with the longest checklist (five minimum contents)."""
    Item.objects.filter(assessment=assessment, definition__code="O27").update(unit=unit)
    return get_item(assessment, "O27")


@pytest.fixture
def other_unit_staff(office):
    return MembershipFactory(office=office, role=Role.STAFF, unit=UnitFactory(office=office))


@pytest.fixture
def second_committee_member(office):
    return MembershipFactory(office=office, role=Role.COMMITTEE)
