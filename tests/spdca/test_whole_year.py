"""A whole year through the services, on FY 2566 (43 items) and on FY 2569 (26 items, evidence
periods): open, assign, evidence, review, publish, respondents, the predicted and the official
score, and every report kind rendered through the registry."""

import datetime
from decimal import Decimal

import pytest

from core import report_kinds
from core.thai import thai_digits
from ita.models import Framework
from ita.selectors import framework_for_scoring, latest_result, summarize
from ita.services import results
from ita.services.assessments import assessment_open
from ita.services.respondents import eit_count_add, iit_confirm
from oit.models import Item
from oit.selectors import evidence_period, item_status_summary, items_out_of_period
from oit.services import (
    evidence_add_link,
    item_approve,
    item_publish,
    item_submit,
    item_update_contents,
    items_assign,
)
from reports.models import ReportJob
from tests.oit.publishing import make_team
from tests.reports.test_reports import pdf_text

pytestmark = pytest.mark.django_db


def document_date(item) -> datetime.date:
    """A day inside the item's evidence period, or inside the fiscal year when it has none."""
    period = evidence_period(item.definition, item.assessment.fiscal_year)
    if period is not None:
        return period.start + datetime.timedelta(days=30)
    return datetime.date(item.assessment.fiscal_year - 543 - 1, 11, 15)


def run_the_year(fiscal_year: int):
    team = make_team()
    office = team.admin.office
    assessment = assessment_open(
        office=office, framework=Framework.objects.get(fiscal_year=fiscal_year), user=team.admin.user
    )
    items = list(assessment.oit_items.select_related("definition", "assessment__office").order_by("definition__number"))
    assert items_assign(items=items, membership=team.admin, unit=team.staff.unit, assignees=[], due_date=None) == len(
        items
    )
    for item in items:
        item.refresh_from_db()
        item.assessment = assessment
        evidence_add_link(
            item=item,
            membership=team.staff,
            url=f"https://www.example.go.th/ita/{fiscal_year}/{item.definition.code}",
            title=f"ข้อ {item.definition.code}",
            document_date=document_date(item),
        )
        item.refresh_from_db()
        checks = list(item.checks.all())
        item = item_update_contents(
            item=item,
            membership=team.staff,
            expected_version=item.version,
            description="สรุป",
            coverage={check.pk: None for check in checks},
        )
        item = item_submit(
            item=item, membership=team.staff, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา"
        )
        item = item_approve(
            item=item, membership=team.committee, expected_version=item.version, reason="ผู้บริหารลงนามแล้ว รอสำเนา"
        )
        item_publish(item=item, membership=team.admin)
    assert not items_out_of_period(assessment)
    for target in assessment.respondent_targets.all():
        target.population = 30
        target.save(update_fields=["population"])
    iit_confirm(assessment=assessment, membership=team.staff)
    eit_count_add(
        assessment=assessment,
        membership=team.committee,
        date=datetime.date(fiscal_year - 543, 6, 1),
        channel="LINE",
        count=30,  # all of the population
    )
    summary = item_status_summary(assessment)
    assert summary.total.passed == summary.total.total == len(items)
    assert summary.oit_score == Decimal(100)
    scores = {indicator.number: Decimal(90) for indicator in assessment.framework.indicators.all()}
    results.result_enter(assessment=assessment, membership=team.admin, scores=scores, source="ITAS")
    official = summarize(latest_result(assessment), framework_for_scoring(assessment.framework))
    assert official.total == Decimal(90)
    pdfs = {}
    for kind in report_kinds.kinds():
        job = ReportJob.objects.create(assessment=assessment, kind=kind.code, requested_by=team.admin.user)
        pdfs[kind.code] = kind.build(job, lambda percent: None)
        assert pdfs[kind.code].startswith(b"%PDF"), kind.code
    return assessment, items, pdfs


@pytest.mark.parametrize(("fiscal_year", "count"), [(2566, 43), (2569, 26)])
def test_a_whole_year_runs_on_its_own_items(fiscal_year, count):
    assessment, items, pdfs = run_the_year(fiscal_year)
    assert len(items) == count
    assert Item.objects.filter(assessment=assessment, status=Item.Status.PUBLISHED).count() == count
    assert set(pdfs) == {kind.code for kind in report_kinds.kinds()}
    annual = pdf_text(pdfs["annual"]).replace("\n", "")
    assert f"{thai_digits(count)} ข้อ" in annual  # "ครบทั้ง ๒๖ ข้อ", never a fixed 43
    status = pdf_text(pdfs["oit-status"])
    assert items[-1].definition.code in status and f"O{count + 1}" not in status
