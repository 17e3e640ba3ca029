"""Optimistic versions: a record two people can edit carries a `version`, the form sends the one
it showed, and a service refuses a save made from an older one (keeping what was typed)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaleVersionError(ValidationError):
    """The record changed after the form was shown; nothing was saved."""

    message = _(
        "Someone else changed this after you opened it, so your change was not saved. "
        "Check the latest version below and try again."
    )

    def __init__(self) -> None:
        super().__init__(self.message, code="stale")


def check_version(
    current: int, expected_version: int | None, *, error: type[StaleVersionError] = StaleVersionError
) -> None:
    """Refuse a save made from a form shown before someone else's save (None: not from a form).
    A module whose conflict message names the record passes its own subclass as `error`."""
    if expected_version is not None and current != expected_version:
        raise error()


def lock_versioned(
    model: type[models.Model],
    pk: int,
    expected_version: int | None,
    *,
    related=(),
    error: type[StaleVersionError] = StaleVersionError,
) -> models.Model:
    """The record, re-read and locked for this transaction (its own row only, so nullable joins in
    `related` work on PostgreSQL); stale if its version moved on."""
    locked = model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    check_version(locked.version, expected_version, error=error)
    return locked


def save_version(obj: models.Model, *fields: str) -> None:
    """Save `fields` as the record's next version."""
    obj.version += 1
    obj.save(update_fields=[*fields, "version", "updated_at"])
