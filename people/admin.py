from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.history import HistoryAdmin

from .models import Organization, Participant
from .services import merge_organizations


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ["name", "parent", "region"]
    search_fields = ["name", "region"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    actions = ["merge"]

    @admin.action(
        description=gettext_lazy("Merge the two selected organizations"),
        permissions=["change", "delete"],
    )
    def merge(self, request, queryset):
        """Ask which of two records to keep, then fold the other into it."""
        pair = list(queryset[:3])
        if len(pair) != 2:
            self.message_user(
                request, _("Select exactly two organizations to merge."), messages.WARNING
            )
            return None
        keep_id = request.POST.get("keep")
        if keep_id:
            keep = next((org for org in pair if str(org.pk) == keep_id), None)
            if keep is None:
                self.message_user(request, _("Choose the record to keep."), messages.ERROR)
                return None
            duplicate = pair[1] if keep is pair[0] else pair[0]
            try:
                moved = merge_organizations(keep=keep, duplicate=duplicate, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                _("Merged “%(duplicate)s” into “%(keep)s”; %(moved)d records now point to it.")
                % {"duplicate": duplicate.name, "keep": keep.name, "moved": moved},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/people/organization/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge organizations"),
                "opts": self.model._meta,
                "pair": pair,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ["name", "gender", "organization", "title", "phone"]
    list_filter = ["gender"]
    # Searching by organization and title tells apart people who share a name.
    search_fields = ["name", "title", "organization__name", "phone"]
    autocomplete_fields = ["organization", "user"]
    fields = ["name", "gender", "organization", "title", "phone", "email", "note", "user"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # A linked account sees its unit's items: linking one is granting access.
        if not request.user.has_perm("auth.change_user") and "user" not in readonly:
            readonly = [*readonly, "user"]
        return readonly
