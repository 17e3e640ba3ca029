"""What a year's framework file holds, defined once for every encoding.

A framework is made of parts: the framework itself, its instruments, indicators, sub-indicators,
OIT items, their required contents, rating bands, respondent rules and calendar. Each `Part` names
its model, the fields a file holds (their type, whether they are required, their choices and length
come from the model field), the field that identifies a row, and what the encodings call it: the
YAML key (nested parts sit inside their parent's mapping), the workbook sheet and its Thai column
headers. Validation and the YAML encoding (ita.catalogue), the workbook (ita.workbook), the load
into the database and the dump back out (ita.services) are all driven by these definitions.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models

from ita.models import (
    Framework,
    Indicator,
    Instrument,
    ItemDefinition,
    ItemRequirement,
    Milestone,
    RatingBand,
    RespondentRule,
    SubIndicator,
)

# Types of values, as files hold them.
TEXT = "text"
CHOICE = "choice"
INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
DATE = "date"
CODES = "codes"  # a list of item codes
REF = "ref"  # the key of a row of another part

CODES_MAX = 20  # an item continues at most this many of last year's items


@dataclass(frozen=True)
class Field:
    """One value of a row: `name` is the model field's name and the key in YAML and the workbook."""

    name: str
    label_th: str  # the workbook's column header
    yaml: str = ""  # a different YAML key, dotted for a nested mapping ("rating.scheme")
    low: object = None  # bounds of a number
    high: object = None
    ref: str = ""  # for a foreign key: the part it names, by that part's key
    default: Callable[[dict], object] | None = None  # a default computed from the row's other values
    part: "Part" = field(default=None, compare=False, repr=False)

    @property
    def yaml_key(self) -> str:
        return self.yaml or self.name

    @cached_property
    def model_field(self) -> models.Field:
        return self.part.model._meta.get_field(self.name)

    @cached_property
    def kind(self) -> str:
        model_field = self.model_field
        if self.ref:
            return REF
        if model_field.choices:
            return CHOICE
        if isinstance(model_field, models.BooleanField):
            return BOOLEAN
        if isinstance(model_field, models.DecimalField):
            return DECIMAL
        if isinstance(model_field, models.IntegerField):
            return INTEGER
        if isinstance(model_field, models.DateField):
            return DATE
        if isinstance(model_field, models.JSONField):
            return CODES
        return TEXT

    @property
    def required(self) -> bool:
        return not (self.model_field.blank or self.model_field.has_default())

    @property
    def choices(self) -> list[str]:
        return [value for value, _label in self.model_field.choices or []]

    @property
    def max_length(self) -> int | None:
        return self.model_field.max_length

    @property
    def empty(self) -> object:
        """The value of an optional field the file leaves out."""
        return self.model_field.get_default()


@dataclass(frozen=True)
class Part:
    name: str  # the sheet's name and, unless nested, the YAML key of the list
    model: type[models.Model]
    fields: tuple[Field, ...]
    key: str  # the field that identifies a row in its scope ("order": its position)
    yaml: str = ""  # a different YAML path, dotted ("rating.bands"), or the key inside the parent's mapping
    parent: str = ""  # nested in this part's rows in YAML; its key is the first field
    scope: str = "framework"  # "framework" or "parent": the rows a load compares with
    position: str = ""  # model field holding the row's place among its siblings
    position_start: int = 0
    sort: str = ""  # model field that orders the rows when dumped (after the parent's order)
    derived: Callable[[dict], dict] | None = None  # more model values computed from the row
    single: bool = False  # the framework: one row

    def __post_init__(self):
        for f in self.fields:
            object.__setattr__(f, "part", self)

    @property
    def yaml_path(self) -> str:
        return self.yaml or self.name

    @property
    def parent_field(self) -> Field | None:
        return self.fields[0] if self.parent else None

    @property
    def own_fields(self) -> tuple[Field, ...]:
        """The fields written inside a YAML row (a nested row's parent is where it stands)."""
        return self.fields[1:] if self.parent else self.fields

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _facts() -> tuple[Field, ...]:
    return (
        Field("source", "แหล่งที่มา"),
        Field("unconfirmed", "ยังไม่ยืนยัน"),
        Field("note", "หมายเหตุ"),
    )


def _kind_from_code(values: dict) -> str | None:
    """IIT, EIT and OIT name their own kind; an instrument with another code says its kind."""
    return values.get("code") if values.get("code") in Instrument.Kind.values else None


def _listed_item(values: dict) -> dict:
    """An item a file lists is one of the year's items (not withdrawn)."""
    return {"withdrawn_in": None}


FRAMEWORK = Part(
    "framework",
    Framework,
    (
        Field("fiscal_year", "ปีงบประมาณ (พ.ศ.)", low=2500, high=2700),
        Field("name_th", "ชื่อกรอบการประเมิน (ไทย)"),
        Field("name_en", "ชื่อกรอบการประเมิน (อังกฤษ)"),
        Field("assessor", "ผู้ประเมิน"),
        Field("assessor_unconfirmed", "ผู้ประเมินยังไม่ยืนยัน"),
        Field("assessor_note", "หมายเหตุเรื่องผู้ประเมิน"),
        Field("source", "แหล่งที่มา"),
        Field("note", "หมายเหตุ"),
        Field("rating_scheme", "รูปแบบระดับผลการประเมิน", yaml="rating.scheme"),
        Field("rating_source", "แหล่งที่มาของเกณฑ์ระดับผล", yaml="rating.source"),
    ),
    key="fiscal_year",
    single=True,
)

INSTRUMENTS = Part(
    "instruments",
    Instrument,
    (
        Field("code", "รหัสเครื่องมือ"),
        Field("kind", "ประเภทเครื่องมือ", default=_kind_from_code),
        Field("name_th", "ชื่อเครื่องมือ (ไทย)"),
        Field("name_en", "ชื่อเครื่องมือ (อังกฤษ)"),
        Field("weight", "น้ำหนัก (ร้อยละของคะแนนรวม)", low=0, high=100),
        *_facts(),
    ),
    key="code",
    position="order",
    sort="order",
)

INDICATORS = Part(
    "indicators",
    Indicator,
    (
        Field("number", "ตัวชี้วัดที่", low=1, high=99),
        Field("instrument", "รหัสเครื่องมือ", ref="instruments"),
        Field("name_th", "ชื่อตัวชี้วัด (ไทย)"),
        Field("name_en", "ชื่อตัวชี้วัด (อังกฤษ)"),
        Field("weight", "น้ำหนักภายในเครื่องมือ", low=0, high=999),
        *_facts(),
    ),
    key="number",
    sort="number",
)

SUB_INDICATORS = Part(
    "sub_indicators",
    SubIndicator,
    (
        Field("indicator", "ตัวชี้วัดที่", ref="indicators"),
        Field("code", "รหัสตัวชี้วัดย่อย"),
        Field("name_th", "ชื่อตัวชี้วัดย่อย (ไทย)"),
        Field("name_en", "ชื่อตัวชี้วัดย่อย (อังกฤษ)"),
        *_facts(),
    ),
    key="code",
    parent="indicators",
    scope="parent",
    position="order",
    sort="order",
)

ITEMS = Part(
    "items",
    ItemDefinition,
    (
        Field("sub_indicator", "รหัสตัวชี้วัดย่อย", ref="sub_indicators"),
        Field("code", "ข้อ"),
        Field("group_th", "หัวข้อ (ไทย)"),
        Field("group_en", "หัวข้อ (อังกฤษ)"),
        Field("name_th", "ชื่อข้อ (ไทย)"),
        Field("name_en", "ชื่อข้อ (อังกฤษ)"),
        Field("evidence_period", "ช่วงเวลาของข้อมูล"),
        Field("evidence_form", "รูปแบบหลักฐาน"),
        Field("guidance_th", "คำแนะนำ (ไทย)"),
        Field("guidance_en", "คำแนะนำ (อังกฤษ)"),
        Field("previous_codes", "ข้อของปีก่อน"),
        *_facts(),
    ),
    key="code",
    parent="sub_indicators",
    # An item's number is its place in the year's list: its code's number, except in a correction
    # of a year in use, where an added item keeps the next free code but is listed in its sub-indicator.
    position="number",
    position_start=1,
    sort="number",
    derived=_listed_item,
)

REQUIREMENTS = Part(
    "requirements",
    ItemRequirement,
    (
        Field("item", "ข้อ", ref="items"),
        Field("text_th", "องค์ประกอบที่ต้องมี (ไทย)"),
        Field("text_en", "องค์ประกอบที่ต้องมี (อังกฤษ)"),
        *_facts(),
    ),
    key="order",
    parent="items",
    scope="parent",
    position="order",
    position_start=1,
    sort="order",
)

RATING_BANDS = Part(
    "rating_bands",
    RatingBand,
    (
        Field("code", "รหัสระดับ"),
        Field("label_th", "ชื่อระดับ (ไทย)"),
        Field("label_en", "ชื่อระดับ (อังกฤษ)"),
        Field("min_total", "คะแนนรวมขั้นต่ำ", low=0, high=100),
        Field("min_each_instrument", "คะแนนขั้นต่ำของทุกเครื่องมือ", low=0, high=100),
        Field("passing", "ผ่านเกณฑ์"),
        *_facts(),
    ),
    key="code",
    yaml="rating.bands",
    position="order",
    sort="order",
)

RESPONDENT_RULES = Part(
    "respondent_rules",
    RespondentRule,
    (
        Field("instrument", "รหัสเครื่องมือ", ref="instruments"),
        Field("population_th", "กลุ่มผู้ตอบ (ไทย)"),
        Field("population_en", "กลุ่มผู้ตอบ (อังกฤษ)"),
        Field("min_count", "จำนวนขั้นต่ำ", low=0, high=1_000_000),
        Field("percent", "ร้อยละของกลุ่มผู้ตอบ", low=0, high=100),
        Field("max_count", "จำนวนที่ต้องการสูงสุด", low=0, high=1_000_000),
        *_facts(),
    ),
    key="instrument",
    sort="instrument",
)

CALENDAR = Part(
    "calendar",
    Milestone,
    (
        Field("code", "รหัสขั้นตอน"),
        Field("name_th", "ชื่อขั้นตอน (ไทย)"),
        Field("name_en", "ชื่อขั้นตอน (อังกฤษ)"),
        Field("start", "วันเริ่ม"),
        Field("end", "วันสิ้นสุด"),
        *_facts(),
    ),
    key="code",
    position="order",
    sort="order",
)

# In the order they are loaded: a part's references are loaded before it.
PARTS: tuple[Part, ...] = (
    FRAMEWORK,
    INSTRUMENTS,
    INDICATORS,
    SUB_INDICATORS,
    ITEMS,
    REQUIREMENTS,
    RATING_BANDS,
    RESPONDENT_RULES,
    CALENDAR,
)
PARTS_BY_NAME = {part.name: part for part in PARTS}
LISTS = PARTS[1:]


def children(part: Part) -> list[Part]:
    """The parts nested in `part`'s YAML rows."""
    return [p for p in PARTS if p.parent == part.name]
