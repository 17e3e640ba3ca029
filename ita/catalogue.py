"""Read and validate a framework file (`ita/framework/<year>.yaml`) into plain specs.

Validation collects every problem with the line it is on, so that whoever edits next year's
file sees all mistakes at once. Nothing here touches the database; `ita.services` loads the
validated spec.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from core.thai import fiscal_year_bounds

INSTRUMENT_CODES = ("IIT", "EIT", "OIT")
PERCEPTION_INSTRUMENTS = ("IIT", "EIT")
RATING_SCHEMES = ("letter", "level")
_SUB_CODE = re.compile(r"^(\d+)\.(\d+)$")
_ITEM_CODE = re.compile(r"^O(\d+)$")
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_FACT_KEYS = ("unconfirmed", "note", "source")


class FrameworkFileError(Exception):
    """A framework file that cannot be loaded; `problems` lists each one with its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(kw_only=True)
class Fact:
    unconfirmed: bool = False
    note: str = ""
    source: str = ""


@dataclass(kw_only=True)
class RequirementSpec(Fact):
    text_th: str
    text_en: str = ""


@dataclass(kw_only=True)
class ItemSpec(Fact):
    code: str
    number: int
    group_th: str
    group_en: str = ""
    name_th: str
    name_en: str = ""
    requirements: list[RequirementSpec] = field(default_factory=list)


@dataclass(kw_only=True)
class SubIndicatorSpec(Fact):
    code: str
    name_th: str
    name_en: str = ""
    items: list[ItemSpec] = field(default_factory=list)


@dataclass(kw_only=True)
class IndicatorSpec(Fact):
    number: int
    instrument: str
    name_th: str
    name_en: str = ""
    weight: Decimal = Decimal(1)
    sub_indicators: list[SubIndicatorSpec] = field(default_factory=list)


@dataclass(kw_only=True)
class InstrumentSpec(Fact):
    code: str
    name_th: str
    name_en: str = ""
    weight: Decimal


@dataclass(kw_only=True)
class RatingBandSpec(Fact):
    code: str
    label_th: str
    label_en: str = ""
    min_total: Decimal
    min_each_instrument: Decimal | None = None
    passing: bool = False


@dataclass(kw_only=True)
class RespondentRuleSpec(Fact):
    instrument: str
    population_th: str
    population_en: str = ""
    min_count: int
    percent: Decimal | None = None
    max_count: int | None = None


@dataclass(kw_only=True)
class MilestoneSpec(Fact):
    code: str
    name_th: str
    name_en: str = ""
    start: dt.date
    end: dt.date


@dataclass(kw_only=True)
class FrameworkSpec:
    fiscal_year: int
    name_th: str
    name_en: str = ""
    source: str = ""
    note: str = ""
    rating_scheme: str
    rating_source: str = ""
    instruments: list[InstrumentSpec]
    indicators: list[IndicatorSpec]
    rating_bands: list[RatingBandSpec]
    respondent_rules: list[RespondentRuleSpec]
    milestones: list[MilestoneSpec]

    @property
    def items(self) -> list[ItemSpec]:
        return [item for ind in self.indicators for sub in ind.sub_indicators for item in sub.items]


# --- YAML with line numbers -------------------------------------------------------------


class _Mapping(dict):
    line: int = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on and each key's line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {key.value: key.start_mark.line + 1 for key, _value in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --- Field readers ------------------------------------------------------------------------


class _Reader:
    """Reads the fields of one mapping, recording a problem for each bad or unknown one."""

    def __init__(self, problems: list[str], data: object, where: str, line: int):
        self.problems = problems
        self.where = where
        self.line = getattr(data, "line", line)
        self.ok = isinstance(data, dict)
        self.data = data if self.ok else {}
        self.used: set[str] = set()
        if not self.ok:
            self.problem(None, "must be a mapping of fields")

    def problem(self, key: str | None, message: str) -> None:
        line = getattr(self.data, "key_lines", {}).get(key, self.line) if key else self.line
        label = f"{self.where}.{key}" if key else self.where
        self.problems.append(f"line {line}: {label}: {message}")

    def _get(self, key: str, required: bool):
        self.used.add(key)
        value = self.data.get(key)
        if value is None and required and self.ok:
            self.problem(None, f"“{key}” is required")
        return value

    def text(self, key: str, *, required: bool = True) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(key, "must be non-empty text")
            return ""
        return value.strip()

    def integer(self, key: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(key, f"must be a whole number of at least {minimum}")
            return None
        return value

    def decimal(self, key: str, *, required: bool = True, low=0, high=100) -> Decimal | None:
        value = self._get(key, required)
        if value is None:
            return None
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(key, "must be a number")
            return None
        if not low <= number <= high:
            self.problem(key, f"must be between {low} and {high}")
            return None
        return number

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, "must be true or false")
            return False
        return value

    def date(self, key: str) -> dt.date | None:
        value = self._get(key, True)
        if value is None:
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.problem(key, "must be a date written YYYY-MM-DD")
            return None
        return value

    def entries(self, key: str, *, required: bool = True) -> list:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list")
            return []
        return value

    def facts(self) -> dict:
        return {"unconfirmed": self.boolean("unconfirmed"), "note": self.text("note", required=False),
                "source": self.text("source", required=False)}  # fmt: skip

    def finish(self) -> None:
        for key in self.data:
            if key not in self.used:
                self.problem(key, "is not a known field")


# --- The file -------------------------------------------------------------------------------


def parse_framework_file(path: str | Path) -> FrameworkSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError([f"{path}: cannot be read: {exc}"]) from exc
    return parse_framework(text)


def parse_framework(text: str) -> FrameworkSpec:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise FrameworkFileError([f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc
    problems: list[str] = []
    spec = _read_framework(problems, data)
    if problems:
        raise FrameworkFileError(problems)
    return spec


def _read_framework(problems: list[str], data: object) -> FrameworkSpec | None:
    top = _Reader(problems, data, "framework", 1)
    if not top.ok:
        return None
    fiscal_year = top.integer("fiscal_year", minimum=2500)
    if fiscal_year is not None and fiscal_year > 2700:
        top.problem("fiscal_year", "must be a Buddhist-Era year such as 2566")
        fiscal_year = None
    header = {"name_th": top.text("name_th"), "name_en": top.text("name_en", required=False),
              "source": top.text("source", required=False), "note": top.text("note", required=False)}  # fmt: skip
    instruments = _read_instruments(problems, top.entries("instruments"))
    indicators = _read_indicators(problems, top.entries("indicators"), {i.code for i in instruments})
    scheme, rating_source, bands = _read_rating(problems, top)
    rules = _read_rules(problems, top.entries("respondent_rules"), {i.code for i in instruments})
    milestones = _read_calendar(problems, top.entries("calendar"), fiscal_year)
    top.finish()
    if problems:
        return None
    return FrameworkSpec(fiscal_year=fiscal_year, rating_scheme=scheme, rating_source=rating_source,
                         instruments=instruments, indicators=indicators, rating_bands=bands,
                         respondent_rules=rules, milestones=milestones, **header)  # fmt: skip


def _read_instruments(problems: list[str], entries: list) -> list[InstrumentSpec]:
    instruments: list[InstrumentSpec] = []
    for n, data in enumerate(entries):
        r = _Reader(problems, data, f"instruments[{n}]", 0)
        code = r.text("code")
        if code and code not in INSTRUMENT_CODES:
            r.problem("code", f"must be one of {', '.join(INSTRUMENT_CODES)}")
        elif code in {i.code for i in instruments}:
            r.problem("code", f"{code} is listed twice")
        spec = InstrumentSpec(code=code, name_th=r.text("name_th"), name_en=r.text("name_en", required=False),
                              weight=r.decimal("weight"), **r.facts())  # fmt: skip
        r.finish()
        instruments.append(spec)
    weights = [i.weight for i in instruments]
    if instruments and None not in weights and sum(weights) != 100:
        problems.append(f"instruments: the weights add up to {sum(weights)}, not 100")
    if not instruments:
        problems.append("instruments: at least one instrument is required")
    return instruments


def _read_indicators(problems: list[str], entries: list, instrument_codes: set[str]) -> list[IndicatorSpec]:
    indicators: list[IndicatorSpec] = []
    item_codes: set[str] = set()
    for n, data in enumerate(entries):
        r = _Reader(problems, data, f"indicators[{n}]", 0)
        number = r.integer("number", minimum=1)
        if number is not None and number != n + 1:
            r.problem("number", f"must be {n + 1}: indicators are numbered in order from 1")
        instrument = r.text("instrument")
        if instrument and instrument not in instrument_codes:
            r.problem("instrument", f"“{instrument}” is not one of this year's instruments")
        spec = IndicatorSpec(number=number or 0, instrument=instrument, name_th=r.text("name_th"),
                             name_en=r.text("name_en", required=False),
                             weight=r.decimal("weight", required=False, low=0, high=1000) or Decimal(1),
                             **r.facts())  # fmt: skip
        subs = r.entries("sub_indicators", required=False)
        if subs and instrument != "OIT":
            r.problem("sub_indicators", "only OIT indicators have sub-indicators and items")
        for m, sub_data in enumerate(subs):
            spec.sub_indicators.append(
                _read_sub_indicator(problems, sub_data, f"{r.where}.sub_indicators[{m}]", number, item_codes)
            )
        r.finish()
        indicators.append(spec)
    for code in sorted(instrument_codes - {i.instrument for i in indicators}):
        problems.append(f"indicators: instrument {code} has no indicator")
    numbers = [int(_ITEM_CODE.match(c).group(1)) for c in item_codes if _ITEM_CODE.match(c)]
    if numbers and sorted(numbers) != list(range(1, len(numbers) + 1)):
        problems.append(f"items: the codes must run O1…O{len(numbers)} without gaps")
    return indicators


def _read_sub_indicator(problems, data, where, indicator_number, item_codes) -> SubIndicatorSpec:
    r = _Reader(problems, data, where, 0)
    code = r.text("code")
    match = _SUB_CODE.match(code) if code else None
    if code and not match:
        r.problem("code", "must look like “9.1” (quote it in the file)")
    elif match and indicator_number and int(match.group(1)) != indicator_number:
        r.problem("code", f"must start with its indicator's number {indicator_number}")
    spec = SubIndicatorSpec(code=code, name_th=r.text("name_th"), name_en=r.text("name_en", required=False),
                            **r.facts())  # fmt: skip
    last_number = 0
    for n, item_data in enumerate(r.entries("items")):
        item = _read_item(problems, item_data, f"{where}.items[{n}]", item_codes)
        if item.number and item.number <= last_number:
            problems.append(
                f"line {getattr(item_data, 'line', r.line)}: {where}.items[{n}]: {item.code} is out of order"
            )
        last_number = item.number or last_number
        spec.items.append(item)
    r.finish()
    return spec


def _read_item(problems, data, where, item_codes: set[str]) -> ItemSpec:
    r = _Reader(problems, data, where, 0)
    code = r.text("code")
    match = _ITEM_CODE.match(code) if code else None
    if code and not match:
        r.problem("code", "must look like “O12”")
    elif code in item_codes:
        r.problem("code", f"{code} is used twice")
    item_codes.add(code)
    spec = ItemSpec(code=code, number=int(match.group(1)) if match else 0, group_th=r.text("group_th"),
                    group_en=r.text("group_en", required=False), name_th=r.text("name_th"),
                    name_en=r.text("name_en", required=False), **r.facts())  # fmt: skip
    requirements = r.entries("requirements")
    if r.ok and not requirements:
        r.problem("requirements", "must list at least one required content")
    for n, req_data in enumerate(requirements):
        q = _Reader(problems, req_data, f"{where}.requirements[{n}]", r.line)
        spec.requirements.append(
            RequirementSpec(text_th=q.text("text_th"), text_en=q.text("text_en", required=False), **q.facts())
        )
        q.finish()
    r.finish()
    return spec


def _read_rating(problems: list[str], top: _Reader) -> tuple[str, str, list[RatingBandSpec]]:
    rating = top._get("rating", True)
    r = _Reader(problems, rating, "rating", top.line) if rating is not None else None
    if r is None or not r.ok:
        return "", "", []
    scheme = r.text("scheme")
    source = r.text("source", required=False)
    if scheme and scheme not in RATING_SCHEMES:
        r.problem("scheme", f"must be one of {', '.join(RATING_SCHEMES)}")
    bands: list[RatingBandSpec] = []
    for n, data in enumerate(r.entries("bands")):
        b = _Reader(problems, data, f"rating.bands[{n}]", r.line)
        band = RatingBandSpec(code=b.text("code"), label_th=b.text("label_th"),
                              label_en=b.text("label_en", required=False), min_total=b.decimal("min_total"),
                              min_each_instrument=b.decimal("min_each_instrument", required=False),
                              passing=b.boolean("passing"), **b.facts())  # fmt: skip
        if band.code and band.code in {x.code for x in bands}:
            b.problem("code", f"{band.code} is used twice")
        if (
            bands
            and band.min_total is not None
            and bands[-1].min_total is not None
            and band.min_total > bands[-1].min_total
        ):
            b.problem("min_total", "bands must go from the highest to the lowest")
        b.finish()
        bands.append(band)
    if not bands:
        r.problem("bands", "at least one band is required")
    elif bands[-1].min_total not in (None, 0):
        r.problem("bands", "the last band must have min_total: 0, so that every score has a rating")
    r.finish()
    return scheme, source, bands


def _read_rules(problems: list[str], entries: list, instrument_codes: set[str]) -> list[RespondentRuleSpec]:
    rules: list[RespondentRuleSpec] = []
    for n, data in enumerate(entries):
        r = _Reader(problems, data, f"respondent_rules[{n}]", 0)
        instrument = r.text("instrument")
        if instrument and (instrument not in PERCEPTION_INSTRUMENTS or instrument not in instrument_codes):
            r.problem("instrument", "must be IIT or EIT, and one of this year's instruments")
        elif instrument in {x.instrument for x in rules}:
            r.problem("instrument", f"{instrument} has two rules")
        rule = RespondentRuleSpec(instrument=instrument, population_th=r.text("population_th"),
                                  population_en=r.text("population_en", required=False),
                                  min_count=r.integer("min_count"),
                                  percent=r.decimal("percent", required=False),
                                  max_count=r.integer("max_count", required=False), **r.facts())  # fmt: skip
        if rule.max_count is not None and rule.min_count is not None and rule.max_count < rule.min_count:
            r.problem("max_count", "must not be below min_count")
        r.finish()
        rules.append(rule)
    return rules


def _read_calendar(problems: list[str], entries: list, fiscal_year: int | None) -> list[MilestoneSpec]:
    milestones: list[MilestoneSpec] = []
    bounds = fiscal_year_bounds(fiscal_year) if fiscal_year else None
    for n, data in enumerate(entries):
        r = _Reader(problems, data, f"calendar[{n}]", 0)
        code = r.text("code")
        if code and not _SLUG.match(code):
            r.problem("code", "must be lower-case letters, digits and _")
        elif code in {m.code for m in milestones}:
            r.problem("code", f"{code} is used twice")
        milestone = MilestoneSpec(code=code, name_th=r.text("name_th"), name_en=r.text("name_en", required=False),
                                  start=r.date("start"), end=r.date("end"), **r.facts())  # fmt: skip
        if milestone.start and milestone.end:
            if milestone.start > milestone.end:
                r.problem("end", "must not be before start")
            elif bounds and not (bounds[0] <= milestone.start and milestone.end <= bounds[1]):
                r.problem("start", f"must lie inside the fiscal year ({bounds[0]} to {bounds[1]})")
        r.finish()
        milestones.append(milestone)
    return milestones
