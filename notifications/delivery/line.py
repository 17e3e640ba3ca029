"""LINE through the office's LINE Official Account, with plain HTTP as the Messaging API
documents it (no SDK: three endpoints and a signature do not need one).

- push: POST {LINE_API_BASE_URL}/v2/bot/message/push, `Authorization: Bearer <token>`, JSON
  `{"to": <userId>, "messages": [{"type": "text", "text": <at most 5000 characters>}]}`, with
  `X-Line-Retry-Key` so that LINE accepts a retried request once (a repeat gets 409).
- bot info: GET /v2/bot/info, to check a token and learn the account's LINE ID.
- webhook: `X-Line-Signature` is the base64 HMAC-SHA256 of the raw body with the channel secret.
"""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.delivery import PermanentError, Skipped, TransientError
from notifications.models import LineChannel, LineLink, Notification

TEXT_LIMIT = 5000


class LineApiError(Exception):
    def __init__(self, status: int | None, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{status} {message}" if status else message)
        self.status, self.message, self.retry_after = status, message, retry_after


def signature_is_valid(*, channel_secret: str, body: bytes, signature: str) -> bool:
    expected = base64.b64encode(hmac.new(channel_secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.encode())


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(value) - timezone.now()).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def _call(method: str, path: str, token: str, payload: dict | None = None, headers: dict | None = None) -> dict:
    url = settings.LINE_API_BASE_URL.rstrip("/") + path
    if not url.startswith(("https://", "http://")):
        raise LineApiError(None, f"LINE_API_BASE_URL is not an http(s) address: {url}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        method=method,
        data=json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFICATIONS_NETWORK_TIMEOUT) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read() or b"{}").get("message", "")
        except (ValueError, AttributeError):
            message = ""
        raise LineApiError(exc.code, message or exc.reason, _retry_after(exc.headers.get("Retry-After"))) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise LineApiError(None, str(getattr(exc, "reason", exc))) from exc
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {}


def push(*, token: str, to: str, text: str, retry_key: str | None = None) -> None:
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    headers = {"X-Line-Retry-Key": retry_key} if retry_key else {}
    try:
        _call("POST", "/v2/bot/message/push", token, {"to": to, "messages": [{"type": "text", "text": text}]}, headers)
    except LineApiError as exc:
        if exc.status == 409 and retry_key:
            return  # LINE already accepted this very message (an earlier try whose answer was lost)
        raise


def bot_info(*, token: str) -> dict:
    return _call("GET", "/v2/bot/info", token)


def message_text(notification: Notification) -> str:
    from notifications.delivery.email import absolute_url

    parts = [notification.subject, notification.body, absolute_url(notification.url)]
    return "\n\n".join(part for part in parts if part)


def send(notification: Notification) -> None:
    channel = LineChannel.objects.filter(office_id=notification.office_id).first()
    if channel is None:
        raise Skipped(_("The office has no LINE Official Account connected."))
    link = LineLink.objects.filter(user_id=notification.recipient_id, office_id=notification.office_id).first()
    if link is None or not link.is_linked:
        raise Skipped(_("The person has not linked LINE, or blocked the office's account."))
    try:
        push(
            token=channel.access_token,
            to=link.line_user_id,
            text=message_text(notification),
            retry_key=str(notification.retry_key),
        )
    except LineApiError as exc:
        if exc.status in (400, 403):
            # LINE refuses pushes to someone who blocked the account (or never added it): no retry.
            LineLink.objects.filter(pk=link.pk).update(status=LineLink.Status.BLOCKED, updated_at=timezone.now())
            raise PermanentError(
                _("LINE refused the message (%(error)s): the person may have blocked the office's account.")
                % {"error": exc}
            ) from exc
        if exc.status == 401:
            raise PermanentError(_("LINE refused the office's access token: connect the account again.")) from exc
        if exc.status is None or exc.status == 429 or exc.status >= 500:
            raise TransientError(_("LINE is unavailable: %(error)s") % {"error": exc}, exc.retry_after) from exc
        raise PermanentError(_("LINE refused the message: %(error)s") % {"error": exc}) from exc
