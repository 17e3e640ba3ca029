import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files that no web server serves: they leave only through views that check permission.

    The folder is read from settings on every use (not cached at import) so that each test, and
    each deployment, can point it elsewhere.
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def opaque_name(folder: str, extension: str) -> str:
    """A storage path that reveals nothing of the uploaded name (which may be Thai, or hostile)."""
    return f"{folder}/{uuid.uuid4().hex}{extension}"
