"""The OIT report kinds, rendered by the reports app."""

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from oit.models import Approval, Item
from oit.selectors import item_status_summary
from reports.pdf import render_pdf
from reports.registry import register


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
        )


register("oit-status", label=_("OIT status summary for the committee"), build=build_status_summary, order=30)
