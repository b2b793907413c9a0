"""The follow-up loop (督办闭环): owners sign for items, ask for more time and acknowledge
notices; leaders split items, verify or return them, decide extensions and issue notices.

Owners act on the items they answer for as the lead unit (主办); co-responsible units
(协办) only report progress. Leaders act within their department's scope. Every step
is saved with its author, so the item's history and timeline show who did what, when.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from people.models import Organization, Participant
from tours import notifications
from tours.models import (
    ActionItem,
    ActionReturn,
    DeadlineExtension,
    Instruction,
    SupervisionNotice,
)
from tours.scope import check_trip

from .workflow import require_perm, save_as

# The leaders' follow-up right (审阅人 hold it): verify, return, split, extend, supervise.
SUPERVISE = "tours.close_actionitem"
OWNER = "tours.add_actionupdate"


def _require_leader(user, action: ActionItem, message: str):
    require_perm(user, SUPERVISE, message)
    check_trip(user, action.trip)


def _require_lead_owner(user, action: ActionItem, message: str):
    require_perm(user, OWNER, message)
    if not ActionItem.objects.for_lead_owner(user).filter(pk=action.pk).exists():
        raise PermissionDenied(message)


def _locked(action: ActionItem) -> ActionItem:
    return ActionItem.objects.select_for_update().select_related("trip").get(pk=action.pk)


def _require_not_ended(action: ActionItem):
    if not action.accepts_updates:
        raise ValidationError(
            _("This action item is %(status)s: nothing more can be done on it.")
            % {"status": action.get_status_display()}
        )


@transaction.atomic
def acknowledge_action(*, action: ActionItem, user) -> ActionItem:
    """The lead unit signs for (签收) a new assignment: who and when go on record."""
    _require_lead_owner(user, action, _("Only the responsible unit can sign for this action item."))
    action = _locked(action)
    _require_not_ended(action)
    if action.is_acknowledged:
        raise ValidationError(_("This action item has already been signed for."))
    action.acknowledged_at = timezone.now()
    action.acknowledged_by = user
    save_as(action, user, _("Signed for"))
    return action


def roll_up(parent: ActionItem, user):
    """Carry the sub-tasks' progress to their parent and save it."""
    parent = _locked(parent)
    if parent.status in (ActionItem.Status.CLOSED, ActionItem.Status.CANCELLED):
        return parent
    parent.roll_up()
    save_as(parent, user, _("Progress of the sub-tasks"))
    return parent


@transaction.atomic
def add_subtask(
    *,
    action: ActionItem,
    user,
    title: str,
    owner_organization: Organization | None,
    weight: int = 1,
    due_date: datetime.date | None = None,
    owner: Participant | None = None,
    description: str = "",
) -> ActionItem:
    """A leader splits an item into sub-tasks (分解任务); the parent's progress becomes the
    weighted mean of theirs."""
    _require_leader(user, action, _("Only leaders can split an action item into sub-tasks."))
    action = _locked(action)
    if action.parent_id:
        raise ValidationError(_("A sub-task cannot be split again: split its parent instead."))
    if not action.is_open:
        raise ValidationError(
            _("Only an open item can be split; this one is %(status)s.")
            % {"status": action.get_status_display()}
        )
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Name the sub-task: what will be done.")
    if owner_organization is None:
        errors["owner_organization"] = _("Choose the unit responsible for the sub-task.")
    if weight is None or weight < 1:
        errors["weight"] = _("A weight is a whole number from 1 up.")
    if due_date is not None and due_date < timezone.localdate():
        errors["due_date"] = _("The due date cannot be in the past.")
    elif due_date and action.due_date and due_date > action.due_date:
        errors["due_date"] = _(
            "A sub-task is due by its parent's due date, %(date)s, at the latest."
        ) % {"date": action.due_date}
    if errors:
        raise ValidationError(errors)
    subtask = ActionItem(
        trip=action.trip,
        parent=action,
        title=title.strip(),
        description=description,
        owner_organization=owner_organization,
        owner=owner,
        weight=weight,
        due_date=due_date or action.due_date,
        source_instruction_id=action.source_instruction_id,
        is_public=action.is_public,
        created_by=user,
    )
    save_as(subtask, user, _("Sub-task of %(title)s") % {"title": action.title})
    roll_up(action, user)
    notifications.action_assigned(subtask, by=user)
    return subtask


@transaction.atomic
def return_action(*, action: ActionItem, user, comment: str) -> ActionItem:
    """A leader returns a done item for rework (退回重办): back in progress, with why."""
    _require_leader(user, action, _("Only leaders can return an action item."))
    action = _locked(action)
    if action.status != ActionItem.Status.DONE:
        raise ValidationError(
            _("Only a done item can be returned for rework; this one is %(status)s.")
            % {"status": action.get_status_display()}
        )
    if action.has_subtasks():
        raise ValidationError(
            _("This item is made of sub-tasks: return the sub-task that is not done yet.")
        )
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what still has to be done.")})
    ActionReturn.objects.create(
        action=action, comment=comment, returned_by=user, progress=action.progress
    )
    action.status = ActionItem.Status.IN_PROGRESS
    save_as(action, user, _("Returned for rework"))
    if action.parent_id:
        roll_up(action.parent, user)
    notifications.action_returned(action, comment=comment, by=user)
    return action


# simple-history keeps a change's reason in 100 characters.
CHANGE_REASON_LENGTH = 100


@transaction.atomic
def cancel_action(*, action: ActionItem, user, reason: str) -> ActionItem:
    """A leader cancels an open item (取消, e.g. folded into another plan), saying why.

    Its open sub-tasks are cancelled with it and a sub-task's parent rolls up without it;
    a request for more time still waiting is refused with it. The reason stays internal
    (the owners see it and are told by e-mail); the public sees only that it was cancelled.
    """
    _require_leader(user, action, _("Only leaders can cancel an action item."))
    action = _locked(action)
    refusals = {
        ActionItem.Status.DONE: _(
            "This item is done: verify and close it, or return it for rework, instead of "
            "cancelling it."
        ),
        ActionItem.Status.CLOSED: _("This item is already closed (销号): it cannot be cancelled."),
        ActionItem.Status.CANCELLED: _("This item has already been cancelled."),
    }
    if action.status in refusals:
        raise ValidationError(refusals[action.status], code="status")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is cancelled.")})
    now = timezone.now()
    change_reason = Truncator(_("Cancelled: %(reason)s") % {"reason": reason}).chars(
        CHANGE_REASON_LENGTH
    )
    cancelled = [
        action,
        *action.subtasks.filter(status__in=ActionItem.OPEN_STATUSES).select_for_update(),
    ]
    for item in reversed(cancelled):
        item.status = ActionItem.Status.CANCELLED
        item.cancelled_at = now
        item.cancelled_by = user
        item.cancel_reason = reason
        save_as(item, user, change_reason)
        _refuse_waiting_extension(item, user)
    if action.parent_id:
        roll_up(action.parent, user)
    notifications.action_cancelled(cancelled, reason=reason, by=user)
    report_back_if_done(action.source_instruction, user)
    return action


def _refuse_waiting_extension(action: ActionItem, user):
    # A cancelled item needs no more time: leaving the request waiting would keep the
    # item on the leaders' list of decisions to take.
    for extension in action.extensions.pending().select_for_update():
        extension.status = DeadlineExtension.Status.REFUSED
        extension.decided_by = user
        extension.decided_at = timezone.now()
        extension.comment = _("The item is cancelled.")
        save_as(extension, user, extension.get_status_display())


@transaction.atomic
def request_extension(
    *, action: ActionItem, user, due_date: datetime.date | None, reason: str
) -> DeadlineExtension:
    """The lead unit asks for a later due date (延期申请), saying why."""
    _require_lead_owner(
        user, action, _("Only the responsible unit can ask for more time on this item.")
    )
    action = _locked(action)
    if not action.is_open:
        raise ValidationError(
            _("Only an open item can be given more time; this one is %(status)s.")
            % {"status": action.get_status_display()}
        )
    if action.extensions.pending().exists():
        raise ValidationError(
            _("A request for more time is already waiting for the leaders' decision.")
        )
    errors = {}
    reason = (reason or "").strip()
    if due_date is None:
        errors["due_date"] = _("Give the new due date you ask for.")
    elif due_date <= timezone.localdate():
        errors["due_date"] = _("The new due date must be after today.")
    elif action.due_date and due_date <= action.due_date:
        errors["due_date"] = _("The new due date must be after the current one, %(date)s.") % {
            "date": action.due_date
        }
    if not reason:
        errors["reason"] = _("Say why the item needs more time.")
    if errors:
        raise ValidationError(errors)
    extension = DeadlineExtension(
        action=action,
        requested_by=user,
        previous_due_date=action.due_date,
        due_date=due_date,
        reason=reason,
    )
    save_as(extension, user, _("More time asked for"))
    notifications.extension_requested(extension)
    return extension


@transaction.atomic
def decide_extension(
    *, extension: DeadlineExtension, user, approve: bool, comment: str = ""
) -> DeadlineExtension:
    """A leader approves or refuses a request for more time; an approval moves the due
    date and keeps the original one on record."""
    _require_leader(user, extension.action, _("Only leaders can decide on more time."))
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    if not extension.is_pending:
        raise ValidationError(
            _("This request has already been decided: %(status)s.")
            % {"status": extension.get_status_display()}
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the request is refused.")})
    action = _locked(extension.action)
    extension.status = (
        DeadlineExtension.Status.APPROVED if approve else DeadlineExtension.Status.REFUSED
    )
    extension.decided_by = user
    extension.decided_at = timezone.now()
    extension.comment = comment
    save_as(extension, user, extension.get_status_display())
    if approve:
        if action.original_due_date is None:
            action.original_due_date = action.due_date
        action.due_date = extension.due_date
        save_as(action, user, _("Due date extended"))
    notifications.extension_decided(extension)
    return extension


@transaction.atomic
def issue_notice(*, action: ActionItem, user, level: str, text: str) -> SupervisionNotice:
    """A leader issues a reminder (催办) or a blue, yellow or red supervision notice (督办单),
    which the responsible unit must acknowledge."""
    _require_leader(user, action, _("Only leaders can issue supervision notices."))
    action = _locked(action)
    _require_not_ended(action)
    errors = {}
    if level not in SupervisionNotice.Level.values:
        errors["level"] = _("Choose the kind of notice.")
    if not (text or "").strip():
        errors["text"] = _("Write what the notice asks of the responsible unit.")
    if errors:
        raise ValidationError(errors)
    notice = SupervisionNotice(action=action, level=level, text=text.strip(), issued_by=user)
    save_as(notice, user, notice.get_level_display())
    notifications.notice_issued(notice)
    return notice


@transaction.atomic
def acknowledge_notice(*, notice: SupervisionNotice, user) -> SupervisionNotice:
    """The responsible unit acknowledges a notice: who and when go on record."""
    _require_lead_owner(
        user, notice.action, _("Only the responsible unit can acknowledge this notice.")
    )
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_acknowledged:
        raise ValidationError(_("This notice has already been acknowledged."))
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = user
    save_as(notice, user, _("Acknowledged"))
    return notice


def report_back_if_done(instruction: Instruction | None, user) -> bool:
    """Send the 办结反馈 once every item an instruction ordered is finished with (at least
    one closed, the rest closed or cancelled); return whether it went out now."""
    if instruction is None or instruction.feedback_sent_at:
        return False
    items = instruction.action_items.top_level()
    statuses = set(items.values_list("status", flat=True))
    ended = {ActionItem.Status.CLOSED, ActionItem.Status.CANCELLED}
    if ActionItem.Status.CLOSED not in statuses or not statuses <= ended:
        return False
    instruction.feedback_sent_at = timezone.now()
    save_as(instruction, user, _("Completion report sent"))
    transaction.on_commit(lambda: notifications.instruction_completed(instruction))
    return True
