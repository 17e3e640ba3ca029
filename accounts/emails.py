"""The e-mails about accounts, written in Thai (the site's language) and sent with Django's mail.

Workers have no request, so the links start with the address of the page that asked for the
e-mail (`base_url`), which ALLOWED_HOSTS already vouched for.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation


def send_invitation_email(*, invitation: Invitation, token: str, base_url: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "office": invitation.office,
            "link": base_url.rstrip("/") + reverse("accounts:invitation-accept", args=[token]),
            "days": settings.INVITATION_MAX_AGE_DAYS,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])


def send_password_reset_email(*, user, base_url: str, office=None) -> None:
    """The same e-mail and link as "forgot password" (Django's own templates and token), asked
    for by the office's administrator."""
    parts = urlsplit(base_url)
    context = {
        "email": user.email,
        "domain": parts.netloc,
        "site_name": "ITA-SPDCA",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": parts.scheme or "https",
        "office": office,
    }
    with translation.override(settings.LANGUAGE_CODE):
        PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            None,
            user.email,
        )


def send_email_change_emails(*, user, email: str, base_url: str) -> None:
    """The link that confirms a new address goes to that address; the current address, if any,
    only hears that a change was asked for (no link), so its owner can act if it was not them."""
    from accounts.services import email_change_token  # services enqueue the task that calls this

    token = email_change_token(user=user, email=email)
    context = {
        "user": user,
        "email": email,
        "link": base_url.rstrip("/") + reverse("accounts:email-confirm", args=[token]),
        "days": settings.EMAIL_CHANGE_MAX_AGE_DAYS,
    }
    _send("accounts/email/email_change", context, email)
    if user.email:
        _send("accounts/email/email_change_notice", context, user.email)


def _send(template: str, context: dict, to: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])
