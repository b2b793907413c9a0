"""Action items (落实事项): created from takeaways or instructions, followed until closed."""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from people.models import Organization, Participant
from tours import notifications
from tours.evidence import validate_evidence
from tours.models import ActionItem, ActionUpdate, Instruction, Takeaway, Trip
from tours.models.action import PROGRESS_OUT_OF_RANGE
from tours.scope import check_trip

from .followup import report_back_if_done, roll_up
from .workflow import require_perm, review_takeaways, save_as


def _check_open_trip(trip: Trip):
    if trip.is_locked:
        raise ValidationError(_("The trip is archived; nothing can be added to it."))


@transaction.atomic
def create_action(
    *,
    trip: Trip,
    user,
    title: str,
    owner_organization: Organization | None,
    due_date: datetime.date | None = None,
    owner: Participant | None = None,
    source_takeaways: Iterable[Takeaway] = (),
    source_instruction: Instruction | None = None,
    description: str = "",
    is_public: bool = True,
    adopt_sources: bool = False,
    support_organizations: Iterable[Organization] = (),
    recorded_on: datetime.date | None = None,
) -> ActionItem:
    """Create an action item of `trip`, keeping the link to the takeaways it came from.

    The due date may not lie before `recorded_on`, the day the item was ordered (today
    unless given): an instruction recorded after the fact keeps the deadline it set.

    With `adopt_sources` a leader's pending source takeaways are adopted in the same
    step: what a leader turns into work is what the leader accepts.
    """
    require_perm(user, "tours.add_actionitem", _("You may not create action items."))
    check_trip(user, trip)
    _check_open_trip(trip)
    source_takeaways = list(source_takeaways)
    support_organizations = list(support_organizations)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Name the action item: what will be done.")
    if owner_organization is None:
        errors["owner_organization"] = _("Choose the unit responsible for the action item.")
    elif owner_organization in support_organizations:
        errors["support_organizations"] = _(
            "The responsible unit leads the item; do not name it as a co-responsible unit too."
        )
    if due_date is not None and recorded_on is not None and due_date < recorded_on:
        errors["due_date"] = _(
            "The due date cannot be before the day the item was ordered (%(date)s)."
        ) % {"date": date_format(recorded_on)}
    elif due_date is not None and recorded_on is None and due_date < timezone.localdate():
        errors["due_date"] = _("The due date cannot be in the past.")
    if any(t.trip_id != trip.pk for t in source_takeaways):
        errors["source_takeaways"] = _("Choose takeaways of this trip only.")
    elif any(t.review_status == Takeaway.ReviewStatus.RETURNED for t in source_takeaways):
        errors["source_takeaways"] = _("A returned takeaway cannot become an action item.")
    if errors:
        raise ValidationError(errors)
    action = ActionItem(
        trip=trip,
        title=title.strip(),
        description=description,
        owner_organization=owner_organization,
        owner=owner,
        due_date=due_date,
        source_instruction=source_instruction,
        is_public=is_public,
        created_by=user,
    )
    save_as(action, user)
    if source_takeaways:
        action.source_takeaways.set(source_takeaways)
    if support_organizations:
        action.support_organizations.set(support_organizations)
    notifications.action_assigned(action, by=user)
    pending = [t for t in source_takeaways if t.review_status == Takeaway.ReviewStatus.PENDING]
    if adopt_sources and pending:
        review_takeaways(takeaways=pending, user=user, decision=Takeaway.ReviewStatus.ADOPTED)
    return action


class ActionRowsError(ValidationError):
    """Some action items given with an instruction are invalid; `rows` maps index → error."""

    def __init__(self, rows: dict[int, ValidationError]):
        self.rows = rows
        super().__init__(_("Some of the action items are incomplete; see the marked rows."))


@transaction.atomic
def record_instruction(
    *,
    trip: Trip,
    user,
    author: Participant | None,
    text: str,
    date: datetime.date | None = None,
    takeaway: Takeaway | None = None,
    is_public: bool = False,
    actions: Iterable[Mapping] = (),
) -> Instruction:
    """Record a leader's instruction (领导批示) and the action items it orders, in one step.

    `actions` holds keyword arguments of `create_action` (title, owner_organization, …).
    """
    require_perm(user, "tours.add_instruction", _("Only leaders can record instructions."))
    check_trip(user, trip)
    _check_open_trip(trip)
    errors = {}
    if author is None:
        errors["author"] = _("Choose the leader who gave the instruction.")
    if not (text or "").strip():
        errors["text"] = _("Write down the instruction.")
    if date is not None and date > timezone.localdate():
        errors["date"] = _("The date of an instruction cannot be in the future.")
    if takeaway is not None and takeaway.trip_id != trip.pk:
        errors["takeaway"] = _("Choose a takeaway of this trip.")
    if errors:
        raise ValidationError(errors)
    instruction = Instruction(
        trip=trip,
        takeaway=takeaway,
        author=author,
        text=text.strip(),
        date=date or timezone.localdate(),
        is_public=is_public,
    )
    save_as(instruction, user)
    row_errors = {}
    for index, row in enumerate(actions):
        sources = [takeaway] if takeaway else []
        try:
            create_action(
                trip=trip,
                user=user,
                source_instruction=instruction,
                source_takeaways=sources,
                recorded_on=instruction.date,
                **row,
            )
        except ValidationError as error:
            row_errors[index] = error
    if row_errors:
        raise ActionRowsError(row_errors)
    return instruction


@transaction.atomic
def post_action_update(
    *,
    action: ActionItem,
    user,
    progress: int | None,
    note: str,
    date: datetime.date | None = None,
    evidence=None,
    evidence_is_public: bool = False,
) -> ActionUpdate:
    """An owner reports progress: the item takes the lead unit's progress and status.

    The first update starts the item (and signs for it), 100 % finishes it; progress
    going backwards needs a note saying why. A co-responsible unit's update goes on
    record marked as theirs without moving the item; an item split into sub-tasks
    takes its progress from them, never directly.
    """
    require_perm(user, "tours.add_actionupdate", _("Only action owners can report progress."))
    if not ActionItem.objects.for_owner(user).filter(pk=action.pk).exists():
        raise PermissionDenied(
            _("You are not responsible for this action item, so you cannot report its progress.")
        )
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if not action.accepts_updates:
        raise ValidationError(
            _("This action item is %(status)s and takes no more progress updates.")
            % {"status": action.get_status_display()}
        )
    if action.has_subtasks():
        raise ValidationError(
            _("This item is split into sub-tasks: its progress is theirs, report on each one.")
        )
    leads = ActionItem.objects.for_lead_owner(user).filter(pk=action.pk).exists()
    note = (note or "").strip()
    date = date or timezone.localdate()
    errors = {}
    if progress is None or not 0 <= progress <= 100:
        errors["progress"] = PROGRESS_OUT_OF_RANGE
    elif leads and progress < action.progress and not note:
        errors["note"] = _(
            "Progress goes back from %(before)s%% to %(after)s%%: say why in the note."
        ) % {"before": action.progress, "after": progress}
    if not note and "note" not in errors:
        errors["note"] = _("Describe what has been done.")
    if date > timezone.localdate():
        errors["date"] = _("The date of an update cannot be in the future.")
    if evidence:
        try:
            validate_evidence(evidence)
        except ValidationError as error:
            errors["evidence"] = error
    if errors:
        raise ValidationError(errors)
    participant = getattr(user, "participant", None)
    unit = participant.organization if participant else None
    update = ActionUpdate(
        action=action,
        date=date,
        note=note,
        progress=progress,
        evidence=evidence or "",
        evidence_is_public=bool(evidence) and evidence_is_public,
        author=user,
        organization=unit if not leads else action.owner_organization,
    )
    save_as(update, user)
    if not leads:
        return update
    action.move_to(progress)
    if not action.is_acknowledged:
        action.acknowledged_at = timezone.now()
        action.acknowledged_by = user
    save_as(action, user, _("Progress update"))
    if action.parent_id:
        roll_up(action.parent, user)
    return update


@transaction.atomic
def close_action(*, action: ActionItem, user) -> ActionItem:
    """A leader verifies (审结) a done item and closes it (销号), recording when.

    An item made of sub-tasks is closed with them; when it was the last open item of
    an instruction, the instruction's author gets the completion report (办结反馈).
    """
    require_perm(user, "tours.close_actionitem", _("Only leaders can close action items."))
    check_trip(user, action.trip)
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if not action.may_be_closed:
        raise ValidationError(
            _("Only a done item can be closed; this one is %(status)s.")
            % {"status": action.get_status_display()}
        )
    now = timezone.now()
    for subtask in action.subtasks.filter(status=ActionItem.Status.DONE):
        subtask.status = ActionItem.Status.CLOSED
        subtask.closed_at = now
        save_as(subtask, user, _("Closed with its parent"))
    action.status = ActionItem.Status.CLOSED
    action.closed_at = now
    save_as(action, user, _("Closed"))
    if action.parent_id:
        roll_up(action.parent, user)
    report_back_if_done(action.source_instruction, user)
    return action


def watch_action(*, action: ActionItem, user, watch: bool = True) -> ActionItem:
    """Start (or stop) receiving the item's progress updates in the daily digest."""
    require_perm(user, "tours.view_actionitem", _("You may not follow action items."))
    check_trip(user, action.trip)
    if watch:
        action.watchers.add(user)
    else:
        action.watchers.remove(user)
    return action
