"""Leaders follow action items: an accountability overview and each item's record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tours import services
from tours.exports.files import DOCX_TYPE, attachment
from tours.exports.followup_docx import build_followup_docx, follow_up, followup_title
from tours.exports.notice_docx import build_notice_docx, notice_for_document, notice_number
from tours.filters import ReviewActionFilterForm
from tours.models import ActionItem, DeadlineExtension, Instruction, SupervisionNotice, Trip
from tours.models.followup import timeline
from tours.scope import scoped

from .access import reviewer_area
from .followup_forms import (
    CancelForm,
    ExtensionDecisionForm,
    NoticeForm,
    ReturnForm,
    SubtaskForm,
)
from .forms import add_service_errors
from .pickers import limit_pickers

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
            "attention": attention_figures(mine),
            "form": form,
            "by_unit": by_unit,
            "by_trip": by_trip,
            "overdue": overdue,
            "page": page,
        },
    )


def attention_figures(actions=None, *, counts=None):
    """Each kind of attention with its count (counted here unless given) and the
    overview's link to those items."""
    counts = counts if counts is not None else actions.attention_tally()
    return [
        {"kind": kind, "label": kind.label, "count": counts[kind], "query": f"?attention={kind}"}
        for kind in ActionItem.Attention
    ]


def _action_or_404(request, pk):
    """An action item of the leader's department; any other is 404."""
    items = scoped(ActionItem.objects.with_warning(), request.user)
    return get_object_or_404(
        items.select_related(
            "trip__organizer",
            "owner_organization",
            "owner__organization",
            "created_by__participant",
            "acknowledged_by__participant",
            "source_instruction__author",
            "parent",
        ).prefetch_related("support_organizations"),
        pk=pk,
    )


def follow_up_records(action):
    """What an item's page shows below its facts: sub-tasks, the timeline and the open
    requests, read in one query each."""
    updates = list(action.updates.select_related("author__participant", "organization"))
    returns = list(action.returns.select_related("returned_by__participant"))
    extensions = list(
        action.extensions.select_related("requested_by__participant", "decided_by__participant")
    )
    notices = list(
        action.notices.select_related("issued_by__participant", "acknowledged_by__participant")
    )
    subtasks = list(
        action.subtasks.with_warning()
        .select_related("owner_organization", "owner")
        .order_by("due_date", "id")
    )
    return {
        "updates": updates,
        "subtasks": subtasks,
        "timeline": timeline(
            action, updates=updates, returns=returns, extensions=extensions, notices=notices
        ),
        "pending_extension": next((e for e in extensions if e.is_pending), None),
        "unacknowledged": [n for n in notices if not n.is_acknowledged],
        "last_return": returns[0] if returns else None,
        "notices": notices,
    }


def _detail_page(request, action, **forms):
    """The leaders' page of one item; bound forms with errors replace the blank ones."""
    subtask_form = forms.get("subtask_form") or SubtaskForm(
        initial={"owner_organization": action.owner_organization_id}
    )
    limit_pickers(request.user, subtask_form)
    return render(
        request,
        "tours/review/action.html",
        {
            "section": "actions",
            "action": action,
            "sources": action.source_takeaways.select_related("site_visit", "speaker"),
            "watching": action.watchers.filter(pk=request.user.pk).exists(),
            "return_form": forms.get("return_form") or ReturnForm(),
            "notice_form": forms.get("notice_form") or NoticeForm(),
            "cancel_form": forms.get("cancel_form") or CancelForm(),
            "subtask_form": subtask_form,
            "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
            **follow_up_records(action),
        },
    )


@reviewer_area
def action_detail(request, pk):
    """One action item as leaders follow it: sources, sub-tasks, the timeline, and what
    they can do on it (verify, return, split, extend, supervise, cancel)."""
    return _detail_page(request, _action_or_404(request, pk))


def _run(request, action, form, form_name, service, success):
    """Call `service(**form.cleaned_data)`; on success back to the item with `success`,
    else the page again with the form and the service's messages on its fields."""
    if form.is_valid():
        try:
            service(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("tours:review-action", pk=action.pk)
    return _detail_page(request, action, **{form_name: form})


@reviewer_area
@require_POST
def action_return(request, pk):
    action = _action_or_404(request, pk)

    def service(comment):
        services.return_action(action=action, user=request.user, comment=comment)

    return _run(
        request,
        action,
        ReturnForm(request.POST),
        "return_form",
        service,
        _("The item is returned for rework; the responsible unit is told why."),
    )


@reviewer_area
@require_POST
def action_cancel(request, pk):
    action = _action_or_404(request, pk)

    def service(reason):
        services.cancel_action(action=action, user=request.user, reason=reason)

    return _run(
        request,
        action,
        CancelForm(request.POST),
        "cancel_form",
        service,
        _("The item is cancelled; the responsible unit is told why."),
    )


@reviewer_area
@require_POST
def action_notice(request, pk):
    action = _action_or_404(request, pk)

    def service(level, text):
        services.issue_notice(action=action, user=request.user, level=level, text=text)

    return _run(
        request,
        action,
        NoticeForm(request.POST),
        "notice_form",
        service,
        _("The notice is issued; the responsible unit is asked to acknowledge it."),
    )


@reviewer_area
@require_POST
def action_subtask(request, pk):
    action = _action_or_404(request, pk)
    form = SubtaskForm(request.POST)
    limit_pickers(request.user, form)

    def service(**data):
        services.add_subtask(action=action, user=request.user, **form.service_kwargs())

    return _run(request, action, form, "subtask_form", service, _("The sub-task is added."))


@reviewer_area
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(
        scoped(DeadlineExtension.objects.all(), request.user).select_related("action"), pk=pk
    )
    action = _action_or_404(request, extension.action_id)

    def service(approve, comment):
        services.decide_extension(
            extension=extension, user=request.user, approve=approve, comment=comment
        )

    return _run(
        request,
        action,
        ExtensionDecisionForm(request.POST),
        "decision_form",
        service,
        _("The decision on more time is recorded; the responsible unit is told."),
    )


@reviewer_area
def instruction_detail(request, pk):
    """A leader's instruction and how each item it ordered is being handled (办理情况)."""
    instruction = get_object_or_404(
        scoped(Instruction.objects.all(), request.user).select_related(
            "trip", "author", "takeaway"
        ),
        pk=pk,
    )
    items = (
        instruction.action_items.with_warning()
        .with_latest_update()
        .select_related("owner_organization", "owner", "parent")
        .order_by(F("parent_id").asc(nulls_first=True), "due_date", "id")
    )
    return render(
        request,
        "tours/review/instruction.html",
        {
            "section": "actions",
            "instruction": instruction,
            "items": items,
            "tally": instruction.action_items.top_level().tally(),
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


@reviewer_area
def notice_docx(request, pk):
    """The one-page 督办通知单 of a supervision notice, to print and hand over to be signed."""
    try:
        notice = notice_for_document(scoped(SupervisionNotice.objects.all(), request.user), pk)
    except SupervisionNotice.DoesNotExist:
        raise Http404 from None
    name = _("Supervision notice form %(number)s") % {"number": notice_number(notice)}
    return attachment(build_notice_docx(notice), f"{name}.docx", DOCX_TYPE)


@reviewer_area
def trip_followup_docx(request, pk):
    """A trip's 落实情况报告: every commitment with its state, dates, progress and evidence."""
    trip = get_object_or_404(scoped(Trip.objects.select_related("organizer"), request.user), pk=pk)
    content = build_followup_docx(follow_up(trip), link=request.build_absolute_uri)
    return attachment(content, f"{followup_title(trip)}.docx", DOCX_TYPE)
