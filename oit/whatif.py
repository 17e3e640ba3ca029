"""The what-if simulator: the year's total and rating from expected IIT and EIT scores and the OIT
score the items predict, and what OIT score the office's target level needs."""

from dataclasses import dataclass
from decimal import Decimal

from ita import scoring
from ita.models import Assessment, RatingBand
from ita.results import previous_summary

DEFAULT_EXPECTED = Decimal(90)


@dataclass
class WhatIf:
    scores: dict[str, Decimal]
    total: Decimal
    band: RatingBand
    target: RatingBand | None
    oit_needed: Decimal | None
    blocked_by: list[str]  # IIT or EIT below the target's per-instrument minimum: no OIT score helps

    @property
    def target_reachable(self) -> bool:
        return not self.blocked_by and self.oit_needed is not None and self.oit_needed <= scoring.HUNDRED

    @property
    def target_reached(self) -> bool:
        return self.target is not None and self.band.order <= self.target.order


def expected_defaults(assessment: Assessment) -> dict[str, Decimal]:
    """Last year's official IIT and EIT if the office has them, else 90."""
    found = previous_summary(assessment)
    if found is None:
        return {"iit": DEFAULT_EXPECTED, "eit": DEFAULT_EXPECTED}
    _previous, summary = found
    return {"iit": scoring.rounded(summary.instruments["IIT"]), "eit": scoring.rounded(summary.instruments["EIT"])}


def simulate(assessment: Assessment, *, iit: Decimal, eit: Decimal, oit: Decimal) -> WhatIf:
    framework = assessment.framework
    weights = {instrument.code: instrument.weight for instrument in framework.instruments.all()}
    scores = {"IIT": iit, "EIT": eit, "OIT": oit}
    total = scoring.total_score(scores, weights)
    bands = list(framework.rating_bands.all())
    target = assessment.target_band
    needed, blocked_by = None, []
    if target is not None:
        needed = scoring.score_needed(target, weights, {"IIT": iit, "EIT": eit}, "OIT")
        if target.min_each_instrument is not None:
            blocked_by = [code for code in ("IIT", "EIT") if scores[code] < target.min_each_instrument]
    band = scoring.rating_for(bands, total, scores)
    return WhatIf(scores=scores, total=total, band=band, target=target, oit_needed=needed, blocked_by=blocked_by)
