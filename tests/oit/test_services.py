import hashlib
import re
import threading
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from accounts.models import Role, User
from ita.catalogue import parse_framework
from ita.models import Assessment, Framework, ItemRequirement
from ita.services import assessment_open, framework_load
from oit import services
from oit.models import (
    Approval,
    Evidence,
    EvidenceRevision,
    Item,
    ItemEvent,
    Publication,
    RequirementCheck,
)
from oit.services import StaleItemError
from tests.conftest import FRAMEWORK_DIR
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory
from tests.helpers import in_own_connection

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
THAI_NAME = "คำสั่งแต่งตั้งคณะทำงาน ITA 2566.pdf"
DOC_DATE = date(2023, 1, 15)  # 15 ม.ค. 2566
URL = "https://www.example.go.th/ita/o12"
Status = Item.Status
Kind = ItemEvent.Kind


# --- fixtures and helpers ------------------------------------------------------------------


def get_item(assessment, code: str) -> Item:
    return Item.objects.select_related("assessment__office", "definition").get(
        assessment=assessment, definition__code=code
    )


def fresh(item: Item) -> Item:
    return Item.objects.select_related("assessment__office", "definition").get(pk=item.pk)


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


def pdf(name: str = THAI_NAME, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add_file(item, membership, name: str = THAI_NAME, content: bytes = PDF, **kwargs) -> EvidenceRevision:
    kwargs.setdefault("title", "คำสั่งแต่งตั้งคณะทำงาน")
    kwargs.setdefault("document_date", DOC_DATE)
    return services.evidence_add_file(item=item, membership=membership, upload=pdf(name, content), **kwargs)


def add_link(item, membership, url: str = URL, **kwargs) -> EvidenceRevision:
    kwargs.setdefault("title", "หน้าเว็บไซต์")
    kwargs.setdefault("document_date", DOC_DATE)
    return services.evidence_add_link(item=item, membership=membership, url=url, **kwargs)


def submit(item, membership, **kwargs) -> Item:
    item = fresh(item)
    return services.item_submit(item=item, membership=membership, expected_version=item.version, **kwargs)


def approve(item, membership, **kwargs) -> Item:
    item = fresh(item)
    return services.item_approve(item=item, membership=membership, expected_version=item.version, **kwargs)


def return_(item, membership, reason: str = "ขาดลายมือชื่อผู้อำนวยการ") -> Item:
    item = fresh(item)
    return services.item_return(item=item, membership=membership, expected_version=item.version, reason=reason)


def publish(item, membership) -> Publication:
    item = fresh(item)
    return services.item_publish(item=item, membership=membership, expected_version=item.version)


def unpublish(item, membership, reason: str = "แก้ไขเอกสารให้เป็นปัจจุบัน") -> Item:
    item = fresh(item)
    return services.item_unpublish(item=item, membership=membership, reason=reason, expected_version=item.version)


def update_contents(item, membership, description: str = "", coverage=None, version: int | None = None) -> Item:
    item = fresh(item)
    return services.item_update_contents(
        item=item,
        membership=membership,
        expected_version=item.version if version is None else version,
        description=description,
        coverage=coverage or {},
    )


def bring_to(item, status: str, staff, committee, admin) -> Item:
    """Take the item, with one file, through the real workflow up to `status`."""
    add_file(item, staff)
    if status == Status.DRAFT:
        return fresh(item)
    submit(item, staff)
    if status == Status.RETURNED:
        return_(item, committee)
    if status in (Status.APPROVED, Status.PUBLISHED):
        approve(item, committee)
    if status == Status.PUBLISHED:
        publish(item, admin)
    item = fresh(item)
    assert item.status == status
    return item


def state(item) -> tuple:
    """Everything a service may change about an item, to prove that a refusal changed nothing."""
    item = fresh(item)
    return (
        item.status,
        item.version,
        item.review_round,
        item.description,
        item.unit_id,
        item.due_date,
        sorted(item.assignees.values_list("pk", flat=True)),
        list(item.events.values_list("pk", flat=True)),
        list(Evidence.objects.filter(item=item).values_list("pk", "title", "current_id", "removed_at")),
        list(EvidenceRevision.objects.filter(evidence__item=item).values_list("pk", flat=True)),
        list(item.checks.values_list("pk", "covered", "evidence_id", "reviewer_ok")),
        list(Approval.objects.filter(item=item).values_list("pk", flat=True)),
        list(Publication.objects.filter(item=item).values_list("pk", "withdrawn_at")),
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def kinds(item) -> list[str]:
    return list(ItemEvent.objects.filter(item=item).values_list("kind", flat=True))


# --- items and their checklist -------------------------------------------------------------


def test_opening_an_assessment_gives_each_item_one_check_per_requirement(assessment):
    items = Item.objects.filter(assessment=assessment).prefetch_related("checks", "definition__requirements")
    assert len(items) == 43
    for item in items:
        expected = {requirement.pk for requirement in item.definition.requirements.all()}
        assert expected, item.code
        assert {check.requirement_id for check in item.checks.all()} == expected
    assert get_item(assessment, "O27").checks.count() == 5
    check = RequirementCheck.objects.filter(item__assessment=assessment).first()
    assert (check.covered, check.evidence, check.reviewer_ok) == (False, None, False)


def test_creating_checks_again_changes_nothing(assessment):
    before = list(RequirementCheck.objects.filter(item__assessment=assessment).values_list("pk", "requirement_id"))
    services.checks_create(items=Item.objects.filter(assessment=assessment))
    after = list(RequirementCheck.objects.filter(item__assessment=assessment).values_list("pk", "requirement_id"))
    assert after == before


def test_creating_checks_adds_only_the_missing_ones(assessment):
    item = get_item(assessment, "O27")
    kept = set(item.checks.values_list("pk", flat=True))
    item.checks.order_by("pk").first().delete()
    services.checks_create(items=[item])
    now = set(item.checks.values_list("pk", flat=True))
    assert len(now) == 5
    assert len(now & kept) == 4


def test_creating_checks_for_a_framework_twice_does_not_duplicate(assessment, framework_2566):
    count = RequirementCheck.objects.count()
    services.checks_create_for_framework(framework=framework_2566)
    services.checks_create_for_framework(framework=framework_2566)
    assert RequirementCheck.objects.count() == count


def with_new_requirement(code: str) -> str:
    """The 2566 framework file with one more minimum content for item `code`."""
    data = yaml.safe_load((FRAMEWORK_DIR / "2566.yaml").read_text(encoding="utf-8"))
    for indicator in data["indicators"]:
        for sub_indicator in indicator.get("sub_indicators", []):
            for item in sub_indicator["items"]:
                if item["code"] == code:
                    item["requirements"].append({"text_th": "ระบุวันที่ประกาศ", "text_en": "States the date"})
    return yaml.safe_dump(data, allow_unicode=True)


def test_reloading_a_framework_gives_existing_items_a_check_for_a_new_requirement(assessment):
    item = get_item(assessment, "O1")
    assert item.checks.count() == 1
    framework_load(spec=parse_framework(with_new_requirement("O1")))
    new = ItemRequirement.objects.get(item__framework__fiscal_year=2566, item__code="O1", order=2)
    assert set(item.checks.values_list("requirement_id", flat=True)) >= {new.pk}
    assert item.checks.count() == 2


def test_reloading_a_framework_gives_every_offices_item_the_new_check(assessment, framework_2566):
    other = MembershipFactory(role=Role.ADMIN)
    assessment_open(office=other.office, framework=framework_2566, user=other.user)
    framework_load(spec=parse_framework(with_new_requirement("O1")))
    counts = RequirementCheck.objects.filter(item__definition__code="O1", item__definition__framework=framework_2566)
    assert counts.count() == 4  # two offices, two requirements each


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
    item = submit(item, staff_member, note="พร้อมตรวจ")
    assert (item.status, item.review_round, item.submitted_by) == (Status.SUBMITTED, 1, staff_member.user)
    assert item.submitted_at is not None
    item = return_(item, committee_member, reason="  ขาดลายมือชื่อ  ")
    assert (item.status, item.review_round) == (Status.RETURNED, 1)
    add_link(item, staff_member)
    item = submit(item, staff_member)
    assert (item.status, item.review_round) == (Status.SUBMITTED, 2)
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


# --- another office ------------------------------------------------------------------------

SERVICES = {
    "assign": (
        Status.DRAFT,
        lambda item, m, ev: services.items_assign(items=[item], membership=m, unit=None, assignees=[], due_date=None),
    ),
    "add file": (Status.DRAFT, lambda item, m, ev: add_file(item, m)),
    "add link": (Status.DRAFT, lambda item, m, ev: add_link(item, m)),
    "replace file": (Status.DRAFT, lambda item, m, ev: add_file(item, m, replaces=ev)),
    "remove": (Status.DRAFT, lambda item, m, ev: services.evidence_remove(evidence=ev, membership=m)),
    "contents": (
        Status.DRAFT,
        lambda item, m, ev: services.item_update_contents(
            item=item, membership=m, expected_version=item.version, description="x", coverage={}
        ),
    ),
    "submit": (Status.DRAFT, lambda item, m, ev: submit(item, m)),
    "comment": (Status.DRAFT, lambda item, m, ev: services.item_comment(item=item, membership=m, text="x")),
    "review checks": (
        Status.SUBMITTED,
        lambda item, m, ev: services.item_review_checks(
            item=item, membership=m, expected_version=item.version, ok_ids=set(item.checks.values_list("pk", flat=True))
        ),
    ),
    "approve": (Status.SUBMITTED, lambda item, m, ev: approve(item, m)),
    "return": (Status.SUBMITTED, lambda item, m, ev: return_(item, m)),
    "publish": (Status.APPROVED, lambda item, m, ev: publish(item, m)),
    "unpublish": (Status.PUBLISHED, lambda item, m, ev: unpublish(item, m)),
}


@pytest.mark.parametrize("service", SERVICES)
def test_members_of_another_office_are_refused_by_every_service(
    item, staff_member, committee_member, admin_member, other_office_admin, settings, service
):
    status, call = SERVICES[service]
    item = bring_to(item, status, staff_member, committee_member, admin_member)
    evidence = Evidence.objects.get(item=item)
    before, files = state(item), stored_files(settings)
    with pytest.raises(PermissionDenied):
        call(item, other_office_admin, evidence)
    assert state(item) == before
    assert stored_files(settings) == files


# --- immutable records ---------------------------------------------------------------------


def test_item_events_cannot_be_changed_or_deleted(item, staff_member):
    add_file(item, staff_member)
    event = ItemEvent.objects.get(item=item)
    assert (event.actor, event.from_status, event.to_status) == (staff_member.user, Status.DRAFT, "")
    assert event.note
    event.note = "แก้ไขประวัติ"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    event.refresh_from_db()
    assert event.note != "แก้ไขประวัติ"
    assert ItemEvent.objects.filter(item=item).count() == 1


def test_evidence_revisions_cannot_be_changed(item, staff_member):
    revision = add_file(item, staff_member)
    revision.original_name = "อื่น.pdf"
    with pytest.raises(ValueError):
        revision.save()
    assert EvidenceRevision.objects.get(pk=revision.pk).original_name == THAI_NAME


# --- two people at once --------------------------------------------------------------------


def test_of_two_people_editing_the_same_version_the_second_is_told_and_saves_nothing(item, staff_member, admin_member):
    seen_by_staff, seen_by_admin = fresh(item), fresh(item)
    services.item_update_contents(
        item=seen_by_staff,
        membership=staff_member,
        expected_version=seen_by_staff.version,
        description="ฉบับของเจ้าหน้าที่",
        coverage={},
    )
    with pytest.raises(StaleItemError):
        services.item_update_contents(
            item=seen_by_admin,
            membership=admin_member,
            expected_version=seen_by_admin.version,
            description="ฉบับของผู้ดูแล",
            coverage={},
        )
    item = fresh(item)
    assert item.description == "ฉบับของเจ้าหน้าที่"
    assert item.version == seen_by_staff.version + 1
    assert kinds(item) == [Kind.EDITED]


@pytest.fixture
def committed_item(db):
    """An item with two editors, committed so that every connection sees it, and removed after.

    A transactional test (django_db(transaction=True)) would flush the whole database after it,
    and with it the frameworks that conftest loads once per session; committing through another
    connection leaves the rest of the database as it was.
    """

    def create() -> tuple[Item, list]:
        framework = Framework.objects.get(fiscal_year=2566)
        office = OfficeFactory()
        unit = UnitFactory(office=office)
        editors = [MembershipFactory(office=office, unit=unit, role=Role.STAFF) for _ in range(2)]
        assessment = Assessment.objects.create(office=office, framework=framework, fiscal_year=2566)
        item = Item.objects.create(assessment=assessment, definition=framework.items.get(code="O12"), unit=unit)
        return item, editors

    def remove() -> None:
        office.delete()  # with its assessment, item, events, units and memberships
        User.objects.filter(pk__in=[editor.user_id for editor in editors]).delete()

    item, editors = in_own_connection(create)
    office = item.assessment.office
    try:
        yield item, editors
    finally:
        in_own_connection(remove)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_simultaneous_edits_of_the_same_version_save_exactly_one(committed_item):
    item, editors = committed_item
    version = item.version
    barrier = threading.Barrier(len(editors), timeout=10)
    results: dict[str, str] = {}

    def edit(membership, description: str) -> None:
        try:
            shown = Item.objects.get(pk=item.pk)
            barrier.wait()
            services.item_update_contents(
                item=shown, membership=membership, expected_version=version, description=description, coverage={}
            )
            results[description] = "saved"
        except StaleItemError:
            results[description] = "stale"
        except Exception as exc:  # reported by the assertion below
            results[description] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(m, f"ฉบับที่ {n}")) for n, m in enumerate(editors, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["saved", "stale"], results
    saved = fresh(item)
    assert saved.description == next(text for text, result in results.items() if result == "saved")
    assert saved.version == version + 1
    assert kinds(item) == [Kind.EDITED]


def test_a_stale_copy_of_a_removed_document_takes_no_revision(assessment, staff_member):
    item = assessment.oit_items.get(definition__code="O1")
    item.unit = staff_member.unit
    item.save()
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 a")
    revision = services.evidence_add_file(
        item=item, membership=staff_member, upload=upload, title="a", document_date=date(2022, 12, 1)
    )
    stale = Evidence.objects.get(pk=revision.evidence_id)
    services.evidence_remove(evidence=Evidence.objects.get(pk=stale.pk), membership=staff_member)
    with pytest.raises(ValidationError):
        services.evidence_add_link(
            item=item, membership=staff_member, url="https://a.go.th", title="", document_date=date(2022, 12, 1),
            replaces=stale,
        )  # fmt: skip
    services.evidence_remove(evidence=stale, membership=staff_member)  # a second removal changes nothing
    assert item.events.filter(kind="removed").count() == 1
