"""Bringing back a deleted part of a trip from its history (the trip's history page)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from tours.models import (
    TRIP_RECORDS,
    ActionItem,
    Indicator,
    Instruction,
    Question,
    SiteVisit,
    Takeaway,
    Trip,
    TripMember,
)
from tours.scope import check_trip

# What staff enter and may bring back. Not photos (their files go with them), nor the
# owners' reports and the follow-up loop's records (each is someone's act on a date:
# brought back without its workflow fields it would be a different act).
RESTORABLE = (TripMember, SiteVisit, Question, Indicator, Takeaway, Instruction, ActionItem)


def may_restore(user, trip: Trip | None, model) -> bool:
    """Could `user` bring back a deleted `model` row of `trip` (the button's condition)?"""
    if model not in RESTORABLE or trip is None or trip.is_locked:
        return False
    opts = model._meta
    return all(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("add", "change")
    )


def last_version(model, record_id: int):
    """The newest historical record of the `model` row `record_id`, or None."""
    return model.history.filter(id=record_id).order_by("-history_date", "-history_id").first()


@transaction.atomic
def restore_part(*, model, record_id: int, user):
    """Recreate the deleted `model` row `record_id` of a trip as it was when deleted.

    It keeps its id, so its history goes on where it stopped. Workflow fields are not
    restored (docs/architecture.md, "Integrity"): a takeaway comes back 待审, an action
    item 未启动 at 0 % with no sign-off and no parent, created by `user`. A link to a row
    deleted since is left empty where it may be, and refused where it may not (bring that
    row back first). Needs the part's add and change permissions, a trip of the user's
    department that is not archived; raises PermissionDenied or ValidationError.
    """
    if model not in RESTORABLE:
        raise ValidationError(_("This kind of record cannot be restored."))
    opts = model._meta
    last = last_version(model, record_id)
    if last is None:
        raise ValidationError(_("There is no such record in the history."))
    if last.history_type != "-" or model._base_manager.filter(pk=record_id).exists():
        raise ValidationError(_("This record has not been deleted."))
    trip = Trip.objects.select_for_update().filter(pk=getattr(last, TRIP_RECORDS[model])).first()
    if trip is None:
        raise ValidationError(_("The trip of this record has been deleted."))
    check_trip(user, trip)
    if trip.is_locked:
        raise PermissionDenied(_("The trip is archived; nothing can be restored to it."))
    if not may_restore(user, trip, model):
        raise PermissionDenied(
            _("You may not restore %(name)s.") % {"name": opts.verbose_name_plural}
        )

    obj = last.instance
    obj._state.adding, obj._state.db = True, None
    for name in getattr(model, "WORKFLOW_FIELDS", ()):
        field = opts.get_field(name)
        setattr(obj, field.attname, field.get_default())
    if hasattr(obj, "created_by_id"):
        obj.created_by = user
    for field in opts.concrete_fields:
        pk = getattr(obj, field.attname) if field.is_relation else None
        if pk is None or field.related_model._base_manager.filter(pk=pk).exists():
            continue
        if not field.null:
            raise ValidationError(
                _("Its %(field)s has been deleted since: restore that first.")
                % {"field": field.verbose_name}
            )
        setattr(obj, field.attname, None)
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = _("Restored after its deletion on %(date)s") % {
        "date": formats.date_format(timezone.localtime(last.history_date), "DATETIME_FORMAT")
    }
    obj.save(force_insert=True)
    _restore_links(obj, last, trip)
    return obj


def _restore_links(obj, last, trip):
    """The many-to-many links the deleted row had (where its history keeps them), to rows
    that still exist; a takeaway only of the same trip."""
    tracked = {field.name for field in getattr(type(last), "_history_m2m_fields", ())}
    if not tracked:
        return
    # The deletion's own record keeps no links: the version saved before it does.
    kept = (
        type(obj)
        .history.filter(id=last.id, history_date__lte=last.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if kept is None:
        return
    for field in obj._meta.many_to_many:
        if field.name not in tracked:
            continue
        ids = getattr(kept, field.name).values_list(get_m2m_reverse_field_name(field), flat=True)
        related = field.related_model._base_manager.filter(pk__in=list(ids))
        if field.related_model is Takeaway:
            related = related.filter(trip=trip)
        getattr(obj, field.name).set(related)
