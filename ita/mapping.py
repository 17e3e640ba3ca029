"""Which items of one year continue which items of an earlier year, across renumbering and
skipped years.

Each year maps its items to the year before's (`ItemDefinition.previous_codes`); following that
chain year by year pairs FY 2569's items with FY 2566's even though their codes changed twice.
Between two loaded years that are not consecutive (a year in between was never loaded) the items
are paired as the comparison pairs them, by name. Nothing is paired by its code alone: codes
change meaning between years.
"""

from dataclasses import dataclass, field
from itertools import pairwise

from ita.compare import item_changes
from ita.models import Framework, ItemDefinition


@dataclass
class Link:
    """A new item and the earlier year's items it continues (none: the item is new)."""

    new: ItemDefinition
    old: list[ItemDefinition] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if not self.old:
            return "added"
        return "merged" if len(self.old) > 1 else "continued"


@dataclass
class Lineage:
    old: Framework
    new: Framework
    links: list[Link]
    gone: list[ItemDefinition]  # the earlier year's items that nothing continues
    years: list[int]  # the years walked through, oldest first
    by_name: list[tuple[int, int]] = field(default_factory=list)  # steps paired by name: no mapping

    @property
    def continued(self) -> list[Link]:
        return [link for link in self.links if link.old]

    @property
    def added(self) -> list[Link]:
        return [link for link in self.links if not link.old]

    def successors(self) -> dict[int, list[ItemDefinition]]:
        """The new items that continue each old item, by the old item's id (several: it was split)."""
        found: dict[int, list[ItemDefinition]] = {}
        for link in self.links:
            for old in link.old:
                found.setdefault(old.pk, []).append(link.new)
        return found


def _items(framework: Framework) -> list[ItemDefinition]:
    return list(framework.items.select_related("sub_indicator").order_by("number"))


def item_lineage(old: Framework, new: Framework) -> Lineage:
    """Pair `new`'s items with `old`'s through every year loaded between them."""
    chain = list(Framework.objects.filter(fiscal_year__gte=old.fiscal_year, fiscal_year__lte=new.fiscal_year))
    chain.sort(key=lambda framework: framework.fiscal_year)
    old_items = _items(old)
    # For the year reached so far: each of its item codes -> the old year's codes it continues.
    reach = {item.code: {item.code} for item in old_items}
    by_name = []
    previous_items = old_items
    for before, after in pairwise(chain):
        after_items = _items(after)
        consecutive = after.fiscal_year == before.fiscal_year + 1
        if not consecutive:
            by_name.append((before.fiscal_year, after.fiscal_year))
        step: dict[str, set[str]] = {}
        for change in item_changes(previous_items, after_items, mapped=consecutive):
            if change.new is None or change.old is None:
                continue
            for predecessor in [change.old, *change.merged]:
                step.setdefault(change.new.code, set()).update(reach.get(predecessor.code, set()))
        reach = step
        previous_items = after_items
    old_by_code = {item.code: item for item in old_items}
    new_items = previous_items if chain and chain[-1].pk == new.pk else _items(new)
    links = [
        Link(new=item, old=sorted((old_by_code[c] for c in reach.get(item.code, ())), key=lambda i: i.number))
        for item in new_items
    ]
    continued = {old_item.pk for link in links for old_item in link.old}
    return Lineage(
        old=old,
        new=new,
        links=links,
        gone=[item for item in old_items if item.pk not in continued],
        years=[framework.fiscal_year for framework in chain],
        by_name=by_name,
    )
