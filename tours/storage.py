"""Where private files live: outside MEDIA_ROOT, reachable only through a checking view."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no public address: their URL is the view that decides who may download.

    Stored under PRIVATE_MEDIA_ROOT unless given a location. A deployment on object
    storage swaps STORAGES["private"] for a private bucket.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        return reverse("tours:private-file", args=[name])


def private_storage():
    # A callable, so migrations don't freeze one deployment's path.
    return storages["private"]
