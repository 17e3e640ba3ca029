"""The D-stage timeline: the plan's activities against the assessment calendar, as SVG geometry.

The span runs over the fiscal year (1 Oct – 30 Sep); positions are percentages of it, so the
template draws bars with plain SVG attributes (no script, no inline style).
"""

from dataclasses import dataclass
from datetime import date

from core.charts import Span
from core.thai import MONTHS_TH_SHORT, fiscal_year_bounds, format_be_date

# The calendar milestones the timeline shows: registration, the OIT window, the IIT/EIT window, results.
CALENDAR_CODES = ("register", "oit_collect", "perception", "results")


@dataclass
class Bar:
    label: str
    x: float
    width: float
    kind: str  # milestone | activity | overdue | done | publicity
    dates: str


@dataclass
class Timeline:
    months: list[tuple[float, str]]
    milestones: list[Bar]
    activities: list[Bar]
    today: float | None


def build_timeline(assessment, activities, today: date) -> Timeline:
    span = Span(*fiscal_year_bounds(assessment.fiscal_year))

    def bar(label, first, last, kind) -> Bar:
        return Bar(label, *span.bar(first, last), kind, f"{format_be_date(first)} – {format_be_date(last)}")

    months = [(x, MONTHS_TH_SHORT[month - 1]) for x, month in span.months()]
    milestones = [
        bar(milestone.name, milestone.start, milestone.end, "milestone")
        for milestone in assessment.framework.milestones.all()
        if milestone.code in CALENDAR_CODES
    ]
    bars = []
    for activity in activities:
        if activity.percent >= 100:
            kind = "done"
        elif activity.end < today:
            kind = "overdue"
        else:
            kind = "publicity" if activity.is_publicity else "activity"
        bars.append(bar(activity.title, activity.start, activity.end, kind))
    return Timeline(months, milestones, bars, span.position(today) if today in span else None)
