"""The demo's other shapes of a trip (tours.demo_shapes), built by `seed_demo`."""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from tours import demo_data
from tours import demo_shapes as shapes
from tours.models import (
    ActionItem,
    Attachment,
    Campaign,
    Placement,
    SignedProject,
    SiteVisit,
    Takeaway,
    Trip,
    TripMember,
)


class ShapesSeeder:
    """Adds one example of each shape once; reruns find them by title and add nothing."""

    def __init__(self, seeder):
        self.seeder = seeder  # the DemoSeeder: its org(), person(), new_trip()

    def seed(self) -> int:
        created = 0
        for build in (self.campaign, self.training, self.placement, self.investment):
            created += build()
        return created

    def _trip(self, title, kind, ago, days, theme, summary, origin=None):
        seeder = self.seeder
        start = seeder.today - timedelta(days=ago)
        trip = seeder.new_trip(title, kind, Trip.Status.PUBLISHED, start, days, theme)
        trip.summary = summary
        if origin:
            trip.origin = origin
        trip.save()
        return trip

    def _member(self, trip, person, role, order):
        return TripMember.objects.create(
            trip=trip, participant=self.seeder.person(*person), role=role, order=order
        )

    def _visit(self, trip, day, hour, order, name, kind, host, province, city, district, **extra):
        return SiteVisit.objects.create(
            trip=trip,
            date=trip.start_date + timedelta(days=day),
            start_time=time(hour, 0),
            end_time=time(hour + 2, 0),
            order=order,
            name=name,
            kind=kind,
            host_organization=self.seeder.org(host),
            province=province,
            city=city,
            district=district,
            **extra,
        )

    def _lesson(self, trip, visit, text, tags):
        takeaway = Takeaway.objects.create(
            trip=trip,
            site_visit=visit,
            kind=Takeaway.Kind.LESSON,
            text=text,
            review_status=Takeaway.ReviewStatus.ADOPTED,
        )
        takeaway.tags.add(*tags)

    def campaign(self) -> int:
        data = shapes.CAMPAIGN
        seeder = self.seeder
        year = (seeder.today - timedelta(days=max(t["ago"] for t in shapes.CAMPAIGN_TRIPS))).year
        title = f"{year}年{data['title']}"
        if Campaign.objects.filter(title=title).exists():
            return 0
        campaign = Campaign.objects.create(
            title=title,
            theme=data["theme"],
            organizer=seeder.org(demo_data.ORGANIZER),
            year=year,
            summary=data["summary"],
        )
        campaign.tags.add(*data["tags"])
        for group in shapes.CAMPAIGN_TRIPS:
            trip = self._trip(
                group["title"],
                Trip.Kind.STUDY_TOUR,
                group["ago"],
                group["days"],
                data["theme"],
                group["summary"],
                origin=group["origin"],
            )
            trip.campaign = campaign
            trip.save()
            trip.tags.add(*data["tags"])
            self._member(trip, group["leader"], TripMember.Role.LEADER, 1)
            for order, person in enumerate(group["members"], start=2):
                self._member(trip, person, TripMember.Role.MEMBER, order)
            visits = []
            for order, visit in enumerate(group["visits"], start=1):
                day, name, kind, host, region, province, city, district, who, post, summary = visit
                seeder.org(host, region)
                presenter = seeder.person(who, "", host, post)
                visits.append(
                    self._visit(
                        trip, day, 9, order, name, kind, host, province, city, district,
                        presenter=presenter, summary=summary,
                    )
                )  # fmt: skip
            for visit, text in zip(visits, group["lessons"], strict=False):
                self._lesson(trip, visit, text, data["tags"][:2])
        return len(shapes.CAMPAIGN_TRIPS)

    def training(self) -> int:
        data = shapes.TRAINING
        if Trip.objects.filter(title=data["title"]).exists():
            return 0
        seeder = self.seeder
        institution = seeder.org(*data["institution"])
        trip = self._trip(
            data["title"], Trip.Kind.TRAINING, data["ago"], data["days"], data["theme"],
            data["summary"],
        )  # fmt: skip
        trip.host_institution = institution
        trip.trainee_count = data["trainee_count"]
        trip.save()
        trip.tags.add("干部教育", "营商环境")
        self._member(trip, data["head_teacher"], TripMember.Role.HEAD_TEACHER, 1)
        self._member(trip, data["staff"], TripMember.Role.STAFF, 2)
        for order, person in enumerate(data["trainees"], start=3):
            self._member(trip, person, TripMember.Role.TRAINEE, order)
        visits = []
        for order, session in enumerate(data["sessions"], start=1):
            day, hour, name, kind, topic, (who, unit, post), summary = session
            presenter = seeder.person(who, "", unit, post)
            visits.append(
                self._visit(
                    trip, day, hour, order, name, kind, unit, "浙江省", "杭州市", "",
                    topic=topic, presenter=presenter, presenter_title=f"{unit}{post}",
                    summary=summary,
                )
            )  # fmt: skip
        for visit, text in zip(visits[1:], data["lessons"], strict=False):
            self._lesson(trip, visit, text, ["干部教育"])
        return 1

    def placement(self) -> int:
        data = shapes.PLACEMENT
        if Trip.objects.filter(title=data["title"]).exists():
            return 0
        seeder = self.seeder
        trip = self._trip(
            data["title"], Trip.Kind.EMBEDDED, data["ago"], data["days"], data["theme"],
            data["summary"],
        )  # fmt: skip
        trip.tags.add("营商环境", "基层治理")
        self._member(trip, data["leader"], TripMember.Role.LEADER, 1)
        for order, (person, host, role, (mentor, post), summary) in enumerate(
            data["placements"], start=2
        ):
            member = self._member(trip, person, TripMember.Role.MEMBER, order)
            seeder.org(host, "广东省深圳市")
            Placement.objects.create(
                trip=trip,
                member=member,
                host_organization=seeder.org(host),
                role=role,
                mentor=seeder.person(mentor, "", host, post),
                start_date=trip.start_date,
                end_date=trip.end_date,
                summary=summary,
            )
        visits = []
        for order, (day, name, kind, host, province, city, district, summary) in enumerate(
            data["visits"], start=1
        ):
            seeder.org(host, "广东省深圳市")
            visits.append(
                self._visit(
                    trip, day, 9, order, name, kind, host, province, city, district,
                    summary=summary,
                )
            )  # fmt: skip
        for text in data["lessons"]:
            self._lesson(trip, visits[-1], text, ["营商环境"])
        meeting_data = data["summary_meeting"]
        meeting = SiteVisit.objects.create(
            trip=trip,
            date=trip.end_date + timedelta(days=meeting_data["after"]),
            start_time=time(15, 0),
            order=1,
            name=meeting_data["name"],
            kind=SiteVisit.Kind.SUMMARY_MEETING,
            topic=meeting_data["topic"],
            host_organization=seeder.org(meeting_data["host"]),
            presenter=seeder.person(*data["leader"]),
            province="重庆市",
            city="重庆市",
            district="梁平区",
            summary=meeting_data["summary"],
        )
        speech = data["speech"]
        Attachment.objects.create(
            trip=trip,
            site_visit=meeting,
            title=speech["title"],
            kind=Attachment.Kind.SPEECH,
            file=SimpleUploadedFile("speech.docx", _docx(speech["title"], speech["paragraphs"])),
            author=seeder.person(*data["leader"]),
            credits=speech["credits"],
            is_public=True,
        )
        # Published once the summary meeting had been held and written up.
        trip.published_at = timezone.make_aware(
            datetime.combine(meeting.date + timedelta(days=3), time(10))
        )
        trip.save()
        return 1

    def investment(self) -> int:
        data = shapes.INVESTMENT
        if Trip.objects.filter(title=data["title"]).exists():
            return 0
        seeder = self.seeder
        trip = self._trip(
            data["title"], Trip.Kind.INVESTMENT, data["ago"], data["days"], data["theme"],
            data["summary"],
        )  # fmt: skip
        trip.tags.add("招商引资", "产业链")
        self._member(trip, data["leader"], TripMember.Role.LEADER, 1)
        for order, person in enumerate(data["members"], start=2):
            self._member(trip, person, TripMember.Role.MEMBER, order)
        visits = {}
        for order, (day, hour, name, kind, host, province, city, district, summary) in enumerate(
            data["visits"], start=1
        ):
            seeder.org(host, f"{province}{city}")
            visits[kind] = self._visit(
                trip, day, hour, order, name, kind, host, province, city, district,
                summary=summary,
            )  # fmt: skip
        title, unit = data["action"]
        action = ActionItem.objects.create(
            trip=trip,
            title=title,
            owner_organization=seeder.org(unit),
            owner=seeder.person(*data["members"][0]),
            due_date=trip.end_date + timedelta(days=180),
            status=ActionItem.Status.IN_PROGRESS,
            progress=40,
        )
        for order, (name, partner, amount, industry, status) in enumerate(
            data["projects"], start=1
        ):
            SignedProject.objects.create(
                trip=trip,
                site_visit=visits[SiteVisit.Kind.INVESTMENT_EVENT],
                order=order,
                name=name,
                partner=seeder.org(partner, "广东省"),
                amount=Decimal(amount),
                industry=industry,
                status=status,
                action=action if order == 1 else None,
            )
        return 1


def _docx(title: str, paragraphs: list[str]) -> bytes:
    document = Document()
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
