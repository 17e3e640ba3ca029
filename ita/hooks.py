"""Setup steps that other apps add to opening an assessment and to loading a framework.

Dependencies point one way (accounts ← ita ← oit, spdca), so `ita` cannot call the apps that
build on it. Each of those registers, in its AppConfig.ready(), a function that sets up its own
rows for a new assessment (the OIT items, later the SPDCA cycle); `assessment_open` runs them
in registration order inside its transaction.
"""

from collections.abc import Callable

AssessmentSetup = Callable[..., None]

_assessment_setups: list[AssessmentSetup] = []


def on_assessment_open(setup: AssessmentSetup) -> AssessmentSetup:
    """Register `setup(*, assessment, carry_over)` to run when an assessment is opened;
    `carry_over` says whether to bring last year's work into it."""
    if setup not in _assessment_setups:
        _assessment_setups.append(setup)
    return setup


def assessment_setups() -> list[AssessmentSetup]:
    return list(_assessment_setups)


_framework_load_hooks: list[Callable[..., None]] = []


def on_framework_load(hook: Callable[..., None]) -> Callable[..., None]:
    """Register `hook(*, framework)` to run after a framework load changed something, so rows
    that other apps derive from the catalogue (an item's checklist, say) follow the new data."""
    if hook not in _framework_load_hooks:
        _framework_load_hooks.append(hook)
    return hook


def framework_load_hooks() -> list[Callable[..., None]]:
    return list(_framework_load_hooks)


_carry_over_previews: list[Callable[..., dict]] = []


def on_carry_over_preview(preview: Callable[..., dict]) -> Callable[..., dict]:
    """Register `preview(*, previous, lineage)` to say what opening a year would carry over from
    the office's `previous` assessment, before anything is copied. It returns a mapping with
    "assignments" ({old item definition id: who held it}) and "lines" (sentences to show)."""
    if preview not in _carry_over_previews:
        _carry_over_previews.append(preview)
    return preview


def carry_over_previews() -> list[Callable[..., dict]]:
    return list(_carry_over_previews)


_demo_year_steps: list[Callable[..., None]] = []


def on_demo_year(step: Callable[..., None]) -> Callable[..., None]:
    """Register `step(*, assessment, today)` to put the demo office's current year under way
    (`manage.py seed_demo_current_year`): each app moves its own records part of the way."""
    if step not in _demo_year_steps:
        _demo_year_steps.append(step)
    return step


def demo_year_steps() -> list[Callable[..., None]]:
    return list(_demo_year_steps)


_framework_revision_hooks: list[Callable[..., None]] = []


def on_framework_revision(hook: Callable[..., None]) -> Callable[..., None]:
    """Register `hook(*, framework, revision, added, withdrawn, user)` to run when a correction
    of a year adds items (`added`) or withdraws them (`withdrawn`), both lists of item
    definitions, so that offices running the year get the new items and keep the old ones' work."""
    if hook not in _framework_revision_hooks:
        _framework_revision_hooks.append(hook)
    return hook


def framework_revision_hooks() -> list[Callable[..., None]]:
    return list(_framework_revision_hooks)


_withdrawal_impacts: list[Callable[..., list]] = []


def on_withdrawal_impact(impact: Callable[..., list]) -> Callable[..., list]:
    """Register `impact(*, definitions)` to say, per office, what work hangs on items a
    correction would withdraw: a list of mappings, one per office and item."""
    if impact not in _withdrawal_impacts:
        _withdrawal_impacts.append(impact)
    return impact


def withdrawal_impacts() -> list[Callable[..., list]]:
    return list(_withdrawal_impacts)
