from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Office, Role
from accounts.services import office_documents_update
from core import report_kinds as registry
from core.files import private_file_response
from core.views import error_messages
from ita.access import assessment_context, get_assessment_or_404
from ita.models import Assessment
from reports import services
from reports.forms import ReportSettingsForm
from reports.models import ReportJob


def _get_job_for_user(request, office_slug, fiscal_year, job_id, *, roles=None) -> tuple[ReportJob, Membership]:
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=roles)
    job = get_object_or_404(ReportJob.objects.select_related("requested_by"), pk=job_id, assessment=assessment)
    job.assessment = assessment
    return job, membership


@login_required
def report_list(request, office_slug, fiscal_year):
    """The assessment's reports: who asked for which, when, and how far each has got."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    jobs = list(assessment.report_jobs.select_related("requested_by", "published_by"))
    checks = [
        (kind, kind.problems_of(assessment)) for kind in registry.kinds() if kind.problems and membership.is_admin
    ]
    context = assessment_context(
        assessment,
        membership,
        jobs=jobs,
        kinds=registry.kinds(),
        settings_form=ReportSettingsForm(instance=assessment.office),
        checks=checks,
    )
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def report_settings(request, office_slug, fiscal_year):
    """How the office's documents are written and signed: digits, affiliation, the director."""
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year, roles=[Role.ADMIN])
    office = assessment.office
    form = ReportSettingsForm(request.POST, instance=Office.objects.get(pk=office.pk))
    if form.is_valid():
        office_documents_update(office=office, membership=membership, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
    else:
        error_messages(request, form)
    return redirect(reverse("reports:list", args=[office_slug, fiscal_year]) + "#documents")


@login_required
@require_POST
def report_request(request, office_slug, fiscal_year):
    assessment, membership = get_assessment_or_404(request, office_slug, fiscal_year)
    try:
        job = services.report_request(
            assessment=assessment, membership=membership, kind=request.POST.get("kind", ""), data=request.POST
        )
    except ValidationError as exc:
        error_messages(request, exc)
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)  # e.g. the item page the form was asked for on
        return redirect("reports:list", office_slug, fiscal_year)
    return redirect(job)


@login_required
def report_detail(request, office_slug, fiscal_year, job_id):
    """The job's page: a progress bar that polls until the PDF is ready, then the download."""
    job, membership = _get_job_for_user(request, office_slug, fiscal_year, job_id)
    template = "reports/includes/job_status.html" if request.htmx else "reports/report_detail.html"
    return render(request, template, assessment_context(job.assessment, membership, job=job))


@login_required
def report_download(request, office_slug, fiscal_year, job_id):
    job, _membership = _get_job_for_user(request, office_slug, fiscal_year, job_id)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404("The report is not ready.")
    return private_file_response(job.file, filename=job.filename, content_type="application/pdf")


@login_required
@require_POST
def report_publish(request, office_slug, fiscal_year, job_id):
    job, membership = _get_job_for_user(request, office_slug, fiscal_year, job_id, roles=[Role.ADMIN])
    try:
        services.report_publish(job=job, membership=membership)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The report is on the office's public page."))
    return redirect(job)


@login_required
@require_POST
def report_unpublish(request, office_slug, fiscal_year, job_id):
    job, membership = _get_job_for_user(request, office_slug, fiscal_year, job_id, roles=[Role.ADMIN])
    services.report_unpublish(job=job, membership=membership)
    messages.success(request, _("The report was taken off the public page."))
    return redirect(job)


def public_report(request, office_slug, fiscal_year, job_id):
    """A published report, for anyone; any other report id gets 404."""
    assessment = get_object_or_404(Assessment, office__slug=office_slug, fiscal_year=fiscal_year)
    job = get_object_or_404(
        ReportJob, pk=job_id, assessment=assessment, published_at__isnull=False, status=ReportJob.Status.DONE
    )
    return private_file_response(job.file, filename=job.filename, content_type="application/pdf", public=True)
