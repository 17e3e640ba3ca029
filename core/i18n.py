from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language


def localized(obj: object, field: str) -> str:
    """`obj.<field>_en` when the UI is in English and it is filled in, else `obj.<field>_th`."""
    return localized_pair(getattr(obj, f"{field}_th", ""), getattr(obj, f"{field}_en", ""))


def localized_pair(thai: str, english: str) -> str:
    """The English text when the UI is in English and there is one, else the Thai: `localized`
    for names read as plain values."""
    if (get_language() or "th").startswith("en"):
        return english or thai
    return thai


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """Show the next pages in `language`, through the cookie the locale middleware reads (the one
    Django's set_language writes); a blank language drops it, so the site's default applies."""
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
