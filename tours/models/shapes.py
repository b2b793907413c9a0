"""The shapes a trip takes besides a study tour: campaigns of several delegations, the
placements of an embedded learning trip (跟班学习), the projects an investment tour signs,
and the materials (讲话, 纪要, 调研报告) a trip leaves behind."""

import uuid
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from people.models import Organization, Participant
from tours.evidence import ScrubbedFile, scrubbed, sniff, validate_evidence
from tours.storage import private_storage
from tours.tagging import TaggableManager

from .action import ActionItem
from .trip import (
    VISIT_PUBLIC_OR_NONE,
    SiteVisit,
    Trip,
    TripContentQuerySet,
    TripMember,
    TripPart,
    _date_range_text,
)


class CampaignQuerySet(models.QuerySet):
    def public(self):
        """Campaigns with at least one public delegation: the others have nothing to show."""
        return self.filter(Exists(Trip.objects.public().filter(campaign=OuterRef("pk"))))


class Campaign(models.Model):
    """A study campaign (学习考察活动) that sends several delegations, one trip each."""

    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("summary"), blank=True)
    tags = TaggableManager(_("tags"), blank=True)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1949, year__lte=2100),
                name="campaign_year_plausible",
                violation_error_message=_("Give a year between 1949 and 2100."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tours:campaign-detail", args=[self.pk])


def _trip_of(obj):
    try:
        return obj.trip
    except Trip.DoesNotExist:  # a row of a trip being added in the same admin form
        return None


class Placement(TripPart):
    """One official placed in a host unit for a while (跟班学习): where, in what post, with whom."""

    TRIP_SCOPED = ("member",)

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="placements"
    )
    member = models.ForeignKey(
        TripMember,
        verbose_name=_("delegation member"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    host_organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("placement", "host unit"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    role = models.CharField(
        _("post or work"),
        max_length=200,
        blank=True,
        help_text=_("The post held there, or the work taken part in (挂职岗位、参与工作)."),
    )
    mentor = models.ForeignKey(
        Participant,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_placements",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    summary = models.TextField(_("summary"), blank=True)

    objects = TripContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="placement_end_date_not_before_start",
                violation_error_message=_("The end date cannot be earlier than the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.member.participant.name} → {self.host_organization.name}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date cannot be earlier than the start date.")}
            )
        trip = _trip_of(self)
        if not (trip and trip.start_date and trip.end_date and self.start_date):
            return
        outside = {
            name: _("The dates must lie within the trip's dates (%(range)s).")
            % {"range": _date_range_text(trip.start_date, trip.end_date)}
            for name in ("start_date", "end_date")
            if getattr(self, name) and not trip.start_date <= getattr(self, name) <= trip.end_date
        }
        if outside:
            raise ValidationError(outside)


class SignedProjectQuerySet(TripContentQuerySet):
    def visible(self):
        return super().visible().filter(VISIT_PUBLIC_OR_NONE)


class SignedProject(TripPart):
    """A project an investment tour signed (签约项目), and how far it has come since."""

    TRIP_SCOPED = ("site_visit", "action")

    class Status(models.TextChoices):
        SIGNED = "signed", _("signed")
        STARTED = "started", _("construction started")
        IN_PRODUCTION = "in_production", _("in production")
        STALLED = "stalled", _("stalled")

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="signed_projects"
    )
    site_visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("signed at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_projects",
        help_text=_("The investment event where it was signed."),
    )
    name = models.CharField(_("project"), max_length=200)
    partner = models.ForeignKey(
        Organization,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_projects",
    )
    amount = models.DecimalField(
        _("amount (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The agreed investment, in 万元."),
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SIGNED
    )
    action = models.ForeignKey(
        ActionItem,
        verbose_name=_("follow-up action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_projects",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = SignedProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signed project")
        verbose_name_plural = _("signed projects")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="signedproject_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("The amount cannot be negative.")})


def attachment_upload_to(instance, filename: str) -> str:
    # As for evidence: a random name, the extension from the content.
    kind = sniff(instance.file) if instance.file else None
    suffix = kind.extension if kind else PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{uuid.uuid4().hex}{suffix}"


class AttachmentQuerySet(TripContentQuerySet):
    def visible(self):
        return super().visible().filter(VISIT_PUBLIC_OR_NONE)


class Attachment(TripPart):
    """A document a trip left: a speech, minutes, the agenda, the write-up, a research report."""

    TRIP_SCOPED = ("site_visit",)

    class Kind(models.TextChoices):
        SPEECH = "speech", _("speech")
        MINUTES = "minutes", _("minutes")
        AGENDA = "agenda", _("agenda")
        WRITEUP = "writeup", _("write-up")
        RESEARCH_REPORT = "research_report", _("research report")
        OTHER = "other", _("other")

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="attachments"
    )
    site_visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("site visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(
        _("file"),
        upload_to=attachment_upload_to,
        storage=private_storage,
        validators=[validate_evidence],
        help_text=_(
            "PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx), at most 20 MB; its author "
            "and device details are removed when it is stored."
        ),
    )
    author = models.ForeignKey(
        Participant,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    credits = models.CharField(
        _("credits"),
        max_length=200,
        blank=True,
        help_text=_("Who wrote, photographed and checked it, e.g. 文/张三 图/李四 审核/王五."),
    )
    # Unlike a visit or a takeaway, a document is internal until someone decides otherwise.
    is_public = models.BooleanField(_("public"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = AttachmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        return PurePosixPath(self.file.name or "").suffix.lstrip(".").lower()

    def save(self, *args, **kwargs):
        # Every path stores only a scrubbed file, as ActionUpdate does with evidence.
        if self._has_new_file() and not isinstance(self.file.file, ScrubbedFile):
            validate_evidence(self.file)
            self.file.file = scrubbed(self.file)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        if self._has_new_file() and "file" not in (exclude or ()):
            try:
                self.file.file = scrubbed(self.file)
            except ValidationError as error:
                raise ValidationError({"file": error.error_list}) from None

    def _has_new_file(self) -> bool:
        return bool(self.file) and not self.file._committed
