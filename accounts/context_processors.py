from django.utils.functional import SimpleLazyObject

from core.thai import thai_sort_key


def memberships(request):
    """The offices the user belongs to, for the office switcher; read only when a page uses it."""

    def load():
        if not request.user.is_authenticated:
            return []
        memberships = request.user.memberships.select_related("office")
        return sorted(memberships, key=lambda m: thai_sort_key(m.office.short_name))

    return {"user_memberships": SimpleLazyObject(load)}
