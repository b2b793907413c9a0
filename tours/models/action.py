import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from people.models import Organization, Participant

from .content import Instruction, Takeaway
from .trip import Trip, TripContentQuerySet, check_same_trip

PROGRESS_OUT_OF_RANGE = _("Progress must be between 0 and 100.")


class ProgressField(models.PositiveSmallIntegerField):
    """A percentage: 0 to 100, with the same message for either bound on forms too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "validators",
            [
                MinValueValidator(0, message=PROGRESS_OUT_OF_RANGE),
                MaxValueValidator(100, message=PROGRESS_OUT_OF_RANGE),
            ],
        )
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        messages = {"min_value": PROGRESS_OUT_OF_RANGE, "max_value": PROGRESS_OUT_OF_RANGE}
        return super().formfield(**{"max_value": 100, "error_messages": messages, **kwargs})


def progress_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(progress__gte=0, progress__lte=100),
        name=name,
        violation_error_message=PROGRESS_OUT_OF_RANGE,
    )


class ActionItemQuerySet(TripContentQuerySet):
    def open(self):
        return self.filter(status__in=ActionItem.OPEN_STATUSES)

    def overdue(self):
        """Open items whose due date has passed, counted in Asia/Shanghai."""
        return self.open().filter(due_date__lt=timezone.localdate())


class ActionItem(models.Model):
    """A commitment that came out of a trip (落实事项), followed until it is closed."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="action_items"
    )
    source_takeaways = models.ManyToManyField(
        Takeaway, verbose_name=_("source takeaways"), blank=True, related_name="action_items"
    )
    source_instruction = models.ForeignKey(
        Instruction,
        verbose_name=_("source instruction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_organization = models.ForeignKey(
        Organization,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    owner = models.ForeignKey(
        Participant,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = ProgressField(_("progress (%)"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[source_takeaways])

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        constraints = [progress_constraint("actionitem_progress_0_100")]
        indexes = [
            # The accountability board and reminders look for open items by due date.
            models.Index(fields=["status", "due_date"], name="actionitem_status_due_idx"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        check_same_trip(self, "source_instruction")

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in self.OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


def evidence_upload_to(instance, filename: str) -> str:
    # Never reuse the uploaded name as a path: it may be guessable or hostile.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class ActionUpdate(models.Model):
    """A progress report on an action item, with optional evidence."""

    action = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("progress note"))
    progress = ProgressField(_("progress (%)"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-created_at", "-id"]
        get_latest_by = ["date", "created_at", "id"]
        constraints = [progress_constraint("actionupdate_progress_0_100")]

    def __str__(self):
        return f"{self.action.title} {self.progress}%"
