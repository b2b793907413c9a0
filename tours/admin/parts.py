"""Own pages for a trip's parts: long fields, bulk lists and history."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tours.models import (
    ActionItem,
    ActionUpdate,
    Attachment,
    EmailDigest,
    Indicator,
    Instruction,
    Placement,
    Question,
    SignedProject,
    SiteVisit,
    Takeaway,
    TripMember,
)

from .base import COMPACT_TEXT, TripListFilter, TripPartAdmin, TripPartInline, YearListFilter
from .office import ActionLedgerMixin
from .search import IndexedSearchMixin


class VisitYearListFilter(YearListFilter):
    date_field = "date"


class DueYearListFilter(YearListFilter):
    date_field = "due_date"


class OverdueListFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        overdue = queryset.overdue()
        if self.value() == "yes":
            return overdue
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue.values("pk"))
        return queryset


@admin.register(TripMember)
class TripMemberAdmin(TripPartAdmin):
    # A roster too long for the trip's page is edited here, a page at a time.
    list_display = ["participant", "order", "role", "title", "organization", "trip"]
    list_editable = ["order", "role", "title"]
    list_per_page = 100
    list_filter = [TripListFilter, "role"]
    search_fields = ["participant__name", "title", "organization__name", "trip__title"]
    list_select_related = ["trip", "participant__organization", "organization"]
    autocomplete_fields = ["trip", "participant", "organization"]


HOST_PLACE_HELP = _("Taken from the host's region; change it if need be.")


class SiteVisitAdminForm(forms.ModelForm):
    """The visit's own page: an empty place is offered from the host's region."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visit = self.instance
        if self.is_bound or visit.province or visit.city:
            return
        if (
            not visit.host_organization_id
            and str(self.initial.get("host_organization", "")).isdigit()
        ):
            # An add page opened with ?host_organization=<pk>.
            visit = SiteVisit(host_organization_id=int(self.initial["host_organization"]))
        place = visit.place_from_host()
        if place is None:
            return
        self.initial.update(province=place.province, city=place.city)
        self.initial["district"] = self.initial.get("district") or place.district
        for name in ("province", "city"):
            self.fields[name].help_text = HOST_PLACE_HELP


@admin.register(SiteVisit)
class SiteVisitAdmin(IndexedSearchMixin, TripPartAdmin):
    form = SiteVisitAdminForm
    list_display = ["date", "start_time", "name", "kind", "host_organization", "city", "trip"]
    list_filter = [
        TripListFilter,
        "kind",
        "is_public",
        "province",
        VisitYearListFilter,
        "trip__status",
    ]
    # Answered by the search index (IndexedSearchMixin), which holds these fields.
    search_fields = ["name", "summary", "host_organization__name", "presenter__name"]
    date_hierarchy = "date"
    list_select_related = ["trip", "host_organization"]
    autocomplete_fields = ["trip", "host_organization", "presenter"]
    fieldsets = [
        (None, {"fields": ["trip", ("date", "start_time", "end_time", "order"), "name", "kind"]}),
        (_("Hosts"), {"fields": ["host_organization", ("presenter", "presenter_title"), "topic"]}),
        (_("Place"), {"fields": [("province", "city", "district"), "address"]}),
        (None, {"fields": ["summary", "is_public"]}),
    ]


REVIEWED_EDIT_WARNING = _(
    "A leader has reviewed this takeaway. Changing its text, kind or speaker sends it back "
    "to the leaders for review, and it leaves the public pages until they review it again."
)


def say_sent_back(request, takeaways):
    """Tell the editor which saved takeaways went back to the leaders for review."""
    count = sum(getattr(t, "sent_back_to_review", False) for t in takeaways)
    if count:
        messages.warning(
            request,
            ngettext(
                "%(count)d reviewed takeaway was changed and went back to the leaders "
                "for review; it is no longer public.",
                "%(count)d reviewed takeaways were changed and went back to the leaders "
                "for review; they are no longer public.",
                count,
            )
            % {"count": count},
        )


@admin.register(Takeaway)
class TakeawayAdmin(IndexedSearchMixin, TripPartAdmin):
    list_display = ["__str__", "kind", "speaker", "review_status", "is_public", "trip"]
    list_filter = [TripListFilter, "kind", "review_status", "is_public", "tags", "trip__status"]
    search_fields = ["text", "speaker__name"]  # through the search index
    list_select_related = ["trip", "speaker__organization"]
    autocomplete_fields = ["trip", "speaker"]
    readonly_fields = ["review_status", "reviewed_by", "reviewed_at", "review_comment"]
    fieldsets = [
        (None, {"fields": ["trip", "site_visit", "speaker", "kind", "text", "tags", "is_public"]}),
        (
            _("Review"),
            {"fields": ["review_status", ("reviewed_by", "reviewed_at"), "review_comment"]},
        ),
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            takeaways = self.get_queryset(request).only("review_status")
            takeaway = takeaways.filter(pk=object_id).first()
            if takeaway and takeaway.is_accepted:
                messages.warning(request, REVIEWED_EDIT_WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.is_accepted and "text" in form.base_fields:
            form.base_fields["text"].help_text = REVIEWED_EDIT_WARNING
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        say_sent_back(request, [obj])


@admin.register(Question)
class QuestionAdmin(IndexedSearchMixin, TripPartAdmin):
    list_display = ["__str__", "asked_by", "is_public", "trip"]
    list_filter = [TripListFilter, "is_public", "trip__status"]
    search_fields = ["text", "answer"]  # through the search index
    list_select_related = ["trip", "asked_by__organization"]
    autocomplete_fields = ["trip", "asked_by", "answerers"]
    fields = [
        "trip",
        "order",
        "text",
        "asked_by",
        "site_visit",
        "answer",
        "answerers",
        "is_public",
    ]


@admin.register(Indicator)
class IndicatorAdmin(TripPartAdmin):
    list_display = ["name", "benchmark", "benchmark_value", "home_value", "unit", "year", "trip"]
    list_filter = [TripListFilter, "year", "is_public"]
    search_fields = ["name", "benchmark", "trip__title"]
    fields = [
        "trip",
        "name",
        "unit",
        ("benchmark", "benchmark_value", "home_value"),
        ("year", "source"),
        "higher_is_better",
        "note",
        "order",
        "is_public",
    ]


@admin.register(Instruction)
class InstructionAdmin(TripPartAdmin):
    list_display = ["__str__", "author", "date", "is_public", "trip"]
    list_filter = ["is_public"]
    search_fields = ["text", "author__name", "trip__title"]
    date_hierarchy = "date"
    list_select_related = ["trip", "author__organization"]
    autocomplete_fields = ["trip", "author"]
    fields = ["trip", "takeaway", "author", "date", "text", "is_public"]


class ActionUpdateInline(TripPartInline):
    model = ActionUpdate
    fields = ["date", "progress", "note", "evidence", "evidence_is_public", "author"]
    formfield_overrides = COMPACT_TEXT
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False  # owners report progress at /my-actions/, which moves the item

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author__participant")


@admin.register(ActionItem)
class ActionItemAdmin(ActionLedgerMixin, IndexedSearchMixin, TripPartAdmin):
    list_display = [
        "title",
        "owner_organization",
        "owner",
        "due_date",
        "status",
        "progress",
        "warning",
        "trip",
    ]
    list_filter = [
        TripListFilter,
        "status",
        OverdueListFilter,
        DueYearListFilter,
        "is_public",
        "owner_organization",
    ]
    search_fields = ["title", "owner_organization__name"]  # through the search index
    date_hierarchy = "due_date"
    list_select_related = ["trip", "owner_organization", "owner__organization"]
    autocomplete_fields = ["trip", "owner_organization", "owner"]
    # Leaders follow items from the review desk; the admin only shows who does.
    readonly_fields = ["closed_at", "created_by", "created_at", "watchers"]
    fieldsets = [
        (None, {"fields": ["trip", "title", "description", ("owner_organization", "owner")]}),
        (_("Progress"), {"fields": [("due_date", "status", "progress"), "closed_at", "is_public"]}),
        (
            _("Sources"),
            {"fields": ["source_takeaways", "source_instruction", ("created_by", "created_at")]},
        ),
        (_("Daily e-mail digest"), {"fields": ["watchers"]}),
    ]
    inlines = [ActionUpdateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_warning()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_cancelled:
            return fieldsets
        # Read-only (WORKFLOW_FIELDS): cancel_action alone writes them.
        cancelled = (
            _("Cancelled"),
            {"fields": [("cancelled_at", "cancelled_by"), "cancel_reason"]},
        )
        return [*fieldsets[:2], cancelled, *fieldsets[2:]]

    @admin.display(description=_("warning"), ordering="warning")
    def warning(self, obj):
        return obj.warning_label


@admin.register(Placement)
class PlacementAdmin(TripPartAdmin):
    list_display = ["member", "host_organization", "role", "start_date", "end_date", "trip"]
    list_filter = [TripListFilter, "is_public"]
    search_fields = ["member__participant__name", "host_organization__name", "role"]
    date_hierarchy = "start_date"
    list_select_related = ["trip", "member__participant", "host_organization"]
    autocomplete_fields = ["trip", "host_organization", "mentor"]
    fields = [
        "trip",
        "member",
        "host_organization",
        "role",
        "mentor",
        ("start_date", "end_date"),
        "summary",
        "is_public",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = TripMember.objects.select_related("participant")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SignedProject)
class SignedProjectAdmin(TripPartAdmin):
    list_display = ["name", "partner", "amount", "industry", "status", "trip"]
    list_filter = [TripListFilter, "status", "is_public"]
    search_fields = ["name", "partner__name", "industry", "trip__title"]
    list_select_related = ["trip", "partner"]
    autocomplete_fields = ["trip", "partner"]
    fields = [
        "trip",
        "site_visit",
        "name",
        "partner",
        ("amount", "industry"),
        "status",
        "action",
        "order",
        "is_public",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "action" in form.base_fields:
            # Its follow-up is one of the trip's own action items.
            trip = self._trip_of(obj) if obj else self._trip_from_query(request)
            field = form.base_fields["action"]
            field.queryset = field.queryset.filter(trip=trip) if trip else field.queryset.none()
        return form


@admin.register(Attachment)
class AttachmentAdmin(TripPartAdmin):
    list_display = ["title", "kind", "site_visit", "is_public", "trip"]
    list_filter = [TripListFilter, "kind", "is_public"]
    search_fields = ["title", "credits", "trip__title"]
    list_select_related = ["trip", "site_visit"]
    autocomplete_fields = ["trip", "author"]
    fields = [
        "trip",
        "title",
        "kind",
        "file",
        "site_visit",
        ("author", "credits"),
        "order",
        "is_public",
    ]


@admin.register(EmailDigest)
class EmailDigestAdmin(admin.ModelAdmin):
    """Which daily e-mails went to whom: read-only, for answering "did I get it?"."""

    list_display = ["sent_on", "kind", "recipient", "item_count", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["recipient"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActionUpdate)
class ActionUpdateAdmin(TripPartAdmin):
    list_display = ["action", "date", "progress", "author", "created_at"]
    search_fields = ["note", "action__title"]
    date_hierarchy = "date"
    list_select_related = ["action", "author"]
    autocomplete_fields = []
    fields = [
        "action",
        "date",
        "progress",
        "note",
        "evidence",
        "evidence_is_public",
        ("author", "created_at"),
    ]
    # An update stays the report of its item and author (progress, author: WORKFLOW_FIELDS).
    readonly_fields = ["action", "created_at"]

    def has_add_permission(self, request):
        return False  # owners report progress at /my-actions/, which moves the item

    def _trip_of(self, obj):
        return obj.action.trip if obj else None
