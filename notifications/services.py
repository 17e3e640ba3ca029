"""Notifications: write them in the caller's transaction, deliver them after commit, and the
settings that decide where they go (preferences, the office's LINE account, LINE links).

`notification_send` is the one way in. The hooks in `notifications.events` call it for the
other apps' events; the daily digest and the stage watch are built here on beat.
"""

import logging
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import partial

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from accounts.models import Membership, Office, Role
from accounts.services import audit_record
from core.thai import format_be_date
from notifications import kinds
from notifications.delivery import line as line_api
from notifications.delivery import line_held_until, quiet_hours_end
from notifications.models import Channel, LineChannel, LineLink, Notification, PersonalSettings, Preference

logger = logging.getLogger(__name__)
EXTERNAL = (Channel.EMAIL, Channel.LINE)


# --- writing and delivering ------------------------------------------------------------------


def in_both_languages(render) -> dict:
    """{"th": render(), "en": render()} with each language active: for context values (dates,
    names of things) that read differently in Thai and English."""
    texts = {}
    for language in ("th", "en"):
        with translation.override(language):
            texts[language] = str(render())
    return texts


def _resolve(context: dict, language: str) -> dict:
    """The context's strings in one language: a value may be a {"th": ..., "en": ...} dict."""
    resolved = {}
    for name, value in context.items():
        if isinstance(value, dict):
            value = value.get(language) or value.get("th", "")
        resolved[name] = "" if value is None else str(value)
    return resolved


def _available_channels(users: list, office: Office | None) -> dict[int, set[str]]:
    """The channels that can reach each person: the app always, e-mail with an address, LINE
    when the office's account is connected and the person linked it."""
    linked = set()
    if office is not None and LineChannel.objects.filter(office=office).exists():
        linked = set(
            LineLink.objects.filter(office=office, user__in=users, status=LineLink.Status.LINKED).values_list(
                "user_id", flat=True
            )
        )
    return {
        user.pk: {Channel.APP}
        | ({Channel.EMAIL} if user.email else set())
        | ({Channel.LINE} if user.pk in linked else set())
        for user in users
    }


def chosen_channels(users: list, kind: kinds.EventKind) -> dict[int, set[str]]:
    """The channels each person chose for the kind of event, or its defaults."""
    chosen = {
        user_id: set(channels)
        for user_id, channels in Preference.objects.filter(user__in=users, event=kind.code).values_list(
            "user_id", "channels"
        )
    }
    return {user.pk: chosen.get(user.pk, set(kind.channels)) for user in users}


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable,
    event: str,
    key: str,
    context: dict | None = None,
    office: Office | None = None,
    obj=None,
    url: str = "",
    urgent: bool | None = None,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Write the event's notifications, one per recipient and channel, in the caller's
    transaction, and deliver them once it commits.

    `key` makes it idempotent: the same key for the same person and channel adds nothing. With
    `office`, only its members receive anything. `channels` overrides the people's choices (a
    test message). The link is `url`, or `obj.get_absolute_url()`.
    """
    kind = kinds.get(event)
    if kind is None:
        raise ValueError(f"Unknown notification event {event!r}")
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if office is not None:
        members = set(Membership.objects.filter(office=office, user__in=list(users)).values_list("user_id", flat=True))
        users = {pk: user for pk, user in users.items() if pk in members}
    users = list(users.values())
    if not users:
        return []
    if not url and obj is not None and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    urgent = kind.urgent if urgent is None else urgent
    if channels is not None:
        wanted = {user.pk: set(channels) for user in users}
    else:
        available = _available_channels(users, office)
        wanted = {pk: chosen & available[pk] for pk, chosen in chosen_channels(users, kind).items()}
    now = timezone.now()
    rows = []
    for user in users:
        language = kinds.recipient_language(user, office)
        texts = _resolve(context or {}, language)
        subject, body = kind.text("subject", language, texts)[:255], kind.text("body", language, texts)
        for channel in sorted(wanted[user.pk]):
            row = Notification(
                recipient=user,
                office=office,
                event=event,
                channel=channel,
                language=language,
                subject=subject,
                body=body,
                url=url[:500],
                key=key[:200],
                urgent=urgent,
            )
            if channel == Channel.APP:
                row.status, row.sent_at = Notification.Status.SENT, now
            elif channel == Channel.LINE and not urgent:
                row.send_after = line_held_until(user.pk, now)
            rows.append(row)
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    written = Notification.objects.filter(recipient__in=users, key=key[:200])
    due = written.filter(status=Notification.Status.PENDING, channel__in=EXTERNAL).filter(
        Q(send_after__isnull=True) | Q(send_after__lte=now)
    )
    ids = list(due.values_list("pk", flat=True))
    if ids:
        # After commit, so the worker sees the rows; robust, so that without a broker (tasks run
        # in-process) a mail server that is down never breaks the change that notified.
        transaction.on_commit(partial(notifications_enqueue, ids=ids), robust=True)
    return list(written)


def notifications_enqueue(*, ids: list[int]) -> bool:
    """Hand rows to the workers. When the queue is down they stay pending, with no `enqueued_at`,
    and `notifications_requeue` sends them once it is back."""
    from notifications.tasks import deliver_notification

    # Marked in bulk before they go (a morning's digests are thousands of rows), and unmarked
    # from the first one the queue refused.
    for chunk in _chunks(ids):
        Notification.objects.filter(pk__in=chunk, status=Notification.Status.PENDING).update(enqueued_at=timezone.now())
    for position, pk in enumerate(ids):
        try:
            deliver_notification.apply_async(args=[pk])
        except OperationalError:
            logger.warning("The task queue is unreachable; %s notifications stay pending.", len(ids) - position)
            for chunk in _chunks(ids[position:]):
                Notification.objects.filter(pk__in=chunk, status=Notification.Status.PENDING).update(enqueued_at=None)
            return False
    return True


def _chunks(values: list, size: int = 1000) -> Iterable[list]:
    """Slices of a long list of ids, so that no query carries thousands of parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def notifications_requeue(now: datetime | None = None) -> int:
    """Send again what no queue holds any more: rows the queue never got, rows held for quiet
    hours or a retry whose time has come, rows handed over long ago and still pending (the
    broker lost them), and rows whose worker died while sending. A duplicate is harmless: a
    row is claimed once."""
    now = now or timezone.now()
    due = (
        Q(status=Notification.Status.PENDING)
        & (Q(send_after__isnull=True) | Q(send_after__lte=now))
        & (
            Q(enqueued_at__isnull=True)
            | Q(enqueued_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_STALLED_AFTER))
        )
    )
    abandoned = Q(
        status=Notification.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_SEND_TIMEOUT),
    )
    ids = list(
        Notification.objects.filter(due | abandoned)
        .exclude(channel=Channel.APP)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    if ids:
        notifications_enqueue(ids=ids)
    return len(ids)


# --- the inbox --------------------------------------------------------------------------------


def inbox(user):
    return Notification.objects.filter(recipient=user, channel=Channel.APP)


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def notification_mark_read(*, notification: Notification, user) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("Not your notification.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    return inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- preferences ------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, user, choices: dict[str, set[str]], line_quiet_hours: bool) -> None:
    """Save the person's channels for each kind of event they may choose for."""
    for kind in kinds.choosable():
        channels = sorted(set(choices.get(kind.code, set())) & set(Channel.values))
        Preference.objects.update_or_create(user=user, event=kind.code, defaults={"channels": channels})
    PersonalSettings.objects.update_or_create(user=user, defaults={"line_quiet_hours": line_quiet_hours})


@transaction.atomic
def preference_channel_off(*, user, event: str, channel: str = Channel.EMAIL) -> None:
    """Stop one kind of message on one channel (the link at the foot of an e-mail)."""
    kind = kinds.get(event)
    if kind is None:
        raise ValidationError(_("There is no such kind of notification."))
    preference = Preference.objects.select_for_update().filter(user=user, event=event).first()
    channels = set(preference.channels) if preference else set(kind.channels)
    channels.discard(channel)
    Preference.objects.update_or_create(user=user, event=event, defaults={"channels": sorted(channels)})


def quiet_hours_chosen(user) -> bool:
    chosen = PersonalSettings.objects.filter(user=user).values_list("line_quiet_hours", flat=True).first()
    return True if chosen is None else chosen


# --- the office's LINE Official Account -------------------------------------------------------


def _require_admin(membership: Membership, office: Office) -> None:
    if not membership.is_admin or membership.office_id != office.pk:
        raise PermissionDenied(_("Only the office's administrators manage its LINE account."))


@transaction.atomic
def line_channel_save(
    *, office: Office, membership: Membership, channel_secret: str, access_token: str, basic_id: str
) -> LineChannel:
    """Connect the office's LINE Official Account, or change it. A blank secret or token keeps
    the one stored (forms never show them back)."""
    _require_admin(membership, office)
    channel = LineChannel.objects.select_for_update().filter(office=office).first()
    if channel is None:
        if not channel_secret or not access_token:
            raise ValidationError(_("Give the channel secret and the channel access token."))
        channel = LineChannel(office=office)
    channel.channel_secret = channel_secret or channel.channel_secret
    channel.access_token = access_token or channel.access_token
    channel.basic_id = basic_id
    channel.connected_by = membership.user
    channel.save()
    audit_record(
        office=office,
        actor=membership.user,
        action="notifications.line_connected",
        summary=f"LINE Official Account {basic_id}".strip(),
        obj=channel,
    )
    return channel


@transaction.atomic
def line_channel_disconnect(*, office: Office, membership: Membership) -> None:
    """Forget the account and everyone's link to it: LINE user IDs belong to one provider."""
    _require_admin(membership, office)
    LineLink.objects.filter(office=office).delete()
    deleted, _rows = LineChannel.objects.filter(office=office).delete()
    if deleted:
        audit_record(
            office=office,
            actor=membership.user,
            action="notifications.line_disconnected",
            summary="LINE Official Account disconnected",
        )


def line_channel_test(*, office: Office, membership: Membership) -> str:
    """Check the token with LINE (and learn the account's LINE ID), then push a test message
    to the administrator when they have linked their LINE. Returns what happened."""
    _require_admin(membership, office)
    channel = LineChannel.objects.filter(office=office).first()
    if channel is None:
        raise ValidationError(_("Connect the office's LINE Official Account first."))
    try:
        info = line_api.bot_info(token=channel.access_token)
    except line_api.LineApiError as exc:
        raise ValidationError(_("LINE did not accept the access token: %(error)s") % {"error": exc}) from exc
    LineChannel.objects.filter(pk=channel.pk).update(
        basic_id=str(info.get("basicId") or channel.basic_id)[:50],
        display_name=str(info.get("displayName") or channel.display_name)[:100],
    )
    link = LineLink.objects.filter(office=office, user=membership.user, status=LineLink.Status.LINKED).first()
    if link is None:
        return _("LINE accepted the token. Link your own LINE to receive a test message.")
    kind = kinds.get("test")
    language = kinds.recipient_language(membership.user, office)
    text = kind.text("subject", language, {}) + "\n" + kind.text("body", language, {"channel": "LINE"})
    try:
        line_api.push(token=channel.access_token, to=link.line_user_id, text=text)
    except line_api.LineApiError as exc:
        raise ValidationError(_("LINE did not deliver the test message: %(error)s") % {"error": exc}) from exc
    return _("A test message was sent to your LINE.")


# --- a person's LINE link ---------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_PATTERN = re.compile(r"ITA[\s-]*([A-Z0-9]{6})\b", re.IGNORECASE)


def _new_code() -> str:
    return "ITA-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


@transaction.atomic
def line_link_code_create(*, office: Office, membership: Membership) -> LineLink:
    """A one-time code the person sends to the office's LINE account to link their LINE."""
    if membership.office_id != office.pk:
        raise PermissionDenied("Not a member of this office.")
    if not LineChannel.objects.filter(office=office).exists():
        raise ValidationError(_("The office has not connected a LINE Official Account yet."))
    link, _created = LineLink.objects.select_for_update().get_or_create(office=office, user=membership.user)
    if link.is_linked:
        raise ValidationError(_("Your LINE is already linked. Unlink it first to link another."))
    link.code = _new_code()
    while LineLink.objects.filter(office=office, code=link.code).exclude(pk=link.pk).exists():
        link.code = _new_code()
    link.code_expires_at = timezone.now() + timedelta(minutes=settings.LINE_LINK_CODE_MINUTES)
    link.status, link.line_user_id = LineLink.Status.PENDING, ""
    link.save(update_fields=["code", "code_expires_at", "status", "line_user_id", "updated_at"])
    return link


@transaction.atomic
def line_unlink(*, office: Office, membership: Membership) -> None:
    if membership.office_id != office.pk:
        raise PermissionDenied("Not a member of this office.")
    deleted, _rows = LineLink.objects.filter(office=office, user=membership.user).delete()
    if deleted:
        audit_record(
            office=office,
            actor=membership.user,
            action="notifications.line_unlinked",
            summary=f"{membership.user.display_name} unlinked LINE",
        )


@transaction.atomic
def line_webhook_handle(*, channel: LineChannel, events: list) -> int:
    """Act on the events LINE sent to the office's webhook (its signature already checked): a
    message with a valid code links the sender's LINE; unfollow (blocked) and follow mark the
    link. Returns how many links changed."""
    changed = 0
    now = timezone.now()
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict):
            continue
        source = event.get("source") or {}
        line_user_id = source.get("userId") if isinstance(source, dict) else None
        if not isinstance(line_user_id, str) or not line_user_id:
            continue
        line_user_id = line_user_id[:64]
        links = LineLink.objects.filter(office_id=channel.office_id, line_user_id=line_user_id)
        kind = event.get("type")
        if kind == "unfollow":
            changed += links.update(status=LineLink.Status.BLOCKED, updated_at=now)
        elif kind == "follow":
            changed += links.filter(status=LineLink.Status.BLOCKED).update(
                status=LineLink.Status.LINKED, updated_at=now
            )
        elif kind == "message":
            message = event.get("message") or {}
            text = message.get("text") if isinstance(message, dict) else None
            match = CODE_PATTERN.search(text) if isinstance(text, str) else None
            if match:
                changed += _link_by_code(channel, "ITA-" + match.group(1).upper(), line_user_id, now)
    return changed


def _link_by_code(channel: LineChannel, code: str, line_user_id: str, now) -> int:
    link = (
        LineLink.objects.select_for_update()
        .select_related("user")
        .filter(office_id=channel.office_id, code=code, code_expires_at__gte=now, status=LineLink.Status.PENDING)
        .first()
    )
    if link is None:
        return 0
    # One LINE account reaches one person of the office: it moves to whoever proved it last.
    LineLink.objects.filter(office_id=channel.office_id, line_user_id=line_user_id).exclude(pk=link.pk).delete()
    link.line_user_id, link.status, link.code, link.code_expires_at = line_user_id, LineLink.Status.LINKED, "", None
    link.linked_at = now
    link.save(update_fields=["line_user_id", "status", "code", "code_expires_at", "linked_at", "updated_at"])
    audit_record(
        office=channel.office,
        actor=link.user,
        action="notifications.line_linked",
        summary=f"{link.user.display_name} linked LINE",
        obj=link,
    )
    return 1


# --- for the office's administrators ----------------------------------------------------------


def reachability(office: Office) -> list[dict]:
    """Each member of the office and the ways they can be reached."""
    members = list(
        Membership.objects.filter(office=office).select_related("user", "unit").order_by("role", "user__first_name")
    )
    links = dict(LineLink.objects.filter(office=office).values_list("user_id", "status"))
    quiet = dict(
        PersonalSettings.objects.filter(user__in=[m.user for m in members]).values_list("user_id", "line_quiet_hours")
    )
    return [
        {
            "membership": member,
            "email": member.user.email,
            "line": links.get(member.user_id, ""),
            "quiet_hours": quiet.get(member.user_id, True),
        }
        for member in members
    ]


def outbox_counts(office: Office, *, days: int = 14, today: date | None = None) -> list[dict]:
    """Sent and failed messages of the office per day (Asia/Bangkok), newest first."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    rows = (
        Notification.objects.filter(office=office, status__in=[Notification.Status.SENT, Notification.Status.FAILED])
        .annotate(day=TruncDate("updated_at", tzinfo=timezone.get_current_timezone()))
        .filter(day__gte=since)
        .values("day", "status")
        .annotate(n=Count("pk"))
    )
    counts = defaultdict(Counter)
    for row in rows:
        counts[row["day"]][row["status"]] += row["n"]
    return [
        {"day": day, "sent": counts[day]["sent"], "failed": counts[day]["failed"]}
        for day in sorted(counts, reverse=True)
    ]


# --- daily: the digest and the stage watch ----------------------------------------------------


def _responsible(items: list) -> dict[int, set[int]]:
    """item pk → the people responsible: its named staff, else the members of its unit."""
    unnamed_units = {item.unit_id for item in items if item.unit_id and not item.assignees.all()}
    unit_members = defaultdict(set)
    for unit_id, user_id in Membership.objects.filter(unit_id__in=unnamed_units).values_list("unit_id", "user_id"):
        unit_members[unit_id].add(user_id)
    return {
        item.pk: {user.pk for user in item.assignees.all()} or unit_members.get(item.unit_id, set()) for item in items
    }


def digests_send(*, today: date | None = None) -> int:
    """One digest per person per day of their OIT items due in 7, 3 or 1 days or overdue.
    Returns how many people have one today. Runs on beat at NOTIFICATIONS_DIGEST_TIME; running it again
    the same day adds nothing (the key holds the date).

    The queries do not grow with the people: the items with their staff, the unit members and
    the people (4), then `_digests_write`'s, with inserts and updates by the thousand rows
    (bench/digest.py: 245 offices × 40 people)."""
    Item = apps.get_model("oit", "Item")
    today = today or timezone.localdate()
    due_dates = {today + timedelta(days=days): days for days in kinds.DIGEST_DAYS}
    oldest = today - timedelta(days=settings.NOTIFICATIONS_OVERDUE_DAYS)
    items = list(
        Item.objects.filter(Q(due_date__in=list(due_dates)) | Q(due_date__lt=today, due_date__gte=oldest))
        .exclude(status__in=Item.PASSED)
        .select_related("definition", "assessment__office")
        .prefetch_related("assignees")
        .order_by("due_date", "definition__number")
    )
    per_person = defaultdict(list)
    responsible = _responsible(items)
    for item in items:
        for user_id in responsible[item.pk]:
            per_person[user_id].append((due_dates.get(item.due_date, 0), item))
    users = {}
    for chunk in _chunks(list(per_person)):
        users.update(get_user_model().objects.in_bulk(chunk))
    digests = []
    for user_id, entries in per_person.items():
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        office = Counter(item.assessment.office for _days, item in entries).most_common(1)[0][0]
        first = entries[0][1]
        try:
            url = reverse("oit:item-mine", args=[first.assessment.office.slug, first.assessment.fiscal_year])
        except NoReverseMatch:
            url = ""
        sections = in_both_languages(partial(_digest_sections, entries))
        digests.append((user, office, url, {"count": len(entries), "sections": sections}))
    return _digests_write(digests, key=f"digest:{today.isoformat()}")


@transaction.atomic
def _digests_write(digests: list[tuple], *, key: str) -> int:
    """`notification_send` for many people at once, each (user, office, url, context) with a text
    of their own: the same rules (only members of the office, the channels they chose and have,
    LINE held in quiet hours), in a fixed number of queries instead of several per person."""
    kind = kinds.get("digest")
    now = timezone.now()
    user_ids = [user.pk for user, _office, _url, _context in digests]
    members, chosen, linked = set(), {}, set()
    for chunk in _chunks(user_ids):
        members.update(Membership.objects.filter(user_id__in=chunk).values_list("user_id", "office_id"))
        preferences = Preference.objects.filter(user_id__in=chunk, event=kind.code)
        chosen.update(preferences.values_list("user_id", "channels"))
    digests = [digest for digest in digests if (digest[0].pk, digest[1].pk) in members]
    offices = {office.pk for _user, office, _url, _context in digests}
    line_offices = set(LineChannel.objects.filter(office_id__in=offices).values_list("office_id", flat=True))
    if line_offices:
        for chunk in _chunks(user_ids):
            links = LineLink.objects.filter(
                office_id__in=line_offices, user_id__in=chunk, status=LineLink.Status.LINKED
            )
            linked.update(links.values_list("user_id", "office_id"))
    rows, people = [], set()
    for user, office, url, context in digests:
        available = {Channel.APP} | ({Channel.EMAIL} if user.email else set())
        if (user.pk, office.pk) in linked:
            available.add(Channel.LINE)
        wanted = set(chosen.get(user.pk, kind.channels)) & available
        language = kinds.recipient_language(user, office)
        texts = _resolve(context, language)
        subject, body = kind.text("subject", language, texts)[:255], kind.text("body", language, texts)
        for channel in sorted(wanted):
            row = Notification(
                recipient=user,
                office=office,
                event=kind.code,
                channel=channel,
                language=language,
                subject=subject,
                body=body,
                url=url[:500],
                key=key[:200],
                urgent=kind.urgent,
            )
            if channel == Channel.APP:
                row.status, row.sent_at = Notification.Status.SENT, now
            rows.append(row)
            people.add(user.pk)
    _hold_line_for_quiet_hours([row for row in rows if row.channel == Channel.LINE and not row.urgent], now)
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # Only rows no queue holds yet: those of an earlier run today are queued already, or the
    # periodic requeue takes them up.
    due = Notification.objects.filter(
        key=key[:200], event=kind.code, status=Notification.Status.PENDING, channel__in=EXTERNAL, enqueued_at=None
    ).filter(Q(send_after__isnull=True) | Q(send_after__lte=now))
    ids = list(due.values_list("pk", flat=True))
    if ids:
        transaction.on_commit(partial(notifications_enqueue, ids=ids), robust=True)
    return len(people)


def _hold_line_for_quiet_hours(rows: list[Notification], now: datetime) -> None:
    """`line_held_until` for many rows: one query for who turned quiet hours off."""
    release = quiet_hours_end(now)
    if release is None or not rows:
        return
    user_ids = list({row.recipient_id for row in rows})
    noisy = set()
    for chunk in _chunks(user_ids):
        settings_off = PersonalSettings.objects.filter(user_id__in=chunk, line_quiet_hours=False)
        noisy.update(settings_off.values_list("user_id", flat=True))
    for row in rows:
        if row.recipient_id not in noisy:
            row.send_after = release


def _digest_sections(entries: list) -> str:
    language = (translation.get_language() or "th")[:2]
    sections = []
    for days in (0, 1, 3, 7):
        lines = [
            f"• {item.code} {item.definition.name_th} ({item.assessment.office.short_name}) — "
            f"{format_be_date(item.due_date)}"
            for entry_days, item in entries
            if entry_days == days
        ]
        if lines:
            heading = kinds.DIGEST_SECTIONS[days].get(language) or kinds.DIGEST_SECTIONS[days]["th"]
            sections.append(heading + "\n" + "\n".join(lines))
    return "\n\n".join(sections)


STAGE_DUE_DAYS = 3


def stages_watch(*, today: date | None = None) -> int:
    """Tell the office's administrators about SPDCA stages due within STAGE_DUE_DAYS days or
    late (once per stage and end date). Returns how many stages were told about."""
    from notifications import events

    Stage = apps.get_model("spdca", "Stage")
    today = today or timezone.localdate()
    stages = (
        Stage.objects.exclude(status="done")
        .filter(end__isnull=False, end__lte=today + timedelta(days=STAGE_DUE_DAYS))
        .filter(end__gte=today - timedelta(days=settings.NOTIFICATIONS_OVERDUE_DAYS))
        .select_related("assessment__office")
    )
    count = 0
    for stage in stages:
        if stage.end < today:
            events.stage_late(stage=stage)
        else:
            events.stage_due(stage=stage)
        count += 1
    return count


def office_admins(office) -> list:
    User = get_user_model()
    return list(User.objects.filter(memberships__office=office, memberships__role=Role.ADMIN))
