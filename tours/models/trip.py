"""Trips, their delegations and the sites they visit."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from people.models import Organization, Participant
from tours.tagging import TaggableManager
from tours.wording import date_range, visit_place


def _date_range_text(start, end) -> str:
    return date_range(start, end, full_end=True)


class TripQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=Trip.PUBLIC_STATUSES)

    def with_counts(self, *, public: bool = False):
        """Annotate how many visits, members, takeaways, action items and photos each trip has.

        Subqueries rather than joins, so the counts don't multiply each other. With
        `public=True` only what the public may see is counted.
        """

        def count(relation, subset="all"):
            manager = Trip._meta.get_field(relation).related_model.objects
            # Members have no visibility of their own: a public trip shows its delegation.
            rows = manager.public() if public and hasattr(manager, "public") else manager.all()
            rows = getattr(rows, subset)().filter(trip=OuterRef("pk")).order_by().values("trip")
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        return self.annotate(
            visit_count=count("site_visits"),
            member_count=count("members"),
            takeaway_count=count("takeaways"),
            action_count=count("action_items"),
            action_done_count=count("action_items", "finished"),
            photo_count=count("photos"),
        )


class Trip(models.Model):
    """A delegation's journey (考察), the root of everything the app records."""

    class Kind(models.TextChoices):
        STUDY_TOUR = "study_tour", _("study tour")
        TRAINING = "training", _("training")
        EXCHANGE = "exchange", _("exchange")
        EMBEDDED = "embedded", _("embedded learning")
        INVESTMENT = "investment", _("investment tour")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.ARCHIVED)
    # Changed only by the workflow services (DESIGN.md, "Integrity"): forms show them
    # read-only and a history revert keeps their current values.
    WORKFLOW_FIELDS = ("status", "published_at", "submitted_by", "submitted_at", "return_comment")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STUDY_TOUR)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        # Required on every form; trips from before departments had scope may lack one,
        # and then only accounts that act for all see them.
        null=True,
        related_name="organized_trips",
        help_text=_("The department the trip belongs to: its staff enter and review it."),
    )
    origin = models.CharField(
        _("origin"), max_length=100, blank=True, help_text=_("The sending unit or region.")
    )
    destinations = models.CharField(
        _("destinations"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to derive them from the site visits' provinces and cities."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    return_comment = models.TextField(
        _("comment on the return"),
        blank=True,
        editable=False,
        help_text=_("Why a leader sent the trip back to draft."),
    )
    cover_photo = models.ForeignKey(
        "Photo",
        verbose_name=_("cover photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tags = TaggableManager(_("tags"), blank=True)
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trips",
        help_text=_("Makes this trip one delegation of a wider study campaign."),
    )
    host_institution = models.ForeignKey(
        Organization,
        verbose_name=_("host institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_trainings",
        help_text=_("The party school or training institution that ran a training class."),
    )
    trainee_count = models.PositiveIntegerField(
        _("number of trainees"),
        null=True,
        blank=True,
        help_text=_("How many took part in a training class, when not all are on the roster."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TripQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["-start_date", "-id"]
        permissions = [
            ("publish_trip", _("Can publish, return and archive trips")),
            ("manage_all_trips", _("Can act for every department's trips")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="trip_end_date_not_before_start"
            ),
        ]
        indexes = [
            # The public trip list and the home page: published trips, newest first.
            models.Index(fields=["status", "-start_date"], name="trip_status_start_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tours:trip-detail", args=[self.pk])

    def clean(self):
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError(
                    {"end_date": _("The end date cannot be earlier than the start date.")}
                )
            if self.pk:
                self._check_visits_within_dates()

    def _check_visits_within_dates(self):
        outside = self.site_visits.exclude(date__range=(self.start_date, self.end_date)).exclude(
            kind=SiteVisit.Kind.SUMMARY_MEETING,
            date__range=(self.start_date, self.summary_meeting_deadline),
        )
        count = outside.count()
        if count:
            raise ValidationError(
                ngettext(
                    "%(count)d site visit falls outside %(range)s; "
                    "move it before changing the trip's dates.",
                    "%(count)d site visits fall outside %(range)s; "
                    "move them before changing the trip's dates.",
                    count,
                )
                % {"count": count, "range": _date_range_text(self.start_date, self.end_date)}
            )

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    def missing_for_publication(self) -> list[str]:
        """What the trip still lacks before a leader may publish it, one sentence each.

        A training class is led by its head teacher (班主任) or a leader; an embedded
        learning trip (跟班学习) is its placements, so it needs at least one.
        """
        missing = []
        if not (self.start_date and self.end_date):
            missing.append(_("The trip has no start and end dates."))
        if not self.site_visits.exists():
            missing.append(_("The itinerary is empty: add at least one site visit."))
        if self.kind == self.Kind.TRAINING:
            leading = (TripMember.Role.LEADER, TripMember.Role.HEAD_TEACHER)
            if not self.members.filter(role__in=leading).exists():
                missing.append(
                    _(
                        "The class has no head teacher (班主任) or leader (团长): "
                        "give one member either role."
                    )
                )
        elif not self.members.filter(role=TripMember.Role.LEADER).exists():
            missing.append(_("The delegation has no leader (团长): give one member that role."))
        if self.kind == self.Kind.EMBEDDED and not self.placements.exists():
            missing.append(
                _(
                    "An embedded learning trip needs at least one placement: say who "
                    "was placed where."
                )
            )
        return missing

    @property
    def summary_meeting_deadline(self):
        """The last day a summary meeting (总结会) may be held after the trip."""
        return self.end_date + timedelta(days=settings.SUMMARY_MEETING_WINDOW_DAYS)

    @property
    def is_locked(self) -> bool:
        """An archived trip stays public but can no longer be edited."""
        return self.is_archived

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def public_cover(self):
        """The cover photo, if the public may see it (lists annotate `cover_is_visible`)."""
        return self.cover_photo if getattr(self, "cover_is_visible", False) else None

    @property
    def home_unit(self) -> str:
        """Where the delegation comes from: the origin, else the organizer if already loaded."""
        if self.origin:
            return self.origin
        if self.organizer_id and Trip._meta.get_field("organizer").is_cached(self):
            return self.organizer.name
        return ""

    @property
    def public_destinations(self) -> str:
        """Destinations from the public places a list attached as `public_visits`."""
        return self.destination_text(getattr(self, "public_visits", []))

    def destination_text(self, visits=None) -> str:
        """The override, or the distinct places of the given visits in order.

        Each visit's city (else province); within the trip's own city, its district or town
        (a delegation from 中山市南区街道 went to 三角镇, not to 中山市). Public pages pass only
        public visits, so a private visit never reveals its place.
        """
        if self.destinations:
            return self.destinations
        visits = self.site_visits.all() if visits is None else visits
        home = self.home_unit
        places = []
        for visit in visits:
            place = visit_place(visit, home)
            if place and place not in places:
                places.append(place)
        return "、".join(places)


class TripContentQuerySet(models.QuerySet):
    """Rows of a trip: public when the trip is published or archived and the row is visible.

    Subclasses refine `visible()`, the row's own rule; a staff preview of an unpublished
    trip shows exactly its visible rows.
    """

    def visible(self):
        return self.filter(is_public=True)

    def public(self):
        return self.visible().filter(trip__status__in=Trip.PUBLIC_STATUSES)


def check_same_trip(obj, field: str):
    """Raise on `field` when the related object belongs to another trip than `obj`."""
    related = getattr(obj, field)
    if related is not None and obj.trip_id and related.trip_id != obj.trip_id:
        raise ValidationError({field: _("Choose one that belongs to this trip.")})


class TripPart(models.Model):
    """What the parts of a trip share: a public flag of their own, and keys that may only
    point at rows of the same trip (`TRIP_SCOPED`, checked in `clean`).

    Each part declares its `trip` key itself: its related name is what the trip calls
    the part (`trip.takeaways`, `trip.action_items`).
    """

    TRIP_SCOPED: tuple[str, ...] = ()

    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        for field in self.TRIP_SCOPED:
            check_same_trip(self, field)


ALREADY_A_MEMBER = _("This person is already in the delegation.")


class TripMember(models.Model):
    """A place in the delegation, with the person's post as it was at the time."""

    class Role(models.TextChoices):
        LEADER = "leader", _("leader")
        DEPUTY = "deputy", _("deputy leader")
        MEMBER = "member", _("member")
        LIAISON = "liaison", _("liaison")
        STAFF = "staff", _("staff")
        HEAD_TEACHER = "head_teacher", _("head teacher")
        TRAINEE = "trainee", _("trainee")

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="members"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(
        _("post at the time"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty to copy the person's current post."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization at the time"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty to copy the person's current organization."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # The roster's 备注 (diet, health, a late arrival) holds for this trip only; the
    # person's own note is the department's and stays off every roster.
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "participant"],
                name="tripmember_one_membership_per_person",
                violation_error_message=ALREADY_A_MEMBER,
            ),
        ]

    def __str__(self):
        return f"{self.participant.name}（{self.get_role_display()}）"

    def save(self, *args, **kwargs):
        self.snapshot_post()
        super().save(*args, **kwargs)

    def clean(self):
        # The constraint's own message would not say which field is at fault.
        if self.trip_id and self.participant_id:
            others = TripMember.objects.filter(
                trip_id=self.trip_id, participant_id=self.participant_id
            )
            if others.exclude(pk=self.pk).exists():
                raise ValidationError({"participant": ALREADY_A_MEMBER})

    def snapshot_post(self):
        """Copy the person's current post, so later promotions leave this trip unchanged."""
        if self.participant_id is None:
            return
        if not self.title:
            self.title = self.participant.title
        if self.organization_id is None:
            self.organization_id = self.participant.organization_id


class SiteVisitQuerySet(TripContentQuerySet):
    pass


class SiteVisit(models.Model):
    """One stop on the itinerary: an enterprise, a village, a lecture, a meeting."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        VILLAGE = "village", _("village or community")
        PARK = "park", _("industrial park")
        BASE = "base", _("base")
        EXHIBITION = "exhibition", _("exhibition hall")
        LECTURE = "lecture", _("lecture")
        ONSITE_TEACHING = "onsite_teaching", _("on-site teaching")
        MEETING = "meeting", _("exchange meeting")
        INVESTMENT_EVENT = "investment_event", _("investment event")
        OTHER = "other", _("other")
        DISCUSSION = "discussion", _("discussion")
        CEREMONY = "ceremony", _("opening or closing ceremony")
        SUMMARY_MEETING = "summary_meeting", _("summary meeting")

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="site_visits"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    host_organization = models.ForeignKey(
        Organization,
        verbose_name=_("host organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_visits",
    )
    presenter = models.ForeignKey(
        Participant,
        verbose_name=_("presenter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presented_visits",
    )
    presenter_title = models.CharField(
        _("presenter's post at the time"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty to copy the presenter's current post."),
    )
    topic = models.CharField(
        _("topic"),
        max_length=200,
        blank=True,
        help_text=_("The title of a lecture or the subject of a session (专题)."),
    )
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)

    objects = SiteVisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["date", "order", F("start_time").asc(nulls_first=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="sitevisit_end_time_not_before_start",
                violation_error_message=_("The end time cannot be earlier than the start time."),
            ),
        ]
        indexes = [
            # The report's day-by-day itinerary reads a trip's visits in date order.
            models.Index(fields=["trip", "date", "order"], name="sitevisit_trip_date_idx"),
            # Public lists filter trips by the province of their visits.
            models.Index(fields=["province"], name="sitevisit_province_idx"),
        ]

    def __str__(self):
        return f"{formats.date_format(self.date, 'SHORT_DATE_FORMAT')} {self.name}"

    def save(self, *args, **kwargs):
        self.snapshot_presenter_title()
        super().save(*args, **kwargs)

    def snapshot_presenter_title(self):
        """Keep the presenter's post as it was, as a member's is kept (TripMember)."""
        if self.presenter_id and not self.presenter_title:
            self.presenter_title = self.presenter.title

    @property
    def is_summary_meeting(self) -> bool:
        return self.kind == self.Kind.SUMMARY_MEETING

    @property
    def time_text(self) -> str:
        """08:30—09:30, or the start alone; the same in every language."""
        return "—".join(t.strftime("%H:%M") for t in (self.start_time, self.end_time) if t)

    def place_from_host(self):
        """The Place (province, city, district) the host organisation's region names, or
        None when there is no host, no region or no place in it."""
        if not self.host_organization_id:
            return None
        try:
            host = self.host_organization
        except ObjectDoesNotExist:
            return None
        if not host.region:
            return None
        from tours.sheets.places import parse_place  # the sheets import these models

        place = parse_place(host.region)
        return place if place.province else None

    def fill_place_from_host(self) -> bool:
        """Take an empty province and city from the host's region (重庆市梁平区 gives
        重庆市 / 重庆市 / 梁平区); a place written on the visit is never overwritten."""
        if self.province or self.city:
            return False
        place = self.place_from_host()
        if place is None:
            return False
        self.province, self.city = place.province, place.city
        self.district = self.district or place.district
        return True

    def clean(self):
        # Every form that saves a visit (the admin's page, the trip's rows) fills its
        # place from the host, the way Django's docs let clean() supply a default.
        self.fill_place_from_host()
        if self.start_time and self.end_time and self.end_time < self.start_time:
            raise ValidationError(
                {"end_time": _("The end time cannot be earlier than the start time.")}
            )
        try:
            trip = self.trip  # may be a trip being added in the same admin form
        except Trip.DoesNotExist:
            trip = None
        if not (self.date and trip and trip.start_date and trip.end_date):
            return
        if self.is_summary_meeting:
            self._check_summary_meeting_date(trip)
        elif not trip.start_date <= self.date <= trip.end_date:
            raise ValidationError(
                {
                    "date": _("The date must lie within the trip's dates (%(range)s).")
                    % {"range": _date_range_text(trip.start_date, trip.end_date)}
                }
            )

    def _check_summary_meeting_date(self, trip):
        # A summary meeting (总结会/汇报会) is often held back home, weeks after the trip.
        deadline = trip.summary_meeting_deadline
        if not trip.start_date <= self.date <= deadline:
            raise ValidationError(
                {
                    "date": _(
                        "A summary meeting must lie between the trip's start and "
                        "%(days)d days after its end (%(range)s)."
                    )
                    % {
                        "days": settings.SUMMARY_MEETING_WINDOW_DAYS,
                        "range": _date_range_text(trip.start_date, deadline),
                    }
                }
            )


# A row tied to a site visit is public only if that visit is public too.
VISIT_PUBLIC_OR_NONE = Q(site_visit__isnull=True) | Q(site_visit__is_public=True)
