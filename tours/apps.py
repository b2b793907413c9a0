from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = _("Study tours")

    def ready(self):
        from common import admin_words

        from . import signals

        signals.connect()
        admin_words.install()
