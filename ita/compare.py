"""What changed between two years' frameworks: the page an office reads before planning, and the
page a framework editor checks a draft against last year with.

Either side is a published `Framework` or a draft's spec (`Snapshot.of`); items are paired by the
year's mapping to last year's codes where it gives one, else by name, never by code alone.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ita.models import Framework, Indicator, Instrument, ItemDefinition, RatingBand, RespondentRule, SubIndicator

_NOISE = re.compile(r"[\s()（）]+")


def _same_name_key(name: str) -> str:
    """Names that differ only in spacing or brackets, e.g. “…การทุจริต(และประพฤติมิชอบ)” and
    “…การทุจริตและประพฤติมิชอบ”, are the same item."""
    return _NOISE.sub("", name)


SIMILAR_ENOUGH = 0.75  # names this alike are one item reworded (or two merged), not a new one
KINDS = ["same", "moved", "renamed", "merged", "split", "added", "removed"]


def similarity(a: str, b: str) -> float:
    """How alike two item names are, 0–1, ignoring spacing and brackets."""
    return SequenceMatcher(None, _same_name_key(a), _same_name_key(b)).ratio()


@dataclass
class Snapshot:
    """What the comparison reads of a year, from the catalogue or from a draft."""

    fiscal_year: int
    rating_scheme: str
    instruments: list
    indicators: list
    rating_bands: list
    respondent_rules: list  # (instrument code, rule)
    items: list

    def get_rating_scheme_display(self) -> str:
        choices = dict(Framework.RatingScheme.choices)
        return str(choices.get(self.rating_scheme, self.rating_scheme or ""))

    @classmethod
    def of(cls, source) -> "Snapshot":
        if isinstance(source, Snapshot):
            return source
        if isinstance(source, Framework):
            return cls(
                fiscal_year=source.fiscal_year,
                rating_scheme=source.rating_scheme,
                instruments=list(source.instruments.all()),
                indicators=list(source.indicators.all()),
                rating_bands=list(source.rating_bands.all()),
                respondent_rules=[(r.instrument.code, r) for r in source.respondent_rules.select_related("instrument")],
                items=list(source.items.select_related("sub_indicator").order_by("number")),
            )
        return cls.from_spec(source)

    @classmethod
    def from_spec(cls, spec) -> "Snapshot":
        """Unsaved catalogue rows of a draft's spec (its values may be None where it has problems)."""

        def rows(part: str) -> list:
            return [row.values for row in spec.rows[part]]

        items = []
        for values in rows("items"):
            item = ItemDefinition(
                code=values.get("code") or "",
                name_th=values.get("name_th") or "",
                name_en=values.get("name_en") or "",
                previous_codes=values.get("previous_codes") or [],
            )
            item.sub_indicator = SubIndicator(code=values.get("sub_indicator") or "")
            items.append(item)
        return cls(
            fiscal_year=spec.header.values.get("fiscal_year"),
            rating_scheme=spec.header.values.get("rating_scheme") or "",
            instruments=[Instrument(code=v.get("code") or "", weight=v.get("weight")) for v in rows("instruments")],
            indicators=[Indicator(number=v.get("number"), name_th=v.get("name_th") or "") for v in rows("indicators")],
            rating_bands=[
                RatingBand(
                    code=v.get("code") or "",
                    min_total=v.get("min_total"),
                    min_each_instrument=v.get("min_each_instrument"),
                    passing=bool(v.get("passing")),
                )
                for v in rows("rating_bands")
            ],
            respondent_rules=[
                (
                    v.get("instrument"),
                    RespondentRule(
                        min_count=v.get("min_count"), percent=v.get("percent"), max_count=v.get("max_count")
                    ),
                )
                for v in rows("respondent_rules")
            ],
            items=[item for item in items if item.code],
        )


@dataclass
class ItemChange:
    kind: str  # same | moved (new code or place) | renamed | merged | split | added | removed
    old: ItemDefinition | None
    new: ItemDefinition | None
    code_was: ItemDefinition | None = None  # the other item that had this code in the old year
    merged: list[ItemDefinition] = field(default_factory=list)  # more old items the new one takes in
    mapped: bool = False  # paired by the year's item mapping (previous_codes), not by name


@dataclass
class FrameworkDiff:
    old: Snapshot
    new: Snapshot
    weights: list[tuple[str, object, object]] = field(default_factory=list)
    indicators: list[tuple[int, str, str]] = field(default_factory=list)
    rating_changed: bool = False
    respondent_rules: list[tuple[str, str, str]] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)

    @property
    def item_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for change in self.items:
            counts[change.kind] += 1
        return counts


def framework_diff(old, new) -> FrameworkDiff:
    """What changed from `old` to `new`: each a Framework, a draft's spec or a Snapshot."""
    old, new = Snapshot.of(old), Snapshot.of(new)
    diff = FrameworkDiff(old=old, new=new)
    old_weights = {i.code: i.weight for i in old.instruments}
    for instrument in new.instruments:
        before = old_weights.pop(instrument.code, None)
        if before != instrument.weight:
            diff.weights.append((instrument.code, before, instrument.weight))
    diff.weights += [(code, weight, None) for code, weight in old_weights.items()]

    old_indicators = {i.number: i.name_th for i in old.indicators}
    for indicator in new.indicators:
        if old_indicators.get(indicator.number) != indicator.name_th:
            diff.indicators.append((indicator.number, old_indicators.get(indicator.number, ""), indicator.name_th))

    def bands(snapshot):
        return [(b.code, b.min_total, b.min_each_instrument, b.passing) for b in snapshot.rating_bands]

    diff.rating_changed = old.rating_scheme != new.rating_scheme or bands(old) != bands(new)

    def rule_text(rule):
        percent = format(rule.percent.normalize(), "f") if rule.percent is not None else "-"
        return f"{rule.min_count} / {percent}% / {rule.max_count or '-'}"

    old_rules = {code: rule_text(rule) for code, rule in old.respondent_rules}
    for code, rule in new.respondent_rules:
        if old_rules.get(code) != rule_text(rule):
            diff.respondent_rules.append((code, old_rules.get(code, ""), rule_text(rule)))

    # The item mapping names last year's codes, so it pairs items only between consecutive years.
    diff.items = item_changes(old.items, new.items, mapped=new.fiscal_year == old.fiscal_year + 1)
    return diff


def _same_place(old: ItemDefinition, new: ItemDefinition) -> bool:
    return old.code == new.code and old.sub_indicator.code == new.sub_indicator.code


def item_changes(
    old_items: list[ItemDefinition], new_items: list[ItemDefinition], *, mapped: bool = False
) -> list[ItemChange]:
    """Pair the years' items by the year's mapping to last year's codes where it gives one, else by
    name, never by code alone: codes are reused for other items.

    A new item that takes in several old ones is "merged"; an old item continued by several new
    ones is "split" (each of them says so); a reworded one is "renamed"."""
    old_by_code = {i.code: i for i in old_items}
    changes, unmatched_old = [], {i.code: i for i in old_items}
    unmapped = []
    for item in new_items:
        predecessors = [old_by_code[code] for code in item.previous_codes if code in old_by_code] if mapped else []
        if not predecessors:
            unmapped.append(item)
            changes.append(None)  # filled in below, in the new year's order
            continue
        first, *others = predecessors
        for old in predecessors:
            unmatched_old.pop(old.code, None)
        reworded = _same_name_key(first.name_th) != _same_name_key(item.name_th)
        if others:
            kind = "merged"
        elif reworded:
            kind = "renamed"
        else:
            kind = "same" if _same_place(first, item) else "moved"
        changes.append(ItemChange(kind, first, item, merged=others, mapped=True))
    old_by_name = {_same_name_key(i.name_th): i for i in unmatched_old.values()}
    by_name = []
    for item in unmapped:
        namesake = old_by_name.get(_same_name_key(item.name_th))
        if namesake is None or namesake.code not in unmatched_old:
            by_name.append(ItemChange("added", None, item))
            continue
        unmatched_old.pop(namesake.code)
        by_name.append(ItemChange("same" if _same_place(namesake, item) else "moved", namesake, item))
    for change in by_name:
        if change.kind != "added" or not unmatched_old:
            continue
        ratios = {old.code: similarity(change.new.name_th, old.name_th) for old in unmatched_old.values()}
        best = max(ratios, key=ratios.get)
        if ratios[best] >= SIMILAR_ENOUGH:
            change.kind, change.old = "renamed", unmatched_old.pop(best)
    filled = iter(by_name)
    changes = [change or next(filled) for change in changes]
    continued: dict[str, int] = {}
    for change in changes:
        for old in [change.old, *change.merged] if change.old else []:
            continued[old.code] = continued.get(old.code, 0) + 1
    for change in changes:
        if change.old and change.kind != "merged" and continued[change.old.code] > 1:
            change.kind = "split"
    changes += [ItemChange("removed", item, None) for item in unmatched_old.values()]
    old_by_code = {i.code: i for i in old_items}
    for change in changes:
        was = old_by_code.get(change.new.code) if change.new else None
        if was is not None and was != change.old and was not in change.merged:
            change.code_was = was
    return changes


@dataclass
class RevisionItems:
    """The items one revision of a year added to it and withdrew from it."""

    added: list = field(default_factory=list)  # ItemDefinition, or the code of one since deleted
    withdrawn: list = field(default_factory=list)


def revision_items(framework: Framework, revisions) -> dict[int, RevisionItems]:
    """By revision number, the items each correction (revision 2 on) added and withdrew, read from
    its change lines; withdrawn items are still in the catalogue, so their names show."""
    definitions = {item.code: item for item in ItemDefinition.all_objects.filter(framework=framework)}
    found = {}
    for revision in revisions:
        if revision.number < 2:
            continue  # the first revision lists every row it created
        items = RevisionItems()
        for line in revision.changes or []:
            sign, _space, rest = line.partition(" ")
            what, _space, code = rest.partition(" ")
            if what == "itemdefinition" and sign in ("+", "-"):
                (items.added if sign == "+" else items.withdrawn).append(definitions.get(code, code))
        if items.added or items.withdrawn:
            found[revision.number] = items
    return found
