"""Workflows on people and organizations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from .models import Organization
from .scope import scope_of


def _references(model):
    """Every foreign key that points at `model`, from any app, history tables excepted.

    Found through the model's meta, so `people` need not know the apps that refer to it.
    """
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        if issubclass(relation.related_model, HistoricalChanges):
            continue
        yield relation.related_model, relation.field.name


@transaction.atomic
def merge_organizations(*, keep: Organization, duplicate: Organization, user) -> int:
    """Fold `duplicate` into `keep`: move every reference to `keep`, then delete `duplicate`.

    Each moved record is saved through the ORM, so its history shows the change and who
    made it, and the deleted duplicate stays restorable from its own history. Returns how
    many records were moved. Needs permission to change and delete organizations.
    """
    if not (
        user.has_perm("people.change_organization") and user.has_perm("people.delete_organization")
    ):
        raise PermissionDenied
    scope = scope_of(user)
    if not (scope.may_change(keep, keep) and scope.may_change(duplicate, duplicate)):
        raise PermissionDenied(
            _("Only the department a unit belongs to, or the one that added it, may merge it.")
        )
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different organizations to merge."))
    keep.full_clean()
    reason = _("Merged %(duplicate)s into %(keep)s") % {"duplicate": duplicate, "keep": keep}
    moved = 0
    for model, field in _references(Organization):
        for record in model._base_manager.filter(**{field: duplicate}):
            if record == keep:  # the kept one was a child of the duplicate
                record.parent = duplicate.parent
            else:
                setattr(record, field, keep)
            record._history_user = user
            record._change_reason = reason
            record.save()
            moved += 1
    if not keep.region and duplicate.region:
        keep.refresh_from_db()
        keep.region = duplicate.region
        keep._history_user = user
        keep._change_reason = reason
        keep.save()
    duplicate._history_user = user
    duplicate._change_reason = reason
    duplicate.delete()
    return moved
