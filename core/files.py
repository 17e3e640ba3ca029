import hashlib

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.http import http_date


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
