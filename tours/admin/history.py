"""The trip's history page: the trip's saves and its parts' in one list, and 恢复 for a
deleted part (tours.history, tours.services.history)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tours import services
from tours.edits import label_foreign_keys
from tours.history import trip_history
from tours.models import TRIP_RECORDS, Trip
from tours.scope import scoped
from tours.services.history import RESTORABLE, last_version, may_restore

PAGE_VAR = "p"  # the admin's own page parameter, as simple-history's list uses


class TripHistoryMixin:
    """For TripAdmin (a HistoryAdmin with DepartmentScopeMixin)."""

    object_history_template = "admin/tours/trip/object_history.html"
    history_entries_per_page = 100

    def get_urls(self):
        restore = self.admin_site.admin_view(require_POST(self.restore_view))
        return [
            path(
                "<int:object_id>/history/restore/<str:model_name>/<int:record_id>/",
                restore,
                name="tours_trip_restore",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        trip_id = unquote(object_id)
        if not str(trip_id).isdigit():
            raise Http404
        self._check_visible(request, trip_id)  # another department's trip is 404
        trip = scoped(Trip.objects.all(), request.user).filter(pk=trip_id).first()
        paginator = Paginator(trip_history(int(trip_id)), self.history_entries_per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR))
        label_foreign_keys(page.object_list)
        for entry in page.object_list:
            entry.version_url = self._version_url(entry)
            entry.restore_url = (
                reverse(
                    "admin:tours_trip_restore",
                    args=[trip_id, entry.model._meta.model_name, entry.record.id],
                )
                if entry.still_deleted and may_restore(request.user, trip, entry.model)
                else ""
            )
        context = {
            "trip_history": page,
            "trip_history_pages": paginator.get_elided_page_range(page.number),
            "trip_history_page_var": PAGE_VAR,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def _version_url(self, entry) -> str:
        """The version's own page (where a saved version may be reverted), if it has one."""
        if entry.model not in self.admin_site._registry or entry.is_deletion:
            return ""
        opts = entry.model._meta
        try:
            return reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                args=[entry.record.id, entry.record.history_id],
            )
        except NoReverseMatch:
            return ""

    def restore_view(self, request, object_id, model_name, record_id):
        """The history page's 恢复 button on a deleted part."""
        trip = get_object_or_404(scoped(Trip.objects.all(), request.user), pk=object_id)
        model = {m._meta.model_name: m for m in RESTORABLE}.get(model_name)
        last = last_version(model, record_id) if model else None
        if last is None or getattr(last, TRIP_RECORDS[model]) != trip.pk:
            raise Http404
        try:
            obj = services.restore_part(model=model, record_id=record_id, user=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            opts = model._meta
            messages.success(
                request,
                format_html(
                    gettext(
                        "Restored: {} “{}”. What only the workflow sets (review, progress) "
                        "starts afresh."
                    ),
                    opts.verbose_name,
                    format_html(
                        '<a href="{}">{}</a>',
                        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
                        obj,
                    ),
                ),
            )
        return redirect("admin:tours_trip_history", trip.pk)
