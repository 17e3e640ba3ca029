"""The what-if simulator: the year's total and rating from the expected scores of the year's
perception instruments (IIT and EIT, or EIT(1) and EIT(2), whatever the framework lists, with its
weights) and the OIT score the items predict, and what OIT score the office's target level needs."""

import re
from dataclasses import dataclass
from decimal import Decimal

from ita import scoring
from ita.models import Assessment, Instrument, RatingBand
from ita.selectors import previous_summary

DEFAULT_EXPECTED = Decimal(90)


def field_name(code: str) -> str:
    """The query parameter of an instrument's expected score: IIT → iit, EIT(1) → eit1."""
    return re.sub(r"[^a-z0-9]", "", code.lower())


def instruments(assessment: Assessment) -> tuple[list[Instrument], Instrument | None]:
    """The year's instruments whose scores are expected (all but open data), and its OIT instrument."""
    listed = list(assessment.framework.instruments.all())
    oit = next((instrument for instrument in listed if instrument.kind == Instrument.Kind.OIT), None)
    return [instrument for instrument in listed if instrument is not oit], oit


@dataclass
class Row:
    instrument: Instrument
    score: Decimal
    points: Decimal  # its share of the total, out of its weight


@dataclass
class WhatIf:
    scores: dict[str, Decimal]  # by instrument code
    rows: list[Row]
    total: Decimal
    band: RatingBand
    target: RatingBand | None
    oit_needed: Decimal | None
    blocked_by: list[str]  # instruments below the target's per-instrument minimum: no OIT score helps

    @property
    def target_reachable(self) -> bool:
        return not self.blocked_by and self.oit_needed is not None and self.oit_needed <= scoring.HUNDRED

    @property
    def target_reached(self) -> bool:
        return self.target is not None and self.band.order <= self.target.order


def expected_defaults(assessment: Assessment) -> dict[str, Decimal]:
    """By field name: last year's official score of the same instrument if the office has it (of
    the same kind when the code is new, e.g. last year's EIT for this year's EIT(1)), else 90."""
    expected, _oit = instruments(assessment)
    found = previous_summary(assessment)
    last = {}
    if found is not None:
        previous, summary = found
        kinds = {instrument.code: instrument.kind for instrument in previous.framework.instruments.all()}
        for code, score in summary.instruments.items():
            last[code] = scoring.rounded(score)
            last.setdefault(kinds.get(code), scoring.rounded(score))
    return {
        field_name(instrument.code): last.get(instrument.code, last.get(instrument.kind, DEFAULT_EXPECTED))
        for instrument in expected
    }


def simulate(assessment: Assessment, *, expected: dict[str, Decimal], oit: Decimal) -> WhatIf:
    """`expected` holds a score per expected instrument, by field name."""
    framework = assessment.framework
    listed, oit_instrument = instruments(assessment)
    weights = {instrument.code: instrument.weight for instrument in framework.instruments.all()}
    known = {instrument.code: expected[field_name(instrument.code)] for instrument in listed}
    scores = dict(known)
    if oit_instrument is not None:
        scores[oit_instrument.code] = oit
    total = scoring.total_score(scores, weights)
    bands = list(framework.rating_bands.all())
    target = assessment.target_band
    needed, blocked_by = None, []
    if target is not None and oit_instrument is not None:
        needed = scoring.score_needed(target, weights, known, oit_instrument.code)
        if target.min_each_instrument is not None:
            blocked_by = [code for code, score in known.items() if score < target.min_each_instrument]
    band = scoring.rating_for(bands, total, scores)
    rows = [
        Row(instrument, scores[instrument.code], scores[instrument.code] * instrument.weight / scoring.HUNDRED)
        for instrument in framework.instruments.all()
        if instrument.code in scores
    ]
    return WhatIf(
        scores=scores, rows=rows, total=total, band=band, target=target, oit_needed=needed, blocked_by=blocked_by
    )
