"""Action owners (/my-actions/): their items and their progress reports, nothing else."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tours import services
from tours.models import ActionItem, SupervisionNotice

from .access import owned_action_or_404, owner_area
from .followup import follow_up_records
from .followup_forms import ExtensionRequestForm
from .forms import PROGRESS_DROP_TO_CONFIRM, ProgressUpdateForm, add_service_errors

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


def _owner_page(request, action, **forms):
    """An owner's page of one item; bound forms with errors replace the blank ones."""
    leads = ActionItem.objects.for_lead_owner(request.user).filter(pk=action.pk).exists()
    records = follow_up_records(action)
    return render(
        request,
        "tours/owner/action.html",
        {
            "section": "mine",
            "action": action,
            "leads": leads,
            "form": forms.get("form") or ProgressUpdateForm(action=action),
            "drop_limit": PROGRESS_DROP_TO_CONFIRM,
            "extension_form": forms.get("extension_form") or ExtensionRequestForm(),
            "sources": action.source_takeaways.select_related("site_visit"),
            **records,
        },
    )


@owner_area
def my_action(request, pk):
    """One item: its record, its timeline, and the forms to report progress."""
    action = owned_action_or_404(request.user, pk)
    if request.method != "POST":
        return _owner_page(request, action)
    form = ProgressUpdateForm(request.POST, request.FILES, action=action)
    if form.is_valid():
        try:
            services.post_action_update(action=action, user=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your progress update is saved. Thank you."))
            return redirect("tours:my-action", pk=action.pk)
    return _owner_page(request, action, form=form)


def _refused(request, action, error):
    for message in error.messages:
        messages.error(request, message)
    return redirect("tours:my-action", pk=action.pk)


@owner_area
@require_POST
def my_action_acknowledge(request, pk):
    """Sign for (签收) a new assignment."""
    action = owned_action_or_404(request.user, pk)
    try:
        services.acknowledge_action(action=action, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, action, _as_validation(error))
    messages.success(request, _("Signed for. The leaders can see that your unit has it."))
    return redirect("tours:my-action", pk=action.pk)


@owner_area
@require_POST
def my_action_extension(request, pk):
    """Ask for a later due date (延期申请), saying why."""
    action = owned_action_or_404(request.user, pk)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_extension(action=action, user=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            return _refused(request, action, _as_validation(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request for more time is sent to the leaders."))
            return redirect("tours:my-action", pk=action.pk)
    return _owner_page(request, action, extension_form=form)


@owner_area
@require_POST
def my_notice_acknowledge(request, pk):
    """Acknowledge a reminder or a supervision notice on one of one's items."""
    notice = get_object_or_404(
        SupervisionNotice.objects.filter(action__in=ActionItem.objects.for_owner(request.user)),
        pk=pk,
    )
    try:
        services.acknowledge_notice(notice=notice, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, notice.action, _as_validation(error))
    messages.success(request, _("The notice is acknowledged."))
    return redirect("tours:my-action", pk=notice.action_id)


def _as_validation(error) -> ValidationError:
    if isinstance(error, ValidationError):
        return error
    return ValidationError(str(error) or _("You may not do this on this item."))
