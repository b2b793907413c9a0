from django.http import HttpResponse
from django.urls import include, path

from config.urls import handler500  # noqa: F401 (the root URLconf names the 500 view)


def hello(request):
    return HttpResponse("hello")


urlpatterns = [
    path("bench/hello/", hello),
    path("", include("config.urls")),
]
