"""The admin's search over every record: drafts, pending and private ones included."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tours.search.page import search_page


def staff_search(request):
    """The same search in the admin, over every record: drafts, pending and private ones."""
    if not request.user.has_perm("tours.view_trip"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        **search_page(request, public_only=False),
        "title": _("Search all records"),
    }
    return render(request, "admin/tours/search.html", context)
