"""Action owners (/my-actions/): their items and their progress reports, nothing else."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tours import services
from tours.models import ActionItem

from .access import owned_action_or_404, owner_area
from .forms import ProgressUpdateForm, add_service_errors

ACTIONS_PER_PAGE = 30


@owner_area
def my_actions(request):
    """The items the signed-in owner (or their unit) answers for; open ones first."""
    items = (
        ActionItem.objects.for_owner(request.user)
        .with_warning()
        .with_latest_update()
        .select_related("trip", "owner_organization", "owner")
        .annotate(
            finished=Case(
                When(status__in=ActionItem.OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("finished", "due_date", "id")
    )
    page = Paginator(items, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    participant = getattr(request.user, "participant", None)
    return render(
        request,
        "tours/owner/list.html",
        {"section": "mine", "page": page, "participant": participant},
    )


@owner_area
def my_action(request, pk):
    """One item: its record, every update so far, and the form to report progress."""
    action = owned_action_or_404(request.user, pk)
    if request.method == "POST":
        form = ProgressUpdateForm(request.POST, request.FILES, action=action)
        if form.is_valid():
            try:
                services.post_action_update(action=action, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your progress update is saved. Thank you."))
                return redirect("tours:my-action", pk=action.pk)
    else:
        form = ProgressUpdateForm(action=action)
    return render(
        request,
        "tours/owner/action.html",
        {
            "section": "mine",
            "action": action,
            "form": form,
            "sources": action.source_takeaways.select_related("site_visit"),
            "updates": action.updates.select_related("author"),
        },
    )
