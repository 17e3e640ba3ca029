"""The annual SPDCA report of an assessment (รายงานผลการดำเนินงาน), rendered by the reports app.

It follows the source document: principles, the five stages with what the office recorded in each,
publicity, the year's results, then the figures (respondents, OIT status, scores across years).
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.pdf import render_pdf
from core.report_kinds import register
from ita.analysis import office_analysis
from ita.selectors import eit_counts_with_running_total, eit_instruments, respondent_progress
from oit.models import Item
from spdca.models import AnnualReportText, Committee, Finding, Improvement, Outcome, ProgressUpdate
from spdca.selectors import activities_with_progress, annual_report_problems, stages_work, uncovered_findings

CHART_YEARS = 5  # the chart's bar colours, and the room on an A4 page


STAGE_TITLES = {
    "S": "ขั้นที่ ๑ S – Synthetic (การสังเคราะห์ คิดวิเคราะห์ แยกแยะ)",
    "P": "ขั้นที่ ๒ P – Plan (การวางแผน กระบวนการทำงาน ใช้แผนเป็นเครื่องมือในการปฏิบัติงาน)",
    "D": "ขั้นที่ ๓ D – Do (การดำเนินการตามแผนให้เห็นผลลัพธ์จริง)",
    "C": "ขั้นที่ ๔ C – Check (การตรวจสอบ ประเมินผล ความถูกต้องของการทำงาน)",
    "A": "ขั้นที่ ๕ A – Act (การปรับปรุง สรุปผล และนำผลมาปรับปรุงแก้ไข พัฒนา วางแผนใหม่)",
}


def _paragraphs(text: str) -> list[str]:
    return [paragraph.strip() for paragraph in text.splitlines() if paragraph.strip()]


def result_statements(assessment, respondents, items, item_scores) -> list[str]:
    """Section ๔'s statements about the year, each computed from the records, never typed:
    a statement is made only when the data supports it."""
    statements = []
    for progress in respondents:
        if progress.required is None:
            continue
        if progress.reached:
            statements.append(
                f"การตอบแบบวัดการรับรู้ {progress.code} มีผู้ตอบ {progress.done} คน "
                f"ครบตามจำนวนที่กำหนดอย่างน้อย {progress.required} คน"
            )
        else:
            statements.append(
                f"การตอบแบบวัดการรับรู้ {progress.code} มีผู้ตอบ {progress.done} คน "
                f"ยังไม่ครบตามจำนวนที่กำหนดอย่างน้อย {progress.required} คน"
            )
    total = len(items)
    published = sum(1 for item in items if item.status == Item.Status.PUBLISHED)
    oit = f"การเปิดเผยข้อมูลสาธารณะ (OIT) เผยแพร่แล้ว {published} จาก {total} ข้อ"
    if total and published == total:
        oit = f"การเปิดเผยข้อมูลสาธารณะ (OIT) รายงานข้อมูลและเผยแพร่ครบทั้ง {total} ข้อ"
    if item_scores:
        passed = sum(1 for score in item_scores if score.score >= 100)
        if passed == len(item_scores) == total:
            oit += " และผลการประเมินผ่านตามเกณฑ์ทุกข้อ โดยไม่มีข้อที่ต้องอุทธรณ์"
        else:
            oit += f" ผลการประเมินผ่านตามเกณฑ์ {passed} จาก {total} ข้อ"
    statements.append(oit)
    return statements


def annual_report_context(assessment) -> dict:
    """Everything the annual report shows, in a fixed number of queries whatever the year's size."""
    office = assessment.office
    work = stages_work(assessment)
    stage_list = list(assessment.stages.prefetch_related("responsible"))
    for stage in stage_list:
        work[stage.code].stage = stage  # with its responsible people prefetched
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
    items = list(
        Item.objects.filter(assessment=assessment)
        .select_related("definition__sub_indicator", "unit")
        .prefetch_related("assignees")
        .order_by(
            "definition__sub_indicator__indicator__number", "definition__sub_indicator__order", "definition__number"
        )
    )
    latest_result = assessment.official_results.first()
    item_scores = list(latest_result.item_scores.all()) if latest_result else []
    summary = current.summary if current else None
    target = assessment.target_band
    text = AnnualReportText.objects.filter(assessment=assessment).first() or AnnualReportText(assessment=assessment)
    respondents = respondent_progress(assessment)
    meeting = getattr(assessment, "analysis_meeting", None)
    committee = Committee.objects.filter(assessment=assessment).first()
    develop = [f for f in findings if f.kind == Finding.Kind.DEVELOP]
    uncovered = {finding.pk for finding in uncovered_findings(assessment)}
    last = analysis.last(CHART_YEARS)
    years = [year.year for year in last.years]
    span = (
        f"ปีงบประมาณ พ.ศ. {years[0]} – {years[-1]}"
        if len(years) > 1
        else (f"ปีงบประมาณ พ.ศ. {years[0]}" if years else "")
    )
    table_numbers, number = {}, 1 + bool(previous)
    for name in ("plan", "respondents", "eit", "oit", "scores"):
        table_numbers[name] = number
        number += 1
    return {
        "assessment": assessment,
        "office": office,
        "text": text,
        "preface_paragraphs": _paragraphs(text.preface),
        "introduction_paragraphs": _paragraphs(text.introduction),
        "instruments": sorted(assessment.framework.instruments.all(), key=lambda instrument: instrument.order),
        "target": target,
        "stages": work,
        "stage_titles": STAGE_TITLES,
        "stage_headings": list(STAGE_TITLES.items()),
        "meeting": meeting,
        "committee": committee,
        "committee_members": list(committee.members.select_related("user")) if committee else [],
        "attendees": len(_paragraphs(meeting.attendees)) if meeting else 0,
        "previous": previous,
        "previous_rows": instrument_rows(previous[1], previous[0].framework) if previous else [],
        "findings_develop": develop,
        "findings_strength": [f for f in findings if f.kind == Finding.Kind.STRENGTH],
        "covered_findings": sum(1 for finding in develop if finding.pk not in uncovered),
        "activities": activities,
        "publicity": [activity for activity in activities if activity.is_publicity],
        "improvements_during": [i for i in improvements if i.phase == Improvement.Phase.DURING_OIT],
        "improvements_after": [i for i in improvements if i.phase == Improvement.Phase.AFTER_RESULTS],
        "lessons": list(assessment.lessons.all()),
        "quantitative": [o for o in outcomes if o.kind == Outcome.Kind.QUANTITATIVE],
        "qualitative": [o for o in outcomes if o.kind == Outcome.Kind.QUALITATIVE],
        "statements": result_statements(assessment, respondents, items, item_scores),
        "result": summary,
        "result_reaches_target": bool(summary and target and summary.reaches(target)),
        "activities_done": sum(1 for activity in activities if activity.percent >= 100),
        "respondents": respondents,
        "eit_counts": eit_counts_with_running_total(assessment),
        "eit_split": len(eit_instruments(assessment)) > 1,
        "oit_total": len(items),
        "oit_published": sum(1 for item in items if item.status == Item.Status.PUBLISHED),
        "items": items,
        "analysis": last,
        "chart": last.grouped_bars(),
        "chart_caption": f"แผนภูมิที่ ๑ คะแนนรายตัวชี้วัด {span}",
        "scores_caption": f"คะแนนรายตัวชี้วัด {span}",
        "table_numbers": table_numbers,
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


register("annual", label=_("Annual SPDCA report"), build=build_annual_report, order=10, problems=annual_report_problems)
