"""The item's summary and both columns of its checklist (`item_update_contents`, `item_review_checks`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oit import services
from oit.services import StaleItemError
from tests.oit.helpers import Kind, Status, add_file, bring_to, fresh, get_item, state, update_contents

# --- contents and checklist ----------------------------------------------------------------


def test_it_saves_the_summary_and_what_covers_each_requirement(o27, staff_member):
    evidence = add_file(o27, staff_member).evidence
    checks = list(o27.checks.all())
    version = fresh(o27).version
    item = update_contents(
        o27, staff_member, description="สรุปผลการดำเนินงาน", coverage={checks[0].pk: evidence, checks[1].pk: None}
    )
    assert item.version == version + 1
    item = fresh(o27)
    assert item.description == "สรุปผลการดำเนินงาน"
    assert list(item.checks.values_list("covered", "evidence_id")) == [
        (True, evidence.pk),
        (True, None),
        (False, None),
        (False, None),
        (False, None),
    ]
    event = item.events.last()
    assert (event.kind, event.actor) == (Kind.EDITED, staff_member.user)


def test_requirements_left_out_are_unticked(o27, staff_member):
    evidence = add_file(o27, staff_member).evidence
    first = o27.checks.first()
    update_contents(o27, staff_member, coverage={first.pk: evidence})
    update_contents(o27, staff_member)
    first.refresh_from_db()
    assert (first.covered, first.evidence) == (False, None)


def test_saving_the_same_contents_again_writes_nothing(o27, staff_member):
    update_contents(o27, staff_member, description="สรุป", coverage={o27.checks.first().pk: None})
    before = state(o27)
    update_contents(o27, staff_member, description="สรุป", coverage={o27.checks.first().pk: None})
    assert state(o27) == before


def test_a_stale_version_raises_and_changes_nothing(o27, staff_member):
    evidence = add_file(o27, staff_member).evidence
    stale = fresh(o27).version - 1
    before = state(o27)
    with pytest.raises(StaleItemError) as excinfo:
        update_contents(o27, staff_member, description="ใหม่", coverage={o27.checks.first().pk: evidence}, version=stale)
    assert excinfo.value.code == "stale"
    assert isinstance(excinfo.value, ValidationError)
    assert state(o27) == before


def test_a_requirement_cannot_point_to_a_document_of_another_item(assessment, o27, staff_member, admin_member):
    foreign = add_file(get_item(assessment, "O13"), admin_member).evidence
    before = state(o27)
    with pytest.raises(ValidationError) as excinfo:
        update_contents(o27, staff_member, description="ใหม่", coverage={o27.checks.first().pk: foreign})
    assert excinfo.value.code == "evidence"
    assert state(o27) == before


def test_a_requirement_cannot_point_to_a_removed_document(o27, staff_member):
    evidence = add_file(o27, staff_member).evidence
    services.evidence_remove(evidence=evidence, membership=staff_member)
    evidence.refresh_from_db()
    before = state(o27)
    with pytest.raises(ValidationError):
        update_contents(o27, staff_member, coverage={o27.checks.first().pk: evidence})
    assert state(o27) == before


def test_staff_of_another_unit_cannot_change_the_contents(o27, other_unit_staff):
    before = state(o27)
    with pytest.raises(PermissionDenied):
        update_contents(o27, other_unit_staff, description="ใหม่")
    assert state(o27) == before


def test_contents_cannot_change_under_review(o27, staff_member, committee_member, admin_member):
    item = bring_to(o27, Status.SUBMITTED, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(ValidationError):
        update_contents(item, staff_member, description="ใหม่")
    assert state(item) == before


def test_the_reviewer_ticks_requirements_independently_of_staff(o27, staff_member, committee_member, admin_member):
    item = bring_to(o27, Status.SUBMITTED, staff_member, committee_member, admin_member)
    first, second, *_ = item.checks.all()
    item = services.item_review_checks(
        item=item, membership=committee_member, expected_version=item.version, ok_ids={first.pk, second.pk}
    )
    first.refresh_from_db()
    assert (first.reviewer_ok, first.reviewed_by, first.covered) == (True, committee_member.user, False)
    assert fresh(o27).events.last().kind == Kind.CHECKED
    before = state(o27)
    services.item_review_checks(
        item=item, membership=committee_member, expected_version=item.version, ok_ids={first.pk, second.pk}
    )
    assert state(o27) == before


def test_staff_cannot_tick_the_reviewers_column(o27, staff_member, committee_member, admin_member):
    item = bring_to(o27, Status.SUBMITTED, staff_member, committee_member, admin_member)
    with pytest.raises(PermissionDenied):
        services.item_review_checks(item=item, membership=staff_member, expected_version=item.version, ok_ids=set())


def test_a_draft_is_not_reviewed(o27, committee_member):
    with pytest.raises(ValidationError):
        services.item_review_checks(
            item=o27, membership=committee_member, expected_version=o27.version, ok_ids={o27.checks.first().pk}
        )
