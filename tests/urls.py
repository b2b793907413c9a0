"""The project's URLs, plus uploads served from the test's own MEDIA_ROOT for the browser."""

from django.conf import settings
from django.urls import path
from django.views.static import serve

from config.urls import handler500  # noqa: F401 (the root URLconf names the 500 view)
from config.urls import urlpatterns as project_urlpatterns


def media(request, path):
    # Read at request time: each test points MEDIA_ROOT at a folder of its own.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [path("media/<path:path>", media), *project_urlpatterns]
