"""Send a test notification to one person, to check the channels end to end."""

import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership
from notifications.delivery import notification_deliver
from notifications.kinds import CHANNEL_NAMES, recipient_language
from notifications.models import Channel, Notification
from notifications.services import notification_send


class Command(BaseCommand):
    help = "Send a test notification to USERNAME on the chosen channels (all of them by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--channel", action="append", choices=Channel.values, help="app, email or line; may be repeated"
        )
        parser.add_argument("--office", help="the office slug (for LINE); the person's first office by default")

    def handle(self, *args, username: str, channel: list[str] | None, office: str | None, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        memberships = Membership.objects.filter(user=user).select_related("office").order_by("pk")
        if office:
            memberships = memberships.filter(office__slug=office)
        membership = memberships.first()
        if office and membership is None:
            raise CommandError(f"{username} is not a member of {office!r}.")
        channels = channel or list(Channel.values)
        language = recipient_language(user)
        sent = []
        for name in channels:
            with transaction.atomic():
                rows = notification_send(
                    recipients=[user],
                    event="test",
                    key=f"test:{uuid.uuid4()}",
                    office=membership.office if membership else None,
                    channels=[name],
                    context={"channel": CHANNEL_NAMES[name].get(language[:2], name)},
                )
            sent += rows
        for row in sent:
            # Deliver here and now (a no-op when a worker was quicker), so the answer is final.
            notification_deliver(notification_id=row.pk)
            row = Notification.objects.get(pk=row.pk)
            detail = f": {row.last_error}" if row.last_error else ""
            self.stdout.write(f"{row.channel}: {row.get_status_display()}{detail}")
