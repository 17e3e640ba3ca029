from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import Office
from accounts.services import audit_record
from ita import catalogue
from ita.hooks import assessment_setups, framework_load_hooks
from ita.models import (
    Assessment,
    Framework,
    Indicator,
    Instrument,
    ItemDefinition,
    ItemRequirement,
    Milestone,
    RatingBand,
    RespondentRule,
    RespondentTarget,
    SubIndicator,
)

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

    def sync(self, model: type[models.Model], scope: dict, key: str, rows: list[dict]) -> dict:
        existing = {getattr(obj, key): obj for obj in model.objects.filter(**scope)}
        kept = {}
        for values in rows:
            obj = existing.pop(values[key], None)
            if obj is None:
                obj = model.objects.create(**scope, **values)
                self.result.created += 1
                self.result.changes.append(f"+ {model._meta.model_name} {values[key]}")
            else:
                self.update(obj, values, label=f"{model._meta.model_name} {values[key]}")
            kept[values[key]] = obj
        for stale_key, obj in existing.items():
            try:
                obj.delete()
            except ProtectedError as exc:
                raise catalogue.FrameworkFileError(
                    [f"{model._meta.model_name} {stale_key} is missing from the file but is used by assessments"]
                ) from exc
            self.result.deleted += 1
            self.result.changes.append(f"- {model._meta.model_name} {stale_key}")
        return kept


def _facts(spec: catalogue.Fact) -> dict:
    return {"unconfirmed": spec.unconfirmed, "note": spec.note, "source": spec.source}


@transaction.atomic
def framework_load(*, spec: catalogue.FrameworkSpec, user=None) -> LoadResult:
    """Create or update a year's framework from a validated spec, all or nothing."""
    header = {
        "name_th": spec.name_th,
        "name_en": spec.name_en,
        "source": spec.source,
        "note": spec.note,
        "rating_scheme": spec.rating_scheme,
        "rating_source": spec.rating_source,
    }
    framework = Framework.objects.filter(fiscal_year=spec.fiscal_year).first()
    result = LoadResult(framework=framework)
    syncer = _Syncer(result)
    if framework is None:
        framework = Framework.objects.create(fiscal_year=spec.fiscal_year, **header)
        result.framework = framework
        result.created += 1
    else:
        syncer.update(framework, header, label=f"framework {spec.fiscal_year}")

    scope = {"framework": framework}
    instruments = syncer.sync(
        Instrument,
        scope,
        "code",
        [
            {"code": i.code, "name_th": i.name_th, "name_en": i.name_en, "weight": i.weight, "order": n, **_facts(i)}
            for n, i in enumerate(spec.instruments)
        ],
    )
    indicators = syncer.sync(
        Indicator,
        scope,
        "number",
        [
            {
                "number": ind.number,
                "instrument": instruments[ind.instrument],
                "name_th": ind.name_th,
                "name_en": ind.name_en,
                "weight": ind.weight,
                **_facts(ind),
            }
            for ind in spec.indicators
        ],
    )
    # Items move between sub-indicators across edits, so they are synced per framework.
    sub_indicators = {}
    for ind in spec.indicators:
        sub_indicators |= syncer.sync(
            SubIndicator,
            {"indicator": indicators[ind.number]},
            "code",
            [
                {"code": s.code, "name_th": s.name_th, "name_en": s.name_en, "order": n, **_facts(s)}
                for n, s in enumerate(ind.sub_indicators)
            ],
        )
    item_rows = []
    for ind in spec.indicators:
        for sub in ind.sub_indicators:
            for item in sub.items:
                item_rows.append(
                    {
                        "code": item.code,
                        "number": item.number,
                        "sub_indicator": sub_indicators[sub.code],
                        "group_th": item.group_th,
                        "group_en": item.group_en,
                        "name_th": item.name_th,
                        "name_en": item.name_en,
                        **_facts(item),
                    }
                )
    items = syncer.sync(ItemDefinition, scope, "code", item_rows)
    for item in spec.items:
        syncer.sync(
            ItemRequirement,
            {"item": items[item.code]},
            "order",
            [
                {"order": n + 1, "text_th": r.text_th, "text_en": r.text_en, **_facts(r)}
                for n, r in enumerate(item.requirements)
            ],
        )
    syncer.sync(
        RatingBand,
        scope,
        "code",
        [
            {
                "code": b.code,
                "label_th": b.label_th,
                "label_en": b.label_en,
                "min_total": b.min_total,
                "min_each_instrument": b.min_each_instrument,
                "passing": b.passing,
                "order": n,
                **_facts(b),
            }
            for n, b in enumerate(spec.rating_bands)
        ],
    )
    rules = [
        {
            "instrument": instruments[r.instrument],
            "population_th": r.population_th,
            "population_en": r.population_en,
            "min_count": r.min_count,
            "percent": r.percent,
            "max_count": r.max_count,
            **_facts(r),
        }
        for r in spec.respondent_rules
    ]
    syncer.sync(RespondentRule, scope, "instrument", rules)
    syncer.sync(
        Milestone,
        scope,
        "code",
        [
            {
                "code": m.code,
                "name_th": m.name_th,
                "name_en": m.name_en,
                "start": m.start,
                "end": m.end,
                "order": n,
                **_facts(m),
            }
            for n, m in enumerate(spec.milestones)
        ],
    )
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
