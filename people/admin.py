from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import extend_form
from common.history import HistoryAdmin

# Registers the admin of accounts and roles.
from . import accounts_admin  # noqa: F401
from .models import Organization, Participant
from .scope import scope_of
from .services import merge_organizations


class SharedRecordAdmin(HistoryAdmin):
    """Every editor sees and picks every unit and person; each changes only those of their
    own department, or those their department added (people.scope)."""

    def organization_of(self, obj):
        raise NotImplementedError

    def _may_change(self, request, obj):
        return obj is None or scope_of(request.user).may_change(obj, self.organization_of(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)


@admin.register(Organization)
class OrganizationAdmin(SharedRecordAdmin):
    list_display = ["name", "parent", "region"]
    search_fields = ["name", "region"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    actions = ["merge"]

    def organization_of(self, obj):
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "parent" not in form.base_fields:
            return form
        scope = scope_of(request.user)
        current = obj.parent_id if obj else None

        def clean_parent(form):
            parent = form.cleaned_data.get("parent")
            moved = (parent.pk if parent else None) != current
            if moved and parent is not None and not scope.covers(parent):
                # Placing a unit under another department's would hand it over.
                raise ValidationError(
                    _("Choose a unit of your own department as the parent, or none.")
                )
            return parent

        return extend_form(form, clean_parent=clean_parent)

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
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
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
class ParticipantAdmin(SharedRecordAdmin):
    list_display = ["name", "gender", "organization", "title", "phone"]
    list_filter = ["gender"]
    # Searching by organization and title tells apart people who share a name.
    search_fields = ["name", "title", "organization__name", "phone"]
    autocomplete_fields = ["organization", "user"]
    fields = ["name", "gender", "organization", "title", "phone", "email", "note", "user"]

    def organization_of(self, obj):
        return obj.organization if obj.organization_id else None

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("auth.change_user"):
            # A linked account sees its unit's items and acts for its unit's department:
            # linking one, or moving a linked person to another unit, is granting access.
            readonly += [name for name in ("user",) if name not in readonly]
            current = self._current(request, obj)  # a past version's page asks as of now
            if current is not None and current.user_id and "organization" not in readonly:
                readonly.append("organization")
        return readonly
