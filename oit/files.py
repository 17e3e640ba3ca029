from django.http import FileResponse, Http404

from core.files import private_file_response
from oit.models import EvidenceRevision


def revision_response(revision: EvidenceRevision, *, public: bool = False) -> FileResponse:
    """An evidence file under the name it was uploaded with."""
    if not revision.file:
        raise Http404("This revision is a link, not a file.")
    return private_file_response(
        revision.file, filename=revision.original_name, content_type=revision.content_type, public=public
    )
