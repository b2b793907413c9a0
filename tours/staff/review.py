"""The leaders' review desk (/review/): what waits, one trip's review, publishing.

Plain forms that work without JavaScript; static/js/review.js only saves a page load
when a leader decides on one takeaway at a time.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import share_choices
from tours import services
from tours.edits import unread_edits
from tours.models import ActionItem, Takeaway, Trip
from tours.models.action import attention_counts
from tours.page_versions import TripPage, trip_version
from tours.scope import scoped

from .access import reviewer_area
from .followup import attention_figures
from .forms import (
    ActionFromTakeawaysForm,
    DecisionForm,
    InstructionActionFormSet,
    InstructionForm,
    PublicationForm,
    ReturnTripForm,
    SeenEditsForm,
    add_service_errors,
)
from .pickers import limit_pickers

Pending = Takeaway.ReviewStatus.PENDING


@reviewer_area
def desk(request):
    """What waits for a leader: submitted trips, pending takeaways, warnings, watched items."""
    user = request.user
    trips = scoped(Trip.objects.all(), user)
    pending = Takeaway.objects.filter(trip=OuterRef("pk"), review_status=Pending)
    waiting = (
        trips.exclude(status=Trip.Status.ARCHIVED)
        .filter(Q(status=Trip.Status.SUBMITTED) | Exists(pending))
        .annotate(pending_count=Count("takeaways", filter=Q(takeaways__review_status=Pending)))
        .select_related("submitted_by__participant")
        .order_by("-submitted_at", "-start_date", "-id")
    )
    warnings = scoped(ActionItem.objects.with_warning(), user).aggregate(
        red=Count("pk", filter=Q(warning="red")),
        yellow=Count("pk", filter=Q(warning="yellow")),
        blue=Count("pk", filter=Q(warning="blue")),
        **attention_counts(),
    )
    watched = (
        scoped(ActionItem.objects.filter(watchers=user), user)
        .with_warning()
        .select_related("trip", "owner_organization", "owner")
        .order_by("due_date", "id")[:20]
    )
    waiting = list(waiting)
    return render(
        request,
        "tours/review/desk.html",
        {
            "section": "desk",
            "submitted": [t for t in waiting if t.status == Trip.Status.SUBMITTED],
            "with_pending": [t for t in waiting if t.status != Trip.Status.SUBMITTED],
            "warnings": warnings,
            "attention": attention_figures(counts=warnings),
            "watched": watched,
            "edited": unread_edits(trips),
        },
    )


def _trip_url(trip, anchor=""):
    return reverse("tours:review-trip", args=[trip.pk]) + (f"#{anchor}" if anchor else "")


def _trip_page(request, trip, **forms):
    """The trip's review page; forms passed in (bound, with errors) replace the blank ones."""
    show_all = request.GET.get("all") == "1" or forms.get("show_all", False)
    takeaways = (
        trip.takeaways.select_related(
            "site_visit", "speaker__organization", "reviewed_by__participant"
        )
        .prefetch_related(Prefetch("action_items", queryset=ActionItem.objects.only("pk", "title")))
        .order_by("site_visit__date", "site_visit__order", "id")
    )
    if not show_all:
        takeaways = takeaways.filter(review_status=Pending)
    # The page shows the trip as it is now, so its forms carry the trip's current version.
    page_version = trip_version(trip)
    action_form = forms.get("action_form") or ActionFromTakeawaysForm(prefix="action")
    instruction_form = forms.get("instruction_form") or InstructionForm(
        prefix="instruction",
        trip=trip,
        initial={"author": getattr(request.user, "participant", None)},
    )
    rows = forms.get("rows") or InstructionActionFormSet(prefix="rows")
    limit_pickers(request.user, action_form, instruction_form, *rows)
    share_choices([action_form, *rows], "owner_organization", "owner")
    instruction_form.fields["author"].choices = action_form.fields["owner"].choices
    action_form.fields["support_organizations"].choices = [
        choice for choice in action_form.fields["owner_organization"].choices if choice[0] != ""
    ]
    takeaways = list(takeaways)
    row_errors = forms.get("row_errors", {})
    for takeaway in takeaways:
        takeaway.desk_errors = row_errors.get(takeaway.pk, [])
    context = {
        "section": "desk",
        "trip": trip,
        "missing": trip.missing_for_publication() if trip.status == Trip.Status.SUBMITTED else [],
        "takeaways": takeaways,
        "show_all": show_all,
        "pending_total": trip.takeaways.filter(review_status=Pending).count(),
        "selected": forms.get("selected", set()),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "action_form": action_form,
        "instruction_form": instruction_form,
        "rows": rows,
        "return_form": forms.get("return_form") or ReturnTripForm(),
        "publish_errors": forms.get("publish_errors", []),
        "page_version": page_version,
        "instructions": trip.instructions.select_related("author__organization", "takeaway")
        .prefetch_related("action_items")
        .order_by("-date", "-id"),
        "actions": trip.action_items.with_warning()
        .select_related("owner_organization", "owner")
        .order_by("due_date", "id"),
    }
    return render(request, "tours/review/trip.html", context)


def _reviewable_trip(request, pk):
    """A trip of the leader's department; any other is 404."""
    trips = scoped(
        Trip.objects.select_related("organizer", "submitted_by__participant"), request.user
    )
    return get_object_or_404(trips, pk=pk)


@reviewer_area
def trip_review(request, pk):
    return _trip_page(request, _reviewable_trip(request, pk))


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@reviewer_area
@require_POST
def takeaways_decide(request, pk):
    """Decide on ticked takeaways (bulk buttons) or on one (its row's buttons: "decision:pk"),
    or turn the ticked ones into one action item ("action")."""
    trip = _reviewable_trip(request, pk)
    act = request.POST.get("act", "")
    if act == "action":
        return _make_action(request, trip)
    decision, _sep, one = act.partition(":")
    if one.isdigit():
        picked = [one]
        data = {"decision": decision, "comment": request.POST.get(f"comment-{one}", "")}
    else:
        picked = request.POST.getlist("takeaways")
        data = {"decision": decision, "comment": request.POST.get("comment", "")}
    data["page_version"] = request.POST.get("page_version")
    form = DecisionForm(data, page=TripPage(trip.pk))
    takeaways = list(trip.takeaways.select_related("trip").filter(pk__in=_ids(picked)))
    with transaction.atomic():
        if form.is_valid():
            try:
                services.review_takeaways(
                    takeaways=takeaways,
                    user=request.user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
    if form.is_valid():
        label = Takeaway.ReviewStatus(form.cleaned_data["decision"]).label
        if _wants_json(request):
            # The page stays open: its next decision starts from this one.
            version = TripPage(trip.pk).current()
            return JsonResponse({"ok": True, "status": str(label), "page_version": version})
        messages.success(
            request,
            _("%(count)s takeaways: %(decision)s.") % {"count": len(takeaways), "decision": label},
        )
        return redirect(_trip_url(trip, "takeaways"))
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    if _wants_json(request):
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    if one.isdigit():
        return _trip_page(request, trip, row_errors={int(one): errors}, show_all=True)
    return _trip_page(
        request, trip, decision_form=form, selected={t.pk for t in takeaways}, show_all=True
    )


def _ids(values):
    return [int(v) for v in values if str(v).isdigit()]


def _make_action(request, trip):
    form = ActionFromTakeawaysForm(request.POST, prefix="action", page=TripPage(trip.pk))
    limit_pickers(request.user, form)
    takeaways = list(
        trip.takeaways.select_related("trip").filter(pk__in=_ids(request.POST.getlist("takeaways")))
    )
    with transaction.atomic():
        if form.is_valid():
            if not takeaways:
                form.add_error(None, _("Tick the takeaways the action item comes from."))
            else:
                try:
                    action = services.create_action(
                        trip=trip,
                        user=request.user,
                        source_takeaways=takeaways,
                        adopt_sources=True,
                        **form.service_kwargs(),
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(
                        request, _("Action item “%(title)s” created.") % {"title": action.title}
                    )
                    return redirect(_trip_url(trip, f"action-{action.pk}"))
    return _trip_page(
        request, trip, action_form=form, selected={t.pk for t in takeaways}, show_all=True
    )


@reviewer_area
@require_POST
def instruction_record(request, pk):
    """Record a leader's instruction, with the action items it orders."""
    trip = _reviewable_trip(request, pk)
    form = InstructionForm(request.POST, prefix="instruction", trip=trip)
    rows = InstructionActionFormSet(request.POST, prefix="rows")
    limit_pickers(request.user, form, *rows)
    if form.is_valid() and rows.is_valid():
        filled = [row for row in rows if row.has_changed()]
        try:
            services.record_instruction(
                trip=trip,
                user=request.user,
                actions=[row.service_kwargs() for row in filled],
                **form.cleaned_data,
            )
        except services.ActionRowsError as error:
            form.add_error(None, error.message)
            for index, row_error in error.rows.items():
                add_service_errors(filled[index], row_error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The instruction is recorded."))
            return redirect(_trip_url(trip, "instructions"))
    return _trip_page(request, trip, instruction_form=form, rows=rows)


def _transition(request, pk, service, done_message):
    trip = _reviewable_trip(request, pk)
    form = PublicationForm(request.POST, page=TripPage(trip.pk))
    try:
        with transaction.atomic():
            if not form.is_valid():
                raise ValidationError(form.non_field_errors())
            service(trip=trip, user=request.user)
    except ValidationError as error:
        return _trip_page(request, trip, publish_errors=error.messages)
    messages.success(request, done_message % {"title": trip.title})
    return redirect(_trip_url(trip))


@reviewer_area
@require_POST
def trip_publish(request, pk):
    return _transition(request, pk, services.publish_trip, _("“%(title)s” is published."))


@reviewer_area
@require_POST
def trip_archive(request, pk):
    return _transition(request, pk, services.archive_trip, _("“%(title)s” is archived."))


@reviewer_area
@require_POST
def trip_return(request, pk):
    trip = _reviewable_trip(request, pk)
    form = ReturnTripForm(request.POST, page=TripPage(trip.pk))
    with transaction.atomic():
        if form.is_valid():
            try:
                services.return_trip(trip=trip, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” went back to its editor as a draft.") % {"title": trip.title},
                )
                return redirect("tours:review-desk")
    return _trip_page(request, trip, return_form=form)


@reviewer_area
@require_POST
def edits_seen(request, pk):
    """标记为已阅: a published trip's listed edits leave the desk."""
    trip = _reviewable_trip(request, pk)
    form = SeenEditsForm(request.POST)
    if form.is_valid():
        try:
            services.mark_edits_seen(trip=trip, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    if form.is_valid():
        messages.success(
            request, _("The edits of “%(title)s” are marked read.") % {"title": trip.title}
        )
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    return redirect(reverse("tours:review-desk") + "#edits")
