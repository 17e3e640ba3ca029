from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def private_file_response(file: FieldFile, *, filename: str, content_type: str, public: bool = False) -> FileResponse:
    """Send a stored file as a download under its display name.

    Always an attachment with the type decided at upload and `nosniff`, so a browser never
    renders an uploaded file as a page of this site.
    """
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
