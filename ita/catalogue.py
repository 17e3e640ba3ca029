"""A year's framework as read from a file, checked, and written back as YAML.

`ita.framework_schema` defines the parts and their fields; this module turns what an encoding
holds into a `FrameworkSpec` (one list of rows per part, each value already the model's type) and
checks it whole. Every problem is collected with where it is (the YAML line, or the workbook's
sheet, row and column) so that whoever fills next year's file sees all mistakes at once. Nothing
here touches the database: `ita.services` loads a checked spec, and dumps one back out.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from core.thai import fiscal_year_bounds
from ita.framework_schema import (
    BOOLEAN,
    CHOICE,
    CODES,
    CODES_MAX,
    DATE,
    DECIMAL,
    FRAMEWORK,
    INTEGER,
    LISTS,
    PARTS_BY_NAME,
    REF,
    TEXT,
    Field,
    Part,
    children,
)
from ita.models import Instrument

YAML_MAX_BYTES = 2 * 1024 * 1024  # a year's file is about 100 KB
MAX_ENTRIES = 2000  # in one list of a YAML file, as in one sheet of a workbook
PERCEPTION_KINDS = (Instrument.Kind.IIT, Instrument.Kind.EIT)
INSTRUMENT_CODE = re.compile(r"^[A-Z][A-Z0-9()._-]{0,9}$")
SUB_CODE = re.compile(r"^(\d+)\.(\d+)$")
ITEM_CODE = re.compile(r"^O([1-9]\d*)$")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
# Control characters other than tab and line breaks: no file format carries them safely.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TRUE_WORDS = {"yes", "y", "true", "1", "ใช่", "จริง"}
FALSE_WORDS = {"no", "n", "false", "0", "ไม่", "ไม่ใช่", "เท็จ"}


class FrameworkFileError(Exception):
    """A framework file that cannot be loaded; `problems` lists each one with where it is."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --- Where a value is -----------------------------------------------------------------------


@dataclass
class LinePlace:
    """A mapping of a YAML file: its label (``indicators[8].sub_indicators[0]``), its line and
    each field's label and line."""

    where: str
    line: int
    fields: dict = field(default_factory=dict)

    def at(self, key: str | None = None) -> str:
        label, line = self.fields.get(key, (f"{self.where}.{key}", self.line)) if key else (self.where, self.line)
        return _("line %(line)d: %(where)s") % {"line": line, "where": label}


@dataclass
class CellPlace:
    """A row of a workbook's sheet (or the whole sheet, without a row); columns are named by key."""

    sheet: str
    row: int | None = None

    def at(self, key: str | None = None) -> str:
        if self.row is None:
            return _("sheet %(sheet)s") % {"sheet": self.sheet}
        if key:
            return _("sheet %(sheet)s row %(row)d column %(column)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": key,
            }
        return _("sheet %(sheet)s row %(row)d") % {"sheet": self.sheet, "row": self.row}


class Problems(list):
    def add(self, place, key: str | None, message: str) -> None:
        self.append(f"{place.at(key)}: {message}" if place is not None else message)


# --- The spec --------------------------------------------------------------------------------


@dataclass(eq=False)
class Row:
    """One row of a part: its values by field name, in the model's types (a reference holds the
    key of the row it names), and where it came from."""

    part: Part
    values: dict
    place: object = None

    def __getattr__(self, name: str):
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class FrameworkSpec:
    header: Row
    rows: dict[str, list[Row]]
    places: dict[str, object] = field(default_factory=dict)  # where each part's list is
    # Codes of the year's items that a correction of a framework in use withdrew: gaps they may leave.
    retired: frozenset = frozenset()

    @property
    def fiscal_year(self) -> int:
        return self.header.values["fiscal_year"]

    def of(self, part: str) -> list[Row]:
        return self.rows[part]

    def children(self, part: str, parent: Row) -> list[Row]:
        """The rows of `part` that belong to `parent` (a sub-indicator's items, say), in order."""
        child = PARTS_BY_NAME[part]
        key = parent.values[parent.part.key]
        return [row for row in self.rows[part] if row.values.get(child.parent_field.name) == key]

    @property
    def items(self) -> list[Row]:
        return self.rows["items"]

    def __eq__(self, other) -> bool:
        """The same content, wherever it was read from."""
        if not isinstance(other, FrameworkSpec):
            return NotImplemented
        return self.header.values == other.header.values and {
            name: [row.values for row in rows] for name, rows in self.rows.items()
        } == {name: [row.values for row in rows] for name, rows in other.rows.items()}


# --- Values ------------------------------------------------------------------------------------


class InvalidValue(Exception):
    pass


def _text(raw, *, lenient: bool) -> str:
    if isinstance(raw, str):
        text = raw.strip()
    elif lenient and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # A workbook turns a typed 12 into a number; a code or a name is still text.
        text = str(int(raw)) if float(raw).is_integer() else str(raw)
    else:
        raise InvalidValue(_("must be text"))
    if CONTROL.search(text):
        raise InvalidValue(_("must not hold control characters"))
    return text


def _integer(raw, *, lenient: bool) -> int:
    if isinstance(raw, bool):
        raise InvalidValue(_("must be a whole number"))
    if isinstance(raw, int):
        return raw
    if lenient and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if lenient and isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    raise InvalidValue(_("must be a whole number"))


def _decimal(raw, model_field) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidValue(_("must be a number"))
    try:
        number = Decimal(str(raw).strip().replace(",", "")) if isinstance(raw, str) else Decimal(str(raw))
    except InvalidOperation:
        raise InvalidValue(_("must be a number")) from None
    if not number.is_finite():
        raise InvalidValue(_("must be a number"))
    if -number.as_tuple().exponent > model_field.decimal_places:
        raise InvalidValue(_("must have at most %(places)d decimal places") % {"places": model_field.decimal_places})
    return number


def _boolean(raw, *, lenient: bool) -> bool:
    if isinstance(raw, bool):
        return raw
    if lenient and isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    if lenient and isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return raw.strip().lower() in TRUE_WORDS
    raise InvalidValue(_("must be true or false (yes or no)"))


def _date(raw, *, lenient: bool) -> dt.date:
    if isinstance(raw, dt.datetime):
        if lenient and raw.time() == dt.time(0):
            return raw.date()
    elif isinstance(raw, dt.date):
        return raw
    elif lenient and isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise InvalidValue(_("must be a date written YYYY-MM-DD"))


def _codes(raw, *, lenient: bool) -> list[str]:
    if lenient and isinstance(raw, str):
        raw = [code for code in re.split(r"[\s,;]+", raw) if code]
    message = _("must list item codes such as O1, O3")
    if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
        raise InvalidValue(message)
    codes = [code.strip() for code in raw]
    if not all(ITEM_CODE.match(code) for code in codes) or len(set(codes)) != len(codes):
        raise InvalidValue(message)
    if len(codes) > CODES_MAX:
        raise InvalidValue(_("must list at most %(count)d codes") % {"count": CODES_MAX})
    return codes


def read_codes(raw) -> list[str]:
    """Item codes typed as a person types them: “O1, O3”."""
    return _codes(raw, lenient=True)


def coerce(f: Field, raw, *, lenient: bool):
    """The value a file holds for `f` in the model's type, or `InvalidValue`. None or blank: None.

    `lenient` reads what a workbook makes of typed values: numbers for codes, yes/no, dates with
    a time of day, codes separated by commas.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip() and f.kind != CODES):
        return None
    kind = f.kind
    if kind == REF:
        target = PARTS_BY_NAME[f.ref]
        return coerce(target.field(target.key), raw, lenient=lenient)
    if kind in (CHOICE, TEXT):
        text = _text(raw, lenient=lenient)
        if not text:
            return None
        if kind == CHOICE and text not in f.choices:
            raise InvalidValue(_("must be one of %(choices)s") % {"choices": ", ".join(f.choices)})
        if f.max_length and len(text) > f.max_length:
            raise InvalidValue(_("must be at most %(count)d characters") % {"count": f.max_length})
        return text
    if kind == INTEGER:
        value = _integer(raw, lenient=lenient)
    elif kind == DECIMAL:
        value = _decimal(raw, f.model_field)
    elif kind == BOOLEAN:
        return _boolean(raw, lenient=lenient)
    elif kind == DATE:
        return _date(raw, lenient=lenient)
    else:
        return _codes(raw, lenient=lenient)
    if (f.low is not None and value < f.low) or (f.high is not None and value > f.high):
        raise InvalidValue(_("must be between %(low)s and %(high)s") % {"low": f.low, "high": f.high})
    return value


def read_row(part: Part, raw: dict, place, problems: Problems, *, lenient: bool, fixed: dict | None = None) -> Row:
    """Read one row's fields from `raw` (by field name); `fixed` holds values set by the
    encoding (a YAML row's parent)."""
    values = dict(fixed or {})
    for f in part.fields:
        if f.name in values:
            continue
        key = f.yaml_key if isinstance(place, LinePlace) else f.name
        try:
            value = coerce(f, raw.get(f.name), lenient=lenient)
        except InvalidValue as exc:
            problems.add(place, key, str(exc))
            values[f.name] = None
            continue
        if value is None and f.default:
            value = f.default(values)
        if value is None:
            if f.required:
                problems.add(place, None, _("“%(key)s” is required") % {"key": key})
            else:
                value = f.empty
        values[f.name] = value
    return Row(part, values, place)


# --- Checks of the whole ---------------------------------------------------------------------


def check(spec: FrameworkSpec, problems: Problems) -> None:
    """What no single value shows: keys used twice, references to rows that do not exist, and the
    rules of each part. Values already found wrong are None here and skipped."""
    keys: dict[str, set] = {}
    for part in LISTS:
        seen = keys[part.name] = set()
        if part.key == part.position:
            continue
        for row in spec.rows[part.name]:
            value = row.values.get(part.key)
            if value is None:
                continue
            if value in seen:  # sub-indicator codes too: items name them without their indicator
                problems.add(row.place, part.key, _("%(value)s is used twice") % {"value": value})
            seen.add(value)
    for part in LISTS:
        for f in part.fields:
            if f.kind != REF:
                continue
            for row in spec.rows[part.name]:
                value = row.values.get(f.name)
                if value is not None and value not in keys[f.ref]:
                    problems.add(
                        row.place,
                        f.name,
                        _("“%(value)s” is not one of this year's %(part)s") % {"value": value, "part": f.ref},
                    )
    for rule in _RULES:
        rule(spec, problems)


def _check_instruments(spec: FrameworkSpec, problems: Problems) -> None:
    rows = spec.rows["instruments"]
    for row in rows:
        if row.code and not INSTRUMENT_CODE.match(row.code):
            problems.add(row.place, "code", _("must be a short code in capitals, such as IIT or EIT(1)"))
    weights = [row.weight for row in rows]
    if not rows:
        problems.add(spec.places.get("instruments"), None, _("at least one instrument is required"))
    elif None not in weights and sum(weights) != 100:
        problems.add(
            spec.places.get("instruments"),
            None,
            _("the weights add up to %(sum)s, not 100") % {"sum": _number(sum(weights))},
        )
    used = {row.instrument for row in spec.rows["indicators"]}
    for row in rows:
        if row.code and row.code not in used:
            problems.add(row.place, None, _("instrument %(code)s has no indicator") % {"code": row.code})


def _check_indicators(spec: FrameworkSpec, problems: Problems) -> None:
    for n, row in enumerate(spec.rows["indicators"], start=1):
        if row.number is not None and row.number != n:
            problems.add(
                row.place, "number", _("must be %(number)d: indicators are numbered in order from 1") % {"number": n}
            )


def _check_sub_indicators(spec: FrameworkSpec, problems: Problems) -> None:
    kinds = {row.code: row.kind for row in spec.rows["instruments"]}
    instrument_of = {row.number: row.instrument for row in spec.rows["indicators"]}
    for row in spec.rows["sub_indicators"]:
        match = SUB_CODE.match(row.code or "")
        if row.code and not match:
            problems.add(row.place, "code", _("must look like “9.1” (in YAML, in quotes)"))
        elif match and row.indicator is not None and int(match.group(1)) != row.indicator:
            problems.add(
                row.place,
                "code",
                _("must start with its indicator's number %(number)d") % {"number": row.indicator},
            )
        instrument = instrument_of.get(row.indicator)
        if instrument and kinds.get(instrument) not in (None, Instrument.Kind.OIT):
            problems.add(row.place, None, _("only OIT indicators have sub-indicators and items"))


def _check_items(spec: FrameworkSpec, problems: Problems) -> None:
    rows = spec.rows["items"]
    numbers = []
    last: dict = {}
    with_requirements = {row.item for row in spec.rows["requirements"]}
    for row in rows:
        match = ITEM_CODE.match(row.code or "")
        if row.code and not match:
            problems.add(row.place, "code", _("must look like “O12”"))
        if not match:
            continue
        number = int(match.group(1))
        numbers.append(number)
        if number <= last.get(row.sub_indicator, 0):
            problems.add(row.place, "code", _("%(code)s is out of order") % {"code": row.code})
        last[row.sub_indicator] = number
        if row.code not in with_requirements:
            key = "requirements" if isinstance(row.place, LinePlace) else None
            problems.add(row.place, key, _("must list at least one required content"))
    numbers += [int(code[1:]) for code in spec.retired if ITEM_CODE.match(code)]
    if numbers and sorted(numbers) != list(range(1, len(numbers) + 1)):
        problems.add(
            spec.places.get("items"),
            None,
            _("the codes must run O1…O%(count)d without gaps") % {"count": len(numbers)},
        )


def _check_rating_bands(spec: FrameworkSpec, problems: Problems) -> None:
    rows = spec.rows["rating_bands"]
    previous = None
    for row in rows:
        if row.min_total is not None and previous is not None and row.min_total > previous:
            problems.add(row.place, "min_total", _("bands must go from the highest to the lowest"))
        previous = row.min_total if row.min_total is not None else previous
    if not rows:
        problems.add(spec.places.get("rating_bands"), None, _("at least one band is required"))
    elif rows[-1].min_total not in (None, 0):
        problems.add(
            spec.places.get("rating_bands"),
            None,
            _("the last band must have min_total: 0, so that every score has a rating"),
        )


def _check_respondent_rules(spec: FrameworkSpec, problems: Problems) -> None:
    kinds = {row.code: row.kind for row in spec.rows["instruments"]}
    for row in spec.rows["respondent_rules"]:
        if kinds.get(row.instrument) is not None and kinds[row.instrument] not in PERCEPTION_KINDS:
            problems.add(row.place, "instrument", _("must be IIT or EIT: a perception instrument of this year"))
        if row.max_count is not None and row.min_count is not None and row.max_count < row.min_count:
            problems.add(row.place, "max_count", _("must not be below min_count"))


def _check_calendar(spec: FrameworkSpec, problems: Problems) -> None:
    year = spec.header.values.get("fiscal_year")
    bounds = fiscal_year_bounds(year) if year else None
    for row in spec.rows["calendar"]:
        if row.code and not SLUG.match(row.code):
            problems.add(row.place, "code", _("must be lower-case letters, digits and _"))
        if row.start and row.end:
            if row.start > row.end:
                problems.add(row.place, "end", _("must not be before start"))
            elif bounds and not (bounds[0] <= row.start and row.end <= bounds[1]):
                problems.add(
                    row.place,
                    "start",
                    _("must lie inside the fiscal year (%(start)s to %(end)s)")
                    % {"start": bounds[0].isoformat(), "end": bounds[1].isoformat()},
                )


_RULES = (
    _check_instruments,
    _check_indicators,
    _check_sub_indicators,
    _check_items,
    _check_rating_bands,
    _check_respondent_rules,
    _check_calendar,
)


def _number(value: Decimal):
    """A Decimal as a file writes it: 30, not 30.00."""
    return int(value) if value == value.to_integral_value() else float(value)


# --- YAML with line numbers ------------------------------------------------------------------


class _Mapping(dict):
    line: int = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on and each key's line.

    Aliases are refused: a framework needs none, and a few nested ones stand for millions of rows.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", self.peek_event().start_mark
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {key.value: key.start_mark.line + 1 for key, _value in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_framework_file(path: str | Path) -> FrameworkSpec:
    """Read a framework file: YAML (.yaml, .yml) or a workbook (.xlsx)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from ita.workbook import parse_workbook  # the workbook reader builds on this module

        return parse_workbook(path)
    try:
        if path.stat().st_size > YAML_MAX_BYTES:
            raise FrameworkFileError([_("the file is larger than %(size)d MB") % {"size": YAML_MAX_BYTES // 2**20}])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError([_("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc}]) from exc
    return parse_framework(text)


def parse_framework(text: str) -> FrameworkSpec:
    if len(text.encode()) > YAML_MAX_BYTES:
        raise FrameworkFileError([_("the file is larger than %(size)d MB") % {"size": YAML_MAX_BYTES // 2**20}])
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark:
            message = _("line %(line)d: not valid YAML: %(problem)s") % {"line": mark.line + 1, "problem": problem}
        else:
            message = _("not valid YAML: %(problem)s") % {"problem": problem}
        raise FrameworkFileError([message]) from exc
    problems = Problems()
    spec = _from_yaml(data, problems)
    if spec is not None:
        check(spec, problems)
    if problems:
        raise FrameworkFileError(problems)
    return spec


def _yaml_paths() -> dict:
    """The top-level mapping's keys as a tree: {"rating": {"scheme": ..., "bands": ...}, ...}."""
    tree: dict = {}
    paths = [f.yaml_key for f in FRAMEWORK.fields] + [p.yaml_path for p in LISTS if not p.parent]
    for path in paths:
        node = tree
        *heads, last = path.split(".")
        for head in heads:
            node = node.setdefault(head, {})
        node[last] = path
    return tree


def _walk(mapping, tree: dict, label: str, problems: Problems, found: dict) -> None:
    """Collect the values of the known paths (with their label and line) and report unknown keys."""
    place = LinePlace(label, getattr(mapping, "line", 1))
    for key, value in mapping.items():
        line = getattr(mapping, "key_lines", {}).get(key, place.line)
        if key not in tree:
            problems.add(place, key, _("is not a known field"))
        elif isinstance(tree[key], dict):
            if isinstance(value, dict):
                _walk(value, tree[key], f"{label}.{key}", problems, found)
            elif value is not None:
                problems.add(place, key, _("must be a mapping of fields"))
        else:
            found[tree[key]] = (value, f"{label}.{key}", line)


def _from_yaml(data, problems: Problems) -> FrameworkSpec | None:
    top = LinePlace("framework", 1)
    if not isinstance(data, dict):
        problems.add(top, None, _("must be a mapping of fields"))
        return None
    found: dict = {}
    _walk(data, _yaml_paths(), "framework", problems, found)
    header_place = LinePlace("framework", 1, {path: (label, line) for path, (_v, label, line) in found.items()})
    raw = {f.name: found.get(f.yaml_key, (None,))[0] for f in FRAMEWORK.fields}
    header = read_row(FRAMEWORK, raw, header_place, problems, lenient=False)
    spec = FrameworkSpec(header=header, rows={part.name: [] for part in LISTS})
    for part in LISTS:
        if part.parent:
            continue
        entries, label, line = found.get(part.yaml_path, (None, f"framework.{part.yaml_path}", 1))
        spec.places[part.name] = LinePlace(label, line)
        _read_yaml_list(part, entries, spec.places[part.name], None, spec, problems)
    return spec


def _read_yaml_list(part: Part, entries, place: LinePlace, parent_key, spec: FrameworkSpec, problems) -> None:
    if entries is None:
        return
    if not isinstance(entries, list):
        problems.add(place, None, _("must be a list"))
        return
    if len(entries) > MAX_ENTRIES:
        problems.add(place, None, _("must list at most %(count)d entries") % {"count": MAX_ENTRIES})
        return
    spec.places.setdefault(part.name, place)
    known = {f.yaml_key for f in part.own_fields} | {child.yaml_path for child in children(part)}
    for n, entry in enumerate(entries):
        where = f"{place.where}[{n}]"
        if not isinstance(entry, dict):
            problems.add(LinePlace(where, place.line), None, _("must be a mapping of fields"))
            continue
        key_lines = entry.key_lines
        row_place = LinePlace(
            where,
            entry.line,
            {f.yaml_key: (f"{where}.{f.yaml_key}", key_lines.get(f.yaml_key, entry.line)) for f in part.own_fields},
        )
        row_place.fields.update(
            {c.yaml_path: (f"{where}.{c.yaml_path}", key_lines.get(c.yaml_path, entry.line)) for c in children(part)}
        )
        for key in entry:
            if key not in known:
                problems.add(row_place, key, _("is not a known field"))
        fixed = {part.parent_field.name: parent_key} if part.parent else None
        raw = {f.name: entry.get(f.yaml_key) for f in part.own_fields}
        row = read_row(part, raw, row_place, problems, lenient=False, fixed=fixed)
        spec.rows[part.name].append(row)
        for child in children(part):
            child_place = LinePlace(f"{where}.{child.yaml_path}", key_lines.get(child.yaml_path, entry.line))
            _read_yaml_list(child, entry.get(child.yaml_path), child_place, row.values.get(part.key), spec, problems)


# --- Writing YAML ----------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Writes lists indented under their key and text with line breaks as a literal block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_list(dumper: yaml.SafeDumper, items: list):
    short = bool(items) and all(isinstance(item, str) and len(item) <= 20 for item in items)  # [O1, O3]
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=short)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def _plain(value):
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, list):
        return list(value)
    return value


def _written(f: Field, value) -> bool:
    """A value worth writing: required, or not the value an absent field gets."""
    return f.required or value != f.empty


def _yaml_row(part: Part, row: Row, spec: FrameworkSpec) -> dict:
    data = {f.yaml_key: _plain(row.values[f.name]) for f in part.own_fields if _written(f, row.values[f.name])}
    for child in children(part):
        entries = [_yaml_row(child, r, spec) for r in spec.children(child.name, row)]
        if entries:
            data[child.yaml_path] = entries
    return data


def _put(data: dict, path: str, value) -> None:
    *heads, last = path.split(".")
    for head in heads:
        data = data.setdefault(head, {})
    data[last] = value


def framework_yaml(spec: FrameworkSpec) -> str:
    """The spec as a YAML framework file, laid out like the hand-written ones."""
    data: dict = {}
    header = spec.header.values
    nested = [f for f in FRAMEWORK.fields if "." in f.yaml_key]
    for f in FRAMEWORK.fields:
        if "." not in f.yaml_key and _written(f, header[f.name]):
            data[f.yaml_key] = _plain(header[f.name])
    for part in LISTS:
        if part.parent:
            continue
        prefix = part.yaml_path.rpartition(".")[0]
        for f in [f for f in nested if prefix and f.yaml_key.startswith(prefix + ".")]:
            if _written(f, header[f.name]):
                _put(data, f.yaml_key, _plain(header[f.name]))
            nested.remove(f)
        _put(data, part.yaml_path, [_yaml_row(part, row, spec) for row in spec.rows[part.name]])
    for f in nested:
        if _written(f, header[f.name]):
            _put(data, f.yaml_key, _plain(header[f.name]))
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    # A blank line before each section (a top-level key holding a list or a mapping), as people write it.
    return re.sub(r"\n(?=[^\s#][^\n]*:\n)", "\n\n", text)
