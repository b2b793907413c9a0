"""A public action item's own page: where it came from, who answers for it, how far it has
come and every dated step the public may see.

Only `.public()` rows are read. The follow-up's internal side (returns for rework and their
comments, supervision notices, the reasons and comments of extensions, who signed or
wrote what) stays on the staff pages: the public sees an extension only as the due date a
leader approved.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext

from tours.caching import cached_public_page
from tours.models import (
    ActionItem,
    ActionUpdate,
    DeadlineExtension,
    Instruction,
    Takeaway,
)
from tours.models.followup import TimelineEntry
from tours.tagging import tags_for


@dataclass
class PublicActionRecord:
    """What the public page of one action item shows, read in a fixed number of queries."""

    action: ActionItem
    parent: ActionItem | None
    support_units: list
    subtasks: list
    sources: list
    instruction: Instruction | None
    extensions: list
    updates: list
    timeline: list = field(default_factory=list)


def public_action(pk: int) -> ActionItem | None:
    """Public item `pk` with its warning, trip and unit, and whether its parent is public."""
    return (
        ActionItem.objects.public()
        .with_warning()
        .select_related("trip", "owner_organization", "parent")
        .annotate(
            parent_is_public=Exists(ActionItem.objects.public().filter(pk=OuterRef("parent_id")))
        )
        .filter(pk=pk)
        .first()
    )


def public_action_record(action: ActionItem) -> PublicActionRecord:
    """Everything public around `action`, which came from `public_action`."""
    sources = list(
        Takeaway.objects.public()
        .filter(action_items=action)
        .select_related("site_visit", "speaker")
        .order_by("id")
    )
    tags = tags_for(sources)
    for takeaway in sources:
        takeaway.tag_list = tags.get(takeaway, [])
    instruction = None
    if action.source_instruction_id:
        instruction = (
            Instruction.objects.public()
            .filter(pk=action.source_instruction_id)
            .select_related("author")
            .first()
        )
    # The decision's date and the dates it moved: never the reason or the leader's comment.
    extensions = list(
        DeadlineExtension.objects.public()
        .approved()
        .filter(action=action)
        .only("action_id", "previous_due_date", "due_date", "decided_at", "status")
        .order_by("decided_at", "id")
    )
    updates = list(
        ActionUpdate.objects.public()
        .filter(action=action)
        .select_related("organization")
        .only(
            "action_id",
            "date",
            "note",
            "progress",
            "evidence",
            "evidence_is_public",
            "created_at",
            "organization__name",
        )
    )
    for update in updates:
        update.action = action  # what `is_from_support_unit` compares, already loaded
    record = PublicActionRecord(
        action=action,
        parent=action.parent if action.parent_is_public else None,
        support_units=list(action.support_organizations.order_by("name")),
        subtasks=list(
            ActionItem.objects.public()
            .filter(parent=action)
            .with_warning()
            .select_related("owner_organization")
            .order_by("due_date", "id")
        ),
        sources=sources,
        instruction=instruction,
        extensions=extensions,
        updates=updates,
    )
    record.timeline = public_timeline(action, updates=updates, extensions=extensions)
    return record


def public_timeline(action: ActionItem, *, updates, extensions) -> list[TimelineEntry]:
    """The steps the public may see, by the day they are dated: assigned, signed for,
    each approved extension, each public update, and 销号 when the item was closed or
    已取消 when it was cancelled (never why: the reason is internal, like a return's comment)."""
    entries = [TimelineEntry(action.created_at, "assigned", gettext("Assigned"))]
    if action.acknowledged_at:
        entries.append(TimelineEntry(action.acknowledged_at, "signed", gettext("Signed for")))
    for extension in extensions:
        if extension.decided_at is None:  # approved outside the service: no day to show
            continue
        entries.append(
            TimelineEntry(
                extension.decided_at,
                "extension",
                gettext("Due date extended to %(date)s, as approved")
                % {"date": date_format(extension.due_date)},
            )
        )
    for update in updates:
        entries.append(
            TimelineEntry(
                update.created_at,
                "update",
                gettext("Progress from a co-responsible unit")
                if update.is_from_support_unit
                else gettext("Progress reported"),
                update.note,
                day=update.date,
                update=update,
            )
        )
    if action.closed_at:
        entries.append(
            TimelineEntry(action.closed_at, "closed", gettext("Verified and closed (销号)"))
        )
    if action.cancelled_at:
        entries.append(TimelineEntry(action.cancelled_at, "cancelled", gettext("Cancelled")))
    # Dated steps read in the order of their dates; the end (closed or cancelled) comes last.
    ended = ("closed", "cancelled")
    return sorted(entries, key=lambda entry: (entry.kind in ended, entry.shown_day, entry.at))


# Filed under the lists' version: a public change to any trip's records retires it, so the
# page follows its item, updates, sub-tasks, sources and units (the URL names no trip).
@cached_public_page
def action_detail(request, pk):
    """The public page of one action item (= `ActionItem.get_absolute_url()`)."""
    action = public_action(pk)
    if action is None:
        raise Http404
    return render(request, "tours/action_detail.html", {"record": public_action_record(action)})
