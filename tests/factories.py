"""Factories with realistic Chinese data."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from people.models import Organization, Participant
from tours.models import (
    ActionItem,
    ActionUpdate,
    Indicator,
    Instruction,
    Photo,
    Question,
    SiteVisit,
    Takeaway,
    Trip,
    TripMember,
)

TRIP_START = datetime.date(2024, 2, 26)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Iterator(
        [
            "南区街道办事处",
            "梁平区文化旅游委",
            "三角镇人民政府",
            "梁平区招商投资促进中心",
            "双桂街道办事处",
            "礼让镇人民政府",
        ]
    )
    region = "重庆市梁平区"


# The department the tests' trips and staff belong to, unless a test says otherwise.
HOME_DEPARTMENT = "中共梁平区委组织部"


def home_department() -> Organization:
    return OrganizationFactory(name=HOME_DEPARTMENT)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    name = factory.Faker("name", locale="zh_CN")
    gender = Participant.Gender.MALE
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Iterator(["主任", "副镇长", "党委书记", "科长", "副主任"])
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")
    email = factory.Sequence(lambda n: f"person{n}@example.cn")


class TripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trip

    title = factory.Sequence(lambda n: f"赴广东佛山学习考察（第{n}批）")
    kind = Trip.Kind.STUDY_TOUR
    theme = "学习产业链招商经验"
    origin = "重庆市梁平区"
    organizer = factory.LazyFunction(home_department)
    start_date = TRIP_START
    end_date = TRIP_START + datetime.timedelta(days=4)
    status = Trip.Status.PUBLISHED


class TripMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TripMember

    trip = factory.SubFactory(TripFactory)
    participant = factory.SubFactory(ParticipantFactory)
    role = TripMember.Role.MEMBER


class SiteVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteVisit

    trip = factory.SubFactory(TripFactory)
    date = factory.LazyAttribute(lambda v: v.trip.start_date)
    start_time = datetime.time(9, 0)
    end_time = datetime.time(10, 30)
    name = factory.Iterator(["美的集团全球创新中心", "三角镇企业服务中心", "里水镇赤坎村"])
    kind = SiteVisit.Kind.ENTERPRISE
    province = "广东省"
    city = "佛山市"
    district = "顺德区"


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    trip = factory.SubFactory(TripFactory)
    image = factory.django.ImageField(width=64, height=48, format="JPEG")
    caption = "考察团参观展厅"
    is_public = True


class TakeawayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Takeaway

    trip = factory.SubFactory(TripFactory)
    kind = Takeaway.Kind.LESSON
    text = "推行链长制，由区领导担任链长、龙头企业担任链主。"
    review_status = Takeaway.ReviewStatus.ADOPTED


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    trip = factory.SubFactory(TripFactory)
    text = "产业链招商如何确定目标企业？"
    answer = "以产业链图谱为基础建立目标企业库。"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    trip = factory.SubFactory(TripFactory)
    name = "规上工业企业数"
    unit = "家"
    benchmark = "三角镇"
    benchmark_value = Decimal("386")
    home_value = Decimal("157")
    year = 2023


class InstructionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instruction

    trip = factory.SubFactory(TripFactory)
    author = factory.SubFactory(ParticipantFactory, title="区委副书记")
    text = "考察成果要转化为具体举措，各责任单位每月报送进展。"
    date = datetime.date(2024, 3, 10)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    trip = factory.SubFactory(TripFactory)
    title = "建立“链长+链主”季度对接会制度"
    owner_organization = factory.SubFactory(OrganizationFactory)
    due_date = datetime.date(2024, 6, 30)


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ActionItemFactory)
    date = datetime.date(2024, 4, 1)
    note = "已召开专题会议，形成工作方案。"
    progress = 30


def act_for(user, organization: Organization | None = None):
    """Link `user` to a person of `organization` (the home department by default): the
    department the account acts for. Returns the user."""
    ParticipantFactory(user=user, organization=organization or home_department())
    if hasattr(user, "_acting_scope"):
        del user._acting_scope
    return user
