"""Loading a year's framework into the catalogue and dumping it back out, and opening an assessment.

The load and the dump are driven by `ita.framework_schema`: each part's rows are compared with the
catalogue's rows under the same parent by the part's key, and only what differs is written, so
loading the same framework twice (or loading a dump of it) writes no row.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import Office
from accounts.services import audit_record
from ita import catalogue
from ita.framework_schema import FRAMEWORK, LISTS, REF, Part
from ita.hooks import assessment_setups, framework_load_hooks
from ita.models import Assessment, Framework, RespondentTarget

RESPONDENT_DEADLINE_MILESTONE = "perception"


@dataclass
class LoadResult:
    framework: Framework
    created: int = 0
    updated: int = 0
    deleted: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


class _Syncer:
    """Makes the rows under one parent equal to the spec, writing only what differs, so that
    loading the same file twice writes nothing."""

    def __init__(self, result: LoadResult):
        self.result = result

    def update(self, obj: models.Model, values: dict, *, label: str) -> None:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=[*changed, "updated_at"])
            self.result.updated += 1
            self.result.changes.append(f"~ {label}: {', '.join(changed)}")

    def sync(self, model: type[models.Model], scope: dict, key: str, rows: list[dict]) -> list[models.Model]:
        """The rows' objects, in order: existing ones updated, new ones created, the rest deleted."""
        existing = {getattr(obj, key): obj for obj in model.objects.filter(**scope)}
        kept = []
        for values in rows:
            obj = existing.pop(values[key], None)
            if obj is None:
                obj = model.objects.create(**scope, **values)
                self.result.created += 1
                self.result.changes.append(f"+ {model._meta.model_name} {values[key]}")
            else:
                self.update(obj, values, label=f"{model._meta.model_name} {values[key]}")
            kept.append(obj)
        for stale_key, obj in existing.items():
            try:
                obj.delete()
            except ProtectedError as exc:
                raise catalogue.FrameworkFileError(
                    [
                        _("%(what)s %(key)s is missing from the file but is used by assessments")
                        % {"what": model._meta.verbose_name, "key": stale_key}
                    ]
                ) from exc
            self.result.deleted += 1
            self.result.changes.append(f"- {model._meta.model_name} {stale_key}")
        return kept


def _model_values(part: Part, row: catalogue.Row, position: int, objects: dict) -> dict:
    """The model's values of a spec row: references become the referenced rows' ids."""
    values = {}
    for f in part.fields:
        value = row.values[f.name]
        if f.kind != REF:
            values[f.name] = value
        elif not (part.scope == "parent" and f is part.parent_field):  # the parent is the sync's scope
            values[f.model_field.attname] = objects[f.ref][value].pk
    if part.position:
        values[part.position] = position + part.position_start
    if part.derived:
        values.update(part.derived(row.values))
    return values


def _key_name(part: Part) -> str:
    key = part.field(part.key) if part.key != part.position else None
    return key.model_field.attname if key is not None and key.kind == REF else part.key


def _check_previous_codes(spec: catalogue.FrameworkSpec) -> None:
    """An item's last-year codes must be items of last year's framework, when it is loaded."""
    previous = Framework.objects.filter(fiscal_year=spec.fiscal_year - 1).first()
    if previous is None:
        return
    codes = set(previous.items.values_list("code", flat=True))
    problems = catalogue.Problems()
    for row in spec.items:
        for code in row.previous_codes or []:
            if code not in codes:
                message = _("%(code)s is not an item of fiscal year %(year)s") % {
                    "code": code,
                    "year": previous.fiscal_year,
                }
                problems.add(row.place, "previous_codes", message if row.place else f"{row.code}: {message}")
    if problems:
        raise catalogue.FrameworkFileError(problems)


@transaction.atomic
def framework_load(*, spec: catalogue.FrameworkSpec, user=None) -> LoadResult:
    """Create or update a year's framework from a checked spec, all or nothing."""
    _check_previous_codes(spec)
    header = {f.name: spec.header.values[f.name] for f in FRAMEWORK.fields if f.name != FRAMEWORK.key}
    framework = Framework.objects.filter(fiscal_year=spec.fiscal_year).first()
    result = LoadResult(framework=framework)
    syncer = _Syncer(result)
    if framework is None:
        framework = Framework.objects.create(fiscal_year=spec.fiscal_year, **header)
        result.framework = framework
        result.created += 1
    else:
        syncer.update(framework, header, label=f"framework {spec.fiscal_year}")

    # The rows of each part by their key, for the parts loaded after it that name them.
    objects: dict[str, dict] = {}
    for part in LISTS:
        rows = spec.rows[part.name]
        if part.scope == "parent":
            by_parent: dict = {}
            for row in rows:
                by_parent.setdefault(row.values[part.parent_field.name], []).append(row)
            groups = [
                ({part.parent_field.name: obj}, by_parent.get(key, [])) for key, obj in objects[part.parent].items()
            ]
        else:
            groups = [({"framework": framework}, rows)]
        found = objects[part.name] = {}
        for scope, group in groups:
            values = [_model_values(part, row, n, objects) for n, row in enumerate(group)]
            kept = syncer.sync(part.model, scope, _key_name(part), values)
            if part.key != part.position:
                found.update((row.values[part.key], obj) for row, obj in zip(group, kept, strict=True))

    if result.changed:
        for after_load in framework_load_hooks():
            after_load(framework=framework)
        audit_record(
            office=None,
            actor=user,
            action="framework.loaded",
            summary=f"Framework {spec.fiscal_year}: {result.created} created, {result.updated} updated, "
            f"{result.deleted} deleted",
            obj=framework,
        )
    return result


def framework_spec(framework: Framework) -> catalogue.FrameworkSpec:
    """The catalogue's rows of a year as a spec, in the order a file lists them: what
    `framework_load` takes back without writing a row. One query per part."""
    header = catalogue.Row(FRAMEWORK, {f.name: getattr(framework, f.name) for f in FRAMEWORK.fields})
    rows: dict[str, list[catalogue.Row]] = {}
    keys: dict[str, dict] = {}  # part -> pk -> key
    places: dict[str, dict] = {}  # part -> pk -> position in its dumped list
    for part in LISTS:
        path = "framework" if part.scope == "framework" else f"{part.parent_field.name}__framework"
        objs = list(part.model.objects.filter(**{path: framework}))
        objs.sort(key=lambda obj, part=part: _dump_order(part, obj, places))
        part_rows = rows[part.name] = []
        keys[part.name], places[part.name] = {}, {}
        for n, obj in enumerate(objs):
            values = {}
            for f in part.fields:
                value = getattr(obj, f.model_field.attname)
                values[f.name] = keys[f.ref][value] if f.kind == REF else value
            part_rows.append(catalogue.Row(part, values))
            keys[part.name][obj.pk] = values.get(part.key)
            places[part.name][obj.pk] = n
    return catalogue.FrameworkSpec(header=header, rows=rows)


def _dump_order(part: Part, obj: models.Model, places: dict) -> tuple:
    """Rows follow their parent's order (items by sub-indicator), then their own."""
    parent = (places[part.parent][getattr(obj, part.parent_field.model_field.attname)],) if part.parent else ()
    sort_field = part.field(part.sort) if part.sort in {f.name for f in part.fields} else None
    if sort_field is not None and sort_field.kind == REF:
        own = places[sort_field.ref][getattr(obj, sort_field.model_field.attname)]
    else:
        own = getattr(obj, part.sort)
    return (*parent, own)


@transaction.atomic
def assessment_open(*, office: Office, framework: Framework, user) -> Assessment:
    """Open an office's assessment of a fiscal year: its respondent targets, and the rows the
    other apps set up (the OIT items from the framework's definitions, ...)."""
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                office=office, framework=framework, fiscal_year=framework.fiscal_year, opened_by=user
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This office already has an assessment for fiscal year %(year)s.") % {"year": framework.fiscal_year}
        ) from exc
    deadline = framework.milestone_end(RESPONDENT_DEADLINE_MILESTONE)
    RespondentTarget.objects.bulk_create(
        RespondentTarget(assessment=assessment, rule=rule, deadline=deadline)
        for rule in framework.respondent_rules.all()
    )
    for setup in assessment_setups():
        setup(assessment=assessment)
    audit_record(
        office=office,
        actor=user,
        action="assessment.opened",
        summary=f"Opened the assessment of fiscal year {framework.fiscal_year}",
        obj=assessment,
    )
    return assessment
