"""What an uploaded file may be (OIT evidence, an IIT screenshot), decided by its content.

The name's extension must agree with what the bytes are: a PDF must start like a PDF, a .docx must
be a ZIP holding a Word document, and so on. HTML, SVG, scripts and archives are refused whatever
they are called. Only this short list is accepted, so a few signatures (and, for the Office
formats, a look inside the ZIP) check it more strictly than a general-purpose sniffer would.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, .xls, .ppt

# extension -> (MIME type, the check of its first bytes, the part an Office ZIP must contain)
KINDS = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-"), None),
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), None),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff"), None),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff"), None),
    ".gif": ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a"), None),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", None),
    ".doc": ("application/msword", lambda head: head.startswith(OLE_SIGNATURE), None),
    ".xls": ("application/vnd.ms-excel", lambda head: head.startswith(OLE_SIGNATURE), None),
    ".ppt": ("application/vnd.ms-powerpoint", lambda head: head.startswith(OLE_SIGNATURE), None),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(b"PK\x03\x04"),
        "word/document.xml",
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head: head.startswith(b"PK\x03\x04"),
        "xl/workbook.xml",
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        lambda head: head.startswith(b"PK\x03\x04"),
        "ppt/presentation.xml",
    ),
}
ACCEPT = ",".join(KINDS)
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
ACCEPT_IMAGES = ",".join(IMAGES)


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def clean_original_name(name: str) -> str:
    """The name to show: the last path part only, without control characters, at most 255 long."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 254 - len(extension)]}.{extension}"[:255] if dot and len(extension) < 20 else name[:255]
    return name if name.strip(".") else "file"


def check_upload(upload: UploadedFile, *, images_only: bool = False) -> CheckedUpload:
    """Validate an uploaded file by size, name and content; return what to store about it."""
    limit = settings.OIT_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    original_name = clean_original_name(upload.name or "")
    extension = PurePath(original_name).suffix.lower()
    if images_only and extension not in IMAGES:
        raise ValidationError(_("Only pictures are accepted: PNG, JPEG, GIF or WebP."), code="type")
    if extension not in KINDS:
        raise ValidationError(
            _(
                "Files of this type are not accepted. Accepted: PDF, images (PNG, JPEG, GIF, WebP), "
                "Word, Excel and PowerPoint."
            ),
            code="type",
        )
    content_type, head_matches, office_part = KINDS[extension]
    upload.seek(0)
    head = upload.read(16)
    if not head_matches(head) or (office_part and not _zip_contains(upload, office_part)):
        raise ValidationError(
            _("The file's content is not a %(extension)s file, whatever its name says."),
            code="content",
            params={"extension": extension.lstrip(".").upper()},
        )
    return CheckedUpload(
        original_name=original_name,
        extension=extension,
        content_type=content_type,
        size=upload.size,
        sha256=_sha256(upload),
    )


def _zip_contains(upload: UploadedFile, part: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and part in names


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
