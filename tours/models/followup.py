"""The follow-up loop (督办闭环) around an action item: extensions asked for and decided,
supervision notices issued and acknowledged, returns for rework.

Each row is written only by the services in tours/services/followup.py; together with
the item's updates they make its dated timeline.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .action import ActionItem


class FollowUpQuerySet(models.QuerySet):
    def public(self):
        """Rows of public action items."""
        return self.filter(action__in=ActionItem.objects.public())


class DeadlineExtensionQuerySet(FollowUpQuerySet):
    def pending(self):
        return self.filter(status=DeadlineExtension.Status.PENDING)

    def approved(self):
        return self.filter(status=DeadlineExtension.Status.APPROVED)


class DeadlineExtension(models.Model):
    """An owner's request for a later due date (延期申请) and the leader's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    action = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    previous_due_date = models.DateField(_("due date before"), null=True, blank=True)
    due_date = models.DateField(_("due date asked for"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("leader's comment"), blank=True)

    objects = DeadlineExtensionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request at a time: a second waits for the first decision.
            models.UniqueConstraint(
                fields=["action"],
                condition=models.Q(status="pending"),
                name="extension_one_pending_per_action",
            )
        ]

    def __str__(self):
        return f"{self.action.title} → {self.due_date}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class SupervisionNoticeQuerySet(FollowUpQuerySet):
    def unacknowledged(self):
        return self.filter(acknowledged_at__isnull=True)


class SupervisionNotice(models.Model):
    """A reminder (催办) or a coloured supervision notice (督办单) on an action item,
    which the responsible unit must acknowledge."""

    class Level(models.TextChoices):
        REMINDER = "reminder", _("reminder (催办)")
        BLUE = "blue", _("blue notice (提醒)")
        YELLOW = "yellow", _("yellow notice (督办)")
        RED = "red", _("red notice (挂牌督办)")

    action = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    text = models.TextField(_("text"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SupervisionNoticeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.get_level_display()}：{self.action.title}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def number(self) -> str:
        """The notice's number as printed (督办〔2026〕12号): year and id."""
        issued = timezone.localtime(self.issued_at)
        return f"〔{issued.year}〕{self.pk}"


class ActionReturn(models.Model):
    """A leader's return of a done item for rework (退回重办), with the reason."""

    action = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="returns",
    )
    comment = models.TextField(_("comment"))
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), default=timezone.now)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=100)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return for rework")
        verbose_name_plural = _("returns for rework")
        ordering = ["-returned_at", "-id"]

    def __str__(self):
        return f"{self.action.title}：{self.comment[:30]}"


@dataclass(frozen=True)
class TimelineEntry:
    """One dated step in an item's follow-up, as its pages list them."""

    at: datetime.datetime
    kind: str  # assigned, signed, update, returned, extension, decision, notice, closed,
    # cancelled
    label: str
    text: str = ""
    who: object = None
    day: datetime.date | None = None  # the day reported, where it differs from `at`
    update: object = None
    notice: object = None
    extension: object = None

    @property
    def shown_day(self) -> datetime.date:
        return self.day or timezone.localdate(self.at)


def timeline(action: ActionItem, *, updates, returns, extensions, notices) -> list[TimelineEntry]:
    """Every step of `action` in time order, from the rows its page has already read."""
    entries = [
        TimelineEntry(action.created_at, "assigned", gettext("Assigned"), who=action.created_by)
    ]
    if action.acknowledged_at:
        entries.append(
            TimelineEntry(
                action.acknowledged_at, "signed", gettext("Signed for"), who=action.acknowledged_by
            )
        )
    for update in updates:
        label = (
            gettext("Progress from a co-responsible unit")
            if update.is_from_support_unit
            else gettext("Progress reported")
        )
        entries.append(
            TimelineEntry(
                update.created_at, "update", label, update.note, update.author, update.date, update
            )
        )
    for item in returns:
        entries.append(
            TimelineEntry(
                item.returned_at,
                "returned",
                gettext("Returned for rework"),
                item.comment,
                item.returned_by,
            )
        )
    for extension in extensions:
        entries.append(
            TimelineEntry(
                extension.requested_at,
                "extension",
                gettext("More time asked for, to %(date)s")
                % {"date": date_format(extension.due_date)},
                extension.reason,
                extension.requested_by,
                extension=extension,
            )
        )
        if extension.decided_at:
            entries.append(
                TimelineEntry(
                    extension.decided_at,
                    "decision",
                    extension.get_status_display(),
                    extension.comment,
                    extension.decided_by,
                    extension=extension,
                )
            )
    for notice in notices:
        entries.append(
            TimelineEntry(
                notice.issued_at,
                f"notice notice--{notice.level}",
                notice.get_level_display(),
                notice.text,
                notice.issued_by,
                notice=notice,
            )
        )
        if notice.acknowledged_at:
            entries.append(
                TimelineEntry(
                    notice.acknowledged_at,
                    "signed",
                    gettext("Notice acknowledged"),
                    who=notice.acknowledged_by,
                    notice=notice,
                )
            )
    if action.closed_at:
        entries.append(
            TimelineEntry(action.closed_at, "closed", gettext("Verified and closed (销号)"))
        )
    if action.cancelled_at:
        entries.append(
            TimelineEntry(
                action.cancelled_at,
                "cancelled",
                gettext("Cancelled"),
                action.cancel_reason,
                action.cancelled_by,
            )
        )
    return sorted(entries, key=lambda entry: entry.at)
