"""What the leaders have read of the edits made to a trip after its publication."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .trip import Trip


class SeenEdits(models.Model):
    """A leader's mark that the edits of a published trip up to `seen_up_to` are read.

    One per trip, shared by the leaders: the review desk lists the trip's later edits
    only. Bookkeeping of the desk, not content: it keeps no history of its own.
    """

    trip = models.OneToOneField(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="seen_edits"
    )
    seen_up_to = models.DateTimeField(_("edits read up to"))
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    seen_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("edits read by the leaders")
        verbose_name_plural = _("edits read by the leaders")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.trip}：{timezone.localtime(self.seen_up_to):%Y-%m-%d %H:%M}"
