from smtplib import SMTPException

from celery import shared_task

from accounts.models import Invitation, Membership, User


@shared_task(bind=True, max_retries=5)
def send_invitation(self, invitation_id: int, base_url: str) -> None:
    """E-mail the invitation's latest link; one already accepted or revoked is not sent."""
    from accounts.emails import send_invitation_email
    from accounts.services import invitation_token

    invitation = Invitation.objects.select_related("office", "unit", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return
    try:
        send_invitation_email(invitation=invitation, token=invitation_token(invitation), base_url=base_url)
    except (OSError, SMTPException) as exc:  # the mail server is away: worth another try
        raise self.retry(exc=exc, countdown=60) from exc


@shared_task(bind=True, max_retries=5)
def send_password_reset(self, user_id: int, base_url: str, office_id: int | None = None) -> None:
    """E-mail a password-reset link that an office's administrator asked for."""
    from accounts.emails import send_password_reset_email

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    membership = Membership.objects.select_related("office").filter(user=user, office_id=office_id).first()
    try:
        send_password_reset_email(user=user, base_url=base_url, office=membership.office if membership else None)
    except (OSError, SMTPException) as exc:
        raise self.retry(exc=exc, countdown=60) from exc


@shared_task(bind=True, max_retries=5)
def send_email_change(self, user_id: int, email: str, base_url: str) -> None:
    """E-mail the link that confirms a new address, and tell the current address about it."""
    from accounts.emails import send_email_change_emails

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    try:
        send_email_change_emails(user=user, email=email, base_url=base_url)
    except (OSError, SMTPException) as exc:
        raise self.retry(exc=exc, countdown=60) from exc
