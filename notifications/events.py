"""Hook points for the other apps' services: one call per event, inside the service's
transaction, e.g. `events.item_returned(item=item, reason=reason, actor=membership)`.

They take domain objects duck-typed (an item has `assignees`, `unit_id`, `version`,
`assessment.office` and `get_absolute_url()`; a report job has `requested_by`), so this app
imports none of the apps above it. `actor` may be a user or a membership; the actor is never
notified of their own action. Each event's key makes a repeated call add nothing.
"""

import hashlib

from django.contrib.auth import get_user_model

from accounts.models import Role
from core.thai import format_be_date
from notifications.services import in_both_languages, notification_send, office_admins


def _digest(text: str) -> str:
    """A short fingerprint of a text that is the same in every process (unlike hash())."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _user(actor):
    return getattr(actor, "user", actor)


def _name(actor) -> str:
    user = _user(actor)
    return getattr(user, "display_name", "") or (str(user) if user is not None else "")


def _without(users, actor) -> list:
    actor = _user(actor)
    actor_pk = getattr(actor, "pk", None)
    return [user for user in users if user is not None and user.pk != actor_pk]


def _item_people(item) -> list:
    """Who is responsible for the item: its named staff, else the members of its unit, and
    whoever submitted it."""
    people = {user.pk: user for user in item.assignees.all()}
    if not people and getattr(item, "unit_id", None):
        users = get_user_model().objects.filter(
            memberships__unit_id=item.unit_id, memberships__office=item.assessment.office
        )
        people = {user.pk: user for user in users}
    submitter = getattr(item, "submitted_by", None)
    if submitter is not None:
        people.setdefault(submitter.pk, submitter)
    return list(people.values())


def _item_context(item, actor, **extra) -> dict:
    return {"item": str(item), "office": str(item.assessment.office), "actor": _name(actor), **extra}


def _item_event(event: str, item, actor, recipients, *, key_part=None, **context) -> list:
    return notification_send(
        recipients=_without(recipients, actor),
        event=event,
        key=f"{event}:{item.pk}:{key_part if key_part is not None else item.version}",
        office=item.assessment.office,
        obj=item,
        context=_item_context(item, actor, **context),
    )


def item_assigned(*, item, assignees=None, actor=None) -> list:
    """`assignees`: the people named (default: the item's); the unit's members when none."""
    assignees = list(assignees) if assignees is not None else list(item.assignees.all())
    people = assignees or _item_people(item)
    due = ""
    if getattr(item, "due_date", None):
        due = in_both_languages(lambda: format_be_date(item.due_date))
        due = {"th": f" กำหนดส่ง {due['th']}", "en": f" Due {due['en']}."}
    return _item_event("item_assigned", item, actor, people, due=due)


def item_returned(*, item, reason: str, actor=None) -> list:
    return _item_event("item_returned", item, actor, _item_people(item), reason=reason)


def item_submitted(*, item, actor=None) -> list:
    """To the committee (the review queue); to the administrators when there is no committee."""
    office = item.assessment.office
    users = get_user_model().objects.filter(memberships__office=office, memberships__role=Role.COMMITTEE)
    reviewers = list(users) or office_admins(office)
    return _item_event("item_submitted", item, actor, reviewers)


def item_approved(*, item, actor=None) -> list:
    if getattr(item, "status", "approved") != "approved":
        return []  # one approval of several: the item is not approved yet
    return _item_event("item_approved", item, actor, _item_people(item))


def item_published(*, item, actor=None) -> list:
    return _item_event("item_published", item, actor, _item_people(item))


def item_unpublished(*, item, reason: str, actor=None) -> list:
    return _item_event("item_unpublished", item, actor, _item_people(item), reason=reason)


def item_commented(*, item, comment, actor=None) -> list:
    """`comment`: the comment's event (its `note` is the text) or the text itself."""
    text = getattr(comment, "note", comment)
    key_part = f"c{comment.pk}" if hasattr(comment, "pk") else f"c{_digest(text)}"
    return _item_event("item_commented", item, actor, _item_people(item), key_part=key_part, comment=text)


def _report_event(event: str, job, **context) -> list:
    office = job.assessment.office
    return notification_send(
        recipients=[job.requested_by],
        event=event,
        key=f"{event}:{job.pk}:{getattr(job, 'attempts', 0)}",
        office=office,
        obj=job,
        context={"report": getattr(job, "label", str(job)), "office": str(office), **context},
    )


def report_ready(*, job) -> list:
    return _report_event("report_ready", job)


def report_failed(*, job, error: str = "") -> list:
    return _report_event("report_failed", job, error=error or getattr(job, "error", ""))


def _stage_context(stage) -> dict:
    return {
        "stage": stage.code,
        "assessment": str(stage.assessment),
        "date": in_both_languages(lambda: format_be_date(stage.end)),
    }


def _stage_event(event: str, stage, key: str, **context) -> list:
    office = stage.assessment.office
    return notification_send(
        recipients=office_admins(office),
        event=event,
        key=key,
        office=office,
        url=stage.assessment.get_absolute_url(),
        context={**_stage_context(stage), **context},
    )


def stage_due(*, stage) -> list:
    return _stage_event("stage_due", stage, f"stage_due:{stage.pk}:{stage.end}")


def stage_late(*, stage) -> list:
    return _stage_event("stage_late", stage, f"stage_late:{stage.pk}:{stage.end}")


def gate_blocking(*, stage, problems: list[str] | dict[str, list[str]], day=None) -> list:
    """What keeps a stage from closing: a list, or {"th": [...], "en": [...]}. With `day` (the
    daily watch) told once per stage that day, else once per stage and set of problems."""
    by_language = problems if isinstance(problems, dict) else {"th": problems}
    text = {language: "\n".join(f"• {problem}" for problem in lines) for language, lines in by_language.items()}
    key = f"gate_blocking:{stage.pk}:{day}" if day else f"gate_blocking:{stage.pk}::{_digest(text['th'])}"
    return _stage_event("gate_blocking", stage, key, problems=text)


def respondent_pace_behind(*, assessment, progress, day=None) -> list:
    """`progress`: one instrument's progress (code, done, required, projected, deadline), as
    `ita.selectors.respondent_progress` gives it. To administrators and the committee."""
    office = assessment.office
    users = get_user_model().objects.filter(
        memberships__office=office, memberships__role__in=[Role.ADMIN, Role.COMMITTEE]
    )
    deadline = getattr(progress, "deadline", None)
    return notification_send(
        recipients=list(users),
        event="respondent_pace",
        key=f"respondent_pace:{assessment.pk}:{progress.code}:{day or ''}",
        office=office,
        url=assessment.get_absolute_url(),
        context={
            "assessment": str(assessment),
            "instrument": str(progress.code),
            "done": progress.done,
            "required": getattr(progress, "required", ""),
            "projected": getattr(progress, "projected", ""),
            "deadline": in_both_languages(lambda: format_be_date(deadline)),
        },
    )


def _link_lines(links: list[dict]) -> dict:
    """One line per link, in each language: the address and, when given, what is wrong with it."""
    texts = {}
    for language in ("th", "en"):
        lines = []
        for link in links:
            reason = link.get("reason") or ""
            if isinstance(reason, dict):
                reason = reason.get(language) or reason.get("th", "")
            lines.append(f"• {link['url']}" + (f" — {reason}" if reason else ""))
        texts[language] = "\n".join(lines)
    return texts


def _link_event(event: str, item, links: list[dict]) -> list:
    office = item.assessment.office
    people = {user.pk: user for user in _item_people(item) + office_admins(office)}
    # Each link's key names one breakage of it, so the same breakage is never told twice.
    key_part = _digest(",".join(sorted(str(link["key"]) for link in links)))
    return _item_event(event, item, None, people.values(), key_part=key_part, links=_link_lines(links))


def link_broken(*, item, links: list[dict]) -> list:
    """Published links of the item that the link watch found broken in one run: each a dict
    with `url`, `reason` (text, or {"th": ..., "en": ...}) and `key` (the link and its breakage
    number). To the item's staff and the office's administrators, once per breakage."""
    return _link_event("link_broken", item, links) if links else []


def link_recovered(*, item, links: list[dict]) -> list:
    """Links of the item that work again (same shape as `link_broken`, `reason` unused)."""
    return _link_event("link_recovered", item, links) if links else []
