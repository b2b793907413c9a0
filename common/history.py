"""The admin's change history as staff read it, and its reverts as changes like any other."""

import datetime

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from people.names import ACCOUNT_PERSON, person_name


def shown_value(value):
    """A stored value as the pages show it: times in Beijing time to the minute (not
    "2026-12-04 12:31:05.123456+00:00"), dates in Chinese, an account as its person."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, get_user_model()):
        return person_name(value)
    return value


def account_fields(model) -> list[str]:
    """The foreign keys of `model` to accounts, each with its person selected along."""
    return [
        f"{field.name}__{ACCOUNT_PERSON}"
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is get_user_model()
    ]


class ReadableChanges(HistoricalRecordContextHelper):
    """Each change shows what the form showed: a choice's label, 是/否, "-" for nothing.

    simple-history shows stored values ("draft", True) and an empty foreign key as a
    deleted object ("Deleted 照片 (pk=None)").
    """

    def __init__(self, *args, empty, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty = empty

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value in (None, "", []) or (isinstance(value, DeletedObject) and value.pk is None):
            return self.empty
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.BooleanField):
            return _("Yes") if value else _("No")
        return shown_value(super().prepare_delta_change_value(change, value))


def is_version(obj) -> bool:
    """Is `obj` a past version of a record, as simple-history's revert page builds it?"""
    return hasattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history reads as the rest of the admin does.

    simple-history lets anyone who may view a record revert it, and saves every field of
    the old version, those the change form does not offer included. Here a revert needs
    the right to change the record as it is now (so an archived trip refuses it) and
    restores only what the change form edits: workflow fields, creators and linked
    accounts keep their current values. A deleted record is not brought back this way.
    """

    object_history_list_template = "admin/history_list.html"

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # Who saved each version, and the accounts it points at, are named by their
        # persons (people.names): selected with the versions, not a query per row.
        versions = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return versions.select_related(
            f"history_user__{ACCOUNT_PERSON}", *account_fields(self.model)
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record, empty=self.get_empty_value_display())

    def history_in_scope(self, request, versions):
        """The versions of a deleted record `request.user` may read (all, unless scoped)."""
        return versions

    def _check_visible(self, request, object_id):
        """404 unless the record is in this admin's queryset, or was deleted from it.

        simple-history falls back to a record's history when the queryset lacks it, which
        would show a record the queryset leaves out on purpose (another department's).
        """
        if self.get_queryset(request).filter(pk=object_id).exists():
            return
        if self.model._base_manager.filter(pk=object_id).exists():
            raise Http404
        versions = self.model.history.filter(**{self.model._meta.pk.attname: object_id})
        if not self.history_in_scope(request, versions).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_visible(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_visible(request, unquote(object_id))
        current = self.get_object(request, unquote(object_id))
        if request.method == "POST" and self.revert_disabled(request, current):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        current = self._current(request, obj)
        return (
            current is None
            or not self.has_change_permission(request, current)
            or super().revert_disabled(request, current)
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and is_version(obj) and self.revert_disabled(request, obj):
            # A version is shown as the change page shows a record to those who may only view it.
            opts = self.model._meta
            editable = [f.name for f in [*opts.fields, *opts.many_to_many] if f.editable]
            readonly += [name for name in editable if name not in readonly]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and is_version(obj) and not self.revert_disabled(request, obj):
            # The revert page binds its form to the old version: what the form does not
            # edit must be today's value, or saving would quietly restore it.
            current = self._current(request, obj)
            for field in obj._meta.concrete_fields:
                if field.name not in form.base_fields:
                    setattr(obj, field.attname, getattr(current, field.attname))
        return form

    def save_model(self, request, obj, form, change):
        if is_version(obj):
            version = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME)
            when = formats.date_format(timezone.localtime(version.history_date), "DATETIME_FORMAT")
            obj._change_reason = gettext("Reverted to the version of %(date)s") % {"date": when}
        super().save_model(request, obj, form, change)

    def _current(self, request, obj):
        """The record as it is now, for `obj` or a past version of it (None once deleted)."""
        if obj is None or not is_version(obj):
            return obj
        return self.get_object(request, str(obj.pk))
