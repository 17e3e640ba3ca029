"""The annual SPDCA report of an assessment (รายงานผลการดำเนินงาน), rendered by the reports app.

It follows the source document: principles, the five stages with what the office recorded in each,
publicity, the year's results, then the figures (respondents, OIT status, scores across years).
"""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.pdf import render_pdf
from core.report_kinds import register
from ita.analysis import office_analysis
from ita.respondents import eit_counts_with_running_total, respondent_progress
from oit.models import Item
from oit.selectors import item_status_summary
from spdca.models import Finding, Improvement, Outcome, ProgressUpdate
from spdca.services import activities_with_progress

CHART_YEARS = 5  # the chart's bar colours, and the room on an A4 page


def annual_report_context(assessment) -> dict:
    """Everything the annual report shows, in a fixed number of queries whatever the year's size."""
    office = assessment.office
    stages = {stage.code: stage for stage in assessment.stages.prefetch_related("responsible")}
    findings = list(assessment.findings.select_related("instrument", "indicator").order_by("instrument__order", "kind"))
    activities = activities_with_progress(assessment)
    updates = ProgressUpdate.objects.filter(activity__assessment=assessment).order_by("date", "id")
    by_activity: dict[int, list[ProgressUpdate]] = {}
    for update in updates:
        by_activity.setdefault(update.activity_id, []).append(update)
    for activity in activities:
        activity.update_list = by_activity.get(activity.pk, [])
    improvements = list(assessment.improvements.select_related("owner"))
    outcomes = list(assessment.outcomes.all())
    # The office's years with results, up to this one: this year's result and last year's come
    # from it too, so each result is read and added up once.
    analysis = office_analysis(office, until=assessment.fiscal_year)
    current = next((year for year in analysis.years if year.year == assessment.fiscal_year), None)
    earlier = [year for year in analysis.years if year.year < assessment.fiscal_year]
    previous = (earlier[-1].assessment, earlier[-1].summary) if earlier else None
    items = (
        Item.objects.filter(assessment=assessment)
        .select_related("definition__sub_indicator", "unit")
        .prefetch_related("assignees")
        .order_by("definition__sub_indicator__indicator__number", "definition__sub_indicator__order",
                  "definition__number")
    )  # fmt: skip
    summary = current.summary if current else None
    target = assessment.target_band
    return {
        "assessment": assessment,
        "office": office,
        "target": target,
        "stages": stages,
        "meeting": getattr(assessment, "analysis_meeting", None),
        "previous": previous,
        "previous_rows": instrument_rows(previous[1], previous[0].framework) if previous else [],
        "findings_develop": [f for f in findings if f.kind == Finding.Kind.DEVELOP],
        "findings_strength": [f for f in findings if f.kind == Finding.Kind.STRENGTH],
        "activities": activities,
        "publicity": [activity for activity in activities if activity.is_publicity],
        "improvements_during": [i for i in improvements if i.phase == Improvement.Phase.DURING_OIT],
        "improvements_after": [i for i in improvements if i.phase == Improvement.Phase.AFTER_RESULTS],
        "lessons": list(assessment.lessons.all()),
        "quantitative": [o for o in outcomes if o.kind == Outcome.Kind.QUANTITATIVE],
        "qualitative": [o for o in outcomes if o.kind == Outcome.Kind.QUALITATIVE],
        "result": summary,
        "result_reaches_target": bool(summary and target and summary.reaches(target)),
        "activities_done": sum(1 for activity in activities if activity.percent >= 100),
        "respondents": respondent_progress(assessment),
        "eit_counts": eit_counts_with_running_total(assessment),
        "oit_summary": item_status_summary(assessment),
        "items": list(items),
        "analysis": analysis.last(CHART_YEARS),
        "today": timezone.localdate(),
    }


def instrument_rows(summary, framework) -> list[tuple]:
    """(instrument, score, weighted points) of a result, in the framework's order."""
    points = summary.points
    return [
        (instrument, summary.instruments[instrument.code], points[instrument.code])
        for instrument in sorted(framework.instruments.all(), key=lambda instrument: instrument.order)
        if instrument.code in summary.instruments
    ]


def build_annual_report(job, progress) -> bytes:
    assessment = job.assessment
    with translation.override("th"):  # official documents are in Thai whatever the requester's language
        context = annual_report_context(assessment)
        progress(30)
        return render_pdf("pdf/annual_report.html", context, thai_digits=assessment.office.pdf_thai_digits)


register("annual", label=_("Annual SPDCA report"), build=build_annual_report, order=10)
