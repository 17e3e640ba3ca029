"""Optimistic versions: a record two people can edit carries a `version`, the form sends the one
it showed, and a service refuses a save made from an older one (keeping what was typed)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaleVersionError(ValidationError):
    """The record changed after the form was shown; nothing was saved."""

    message = _(
        "Someone else changed this after you opened it, so your change was not saved. "
        "Check the latest version below and try again."
    )

    def __init__(self) -> None:
        super().__init__(self.message, code="stale")
