"""What changed between two years' frameworks: the page an office reads before planning."""

import re
from dataclasses import dataclass, field

from ita.models import Framework, ItemDefinition

_NOISE = re.compile(r"[\s()（）]+")


def _same_name_key(name: str) -> str:
    """Names that differ only in spacing or brackets, e.g. “…การทุจริต(และประพฤติมิชอบ)” and
    “…การทุจริตและประพฤติมิชอบ”, are the same item."""
    return _NOISE.sub("", name)


@dataclass
class ItemChange:
    kind: str  # same | moved | changed (same code, another item) | added | removed
    old: ItemDefinition | None
    new: ItemDefinition | None
    counterpart: ItemDefinition | None = None  # the same-named item under another code


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
        counts = {"same": 0, "moved": 0, "changed": 0, "added": 0, "removed": 0}
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

    old_items, new_items = _items(old), _items(new)
    old_by_code = {i.code: i for i in old_items}
    old_by_name = {_same_name_key(i.name_th): i for i in old_items}
    new_by_name = {_same_name_key(i.name_th): i for i in new_items}
    for item in new_items:
        before = old_by_code.get(item.code)
        namesake = old_by_name.get(_same_name_key(item.name_th))
        if before and _same_name_key(before.name_th) == _same_name_key(item.name_th):
            kind = "same" if before.sub_indicator.code == item.sub_indicator.code else "moved"
            diff.items.append(ItemChange(kind, before, item))
        elif namesake:
            diff.items.append(ItemChange("moved", namesake, item))
        elif before:
            diff.items.append(ItemChange("changed", before, item))
        else:
            diff.items.append(ItemChange("added", None, item))
    matched_old = {c.old.pk for c in diff.items if c.old is not None and c.kind in ("same", "moved")}
    for item in old_items:
        if item.pk in matched_old:
            continue
        counterpart = new_by_name.get(_same_name_key(item.name_th))
        if counterpart is None:
            diff.items.append(ItemChange("removed", item, None))
    return diff
