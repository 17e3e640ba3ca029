"""The client's address behind reverse proxies, for login throttling."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of whoever sent the request.

    Behind TRUSTED_PROXY_COUNT proxies, each of which appends the address it received the request
    from to X-Forwarded-For, the client is that many entries from the right; entries further left
    were written by the client and cannot be trusted. Without proxies only the connection counts.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
