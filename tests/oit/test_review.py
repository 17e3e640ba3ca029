"""Submitting, returning, approving and commenting (`item_submit`, `item_return`, `item_approve`, `item_comment`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from oit import services
from oit.models import Approval
from oit.services import StaleItemError
from tests.factories import MembershipFactory
from tests.oit.helpers import (
    Kind,
    Status,
    add_file,
    add_link,
    approve,
    bring_to,
    fresh,
    publish,
    return_,
    state,
    submit,
    unpublish,
    update_contents,
)

# --- workflow ------------------------------------------------------------------------------


def test_an_item_cannot_be_submitted_without_evidence(item, staff_member):
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        submit(item, staff_member)
    assert excinfo.value.code == "no_evidence"
    assert state(item) == before


def test_removed_evidence_does_not_count_for_submitting(item, staff_member):
    services.evidence_remove(evidence=add_file(item, staff_member).evidence, membership=staff_member)
    with pytest.raises(ValidationError):
        submit(item, staff_member)


def test_an_item_goes_from_draft_to_published_through_a_return(
    item, staff_member, committee_member, admin_member, second_committee_member
):
    add_file(item, staff_member)
    update_contents(item, staff_member, coverage={check.pk: None for check in item.checks.all()})
    item = submit(item, staff_member, note="พร้อมตรวจ")
    assert (item.status, item.review_round, item.submitted_by) == (Status.SUBMITTED, 1, staff_member.user)
    assert item.submitted_at is not None
    item = return_(item, committee_member, reason="  ขาดลายมือชื่อ  ")
    assert (item.status, item.review_round) == (Status.RETURNED, 1)
    add_link(item, staff_member)
    item = submit(item, staff_member)
    assert (item.status, item.review_round) == (Status.SUBMITTED, 2)
    ok_ids = set(item.checks.values_list("pk", flat=True))
    services.item_review_checks(
        item=item, membership=second_committee_member, expected_version=item.version, ok_ids=ok_ids
    )
    item = approve(item, second_committee_member, note="ครบถ้วน")
    assert item.status == Status.APPROVED
    publication = publish(item, admin_member)
    item = fresh(item)
    assert item.status == Status.PUBLISHED
    assert item.passes
    assert publication.published_by == admin_member.user
    transitions = [(e.kind, e.actor, e.from_status, e.to_status, e.note) for e in item.events.all() if e.is_transition]
    assert transitions == [
        (Kind.SUBMITTED, staff_member.user, Status.DRAFT, Status.SUBMITTED, "พร้อมตรวจ"),
        (Kind.RETURNED, committee_member.user, Status.SUBMITTED, Status.RETURNED, "ขาดลายมือชื่อ"),
        (Kind.SUBMITTED, staff_member.user, Status.RETURNED, Status.SUBMITTED, ""),
        (Kind.APPROVED, second_committee_member.user, Status.SUBMITTED, Status.APPROVED, "ครบถ้วน"),
        (Kind.PUBLISHED, admin_member.user, Status.APPROVED, Status.PUBLISHED, ""),
    ]


def test_every_step_raises_the_version(item, staff_member, committee_member, admin_member):
    versions = [item.version]
    add_file(item, staff_member)
    versions.append(fresh(item).version)
    versions.append(submit(item, staff_member).version)
    versions.append(approve(item, committee_member).version)
    publish(item, admin_member)
    versions.append(fresh(item).version)
    versions.append(unpublish(item, admin_member).version)
    assert versions == sorted(set(versions))


def test_an_approved_item_can_still_be_returned(item, staff_member, committee_member, admin_member):
    item = bring_to(item, Status.APPROVED, staff_member, committee_member, admin_member)
    assert return_(item, committee_member).status == Status.RETURNED


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_return_needs_a_reason(item, staff_member, committee_member, admin_member, reason):
    item = bring_to(item, Status.SUBMITTED, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        return_(item, committee_member, reason=reason)
    assert excinfo.value.code == "reason"
    assert state(item) == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.PUBLISHED])
def test_only_an_item_under_review_can_be_returned(item, staff_member, committee_member, admin_member, status):
    item = bring_to(item, status, staff_member, committee_member, admin_member)
    with pytest.raises(ValidationError):
        return_(item, committee_member)


def test_the_submitter_cannot_approve_their_own_submission(
    item, committee_member, second_committee_member, admin_member
):
    add_file(item, committee_member)  # a committee member of the unit prepares the item
    submit(item, committee_member)
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        approve(item, committee_member)
    assert excinfo.value.code == "own"
    assert state(item) == before
    assert approve(item, second_committee_member).status == Status.APPROVED


def test_an_admin_who_submitted_cannot_approve_either(item, admin_member, committee_member):
    add_file(item, admin_member)
    submit(item, admin_member)
    with pytest.raises(ValidationError):
        approve(item, admin_member)
    assert approve(item, committee_member).status == Status.APPROVED


def test_with_two_approvals_needed_the_first_leaves_the_item_submitted(
    item, office, staff_member, committee_member, second_committee_member
):
    office.oit_required_approvals = 2
    office.save()
    add_file(item, staff_member)
    submit(item, staff_member)
    version = fresh(item).version
    item = approve(item, committee_member, note="เห็นชอบ")
    assert item.status == Status.SUBMITTED
    assert item.version == version + 1
    event = fresh(item).events.last()
    assert (event.kind, event.actor, event.from_status, event.to_status) == (
        Kind.APPROVAL,
        committee_member.user,
        Status.SUBMITTED,
        "",
    )
    assert "1/2" in event.note
    assert "เห็นชอบ" in event.note
    item = approve(item, second_committee_member)
    assert item.status == Status.APPROVED
    assert fresh(item).events.last().kind == Kind.APPROVED
    assert Approval.objects.filter(item=item, review_round=1).count() == 2


def test_a_reviewer_cannot_approve_twice(item, office, staff_member, committee_member):
    office.oit_required_approvals = 2
    office.save()
    add_file(item, staff_member)
    submit(item, staff_member)
    approve(item, committee_member)
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        approve(item, committee_member)
    assert excinfo.value.code == "twice"
    assert state(item) == before


def test_approvals_of_an_earlier_round_do_not_count_after_a_return(
    item, office, staff_member, committee_member, second_committee_member
):
    office.oit_required_approvals = 2
    office.save()
    add_file(item, staff_member)
    submit(item, staff_member)
    approve(item, committee_member)
    return_(item, second_committee_member)
    submit(item, staff_member)
    item = approve(item, second_committee_member)
    assert item.status == Status.SUBMITTED  # committee_member's approval was for round 1
    item = approve(item, committee_member)  # may approve again in the new round
    assert item.status == Status.APPROVED
    assert list(Approval.objects.filter(item=item).order_by("pk").values_list("review_round", flat=True)) == [1, 2, 2]


def test_staff_cannot_approve_or_return(item, staff_member, committee_member, admin_member, office):
    item = bring_to(item, Status.SUBMITTED, staff_member, committee_member, admin_member)
    other_staff = MembershipFactory(office=office, role=Role.STAFF, unit=staff_member.unit)
    before = state(item)
    with pytest.raises(PermissionDenied):
        approve(item, other_staff)
    with pytest.raises(PermissionDenied):
        return_(item, other_staff)
    assert state(item) == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.APPROVED, Status.PUBLISHED])
def test_only_a_submitted_item_can_be_approved(item, staff_member, committee_member, admin_member, status):
    item = bring_to(item, status, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(ValidationError):
        approve(item, admin_member)
    assert state(item) == before


def test_a_comment_is_added_to_the_timeline(item, other_unit_staff):
    event = services.item_comment(item=item, membership=other_unit_staff, text="  ขอสำเนาด้วย ")
    assert (event.kind, event.actor, event.note, event.from_status, event.to_status) == (
        Kind.COMMENTED,
        other_unit_staff.user,
        "ขอสำเนาด้วย",
        "",
        "",
    )
    with pytest.raises(ValidationError):
        services.item_comment(item=item, membership=other_unit_staff, text=" ")


def test_a_stale_version_stops_a_workflow_step(item, staff_member, committee_member):
    add_file(item, staff_member)
    stale = item.version  # read before the upload raised it
    with pytest.raises(StaleItemError):
        services.item_submit(item=item, membership=staff_member, expected_version=stale)
    item = submit(item, staff_member)
    with pytest.raises(StaleItemError):
        services.item_approve(item=item, membership=committee_member, expected_version=item.version - 1)
    with pytest.raises(StaleItemError):
        services.item_return(item=item, membership=committee_member, expected_version=item.version - 1, reason="x")
    assert fresh(item).status == Status.SUBMITTED
