"""The office's public pages: what anyone (and the national ITA system) sees, without login.

The year's page lists the OIT items and the reports the office published. Only the live
publication of an item is public: never its drafts, its current working evidence, nor revisions
of a withdrawn publication.
"""

import logging

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.http import client_ip
from ita import selectors
from ita.models import Assessment
from ita.services import iit
from oit.files import revision_response
from oit.models import EvidenceRevision, Item, Publication
from publicpages.forms import IITLinkConfirmForm
from reports.models import ReportJob

PUBLIC_PAGE_SECONDS = 60 * 60
logger = logging.getLogger(__name__)


def _live_publications():
    return Publication.objects.filter(withdrawn_at__isnull=True)


def _get_item(office_slug: str, fiscal_year: int, code: str) -> Item:
    """The item of the office's assessment of that year, or 404."""
    return get_object_or_404(
        Item.objects.select_related("assessment__office", "definition__sub_indicator__indicator"),
        assessment__office__slug=office_slug,
        assessment__fiscal_year=fiscal_year,
        definition__code=code,
    )


def assessment_page(request, office_slug, fiscal_year):
    """The year's items grouped by indicator and sub-indicator, each marked published or not.

    The most visited page (the national system and the public read it), so it is cached until
    something on it is published or taken off (`Assessment.public_version`) or the day changes."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("office"), office__slug=office_slug, fiscal_year=fiscal_year
    )
    today = timezone.localdate()
    key = ":".join(
        [
            "public-oit",
            str(assessment.pk),
            str(assessment.public_version),
            assessment.office.updated_at.isoformat(),
            get_language() or "th",
            request.scheme,
            request.get_host(),
            today.isoformat(),
        ]
    )
    html = _cache_get(key)
    if html is None:
        html = _render_assessment_page(request, assessment, today)
        _cache_set(key, html)
    return HttpResponse(html)


# The cache only speeds the page up: when it cannot be reached (Redis down), the page is made anew.
def _cache_get(key: str) -> str | None:
    try:
        return cache.get(key)
    except Exception:  # whatever the cache backend raises
        logger.warning("The cache is unreachable; the public page is rendered without it.", exc_info=True)
        return None


def _cache_set(key: str, html: str) -> None:
    try:
        cache.set(key, html, PUBLIC_PAGE_SECONDS)
    except Exception:  # whatever the cache backend raises
        logger.warning("The cache is unreachable; the public page is not kept.", exc_info=True)


def _render_assessment_page(request, assessment, today) -> str:
    published_at = _live_publications().filter(item=OuterRef("pk")).values("published_at")[:1]
    items = list(
        assessment.oit_items.select_related("definition__sub_indicator__indicator")
        .annotate(published_at=Subquery(published_at))
        .order_by(
            "definition__sub_indicator__indicator__number", "definition__sub_indicator__order", "definition__number"
        )
    )
    return render_to_string(
        "publicpages/assessment_detail.html",
        {
            "office": assessment.office,
            "assessment": assessment,
            "items": items,
            "published_count": sum(1 for item in items if item.published_at),
            "other_assessments": assessment.office.assessments.exclude(pk=assessment.pk).order_by("-fiscal_year"),
            "reports": ReportJob.objects.filter(
                assessment=assessment, published_at__isnull=False, status=ReportJob.Status.DONE
            ),
            "today": today,
        },
        request=request,
    )


def item_page(request, office_slug, fiscal_year, code):
    """The item as published: its summary and documents. Not published yet: a 404 that says so."""
    item = _get_item(office_slug, fiscal_year, code)
    revisions = EvidenceRevision.objects.order_by("evidence_id", "pk")
    publication = (
        _live_publications().filter(item=item).prefetch_related(Prefetch("revisions", queryset=revisions)).first()
    )
    context = {
        "office": item.assessment.office,
        "assessment": item.assessment,
        "item": item,
        "publication": publication,
        "today": timezone.localdate(),
    }
    return render(request, "publicpages/item_detail.html", context, status=200 if publication else 404)


def item_file(request, office_slug, fiscal_year, code, revision_id):
    """A file of the item's live publication; any other revision id, however real, gets 404."""
    item = _get_item(office_slug, fiscal_year, code)
    revision = get_object_or_404(
        EvidenceRevision,
        pk=revision_id,
        publications__item=item,
        publications__withdrawn_at__isnull=True,
    )
    return revision_response(revision, public=True)


@never_cache
@require_http_methods(["GET", "POST"])
def iit_confirm(request, office_slug, fiscal_year, token):
    """The public IIT confirmation page, opened from the link or QR code the office posted: a
    person picks their own name and may attach the screenshot of the survey's last page. No login;
    only that the person took part is recorded."""
    link = selectors.link_for_token(token)
    if link is None or (link.assessment.office.slug, link.assessment.fiscal_year) != (office_slug, fiscal_year):
        return render(request, "publicpages/iit_closed.html", {"today": timezone.localdate()}, status=404)
    assessment = link.assessment
    window_open = selectors.window_is_open(assessment)
    form = IITLinkConfirmForm(request.POST or None, request.FILES or None, assessment=assessment)
    status = 200
    if request.method == "POST" and window_open and form.is_valid():
        entry = form.cleaned_data["staff_member"]
        try:
            iit.iit_link_confirm(
                token=token,
                staff_member=entry,
                client_address=client_ip(request) or "",
                screenshot=form.cleaned_data["screenshot"],
            )
        except iit.Throttled as exc:
            form.add_error(None, exc)
            status = 429
        except ValidationError as exc:
            form.add_error("screenshot" if exc.code in {"too_large", "empty", "type", "content"} else None, exc)
        else:
            messages.success(
                request, _("Thank you, %(name)s: your IIT participation is recorded.") % {"name": entry.full_name}
            )
            return redirect(request.path)
    if form.errors and status == 200:
        status = 400
    context = {
        "office": assessment.office,
        "assessment": assessment,
        "form": form,
        "window": selectors.survey_milestone(assessment),
        "window_open": window_open,
        "roster": selectors.roster_count(assessment),
        "today": timezone.localdate(),
    }
    return render(request, "publicpages/iit_confirm.html", context, status=status)
