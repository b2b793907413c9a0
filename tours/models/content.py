from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from people.models import Participant
from tours.tagging import TaggableManager

from .trip import VISIT_PUBLIC_OR_NONE, SiteVisit, Trip, TripContentQuerySet, TripPart


class TakeawayQuerySet(TripContentQuerySet):
    def visible(self):
        return (
            super()
            .visible()
            .filter(VISIT_PUBLIC_OR_NONE, review_status__in=Takeaway.ACCEPTED_STATUSES)
        )


class Takeaway(TripPart):
    """Something the delegation took home: a quote, a lesson, a gap, an insight."""

    TRIP_SCOPED = ("site_visit",)

    class Kind(models.TextChoices):
        QUOTE = "quote", _("quote")
        LESSON = "lesson", _("good practice")
        GAP = "gap", _("gap")
        INSIGHT = "insight", _("insight")
        REFLECTION = "reflection", _("reflection")

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", _("pending review")
        ADOPTED = "adopted", _("adopted")
        FEATURED = "featured", _("featured")
        RETURNED = "returned", _("returned")

    ACCEPTED_STATUSES = (ReviewStatus.ADOPTED, ReviewStatus.FEATURED)
    # A leader's review, changed only by the review services (see Trip.WORKFLOW_FIELDS).
    WORKFLOW_FIELDS = ("review_status", "reviewed_by", "reviewed_at", "review_comment")
    # What a leader vouches for on adopting: the words, what kind of takeaway they are
    # (a lesson is not a gap) and whom they are attributed to.
    REVIEWED_FIELDS = ("text", "kind", "speaker_id")

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="takeaways"
    )
    site_visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("site visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="takeaways",
    )
    speaker = models.ForeignKey(
        Participant,
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="takeaways",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LESSON)
    text = models.TextField(_("text"))
    tags = TaggableManager(_("tags"), blank=True)
    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = TakeawayQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("takeaway")
        verbose_name_plural = _("takeaways")
        ordering = ["id"]
        permissions = [("review_takeaway", _("Can adopt, feature or return takeaways"))]
        indexes = [
            # The review desk lists a trip's pending takeaways; the report its adopted ones.
            models.Index(fields=["trip", "review_status"], name="takeaway_trip_review_idx"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 40 else f"{self.text[:40]}…"

    def save(self, *args, **kwargs):
        """Send a reviewed takeaway whose reviewed content changed back to the leaders.

        Every path that writes a takeaway (its admin page, the trip page, a history revert,
        a service) comes through here, so none can change approved words behind the
        leaders' back. The last decision's reviewer and date stay, as a record of it;
        `sent_back_to_review` tells the caller (the admin says so to the editor).
        """
        self.sent_back_to_review = self._reviewed_content_changed()
        if self.sent_back_to_review:
            self.review_status = self.ReviewStatus.PENDING
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "review_status"}
        super().save(*args, **kwargs)

    @property
    def is_featured(self) -> bool:
        return self.review_status == self.ReviewStatus.FEATURED

    def _reviewed_content_changed(self) -> bool:
        if self.pk is None or not self.is_accepted:
            return False
        # Compared with the stored row, not with what was loaded: a revert saves an
        # instance rebuilt from the history.
        stored = Takeaway.objects.filter(pk=self.pk).values(*self.REVIEWED_FIELDS).first()
        if stored is None:
            return False
        return any(stored[name] != getattr(self, name) for name in self.REVIEWED_FIELDS)

    @property
    def is_accepted(self) -> bool:
        """Adopted or featured by a leader: what the public may read."""
        return self.review_status in self.ACCEPTED_STATUSES

    @property
    def is_returned(self) -> bool:
        """Sent back by a leader, with a comment saying what to rework."""
        return self.review_status == self.ReviewStatus.RETURNED

    @property
    def edited_since_review(self) -> bool:
        """Pending again because its reviewed content was edited after a leader's decision."""
        return self.review_status == self.ReviewStatus.PENDING and self.reviewed_at is not None


class QuestionQuerySet(TripContentQuerySet):
    def visible(self):
        return super().visible().filter(VISIT_PUBLIC_OR_NONE)


class Question(TripPart):
    """An item of the pre-trip question list, and the answer the delegation found."""

    TRIP_SCOPED = ("site_visit",)

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        Participant,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions_asked",
    )
    site_visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("answered at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    answer = models.TextField(_("answer"), blank=True)
    # Kept for code that still names one answerer; migration 0009 copied it into
    # `answerers`, which is what every page and file shows.
    answered_by = models.ForeignKey(
        Participant,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions_answered",
    )
    answerers = models.ManyToManyField(
        Participant,
        verbose_name=_("answered by"),
        blank=True,
        related_name="questions_answered_jointly",
        help_text=_("Everyone who answered: a mayor and the head of a park may answer together."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[answerers])

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("question list")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text if len(self.text) <= 40 else f"{self.text[:40]}…"


class Indicator(TripPart):
    """A benchmark figure: how the host compares with home on one measure."""

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    benchmark = models.CharField(
        _("benchmark"), max_length=100, help_text=_("Whom we compare with, e.g. 三角镇.")
    )
    benchmark_value = models.DecimalField(
        _("benchmark value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    home_value = models.DecimalField(
        _("home value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2100)],
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Shown under the table."))
    higher_is_better = models.BooleanField(
        _("higher is better"),
        default=True,
        help_text=_("Untick for a rank or a time limit, where a lower figure is the better one."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = TripContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benchmark indicator")
        verbose_name_plural = _("benchmark indicators")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.name}（{self.benchmark}）"

    @property
    def gap(self):
        """Home minus benchmark; negative when home lags behind."""
        if self.benchmark_value is None or self.home_value is None:
            return None
        return self.home_value - self.benchmark_value

    @property
    def is_behind(self) -> bool:
        """Home lags the benchmark: a lower figure, or a higher one where lower is better."""
        gap = self.gap
        if not gap:
            return False
        return gap < 0 if self.higher_is_better else gap > 0

    @property
    def is_ahead(self) -> bool:
        return bool(self.gap) and not self.is_behind


class InstructionQuerySet(TripContentQuerySet):
    def visible(self):
        return (
            super()
            .visible()
            .filter(
                Q(takeaway__isnull=True)
                | Q(
                    takeaway__is_public=True,
                    takeaway__review_status__in=Takeaway.ACCEPTED_STATUSES,
                )
            )
        )


class Instruction(TripPart):
    """A leader's formal instruction (领导批示) on a trip or one of its takeaways."""

    TRIP_SCOPED = ("takeaway",)
    # Set once by close_action when every item the instruction ordered is finished.
    WORKFLOW_FIELDS = ("feedback_sent_at",)

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="instructions"
    )
    takeaway = models.ForeignKey(
        Takeaway,
        verbose_name=_("takeaway"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructions",
    )
    author = models.ForeignKey(
        Participant,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    text = models.TextField(_("instruction"))
    date = models.DateField(_("date"), default=timezone.localdate)
    is_public = models.BooleanField(_("public"), default=False)
    feedback_sent_at = models.DateTimeField(
        _("completion report sent at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the 办结反馈 went to the leader, once every item it ordered was closed."),
    )

    objects = InstructionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.author.name}：{self.text[:30]}"
