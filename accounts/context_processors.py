from django.utils.functional import SimpleLazyObject

from core.thai import ThaiCollate


def memberships(request):
    """The offices the user belongs to, for the office switcher; read only when a page uses it."""

    def load():
        if not request.user.is_authenticated:
            return []
        return list(request.user.memberships.select_related("office").order_by(ThaiCollate("office__short_name")))

    return {"user_memberships": SimpleLazyObject(load)}
