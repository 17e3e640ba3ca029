"""E-mail through Django's mail (EMAIL_URL): a Thai or English template, plain text and HTML,
with a signed link that turns that kind of mail off."""

import smtplib

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications import kinds
from notifications.delivery import PermanentError, Skipped, TransientError
from notifications.models import Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
LANGUAGES = ("th", "en")


def absolute_url(path: str) -> str:
    """A link for a message read outside the site (SITE_URL in front of a path)."""
    if not path or "://" in path:
        return path
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(*, user_id: int, event: str) -> str:
    return signing.dumps({"u": user_id, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """The person and event a link was made for, or None when it was not made by this site."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or kinds.get(str(data.get("e"))) is None:
        return None
    return data["u"], data["e"]


def unsubscribe_url(notification: Notification) -> str:
    token = unsubscribe_token(user_id=notification.recipient_id, event=notification.event)
    return absolute_url(reverse("notifications:unsubscribe") + "?token=" + token)


def render(notification: Notification) -> EmailMultiAlternatives:
    language = notification.language if notification.language in LANGUAGES else "th"
    kind = kinds.get(notification.event)
    unsubscribe = unsubscribe_url(notification)
    context = {
        "notification": notification,
        "link": absolute_url(notification.url),
        "unsubscribe": unsubscribe,
        "event_label": kind.label_for(language) if kind else notification.event,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        text = render_to_string(f"notifications/email/message.{language}.txt", context)
        html = render_to_string(f"notifications/email/message.{language}.html", context)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=text,
        to=[notification.recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same message keeps its identity on every try, so a mail client shows it once.
            "Message-ID": f"<notification-{notification.pk}-{notification.retry_key}@ita-spdca>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send(notification: Notification) -> None:
    if not notification.recipient.email:
        raise Skipped(_("The person has no e-mail address."))
    message = render(notification)
    try:
        message.connection = get_connection(timeout=settings.NOTIFICATIONS_NETWORK_TIMEOUT)
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentError(_("The mail server refused the address: %(error)s") % {"error": exc}) from exc
        raise TransientError(_("The mail server deferred the message: %(error)s") % {"error": exc}) from exc
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentError(_("The mail server refused the message: %(error)s") % {"error": exc}) from exc
        raise TransientError(_("The mail server deferred the message: %(error)s") % {"error": exc}) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(_("The mail server could not be reached: %(error)s") % {"error": exc}) from exc
