"""A framework draft's rows, and the edits the framework editor makes to them.

A draft holds its framework as the workbook does: the framework's own values and one list of rows
per part (`ita.framework_schema`), each row a mapping of field names to JSON values (numbers as
text, dates as ISO text), a nested row naming its parent by key. Reading a draft goes through the
same `read_row` and `check` as a file, so the editor shows the problems a load would report, each
with the part and row it belongs to. Nothing here touches the database.

Items are numbered by their place: O1 is the first item of the first sub-indicator, and adding,
removing or moving an item or a sub-indicator numbers them again (a requirement follows its item).
A correction of a framework in use is different: offices' items, links and the national system
know each item by its code, so the edits take `reserved`, every code the year has given, and keep
them: a removed item's code is not given again, and a new item takes the next free number.
"""

import copy
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from ita import catalogue
from ita.framework_schema import FRAMEWORK, LISTS, PARTS_BY_NAME, REF, Part, children

# The parts the editor lists as pages; requirements are edited with their item.
EDITED_PARTS = ("instruments", "indicators", "sub_indicators", "items", "rating_bands", "respondent_rules", "calendar")
# Offices' items and scores hang on these rows: a correction of a framework in use keeps them.
STRUCTURAL_PARTS = ("instruments", "indicators", "sub_indicators", "items")
ORDERED_PARTS = ("instruments", "sub_indicators", "items", "rating_bands", "calendar")
COPY_NOTE = "Copied from the FY %(source)s framework with its dates moved to FY %(year)s; not yet confirmed."


class DraftError(Exception):
    """An edit that would leave the draft inconsistent; nothing was changed."""


# --- JSON values -------------------------------------------------------------------------------


def _json(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def data_from_spec(spec: catalogue.FrameworkSpec) -> dict:
    """A checked spec (a file, a workbook, the catalogue) as a draft's content."""
    data = {FRAMEWORK.name: {f.name: _json(spec.header.values.get(f.name)) for f in FRAMEWORK.fields}}
    for part in LISTS:
        data[part.name] = [{f.name: _json(row.values.get(f.name)) for f in part.fields} for row in spec.rows[part.name]]
    return data


# --- Where a problem is ------------------------------------------------------------------------


@dataclass
class EditorPlace:
    """A row of a draft: its part, its index in the part's list and its key (“O12”)."""

    part: str
    index: int | None = None
    label: str = ""

    def at(self, key: str | None = None) -> str:
        where = part_labels().get(self.part, self.part)
        if self.label:
            where = f"{where} {self.label}"
        return f"{where} · {key}" if key else where


@dataclass
class Problem:
    part: str
    index: int | None
    field: str | None
    text: str


class EditorProblems(catalogue.Problems):
    """Problems as text (as a file's are) and, for the editor, by the part and row they are in."""

    def __init__(self):
        super().__init__()
        self.entries: list[Problem] = []

    def add(self, place, key, message) -> None:
        super().add(place, key, message)
        if isinstance(place, EditorPlace):
            self.entries.append(Problem(place.part, place.index, key, message))
        else:
            self.entries.append(Problem("", None, key, message))

    def of(self, part: str, index: int | None = None) -> list[Problem]:
        return [p for p in self.entries if p.part == part and (index is None or p.index == index)]


def part_labels() -> dict[str, str]:
    return {
        "framework": _("Framework"),
        "instruments": _("Instruments"),
        "indicators": _("Indicators"),
        "sub_indicators": _("Sub-indicators"),
        "items": _("OIT items"),
        "requirements": _("Required contents"),
        "rating_bands": _("Rating bands"),
        "respondent_rules": _("Respondent rules"),
        "calendar": _("Calendar"),
    }


def row_label(part: Part, row: dict, index: int) -> str:
    if part.name == "requirements":
        return f"{row.get('item') or '?'}"
    key = row.get(part.key)
    return str(key) if key not in (None, "") else f"#{index + 1}"


def read(data: dict, reserved: frozenset | None = None) -> tuple[catalogue.FrameworkSpec, EditorProblems]:
    """The draft as a spec, with every problem a load would report (the spec may hold Nones); in
    a correction of a framework in use, the codes of `reserved` it leaves out may leave gaps."""
    problems = EditorProblems()
    header = catalogue.read_row(
        FRAMEWORK, data.get(FRAMEWORK.name) or {}, EditorPlace(FRAMEWORK.name), problems, lenient=True
    )
    rows = {}
    for part in LISTS:
        rows[part.name] = [
            catalogue.read_row(part, raw, EditorPlace(part.name, n, row_label(part, raw, n)), problems, lenient=True)
            for n, raw in enumerate(data.get(part.name) or [])
        ]
    codes = {row.get("code") for row in data.get("items") or []}
    spec = catalogue.FrameworkSpec(
        header=header,
        rows=rows,
        places={part.name: EditorPlace(part.name) for part in LISTS},
        retired=frozenset(reserved or ()) - codes,
    )
    catalogue.check(spec, problems)
    return spec, problems


# --- Starting a draft --------------------------------------------------------------------------


def _moved(day: str | None, years: int) -> str | None:
    if not day:
        return day
    date = dt.date.fromisoformat(day)
    try:
        return date.replace(year=date.year + years).isoformat()
    except ValueError:  # 29 February in a year without one
        return date.replace(year=date.year + years, day=28).isoformat()


_OLD_COPY_NOTE = re.compile(r"^Copied from the FY \d+ framework with its dates moved to FY \d+; not yet confirmed\.\s*")


def _with_copy_note(note: str, existing: str | None) -> str:
    """The copy's note before what the row said, without the note of an earlier copy."""
    return f"{note} {_OLD_COPY_NOTE.sub('', existing or '')}".strip()[:2000]


def _flag(row: dict, note: str) -> None:
    row["unconfirmed"] = True
    row["note"] = _with_copy_note(note, row.get("note"))


def for_year(data: dict, fiscal_year: int, *, flag_unconfirmed: bool) -> dict:
    """A copy of a year's draft content as the start of another year's: the year, its names and
    its calendar moved, every item continuing the item it was copied from, and (if asked) every
    fact flagged unconfirmed with a note saying where it came from."""
    data = copy.deepcopy(data)
    header = data[FRAMEWORK.name]
    source = header.get("fiscal_year")
    years = fiscal_year - source if source else 0
    header["fiscal_year"] = fiscal_year
    for key in ("name_th", "name_en"):
        if header.get(key) and source:
            header[key] = header[key].replace(str(source), str(fiscal_year))
    for row in data.get("calendar", []):
        row["start"], row["end"] = _moved(row.get("start"), years), _moved(row.get("end"), years)
    if source != fiscal_year:
        for row in data.get("items", []):
            row["previous_codes"] = [row["code"]] if row.get("code") else []
    if flag_unconfirmed and source:
        note = COPY_NOTE % {"source": source, "year": fiscal_year}
        header["assessor_unconfirmed"] = True
        header["assessor_note"] = _with_copy_note(note, header.get("assessor_note"))
        for part in LISTS:
            if any(f.name == "unconfirmed" for f in part.fields):
                for row in data.get(part.name, []):
                    _flag(row, note)
    return data


def empty(fiscal_year: int) -> dict:
    """A draft with nothing but its year and name."""
    data = {part.name: [] for part in LISTS}
    data[FRAMEWORK.name] = {f.name: None for f in FRAMEWORK.fields} | {
        "fiscal_year": fiscal_year,
        "name_th": f"กรอบการประเมิน ITA ปีงบประมาณ พ.ศ. {fiscal_year}",
        "name_en": f"ITA framework, fiscal year {fiscal_year}",
        "rating_scheme": "level",
    }
    return data


# --- Edits ---------------------------------------------------------------------------------------


def part_of(name: str) -> Part:
    if name not in EDITED_PARTS:
        raise KeyError(name)
    return PARTS_BY_NAME[name]


def _row(data: dict, part: Part, index: int) -> dict:
    rows = data.get(part.name) or []
    if not 0 <= index < len(rows):
        raise DraftError(_("That row is no longer in the draft."))
    return rows[index]


def _referrers(part: Part) -> list[tuple[Part, str]]:
    """(part, field) of every reference to `part`'s rows."""
    return [(other, f.name) for other in LISTS for f in other.fields if f.kind == REF and f.ref == part.name]


def set_header(data: dict, values: dict) -> dict:
    data = copy.deepcopy(data)
    data[FRAMEWORK.name].update({name: _json(value) for name, value in values.items()})
    return data


def set_row(data: dict, part_name: str, index: int, values: dict, *, reserved=None) -> tuple[dict, object]:
    """The draft with a row changed, and the row's key after the change (an item's code follows
    its place); a changed key is changed in the rows that name it."""
    part = PARTS_BY_NAME[part_name]
    data = copy.deepcopy(data)
    row = _row(data, part, index)
    old_key = row.get(part.key)
    row.update({name: _json(value) for name, value in values.items()})
    new_key = row.get(part.key)
    if part.key != part.position and old_key not in (None, "") and new_key != old_key:
        for other, name in _referrers(part):
            for referrer in data.get(other.name, []):
                if referrer.get(name) == old_key:
                    referrer[name] = new_key
    if part.name in ("items", "sub_indicators"):
        renumber_items(data, reserved=reserved)
    return data, row.get(part.key)


def add_row(data: dict, part_name: str, values: dict, *, reserved=None) -> tuple[dict, object]:
    """The draft with a row added after its siblings, and the new row's key (an item's code is
    given by its place)."""
    part = PARTS_BY_NAME[part_name]
    data = copy.deepcopy(data)
    rows = data.setdefault(part.name, [])
    row = {f.name: None for f in part.fields} | {name: _json(value) for name, value in values.items()}
    rows.insert(_end_of_siblings(rows, part, row), row)
    if part.name in ("items", "sub_indicators"):
        renumber_items(data, reserved=reserved)
    return data, row.get(part.key)


def _end_of_siblings(rows: list[dict], part: Part, row: dict) -> int:
    """Where a new row goes: after the last row with the same parent (or at the end)."""
    if not part.parent:
        return len(rows)
    parent = part.parent_field.name
    places = [n for n, other in enumerate(rows) if other.get(parent) == row.get(parent)]
    return places[-1] + 1 if places else len(rows)


def remove_row(data: dict, part_name: str, index: int, *, reserved=None) -> dict:
    """The draft without a row and the rows nested in it (an item's required contents, a
    sub-indicator's items); a row that others name is refused."""
    part = PARTS_BY_NAME[part_name]
    data = copy.deepcopy(data)
    row = _row(data, part, index)
    key = row.get(part.key)
    nested = {child.name for child in children(part)}
    for other, name in _referrers(part):
        if other.name in nested:
            continue
        users = [r for r in data.get(other.name, []) if r.get(name) == key and key not in (None, "")]
        if users:
            raise DraftError(
                _("%(key)s is still named by %(count)d rows of %(part)s: change or remove them first.")
                % {"key": key, "count": len(users), "part": part_labels()[other.name]}
            )
    del data[part.name][index]
    _remove_children(data, part, key)
    if part.name in ("items", "sub_indicators", "indicators"):
        renumber_items(data, reserved=reserved)
    return data


def _remove_children(data: dict, part: Part, key) -> None:
    for child in children(part):
        parent = child.parent_field.name
        kept, gone = [], []
        for row in data.get(child.name, []):
            (gone if row.get(parent) == key else kept).append(row)
        data[child.name] = kept
        for row in gone:
            _remove_children(data, child, row.get(child.key))


def move_row(data: dict, part_name: str, index: int, step: int) -> dict:
    """The draft with a row swapped with its previous (step -1) or next (step 1) sibling."""
    part = PARTS_BY_NAME[part_name]
    data = copy.deepcopy(data)
    rows = data[part.name]
    row = _row(data, part, index)
    parent = part.parent_field.name if part.parent else None
    siblings = [n for n, other in enumerate(rows) if parent is None or other.get(parent) == row.get(parent)]
    place = siblings.index(index)
    if not 0 <= place + step < len(siblings):
        return data
    other = siblings[place + step]
    rows[index], rows[other] = rows[other], rows[index]
    if part.name in ("items", "sub_indicators"):
        renumber_items(data)
    return data


def _number(code) -> int:
    match = catalogue.ITEM_CODE.match(code or "")
    return int(match.group(1)) if match else 0


def renumber_items(data: dict, *, reserved=None) -> None:
    """Number the items O1…On in the order of their sub-indicators and their own, in place, and
    keep each required content with its item. With `reserved` (a correction of a framework in
    use) items keep their codes, a new one takes the next free number, and they are ordered by
    sub-indicator and code."""
    subs = data.get("sub_indicators", [])
    indicator_numbers = {row.get("number"): n for n, row in enumerate(data.get("indicators", []))}
    sub_place = {
        row.get("code"): (indicator_numbers.get(row.get("indicator"), len(indicator_numbers)), n)
        for n, row in enumerate(subs)
    }
    items = data.get("items", [])
    if reserved is not None:
        taken = {_number(code) for code in reserved} | {_number(row.get("code")) for row in items}
        following = max(taken, default=0) + 1
        for row in items:
            if not _number(row.get("code")):
                row["code"] = f"O{following}"
                following += 1
    order = sorted(
        range(len(items)),
        key=lambda n: (
            sub_place.get(items[n].get("sub_indicator"), (len(indicator_numbers) + 1, 0)),
            _number(items[n].get("code")) if reserved is not None else n,
        ),
    )
    items[:] = [items[n] for n in order]
    if reserved is not None:
        _sort_requirements(data)
        return
    renamed = {}
    for number, row in enumerate(items, start=1):
        code = f"O{number}"
        if row.get("code") != code:
            renamed[id(row)] = (row.get("code"), code)
            row["code"] = code
    if not renamed:
        return
    by_old = {old: new for old, new in renamed.values() if old}
    for row in data.get("requirements", []):
        if row.get("item") in by_old:
            row["item"] = by_old[row["item"]]
    _sort_requirements(data)


def _sort_requirements(data: dict) -> None:
    """Required contents are listed by item, in order."""
    items = data.get("items", [])
    item_place = {row.get("code"): n for n, row in enumerate(items)}
    data.get("requirements", []).sort(key=lambda row: item_place.get(row.get("item"), len(items)))


def requirements_of(data: dict, code: str) -> list[dict]:
    return [row for row in data.get("requirements", []) if row.get("item") == code]


def set_requirements(data: dict, code: str, rows: list[dict]) -> dict:
    """The draft with an item's required contents replaced by `rows`, in their order."""
    data = copy.deepcopy(data)
    requirements = data.setdefault("requirements", [])
    places = [n for n, row in enumerate(requirements) if row.get("item") == code]
    at = places[0] if places else _after_item(data, code)
    kept = [row for row in requirements if row.get("item") != code]
    new = [{"item": code, **{name: _json(value) for name, value in row.items()}} for row in rows]
    at = min(at, len(kept))
    data["requirements"] = kept[:at] + new + kept[at:]
    return data


def _after_item(data: dict, code: str) -> int:
    """Where a first required content of an item goes: after those of the items before it."""
    codes = [row.get("code") for row in data.get("items", [])]
    before = set(codes[: codes.index(code)]) if code in codes else set(codes)
    return sum(1 for row in data.get("requirements", []) if row.get("item") in before)


def set_mapping(data: dict, mapping: dict[str, list[str]]) -> dict:
    """The draft with items' last-year codes set: {item code: [last year's codes]}."""
    data = copy.deepcopy(data)
    for row in data.get("items", []):
        if row.get("code") in mapping:
            row["previous_codes"] = list(mapping[row["code"]])
    return data
