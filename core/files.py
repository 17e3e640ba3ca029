"""Stored files: sending them (`private_file_response`), and taking them out of storage once no
row points at them (`delete_file_on_commit` when a service drops a row or replaces its file, and
`sweep_orphan_files` for what was left behind: an upload whose transaction rolled back, a row
deleted by a cascade or in the Django admin)."""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.http import http_date

logger = logging.getLogger(__name__)


def private_file_response(file: FieldFile, *, filename: str, content_type: str, public: bool = False) -> FileResponse:
    """Send a stored file as a download under its display name.

    Always an attachment with the type decided at upload and `nosniff`, so a browser never
    renders an uploaded file as a page of this site.

    A public file (a published report or OIT document) can be taken off the public page at any
    time, so no cache may serve it without asking again: `no-cache` with an ETag and
    Last-Modified, which `core.middleware.FileRevalidationMiddleware` answers with 304 while the
    file is unchanged and still published, and which gets the 404 once it is withdrawn.
    """
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        response["Cache-Control"] = "public, no-cache"
        _add_validators(response, file)
    else:
        response["Cache-Control"] = "private, no-store"
    return response


def _add_validators(response: FileResponse, file: FieldFile) -> None:
    """An ETag from the stored file's name, size and time (a regenerated report may reuse its
    name), and Last-Modified when the storage knows the time."""
    try:
        modified = file.storage.get_modified_time(file.name)
    except (NotImplementedError, OSError):
        modified = None
    size = response.get("Content-Length", "")
    stamp = modified.isoformat() if modified else ""
    digest = hashlib.sha256(f"{file.name}|{size}|{stamp}".encode()).hexdigest()[:32]
    response["ETag"] = f'"{digest}"'
    if modified:
        response["Last-Modified"] = http_date(modified.timestamp())


def delete_file_on_commit(file: FieldFile) -> None:
    """Take a stored file out of storage once the transaction that dropped (or replaced) its row
    commits. On a rollback the row still points at the file, so it stays."""
    if not file:
        return
    storage, name = file.storage, file.name
    transaction.on_commit(lambda: _delete(storage, name))


def _delete(storage: Storage, name: str) -> bool:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("Could not delete the stored file %s; the orphan sweep will try again", name, exc_info=True)
        return False
    logger.info("Deleted the stored file %s", name)
    return True


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every file field of every model of the project (`FileField` and `ImageField`)."""
    return [
        (model, model_field)
        for model in apps.get_models()
        if not model._meta.proxy
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.FileField)
    ]


def _storages() -> dict[str, tuple[Storage, list[tuple[type[models.Model], models.FileField]]]]:
    """The storages the file fields write to, each with the fields that write there; two fields
    share a storage when they share its folder."""
    found: dict[str, tuple[Storage, list]] = {}
    for model, model_field in file_fields():
        storage = model_field.storage
        key = f"{type(storage).__module__}.{type(storage).__qualname__}:{getattr(storage, 'location', '')}"
        found.setdefault(key, (storage, []))[1].append((model, model_field))
    return found


def _referenced(fields: list[tuple[type[models.Model], models.FileField]]) -> set[str]:
    """The names of the files that rows point at (deleted-looking rows included: any row counts)."""
    names: set[str] = set()
    for model, model_field in fields:
        column = model_field.attname
        rows = model._base_manager.exclude(**{column: ""}).exclude(**{f"{column}__isnull": True})
        names.update(rows.values_list(column, flat=True).iterator())
    return names


def _walk(storage: Storage, folder: str = ""):
    """Every file name of the storage, folder by folder (hidden files and folders left alone)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        if not name.startswith("."):
            yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        if not name.startswith("."):
            yield from _walk(storage, f"{folder}/{name}" if folder else name)


@dataclass
class SweepResult:
    examined: int = 0
    young: int = 0  # files without a row, but too recent to tell from an upload still under way
    orphans: list[str] = field(default_factory=list)  # deleted, or that would be on a dry run
    limited: bool = False  # stopped at the limit; the next run takes the rest


def sweep_orphan_files(
    *, grace: timedelta | None = None, limit: int | None = None, dry_run: bool = False, now=None
) -> SweepResult:
    """Delete stored files that no row of any model points at and that are older than `grace`
    (FILES_SWEEP_GRACE_HOURS), at most `limit` (FILES_SWEEP_MAX) in one run.

    The grace period keeps a file whose row is still being written: an upload is stored before
    its transaction commits. Rows are read after the files are listed, so a row committed while
    the storage is walked still keeps its file."""
    grace = timedelta(hours=settings.FILES_SWEEP_GRACE_HOURS) if grace is None else grace
    limit = settings.FILES_SWEEP_MAX if limit is None else limit
    cutoff = (now or timezone.now()) - grace
    result = SweepResult()
    for storage, fields in _storages().values():
        listed = []
        for name in _walk(storage):
            result.examined += 1
            try:
                listed.append((name, storage.get_modified_time(name)))
            except (NotImplementedError, OSError):
                continue  # a file whose time cannot be read is never taken for an old one
        referenced = _referenced(fields)
        for name, modified in listed:
            if name in referenced:
                continue
            if modified >= cutoff:
                result.young += 1
            elif len(result.orphans) >= limit:
                result.limited = True
            elif dry_run or _delete(storage, name):
                result.orphans.append(name)
    logger.info(
        "File sweep%s: %d files examined, %d without a row %s, %d recent ones kept%s",
        " (dry run)" if dry_run else "",
        result.examined,
        len(result.orphans),
        "to delete" if dry_run else "deleted",
        result.young,
        "; stopped at the limit" if result.limited else "",
    )
    return result
