from django.utils.translation import get_language


def localized(obj: object, field: str) -> str:
    """`obj.<field>_en` when the UI is in English and it is filled in, else `obj.<field>_th`."""
    thai = getattr(obj, f"{field}_th", "")
    if (get_language() or "th").startswith("en"):
        return getattr(obj, f"{field}_en", "") or thai
    return thai
