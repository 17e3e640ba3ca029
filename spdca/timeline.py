"""The D-stage timeline: the plan's activities against the assessment calendar, as SVG geometry.

The span runs over the fiscal year (1 Oct – 30 Sep); positions are percentages of it, so the
template draws bars with plain SVG attributes (no script, no inline style).
"""

from dataclasses import dataclass
from datetime import date

from core.thai import fiscal_year_bounds, format_be_date

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


THAI_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]


def build_timeline(assessment, activities, today: date) -> Timeline:
    start, end = fiscal_year_bounds(assessment.fiscal_year)
    span = (end - start).days + 1

    def position(day: date) -> float:
        return round(100 * min(max((day - start).days, 0), span) / span, 2)

    def bar(label, first, last, kind) -> Bar:
        x = position(first)
        return Bar(label, x, max(round(position(last) + 100 / span - x, 2), 0.5), kind,
                   f"{format_be_date(first)} – {format_be_date(last)}")  # fmt: skip

    months, month = [], start
    while month <= end:
        months.append((position(month), THAI_MONTHS[month.month - 1]))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
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
    return Timeline(months, milestones, bars, position(today) if start <= today <= end else None)
