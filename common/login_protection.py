"""django-axes, which locks out repeated failed logins, under a name staff understand."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AppConfig):
    """axes names itself "Axes" in the admin; staff read 登录保护 instead."""

    verbose_name = _("Login protection")
