"""Campaigns: several delegations under one title (学习考察活动)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.forms import extend_form
from common.history import HistoryAdmin
from people.scope import scope_of
from tours.models import Campaign

from .base import AdminStyleMixin, AutocompleteMixin


@admin.register(Campaign)
class CampaignAdmin(AdminStyleMixin, AutocompleteMixin, HistoryAdmin):
    """A campaign belongs to its organizer's department, as a trip does."""

    list_display = ["title", "year", "organizer", "trip_count"]
    list_filter = ["year"]
    search_fields = ["title", "theme"]
    list_select_related = ["organizer"]
    autocomplete_fields = ["organizer"]
    readonly_fields = ["delegations"]
    fields = ["title", "theme", ("organizer", "year"), "tags", "summary", "delegations"]

    def get_queryset(self, request):
        campaigns = super().get_queryset(request).annotate(trip_count=Count("trips"))
        return scope_of(request.user).filter(campaigns, "organizer")

    def history_in_scope(self, request, versions):
        return scope_of(request.user).filter(versions, "organizer")

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # another department's, answered as a missing one (DepartmentScopeMixin)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "organizer" not in form.base_fields:
            return form
        scope = scope_of(request.user)

        def clean_organizer(form):
            organizer = form.cleaned_data.get("organizer")
            if organizer is not None and not scope.covers(organizer):
                raise ValidationError(gettext("Choose your own unit or one under it."))
            if organizer is None and not scope.everything:
                raise ValidationError(gettext("Choose the unit that runs the campaign."))
            return organizer

        return extend_form(form, clean_organizer=clean_organizer)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = scope_of(request.user)
        if scope.organization is not None:
            initial.setdefault("organizer", scope.organization.pk)
        return initial

    @admin.display(description=_("delegations"), ordering="trip_count")
    def trip_count(self, obj):
        return obj.trip_count

    @admin.display(description=_("delegations"))
    def delegations(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        trips = obj.trips.order_by("start_date", "id")
        if not trips:
            return gettext("None yet: pick this campaign on a trip's page.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> {}</li>',
                (
                    (
                        reverse("admin:tours_trip_change", args=[t.pk]),
                        t.title,
                        t.get_status_display(),
                    )
                    for t in trips
                ),
            ),
        )

    def view_on_site(self, obj):
        if Campaign.objects.public().filter(pk=obj.pk).exists():
            return obj.get_absolute_url()
        return None
