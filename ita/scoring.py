"""The ITA arithmetic, driven by the year's framework data.

OIT: an item scores 0 or 100; a sub-indicator scores the share of its items passed (however many
items the year gives it); an indicator the mean of its sub-indicators. An instrument scores the
weighted mean of its indicators (equal weights in the data give the plain mean, so OIT =
mean(indicator 9, indicator 10)). The total is the sum of the instrument scores times their
weights, for whatever instruments the year lists (IIT 30, EIT 30, OIT 40 to 2568; a year may split
EIT into EIT(1) and EIT(2)). A rating band's per-instrument minimum applies to each instrument the
year lists. Scores are kept exact and rounded to two decimals, half up, only for display, as the
published results are.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from ita.models import RatingBand

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def rounded(score: Decimal) -> Decimal:
    """Two decimals, half up: 38.305 → 38.31."""
    return score.quantize(CENT, rounding=ROUND_HALF_UP)


def share_passed(passed: int, total: int) -> Decimal:
    """A sub-indicator's score: the percentage of its items that passed."""
    if total <= 0:
        raise ValueError("A sub-indicator needs at least one item.")
    return HUNDRED * passed / total


def mean(scores: Iterable[Decimal]) -> Decimal:
    scores = list(scores)
    if not scores:
        raise ValueError("Nothing to average.")
    return sum(scores, Decimal(0)) / len(scores)


def indicator_from_items(sub_indicators: Iterable[tuple[int, int]]) -> Decimal:
    """An item-based (OIT) indicator's score from (items passed, items) of each of its sub-indicators."""
    return mean(share_passed(passed, total) for passed, total in sub_indicators)


def weighted_mean(scores: Mapping[object, Decimal], weights: Mapping[object, Decimal]) -> Decimal:
    total_weight = sum((weights[key] for key in scores), Decimal(0))
    if total_weight <= 0:
        raise ValueError("The weights must add up to more than zero.")
    return sum((scores[key] * weights[key] for key in scores), Decimal(0)) / total_weight


def instrument_scores(
    indicator_scores: Mapping[int, Decimal], indicators: Iterable[tuple[int, str, Decimal]]
) -> dict[str, Decimal]:
    """Each instrument's score, from indicator scores by number and the year's (number, instrument
    code, weight) of every indicator."""
    scores: dict[str, dict[int, Decimal]] = {}
    weights: dict[str, dict[int, Decimal]] = {}
    for number, code, weight in indicators:
        scores.setdefault(code, {})[number] = indicator_scores[number]
        weights.setdefault(code, {})[number] = weight
    return {code: weighted_mean(scores[code], weights[code]) for code in scores}


def total_score(instrument_scores: Mapping[str, Decimal], instrument_weights: Mapping[str, Decimal]) -> Decimal:
    """The overall score out of 100: each instrument's score times its weight in percent."""
    return sum(
        (instrument_scores[code] * instrument_weights[code] / HUNDRED for code in instrument_weights), Decimal(0)
    )


def rating_for(bands: Iterable[RatingBand], total: Decimal, instrument_scores: Mapping[str, Decimal]) -> RatingBand:
    """The first band, in the year's order, whose total and per-instrument minimums are met."""
    total = rounded(total)
    lowest = min(rounded(score) for score in instrument_scores.values())
    for band in bands:
        if total >= band.min_total and (band.min_each_instrument is None or lowest >= band.min_each_instrument):
            return band
    raise ValueError("The framework's rating bands do not cover this score.")


def score_needed(
    band: RatingBand, weights: Mapping[str, Decimal], known: Mapping[str, Decimal], missing: str
) -> Decimal:
    """The lowest score of the `missing` instrument that reaches `band`, given the others' scores.

    Rounded up to two decimals; above 100 means the band is out of reach with those scores.
    """
    points = sum((known[code] * weights[code] / HUNDRED for code in known), Decimal(0))
    needed = (band.min_total - points) * HUNDRED / weights[missing]
    if band.min_each_instrument is not None:
        needed = max(needed, band.min_each_instrument)
    return max(needed, Decimal(0)).quantize(CENT, rounding=ROUND_CEILING)
