"""The OIT report kinds, rendered by the reports app."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.pdf import render_pdf
from core.report_kinds import register
from oit.models import Approval, Evidence, Item, Publication
from oit.selectors import item_status_summary


def build_status_summary(job, progress) -> bytes:
    """O1–O43 with unit, status, approving reviewer and public URL, for the committee."""
    assessment = job.assessment
    reviewer = Approval.objects.filter(item=OuterRef("pk")).order_by("-created_at")
    items = (
        Item.objects.filter(assessment=assessment)
        .select_related("definition__sub_indicator", "unit", "assessment__office")
        .annotate(
            reviewer_first=Subquery(reviewer.values("reviewer__first_name")[:1]),
            reviewer_last=Subquery(reviewer.values("reviewer__last_name")[:1]),
        )
        .order_by(
            "definition__sub_indicator__indicator__number", "definition__sub_indicator__order", "definition__number"
        )
    )
    items = list(items)
    for item in items:
        item.reviewer = f"{item.reviewer_first or ''} {item.reviewer_last or ''}".strip()
    progress(40)
    with translation.override("th"):  # official documents are in Thai whatever the requester's language
        return render_pdf(
            "pdf/oit_status.html",
            {
                "assessment": assessment,
                "office": assessment.office,
                "items": items,
                "summary": item_status_summary(assessment),
                "site_url": settings.SITE_URL.rstrip("/"),
                "today": timezone.localdate(),
            },
            thai_digits=assessment.office.pdf_thai_digits,
        )


def clean_form_parameters(assessment, data) -> dict:
    """One item's form (`item=O5`), or every item's when no item is given."""
    code = (data.get("item") or "").strip().upper()
    if not code:
        return {}
    if not Item.objects.filter(assessment=assessment, definition__code=code).exists():
        raise ValidationError(_("There is no item %(code)s in this assessment.") % {"code": code})
    return {"item": code}


def publication_form_items(assessment, code: str | None = None) -> list[Item]:
    """The items with what their forms show: summary, links, who gave, approved and published them."""
    items = (
        Item.objects.filter(assessment=assessment)
        .select_related("definition__sub_indicator", "unit", "submitted_by")
        .prefetch_related(
            "assignees",
            Prefetch("evidence", queryset=Evidence.objects.filter(removed_at__isnull=True).select_related("current")),
            Prefetch("approvals", queryset=Approval.objects.select_related("reviewer").order_by("created_at")),
            Prefetch(
                "publications",
                queryset=Publication.objects.filter(withdrawn_at__isnull=True).select_related("published_by"),
                to_attr="live_publications",
            ),
        )
        .order_by(
            "definition__sub_indicator__indicator__number", "definition__sub_indicator__order", "definition__number"
        )
    )
    if code:
        items = items.filter(definition__code=code)
    items = list(items)
    for item in items:
        item.assessment = assessment  # the public URL needs the office without a query per item
        approvals = [approval for approval in item.approvals.all() if approval.review_round == item.review_round]
        item.approval = approvals[-1] if approvals and item.passes else None
        item.publication = item.live_publications[0] if item.live_publications else None
        item.giver = item.submitted_by or next(iter(item.assignees.all()), None)
        item.links = [e.current.url for e in item.evidence.all() if e.kind == Evidence.Kind.LINK and e.current]
        item.documents = [e.title for e in item.evidence.all() if e.kind == Evidence.Kind.FILE]
    return items


def build_publication_forms(job, progress) -> bytes:
    """แบบฟอร์มการขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน: one page per item."""
    assessment = job.assessment
    items = publication_form_items(assessment, job.parameters.get("item"))
    progress(30)
    with translation.override("th"):
        return render_pdf(
            "pdf/publication_forms.html",
            {
                "assessment": assessment,
                "office": assessment.office,
                "items": items,
                "site_url": settings.SITE_URL.rstrip("/"),
            },
            thai_digits=assessment.office.pdf_thai_digits,
        )


register(
    "oit-forms",
    label=_("OIT publication request forms"),
    build=build_publication_forms,
    order=20,
    clean_parameters=clean_form_parameters,
)
register("oit-status", label=_("OIT status summary for the committee"), build=build_status_summary, order=30)
