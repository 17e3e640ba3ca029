"""Take OIT items through the real workflow (upload, submit, approve, publish) for tests."""

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Role
from oit.models import EvidenceRevision, Item, Publication
from oit.services import (
    evidence_add_file,
    evidence_add_link,
    item_approve,
    item_publish,
    item_submit,
    item_unpublish,
    items_assign,
)
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
THAI_NAME = "คำสั่งแต่งตั้งคณะทำงาน ITA 2566.pdf"
DOCUMENT_DATE = date(2023, 1, 15)  # 15 ม.ค. 2566
# The checklists are left unticked, so submitting and approving give a reason.
REASON = "ผู้บริหารลงนามแล้ว รอสำเนา"


@dataclass
class Team:
    """The people of one office who take an item from upload to the public page."""

    staff: Membership
    committee: Membership
    admin: Membership


def make_team(office=None) -> Team:
    office = office or OfficeFactory()
    unit = UnitFactory(office=office)
    return Team(
        *(MembershipFactory(office=office, unit=unit, role=role) for role in (Role.STAFF, Role.COMMITTEE, Role.ADMIN))
    )


def get_item(assessment, code: str) -> Item:
    return Item.objects.get(assessment=assessment, definition__code=code)


def add_file(item, team: Team, name: str = THAI_NAME, **kwargs) -> EvidenceRevision:
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return evidence_add_file(
        item=item, membership=team.staff, upload=upload, title=name, document_date=DOCUMENT_DATE, **kwargs
    )


def add_link(item, team: Team, url: str = "https://www.example.go.th/ita/o12") -> EvidenceRevision:
    return evidence_add_link(item=item, membership=team.staff, url=url, title="หน้าเว็บ", document_date=DOCUMENT_DATE)


def prepare(item, team: Team) -> Item:
    """Give the item to the staff member's unit, so they may upload to it."""
    items_assign(items=[item], membership=team.admin, unit=team.staff.unit, assignees=[], due_date=None)
    item.refresh_from_db()
    return item


def publish(item, team: Team) -> Publication:
    """Submit, approve and publish the item as it stands, through the real workflow."""
    item.refresh_from_db()
    item = item_submit(item=item, membership=team.staff, expected_version=item.version, reason=REASON)
    item = item_approve(item=item, membership=team.committee, expected_version=item.version, reason=REASON)
    return item_publish(item=item, membership=team.admin)


def unpublish(item, team: Team) -> None:
    item.refresh_from_db()
    item_unpublish(item=item, membership=team.admin, reason="แก้ไขเอกสาร")


def published_item(assessment, team: Team, code: str = "O12") -> tuple[Item, EvidenceRevision, EvidenceRevision]:
    item = prepare(get_item(assessment, code), team)
    file_revision = add_file(item, team)
    link_revision = add_link(item, team)
    publish(item, team)
    return item, file_revision, link_revision
