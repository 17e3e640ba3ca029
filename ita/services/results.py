"""Official results: entering or importing the year's published scores (what they add up to is
read in ita.selectors).

The arithmetic is the year's framework (ita.scoring): indicator scores → instrument scores by the
indicators' weights → the weighted total → the year's rating with its per-instrument conditions.
"""

import re
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
from ita.models import Assessment, IndicatorScore, ItemScore, OfficialResult, RatingBand
from ita.selectors import framework_for_scoring, summarize

ZERO, HUNDRED = Decimal(0), Decimal(100)
# Header names accepted in an import, English or Thai, compared case-insensitively without spaces.
KEY_HEADERS = {"indicator", "code", "item", "ตัวชี้วัด", "ตัวชี้วัดที่", "ข้อ", "รหัส"}
SCORE_HEADERS = {"score", "คะแนน", "ผลคะแนน"}
ITEM_CODE = re.compile(r"^[Oo](\d{1,2})$")


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
        summary=_("Results of fiscal year %(year)s: total %(total)s (%(band)s)")
        % {"year": assessment.fiscal_year, "total": scoring.rounded(summary.total), "band": summary.band.code},
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
        summary=_("Target level for fiscal year %(year)s: %(band)s")
        % {"year": assessment.fiscal_year, "band": target_band or "-"},
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
