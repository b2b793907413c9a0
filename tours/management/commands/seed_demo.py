import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from random import Random

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from people.models import Organization, Participant
from tours import demo_data as data
from tours.demo_photos import demo_photo, phone_exif
from tours.models import (
    ActionItem,
    Indicator,
    Question,
    SeenEdits,
    SiteVisit,
    Takeaway,
    Trip,
    TripMember,
)
from tours.services import (
    acknowledge_action,
    acknowledge_notice,
    add_photo,
    add_subtask,
    assign_photos_by_time,
    cancel_action,
    close_action,
    create_action,
    decide_extension,
    issue_notice,
    post_action_update,
    record_instruction,
    request_extension,
    return_action,
)

from ._shapes_seed import ShapesSeeder

BIG_TRIP_TITLE = "赴广东佛山、中山、东莞等地学习考察"
# (username, group, linked person, is_staff, is_superuser): the person's unit is the
# department the account acts for; an owner's, the unit whose items it answers for.
DEMO_USERS = [
    ("admin", None, None, True, True),
    ("editor", "录入员", "刘晓燕", True, False),
    ("leader", "审阅人", "钱正华", True, False),
    ("town-editor", "录入员", "周敏", True, False),
    ("town-leader", "审阅人", "陈建国", True, False),
    ("owner", "责任人", "王志强", False, False),
    ("owner-chen", "责任人", "陈立新", False, False),
    ("owner-li", "责任人", "李晓燕", False, False),
    ("owner-zhang", "责任人", "张伟", False, False),
    ("owner-huang", "责任人", "黄俊", False, False),
    ("owner-yang", "责任人", "杨帆", False, False),
    ("owner-zhao", "责任人", "赵敏", False, False),
    ("owner-ma", "责任人", "马超", False, False),
    ("owner-wu", "责任人", "吴静", False, False),
]
LEADER_PERSON = ("钱正华", "male", "中共梁平区委", "区委副书记")
# The staff who enter trips, and the town's leader.
STAFF_PEOPLE = [
    ("刘晓燕", "female", data.ORGANIZER, "干部教育科科长"),
    ("周敏", "female", data.TOWN_ORGANIZER[0], "党委委员、组织委员"),
    ("陈建国", "male", data.TOWN_ORGANIZER[0], "党委书记"),
]
# A full day on the road: four stops in the morning and early afternoon, three later.
SLOT_TIMES = [(8, 30), (9, 40), (10, 50), (14, 0), (15, 10), (16, 20), (19, 30)]
VISITS_PER_DAY = len(SLOT_TIMES)
# The hour of the day each kind of follow-up step happens, so a day's steps keep an order.
STEP_HOURS = {
    "assign": 9,
    "sign": 10,
    "split": 10,
    "notice": 10,
    "return": 11,
    "approve": 11,
    "close": 11,
    "cancel": 11,
    "ack": 14,
    "ask": 15,
    "update": 16,
}
# Which takeaways an item names as its sources first.
SOURCE_KINDS = ["lesson", "gap", "insight", "reflection", "quote"]


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def replaying(day: date, hour: int):
    """Set the clock to that day and hour while a follow-up step runs, so the services
    check dates and stamp who did what when as they would have on the day."""
    return time_machine.travel(at(day, hour), tick=True)


class Command(BaseCommand):
    help = (
        "Load invented but realistic Chinese demo data: organizations, people, trips of every "
        "kind and status, and one demo user per role. Running it again changes nothing; "
        "--scale N adds N copies of every trip for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="copies of every trip (≥ 1)")

    def handle(self, *args, scale, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        # The services tell the other side of each step by e-mail: the demo's invented
        # addresses get none of them.
        quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        with quiet, transaction.atomic():
            seeder = DemoSeeder(today=timezone.localdate())
            seeder.seed_people()
            logins = seeder.seed_users()
            created = sum(seeder.seed_batch(batch) for batch in range(1, scale + 1))
            seeder.attribute_work()
            seeder.seed_photos()
            seeder.mark_edits_seen()
        self.stdout.write(
            f"Demo data: {created} trips created, {Trip.objects.count()} in total "
            f"({SiteVisit.objects.count()} site visits, {Takeaway.objects.count()} takeaways, "
            f"{ActionItem.objects.count()} action items)."
        )
        self.stdout.write("Demo logins (user / password / role / acts for):")
        for username, password, role, unit in logins:
            self.stdout.write(f"  {username:12} {password:27} {role:6} {unit}")


class DemoSeeder:
    """Builds the demo records; every lookup is by natural key so reruns add nothing."""

    def __init__(self, today: date):
        self.today = today
        self.random = Random(2024)
        self.orgs = {}
        self.people = {}
        self.hosts = []
        self.accounts = {}  # person's name → their demo login

    def org(self, name, region=""):
        if name not in self.orgs:
            self.orgs[name], _ = Organization.objects.get_or_create(
                name=name, defaults={"region": region}
            )
        return self.orgs[name]

    def person(self, name, gender, unit, title):
        key = (name, unit)
        if key not in self.people:
            self.people[key], _ = Participant.objects.get_or_create(
                name=name,
                organization=self.org(unit),
                defaults={
                    "gender": gender,
                    "title": title,
                    "phone": f"139{self.random.randrange(10**8):08d}",
                    "email": f"user{len(self.people) + 1}@liangping.example.cn",
                },
            )
        return self.people[key]

    def seed_people(self):
        for name, region in data.HOME_UNITS:
            self.org(name, region)
        self.seed_departments()
        for person in STAFF_PEOPLE:
            self.person(*person)
        self.delegation = [
            (self.person(name, gender, unit, title), role)
            for name, gender, unit, title, role in data.DELEGATION
        ]
        self.leader = self.person(*LEADER_PERSON)
        self.hosts = [
            (self.org(org, region), province, city, district, self.person(p, "", org, t))
            for org, region, province, city, district, p, t in data.HOSTS
        ]

    def seed_departments(self):
        """The district committee above the two departments that organize trips."""
        self.org(*data.DISTRICT_COMMITTEE)
        self.org(*data.TOWN_ORGANIZER)
        for name, parent in data.DEPARTMENT_PARENTS.items():
            unit = self.org(name)
            if unit.parent_id is None:
                unit.parent = self.org(parent)
                unit.save()

    def seed_batch(self, batch: int) -> int:
        """Create one copy of every demo trip; return how many were new."""
        suffix = "" if batch == 1 else f"（第{batch}批）"
        shift = timedelta(days=30 * (batch - 1))
        created = 0
        title = BIG_TRIP_TITLE + suffix
        if not Trip.objects.filter(title=title).exists():
            self.seed_big_trip(title, self.today - timedelta(days=75) - shift)
            created += 1
        for title, kind, status, ago, days, host_ids, theme in data.OTHER_TRIPS:
            if not Trip.objects.filter(title=title + suffix).exists():
                start = self.today - timedelta(days=ago) - shift
                self.seed_small_trip(title + suffix, kind, status, start, days, host_ids, theme)
                created += 1
        if batch == 1:  # one example of each other shape: a campaign, a class, a placement…
            created += ShapesSeeder(self).seed()
        return created

    def new_trip(self, title, kind, status, start, days, theme):
        return Trip.objects.create(
            title=title,
            kind=kind,
            status=status,
            theme=theme,
            organizer=self.organizer_of(title),
            origin=data.ORIGIN,
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            published_at=(
                at(start + timedelta(days=days + 7), 10) if status in Trip.PUBLIC_STATUSES else None
            ),
        )

    def organizer_of(self, title):
        if any(title.startswith(town_title) for town_title in data.TOWN_TRIPS):
            return self.org(data.TOWN_ORGANIZER[0])
        return self.org(data.ORGANIZER)

    def add_members(self, trip, people):
        for order, (participant, role) in enumerate(people, start=1):
            TripMember.objects.create(trip=trip, participant=participant, role=role, order=order)

    def add_visit(self, trip, day, slot, host_index, name, kind, summary):
        org, province, city, district, presenter = self.hosts[host_index]
        hour, minute = SLOT_TIMES[slot]
        return SiteVisit.objects.create(
            trip=trip,
            date=day,
            start_time=time(hour, minute),
            end_time=time(hour + 1, minute),
            order=slot + 1,
            name=name,
            kind=kind,
            host_organization=org,
            presenter=presenter,
            province=province,
            city=city,
            district=district,
            address=f"{province}{city}{district}",
            summary=summary,
        )

    def seed_big_trip(self, title, start):
        days = -(-len(data.GUANGDONG_VISITS) // VISITS_PER_DAY)
        trip = self.new_trip(
            title,
            Trip.Kind.STUDY_TOUR,
            Trip.Status.PUBLISHED,
            start,
            days,
            "学习大湾区产业链招商、制造业数字化转型和基层治理经验",
        )
        trip.summary = (
            "为深入学习粤港澳大湾区推动高质量发展的先进经验，区委组织部组织考察团赴佛山、中山、"
            "东莞、广州、深圳等地，围绕产业链招商、技改和数字化转型、园区建设、乡村振兴和基层治理"
            "开展学习考察。"
        )
        trip.save()
        trip.tags.add("招商引资", "产业链", "数字化转型", "基层治理")
        self.add_members(trip, self.delegation)

        visits = [
            self.add_visit(
                trip,
                start + timedelta(days=i // VISITS_PER_DAY),
                i % VISITS_PER_DAY,
                *visit,
            )
            for i, visit in enumerate(data.GUANGDONG_VISITS)
        ]
        visits[-1].is_public = False  # the delegation's own wrap-up meeting stays internal
        visits[-1].save()
        self.add_takeaways(trip, visits)
        self.add_questions(trip, visits)
        self.add_indicators(trip)
        self.add_actions(trip)

    def add_takeaways(self, trip, visits):
        members = [p for p, _ in self.delegation]
        pools = [
            (Takeaway.Kind.QUOTE, data.QUOTES),
            (Takeaway.Kind.LESSON, data.LESSON_TEMPLATES),
            (Takeaway.Kind.GAP, data.GAP_TEMPLATES),
            (Takeaway.Kind.INSIGHT, data.INSIGHT_TEMPLATES),
        ]
        count = 0
        quotes = iter(data.QUOTES)
        for i, visit in enumerate(visits):
            for j in range(3):
                kind, pool = pools[(i + j) % len(pools)]
                text, tags = pool[(i * 3 + j) % len(pool)]
                if kind == Takeaway.Kind.QUOTE:
                    # Each quote once; when they run out, the visit yields one more lesson.
                    text, tags = next(quotes, (None, None))
                    if text is None:
                        kind, pool = pools[1]
                        text, tags = pool[(i * 3 + j) % len(pool)]
                text = text.format(
                    host=visit.host_organization.name,
                    n=self.random.randint(2, 9),
                    p=self.random.randint(20, 95),
                )
                speaker = visit.presenter if kind == Takeaway.Kind.QUOTE and j % 2 else None
                if kind == Takeaway.Kind.QUOTE and speaker is None:
                    speaker = members[(i + j) % len(members)]
                self.add_takeaway(trip, visit, speaker, kind, text, tags, count)
                count += 1
        for i, (text, tags) in enumerate(data.REFLECTIONS):
            self.add_takeaway(trip, None, members[i], Takeaway.Kind.REFLECTION, text, tags, count)
            count += 1

    def add_takeaway(self, trip, visit, speaker, kind, text, tags, index):
        # Most are adopted; every ninth is featured, some wait for review, a few were returned.
        status, comment = Takeaway.ReviewStatus.ADOPTED, ""
        if index % 9 == 0 or kind == Takeaway.Kind.REFLECTION:
            status = Takeaway.ReviewStatus.FEATURED
        elif index % 11 == 5:
            status = Takeaway.ReviewStatus.PENDING
        elif index % 17 == 3:
            status, comment = Takeaway.ReviewStatus.RETURNED, "表述不够准确，请核实数据后再报。"
        takeaway = Takeaway.objects.create(
            trip=trip,
            site_visit=visit,
            speaker=speaker,
            kind=kind,
            text=text,
            review_status=status,
            review_comment=comment,
            reviewed_at=timezone.now() if status != Takeaway.ReviewStatus.PENDING else None,
        )
        takeaway.tags.add(*tags)
        return takeaway

    def add_questions(self, trip, visits):
        members = [p for p, _ in self.delegation]
        for order, (text, answer) in enumerate(data.QUESTIONS, start=1):
            visit = visits[(order * 4) % len(visits)]
            Question.objects.create(
                trip=trip,
                order=order,
                text=text,
                asked_by=members[order % len(members)],
                site_visit=visit,
                answer=answer,
                answered_by=visit.presenter,
            )

    def add_indicators(self, trip):
        year = trip.start_date.year - 1
        for order, (name, unit, benchmark, theirs, ours, note) in enumerate(data.INDICATORS, 1):
            Indicator.objects.create(
                trip=trip,
                order=order,
                name=name,
                unit=unit,
                benchmark=benchmark,
                benchmark_value=Decimal(theirs),
                home_value=Decimal(ours),
                year=year,
                source="考察座谈材料、统计公报",
                note=note,
            )

    def add_actions(self, trip):
        """Record the leader's instructions and the items they ordered, then replay each
        item's follow-up (data.ACTIONS) through the services, on the day it happened."""
        end = trip.end_date
        instructions = []
        for i, text in enumerate(data.INSTRUCTIONS):
            day = end + timedelta(days=5 + i)
            with replaying(day, 10):
                instructions.append(
                    record_instruction(
                        trip=trip,
                        user=self.leader_user,
                        author=self.leader,
                        text=text,
                        date=day,
                        is_public=i == 0,
                    )
                )
        takeaways = list(
            trip.takeaways.filter(
                review_status__in=[Takeaway.ReviewStatus.ADOPTED, Takeaway.ReviewStatus.FEATURED]
            ).order_by("id")
        )
        plan = []
        for n, spec in enumerate(data.ACTIONS):
            plan.append((spec.get("assigned", 7), "assign", n, spec, ()))
            plan += [(day, kind, n, spec, args) for day, kind, *args in spec["steps"]]
            split_day, subtasks = spec.get("split", (None, ()))
            for m, sub in enumerate(subtasks):
                plan.append((split_day, "split", (n, m), sub, ()))
                plan += [(day, kind, (n, m), sub, args) for day, kind, *args in sub["steps"]]
        items = {}
        for day, kind, key, spec, args in sorted(plan, key=lambda p: (p[0], STEP_HOURS[p[1]])):
            with replaying(end + timedelta(days=day), STEP_HOURS[kind]):
                if kind == "assign":
                    items[key] = create_action(
                        trip=trip,
                        user=self.leader_user,
                        title=spec["title"],
                        description=spec["description"],
                        owner_organization=self.org(spec["unit"]),
                        owner=self.member(spec["owner"]),
                        due_date=end + timedelta(days=spec["due"]),
                        source_takeaways=self.sources(takeaways, spec),
                        source_instruction=instructions[spec["instruction"]],
                        support_organizations=[self.org(u) for u in spec.get("support", ())],
                    )
                elif kind == "split":
                    items[key] = add_subtask(
                        action=items[key[0]],
                        user=self.leader_user,
                        title=spec["title"],
                        owner_organization=self.org(spec["unit"]),
                        owner=self.member(spec["owner"]),
                        weight=spec["weight"],
                        due_date=end + timedelta(days=spec["due"]),
                    )
                else:
                    self.follow_up(items[key], kind, self.accounts[spec["owner"]], *args)

    def follow_up(self, action, kind, owner, *args):
        """One step of an item's follow-up, by its owner's account or the leader's."""
        leader = self.leader_user
        match kind, args:
            case "sign", ():
                acknowledge_action(action=action, user=owner)
            case "update", (progress, note, *by):
                user = self.accounts[by[0]] if by else owner
                post_action_update(action=action, user=user, progress=progress, note=note)
            case "return", (comment,):
                return_action(action=action, user=leader, comment=comment)
            case "ask", (due, reason):
                due_date = action.trip.end_date + timedelta(days=due)
                request_extension(action=action, user=owner, due_date=due_date, reason=reason)
            case "approve", (comment,):
                extension = action.extensions.pending().get()
                decide_extension(extension=extension, user=leader, approve=True, comment=comment)
            case "notice", (level, text):
                issue_notice(action=action, user=leader, level=level, text=text)
            case "ack", ():
                notice = action.notices.unacknowledged().latest("issued_at")
                acknowledge_notice(notice=notice, user=owner)
            case "close", ():
                close_action(action=action, user=leader)
            case "cancel", (reason,):
                cancel_action(action=action, user=leader, reason=reason)
            case _:
                raise CommandError(f"Unknown demo step {kind} {args}")

    def member(self, name):
        return next(p for p, _ in self.delegation if p.name == name)

    @staticmethod
    def sources(takeaways, spec):
        """The trip's takeaways that say what the item acts on, one of each kind (several
        visits taught the same lesson), lessons and gaps first."""
        fitting = {}
        for takeaway in takeaways:
            if any(word in takeaway.text for word in spec["words"]):
                fitting.setdefault(takeaway.kind, takeaway)
        if not fitting:
            raise CommandError(f"No demo takeaway says what {spec['title']} acts on.")
        return sorted(fitting.values(), key=lambda t: SOURCE_KINDS.index(t.kind))[:3]

    def seed_small_trip(self, title, kind, status, start, days, host_ids, theme):
        trip = self.new_trip(title, kind, status, start, days, theme)
        trip.tags.add(*self.random.sample(data.TAGS, 3))
        members = self.delegation[:1] + self.random.sample(self.delegation[1:], 5)
        self.add_members(trip, members)
        visits = []
        for d in range(days):
            for slot in range(2):
                host_index = host_ids[(d + slot) % len(host_ids)]
                host = self.hosts[host_index][0]
                visits.append(
                    self.add_visit(
                        trip,
                        start + timedelta(days=d),
                        slot,
                        host_index,
                        f"{host.name}{'座谈交流' if slot else '现场考察'}",
                        SiteVisit.Kind.MEETING if slot else SiteVisit.Kind.VILLAGE,
                        f"了解{host.name}的主要做法和经验。",
                    )
                )
        pending = status in (Trip.Status.DRAFT, Trip.Status.SUBMITTED)
        for i, visit in enumerate(visits):
            text, tags = data.LESSON_TEMPLATES[i % len(data.LESSON_TEMPLATES)]
            takeaway = Takeaway.objects.create(
                trip=trip,
                site_visit=visit,
                kind=Takeaway.Kind.LESSON if i % 3 else Takeaway.Kind.QUOTE,
                speaker=visit.presenter,
                text=text.format(host=visit.host_organization.name, n=3, p=40),
                review_status=(
                    Takeaway.ReviewStatus.PENDING if pending else Takeaway.ReviewStatus.ADOPTED
                ),
            )
            takeaway.tags.add(*tags)
        return trip

    def seed_photos(self):
        """Give each big trip without photos a few phone photos, through the real upload.

        They carry GPS and device EXIF, so the demo shows the stripping at work, and are
        sorted onto their visits by the time they were taken, as a bulk upload would be.
        """
        editor = get_user_model().objects.get(username="editor")
        for trip in Trip.objects.filter(title__startswith=BIG_TRIP_TITLE, photos__isnull=True):
            visits = list(trip.site_visits.all())
            cover = None
            for n, (index, minutes, colour, caption, public) in enumerate(data.DEMO_PHOTOS):
                if index is None:
                    moment = datetime.combine(trip.start_date, time(21, 30))
                else:
                    visit = visits[index]
                    moment = datetime.combine(visit.date, visit.start_time)
                moment += timedelta(minutes=minutes)
                image = demo_photo(
                    size=(900, 1200) if n == 2 else (1200, 900),
                    colour=colour,
                    title=caption,
                    subtitle=f"{moment:%Y-%m-%d %H:%M}",
                    exif=phone_exif(taken_at=moment, orientation=6 if n == 2 else 1),
                )
                photo = add_photo(
                    trip=trip,
                    file=SimpleUploadedFile(f"IMG_{20240226 + n}.jpg", image),
                    user=editor,
                    caption=caption,
                )
                if public:
                    photo.is_public = True
                    photo._history_user = editor
                    photo.save(update_fields=["is_public"])
                cover = cover or photo
            assign_photos_by_time(trip=trip, user=editor)
            trip.cover_photo = cover
            trip.save(update_fields=["cover_photo"])

    def mark_edits_seen(self):
        """The demo's trips were filled in after their publication: that is no edit to read."""
        now = timezone.now()
        unmarked = Trip.objects.public().filter(seen_edits__isnull=True)
        SeenEdits.objects.bulk_create(SeenEdits(trip=trip, seen_up_to=now) for trip in unmarked)

    def seed_users(self):
        """Create the demo users; return (username, password, role, unit) to print."""
        User = get_user_model()
        logins = []
        passwords = {}
        for username, group, person, is_staff, is_superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": is_staff,
                    "is_superuser": is_superuser,
                    "email": f"{username}@liangping.example.cn",
                },
            )
            if settings.DEBUG:
                password = f"{username}-demo-2024"
            elif created:
                password = secrets.token_urlsafe(12)
            else:
                password = "(unchanged)"
            if password != "(unchanged)":
                passwords[user] = password
            if group:
                user.groups.add(Group.objects.get(name=group))
            unit = "all departments" if is_superuser else ""
            if person:
                if not Participant.objects.filter(user=user).exists():
                    Participant.objects.filter(name=person, user__isnull=True).update(user=user)
                linked = Participant.objects.filter(user=user).first()
                unit = unit or (linked.organization_name if linked else "")
                self.accounts[person] = user
            logins.append((username, password, group or "superuser", unit))
        # Hashing a password takes a good part of a second and lets other threads run:
        # the demo's fourteen are hashed side by side.
        with ThreadPoolExecutor(max_workers=4) as pool:
            hashes = list(pool.map(make_password, passwords.values()))
        for user, hashed in zip(passwords, hashes, strict=True):
            user.password = hashed
            user.save(update_fields=["password"])
        self.leader_user = self.accounts["钱正华"]
        return logins

    def attribute_work(self):
        """Say who did the demo's work, so returns and digests have someone to e-mail."""
        User = get_user_model()
        editors = {
            data.ORGANIZER: User.objects.get(username="editor"),
            data.TOWN_ORGANIZER[0]: User.objects.get(username="town-editor"),
        }
        for unit, unit_editor in editors.items():
            Trip.objects.filter(
                status=Trip.Status.SUBMITTED, submitted_by__isnull=True, organizer__name=unit
            ).update(submitted_by=unit_editor, submitted_at=timezone.now())
        ActionItem.objects.filter(created_by__isnull=True).update(created_by=self.leader_user)
