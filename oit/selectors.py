"""Reads of OIT items that several pages share."""

from dataclasses import dataclass, field

from django.db.models import Count

from ita.models import Assessment, SubIndicator
from oit.models import Item

STATUSES = list(Item.Status)


@dataclass
class StatusRow:
    """Item counts by status for one sub-indicator or indicator."""

    label: str
    code: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    is_indicator: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        return [self.counts[status] for status in STATUSES]

    def add(self, other: "StatusRow") -> None:
        for status, count in other.counts.items():
            self.counts[status] += count


@dataclass
class StatusSummary:
    rows: list[StatusRow]
    total: StatusRow
    statuses: list = field(default_factory=lambda: STATUSES)


def item_status_summary(assessment: Assessment) -> StatusSummary:
    """Counts of the assessment's items by status, per indicator and sub-indicator, in two queries."""
    counts = (
        Item.objects.filter(assessment=assessment)
        .values_list("definition__sub_indicator_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_sub: dict[int, dict[str, int]] = {}
    for sub_id, status, n in counts:
        by_sub.setdefault(sub_id, {})[status] = n
    subs = (
        SubIndicator.objects.filter(indicator__framework=assessment.framework)
        .select_related("indicator")
        .order_by("indicator__number", "order")
    )
    rows: list[StatusRow] = []
    total = StatusRow(label="", code="")
    indicator_row = None
    for sub in subs:
        if indicator_row is None or indicator_row.code != str(sub.indicator.number):
            indicator_row = StatusRow(label=sub.indicator.name, code=str(sub.indicator.number), is_indicator=True)
            rows.append(indicator_row)
        row = StatusRow(label=sub.name, code=sub.code)
        row.counts.update(by_sub.get(sub.id, {}))
        rows.append(row)
        indicator_row.add(row)
        total.add(row)
    return StatusSummary(rows=rows, total=total)
