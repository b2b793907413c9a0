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
