"""The trip page: the staff's main working surface, with every part of a trip inline."""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from common.forms import extend_form
from common.history import HistoryAdmin
from people.scope import scope_of
from tours import services
from tours.models import (
    ActionItem,
    Attachment,
    Indicator,
    Placement,
    Question,
    SignedProject,
    SiteVisit,
    Takeaway,
    Trip,
    TripMember,
)
from tours.scope import scoped

from .base import (
    AdminStyleMixin,
    AutocompleteMixin,
    DepartmentScopeMixin,
    StalePageGuardMixin,
    StampCreatorMixin,
    TripLockMixin,
    TripPartInline,
    WorkflowFieldsMixin,
    YearListFilter,
)
from .history import TripHistoryMixin
from .office import TripOfficeMixin
from .parts import say_sent_back
from .photos import TripPhotosMixin
from .search import IndexedSearchMixin
from .writeups import WriteupImportViews


class ProvinceListFilter(admin.SimpleListFilter):
    """Trips that visited a province."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        provinces = (
            SiteVisit.objects.exclude(province="")
            .order_by("province")
            .values_list("province", flat=True)
            .distinct()
        )
        return [(p, p) for p in provinces]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(site_visits__province=self.value()).distinct()
        return queryset


class TripMemberInline(TripPartInline):
    model = TripMember
    section_title = pgettext_lazy("trip section", "Members")
    fields = ["order", "participant", "role", "title", "organization", "note"]
    autocomplete_fields = ["participant", "organization"]
    show_change_link = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("participant__organization", "organization")
        )


class SiteVisitInline(TripPartInline):
    model = SiteVisit
    section_title = pgettext_lazy("trip section", "Itinerary")
    fields = [
        "date",
        "start_time",
        "end_time",
        "order",
        "name",
        "kind",
        "topic",
        "host_organization",
        "province",
        "city",
        "is_public",
    ]
    autocomplete_fields = ["host_organization"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host_organization")


class QuestionInline(TripPartInline):
    model = Question
    section_title = pgettext_lazy("trip section", "Questions")
    fields = ["order", "text", "asked_by", "site_visit", "answer", "answerers", "is_public"]
    autocomplete_fields = ["asked_by", "answerers"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("asked_by__organization")
            .prefetch_related("answerers")
        )


class IndicatorInline(TripPartInline):
    model = Indicator
    section_title = pgettext_lazy("trip section", "Benchmarks")
    fields = [
        "order",
        "name",
        "unit",
        "benchmark",
        "benchmark_value",
        "home_value",
        "year",
        "source",
        "higher_is_better",
        "is_public",
    ]


class TakeawayInline(TripPartInline):
    model = Takeaway
    section_title = pgettext_lazy("trip section", "Takeaways")
    fields = ["kind", "text", "site_visit", "speaker", "tags", "review_state", "is_public"]
    readonly_fields = ["review_state"]
    autocomplete_fields = ["speaker"]

    @admin.display(description=_("review status"))
    def review_state(self, obj):
        if obj.is_accepted:
            return format_html(
                '{}<br><small class="help">{}</small>',
                obj.get_review_status_display(),
                gettext("Editing its text, kind or speaker sends it back for review."),
            )
        if obj.is_returned and obj.review_comment:
            # Where the editor reworks the takeaway, not only on its own page.
            return format_html(
                '{}<span class="review-comment"><strong>{}</strong>{}</span>',
                obj.get_review_status_display(),
                gettext("The leader's comment: "),
                obj.review_comment,
            )
        return obj.get_review_status_display()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker__organization")
            .prefetch_related("tags")
        )


class ActionItemInline(TripPartInline):
    model = ActionItem
    section_title = pgettext_lazy("trip section", "Actions")
    fields = ["title", "owner_organization", "owner", "due_date", "status", "progress", "is_public"]
    autocomplete_fields = ["owner_organization", "owner"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("owner_organization", "owner__organization")
        )


class PlacementInline(TripPartInline):
    model = Placement
    # Compact rows: the mentor and the summary are on the placement's own page.
    fields = ["member", "host_organization", "role", "start_date", "end_date", "is_public"]
    autocomplete_fields = ["host_organization"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            # A member is labelled with the person's name: join it, not a query per choice.
            kwargs["queryset"] = TripMember.objects.select_related("participant")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("member__participant", "host_organization")
        )


class SignedProjectInline(TripPartInline):
    model = SignedProject
    fields = ["order", "name", "partner", "amount", "industry", "status", "is_public"]
    autocomplete_fields = ["partner"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


class AttachmentInline(TripPartInline):
    model = Attachment
    fields = ["order", "title", "kind", "file", "site_visit", "credits", "is_public"]


@dataclass(frozen=True)
class Section:
    """One entry of the trip page's section index."""

    title: str
    anchor: str
    rows: int | None
    errors: int
    url: str = ""  # a section kept on its own page (照片), linked to instead of scrolled to


def trip_sections(form, inline_admin_formsets) -> list[Section]:
    """The trip page's sections in page order, with their rows and the errors of a save."""
    errors = len(form.errors) if form.is_bound else 0
    sections = [Section(pgettext("trip section", "Basics"), "trip-basics", None, errors)]
    for inline in inline_admin_formsets:
        formset = inline.formset
        errors = 0
        if formset.is_bound:
            errors = len(formset.non_form_errors()) + sum(len(f.errors) for f in formset.forms)
        too_long = getattr(formset, "too_long", False)
        rows = formset.total_rows if too_long else formset.total_form_count()
        title = getattr(inline.opts, "section_title", inline.opts.verbose_name_plural)
        sections.append(Section(str(title), f"{formset.prefix}-group", rows, errors))
    return sections


@admin.register(Trip)
class TripAdmin(
    WriteupImportViews,
    TripHistoryMixin,
    TripOfficeMixin,
    TripPhotosMixin,
    IndexedSearchMixin,
    AdminStyleMixin,
    StampCreatorMixin,
    AutocompleteMixin,
    WorkflowFieldsMixin,
    TripLockMixin,
    StalePageGuardMixin,
    DepartmentScopeMixin,
    HistoryAdmin,
):
    list_display = [
        "title",
        "kind",
        "start_date",
        "end_date",
        "status",
        "visit_count",
        "takeaway_count",
        "action_count",
    ]
    list_filter = ["status", "kind", YearListFilter, ProvinceListFilter, "tags"]
    search_fields = ["title", "theme", "origin", "destinations"]
    date_hierarchy = "start_date"
    list_select_related = ["organizer"]
    autocomplete_fields = ["organizer", "campaign", "host_institution"]
    readonly_fields = [
        "status",
        "published_at",
        "submitted_by",
        "submitted_at",
        "return_comment",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "kind",
                    "theme",
                    ("start_date", "end_date"),
                    ("organizer", "origin"),
                    "destinations",
                    "tags",
                    "summary",
                    "campaign",
                    ("host_institution", "trainee_count"),
                ]
            },
        ),
        (
            _("Publication"),
            {
                "fields": [
                    ("status", "published_at"),
                    ("submitted_by", "submitted_at"),
                    "return_comment",
                    "cover_photo",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
    actions = [*TripOfficeMixin.actions, "submit_selected", "publish_selected", "archive_selected"]
    inlines = [
        TripMemberInline,
        SiteVisitInline,
        QuestionInline,
        IndicatorInline,
        TakeawayInline,
        ActionItemInline,
        PlacementInline,
        SignedProjectInline,
        AttachmentInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def get_urls(self):
        submit = self.admin_site.admin_view(require_POST(self.submit_view))
        writeup = self.admin_site.admin_view(self.writeup_view)
        return [
            path("<int:object_id>/submit/", submit, name="tours_trip_submit"),
            path("writeup/", writeup, name="tours_trip_writeup_new"),
            path("<int:object_id>/writeup/", writeup, name="tours_trip_writeup"),
            *super().get_urls(),
        ]

    def submit_view(self, request, object_id):
        """The change page's 提交审核 button."""
        trip = get_object_or_404(scoped(Trip.objects.all(), request.user), pk=object_id)
        self._run_workflow(
            request, [trip], services.submit_trip, gettext("Submitted for review: %(titles)s.")
        )
        return redirect("admin:tours_trip_change", trip.pk)

    def changelist_view(self, request, extra_context=None):
        # Asked in the browser (static/js/confirm.js) before the list's action runs.
        questions = {
            "submit_selected": gettext(
                "Submit the selected trips for review? The leaders will see them on their desk."
            ),
            "publish_selected": gettext(
                "Publish the selected trips? Their adopted and featured takeaways and every "
                "public part will appear on the public site."
            ),
        }
        extra_context = {**(extra_context or {}), "confirm_actions": questions}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            trips = scoped(Trip.objects.all(), request.user)
            trip = trips.filter(pk=object_id).only("status", "return_comment").first()
            if trip and trip.is_draft and trip.return_comment:
                messages.warning(
                    request,
                    gettext("A leader returned this trip: %(comment)s")
                    % {"comment": trip.return_comment},
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["trip_sections"] = trip_sections(
            context["adminform"].form, context.get("inline_admin_formsets", [])
        )
        user = request.user
        if obj is not None and (
            user.has_perm("tours.view_photo") or user.has_perm("tours.change_photo")
        ):
            # The photos have their own page (the toolbar's 按考察点整理照片, shown on the
            # same permissions); the index ends with it, its photos counted along with the
            # trip (get_queryset's with_counts), not in a query of their own.
            context["trip_sections"].append(
                Section(
                    pgettext("trip section", "Photos"),
                    "trip-photos",
                    obj.photo_count,
                    0,
                    url=reverse("admin:tours_trip_photos", args=[obj.pk]),
                )
            )
        # The section index takes the place of the sidebar, whose width the rows need.
        context["is_nav_sidebar_enabled"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Takeaway:
            say_sent_back(request, [obj for obj, _fields in formset.changed_objects])

    def has_publish_permission(self, request):
        return request.user.has_perm("tours.publish_trip")

    def _run_workflow(self, request, trips, service, done):
        """Call a workflow service on each trip and say what happened to which."""
        moved = []
        for trip in trips:
            try:
                service(trip=trip, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                reasons = getattr(error, "messages", None) or [str(error)]
                self.message_user(
                    request, f"《{trip.title}》：{'；'.join(reasons)}", messages.ERROR
                )
            else:
                moved.append(f"《{trip.title}》")
        if moved:
            self.message_user(request, done % {"titles": "、".join(moved)}, messages.SUCCESS)

    @admin.action(description=_("Submit the selected trips for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._run_workflow(
            request, queryset, services.submit_trip, gettext("Submitted for review: %(titles)s.")
        )

    @admin.action(description=_("Publish the selected trips"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._run_workflow(
            request, queryset, services.publish_trip, gettext("Published: %(titles)s.")
        )

    @admin.action(description=_("Archive the selected trips"), permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._run_workflow(
            request, queryset, services.archive_trip, gettext("Archived: %(titles)s.")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "cover_photo" in form.base_fields:
            photos = form.base_fields["cover_photo"]
            photos.queryset = obj.photos.all() if obj else photos.queryset.none()
        if "organizer" not in form.base_fields:
            return form
        scope = scope_of(request.user)

        def clean_organizer(form):
            organizer = form.cleaned_data.get("organizer")
            if organizer is not None and not scope.covers(organizer):
                raise ValidationError(
                    gettext(
                        "Choose your own unit or one under it: a trip organized by "
                        "%(unit)s belongs to another department, and you could no longer "
                        "open it."
                    )
                    % {"unit": organizer.name}
                )
            return organizer

        return extend_form(form, clean_organizer=clean_organizer)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = scope_of(request.user)
        if scope.organization is not None:
            # A new trip belongs to the editor's department unless they pick a unit under it.
            initial.setdefault("organizer", scope.organization.pk)
        return initial

    def view_on_site(self, obj):
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("tours:trip-preview", args=[obj.pk])

    @admin.display(description=_("site visits"), ordering="visit_count")
    def visit_count(self, obj):
        return obj.visit_count

    @admin.display(description=_("takeaways"), ordering="takeaway_count")
    def takeaway_count(self, obj):
        return obj.takeaway_count

    @admin.display(description=_("action items"), ordering="action_count")
    def action_count(self, obj):
        return obj.action_count
