"""A trip's way to publication, and leaders' decisions on its takeaways.

draft → submitted (an editor submits) → published (a leader publishes) → archived (locked,
still public); a leader may return a submitted trip to draft with a comment. Every step
is saved through the ORM with the acting user, so the history shows who did it and when.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tours import notifications
from tours.models import Takeaway, Trip
from tours.scope import check_trip

Status = Trip.Status


def require_perm(user, perm: str, message: str):
    if not (user and user.is_active and user.has_perm(perm)):
        raise PermissionDenied(message)


def save_as(obj, user, reason: str = ""):
    """Validate and save `obj`, recording `user` (and why) in its history."""
    obj.full_clean()
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()


def _locked(trip: Trip) -> Trip:
    # Read the trip's current state under a row lock: two leaders acting at once
    # must not both publish, or publish what the other has just returned.
    return Trip.objects.select_for_update().get(pk=trip.pk)


def _check_status(trip: Trip, required: str, message: str):
    if trip.status != required:
        raise ValidationError(message % {"status": trip.get_status_display()}, code="status")


@transaction.atomic
def submit_trip(*, trip: Trip, user) -> Trip:
    """An editor hands a draft trip to the leaders for review; returns the updated trip."""
    require_perm(user, "tours.change_trip", _("Only editors can submit a trip for review."))
    check_trip(user, trip)
    trip = _locked(trip)
    _check_status(
        trip, Status.DRAFT, _("Only a draft can be submitted for review; this trip is %(status)s.")
    )
    trip.status = Status.SUBMITTED
    trip.submitted_by = user
    trip.submitted_at = timezone.now()
    save_as(trip, user, _("Submitted for review"))
    return trip


@transaction.atomic
def publish_trip(*, trip: Trip, user) -> Trip:
    """A leader publishes a submitted trip that is complete; `published_at` is set once.

    An incomplete trip raises a ValidationError listing everything it still lacks.
    """
    require_perm(user, "tours.publish_trip", _("Only leaders can publish a trip."))
    check_trip(user, trip)
    trip = _locked(trip)
    _check_status(
        trip,
        Status.SUBMITTED,
        _("Only a submitted trip can be published; this trip is %(status)s."),
    )
    missing = trip.missing_for_publication()
    if missing:
        raise ValidationError(missing, code="incomplete")
    trip.status = Status.PUBLISHED
    if trip.published_at is None:
        trip.published_at = timezone.now()
    trip.return_comment = ""
    save_as(trip, user, _("Published"))
    return trip


@transaction.atomic
def archive_trip(*, trip: Trip, user) -> Trip:
    """A leader archives a published trip: it stays public and can no longer be edited."""
    require_perm(user, "tours.publish_trip", _("Only leaders can archive a trip."))
    check_trip(user, trip)
    trip = _locked(trip)
    _check_status(
        trip, Status.PUBLISHED, _("Only a published trip can be archived; this trip is %(status)s.")
    )
    trip.status = Status.ARCHIVED
    save_as(trip, user, _("Archived"))
    return trip


@transaction.atomic
def return_trip(*, trip: Trip, user, comment: str) -> Trip:
    """A leader sends a submitted trip back to draft; its editor is e-mailed the comment."""
    require_perm(user, "tours.publish_trip", _("Only leaders can return a trip."))
    check_trip(user, trip)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Say why the trip goes back, so the editor knows what to change.")}
        )
    trip = _locked(trip)
    _check_status(
        trip, Status.SUBMITTED, _("Only a submitted trip can be returned; this trip is %(status)s.")
    )
    trip.status = Status.DRAFT
    trip.return_comment = comment
    save_as(trip, user, _("Returned to draft"))
    transaction.on_commit(lambda: notifications.trip_returned(trip, by=user))
    return trip


DECISIONS = (
    Takeaway.ReviewStatus.ADOPTED,
    Takeaway.ReviewStatus.FEATURED,
    Takeaway.ReviewStatus.RETURNED,
)


@transaction.atomic
def review_takeaways(
    *, takeaways: Iterable[Takeaway], user, decision: str, comment: str = ""
) -> list[Takeaway]:
    """A leader adopts, features or returns several takeaways with one comment.

    A return needs a comment; the editors of the trips concerned get one e-mail each.
    """
    require_perm(
        user, "tours.review_takeaway", _("Only leaders can adopt, feature or return takeaways.")
    )
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose adopt, feature or return.")})
    comment = (comment or "").strip()
    if decision == Takeaway.ReviewStatus.RETURNED and not comment:
        raise ValidationError(
            {"comment": _("A returned takeaway needs a comment saying what to change.")}
        )
    takeaways = list(takeaways)
    if not takeaways:
        raise ValidationError({"takeaways": _("Tick at least one takeaway.")})
    for trip in {t.trip_id: t.trip for t in takeaways}.values():
        check_trip(user, trip)
    if any(t.trip.is_locked for t in takeaways):
        raise ValidationError(_("The trip is archived; its takeaways can no longer be reviewed."))
    now = timezone.now()
    for takeaway in takeaways:
        takeaway.review_status = decision
        takeaway.reviewed_by = user
        takeaway.reviewed_at = now
        takeaway.review_comment = comment
        save_as(takeaway, user, Takeaway.ReviewStatus(decision).label)
    if decision == Takeaway.ReviewStatus.RETURNED:
        transaction.on_commit(lambda: notifications.takeaways_returned(takeaways, by=user))
    return takeaways


def review_takeaway(*, takeaway: Takeaway, user, decision: str, comment: str = "") -> Takeaway:
    """A leader adopts, features or returns one takeaway; a return needs a comment."""
    return review_takeaways(takeaways=[takeaway], user=user, decision=decision, comment=comment)[0]
