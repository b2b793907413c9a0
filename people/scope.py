"""Which units a staff account acts for (docs/architecture.md, "Scope").

An account acts for the unit of the person it is linked to (`Participant.user`) and every
unit under it (`Organization.parent`). Accounts holding MANAGE_ALL, and superusers, act
for all; an account linked to nobody acts for nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef
from django.utils.translation import gettext as _

from .models import Organization, Participant

# A province's or a city's office, which oversees every department on the installation.
MANAGE_ALL = "tours.manage_all_trips"


class Scope:
    """The units one account acts for, as a filter on any query that leads to a unit."""

    def __init__(self, *, everything: bool = False, organization: Organization | None = None):
        self.everything = everything
        self.organization = organization

    @property
    def is_empty(self) -> bool:
        return not self.everything and self.organization is None

    def covers(self, organization: Organization | None) -> bool:
        """Does the scope include `organization` (whose `path` must be loaded)?"""
        if self.everything:
            return True
        return self.organization is not None and self.organization.covers(organization)

    def filter(self, queryset, field: str):
        """The rows of `queryset` whose `field` (a path to an Organization) is in the scope."""
        if self.everything:
            return queryset
        if self.organization is None:
            return queryset.none()
        return queryset.filter(**{f"{field}__path__startswith": self.organization.path})

    def may_change(self, record, organization: Organization | None) -> bool:
        """Units and people are shared reference data: anyone picks them, but only the
        department a record belongs to (`organization`, its unit), or the department that
        added it, changes it."""
        if self.covers(organization):
            return True
        if self.organization is None:
            return False
        added_by = (
            record.history.filter(history_type="+")
            .values_list("history_user_id", flat=True)
            .first()
        )
        return added_by is not None and (
            Participant.objects.filter(
                user_id=added_by, organization__path__startswith=self.organization.path
            ).exists()
        )

    def check(self, organization: Organization | None, message: str | None = None) -> None:
        if not self.covers(organization):
            raise PermissionDenied(message or _("This record belongs to another department."))


NOWHERE = Scope()


def scope_of(user) -> Scope:
    """The account's scope, looked up once per user object (so once per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOWHERE
    cached = getattr(user, "_acting_scope", None)
    if cached is not None:
        return cached
    if user.has_perm(MANAGE_ALL):
        scope = Scope(everything=True)
    else:
        person = Participant.objects.filter(user=user).select_related("organization").first()
        organization = person.organization if person else None
        scope = Scope(organization=organization) if organization else NOWHERE
        # user.participant, which pages read too (people.names), without a second query.
        Participant.user.field.remote_field.set_cached_value(user, person)
    user._acting_scope = scope
    return scope


def why_nothing(user) -> str:
    """What to tell an account that acts for nothing, or "" when it acts for something."""
    if not scope_of(user).is_empty:
        return ""
    return _(
        "Your account is not linked to a person in a unit, so it acts for no department and "
        "sees no trips. Ask an administrator to link it (人员 → 登录账号)."
    )


def _inside_other_departments(scope: Scope, path_of: str):
    """Exists(): the outer row's unit (`path_of`, its path) lies inside a department
    (a unit where a staff account sits) that is neither the scope's unit, one under it,
    nor one above it."""
    mine = scope.organization.path
    above = [int(pk) for pk in mine.strip("/").split("/") if pk]
    departments = (
        Organization.objects.filter(participants__user__is_staff=True)
        .exclude(path__startswith=mine)
        .exclude(pk__in=above)
        .annotate(outer_path=ExpressionWrapper(OuterRef(path_of), output_field=CharField()))
        .filter(outer_path__startswith=F("path"))
    )
    return Exists(departments)


def pickable_units(user):
    """The units `user` may pick as owner, co-unit or host: their department's own units
    and the shared ones (offices, towns, hosts that belong to no department), never the
    units inside another department.

    Units are shared reference data (see Scope.may_change), but another department's
    inner offices are its own business. One query, whatever the number of departments.
    """
    scope = scope_of(user)
    units = Organization.objects.all()
    if scope.everything:
        return units
    if scope.organization is None:
        return units.none()
    return units.filter(~_inside_other_departments(scope, "path"))


def pickable_people(user):
    """The people `user` may pick (as owner, author, speaker): those of the units in
    `pickable_units`, and those in no unit."""
    scope = scope_of(user)
    people = Participant.objects.all()
    if scope.everything:
        return people
    if scope.organization is None:
        return people.none()
    return people.filter(~_inside_other_departments(scope, "organization__path"))
