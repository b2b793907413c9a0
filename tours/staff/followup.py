"""Leaders follow action items: an accountability overview and each item's record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tours import services
from tours.filters import ReviewActionFilterForm
from tours.models import ActionItem
from tours.scope import scoped

from .access import reviewer_area

ACTIONS_PER_PAGE = 50
OVERDUE_LISTED = 100
Status = ActionItem.Status


@reviewer_area
def overview(request):
    """Action items by responsible unit and by trip, the overdue ones, and a filtered list."""
    mine = scoped(ActionItem.objects.all(), request.user)
    form = ReviewActionFilterForm(request.GET, actions=mine)
    actions = form.filter(mine.with_warning())
    counted = actions.exclude(status=Status.CANCELLED)
    by_unit = [
        {**row, "label": row["owner_organization__name"], "url": f"?unit={row['unit']}"}
        for row in counted.tally_by(
            "owner_organization__name", unit=F("owner_organization_id")
        ).order_by("owner_organization__name")
    ]
    by_trip = [
        {
            **row,
            "label": row["trip__title"],
            "url": reverse("tours:review-trip", args=[row["trip_id"]]) + "#actions",
        }
        for row in counted.tally_by("trip_id", "trip__title", "trip__start_date").order_by(
            "-trip__start_date", "trip_id"
        )
    ]
    overdue = (
        actions.overdue()
        .select_related("trip", "owner_organization", "owner")
        .order_by("due_date", "id")[:OVERDUE_LISTED]
    )
    listed = (
        actions.with_latest_update()
        .select_related("trip", "owner_organization", "owner")
        .order_by("due_date", "id")
    )
    page = Paginator(listed, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "tours/review/actions.html",
        {
            "section": "actions",
            "form": form,
            "by_unit": by_unit,
            "by_trip": by_trip,
            "overdue": overdue,
            "page": page,
        },
    )


def _action_or_404(request, pk):
    """An action item of the leader's department; any other is 404."""
    items = scoped(ActionItem.objects.with_warning(), request.user)
    return get_object_or_404(
        items.select_related(
            "trip__organizer",
            "owner_organization",
            "owner",
            "created_by",
            "source_instruction__author",
        ),
        pk=pk,
    )


@reviewer_area
def action_detail(request, pk):
    """One action item as leaders follow it: sources, every update, evidence, watching."""
    action = _action_or_404(request, pk)
    return render(
        request,
        "tours/review/action.html",
        {
            "section": "actions",
            "action": action,
            "sources": action.source_takeaways.select_related("site_visit", "speaker"),
            "updates": action.updates.select_related("author"),
            "watching": action.watchers.filter(pk=request.user.pk).exists(),
        },
    )


@reviewer_area
@require_POST
def action_watch(request, pk):
    action = _action_or_404(request, pk)
    watch = request.POST.get("watch") == "1"
    services.watch_action(action=action, user=request.user, watch=watch)
    if watch:
        messages.success(request, _("You will receive this item's progress in a daily e-mail."))
    else:
        messages.success(request, _("You no longer follow this item."))
    return redirect("tours:review-action", pk=action.pk)


@reviewer_area
@require_POST
def action_close(request, pk):
    action = _action_or_404(request, pk)
    try:
        services.close_action(action=action, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The item is closed (销号)."))
    return redirect("tours:review-action", pk=action.pk)
