"""Loading a year's framework into the catalogue and dumping it back out, and the framework editor's drafts.

The load and the dump are driven by `ita.framework_schema`: each part's rows are compared with the
catalogue's rows under the same parent by the part's key, and only what differs is written, so
loading the same framework twice (or loading a dump of it) writes no row.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import audit_record
from core.versions import StaleVersionError, lock_versioned, save_version
from ita import catalogue, drafts
from ita.framework_schema import FRAMEWORK, LISTS, PARTS_BY_NAME, REF, Part
from ita.hooks import framework_load_hooks, framework_revision_hooks, withdrawal_impacts
from ita.models import Framework, FrameworkDraft, FrameworkRevision, ItemDefinition
from ita.selectors import can_edit_frameworks, framework_in_use

REVISION_CHANGES_KEPT = 1000  # lines of a revision's change list (a new year's is one per row)


@dataclass
class LoadResult:
    framework: Framework
    created: int = 0
    updated: int = 0
    deleted: int = 0
    changes: list[str] = field(default_factory=list)
    added_items: list[ItemDefinition] = field(default_factory=list)  # in a correction of a year
    withdrawn_items: list[ItemDefinition] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.withdrawn_items)


class _Syncer:
    """Makes the rows under one parent equal to the spec, writing only what differs, so that
    loading the same file twice writes nothing. An item that offices work on is not deleted: with
    `withdraw_in` (the revision being made) it is marked withdrawn, else the load is refused."""

    def __init__(self, result: LoadResult, *, withdraw_in: int | None = None, correction: bool = False):
        self.result = result
        self.withdraw_in = withdraw_in
        self.correction = correction

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
        existing = {getattr(obj, key): obj for obj in model._base_manager.filter(**scope)}  # withdrawn items too
        kept = []
        for values in rows:
            obj = existing.pop(values[key], None)
            if obj is None:
                obj = model._base_manager.create(**scope, **values)
                self.result.created += 1
                self.result.changes.append(f"+ {model._meta.model_name} {values[key]}")
                if self.correction and model is ItemDefinition:
                    self.result.added_items.append(obj)
            else:
                self.update(obj, values, label=f"{model._meta.model_name} {values[key]}")
            kept.append(obj)
        for stale_key, obj in existing.items():
            if model is ItemDefinition and obj.withdrawn_in is not None:
                continue  # withdrawn by an earlier revision
            if model is ItemDefinition and self.withdraw_in is not None and obj.assessment_items.exists():
                obj.withdrawn_in = self.withdraw_in
                obj.save(update_fields=["withdrawn_in", "updated_at"])
                self.result.withdrawn_items.append(obj)
                self.result.changes.append(f"- {model._meta.model_name} {stale_key}")
                continue
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


def previous_code_problems(spec: catalogue.FrameworkSpec, problems: catalogue.Problems) -> None:
    """An item's last-year codes must be items of last year's framework, when it is loaded."""
    if not spec.header.values.get("fiscal_year"):
        return
    previous = Framework.objects.filter(fiscal_year=spec.fiscal_year - 1).first()
    if previous is None:
        return
    codes = set(previous.items.values_list("code", flat=True))
    for row in spec.items:
        for code in row.previous_codes or []:
            if code not in codes:
                message = _("%(code)s is not an item of fiscal year %(year)s") % {
                    "code": code,
                    "year": previous.fiscal_year,
                }
                problems.add(row.place, "previous_codes", message if row.place else f"{row.code}: {message}")


@transaction.atomic
def framework_load(
    *, spec: catalogue.FrameworkSpec, user=None, note: str = "", withdraw_items: bool = False
) -> LoadResult:
    """Create or update a year's framework from a checked spec, all or nothing. A change is
    recorded as the framework's next revision, with `note` saying why. An item that offices work
    on and the spec leaves out is withdrawn if `withdraw_items` (its work is kept), else the load
    is refused; offices running the year get the items the spec adds."""
    problems = catalogue.Problems()
    previous_code_problems(spec, problems)
    if problems:
        raise catalogue.FrameworkFileError(problems)
    header = {f.name: spec.header.values[f.name] for f in FRAMEWORK.fields if f.name != FRAMEWORK.key}
    framework = Framework.objects.filter(fiscal_year=spec.fiscal_year).first()
    result = LoadResult(framework=framework)
    created = framework is None
    syncer = _Syncer(
        result, withdraw_in=framework.revision + 1 if withdraw_items and not created else None, correction=not created
    )
    if created:
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
        if not created:
            framework.revision += 1
            framework.save(update_fields=["revision", "updated_at"])
        revision = FrameworkRevision.objects.create(
            framework=framework,
            number=framework.revision,
            note=note,
            changes=result.changes[:REVISION_CHANGES_KEPT],
            published_by=user if user is not None and user.is_authenticated else None,
        )
        for after_load in framework_load_hooks():
            after_load(framework=framework)
        if result.added_items or result.withdrawn_items:
            for follow in framework_revision_hooks():
                follow(
                    framework=framework,
                    revision=revision,
                    added=result.added_items,
                    withdrawn=result.withdrawn_items,
                    user=revision.published_by,
                )
        audit_record(
            office=None,
            actor=user,
            action="framework.loaded",
            summary=f"Framework {spec.fiscal_year}: {result.created} created, {result.updated} updated, "
            f"{result.deleted} deleted, {len(result.withdrawn_items)} items withdrawn",
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
        if part.parent:  # the required contents of a withdrawn item are not the year's
            objs = [obj for obj in objs if getattr(obj, part.parent_field.model_field.attname) in keys[part.parent]]
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


# --- The framework editor ------------------------------------------------------------------------


def _require_editor(user) -> None:
    if not can_edit_frameworks(user):
        raise PermissionDenied(_("Only framework editors change ITA frameworks."))


class StaleDraftError(StaleVersionError):
    """The draft changed after the form was shown; nothing was saved."""

    message = gettext_lazy(
        "Someone else changed this draft after you opened it, so your change was not saved. "
        "Check the latest version below and try again."
    )


STRUCTURAL = drafts.STRUCTURAL_PARTS


def _structure(data: dict) -> dict:
    """What offices' scores hang on: the keys of the instruments, indicators and sub-indicators."""
    return {
        part: sorted(str(row.get(PARTS_BY_NAME[part].key)) for row in data.get(part, []))
        for part in STRUCTURAL
        if part != "items"
    }


def _require_same_structure(fiscal_year: int, content: dict) -> None:
    """A correction of a framework in use keeps its instruments, indicators and sub-indicators
    (offices' scores hang on them), and each of its items keeps its code and sub-indicator: items
    may be added and removed, texts, dates and rules may change."""
    framework = Framework.objects.filter(fiscal_year=fiscal_year).first()
    if framework is None or not framework_in_use(fiscal_year):
        return
    published = drafts.data_from_spec(framework_spec(framework))
    if _structure(published) != _structure(content):
        raise ValidationError(
            _(
                "Offices already run fiscal year %(year)s on this framework, so a correction keeps its "
                "instruments, indicators and sub-indicators; change their texts instead."
            )
            % {"year": fiscal_year},
            code="structure",
        )
    places = {row.get("code"): row.get("sub_indicator") for row in published.get("items", [])}
    moved = [
        row.get("code")
        for row in content.get("items", [])
        if row.get("code") in places and places[row.get("code")] != row.get("sub_indicator")
    ]
    if moved:
        raise ValidationError(
            _(
                "Offices already run fiscal year %(year)s on this framework, so %(codes)s keep their "
                "sub-indicators: remove an item and add a new one instead."
            )
            % {"year": fiscal_year, "codes": ", ".join(moved)},
            code="structure",
        )


def draft_reserved_codes(draft: FrameworkDraft) -> frozenset[str] | None:
    """In a correction of a framework in use, every item code the year has given (withdrawn ones
    too): items keep their codes and a new item takes the next one. None in any other draft."""
    if not framework_in_use(draft.fiscal_year):
        return None
    codes = ItemDefinition.all_objects.filter(framework__fiscal_year=draft.fiscal_year).values_list("code", flat=True)
    return frozenset(codes)


def draft_withdrawals(draft: FrameworkDraft) -> list[ItemDefinition]:
    """The items of a framework in use that the draft leaves out: publishing withdraws them."""
    if not framework_in_use(draft.fiscal_year):
        return []
    codes = {row.get("code") for row in draft.content.get("items", [])}
    current = ItemDefinition.objects.filter(framework__fiscal_year=draft.fiscal_year).order_by("number")
    return [definition for definition in current if definition.code not in codes]


def withdrawal_impact(definitions: list[ItemDefinition]) -> list[dict]:
    """Per office and item, the work that withdrawing `definitions` would take off the offices'
    working lists (kept, not deleted), as the apps that hold it say."""
    rows = []
    for impact in withdrawal_impacts():
        rows += impact(definitions=definitions)
    return rows


@transaction.atomic
def framework_draft_start(
    *, user, fiscal_year: int, based_on: Framework | None, flag_unconfirmed: bool = True
) -> FrameworkDraft:
    """Start a year's draft: a copy of `based_on` (dates moved, items continuing the items they
    were copied from, facts flagged unconfirmed if asked), or an empty one. Starting from the same
    year is a correction of that year's published framework."""
    _require_editor(user)
    if FrameworkDraft.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(
            _("Fiscal year %(year)s already has a draft: continue it or discard it first.") % {"year": fiscal_year},
            code="exists",
        )
    if based_on is None and Framework.objects.filter(fiscal_year=fiscal_year).exists():
        based_on = Framework.objects.get(fiscal_year=fiscal_year)  # a correction starts from what is published
    if based_on is not None:
        content = drafts.data_from_spec(framework_spec(based_on))
        if based_on.fiscal_year != fiscal_year:
            content = drafts.for_year(content, fiscal_year, flag_unconfirmed=flag_unconfirmed)
    else:
        content = drafts.empty(fiscal_year)
    draft = FrameworkDraft.objects.create(
        fiscal_year=fiscal_year,
        based_on=based_on.fiscal_year if based_on else None,
        content=content,
        created_by=user,
        updated_by=user,
    )
    summary = f"Draft of fiscal year {fiscal_year}" + (f" from {based_on.fiscal_year}" if based_on else "")
    audit_record(office=None, actor=user, action="framework.draft_started", summary=summary, obj=draft)
    return draft


def _lock_draft(draft: FrameworkDraft, expected_version: int | None) -> FrameworkDraft:
    try:
        return lock_versioned(FrameworkDraft, draft.pk, expected_version, error=StaleDraftError)
    except FrameworkDraft.DoesNotExist:  # published or discarded by another editor meanwhile
        raise StaleDraftError() from None


@transaction.atomic
def framework_draft_save(
    *, draft: FrameworkDraft, user, expected_version: int | None, content: dict, summary: str, note: str | None = None
) -> FrameworkDraft:
    """Save an edit of the draft (its whole content, as `ita.drafts` changed it)."""
    _require_editor(user)
    draft = _lock_draft(draft, expected_version)
    _require_same_structure(draft.fiscal_year, content)
    if content.get("framework", {}).get("fiscal_year") != draft.fiscal_year:
        raise ValidationError(
            _("This is the draft of fiscal year %(year)s; its year cannot change.") % {"year": draft.fiscal_year},
            code="year",
        )
    draft.content = content
    draft.updated_by = user
    fields = ["content", "updated_by"]
    if note is not None:
        draft.note = note
        fields.append("note")
    save_version(draft, *fields)
    audit_record(
        office=None,
        actor=user,
        action="framework.draft_changed",
        summary=f"Draft {draft.fiscal_year}: {summary}",
        obj=draft,
    )
    return draft


def draft_problems(draft: FrameworkDraft) -> tuple[catalogue.FrameworkSpec, drafts.EditorProblems]:
    """The draft read as a framework, with every problem that would stop its publication."""
    spec, problems = drafts.read(draft.content, reserved=draft_reserved_codes(draft))
    if not problems.entries:
        previous_code_problems(spec, problems)
    return spec, problems


@transaction.atomic
def framework_draft_upload(*, draft: FrameworkDraft, user, expected_version: int, upload) -> FrameworkDraft:
    """Replace the draft's content with a workbook's. A workbook whose values cannot be read is
    refused with each problem's sheet, row and column; what only the whole shows (a gap in the
    item codes, weights that do not add up) stays in the draft as problems to fix."""
    from ita.workbook import parse_workbook

    _require_editor(user)
    try:
        spec = parse_workbook(upload, check_whole=False)
    except catalogue.FrameworkFileError as exc:
        raise ValidationError(exc.problems, code="workbook") from exc
    if spec.header.values.get("fiscal_year") != draft.fiscal_year:
        raise ValidationError(
            _("The workbook is for fiscal year %(found)s; this draft is for %(year)s.")
            % {"found": spec.header.values.get("fiscal_year"), "year": draft.fiscal_year},
            code="year",
        )
    return framework_draft_save(
        draft=draft,
        user=user,
        expected_version=expected_version,
        content=drafts.data_from_spec(spec),
        summary="workbook uploaded",
    )


@transaction.atomic
def framework_draft_publish(
    *, draft: FrameworkDraft, user, expected_version: int, note: str, confirm_withdrawals: bool = False
) -> LoadResult:
    """Load the draft into the catalogue, where offices can open the year or see the correction,
    and record the change as a revision with its note. A draft with problems is refused. Items of
    a framework in use that the draft leaves out are withdrawn (offices' work on them is kept) only
    when `confirm_withdrawals` says the editor saw what that affects."""
    _require_editor(user)
    draft = _lock_draft(draft, expected_version)
    spec, problems = draft_problems(draft)
    if problems:
        raise ValidationError(
            [_("The draft has problems to fix before it is published:"), *problems[:50]], code="problems"
        )
    correction = Framework.objects.filter(fiscal_year=draft.fiscal_year).exists()
    if correction and not note.strip():
        raise ValidationError(_("Say what this revision changes and why; offices using it will read it."), code="note")
    _require_same_structure(draft.fiscal_year, draft.content)
    withdrawn = draft_withdrawals(draft)
    if withdrawn and not confirm_withdrawals:
        raise ValidationError(
            _(
                "This correction withdraws %(codes)s from offices' working lists. Check the work it affects "
                "below and confirm to publish."
            )
            % {"codes": ", ".join(definition.code for definition in withdrawn)},
            code="confirm",
        )
    try:
        result = framework_load(spec=spec, user=user, note=note.strip(), withdraw_items=True)
    except catalogue.FrameworkFileError as exc:
        raise ValidationError(exc.problems, code="load") from exc
    if correction and not result.changed:
        raise ValidationError(_("The draft is the same as the published framework: nothing to publish."), code="same")
    audit_record(
        office=None,
        actor=user,
        action="framework.published",
        summary=f"Published fiscal year {draft.fiscal_year}, revision {result.framework.revision}",
        obj=result.framework,
        data={
            "note": note.strip(),
            "added": [definition.code for definition in result.added_items],
            "withdrawn": [definition.code for definition in result.withdrawn_items],
        },
    )
    draft.delete()
    return result


@transaction.atomic
def framework_draft_discard(*, draft: FrameworkDraft, user) -> None:
    _require_editor(user)
    audit_record(
        office=None, actor=user, action="framework.draft_discarded", summary=f"Draft {draft.fiscal_year}", obj=draft
    )
    FrameworkDraft.objects.filter(pk=draft.pk).delete()
