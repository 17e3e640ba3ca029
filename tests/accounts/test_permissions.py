"""Who reaches which office page: members only, and the role decides what they may change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from accounts.models import Role
from accounts.permissions import get_membership_or_404
from tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    return request


@pytest.mark.parametrize("role", list(Role))
def test_a_member_reaches_their_office(office, role):
    membership = MembershipFactory(office=office, role=role)
    assert get_membership_or_404(request_for(membership.user), office.slug) == membership


def test_the_check_changes_neither_the_request_nor_the_session(office, admin_member):
    request = request_for(admin_member.user)
    get_membership_or_404(request, office.slug, roles=[Role.ADMIN])
    assert request.session == {}
    assert not hasattr(request, "membership")


def test_the_assessment_check_returns_the_membership_it_checked(assessment, committee_member):
    from ita.access import get_assessment_or_404

    request = request_for(committee_member.user)
    found, membership = get_assessment_or_404(request, assessment.office.slug, assessment.fiscal_year)
    assert (found, membership) == (assessment, committee_member)
    with pytest.raises(PermissionDenied):
        get_assessment_or_404(request, assessment.office.slug, assessment.fiscal_year, roles=[Role.ADMIN])
    with pytest.raises(Http404):
        get_assessment_or_404(request, assessment.office.slug, assessment.fiscal_year + 1)
    assert request.session == {}


def test_someone_from_another_office_gets_404(office, other_office_admin):
    with pytest.raises(Http404):
        get_membership_or_404(request_for(other_office_admin.user), office.slug)


def test_an_anonymous_visitor_gets_404(office):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_membership_or_404(request_for(AnonymousUser()), office.slug)


@pytest.mark.parametrize(("role", "allowed"), [(Role.ADMIN, True), (Role.COMMITTEE, False), (Role.STAFF, False)])
def test_admin_only_actions(office, role, allowed):
    membership = MembershipFactory(office=office, role=role)
    if allowed:
        assert get_membership_or_404(request_for(membership.user), office.slug, roles=[Role.ADMIN])
    else:
        with pytest.raises(PermissionDenied):
            get_membership_or_404(request_for(membership.user), office.slug, roles=[Role.ADMIN])


@pytest.mark.parametrize(("role", "can_review"), [(Role.ADMIN, True), (Role.COMMITTEE, True), (Role.STAFF, False)])
def test_who_reviews(role, can_review):
    assert MembershipFactory.build(role=role).can_review is can_review


def test_staff_change_only_their_own_units_work(office, unit):
    other_unit = UnitFactory(office=office)
    staff = MembershipFactory(office=office, role=Role.STAFF, unit=unit)
    admin = MembershipFactory(office=office, role=Role.ADMIN, unit=unit)
    assert staff.can_edit_unit_work(unit.pk)
    assert not staff.can_edit_unit_work(other_unit.pk)
    assert not staff.can_edit_unit_work(None)
    assert admin.can_edit_unit_work(other_unit.pk)


def test_a_unit_must_belong_to_the_members_office(office):
    from django.core.exceptions import ValidationError

    membership = MembershipFactory.build(office=office, unit=UnitFactory())
    with pytest.raises(ValidationError):
        membership.clean()


def test_reserved_words_cannot_be_office_slugs(office):
    from django.core.exceptions import ValidationError

    office.slug = "admin"
    with pytest.raises(ValidationError):
        office.full_clean()
