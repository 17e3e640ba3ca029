"""Reads of the ita app that change nothing: what opening a year would carry over, who edits
frameworks and what changed in them, what an official result adds up to, and the respondents'
pace towards their targets against the office's staff list (and the IIT public link). The writes
are in ita.services.

The arithmetic of a result is the year's framework (ita.scoring): indicator scores → instrument
scores by the indicators' weights → the weighted total → the year's rating with its
per-instrument conditions.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Office, StaffMember
from ita import scoring
from ita.hooks import carry_over_previews
from ita.mapping import item_lineage
from ita.models import (
    Assessment,
    EITCount,
    Framework,
    FrameworkRevision,
    IITLink,
    Indicator,
    Instrument,
    Milestone,
    OfficialResult,
    RatingBand,
    RespondentTarget,
)

HUNDRED = Decimal(100)
# The calendar milestone whose dates are the IIT and EIT survey window.
WINDOW_MILESTONE = "perception"
UNREAD = object()  # an argument the caller did not give, where None is a value


# --- Opening a year ------------------------------------------------------------------------------


def carry_over_preview(*, office: Office, framework: Framework) -> dict | None:
    """What opening `framework`'s year would carry over from the office's latest earlier
    assessment: the item lineage and what the other apps say they would copy. None without one."""
    previous = (
        Assessment.objects.filter(office=office, fiscal_year__lt=framework.fiscal_year)
        .select_related("framework")
        .order_by("-fiscal_year")
        .first()
    )
    if previous is None:
        return None
    lineage = item_lineage(previous.framework, framework)
    preview = {"previous": previous, "lineage": lineage, "assignments": {}, "lines": []}
    for describe in carry_over_previews():
        said = describe(previous=previous, lineage=lineage)
        preview["assignments"] |= said.get("assignments", {})
        preview["lines"] += said.get("lines", [])
    held = preview["assignments"]
    preview["continued"] = [
        (link, list(dict.fromkeys(held[old.pk] for old in link.old if old.pk in held))) for link in lineage.continued
    ]
    preview["gone"] = [(old, held.get(old.pk, "")) for old in lineage.gone]
    return preview


# --- Frameworks ----------------------------------------------------------------------------------

EDIT_PERMISSION = "ita.edit_framework"


def can_edit_frameworks(user) -> bool:
    """A framework editor: the site-wide permission (superusers have every permission)."""
    return bool(user and user.is_authenticated and user.has_perm(EDIT_PERMISSION))


def framework_editors() -> list:
    """Who puts frameworks in, for an office administrator to ask: superusers and holders of
    the permission, directly or through a group."""
    permission = Permission.objects.filter(codename="edit_framework", content_type__app_label="ita").first()
    editors = Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission)
    return list(get_user_model().objects.filter(editors, is_active=True).distinct().order_by("first_name", "username"))


def revisions_since_opened(assessments) -> list[tuple]:
    """(assessment, revision) for each revision of an assessment's framework published after the
    office opened the year: the changes its people should know of."""
    by_framework = {assessment.framework_id: [] for assessment in assessments}
    for revision in FrameworkRevision.objects.filter(framework_id__in=by_framework, number__gt=1):
        by_framework[revision.framework_id].append(revision)
    return [
        (assessment, revision)
        for assessment in assessments
        for revision in by_framework[assessment.framework_id]
        if revision.created_at > assessment.created_at
    ]


def framework_in_use(fiscal_year: int) -> bool:
    """Offices have opened assessments on the year's published framework."""
    return Assessment.objects.filter(framework__fiscal_year=fiscal_year).exists()


# --- Official results ----------------------------------------------------------------------------


@dataclass
class ResultSummary:
    """An official result with the instrument scores, total and rating it gives."""

    result: OfficialResult
    indicators: list[tuple[Indicator, Decimal]]
    instruments: dict[str, Decimal]
    total: Decimal
    band: RatingBand
    weights: dict[str, Decimal] = field(default_factory=dict)

    @property
    def points(self) -> dict[str, Decimal]:
        """Each instrument's contribution to the total (e.g. OIT 38.70 of 40)."""
        return {code: score * self.weights[code] / HUNDRED for code, score in self.instruments.items()}

    def reaches(self, band: RatingBand) -> bool:
        """The result is at `band` or better (bands are ordered best first)."""
        return self.band.order <= band.order

    def instruments_below(self, band: RatingBand) -> list[str]:
        """Instruments that miss the band's per-instrument minimum (2566 onwards)."""
        if band.min_each_instrument is None:
            return []
        return [code for code, score in self.instruments.items() if scoring.rounded(score) < band.min_each_instrument]

    def weakest(self, count: int = 3) -> list[tuple[Indicator, Decimal]]:
        return sorted(self.indicators, key=lambda pair: (pair[1], pair[0].number))[:count]

    def below(self, level: Decimal) -> list[tuple[Indicator, Decimal]]:
        return [pair for pair in self.indicators if pair[1] < level]


def framework_for_scoring(framework: Framework) -> Framework:
    """The framework with what `summarize` reads, fetched once."""
    return Framework.objects.prefetch_related("indicators__instrument", "instruments", "rating_bands").get(
        pk=framework.pk
    )


def summarize(result: OfficialResult, framework: Framework) -> ResultSummary:
    """Apply the year's arithmetic to the result's indicator scores.

    Reads the framework's indicators, instruments and rating bands through `.all()`, so a caller
    that prefetched them (framework_for_scoring) pays no further queries.
    """
    scores = {score.indicator_id: score.score for score in result.scores.all()}
    indicators = list(framework.indicators.all())
    instruments = {instrument.code: instrument for instrument in framework.instruments.all()}
    by_instrument: dict[str, dict[int, Decimal]] = {}
    weights_by_instrument: dict[str, dict[int, Decimal]] = {}
    for indicator in indicators:
        code = indicator.instrument.code
        by_instrument.setdefault(code, {})[indicator.pk] = scores[indicator.pk]
        weights_by_instrument.setdefault(code, {})[indicator.pk] = indicator.weight
    instrument_scores = {
        code: scoring.weighted_mean(by_instrument[code], weights_by_instrument[code]) for code in by_instrument
    }
    weights = {code: instrument.weight for code, instrument in instruments.items()}
    total = scoring.total_score(instrument_scores, weights)
    band = scoring.rating_for(framework.rating_bands.all(), total, instrument_scores)
    return ResultSummary(
        result=result,
        indicators=[(indicator, scores[indicator.pk]) for indicator in indicators],
        instruments=instrument_scores,
        total=total,
        band=band,
        weights=weights,
    )


def latest_result(assessment: Assessment) -> OfficialResult | None:
    return assessment.official_results.prefetch_related("scores").first()


def previous_summary(assessment: Assessment) -> tuple[Assessment, ResultSummary] | None:
    """The latest earlier year with official results, and what its latest entry adds up to."""
    previous = assessment.previous(with_results=True)
    if previous is None:
        return None
    return previous, summarize(latest_result(previous), framework_for_scoring(previous.framework))


# --- Respondents ---------------------------------------------------------------------------------


def eit_counts_with_running_total(assessment: Assessment) -> list[EITCount]:
    """The assessment's EIT counts, oldest first, each with `running_total` so far of its own instrument."""
    totals, entries = {}, []
    for entry in assessment.eit_counts.select_related("recorded_by", "instrument").order_by("date", "id"):
        totals[entry.instrument_id] = totals.get(entry.instrument_id, 0) + entry.count
        entry.running_total = totals[entry.instrument_id]
        entries.append(entry)
    return entries


def eit_instruments(assessment: Assessment) -> list[Instrument]:
    """The year's EIT instruments in order: one in most years, EIT(1) and EIT(2) where EIT is split."""
    return list(assessment.framework.instruments.filter(kind=Instrument.Kind.EIT).order_by("order", "id"))


def survey_milestone(assessment: Assessment) -> Milestone | None:
    """The year's calendar entry for the IIT and EIT survey; None if it has none."""
    return assessment.framework.milestones.filter(code=WINDOW_MILESTONE).first()


def survey_window(assessment: Assessment) -> tuple[date, date] | None:
    """First and last day of the year's IIT and EIT survey, from its calendar; None if it has none."""
    milestone = survey_milestone(assessment)
    return (milestone.start, milestone.end) if milestone else None


def window_is_open(assessment: Assessment, today: date | None = None) -> bool:
    """Whether today falls in the year's survey window; without one in the calendar, it is closed."""
    window = survey_milestone(assessment)
    today = today or timezone.localdate()
    return window is not None and window.start <= today <= window.end


@dataclass(frozen=True)
class RosterCount:
    """The office's active staff list against the IIT confirmations of an assessment."""

    active: int  # active entries: the population when the admin gave none
    confirmed: int  # active entries that confirmed

    @property
    def everyone(self) -> bool:
        return self.active > 0 and self.confirmed >= self.active

    @property
    def missing(self) -> int:
        return max(0, self.active - self.confirmed)


def roster_count(assessment: Assessment) -> RosterCount:
    counts = StaffMember.objects.filter(office_id=assessment.office_id, is_active=True).aggregate(
        active=Count("id", distinct=True),
        confirmed=Count("id", distinct=True, filter=Q(iit_confirmations__assessment=assessment)),
    )
    return RosterCount(active=counts["active"], confirmed=counts["confirmed"])


def unconfirmed_entries(assessment: Assessment):
    """Active entries of the office's staff list who have not confirmed, in Thai name order."""
    return (
        StaffMember.objects.filter(office_id=assessment.office_id, is_active=True)
        .exclude(iit_confirmations__assessment=assessment)
        .select_related("unit")
    )


def link_for_token(token: str) -> IITLink | None:
    """The open IIT confirmation link with this token, or None (a rotated, closed or made-up token)."""
    if not token or len(token) > IITLink._meta.get_field("token").max_length:
        return None
    return (
        IITLink.objects.select_related("assessment__office", "assessment__framework")
        .filter(token=token, is_open=True)
        .first()
    )


@dataclass
class Progress:
    """One instrument's respondents against its target, and whether the pace will reach it."""

    code: str
    target: RespondentTarget
    done: int
    start: date | None
    today: date
    roster: RosterCount | None = None  # IIT: the office's staff list

    @property
    def population(self) -> int | None:
        """The population the admin gave, else (IIT) the active entries of the staff list."""
        if self.population_from_roster:
            return self.roster.active
        return self.target.population

    @property
    def population_from_roster(self) -> bool:
        # An empty list gives no population: "0 of 0" would read as the target reached.
        return self.roster is not None and self.roster.active > 0 and self.target.population is None

    @property
    def required(self) -> int | None:
        if self.population_from_roster and self.target.required_override is None:
            return self.target.rule.required_for(self.population)
        return self.target.required

    @property
    def deadline(self) -> date | None:
        return self.target.deadline

    @property
    def percent(self) -> float:
        if not self.required:
            return 0.0
        return min(100.0, 100 * self.done / self.required)

    @property
    def reached(self) -> bool:
        return self.required is not None and self.done >= self.required

    @property
    def days_left(self) -> int | None:
        """Days until the deadline, counting today; 0 once it has passed."""
        if self.deadline is None:
            return None
        return max(0, (self.deadline - self.today).days + 1)

    @property
    def projected(self) -> int | None:
        """Respondents by the deadline if the pace so far goes on."""
        if self.start is None or self.deadline is None or self.today < self.start:
            return None
        elapsed = (min(self.today, self.deadline) - self.start).days + 1
        return round(self.done + self.done / elapsed * self.days_left)

    @property
    def state(self) -> str:
        """reached, missed, behind (the pace will not reach the target), on_track, not_started or unknown."""
        if self.required is None:
            return "unknown"
        if self.reached:
            return "reached"
        if self.deadline is not None and self.today > self.deadline:
            return "missed"
        if self.start is not None and self.today < self.start:
            return "not_started"
        if self.projected is not None and self.projected < self.required:
            return "behind"
        return "on_track"


def respondent_progress(assessment: Assessment, today: date | None = None, *, window=UNREAD) -> list[Progress]:
    """IIT and EIT progress of the assessment, in a few queries (`window`: the survey milestone, or
    None, when the page has read the calendar already)."""
    today = today or timezone.localdate()
    roster = roster_count(assessment)
    if window is UNREAD:
        window = survey_milestone(assessment)
    done = {Instrument.Code.IIT: assessment.iit_confirmations.count()}
    eit_done = dict(assessment.eit_counts.order_by().values_list("instrument").annotate(n=Sum("count")))
    return [
        Progress(
            code=target.rule.instrument.code,
            target=target,
            done=(
                eit_done.get(target.rule.instrument_id, 0)
                if target.rule.instrument.kind == Instrument.Kind.EIT
                else done.get(target.rule.instrument.code, 0)
            ),
            start=window.start if window else None,
            today=today,
            roster=roster if target.rule.instrument.code == Instrument.Code.IIT else None,
        )
        for target in assessment.respondent_targets.select_related("rule__instrument")
    ]
