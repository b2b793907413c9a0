"""Chinese for the admin's words that Django and third-party apps write in plain English.

Most of the admin speaks Chinese through translation catalogues; these few words are
built in code, past the reach of any catalogue:

- permission names, stored in the database in English when a model is migrated
  ("Can add log entry");
- the text of Django's 是/否 icons (alt="True");
- the names of the tables behind many-to-many fields, made from model code names
  ("Group-permission relationship: Group_permissions object (1)") on delete pages;
- django-axes' login records, named by English f-strings ("Attempted Access: …").

`install()` runs once at start-up (tours' AppConfig.ready) and puts Chinese in their place.
"""

from django.apps import apps
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# What Django's default permissions let a user do, by the code name's first word.
DEFAULT_PERMISSIONS = {
    "add": _("Can add %(verbose_name)s"),
    "change": _("Can change %(verbose_name)s"),
    "delete": _("Can delete %(verbose_name)s"),
    "view": _("Can view %(verbose_name)s"),
}


def model_name(model) -> str:
    """The model's name as staff read it; a history table is named after its model."""
    original = getattr(model, "instance_type", None)  # simple-history's historical models
    if original is not None and model._meta.model_name.startswith("historical"):
        return gettext("history of %(verbose_name)s") % {
            "verbose_name": original._meta.verbose_name
        }
    return str(model._meta.verbose_name)


def permission_name(permission) -> str:
    """What a permission allows, in the active language.

    The stored name is English text frozen at migration time, so it is rebuilt from the
    model: its own Meta.permissions, translated, or the four default permissions.
    """
    model = permission.content_type.model_class()
    if model is None:  # a model since removed from the code
        return permission.name
    custom = dict(model._meta.permissions)
    if permission.codename in custom:
        return str(custom[permission.codename])
    action, _sep, rest = permission.codename.partition("_")
    if action in DEFAULT_PERMISSIONS and rest == model._meta.model_name:
        return DEFAULT_PERMISSIONS[action] % {"verbose_name": model_name(model)}
    return permission.name


def permission_label(permission) -> str:
    """A permission in a picker: app, model and what it allows, as Django lays it out."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    app = model._meta.app_config.verbose_name
    return f"{app} | {model_name(model)} | {permission_name(permission)}"


BOOLEAN_WORDS = {
    True: pgettext_lazy("boolean icon", "Yes"),
    False: pgettext_lazy("boolean icon", "No"),
    None: pgettext_lazy("boolean icon", "Unknown"),
}


def boolean_icon(value):
    """Django's 是/否 icon, with its text in words (Django writes alt="True")."""
    name = {True: "yes", False: "no", None: "unknown"}[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), BOOLEAN_WORDS[value]
    )


def _name_link_tables():
    """The tables behind many-to-many fields: named after both models, rows after both ends."""
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.auto_created:
            continue
        ends = [field for field in opts.fields if field.is_relation]
        if len(ends) != 2:
            continue
        first, second = (field.related_model._meta for field in ends)
        opts.verbose_name = format_lazy(
            _("{first}–{second} link"), first=first.verbose_name, second=second.verbose_name
        )
        opts.verbose_name_plural = opts.verbose_name
        names = [field.name for field in ends]
        model.__str__ = lambda row, names=names: "：".join(
            _end_label(getattr(row, name)) for name in names
        )


def _end_label(obj) -> str:
    from django.contrib.auth.models import Permission

    return permission_label(obj) if isinstance(obj, Permission) else str(obj)


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _name_login_records():
    """django-axes' records named in the active language and in Beijing time."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.__str__ = lambda record: (
        gettext("Failed logins since %(time)s") % {"time": _local(record.attempt_time)}
    )
    AccessLog.__str__ = lambda record: (
        gettext("%(username)s signed in at %(time)s")
        % {
            "username": record.username,
            "time": _local(record.attempt_time),
        }
    )
    AccessFailureLog.__str__ = lambda record: (
        gettext("Failed login of %(username)s at %(time)s from %(ip)s")
        % {
            "username": record.username,
            "time": _local(record.attempt_time),
            "ip": record.ip_address,
        }
    )


def install():
    """Put the Chinese names in place; run once, when the apps are ready."""
    # The admin's list, form and read-only views all look the icon up here when they draw it.
    admin_list._boolean_icon = boolean_icon
    _name_link_tables()
    _name_login_records()
