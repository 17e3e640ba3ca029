"""Publishing an approved item and taking it off the public page (`item_publish`, `item_unpublish`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from oit import services
from oit.models import Publication
from tests.oit.helpers import (
    PDF,
    Kind,
    Status,
    add_file,
    add_link,
    approve,
    bring_to,
    fresh,
    publish,
    state,
    submit,
    unpublish,
    update_contents,
)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.PUBLISHED])
def test_only_an_approved_item_can_be_published(item, staff_member, committee_member, admin_member, status):
    item = bring_to(item, status, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(ValidationError):
        publish(item, admin_member)
    assert state(item) == before


def test_staff_cannot_publish(item, staff_member, committee_member, admin_member):
    item = bring_to(item, Status.APPROVED, staff_member, committee_member, admin_member)
    with pytest.raises(PermissionDenied):
        publish(item, staff_member)


def test_committee_members_publish_only_when_the_office_lets_them(
    item, office, staff_member, committee_member, admin_member
):
    item = bring_to(item, Status.APPROVED, staff_member, committee_member, admin_member)
    assert not item.can_publish(committee_member)
    before = state(item)
    with pytest.raises(PermissionDenied):
        publish(item, committee_member)
    assert state(item) == before
    office.oit_committee_publishes = True
    office.save()
    publication = publish(item, committee_member)
    assert publication.published_by == committee_member.user
    assert fresh(item).status == Status.PUBLISHED
    with pytest.raises(PermissionDenied):
        unpublish(item, staff_member)
    assert unpublish(item, committee_member).status == Status.RETURNED


def test_committee_members_cannot_unpublish_by_default(item, staff_member, committee_member, admin_member):
    item = bring_to(item, Status.PUBLISHED, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(PermissionDenied):
        unpublish(item, committee_member)
    assert state(item) == before


def test_publishing_copies_the_current_revisions_and_summary(item, staff_member, committee_member, admin_member):
    file_revision = add_file(item, staff_member)
    link_revision = add_link(item, staff_member)
    services.evidence_remove(evidence=add_file(item, staff_member, title="ร่าง").evidence, membership=staff_member)
    update_contents(item, staff_member, description="สรุปฉบับเผยแพร่")
    submit(item, staff_member)
    approve(item, committee_member)
    publication = publish(item, admin_member)
    assert set(publication.revisions.all()) == {file_revision, link_revision}
    assert publication.description == "สรุปฉบับเผยแพร่"
    assert publication.withdrawn_at is None
    assert Publication.objects.get(item=item) == publication


def test_a_later_revision_does_not_reach_the_old_publication(item, staff_member, committee_member, admin_member):
    first = add_file(item, staff_member)
    update_contents(item, staff_member, description="ฉบับแรก")
    submit(item, staff_member)
    approve(item, committee_member)
    old = publish(item, admin_member)
    unpublish(item, admin_member)
    second = add_file(item, staff_member, content=PDF + b"%v2\n", replaces=first.evidence, title="")
    update_contents(item, staff_member, description="ฉบับแก้ไข")
    old.refresh_from_db()
    assert list(old.revisions.all()) == [first]
    assert old.description == "ฉบับแรก"
    submit(item, staff_member)
    approve(item, committee_member)
    new = publish(item, admin_member)
    assert list(new.revisions.all()) == [second]
    assert new.description == "ฉบับแก้ไข"
    old.refresh_from_db()
    assert list(old.revisions.all()) == [first]
    assert old.withdrawn_at is not None
    assert list(Publication.objects.filter(item=item, withdrawn_at__isnull=True)) == [new]


def test_unpublishing_withdraws_the_publication_and_returns_the_item(
    item, staff_member, committee_member, admin_member
):
    item = bring_to(item, Status.PUBLISHED, staff_member, committee_member, admin_member)
    publication = Publication.objects.get(item=item)
    item = unpublish(item, admin_member, reason="  เอกสารหมดอายุ ")
    assert item.status == Status.RETURNED
    assert not item.passes
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None
    assert publication.withdrawn_by == admin_member.user
    assert publication.withdrawn_reason == "เอกสารหมดอายุ"
    event = fresh(item).events.last()
    assert (event.kind, event.actor, event.from_status, event.to_status, event.note) == (
        Kind.UNPUBLISHED,
        admin_member.user,
        Status.PUBLISHED,
        Status.RETURNED,
        "เอกสารหมดอายุ",
    )
    assert fresh(item).is_editable


@pytest.mark.parametrize("reason", ["", "  "])
def test_unpublishing_needs_a_reason(item, staff_member, committee_member, admin_member, reason):
    item = bring_to(item, Status.PUBLISHED, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        unpublish(item, admin_member, reason=reason)
    assert excinfo.value.code == "reason"
    assert state(item) == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED])
def test_only_a_published_item_can_be_unpublished(item, staff_member, committee_member, admin_member, status):
    item = bring_to(item, status, staff_member, committee_member, admin_member)
    with pytest.raises(ValidationError):
        unpublish(item, admin_member)


def test_an_item_has_at_most_one_live_publication(item, staff_member, committee_member, admin_member):
    item = bring_to(item, Status.PUBLISHED, staff_member, committee_member, admin_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(item=item, published_by=admin_member.user)
    assert Publication.objects.filter(item=item).count() == 1
