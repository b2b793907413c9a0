"""Leaders mark the edits of a published trip read, so the review desk stops listing them."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tours.models import SeenEdits, Trip
from tours.scope import check_trip

from .workflow import require_perm


@transaction.atomic
def mark_edits_seen(*, trip: Trip, user, up_to: datetime) -> SeenEdits:
    """A leader has read the trip's edits up to `up_to`, the newest one the desk showed.

    Up to that edit, not up to now: one saved while the leader was reading stays listed.
    A mark never moves back, so two leaders marking at once keep the later one.
    """
    require_perm(user, "tours.review_takeaway", _("Only leaders can mark edits as read."))
    check_trip(user, trip)
    if not trip.is_public:
        raise ValidationError(_("Only the edits of a published trip are listed for reading."))
    if up_to > timezone.now():
        raise ValidationError({"up_to": _("That moment has not come yet.")})
    mark, created = SeenEdits.objects.select_for_update().get_or_create(
        trip=trip, defaults={"seen_up_to": up_to, "seen_by": user}
    )
    if not created and up_to > mark.seen_up_to:
        mark.seen_up_to = up_to
        mark.seen_by = user
    mark.full_clean()
    mark.save()
    return mark
