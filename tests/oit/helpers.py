"""Take one OIT item through the services, and read back all of its state, for the service tests."""

from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from oit import services
from oit.models import Approval, Evidence, EvidenceRevision, Item, ItemEvent, Publication

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
THAI_NAME = "คำสั่งแต่งตั้งคณะทำงาน ITA 2566.pdf"
DOC_DATE = date(2023, 1, 15)  # 15 ม.ค. 2566
URL = "https://www.example.go.th/ita/o12"
Status = Item.Status
Kind = ItemEvent.Kind


def get_item(assessment, code: str) -> Item:
    return Item.objects.select_related("assessment__office", "definition").get(
        assessment=assessment, definition__code=code
    )


def fresh(item: Item) -> Item:
    return Item.objects.select_related("assessment__office", "definition").get(pk=item.pk)


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


# These tests leave the checklists unticked (tests/oit/test_checklist_reasons.py ticks them), so a
# submission or an approval gives the reason the services then ask for.
CHECKLIST_REASON = "ผู้บริหารลงนามแล้ว รอสำเนา"


def submit(item, membership, **kwargs) -> Item:
    item = fresh(item)
    kwargs.setdefault("reason", CHECKLIST_REASON)
    return services.item_submit(item=item, membership=membership, expected_version=item.version, **kwargs)


def approve(item, membership, **kwargs) -> Item:
    item = fresh(item)
    kwargs.setdefault("reason", CHECKLIST_REASON)
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
