from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailDigest(models.Model):
    """One daily e-mail sent to one address: the record that keeps it to once a day."""

    class Kind(models.TextChoices):
        DEADLINES = "deadlines", _("overdue and upcoming action items")
        PROGRESS = "progress", _("progress updates on watched action items")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient = models.EmailField(_("recipient"))
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    item_count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("e-mail digest")
        verbose_name_plural = _("e-mail digests")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "sent_on"], name="emaildigest_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}（{self.sent_on}）"
