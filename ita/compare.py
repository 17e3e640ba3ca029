"""What changed between two years' frameworks: the page an office reads before planning."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ita.models import Framework, ItemDefinition

_NOISE = re.compile(r"[\s()（）]+")


def _same_name_key(name: str) -> str:
    """Names that differ only in spacing or brackets, e.g. “…การทุจริต(และประพฤติมิชอบ)” and
    “…การทุจริตและประพฤติมิชอบ”, are the same item."""
    return _NOISE.sub("", name)


SIMILAR_ENOUGH = 0.75  # names this alike are one item reworded (or two merged), not a new one


@dataclass
class ItemChange:
    kind: str  # same | moved (new code or place) | changed (reworded or merged) | added | removed
    old: ItemDefinition | None
    new: ItemDefinition | None
    code_was: ItemDefinition | None = None  # the other item that had this code in the old year
    merged: list[ItemDefinition] = field(default_factory=list)  # more old items the new one takes in
    mapped: bool = False  # paired by the year's item mapping (previous_codes), not by name


@dataclass
class FrameworkDiff:
    old: Framework
    new: Framework
    weights: list[tuple[str, object, object]] = field(default_factory=list)
    indicators: list[tuple[int, str, str]] = field(default_factory=list)
    rating_changed: bool = False
    respondent_rules: list[tuple[str, str, str]] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)

    @property
    def item_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(["same", "moved", "changed", "added", "removed"], 0)
        for change in self.items:
            counts[change.kind] += 1
        return counts


def _items(framework: Framework) -> list[ItemDefinition]:
    return list(framework.items.select_related("sub_indicator").order_by("number"))


def framework_diff(old: Framework, new: Framework) -> FrameworkDiff:
    diff = FrameworkDiff(old=old, new=new)
    old_weights = {i.code: i.weight for i in old.instruments.all()}
    for instrument in new.instruments.all():
        before = old_weights.pop(instrument.code, None)
        if before != instrument.weight:
            diff.weights.append((instrument.code, before, instrument.weight))
    diff.weights += [(code, weight, None) for code, weight in old_weights.items()]

    old_indicators = {i.number: i.name_th for i in old.indicators.all()}
    for indicator in new.indicators.all():
        if old_indicators.get(indicator.number) != indicator.name_th:
            diff.indicators.append((indicator.number, old_indicators.get(indicator.number, ""), indicator.name_th))

    def bands(framework):
        return [(b.code, b.min_total, b.min_each_instrument, b.passing) for b in framework.rating_bands.all()]

    diff.rating_changed = old.rating_scheme != new.rating_scheme or bands(old) != bands(new)

    def rule_text(rule):
        return f"{rule.min_count} / {rule.percent or '-'}% / {rule.max_count or '-'}"

    old_rules = {r.instrument.code: rule_text(r) for r in old.respondent_rules.select_related("instrument")}
    for rule in new.respondent_rules.select_related("instrument"):
        if old_rules.get(rule.instrument.code) != rule_text(rule):
            diff.respondent_rules.append(
                (rule.instrument.code, old_rules.get(rule.instrument.code, ""), rule_text(rule))
            )

    # The item mapping names last year's codes, so it pairs items only between consecutive years.
    diff.items = _item_changes(_items(old), _items(new), mapped=new.fiscal_year == old.fiscal_year + 1)
    return diff


def _same_place(old: ItemDefinition, new: ItemDefinition) -> bool:
    return old.code == new.code and old.sub_indicator.code == new.sub_indicator.code


def _item_changes(
    old_items: list[ItemDefinition], new_items: list[ItemDefinition], *, mapped: bool = False
) -> list[ItemChange]:
    """Pair the years' items by the year's mapping to last year's codes where it gives one, else by
    name, never by code alone: codes are reused for other items."""
    old_by_code = {i.code: i for i in old_items}
    changes, unmatched_old = [], {i.pk: i for i in old_items}
    unmapped = []
    for item in new_items:
        predecessors = [old_by_code[code] for code in item.previous_codes if code in old_by_code] if mapped else []
        if not predecessors:
            unmapped.append(item)
            changes.append(None)  # filled in below, in the new year's order
            continue
        first, *others = predecessors
        for old in predecessors:
            unmatched_old.pop(old.pk, None)
        reworded = _same_name_key(first.name_th) != _same_name_key(item.name_th)
        kind = "changed" if reworded or others else ("same" if _same_place(first, item) else "moved")
        changes.append(ItemChange(kind, first, item, merged=others, mapped=True))
    old_by_name = {_same_name_key(i.name_th): i for i in unmatched_old.values()}
    by_name = []
    for item in unmapped:
        namesake = old_by_name.get(_same_name_key(item.name_th))
        if namesake is None or namesake.pk not in unmatched_old:
            by_name.append(ItemChange("added", None, item))
            continue
        unmatched_old.pop(namesake.pk)
        by_name.append(ItemChange("same" if _same_place(namesake, item) else "moved", namesake, item))
    for change in by_name:
        if change.kind != "added" or not unmatched_old:
            continue
        key = _same_name_key(change.new.name_th)
        ratios = {
            old.pk: SequenceMatcher(None, key, _same_name_key(old.name_th)).ratio() for old in unmatched_old.values()
        }
        best = unmatched_old[max(ratios, key=ratios.get)]
        if ratios[best.pk] >= SIMILAR_ENOUGH:
            change.kind, change.old = "changed", unmatched_old.pop(best.pk)
    filled = iter(by_name)
    changes = [change or next(filled) for change in changes]
    changes += [ItemChange("removed", item, None) for item in unmatched_old.values()]
    old_by_code = {i.code: i for i in old_items}
    for change in changes:
        was = old_by_code.get(change.new.code) if change.new else None
        if was is not None and was != change.old and was not in change.merged:
            change.code_was = was
    return changes
