"""The trip report: everything a public page shows about one trip, in a fixed number of queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import TaggedItem

from people.models import Participant

from .models import (
    ActionItem,
    Attachment,
    Indicator,
    Instruction,
    Photo,
    Placement,
    Question,
    SignedProject,
    SiteVisit,
    Takeaway,
    Trip,
    TripMember,
)
from .tagging import tags_for


@dataclass
class Day:
    date: date
    visits: list


@dataclass
class TakeawayGroup:
    """Takeaways of one kind that share their main tag (None: untagged)."""

    tag: object
    takeaways: list


@dataclass
class TakeawaySection:
    kind: str
    label: str
    groups: list


@dataclass
class Part:
    """A numbered section of the report, left out when it has nothing to show."""

    anchor: str
    title: str

    @property
    def template(self) -> str:
        return f"tours/report/{self.anchor}.html"


# Sessions of a training class whose topic and lecturer the training section lists.
TEACHING_KINDS = (
    SiteVisit.Kind.LECTURE,
    SiteVisit.Kind.ONSITE_TEACHING,
    SiteVisit.Kind.DISCUSSION,
)


@dataclass
class Training:
    """What a training class (专题培训) report says of the class itself."""

    host_institution: object
    trainee_count: int | None
    head_teachers: list
    sessions: list

    def __bool__(self):
        return bool(self.host_institution or self.trainee_count or self.head_teachers) or bool(
            self.sessions
        )


@dataclass
class TripReport:
    trip: Trip
    members: list
    days: list
    questions: list
    indicators: list
    quotes: list
    sections: list
    reflections: list
    actions: list
    instructions: list
    trip_tags: list
    related: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    placements: list = field(default_factory=list)
    signed_projects: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    summary_meetings: list = field(default_factory=list)
    training: Training | None = None

    @property
    def leader(self):
        return next((m for m in self.members if m.role == TripMember.Role.LEADER), None)

    @property
    def head_teacher(self):
        return next((m for m in self.members if m.role == TripMember.Role.HEAD_TEACHER), None)

    @property
    def signed_total(self):
        """The signed projects' amounts added up (万元), or None when none gives one."""
        amounts = [p.amount for p in self.signed_projects if p.amount is not None]
        return sum(amounts) if amounts else None

    @property
    def destinations(self) -> str:
        # A summary meeting is usually held back home: not a place the trip went to.
        return self.trip.destination_text(visit for day in self.days for visit in day.visits)

    @property
    def indicator_sources(self) -> list[str]:
        return list(dict.fromkeys(i.source for i in self.indicators if i.source))

    @property
    def outline(self) -> list[Part]:
        parts = [
            ("training", _("The training class"), self.training),
            ("itinerary", _("Itinerary"), self.days),
            ("delegation", _("Delegation"), self.members),
            ("placements", _("Placements"), self.placements),
            ("projects", _("Signed projects"), self.signed_projects),
            ("questions", _("Questions and answers"), self.questions),
            ("benchmarks", _("Benchmarks"), self.indicators),
            ("quotes", _("Quotes"), self.quotes),
            ("lessons", _("Practices, gaps and insights"), self.sections),
            ("reflections", _("Reflections"), self.reflections),
            ("instructions", _("Leaders' instructions"), self.instructions),
            ("actions", _("Follow-up actions"), self.actions),
            ("summary", _("Summary meeting"), self.summary_meetings),
            ("attachments", _("Documents"), self.attachments),
        ]
        return [Part(anchor, title) for anchor, title, content in parts if content]


# Kinds shown as grouped sections, in the order a 考察报告 discusses them.
SECTION_KINDS = [Takeaway.Kind.LESSON, Takeaway.Kind.GAP, Takeaway.Kind.INSIGHT]


def _rows(model, internal: bool):
    """The public's rows, or for staff every row but the takeaways a leader returned."""
    if not internal:
        return model.objects.visible()
    if model is Takeaway:
        return model.objects.exclude(review_status=Takeaway.ReviewStatus.RETURNED)
    return model.objects.all()


def build_report(trip: Trip, *, internal: bool = False, related=()) -> TripReport:
    """Load what the public may see of `trip` (whatever the trip's own status).

    Public views only pass trips from `Trip.objects.public()`; the staff preview passes
    any trip, and sees it exactly as the public will once it is published. `internal`
    loads everything staff recorded (for the staff's Word report), pending takeaways too.
    """
    members = list(
        trip.members.select_related("participant", "organization").order_by("order", "id")
    )
    photos = _rows(Photo, internal).filter(trip=trip).order_by("order", "taken_at", "id")
    visits = list(
        _rows(SiteVisit, internal)
        .filter(trip=trip)
        .select_related("host_organization", "presenter")
        .prefetch_related(Prefetch("photos", queryset=photos, to_attr="public_photos"))
    )
    _label_visits(visits, link_hosts=trip.is_public)
    attachments = _parts(trip, Attachment, "has_attachments", internal, "author")
    _attach_visits(attachments, visits)
    _attach_attachments(visits, attachments)
    signed_projects = _parts(trip, SignedProject, "has_signed_projects", internal, "partner")
    _attach_visits(signed_projects, visits)
    takeaways = list(
        _rows(Takeaway, internal)
        .filter(trip=trip)
        .select_related("speaker__organization")
        .order_by("id")
    )
    _attach_visits(takeaways, visits)
    tags = tags_for([trip, *takeaways])
    for takeaway in takeaways:
        takeaway.tag_list = tags.get(takeaway, [])
    actions = list(
        _rows(ActionItem, internal)
        .filter(trip=trip)
        .with_warning()
        .with_latest_update()
        .select_related("owner_organization", "owner")
        .order_by("due_date", "id")
    )
    instructions = list(
        _rows(Instruction, internal).filter(trip=trip).select_related("author__organization")
    )
    _attach_actions(instructions, actions)
    _attach_posts_at_the_time(takeaways, members)

    # A summary meeting is its own section, often held weeks later: not a day of the trip.
    itinerary = [v for v in visits if not v.is_summary_meeting]
    summary_meetings = [v for v in visits if v.is_summary_meeting]
    answerers = Participant.objects.select_related("organization")
    report = TripReport(
        trip=trip,
        members=members,
        days=[Day(d, list(v)) for d, v in groupby(itinerary, key=lambda visit: visit.date)],
        questions=_attach_visits(
            _rows(Question, internal)
            .filter(trip=trip)
            .select_related("asked_by", "answered_by__organization")
            .prefetch_related(Prefetch("answerers", queryset=answerers, to_attr="answerer_list")),
            visits,
        ),
        indicators=list(_rows(Indicator, internal).filter(trip=trip)),
        quotes=[t for t in takeaways if t.kind == Takeaway.Kind.QUOTE],
        sections=sections_of(takeaways),
        reflections=[t for t in takeaways if t.kind == Takeaway.Kind.REFLECTION],
        actions=actions,
        instructions=instructions,
        trip_tags=tags.get(trip, []),
        related=list(related),
        placements=_parts(
            trip,
            Placement,
            "has_placements",
            internal,
            "member__participant",
            "member__organization",
            "host_organization",
            "mentor__organization",
        ),
        signed_projects=signed_projects,
        attachments=attachments,
        summary_meetings=summary_meetings,
        training=_training(trip, members, itinerary),
    )
    for question in report.questions:
        # A question recorded with one answerer only (an import, older code) still names it.
        if not question.answerer_list and question.answered_by_id:
            question.answerer_list = [question.answered_by]
    report.figures = {
        "days": trip.days,
        "visits": len(itinerary),
        "people": len(members),
        "takeaways": len(takeaways),
        "actions": len(actions),
        "actions_done": sum(a.is_finished for a in actions),
    }
    return report


def _parts(trip, model, flag: str, internal: bool, *related) -> list:
    """A trip's rows of `model`; none without a query when the trip was loaded knowing
    it has none (`trip_and_related` annotates `flag`)."""
    if not getattr(trip, flag, True):
        return []
    return list(_rows(model, internal).filter(trip=trip).select_related(*related))


def _training(trip, members, visits) -> Training | None:
    """The class's institution, size, head teachers and taught sessions (training only)."""
    if trip.kind != Trip.Kind.TRAINING:
        return None
    trainees = sum(m.role == TripMember.Role.TRAINEE for m in members)
    training = Training(
        host_institution=trip.host_institution if trip.host_institution_id else None,
        trainee_count=trip.trainee_count or trainees or None,
        head_teachers=[m for m in members if m.role == TripMember.Role.HEAD_TEACHER],
        sessions=[v for v in visits if v.kind in TEACHING_KINDS and (v.topic or v.presenter_id)],
    )
    return training or None


def _attach_attachments(visits, attachments):
    """Each visit's documents (a speech at the summary meeting), from those loaded."""
    by_visit = defaultdict(list)
    for attachment in attachments:
        by_visit[attachment.site_visit_id].append(attachment)
    for visit in visits:
        visit.public_attachments = by_visit.get(visit.pk, [])


def _has(model):
    return Exists(model.objects.visible().filter(trip=OuterRef("pk")))


def with_part_flags(trips):
    """Trips that know whether they have placements, signed projects and documents: the
    report then skips the query for a kind of part the trip has none of."""
    return trips.annotate(
        has_placements=_has(Placement),
        has_signed_projects=_has(SignedProject),
        has_attachments=_has(Attachment),
    )


RELATED_TRIPS = 5


def trip_and_related(trips, pk) -> tuple[Trip | None, list[Trip]]:
    """Trip `pk` from `trips` and up to five public trips sharing the most of its tags.

    One query for both, so the related trips cost the report nothing extra: the trip and
    the public trips that share a tag with it, the trip first, then by shared tags and
    recency. Each related trip carries `shared_tags`.
    """
    is_trip = Q(content_type__app_label="tours", content_type__model="trip")
    its_tags = TaggedItem.objects.filter(is_trip, object_id=pk).values("tag_id")
    sharing = TaggedItem.objects.filter(is_trip, tag_id__in=its_tags).values("object_id")
    shared = (
        TaggedItem.objects.filter(is_trip, object_id=OuterRef("pk"), tag_id__in=its_tags)
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        with_part_flags(Trip.objects)
        .filter(
            Q(pk=pk, pk__in=trips.values("pk"))
            | Q(pk__in=Trip.objects.public().filter(pk__in=sharing).exclude(pk=pk).values("pk"))
        )
        .select_related("organizer", "campaign", "host_institution")
        .annotate(
            is_this=Case(When(pk=pk, then=Value(1)), default=Value(0)),
            shared_tags=Coalesce(Subquery(shared), 0),
        )
        .order_by("-is_this", "-shared_tags", "-start_date", "-id")[: RELATED_TRIPS + 1]
    )
    if not rows or rows[0].pk != pk:
        return None, []
    return rows[0], rows[1:]


def sections_of(takeaways) -> list[TakeawaySection]:
    """Lessons, gaps and insights by kind, each grouped under its most shared tag."""
    sections = []
    for kind in SECTION_KINDS:
        of_kind = [t for t in takeaways if t.kind == kind]
        if not of_kind:
            continue
        frequency = Counter(tag for t in of_kind for tag in t.tag_list)
        groups = defaultdict(list)
        for takeaway in of_kind:
            main = min(takeaway.tag_list, key=lambda tag: (-frequency[tag], tag.name), default=None)
            groups[main].append(takeaway)
        ordered = sorted(groups.items(), key=lambda item: (item[0] is None, -len(item[1])))
        sections.append(
            TakeawaySection(
                kind=kind,
                label=Takeaway.Kind(kind).label,
                groups=[TakeawayGroup(tag, items) for tag, items in ordered],
            )
        )
    return sections


def _label_visits(visits, *, link_hosts: bool):
    """What the itinerary prints for each visit, worked out once rather than per template node."""
    kinds = {value: str(label) for value, label in SiteVisit.Kind.choices}
    host_urls = {}
    for visit in visits:
        visit.kind_label = kinds[visit.kind]
        host = visit.host_organization_id
        if link_hosts and host and host not in host_urls:
            host_urls[host] = reverse("tours:host-detail", args=[host])
        visit.host_url = host_urls.get(host, "")


def _attach_visits(rows, visits) -> list:
    """Point rows at the visits already loaded instead of joining them again."""
    by_id = {visit.pk: visit for visit in visits}
    rows = list(rows)
    for row in rows:
        # Visible rows only reference visible visits, so every one is in `visits`.
        row.site_visit = by_id.get(row.site_visit_id)
    return rows


def _attach_actions(instructions, actions):
    by_instruction = defaultdict(list)
    for action in actions:
        by_instruction[action.source_instruction_id].append(action)
    for instruction in instructions:
        instruction.public_actions = by_instruction.get(instruction.pk, [])


def _attach_posts_at_the_time(takeaways, members):
    """A speaker from the delegation is named with their post at the time of the trip."""
    posts = {m.participant_id: (m.organization, m.title) for m in members}
    for takeaway in takeaways:
        speaker = takeaway.speaker
        if speaker is None:
            takeaway.speaker_post = ""
            continue
        organization, title = posts.get(
            speaker.pk, (speaker.organization if speaker.organization_id else None, speaker.title)
        )
        takeaway.speaker_post = " ".join(p for p in (getattr(organization, "name", ""), title) if p)
