from django.http import FileResponse, Http404

from oit.models import EvidenceRevision


def revision_response(revision: EvidenceRevision, *, public: bool = False) -> FileResponse:
    """Send an evidence file as a download under the name it was uploaded with.

    Always an attachment with the type decided at upload and `nosniff`, so a browser never
    renders an uploaded file as a page of this site.
    """
    if not revision.file:
        raise Http404("This revision is a link, not a file.")
    try:
        handle = revision.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=revision.original_name, content_type=revision.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
