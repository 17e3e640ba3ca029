"""Official results: entering or importing the year's published scores, and what they add up to.

The arithmetic is the year's framework (ita.scoring): indicator scores → instrument scores by the
indicators' weights → the weighted total → the year's rating with its per-instrument conditions.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.services import audit_record
from core.sheets import SheetLimits, first_problems, normalise, quoted, read_rows
from ita import scoring
from ita.models import Assessment, Framework, Indicator, IndicatorScore, ItemScore, OfficialResult, RatingBand

ZERO, HUNDRED = Decimal(0), Decimal(100)
# Header names accepted in an import, English or Thai, compared case-insensitively without spaces.
KEY_HEADERS = {"indicator", "code", "item", "ตัวชี้วัด", "ตัวชี้วัดที่", "ข้อ", "รหัส"}
SCORE_HEADERS = {"score", "คะแนน", "ผลคะแนน"}
ITEM_CODE = re.compile(r"^[Oo](\d{1,2})$")


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


@transaction.atomic
def result_enter(
    *,
    assessment: Assessment,
    membership: Membership,
    scores: dict[int, Decimal],
    item_scores: dict[str, Decimal] | None = None,
    source: str = "",
) -> OfficialResult:
    """Record the year's published scores: every indicator by number (1–10), optionally items by code."""
    if not membership.is_admin:
        raise PermissionDenied(_("Only the office's administrators enter official results."))
    framework = assessment.framework
    indicators = {indicator.number: indicator for indicator in framework.indicators.all()}
    definitions = {definition.code: definition for definition in framework.items.all()}
    item_scores = item_scores or {}
    problems = [
        _("Indicator %(number)s has no score.") % {"number": number} for number in indicators if number not in scores
    ]
    problems += [
        _("There is no indicator %(number)s this year.") % {"number": n} for n in scores if n not in indicators
    ]
    problems += [_("There is no item %(code)s this year.") % {"code": c} for c in item_scores if c not in definitions]
    problems += [
        _("%(what)s: %(score)s is not between 0 and 100.") % {"what": key, "score": score}
        for key, score in [*scores.items(), *item_scores.items()]
        if not ZERO <= score <= HUNDRED
    ]
    if problems:
        raise ValidationError(problems)
    result = OfficialResult.objects.create(assessment=assessment, source=source, entered_by=membership.user)
    IndicatorScore.objects.bulk_create(
        IndicatorScore(result=result, indicator=indicators[number], score=score) for number, score in scores.items()
    )
    ItemScore.objects.bulk_create(
        ItemScore(result=result, definition=definitions[code], score=score) for code, score in item_scores.items()
    )
    summary = summarize(result, framework_for_scoring(framework))  # one query per table, not per indicator
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="results.entered",
        summary=f"Results {assessment.fiscal_year}: total {scoring.rounded(summary.total)} ({summary.band.code})",
        obj=result,
        data={str(number): str(score) for number, score in scores.items()},
    )
    return result


@transaction.atomic
def target_band_update(*, assessment: Assessment, membership: Membership, target_band: RatingBand | None) -> Assessment:
    """Set the rating level the office aims for this year (None: no target)."""
    if not membership.is_admin or assessment.office_id != membership.office_id:
        raise PermissionDenied(_("Only the office's administrators set the target level."))
    if target_band is not None and target_band.framework_id != assessment.framework_id:
        raise ValidationError(_("The level belongs to another year's framework."), code="framework")
    assessment.target_band = target_band
    assessment.save(update_fields=["target_band", "updated_at"])
    audit_record(
        office=assessment.office,
        actor=membership.user,
        action="results.target",
        summary=f"Target level {assessment.fiscal_year}: {target_band or '-'}",
        obj=assessment,
    )
    return assessment


# --- import --------------------------------------------------------------------------------

# Problems are listed up to this many, and the rest counted: the page stays short however bad the file.


def parse_results_file(upload: UploadedFile) -> tuple[dict[int, Decimal], dict[str, Decimal]]:
    """Read indicator scores (rows keyed 1–10) and item scores (rows keyed O1…) from CSV or Excel.

    The first row names the columns (indicator / ตัวชี้วัด, score / คะแนน). Every bad row is
    reported with its row number (the first fifty, then how many more), and then nothing
    is imported. The file is read as a stream and refused past RESULTS_IMPORT_MAX_BYTES,
    RESULTS_IMPORT_MAX_ROWS or RESULTS_IMPORT_MAX_COLUMNS, whatever size it claims to be.
    """
    rows = _read_rows(upload)
    header = next((cells for number, cells in rows if any(str(cell).strip() for cell in cells)), None)
    if header is None:
        raise ValidationError(_("The file is empty."))
    header = [normalise(cell) for cell in header]
    try:
        key_column = next(i for i, name in enumerate(header) if name in KEY_HEADERS)
        score_column = next(i for i, name in enumerate(header) if name in SCORE_HEADERS)
    except StopIteration:
        raise ValidationError(
            _("The first row must name the columns: “indicator” (or ตัวชี้วัด) and “score” (or คะแนน).")
        ) from None
    scores: dict[int, Decimal] = {}
    item_scores: dict[str, Decimal] = {}
    problems = []
    for number, row in rows:
        cells = [*row, "", ""]
        key, raw_score = str(cells[key_column]).strip(), str(cells[score_column]).strip()
        if not key and not raw_score:
            continue
        score = _decimal(raw_score)
        if score is None:
            problems.append(
                _("Row %(row)d: the score “%(score)s” is not a valid number.")
                % {"row": number, "score": quoted(raw_score, 20)}
            )
            continue
        if not ZERO <= score <= HUNDRED:
            problems.append(
                _("Row %(row)d: the score “%(score)s” is not a number from 0 to 100.")
                % {"row": number, "score": quoted(raw_score, 20)}
            )
            continue
        indicator = _indicator_number(key)
        item = ITEM_CODE.match(key)
        if indicator is not None:
            target, name = scores, indicator
        elif item:
            target, name = item_scores, f"O{int(item.group(1))}"
        else:
            problems.append(
                _("Row %(row)d: “%(key)s” is neither an indicator (1–10) nor an item (O1…).")
                % {"row": number, "key": quoted(key, 20)}
            )
            continue
        if name in target:
            problems.append(_("Row %(row)d: %(key)s appears twice.") % {"row": number, "key": key})
            continue
        target[name] = score
    if problems:
        raise ValidationError(first_problems(problems))
    return scores, item_scores


def _read_rows(upload: UploadedFile):
    return read_rows(
        upload,
        SheetLimits(
            max_bytes=settings.RESULTS_IMPORT_MAX_BYTES,
            max_rows=settings.RESULTS_IMPORT_MAX_ROWS,
            max_columns=settings.RESULTS_IMPORT_MAX_COLUMNS,
            too_large=_("The file is %(size)s; a results file may be at most %(limit)s."),
            unpacks_too_large=_("The workbook unpacks to %(size)s; a results file may be at most %(limit)s."),
            too_many_rows=_("The file has more than %(limit)s rows; a results file has one row per indicator or item."),
            too_many_columns=_("The file has more than %(limit)s columns; keep only the indicator and score columns."),
        ),
    )


def _decimal(raw: str) -> Decimal | None:
    """The cell as a finite number; NaN and the infinities (Excel's 1e309 reads as one) are not scores."""
    try:
        number = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _indicator_number(key: str) -> int | None:
    """“9”, “9.0” (Excel), “ตัวชี้วัดที่ 9” → 9."""
    match = re.fullmatch(r"(?:ตัวชี้วัดที่\s*|indicator\s*)?(\d{1,2})(?:\.0+)?", key.strip(), flags=re.IGNORECASE)
    return int(match.group(1)) if match else None
