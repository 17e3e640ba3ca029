"""Files and links of an item: revisions, limits and removal (`evidence_*`)."""

import hashlib
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oit import services
from oit.models import Evidence, EvidenceRevision
from tests.oit.helpers import (
    DOC_DATE,
    HTML,
    PDF,
    THAI_NAME,
    URL,
    Kind,
    Status,
    add_file,
    add_link,
    bring_to,
    fresh,
    get_item,
    kinds,
    pdf,
    state,
    stored_files,
    update_contents,
)

# --- evidence: files -----------------------------------------------------------------------


def test_a_file_is_stored_privately_under_an_opaque_name(item, staff_member, settings):
    revision = add_file(item, staff_member)
    name = revision.file.name
    assert re.fullmatch(r"oit/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", name)
    assert name.isascii()
    assert "คำสั่ง" not in name
    path = Path(settings.PRIVATE_MEDIA_ROOT) / name
    assert path.read_bytes() == PDF
    assert stored_files(settings) == [path]
    assert Path(revision.file.path) == path
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    with pytest.raises(ValueError):
        revision.file.url  # noqa: B018 - private files have no public address


def test_a_file_revision_records_what_was_uploaded(item, staff_member):
    version = item.version
    revision = add_file(item, staff_member, title="คำสั่งแต่งตั้ง", description="ลงนามแล้ว")
    revision = EvidenceRevision.objects.get(pk=revision.pk)
    assert revision.number == 1
    assert revision.original_name == THAI_NAME
    assert revision.size == len(PDF)
    assert revision.sha256 == hashlib.sha256(PDF).hexdigest()
    assert revision.content_type == "application/pdf"
    assert revision.extension == ".pdf"
    assert revision.document_date == DOC_DATE
    assert revision.title == "คำสั่งแต่งตั้ง"
    assert revision.description == "ลงนามแล้ว"
    assert revision.uploaded_by == staff_member.user
    assert revision.is_file
    evidence = revision.evidence
    assert (evidence.item, evidence.kind, evidence.title) == (item, Evidence.Kind.FILE, "คำสั่งแต่งตั้ง")
    assert evidence.current == revision
    item = fresh(item)
    assert item.version == version + 1
    assert item.status == Status.DRAFT
    event = item.events.get()
    assert (event.kind, event.actor, event.from_status, event.to_status) == (
        Kind.UPLOADED,
        staff_member.user,
        Status.DRAFT,
        "",
    )
    assert THAI_NAME in event.note


def test_a_file_without_a_title_is_titled_by_its_name(item, staff_member):
    revision = add_file(item, staff_member, title="")
    assert revision.evidence.title == THAI_NAME


def test_a_new_file_for_a_document_becomes_revision_2_and_its_current_one(item, staff_member, settings):
    first = add_file(item, staff_member)
    evidence = first.evidence
    second = add_file(item, staff_member, name="ฉบับแก้ไข.pdf", content=PDF + b"%v2\n", replaces=evidence, title="")
    evidence.refresh_from_db()
    assert [r.number for r in evidence.revisions.all()] == [2, 1]
    assert second.number == 2
    assert evidence.current == second
    assert evidence.title == "คำสั่งแต่งตั้งคณะทำงาน"  # a blank title keeps the old one
    assert second.sha256 == hashlib.sha256(PDF + b"%v2\n").hexdigest()
    assert second.file.name != first.file.name
    assert len(stored_files(settings)) == 2  # the first revision stays for the record
    assert Evidence.objects.filter(item=item).count() == 1
    assert kinds(item) == [Kind.UPLOADED, Kind.UPLOADED]


def test_a_new_revision_may_rename_the_document_but_keeps_the_old_title_on_the_old_revision(item, staff_member):
    first = add_file(item, staff_member, title="ร่างคำสั่ง")
    second = add_file(item, staff_member, replaces=first.evidence, title="คำสั่งฉบับลงนาม")
    first.refresh_from_db()
    assert first.title == "ร่างคำสั่ง"
    assert second.title == "คำสั่งฉบับลงนาม"
    assert Evidence.objects.get(pk=first.evidence_id).title == "คำสั่งฉบับลงนาม"


def test_each_document_numbers_its_own_revisions(item, staff_member):
    add_file(item, staff_member)
    assert add_file(item, staff_member, title="อีกฉบับ").number == 1


def test_an_invalid_file_changes_nothing_and_stores_nothing(item, staff_member, settings):
    before = state(item)
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_add_file(
            item=item,
            membership=staff_member,
            upload=pdf("คำสั่ง.pdf", HTML),
            title="คำสั่ง",
            document_date=DOC_DATE,
        )
    assert excinfo.value.code == "content"
    assert state(item) == before
    assert not Evidence.objects.exists()
    assert not EvidenceRevision.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_limit_changes_nothing(item, staff_member, settings):
    settings.OIT_UPLOAD_MAX_BYTES = 50
    before = state(item)
    with pytest.raises(ValidationError):
        add_file(item, staff_member)
    assert state(item) == before
    assert stored_files(settings) == []


def test_staff_of_another_unit_cannot_add_a_file(item, other_unit_staff, settings):
    before = state(item)
    with pytest.raises(PermissionDenied):
        add_file(item, other_unit_staff)
    assert state(item) == before
    assert stored_files(settings) == []


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED])
def test_no_file_can_be_added_while_the_item_is_under_review_or_done(
    item, staff_member, committee_member, admin_member, settings, status
):
    item = bring_to(item, status, staff_member, committee_member, admin_member)
    before, files = state(item), stored_files(settings)
    for member in (staff_member, admin_member):
        with pytest.raises(ValidationError) as excinfo:
            add_file(item, member)
        assert excinfo.value.code == "status"
    assert state(item) == before
    assert stored_files(settings) == files


def test_a_returned_item_takes_new_files(item, staff_member, committee_member, admin_member):
    item = bring_to(item, Status.RETURNED, staff_member, committee_member, admin_member)
    add_file(item, staff_member, title="ฉบับแก้ไข")
    assert Evidence.objects.filter(item=item).count() == 2


def test_a_revision_must_belong_to_a_live_document_of_the_same_item_and_kind(
    assessment, item, staff_member, admin_member
):
    other_item = get_item(assessment, "O13")
    foreign = add_file(other_item, admin_member).evidence
    link = add_link(item, staff_member).evidence
    removed = add_file(item, staff_member).evidence
    services.evidence_remove(evidence=removed, membership=staff_member)
    removed.refresh_from_db()
    for replaces in (foreign, link, removed):
        before = state(item)
        with pytest.raises(ValidationError) as excinfo:
            add_file(item, staff_member, replaces=replaces, title="ใหม่")
        assert excinfo.value.code == "replaces"
        assert state(item) == before


# --- evidence: links -----------------------------------------------------------------------


def test_a_link_is_recorded_as_a_revision_without_a_file(item, staff_member):
    version = item.version
    revision = add_link(item, staff_member, description="หน้าประกาศ")
    assert revision.url == URL
    assert not revision.is_file
    assert revision.number == 1
    assert revision.document_date == DOC_DATE
    assert revision.uploaded_by == staff_member.user
    assert (revision.evidence.kind, revision.evidence.title) == (Evidence.Kind.LINK, "หน้าเว็บไซต์")
    assert revision.evidence.current == revision
    assert fresh(item).version == version + 1
    assert kinds(item) == [Kind.UPLOADED]


def test_a_link_without_a_title_is_titled_by_its_address(item, staff_member):
    assert add_link(item, staff_member, title="").evidence.title == URL


def test_changing_where_a_link_points_adds_a_revision(item, staff_member):
    first = add_link(item, staff_member)
    second = add_link(item, staff_member, url="https://www.example.go.th/ita/o12-new", replaces=first.evidence)
    first.evidence.refresh_from_db()
    assert second.number == 2
    assert first.evidence.current == second
    assert EvidenceRevision.objects.get(pk=first.pk).url == URL


def test_a_file_document_cannot_take_a_link_revision(item, staff_member):
    evidence = add_file(item, staff_member).evidence
    with pytest.raises(ValidationError):
        add_link(item, staff_member, replaces=evidence)


def test_staff_of_another_unit_cannot_add_a_link(item, other_unit_staff):
    before = state(item)
    with pytest.raises(PermissionDenied):
        add_link(item, other_unit_staff)
    assert state(item) == before


def test_no_link_can_be_added_to_a_submitted_item(item, staff_member, committee_member, admin_member):
    item = bring_to(item, Status.SUBMITTED, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(ValidationError):
        add_link(item, staff_member)
    assert state(item) == before


# --- evidence: limits ----------------------------------------------------------------------


def test_an_item_holds_at_most_the_evidence_limit(item, staff_member, settings):
    settings.OIT_EVIDENCE_MAX_PER_ITEM = 2
    add_file(item, staff_member)
    add_link(item, staff_member)
    before = state(item)
    with pytest.raises(ValidationError) as error:
        add_link(item, staff_member, url="https://www.example.go.th/ita/o12-more")
    assert error.value.code == "too_many"
    with pytest.raises(ValidationError) as error:
        add_file(item, staff_member, name="อีกฉบับ.pdf")
    assert error.value.code == "too_many"
    assert state(item) == before
    assert len(stored_files(settings)) == 1  # the refused file was never stored


def test_a_new_revision_and_a_freed_place_are_within_the_limit(item, staff_member, settings):
    settings.OIT_EVIDENCE_MAX_PER_ITEM = 1
    first = add_link(item, staff_member)
    add_link(item, staff_member, url="https://www.example.go.th/ita/o12-v2", replaces=first.evidence)
    services.evidence_remove(evidence=first.evidence, membership=staff_member)
    add_file(item, staff_member)  # a removed document no longer counts
    assert item.evidence.filter(removed_at__isnull=True).count() == 1


def test_the_limit_is_fifty_documents_by_default(item, staff_member):
    Evidence.objects.bulk_create(Evidence(item=item, kind=Evidence.Kind.LINK, title=f"ลิงก์ {n}") for n in range(49))
    add_link(item, staff_member)
    with pytest.raises(ValidationError):
        add_link(item, staff_member)
    assert item.evidence.count() == 50


def test_a_link_longer_than_its_field_is_refused(item, staff_member):
    longest = f"{URL}/{'a' * (EvidenceRevision._meta.get_field('url').max_length - len(URL) - 1)}"
    assert add_link(item, staff_member, url=longest).url == longest
    before = state(item)
    with pytest.raises(ValidationError) as error:
        add_link(item, staff_member, url=longest + "a")
    assert error.value.code == "url_length"
    assert state(item) == before


# --- evidence: removal ---------------------------------------------------------------------


def test_removing_a_document_keeps_its_revisions_and_files(item, staff_member, settings):
    first = add_file(item, staff_member)
    add_file(item, staff_member, replaces=first.evidence, title="")
    evidence = first.evidence
    version = fresh(item).version
    services.evidence_remove(evidence=evidence, membership=staff_member)
    evidence.refresh_from_db()
    assert evidence.removed_at is not None
    assert evidence.removed_by == staff_member.user
    assert evidence.revisions.count() == 2
    assert len(stored_files(settings)) == 2
    item = fresh(item)
    assert item.version == version + 1
    event = item.events.last()
    assert (event.kind, event.actor, event.note) == (Kind.REMOVED, staff_member.user, evidence.title)


def test_removing_a_document_clears_the_checks_it_covered(o27, staff_member):
    kept = add_file(o27, staff_member, title="เก็บไว้").evidence
    gone = add_file(o27, staff_member, title="ลบออก").evidence
    first, second, *_ = o27.checks.all()
    update_contents(o27, staff_member, coverage={first.pk: gone, second.pk: kept})
    services.evidence_remove(evidence=gone, membership=staff_member)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.evidence is None
    assert second.evidence == kept


def test_removing_a_document_twice_does_nothing_the_second_time(item, staff_member):
    evidence = add_file(item, staff_member).evidence
    services.evidence_remove(evidence=evidence, membership=staff_member)
    evidence.refresh_from_db()
    before = state(item)
    services.evidence_remove(evidence=evidence, membership=staff_member)
    assert state(item) == before


def test_staff_of_another_unit_cannot_remove_a_document(item, staff_member, other_unit_staff):
    evidence = add_file(item, staff_member).evidence
    before = state(item)
    with pytest.raises(PermissionDenied):
        services.evidence_remove(evidence=evidence, membership=other_unit_staff)
    assert state(item) == before


def test_no_document_can_be_removed_from_a_submitted_item(item, staff_member, committee_member, admin_member):
    item = bring_to(item, Status.SUBMITTED, staff_member, committee_member, admin_member)
    before = state(item)
    with pytest.raises(ValidationError):
        services.evidence_remove(evidence=Evidence.objects.get(item=item), membership=staff_member)
    assert state(item) == before
