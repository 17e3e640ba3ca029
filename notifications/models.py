"""The outbox and what decides where a notification goes.

Every notification is a row, written in the transaction of the change that caused it. Rows for
the app are visible at once; e-mail and LINE rows are delivered by a worker after commit, each
claimed by a conditional update so that it is sent once (see `delivery`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Channel(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("E-mail")
    LINE = "line", "LINE"


class Notification(BaseModel):
    """One message to one person on one channel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    # A message sent is a record of what the office told the person; people are deactivated, never deleted.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=10, default="th")
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), max_length=10000, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What the caller says makes this message the same as an earlier one (the item, its version):
    # sending the same event twice, or a retried transaction, adds no second message.
    key = models.CharField(max_length=200)
    urgent = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Not before this moment: quiet hours, a rate limit's Retry-After, or the backoff of a retry.
    send_after = models.DateTimeField(null=True, blank=True)
    # When the row was last handed to the task queue; empty when no queue holds it (the queue was
    # unreachable, or the row is held), so the periodic requeue sends it once it is due.
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Sent with every LINE push (X-Line-Retry-Key), so that LINE itself drops a second delivery.
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "channel", "key"], name="notification_unique_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["status", "send_after"], name="notification_due"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.recipient_id} · {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Preference(BaseModel):
    """The channels one person chose for one kind of event; without a row the event's defaults apply."""

    # CASCADE: a choice of the person's own, no record of the office.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    channels = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="preference_unique_event")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.event}: {', '.join(self.channels)}"


class PersonalSettings(BaseModel):
    """What a person chose for all of their notifications."""

    # CASCADE: like a preference, the person's own choice.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    line_quiet_hours = models.BooleanField(
        _("quiet hours on LINE"),
        default=True,
        help_text=_("No LINE messages at night; they arrive in the morning. Urgent ones still come at once."),
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user_id)


class LineChannel(BaseModel):
    """An office's LINE Official Account (Messaging API channel). The secret and the token are
    never shown back in a form."""

    office = models.OneToOneField("accounts.Office", on_delete=models.CASCADE, related_name="line_channel")
    channel_secret = models.CharField(_("channel secret"), max_length=100)
    access_token = models.CharField(_("channel access token"), max_length=1000)
    basic_id = models.CharField(
        _("LINE ID of the account"),
        max_length=50,
        blank=True,
        help_text=_("e.g. @123abcde; people add it as a friend."),
    )
    display_name = models.CharField(_("name of the account"), max_length=100, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("LINE Official Account")
        verbose_name_plural = _("LINE Official Accounts")

    def __str__(self) -> str:
        return self.basic_id or self.display_name or str(self.office_id)


class LineLink(BaseModel):
    """A person's LINE account, as the office's LINE Official Account knows it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the code")
        LINKED = "linked", _("Linked")
        BLOCKED = "blocked", _("Blocked the account")

    # CASCADE: the address of the person's own LINE account, which must not outlive them; the
    # messages sent there are kept as notifications.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    line_user_id = models.CharField(max_length=64, blank=True)
    code = models.CharField(max_length=20, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="linelink_unique_user"),
            # One LINE account reaches one person of an office.
            models.UniqueConstraint(
                fields=["office", "line_user_id"], condition=~Q(line_user_id=""), name="linelink_unique_line_user"
            ),
            models.UniqueConstraint(fields=["office", "code"], condition=~Q(code=""), name="linelink_unique_code"),
        ]
        verbose_name = _("LINE link")
        verbose_name_plural = _("LINE links")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.office_id} · {self.status}"

    @property
    def is_linked(self) -> bool:
        return self.status == self.Status.LINKED
