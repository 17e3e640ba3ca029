"""Year-over-year analysis of an office's official results, and the charts drawn from it.

Indicators are compared by number (1–10 keep their meaning from 2562 to 2566); the names shown are
the latest year's. The charts' geometry comes from `core.charts`, the same for the page and the PDF.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from accounts.models import Office
from core import charts
from ita.models import Assessment, OfficialResult
from ita.selectors import ResultSummary, summarize


@dataclass
class YearResult:
    assessment: Assessment
    summary: ResultSummary

    @property
    def year(self) -> int:
        return self.assessment.fiscal_year

    def score(self, number: int) -> Decimal | None:
        return next((score for indicator, score in self.summary.indicators if indicator.number == number), None)


@dataclass
class IndicatorRow:
    number: int
    name: str
    instrument: str
    scores: list[Decimal | None]  # one per year, oldest first
    latest: Decimal | None = None
    weakest_of_instrument: bool = False
    below_target: bool = False
    bars: list[dict] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        known = [score for score in self.scores if score is not None]
        return known[-1] - known[-2] if len(known) >= 2 else None


@dataclass
class Analysis:
    years: list[YearResult]
    rows: list[IndicatorRow]
    target: object | None  # the latest assessment's target RatingBand

    @property
    def latest(self) -> YearResult | None:
        return self.years[-1] if self.years else None

    @property
    def gap(self) -> Decimal | None:
        if self.latest is None or self.target is None:
            return None
        return self.target.min_total - self.latest.summary.total

    @property
    def target_reached(self) -> bool:
        return self.latest is not None and self.target is not None and self.latest.summary.reaches(self.target)

    @property
    def instruments_below(self) -> list[str]:
        return self.latest.summary.instruments_below(self.target) if self.latest and self.target else []

    def last(self, count: int) -> "Analysis":
        """The same analysis over the latest `count` years only (a printed chart has room for five)."""
        years = self.years[-count:]
        return Analysis(years=years, rows=_indicator_rows(years, self.target), target=self.target)

    def radar(self) -> dict:
        """Axes and one polygon per year for a radar of the ten indicators."""
        numbers = [row.number for row in self.rows]
        return charts.radar(numbers, [(year.year, [year.score(number) for number in numbers]) for year in self.years])

    def grouped_bars(self) -> dict:
        """One group of bars per indicator, a bar per year, each with its value, drawn the same on
        the analysis page and in the annual report."""
        return charts.grouped_bars(
            [row.number for row in self.rows], [year.year for year in self.years], [row.scores for row in self.rows]
        )


def office_analysis(office: Office, *, until: int | None = None) -> Analysis:
    """The office's years with official results, oldest first, in a fixed number of queries;
    `until` leaves out the years after that fiscal year (an annual report looks back only)."""
    assessments = office.assessments.all() if until is None else office.assessments.filter(fiscal_year__lte=until)
    assessments = list(
        assessments.order_by("fiscal_year")
        .select_related("framework", "target_band")
        .prefetch_related(
            "framework__indicators__instrument",
            "framework__instruments",
            "framework__rating_bands",
            Prefetch("official_results", queryset=OfficialResult.objects.prefetch_related("scores")),
        )
    )
    years = [
        YearResult(assessment=assessment, summary=summarize(assessment.official_results.all()[0], assessment.framework))
        for assessment in assessments
        if assessment.official_results.all()
    ]
    # The target of the latest year with results, so that it is a band of the same framework.
    target = years[-1].assessment.target_band if years else None
    rows = _indicator_rows(years, target)
    return Analysis(years=years, rows=rows, target=target)


def _indicator_rows(years: list[YearResult], target) -> list[IndicatorRow]:
    if not years:
        return []
    latest = years[-1]
    rows = [
        IndicatorRow(
            number=indicator.number,
            name=indicator.name,
            instrument=indicator.instrument.code,
            scores=[year.score(indicator.number) for year in years],
            latest=score,
            below_target=target is not None and score < target.min_total,
        )
        for indicator, score in latest.summary.indicators
    ]
    for instrument in {row.instrument for row in rows}:
        weakest = min((row for row in rows if row.instrument == instrument), key=lambda row: (row.latest, row.number))
        weakest.weakest_of_instrument = True
    for row in rows:
        row.bars = charts.year_bars(row.scores, [year.year for year in years])
    return rows
