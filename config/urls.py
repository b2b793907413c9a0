from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from config import ops
from tours.staff import accounts
from tours.staff.search import staff_search

admin.site.site_header = _("Study Tours administration")
admin.site.site_title = _("Study Tours")
admin.site.index_title = _("Trip records")

handler500 = "config.ops.server_error"
account_patterns = [
    path("", accounts.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=accounts.LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password-changed"),
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password-changed",
    ),
]

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every page, the admin's included.
    path("favicon.ico", ops.favicon),
    # Before the admin's own URLs, whose catch-all would answer this path with a 404.
    path("admin/search/", admin.site.admin_view(staff_search), name="staff-search"),
    path("admin/", admin.site.urls),
    path("accounts/", include((account_patterns, "accounts"))),
    path("", include("tours.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
