"""A department's trips: the staff side's one filter and one check (people.scope).

A trip belongs to its organizer; every record of a trip (TRIP_RECORDS) belongs where
its trip does. Staff queries go through `scoped`, services through `check_trip`.
"""

from django.utils.translation import gettext as _

from people.scope import scope_of
from tours.models import TRIP_RECORDS


def organizer_field(model) -> str:
    """The path from a row of `model` to its trip's organizer ("trip__organizer", …)."""
    to_trip = TRIP_RECORDS[model].removesuffix("id").removesuffix("_")
    return f"{to_trip}__organizer" if to_trip else "organizer"


def scoped(queryset, user):
    """The rows of `queryset` (a trip's records) whose trip `user` acts for."""
    model = getattr(queryset.model, "instance_type", queryset.model)  # a history table
    return scope_of(user).filter(queryset, organizer_field(model))


def check_trip(user, trip) -> None:
    """Refuse (PermissionDenied) a service on a trip of another department."""
    scope_of(user).check(
        trip.organizer if trip.organizer_id else None,
        _("This trip belongs to another department: you cannot act on it."),
    )
