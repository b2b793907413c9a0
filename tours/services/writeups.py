"""Save what staff kept of a write-up's proposals as draft content of a trip.

The import page (tours/admin/writeups.py) shows `tours.writeups.extract`'s proposals; staff
edit or drop each, and this service creates the rest in one transaction, the way they would
have typed it: pending takeaways, draft parts, people matched to those who exist, every
record's history saying it came from the write-up.
"""

import datetime
import io
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from people.models import Organization, Participant
from people.scope import scope_of
from tours.models import Attachment, Indicator, Question, SiteVisit, Takeaway, Trip, TripMember
from tours.scope import check_trip
from tours.writeups import match_organizations, match_people

from .actions import create_action
from .workflow import save_as


def import_reason() -> str:
    return _("Imported from the write-up")


@dataclass
class TripDraft:
    """The trip's own fields, for a write-up that starts a new trip."""

    title: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date
    origin: str = ""
    organizer: Organization | None = None  # the user's department when not given


@dataclass
class PersonDraft:
    name: str
    title: str = ""
    organization: str = ""
    is_host: bool = False


@dataclass
class VisitDraft:
    name: str
    kind: str
    date: datetime.date | None = None
    host_organization: str = ""
    presenter: str = ""
    province: str = ""
    city: str = ""
    district: str = ""


@dataclass
class QuoteDraft:
    text: str
    speaker_name: str = ""


@dataclass
class TakeawayDraft:
    kind: str
    text: str
    tags: list[str] = field(default_factory=list)


@dataclass
class ActionDraft:
    title: str
    owner_organization: Organization | None


@dataclass
class QuestionDraft:
    text: str
    answer: str = ""


@dataclass
class IndicatorDraft:
    name: str
    benchmark: str
    value: Decimal | None = None
    unit: str = ""
    home_value: Decimal | None = None
    note: str = ""


@dataclass
class Original:
    """The write-up itself: its text, and the Word file it came in, if it did."""

    text: str
    name: str = ""
    docx: bytes | None = None


@dataclass
class WriteupPlan:
    """What staff kept, as they edited it; the lists are in the order of the text."""

    people: list[PersonDraft] = field(default_factory=list)
    site_visits: list[VisitDraft] = field(default_factory=list)
    quotes: list[QuoteDraft] = field(default_factory=list)
    takeaways: list[TakeawayDraft] = field(default_factory=list)
    actions: list[ActionDraft] = field(default_factory=list)
    questions: list[QuestionDraft] = field(default_factory=list)
    indicators: list[IndicatorDraft] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(getattr(self, kind.name)) for kind in fields(self))


def can_import_writeup(user, trip: Trip | None = None) -> bool:
    perm = "tours.change_trip" if trip is not None else "tours.add_trip"
    return bool(user and user.is_active and user.has_perm(perm))


@transaction.atomic
def import_writeup(
    *,
    user,
    plan: WriteupPlan,
    trip: Trip | None = None,
    new_trip=None,
    original: Original | None = None,
) -> Trip:
    """Create the kept proposals in `trip` (a draft), or in a new draft trip made from
    `new_trip` (a TripDraft), and keep the write-up itself as the trip's internal
    attachment (原文). Raises ValidationError with messages keyed "<kind>-<index>" (or the
    trip's field names) when a record does not validate; nothing is saved then."""
    if not can_import_writeup(user, trip):
        raise PermissionDenied(_("You may not import write-ups."))
    if trip is None:
        trip = _new_trip(user, new_trip)
    else:
        check_trip(user, trip)
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        if not trip.is_draft:
            raise ValidationError(
                _("Only a draft trip takes a write-up; this one is already %(status)s.")
                % {"status": trip.get_status_display()}
            )
    reason = import_reason()
    errors: dict[str, list[str]] = {}

    def saved(key, obj):
        try:
            save_as(obj, user, reason)
        except ValidationError as invalid:
            errors[key] = invalid.messages
            return None
        return obj

    organizations = _organizations(plan, user)
    people = _people(plan, trip, saved, organizations)
    _site_visits(plan, trip, saved, people, organizations)
    for index, quote in enumerate(plan.quotes):
        speaker = people.get(quote.speaker_name) if quote.speaker_name else None
        saved(
            f"quote-{index}",
            Takeaway(trip=trip, kind=Takeaway.Kind.QUOTE, text=quote.text, speaker=speaker),
        )
    for index, draft in enumerate(plan.takeaways):
        takeaway = saved(f"takeaway-{index}", Takeaway(trip=trip, kind=draft.kind, text=draft.text))
        if takeaway is not None and draft.tags:
            takeaway.tags.add(*draft.tags)
    asked = trip.questions.count()
    for index, draft in enumerate(plan.questions):
        saved(
            f"question-{index}",
            Question(trip=trip, text=draft.text, answer=draft.answer, order=asked + index + 1),
        )
    compared = trip.indicators.count()
    for index, draft in enumerate(plan.indicators):
        saved(
            f"indicator-{index}",
            Indicator(
                trip=trip,
                name=draft.name,
                unit=draft.unit,
                benchmark=draft.benchmark,
                benchmark_value=draft.value,
                home_value=draft.home_value,
                note=draft.note,
                order=compared + index + 1,
            ),
        )
    for index, draft in enumerate(plan.actions):
        try:
            create_action(
                trip=trip,
                user=user,
                title=draft.title,
                owner_organization=draft.owner_organization,
            )
        except ValidationError as invalid:
            errors[f"action-{index}"] = invalid.messages
    if original is not None:
        _keep_original(trip, user, original, saved)
    if errors:
        raise ValidationError(errors)
    return trip


def _keep_original(trip, user, original: "Original", saved):
    """The write-up as read: the uploaded Word file, else a Word file of the text (a
    pasted text or a .txt, which attachments do not take)."""
    if original.docx is not None:
        content, name = original.docx, original.name
    else:
        content, name = (
            _text_as_docx(original.text),
            f"{Path(original.name).stem or trip.title}.docx",
        )
    saved(
        "original",
        Attachment(
            trip=trip,
            kind=Attachment.Kind.WRITEUP,
            title=_("Original write-up: %(name)s") % {"name": Path(name).stem},
            file=ContentFile(content, name=name),
            order=trip.attachments.count() + 1,
        ),
    )


def _text_as_docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _new_trip(user, draft: TripDraft) -> Trip:
    scope = scope_of(user)
    organizer = draft.organizer or scope.organization
    if organizer is not None and not scope.covers(organizer):
        raise PermissionDenied(_("You may not enter trips of that department."))
    trip = Trip(
        title=draft.title,
        kind=draft.kind,
        start_date=draft.start_date,
        end_date=draft.end_date,
        origin=draft.origin,
        organizer=organizer,
    )
    save_as(trip, user, import_reason())  # its ValidationError names the trip's fields
    return trip


def _organizations(plan: WriteupPlan, user) -> dict[str, Organization]:
    """The units the kept people and visits name: the existing one when the name matches
    (梁平区委组织部 ≈ 中共梁平区委组织部), else a new one."""
    names = {p.organization for p in plan.people} | {v.host_organization for v in plan.site_visits}
    names.discard("")
    found = match_organizations(names, Organization.objects.all())
    result = {}
    for name in names:
        organization = found.get(name)
        if organization is None:
            organization = Organization(name=name)
            save_as(organization, user, import_reason())
        result[name] = organization
    return result


def _people(plan, trip, saved, organizations) -> dict[str, Participant]:
    """The kept people by name: matched to existing participants, else created; the
    delegation's (not the hosts') join the trip with their post at the time."""
    found = match_people(plan.people, Participant.objects.select_related("organization"))
    members = set(trip.members.values_list("participant_id", flat=True))
    order = len(members)
    people = {}
    for index, draft in enumerate(plan.people):
        person = found.get(draft.name)
        if person is None:
            person = saved(
                f"person-{index}",
                Participant(
                    name=draft.name,
                    title=draft.title,
                    organization=organizations.get(draft.organization),
                ),
            )
            if person is None:
                continue
        people[draft.name] = person
        if not draft.is_host and person.pk not in members:
            order += 1
            members.add(person.pk)
            saved(
                f"person-{index}",
                TripMember(
                    trip=trip,
                    participant=person,
                    title=draft.title or person.title,
                    organization=person.organization,
                    order=order,
                ),
            )
    return people


def _site_visits(plan, trip, saved, people, organizations):
    order = trip.site_visits.count()
    for index, draft in enumerate(plan.site_visits):
        order += 1
        within = draft.date and trip.start_date <= draft.date <= trip.end_date
        presenter = people.get(draft.presenter) if draft.presenter else None
        saved(
            f"visit-{index}",
            SiteVisit(
                trip=trip,
                name=draft.name,
                kind=draft.kind,
                date=draft.date if within else trip.start_date,
                order=order,
                host_organization=organizations.get(draft.host_organization),
                presenter=presenter,
                province=draft.province,
                city=draft.city,
                district=draft.district,
            ),
        )
