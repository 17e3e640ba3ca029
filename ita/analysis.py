"""Year-over-year analysis of an office's official results, and the charts drawn from it.

Indicators are compared by number (1–10 keep their meaning from 2562 to 2566); the names shown are
the latest year's. Charts are plain SVG computed here, so they need no JavaScript and print well.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from accounts.models import Office
from ita.models import Assessment, OfficialResult
from ita.results import ResultSummary, summarize

RADAR_SIZE = 300
RADAR_RADIUS = 110
# Scores of an office mostly lie between 80 and 100; charts start at 50 so that differences show
# (they say so on the chart). Lower scores sit at the floor.
FLOOR = 50
# One colour per year of a chart, and the colour of a value written on it; the same as the
# `series-N` classes of the app's stylesheet, written out because a PDF's SVG does not read it.
SERIES_COLOURS = ("#adb5bd", "#6ea8fe", "#1f3a60", "#f0ad4e", "#198754")
VALUE_COLOURS = ("#000", "#000", "#fff", "#000", "#fff")


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
        count = len(self.rows)
        centre = RADAR_SIZE / 2

        def point(index: int, value: float) -> tuple[float, float]:
            angle = -math.pi / 2 + 2 * math.pi * index / count
            radius = RADAR_RADIUS * max(value - FLOOR, 0) / (100 - FLOOR)
            return round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1)

        axes = [{"end": point(i, 100), "label": point(i, 118), "number": row.number} for i, row in enumerate(self.rows)]
        rings = [
            " ".join(f"{x},{y}" for x, y in (point(i, level) for i in range(count))) for level in (25, 50, 75, 100)
        ]
        polygons = []
        for position, year in enumerate(self.years):
            values = [float(year.score(row.number) or 0) for row in self.rows]
            polygons.append(
                {
                    "year": year.year,
                    "series": position,
                    "points": " ".join(f"{x},{y}" for x, y in (point(i, v) for i, v in enumerate(values))),
                }
            )
        return {"size": RADAR_SIZE, "axes": axes, "rings": rings, "polygons": polygons, "floor": FLOOR}

    def grouped_bars(self) -> dict:
        """One group of bars per indicator, a bar per year, each with its value, drawn the same on
        the analysis page and in the annual report (plain SVG: no JavaScript, prints well). The
        drawing is 480 units wide, so that on an A4 page its text is about 10 pt."""
        left, top, plot_width, plot_height = 30, 8, 440, 230
        group = plot_width / max(len(self.rows), 1)
        bar = group * 0.84 / max(len(self.years), 1)

        def y(score: Decimal | None) -> float:
            return round(top + plot_height - _bar_height(score) * plot_height / 45, 1)

        groups = []
        for index, row in enumerate(self.rows):
            x0 = left + index * group + group * 0.08
            bars = []
            for i, (score, year) in enumerate(zip(row.scores, self.years, strict=True)):
                centre = round(x0 + i * bar + bar * 0.45, 1)
                bars.append(
                    {
                        "x": round(x0 + i * bar, 1),
                        "y": y(score),
                        "width": round(bar * 0.9, 1),
                        "height": round(top + plot_height - y(score), 1),
                        "series": i,
                        "fill": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                        "value_fill": VALUE_COLOURS[i % len(VALUE_COLOURS)],
                        "score": score,
                        "year": year.year,
                        # the value reads upwards inside the top of its bar
                        "value_x": round(centre + 3, 1),
                        "value_y": round(y(score) + 3, 1),
                    }
                )
            groups.append({"number": row.number, "label_x": round(left + index * group + group / 2, 1), "bars": bars})
        grid = [{"value": level, "y": y(Decimal(level))} for level in range(FLOOR, 101, 10)]
        return {
            "width": left + plot_width + 4,
            "height": top + plot_height + 20,
            "left": left,
            "right": left + plot_width,
            "baseline": top + plot_height,
            "label_y": top + plot_height + 14,
            "groups": groups,
            "grid": grid,
            "floor": FLOOR,
            "value_size": 8 if len(self.years) > 3 else 9,
        }


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
        row.bars = _bars(row.scores, [year.year for year in years])
    return rows


def _bar_height(score: Decimal | None) -> float:
    """Height in a 45-unit plot from FLOOR (0) to 100 (45)."""
    return 0.0 if score is None else round(max(float(score) - FLOOR, 0) * 45 / (100 - FLOOR), 2)


def _bars(scores: list[Decimal | None], years: list[int]) -> list[dict]:
    """Bars of one indicator across years in a 100 × 70 box, from FLOOR up to 100."""
    width = 100 / max(len(scores), 1)
    return [
        {
            "x": round(i * width + width * 0.15, 2),
            "width": round(width * 0.7, 2),
            "height": _bar_height(score),
            "y": round(55 - _bar_height(score), 2),
            "value_y": round(55 - _bar_height(score) - 1.5, 2),
            "label_x": round(i * width + width / 2, 2),
            "year": year,
            "score": score,
            "series": i,
        }
        for i, (score, year) in enumerate(zip(scores, years, strict=True))
    ]
