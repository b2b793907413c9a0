"""The itinerary as a calendar: one event per public visit, in Shanghai time."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip():
    trip = factories.TripFactory(title="赴广东中山学习考察")
    host = factories.OrganizationFactory(name="三角镇人民政府")
    factories.SiteVisitFactory(
        trip=trip, name="三角镇企业服务中心", host_organization=host, summary="听取招商介绍",
        province="广东省", city="中山市", district="", address="三角镇福源北路",
    )  # fmt: skip
    factories.SiteVisitFactory(
        trip=trip, name="华阳湿地", date=datetime.date(2024, 2, 27), start_time=None, end_time=None
    )
    factories.SiteVisitFactory(trip=trip, name="考察团内部总结会", is_public=False)
    return trip


def calendar_of(client, trip) -> Calendar:
    response = client.get(reverse("tours:trip-itinerary-ics", args=[trip.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_one_event_per_public_visit_in_shanghai_time(client, trip):
    calendar = calendar_of(client, trip)
    assert str(calendar["X-WR-CALNAME"]) == "赴广东中山学习考察"
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"三角镇企业服务中心", "华阳湿地"}
    timed = events["三角镇企业服务中心"]
    start = timed.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (datetime.date(2024, 2, 26), 9, 0)
    assert timed["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert timed.decoded("DTEND").hour == 10 and timed.decoded("DTEND").minute == 30
    assert str(timed["LOCATION"]) == "广东省中山市三角镇福源北路"
    assert "三角镇人民政府" in str(timed["DESCRIPTION"])
    assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_a_visit_without_a_time_is_an_all_day_event(client, trip):
    events = {str(e["SUMMARY"]): e for e in calendar_of(client, trip).walk("VEVENT")}
    all_day = events["华阳湿地"]
    assert all_day.decoded("DTSTART") == datetime.date(2024, 2, 27)
    assert all_day.decoded("DTEND") == datetime.date(2024, 2, 28)


def test_events_keep_their_uid_between_downloads(client, trip):
    def uids():
        return sorted(str(e["UID"]) for e in calendar_of(client, trip).walk("VEVENT"))

    assert uids() == uids()


def test_long_chinese_lines_are_folded_without_splitting_characters(client, trip):
    visit = trip.site_visits.get(name="华阳湿地")
    visit.summary = "湿地保护与乡村旅游融合发展的经验" * 6
    visit.save()
    content = client.get(reverse("tours:trip-itinerary-ics", args=[trip.pk])).content
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    content.decode("utf-8")  # no character cut in half


def test_calendar_is_404_for_unpublished_trips(client):
    for status in ("draft", "submitted"):
        trip = factories.TripFactory(status=status)
        factories.SiteVisitFactory(trip=trip)
        assert client.get(reverse("tours:trip-itinerary-ics", args=[trip.pk])).status_code == 404


def test_calendar_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for size in (2, 12):
        trip = factories.TripFactory()
        for n in range(size):
            factories.SiteVisitFactory(
                trip=trip, name=f"考察点{n}", host_organization=factories.OrganizationFactory()
            )
        with django_assert_max_num_queries(4):
            client.get(reverse("tours:trip-itinerary-ics", args=[trip.pk]))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_breaks_in_titles_and_names_do_not_break_the_calendar(client, newline):
    trip = factories.TripFactory(title=f"赴广东中山{newline}学习考察")
    factories.SiteVisitFactory(
        trip=trip, name=f"三角镇{newline}企业服务中心", summary=f"听取介绍{newline}座谈交流",
        address=f"福源北路{newline}1号",
    )  # fmt: skip
    calendar = calendar_of(client, trip)
    assert str(calendar["X-WR-CALNAME"]) == "赴广东中山 学习考察"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "三角镇 企业服务中心"
    assert str(event["LOCATION"]) == "广东省佛山市顺德区福源北路 1号"
    assert str(event["DESCRIPTION"]).endswith("听取介绍\n座谈交流")


@pytest.mark.parametrize(
    "address",
    [
        "广东省佛山市顺德区大良街道德和路1号",
        "佛山市顺德区大良街道德和路1号",
        "顺德区大良街道德和路1号",
    ],
)
def test_the_location_does_not_repeat_the_region_the_address_starts_with(client, address):
    trip = factories.TripFactory()
    factories.SiteVisitFactory(
        trip=trip, province="广东省", city="佛山市", district="顺德区", address=address
    )
    (event,) = calendar_of(client, trip).walk("VEVENT")
    assert str(event["LOCATION"]) == "广东省佛山市顺德区大良街道德和路1号"


def test_a_city_that_is_its_own_province_is_named_once(client):
    trip = factories.TripFactory()
    factories.SiteVisitFactory(
        trip=trip, province="北京市", city="北京市", district="海淀区", address="北京市海淀区中关村"
    )
    (event,) = calendar_of(client, trip).walk("VEVENT")
    assert str(event["LOCATION"]) == "北京市海淀区中关村"
