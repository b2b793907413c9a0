import uuid
from datetime import date, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from people.models import Organization, Participant
from tours.evidence import ScrubbedFile, scrubbed, sniff, validate_evidence
from tours.storage import private_storage

from .content import Instruction, Takeaway
from .trip import Trip, TripContentQuerySet, TripPart

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


EPOCH = date(1970, 1, 1)


class DayNumber(models.Func):
    """A date as whole days since 1970-01-01, so date spans can be compared as integers."""

    output_field = models.IntegerField()
    template = "(%(expressions)s - DATE '1970-01-01')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)",
            **extra_context,
        )


# 三色预警: how far progress may trail the share of time used up before it shows yellow.
LAG_POINTS = 25
DUE_SOON_DAYS = 7


def overdue_condition() -> Q:
    """Open and past its due date, counted in Asia/Shanghai: the one definition of overdue."""
    return Q(status__in=ActionItem.OPEN_STATUSES, due_date__lt=timezone.localdate())


def follow_up_model(relation: str):
    """A follow-up record's model by the item's reverse relation ("extensions", "notices",
    "returns"): tours/models/followup.py builds on this module, never the other way."""
    return ActionItem._meta.get_field(relation).related_model


def attention_condition(attention: str) -> Q:
    """What makes an item need a kind of attention on the leaders' and owners' pages."""
    DeadlineExtension = follow_up_model("extensions")
    SupervisionNotice = follow_up_model("notices")
    Attention = ActionItem.Attention
    if attention == Attention.AWAITING_VERIFICATION:
        return Q(status=ActionItem.Status.DONE)
    if attention == Attention.EXTENSION_PENDING:
        pending = DeadlineExtension.objects.pending().filter(action=OuterRef("pk"))
        return Q(Exists(pending))
    if attention == Attention.NOTICE_UNACKNOWLEDGED:
        # A closed or cancelled item waits for nobody, whatever was left unacknowledged.
        waiting = SupervisionNotice.objects.unacknowledged().filter(action=OuterRef("pk"))
        return Q(Exists(waiting)) & ~Q(
            status__in=(ActionItem.Status.CLOSED, ActionItem.Status.CANCELLED)
        )
    if attention == Attention.UNSIGNED:
        return Q(status__in=ActionItem.OPEN_STATUSES, acknowledged_at__isnull=True)
    raise ValueError(attention)


def attention_counts() -> dict:
    """Aggregate expressions counting each kind of attention, to add to a query."""
    return {
        kind.value: Count("pk", filter=attention_condition(kind)) for kind in ActionItem.Attention
    }


class ActionItemQuerySet(TripContentQuerySet):
    def open(self):
        return self.filter(status__in=ActionItem.OPEN_STATUSES)

    def finished(self):
        """Done or closed (销号): the commitments that count as kept."""
        return self.filter(status__in=ActionItem.FINISHED_STATUSES)

    def overdue(self):
        """Open items whose due date has passed, counted in Asia/Shanghai."""
        return self.filter(overdue_condition())

    def tally(self) -> dict:
        """Total, done (finished), in progress, overdue and average progress of these items."""
        return self.aggregate(**self._tally_expressions())

    def tally_by(self, *fields, **expressions):
        """The same tally for each group of `values(*fields, **expressions)`."""
        return self.values(*fields, **expressions).annotate(**self._tally_expressions())

    @staticmethod
    def _tally_expressions():
        return {
            "total": Count("pk"),
            "done": Count("pk", filter=Q(status__in=ActionItem.FINISHED_STATUSES)),
            "in_progress": Count("pk", filter=Q(status=ActionItem.Status.IN_PROGRESS)),
            "overdue": Count("pk", filter=overdue_condition()),
            "average": Avg("progress"),
        }

    def with_latest_update(self):
        """Annotate each item with its latest progress update's date and note, and the
        stored name of its latest evidence file that may be published."""
        latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by(
            "-date", "-created_at", "-id"
        )
        return self.annotate(
            latest_update_date=Subquery(latest.values("date")[:1]),
            latest_update_note=Subquery(latest.values("note")[:1]),
            latest_public_evidence=Subquery(
                latest.with_publishable_evidence().values("evidence")[:1]
            ),
        )

    def with_follow_up(self):
        """Annotate what the ledger and the follow-up report show of each item's loop, in
        subqueries (no row multiplies): `latest_update_progress`, `notice_count`,
        `latest_notice_at`, `latest_notice_level`, `return_count`, `latest_return_at`."""
        notice_model, return_model = follow_up_model("notices"), follow_up_model("returns")
        updates = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by(
            "-date", "-created_at", "-id"
        )
        notices = notice_model.objects.filter(action=OuterRef("pk")).order_by("-issued_at", "-id")
        returns = return_model.objects.filter(action=OuterRef("pk")).order_by("-returned_at", "-id")

        def count(rows):
            counted = rows.order_by().values("action").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)

        return self.annotate(
            latest_update_progress=Subquery(updates.values("progress")[:1]),
            notice_count=count(notices),
            latest_notice_at=Subquery(notices.values("issued_at")[:1]),
            latest_notice_level=Subquery(notices.values("level")[:1]),
            return_count=count(returns),
            latest_return_at=Subquery(returns.values("returned_at")[:1]),
        )

    def with_warning(self):
        """Annotate the three-colour warning (三色预警) of each item as `warning`.

        Red: open and overdue. Yellow: open and its progress trails the share of the time
        between creation and due date already used up by more than 25 points (进展滞后).
        Blue: open and due within 7 days. "" for the rest; red wins over yellow over blue.
        Also annotates `expected_progress`, the progress the elapsed time calls for.
        """
        today = timezone.localdate()
        today_number = (today - EPOCH).days
        start = DayNumber(TruncDate("created_at"))
        span = DayNumber("due_date") - start
        open_with_due_date = Q(status__in=self.model.OPEN_STATUSES, due_date__isnull=False)
        elapsed = Value(today_number) - start
        # elapsed / span × 100 − progress > 25, multiplied out by span to stay in integers.
        lagging = Q(span__gt=0, lag_product__gt=LAG_POINTS * F("span"))
        return self.alias(
            span=span,
            lag_product=elapsed * 100 - F("progress") * span,
        ).annotate(
            expected_progress=Case(
                When(span__gt=0, then=Least(Greatest(elapsed * 100 / F("span"), 0), 100)),
                default=Value(100),
                output_field=models.IntegerField(),
            ),
            warning=Case(
                When(open_with_due_date & Q(due_date__lt=today), then=Value("red")),
                When(open_with_due_date & lagging, then=Value("yellow")),
                When(
                    open_with_due_date & Q(due_date__lte=today + timedelta(days=DUE_SOON_DAYS)),
                    then=Value("blue"),
                ),
                default=Value(""),
                output_field=models.CharField(),
            ),
        )

    def for_owner(self, user):
        """The items `user` answers for: theirs, their unit's as lead unit (主办) or as a
        co-responsible unit (协办); all for superusers."""
        if user.is_superuser:
            return self.all()
        participant = getattr(user, "participant", None) if user.is_authenticated else None
        if participant is None:
            return self.none()
        mine = Q(owner=participant)
        if participant.organization_id:
            unit = participant.organization_id
            supported = ActionItem.support_organizations.through.objects.filter(
                organization_id=unit
            ).values("actionitem_id")
            mine |= Q(owner_organization_id=unit) | Q(pk__in=supported)
        return self.filter(mine)

    def for_lead_owner(self, user):
        """The items `user` answers for as the lead unit (主办) or the named person."""
        if user.is_superuser:
            return self.all()
        participant = getattr(user, "participant", None) if user.is_authenticated else None
        if participant is None:
            return self.none()
        mine = Q(owner=participant)
        if participant.organization_id:
            mine |= Q(owner_organization_id=participant.organization_id)
        return self.filter(mine)

    def awaiting_verification(self):
        """Done, waiting for a leader to verify (审结) or return (退回重办) it."""
        return self.filter(status=ActionItem.Status.DONE)

    def needing(self, attention: str):
        """The items that need one kind of attention (`ActionItem.Attention`)."""
        return self.filter(attention_condition(attention))

    def attention_tally(self) -> dict:
        """How many items need each kind of attention: one query."""
        return self.aggregate(**attention_counts())

    def top_level(self):
        """Items that are not sub-tasks of another."""
        return self.filter(parent__isnull=True)


class ActionItem(TripPart):
    """A commitment that came out of a trip (落实事项), followed until it is closed."""

    TRIP_SCOPED = ("source_instruction", "parent")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    class Warning(models.TextChoices):
        RED = "red", _("overdue")
        YELLOW = "yellow", _("lagging behind")
        BLUE = "blue", _("due within 7 days")

    class Attention(models.TextChoices):
        AWAITING_VERIFICATION = "awaiting", _("awaiting verification")
        EXTENSION_PENDING = "extension", _("more time asked for")
        NOTICE_UNACKNOWLEDGED = "notice", _("notice not acknowledged")
        UNSIGNED = "unsigned", _("not signed for")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)
    FINISHED_STATUSES = (Status.DONE, Status.CLOSED)
    # Moved only by the owners' updates and the leaders' services (see Trip.WORKFLOW_FIELDS).
    WORKFLOW_FIELDS = (
        "status",
        "progress",
        "closed_at",
        "cancelled_at",
        "cancelled_by",
        "cancel_reason",
        "created_by",
        "acknowledged_at",
        "acknowledged_by",
        "original_due_date",
        "parent",
    )

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
    support_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("co-responsible units"),
        blank=True,
        related_name="supported_actions",
        help_text=_("Units that help (协办): they see the item and report on their part."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("sub-task of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subtasks",
        editable=False,
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1, message=_("A weight is a whole number from 1 up."))],
        help_text=_("A sub-task's share of its parent's progress."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    original_due_date = models.DateField(
        _("original due date"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The due date before the first approved extension."),
    )
    acknowledged_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = ProgressField(_("progress (%)"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set by cancel_action only. The reason is internal, like a return's comment: the
    # public page shows that the item was cancelled and when, never why.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
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
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("watchers"),
        blank=True,
        related_name="watched_actions",
        help_text=_("They receive the item's progress updates in a daily e-mail digest."),
    )

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[source_takeaways, support_organizations])

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        # The leaders' follow-up right: verify or return, split, extend, supervise.
        permissions = [
            ("close_actionitem", _("Can verify, return, split and supervise action items"))
        ]
        constraints = [
            progress_constraint("actionitem_progress_0_100"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="actionitem_weight_positive"),
        ]
        indexes = [
            # The accountability board and reminders look for open items by due date.
            models.Index(fields=["status", "due_date"], name="actionitem_status_due_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """The item's public page; it answers only while the item is public."""
        return reverse("tours:action-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in self.OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def may_be_closed(self) -> bool:
        """Only a done item can be closed (销号); `close_action` enforces it."""
        return self.status == self.Status.DONE

    @property
    def warning_label(self) -> str:
        """The label of the `warning` that `with_warning()` annotated ("" for none)."""
        warning = getattr(self, "warning", "")
        return self.Warning(warning).label if warning else ""

    @property
    def accepts_updates(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.CANCELLED)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def was_extended(self) -> bool:
        return self.original_due_date is not None and self.original_due_date != self.due_date

    def has_subtasks(self) -> bool:
        """Whether the item is split into sub-tasks (annotated `subtask_count` if there)."""
        count = getattr(self, "subtask_count", None)
        if count is not None:
            return count > 0
        return self.pk is not None and self.subtasks.exists()

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": _("An item cannot be a sub-task of itself.")})
        if self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("A sub-task cannot be split again: split its parent instead.")}
            )
        if self.pk and self.subtasks.exists():
            raise ValidationError(
                {"parent": _("An item with sub-tasks of its own cannot become a sub-task.")}
            )

    def roll_up(self):
        """Take the weighted mean of the sub-tasks' progress (cancelled ones left out);
        done when every counted sub-task is finished. The caller saves."""
        counted = [t for t in self.subtasks.all() if t.status != self.Status.CANCELLED]
        if not counted:
            return
        total = sum(t.weight for t in counted)
        self.progress = round(sum(t.progress * t.weight for t in counted) / total)
        if all(t.is_finished for t in counted):
            self.progress = 100
            self.status = self.Status.DONE
        elif any(t.status != self.Status.NOT_STARTED for t in counted):
            self.status = self.Status.IN_PROGRESS
        else:
            self.status = self.Status.NOT_STARTED

    def move_to(self, progress: int):
        """Take the progress of a new update: any update starts the work, 100 finishes it."""
        self.progress = progress
        if progress == 100:
            self.status = self.Status.DONE
        else:
            self.status = self.Status.IN_PROGRESS


def evidence_upload_to(instance, filename: str) -> str:
    # Never reuse the uploaded name as a path: it may be guessable or hostile. The
    # extension comes from the content, so the file is served as what it really is.
    kind = sniff(instance.evidence) if instance.evidence else None
    suffix = kind.extension if kind else PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class ActionUpdateQuerySet(models.QuerySet):
    def public(self):
        """Updates of public action items: the public sees their dates, notes and progress."""
        return self.filter(action__in=ActionItem.objects.public())

    def with_publishable_evidence(self):
        """Updates whose evidence file its owner marked as publishable."""
        return self.filter(evidence_is_public=True).exclude(evidence="")

    def public_evidence(self):
        """Evidence anyone may download: publishable, on a public action item."""
        return self.public().with_publishable_evidence()


class ActionUpdate(models.Model):
    """A progress report on an action item, with optional evidence."""

    # What the owner reported, and who: only post_action_update writes them.
    WORKFLOW_FIELDS = ("progress", "author", "organization")

    action = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("progress note"))
    progress = ProgressField(_("progress (%)"))
    evidence = models.FileField(
        _("evidence"),
        upload_to=evidence_upload_to,
        storage=private_storage,
        validators=[validate_evidence],
        blank=True,
        help_text=_("PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx), at most 20 MB."),
    )
    evidence_is_public = models.BooleanField(
        _("evidence may be published"),
        default=False,
        help_text=_("Readers of a public action item may then download the evidence."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("reporting unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit the author reported for: the lead unit or a co-responsible one."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = ActionUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-created_at", "-id"]
        get_latest_by = ["date", "created_at", "id"]
        constraints = [progress_constraint("actionupdate_progress_0_100")]

    def __str__(self):
        return f"{self.action.title} {self.progress}%"

    def save(self, *args, **kwargs):
        # Every path stores only a scrubbed file, validated or not (a script, a fixture).
        if self._has_new_evidence() and not isinstance(self.evidence.file, ScrubbedFile):
            validate_evidence(self.evidence)
            self.evidence.file = scrubbed(self.evidence)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """A valid new evidence file is replaced by its scrubbed copy here, so that a file
        that cannot be cleared is refused on its field instead of failing the save."""
        super().clean_fields(exclude=exclude)
        if self._has_new_evidence() and "evidence" not in (exclude or ()):
            try:
                self.evidence.file = scrubbed(self.evidence)
            except ValidationError as error:
                raise ValidationError({"evidence": error.error_list}) from None

    @property
    def has_publishable_evidence(self) -> bool:
        """Whether the owner marked the update's evidence as publishable (the same rule as
        `with_publishable_evidence`): on a public item, readers may then download it."""
        return bool(self.evidence) and self.evidence_is_public

    @property
    def is_from_support_unit(self) -> bool:
        """Posted by a co-responsible unit (协办): on record, but the lead unit's figure counts."""
        return (
            self.organization_id is not None
            and self.organization_id != self.action.owner_organization_id
        )

    def _has_new_evidence(self) -> bool:
        return bool(self.evidence) and not self.evidence._committed
