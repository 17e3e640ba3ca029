"""The project's own system checks. Deploy checks run with `manage.py check --deploy`."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

SITE_URL_HINT = "Set SITE_URL to the site's public address, e.g. https://ita.example.go.th"


def _is_this_machine(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(deploy=True)
def check_site_url(app_configs, **kwargs) -> list[Warning]:
    """Workers write SITE_URL into PDF reports, which are printed and published: a missing or local
    address would send readers nowhere, long after the report was made."""
    site_url = settings.SITE_URL
    if not site_url:
        return [
            Warning("SITE_URL is not set: links in PDF reports have no address.", hint=SITE_URL_HINT, id="core.W001")
        ]
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Warning(f"SITE_URL {site_url!r} is not an http(s) address.", hint=SITE_URL_HINT, id="core.W002")]
    if _is_this_machine(parts.hostname):
        return [
            Warning(
                f"SITE_URL {site_url!r} points at this machine: links in PDF reports lead nowhere.",
                hint=SITE_URL_HINT,
                id="core.W003",
            )
        ]
    return []


@register(deploy=True)
def check_proxy_count(app_configs, **kwargs) -> list[Warning]:
    """Trusting the proxy's X-Forwarded-Proto means a proxy is in front; if AXES_PROXY_COUNT still
    says none, every client's address is the proxy's, so a few wrong passwords from anyone lock
    any account out for everyone (and one client's failures are never told from another's)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXY_COUNT:
        return [
            Warning(
                "DJANGO_SECURE_PROXY_SSL_HEADER is on but AXES_PROXY_COUNT is 0: login throttling sees every "
                "client as the proxy, so anyone can lock any account out.",
                hint="Set AXES_PROXY_COUNT to the number of proxies in front of the app (1 for one TLS proxy).",
                id="core.W004",
            )
        ]
    return []
