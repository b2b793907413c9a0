"""The admin's search over every record: drafts, pending and private ones included."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from people.scope import scope_of, why_nothing
from tours.models import Trip
from tours.scope import scoped
from tours.search.page import search_page


def staff_search(request):
    """The same search in the admin, over every record of the department's trips: drafts,
    pending and private ones included."""
    if not request.user.has_perm("tours.view_trip"):
        raise PermissionDenied
    everything = scope_of(request.user).everything
    within = None if everything else scoped(Trip.objects.all(), request.user)
    context = {
        **admin.site.each_context(request),
        **search_page(request, public_only=False, within=within),
        "title": _("Search all records"),
        "scope_notice": why_nothing(request.user),
    }
    return render(request, "admin/tours/search.html", context)
