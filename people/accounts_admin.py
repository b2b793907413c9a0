"""The admin of accounts, roles and login records: Django's and django-axes' own, with
permissions named in Chinese and every column titled.

Django stores a permission's name in English when a model is migrated ("Can add log
entry") and the permission pickers show that name; here they show what the permission
allows in the active language (common.admin_words).
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, User
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.admin_words import permission_label

from .names import ACCOUNT_PERSON, person_name

PERMISSION_FIELDS = ("permissions", "user_permissions")


class PermissionLabels:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in PERMISSION_FIELDS:
            queryset = kwargs.get("queryset", db_field.remote_field.model.objects)
            kwargs["queryset"] = queryset.select_related("content_type")
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name in PERMISSION_FIELDS:
            field.label_from_instance = permission_label
        return field


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django appends this warning as English text to the translated help, out of reach of
    # its catalogue.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(PermissionLabels, auth_admin.UserAdmin):
    """Django's account pages with permissions named in Chinese, and each account's person
    in Chinese order (people.names) rather than its first and last names apart."""

    change_password_form = PasswordChangeForm
    list_display = ["username", "person", "email", "is_staff", "is_active"]
    list_select_related = [ACCOUNT_PERSON]
    search_fields = [*auth_admin.UserAdmin.search_fields, f"{ACCOUNT_PERSON}__name"]

    @admin.display(description=_("name"), ordering="participant__name")
    def person(self, obj):
        return person_name(obj)


@admin.register(Group)
class GroupAdmin(PermissionLabels, auth_admin.GroupAdmin):
    pass


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("Status"))
    def status(self, obj):
        return super().status(obj)
