from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import ops

admin.site.site_header = _("Study Tours administration")
admin.site.site_title = _("Study Tours")
admin.site.index_title = _("Trip records")

handler500 = "config.ops.server_error"

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("tours.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
