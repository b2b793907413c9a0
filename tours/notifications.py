"""E-mails: returns to a trip's editor, daily deadline reminders and progress digests.

Sent through Django's e-mail backend (the console in development, SMTP when the
environment says so). Daily e-mails are recorded in EmailDigest, whose unique
(kind, recipient, day) keeps each address to one of each kind a day, even when cron
runs a command twice.
"""

import datetime
import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tours.models import ActionItem, ActionUpdate, EmailDigest, Trip
from tours.scope import scoped

log = logging.getLogger(__name__)


def absolute(url: str) -> str:
    return settings.SITE_URL + url


def trip_editor(trip):
    """Who answers for the trip's content: who submitted it, else who created it."""
    if trip.submitted_by_id:
        return trip.submitted_by
    created = trip.history.filter(history_type="+").select_related("history_user").first()
    return created.history_user if created else None


def _send(subject: str, template: str, context: dict, to: list[str]) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
        return send_mail(str(subject), body, None, to)


def _mail_editor(trip, subject, template, context):
    editor = trip_editor(trip)
    if editor is None or not editor.email:
        log.info("Trip %s has no editor with an e-mail address to tell.", trip.pk)
        return 0
    admin_url = absolute(reverse("admin:tours_trip_change", args=[trip.pk]))
    return _send(
        subject,
        template,
        {**context, "trip": trip, "editor": editor, "admin_url": admin_url},
        [editor.email],
    )


def trip_returned(trip, *, by):
    """Tell the trip's editor why a leader sent it back to draft."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Returned for changes: %(title)s") % {"title": trip.title}
    return _mail_editor(trip, subject, "tours/email/trip_returned.txt", {"leader": by})


def takeaways_returned(takeaways, *, by):
    """Tell each trip's editor which of its takeaways a leader returned, and why."""
    by_trip = defaultdict(list)
    for takeaway in takeaways:
        by_trip[takeaway.trip_id].append(takeaway)
    trips = Trip.objects.select_related("submitted_by").in_bulk(by_trip)
    sent = 0
    for trip_id, returned in by_trip.items():
        trip = trips[trip_id]
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Takeaways returned: %(title)s") % {"title": trip.title}
        sent += _mail_editor(
            trip,
            subject,
            "tours/email/takeaways_returned.txt",
            {"leader": by, "takeaways": returned},
        )
    return sent


def _send_daily(kind, recipient, today, subject, template, context, count) -> bool:
    """Send one daily e-mail unless `recipient` already had this kind today."""
    try:
        with transaction.atomic():
            EmailDigest.objects.create(
                kind=kind, recipient=recipient, sent_on=today, item_count=count
            )
            # Inside the transaction: if sending fails, the record goes too and a rerun retries.
            _send(subject, template, context, [recipient])
    except IntegrityError:
        return False
    return True


def owner_address(participant) -> str:
    user = participant.user
    return (user.email if user and user.email else "") or participant.email


def send_deadline_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each owner their overdue items and those due within 7 days; return how many."""
    today = today or timezone.localdate()
    items = (
        ActionItem.objects.open()
        .with_warning()
        .filter(owner__isnull=False, due_date__lte=today + timedelta(days=7))
        .select_related("trip", "owner__user", "owner_organization")
        .order_by("due_date", "id")
    )
    by_address = defaultdict(list)
    for item in items:
        address = owner_address(item.owner)
        if address:
            by_address[address].append(item)
    sent = 0
    for address, owned in by_address.items():
        overdue = [i for i in owned if i.due_date < today]
        upcoming = [i for i in owned if i.due_date >= today]
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Action items: %(overdue)s overdue, %(upcoming)s due within 7 days") % {
                "overdue": len(overdue),
                "upcoming": len(upcoming),
            }
        context = {
            "owner": owned[0].owner,
            "overdue": overdue,
            "upcoming": upcoming,
            "today": today,
            "my_actions_url": absolute(reverse("tours:my-actions")),
        }
        if _send_daily(
            EmailDigest.Kind.DEADLINES,
            address,
            today,
            subject,
            "tours/email/deadlines.txt",
            context,
            len(owned),
        ):
            sent += 1
    return sent


def send_progress_digests(*, now: datetime.datetime | None = None) -> int:
    """E-mail whoever created or watches action items the updates posted since their last
    digest (at first, the last day's); return how many e-mails went out."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    creators = ActionItem.objects.exclude(created_by=None).values("created_by")
    followed = Q(pk__in=creators) | Q(watched_actions__isnull=False)
    readers = (
        get_user_model()
        .objects.filter(followed, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for reader in readers:
        last = (
            EmailDigest.objects.filter(kind=EmailDigest.Kind.PROGRESS, recipient=reader.email)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        since = last or now - timedelta(days=1)
        # Only what the reader still acts for: a leader moved to another department
        # stops hearing of the old one's items.
        updates = list(
            scoped(ActionUpdate.objects.all(), reader)
            .filter(created_at__gt=since, created_at__lte=now)
            .filter(Q(action__created_by=reader) | Q(action__watchers=reader))
            .exclude(author=reader)
            .select_related("action__trip", "action__owner_organization", "author")
            .distinct()
            .order_by("action__trip_id", "action_id", "created_at")
        )
        if not updates:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Progress on the action items you follow: %(count)s updates") % {
                "count": len(updates)
            }
        context = {
            "reader": reader,
            "updates": updates,
            "review_url": absolute(reverse("tours:review-actions")),
        }
        if _send_daily(
            EmailDigest.Kind.PROGRESS,
            reader.email,
            today,
            subject,
            "tours/email/progress_digest.txt",
            context,
            len(updates),
        ):
            sent += 1
    return sent


# The follow-up loop: each step tells the other side, once, at the moment it happens.


def owner_addresses(action) -> list[str]:
    """Where an item's news goes: its named person, else its unit's owner accounts."""
    if action.owner_id:
        address = owner_address(action.owner)
        return [address] if address else []
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            participant__organization_id=action.owner_organization_id,
            groups__permissions__codename="add_actionupdate",
        )
        .exclude(email="")
        .distinct()
    )
    return sorted({user.email for user in users})


def leader_addresses(action) -> list[str]:
    """Who follows an item for the leaders: who created it and who watches it."""
    users = [action.created_by] if action.created_by_id else []
    users += list(action.watchers.filter(is_active=True))
    return sorted({user.email for user in users if user and user.email})


def _follow_up_mail(action, to, subject, lines, url):
    if not to:
        log.info("Action item %s: nobody to tell of %r.", action.pk, subject)
        return 0
    return _send(
        subject,
        "tours/email/follow_up.txt",
        {"action": action, "lines": lines, "url": absolute(url)},
        to,
    )


def _subject(text, action):
    with translation.override(settings.LANGUAGE_CODE):
        return text % {"title": action.title}


def action_assigned(action, *, by):
    """Tell the responsible unit of a new assignment, which it is to sign for (签收)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("A new action item is assigned to your unit. Please sign for it.")]
        if action.due_date:
            lines.append(_("Due date: %(date)s") % {"date": action.due_date})
    return _follow_up_mail(
        action,
        owner_addresses(action),
        _subject(_("New action item: %(title)s"), action),
        lines,
        reverse("tours:my-action", args=[action.pk]),
    )


def action_returned(action, *, comment, by):
    """Tell the responsible unit why its finished item came back (退回重办)."""
    return _follow_up_mail(
        action,
        owner_addresses(action),
        _subject(_("Returned for rework: %(title)s"), action),
        [comment],
        reverse("tours:my-action", args=[action.pk]),
    )


def action_cancelled(items, *, reason, by):
    """Tell the responsible units that a leader cancelled an item, with the open sub-tasks
    in `items` after it, and why: each address hears once, of the first item it answers for."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("A leader cancelled this action item: it takes no more progress reports.")]
    lines.append(reason)
    told, sent = set(), 0
    for action in items:
        to = [address for address in owner_addresses(action) if address not in told]
        if not to:
            continue
        told.update(to)
        sent += _follow_up_mail(
            action,
            to,
            _subject(_("Cancelled: %(title)s"), action),
            lines,
            reverse("tours:my-action", args=[action.pk]),
        )
    return sent


def extension_requested(extension):
    action = extension.action
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("New due date asked for: %(date)s") % {"date": extension.due_date},
            extension.reason,
        ]
    return _follow_up_mail(
        action,
        leader_addresses(action),
        _subject(_("More time asked for: %(title)s"), action),
        lines,
        reverse("tours:review-action", args=[action.pk]),
    )


def extension_decided(extension):
    action = extension.action
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("Your request for a due date of %(date)s is %(status)s.")
            % {"date": extension.due_date, "status": extension.get_status_display()}
        ]
    if extension.comment:
        lines.append(extension.comment)
    return _follow_up_mail(
        action,
        owner_addresses(action),
        _subject(_("Decision on more time: %(title)s"), action),
        lines,
        reverse("tours:my-action", args=[action.pk]),
    )


def notice_issued(notice):
    action = notice.action
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(level)s: %(title)s") % {
            "level": notice.get_level_display(),
            "title": action.title,
        }
        lines = [notice.text, _("Please acknowledge it on the item's page.")]
    return _follow_up_mail(
        action,
        owner_addresses(action),
        subject,
        lines,
        reverse("tours:my-action", args=[action.pk]),
    )


def instruction_completed(instruction):
    """The 办结反馈: tell the leader who gave an instruction, and the trip's editor, what
    was done with each item it ordered, with the evidence."""
    trip = instruction.trip
    editor = trip_editor(trip)
    to = {instruction.author.email, owner_address(instruction.author)}
    if editor and editor.email:
        to.add(editor.email)
    to.discard("")
    if not to:
        log.info("Instruction %s: nobody to send the completion report to.", instruction.pk)
        return 0
    items = list(
        instruction.action_items.top_level()
        .with_latest_update()
        .select_related("owner_organization")
        .prefetch_related("updates")
        .order_by("id")
    )
    for item in items:
        item.evidence_urls = [
            absolute(reverse("tours:private-file", args=[update.evidence.name]))
            for update in item.updates.all()
            if update.evidence
        ]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Completion report (办结反馈): %(title)s") % {"title": trip.title}
    return _send(
        subject,
        "tours/email/instruction_completed.txt",
        {
            "instruction": instruction,
            "trip": trip,
            "items": items,
            "url": absolute(reverse("tours:review-instruction-detail", args=[instruction.pk])),
        },
        sorted(to),
    )
