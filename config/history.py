"""The admin's change history as staff read it: labels and "-" rather than stored values."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


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
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history list reads as the rest of the admin does."""

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record, empty=self.get_empty_value_display())
