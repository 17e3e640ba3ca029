"""Reads of OIT items that several pages share: the rows of the item lists, counts by status and
the score they predict, and evidence dated outside its item's evidence period."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from core.i18n import localized_pair
from ita import scoring
from ita.models import Assessment, ItemDefinition, SubIndicator
from oit.models import Approval, Evidence, Item, ItemEvent

STATUSES = list(Item.Status)


# --- the item lists --------------------------------------------------------------------------


@dataclass(slots=True)
class ItemRow:
    """What a list shows of one item: plain values read in one query, no model instances."""

    code: str
    name: str
    url: str
    unit: str
    due_date: date | None
    late: bool  # past its due date and not yet approved
    status: str
    status_label: str
    assignees: list[str] = field(default_factory=list)  # display names, in the order they were named


@dataclass(slots=True)
class RowGroup:
    """Consecutive rows of one indicator or sub-indicator: `number` is the indicator's number or
    the sub-indicator's code; `groups` holds an indicator's sub-indicators."""

    number: str
    name: str
    rows: list[ItemRow] = field(default_factory=list)
    groups: list["RowGroup"] = field(default_factory=list)


ROW_FIELDS = (
    "pk",
    "definition__code",
    "definition__name_th",
    "definition__name_en",
    "unit__name",
    "unit__short_name",
    "due_date",
    "status",
    "definition__sub_indicator_id",
    "definition__sub_indicator__code",
    "definition__sub_indicator__name_th",
    "definition__sub_indicator__name_en",
    "definition__sub_indicator__indicator_id",
    "definition__sub_indicator__indicator__number",
    "definition__sub_indicator__indicator__name_th",
    "definition__sub_indicator__indicator__name_en",
)


def item_rows(items: QuerySet[Item], assessment: Assessment, *, today: date) -> list[ItemRow]:
    """The rows of `items` (filtered and ordered as the page wants) in two queries: the items with
    their definition and unit, and their responsible staff. The rows of a list page are 43 of
    these; as model instances with a template include each they were most of the page's time."""
    return _rows(items, assessment, today=today)[0]


def item_row_groups(items: QuerySet[Item], assessment: Assessment, *, today: date) -> list[RowGroup]:
    """The rows of `items` grouped by indicator and sub-indicator, in the items' order (as
    `{% regroup %}` groups), in the two queries of `item_rows`."""
    rows, keys = _rows(items, assessment, today=today)
    indicators: list[RowGroup] = []
    indicator_id = sub_id = None
    for row, (ind_id, ind_number, ind_name, s_id, s_code, s_name) in zip(rows, keys, strict=True):
        if not indicators or ind_id != indicator_id:
            indicators.append(RowGroup(number=str(ind_number), name=ind_name))
            indicator_id, sub_id = ind_id, None
        subs = indicators[-1].groups
        if not subs or s_id != sub_id:
            subs.append(RowGroup(number=s_code, name=s_name))
            sub_id = s_id
        subs[-1].rows.append(row)
    return indicators


def _rows(items: QuerySet[Item], assessment: Assessment, *, today: date) -> tuple[list[ItemRow], list[tuple]]:
    # The detail URL is the list's URL and the code: one reverse() instead of one a row.
    base = reverse("oit:item-list", args=[assessment.office.slug, assessment.fiscal_year])
    labels = dict(Item.Status.choices)
    rows, keys, by_pk = [], [], {}
    for values in items.values_list(*ROW_FIELDS):
        (pk, code, name_th, name_en, unit_name, unit_short, due, status, *group) = values
        row = ItemRow(
            code=code,
            name=localized_pair(name_th, name_en),
            url=f"{base}{code}/",
            unit=unit_short or unit_name or "",  # Unit.__str__
            due_date=due,
            late=due is not None and due < today and status not in Item.PASSED,
            status=status,
            status_label=str(labels.get(status, status)),
        )
        rows.append(row)
        by_pk[pk] = row
        s_id, s_code, s_th, s_en, i_id, i_number, i_th, i_en = group
        keys.append((i_id, i_number, localized_pair(i_th, i_en), s_id, s_code, localized_pair(s_th, s_en)))
    if by_pk:
        named = (
            Item.assignees.through.objects.filter(item_id__in=by_pk)
            .order_by("pk")
            .values_list("item_id", "user__first_name", "user__last_name", "user__username")
        )
        for item_id, first, last, username in named:
            by_pk[item_id].assignees.append(f"{first} {last}".strip() or username)  # User.display_name
    return rows, keys


@dataclass(slots=True)
class ReviewRow:
    """What the review queue shows of a submitted or approved item: plain values, one query."""

    pk: int
    code: str
    name: str
    url: str
    unit: str
    status: str
    submitted_by: str
    submitted_at: datetime | None
    approval_count: int
    approved_by_me: bool


def review_rows(assessment: Assessment, reviewer) -> tuple[list[ReviewRow], list[ReviewRow]]:
    """The submitted items, oldest first, and the approved ones, in the item order, in one query:
    each with its approvals in the current review round and whether `reviewer` gave one."""
    base = reverse("oit:item-list", args=[assessment.office.slug, assessment.fiscal_year])
    this_round = Approval.objects.filter(item=OuterRef("pk"), review_round=OuterRef("review_round"))
    counted = this_round.order_by().values("item").annotate(n=Count("pk")).values("n")
    values = (
        assessment.oit_items.filter(status__in=[Item.Status.SUBMITTED, Item.Status.APPROVED])
        .annotate(
            approval_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
            approved_by_me=Exists(this_round.filter(reviewer=reviewer)),
        )
        .values_list(
            "pk",
            "definition__code",
            "definition__name_th",
            "definition__name_en",
            "unit__name",
            "unit__short_name",
            "status",
            "submitted_by__first_name",
            "submitted_by__last_name",
            "submitted_by__username",
            "submitted_at",
            "approval_count",
            "approved_by_me",
        )
    )
    rows = []
    for pk, code, name_th, name_en, unit_name, unit_short, status, first, last, username, at, count, mine in values:
        rows.append(
            ReviewRow(
                pk=pk,
                code=code,
                name=localized_pair(name_th, name_en),
                url=f"{base}{code}/",
                unit=unit_short or unit_name or "",  # Unit.__str__
                status=status,
                submitted_by=f"{first} {last}".strip() or (username or ""),  # User.display_name
                submitted_at=at,
                approval_count=count,
                approved_by_me=mine,
            )
        )
    waiting = [row for row in rows if row.status == Item.Status.SUBMITTED]
    waiting.sort(key=lambda row: (row.submitted_at is None, row.submitted_at or datetime.min))
    return waiting, [row for row in rows if row.status == Item.Status.APPROVED]


@dataclass
class StatusRow:
    """Item counts by status for one sub-indicator or indicator."""

    label: str
    code: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    is_indicator: bool = False
    score: Decimal | None = None  # predicted, 0–100
    weight: Decimal = Decimal(1)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def passed(self) -> int:
        """Approved and published items: what the predicted score counts as passed."""
        return sum(self.counts[status] for status in Item.PASSED)

    @property
    def segments(self) -> list[tuple[str, str, float, float]]:
        """(status, label, start, width), in percent of the row's items, for a stacked bar."""
        total = self.total or 1
        segments, start = [], 0.0
        for status in STATUSES:
            width = 100 * self.counts[status] / total
            if width:
                segments.append((status.value, status.label, start, width))
            start += width
        return segments

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
    oit_score: Decimal | None = None  # predicted OIT, 0–100
    oit_weight: Decimal | None = None  # the instrument's share of the total, e.g. 40

    @property
    def indicators(self) -> list[StatusRow]:
        return [row for row in self.rows if row.is_indicator]

    @property
    def oit_points(self) -> Decimal | None:
        """The predicted OIT score's contribution to the total (out of the instrument's weight)."""
        if self.oit_score is None or self.oit_weight is None:
            return None
        return self.oit_score * self.oit_weight / scoring.HUNDRED


def item_status_summary(assessment: Assessment) -> StatusSummary:
    """Counts of the assessment's items by status, per indicator and sub-indicator, and the OIT
    score they predict by the year's arithmetic (approved or published items pass), in two queries.
    """
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
        .select_related("indicator__instrument")
        .order_by("indicator__number", "order")
    )
    rows: list[StatusRow] = []
    total = StatusRow(label="", code="")
    indicator_row = None
    sub_scores: dict[str, list[Decimal]] = {}
    oit_weight = None
    for sub in subs:
        if indicator_row is None or indicator_row.code != str(sub.indicator.number):
            indicator_row = StatusRow(
                label=sub.indicator.name,
                code=str(sub.indicator.number),
                is_indicator=True,
                weight=sub.indicator.weight,
            )
            rows.append(indicator_row)
            oit_weight = sub.indicator.instrument.weight
        row = StatusRow(label=sub.name, code=sub.code)
        row.counts.update(by_sub.get(sub.id, {}))
        if row.total:
            row.score = scoring.share_passed(row.passed, row.total)
            sub_scores.setdefault(indicator_row.code, []).append(row.score)
        rows.append(row)
        indicator_row.add(row)
        total.add(row)
    summary = StatusSummary(rows=rows, total=total, oit_weight=oit_weight)
    for indicator_row in summary.indicators:
        if indicator_row.code in sub_scores:
            indicator_row.score = scoring.mean(sub_scores[indicator_row.code])
    scored = {row.code: row.score for row in summary.indicators if row.score is not None}
    if scored:
        weights = {row.code: row.weight for row in summary.indicators}
        summary.oit_score = scoring.weighted_mean(scored, weights)
    return summary


# --- evidence periods ----------------------------------------------------------------------


@dataclass
class EvidencePeriod:
    """The days an item's evidence must be dated in, for the assessment's fiscal year."""

    start: date
    end: date
    label: str  # the framework's word for it: current fiscal year, previous fiscal year, ...

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def evidence_period(definition: ItemDefinition, fiscal_year: int) -> EvidencePeriod | None:
    """None when the framework gives the item no period (or says it has none)."""
    window = definition.evidence_window(fiscal_year)
    if window is None:
        return None
    return EvidencePeriod(start=window[0], end=window[1], label=definition.get_evidence_period_display())


def mark_out_of_period(evidence: list[Evidence], period: EvidencePeriod | None) -> list[Evidence]:
    """Set `out_of_period` on each document's current revision and its loaded revisions; return
    the documents whose current revision is dated outside the period."""
    outside = []
    for document in evidence:
        revisions = list(document.revisions.all()) if period is not None else []
        for revision in [document.current, *revisions]:
            if revision is not None:
                revision.out_of_period = period is not None and not period.holds(revision.document_date)
        if document.current is not None and document.current.out_of_period:
            outside.append(document)
    return outside


def items_out_of_period(assessment: Assessment) -> list[tuple[Item, EvidencePeriod, list[Evidence]]]:
    """The items whose current evidence includes a document dated outside the item's evidence
    period, with the period and those documents, in one query. It does not block anything: the
    committee decides."""
    windowed = [value for value in ItemDefinition.EvidencePeriod.values if value != ItemDefinition.EvidencePeriod.NONE]
    documents = (
        Evidence.objects.filter(
            item__assessment=assessment,
            removed_at__isnull=True,
            current__isnull=False,
            item__definition__evidence_period__in=windowed,
            item__definition__withdrawn_in__isnull=True,
        )
        .select_related("current", "item__definition")
        .order_by("item__definition__number", "id")
    )
    found: dict[int, tuple] = {}
    for document in documents:
        item = document.item
        item.assessment = assessment
        period = evidence_period(item.definition, assessment.fiscal_year)
        if period is not None and not period.holds(document.current.document_date):
            found.setdefault(item.pk, (item, period, []))[2].append(document)
    return list(found.values())


REVIEW_EVENTS = [ItemEvent.Kind.RETURNED, ItemEvent.Kind.APPROVAL, ItemEvent.Kind.APPROVED, ItemEvent.Kind.CHECKED]


def withdrawal_impact(*, definitions) -> list[dict]:
    """Per office and item, the work held by the items a correction would withdraw (evidence,
    assignments, reviews), for the editor to confirm; items nobody touched are left out. One query."""
    items = (
        Item.objects.filter(definition__in=definitions)
        .select_related("assessment__office", "definition", "unit")
        .annotate(
            evidence_count=Count("evidence", filter=Q(evidence__removed_at__isnull=True), distinct=True),
            assignee_count=Count("assignees", distinct=True),
            review_count=Count("events", filter=Q(events__kind__in=REVIEW_EVENTS), distinct=True),
        )
        .order_by("assessment__office__name", "definition__number")
    )
    return [
        {
            "office": item.assessment.office,
            "item": item.definition,
            "status": item.get_status_display(),
            "evidence": item.evidence_count,
            "unit": item.unit,
            "assignees": item.assignee_count,
            "reviews": item.review_count,
        }
        for item in items
        if item.status != Item.Status.DRAFT
        or any((item.evidence_count, item.unit_id, item.assignee_count, item.review_count))
    ]
