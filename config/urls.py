from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from tours.explore import staff_search

admin.site.site_header = _("Study Tours administration")
admin.site.site_title = _("Study Tours")
admin.site.index_title = _("Trip records")

urlpatterns = [
    # Before the admin's own URLs, whose catch-all would answer this path with a 404.
    path("admin/search/", admin.site.admin_view(staff_search), name="staff-search"),
    path("admin/", admin.site.urls),
    path("", include("tours.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
