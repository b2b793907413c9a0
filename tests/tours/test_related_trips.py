"""相关考察: a report points to the public trips that share the most tags with it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tours.models import Trip
from tours.reports import trip_and_related

pytestmark = pytest.mark.django_db


def trip_with(title, *tags, status="published", start=datetime.date(2024, 2, 26)):
    trip = factories.TripFactory(
        title=title, status=status, start_date=start, end_date=start + datetime.timedelta(days=2)
    )
    trip.tags.add(*tags)
    return trip


@pytest.fixture
def trip():
    trip_with("共享三个标签", "招商引资", "产业链", "链长制")
    trip_with("共享两个标签", "招商引资", "产业链")
    for year in (2021, 2022, 2023, 2024):
        trip_with(f"{year}年共享一个", "链长制", start=datetime.date(year, 1, 5))
    trip_with("没有共同标签", "民宿")
    trip_with("草稿也共享三个", "招商引资", "产业链", "链长制", status="draft")
    return trip_with("本次考察", "招商引资", "产业链", "链长制")


def test_up_to_five_public_trips_sharing_the_most_tags_newest_first(trip):
    found, related = trip_and_related(Trip.objects.public(), trip.pk)
    assert found == trip
    assert [t.title for t in related] == [
        "共享三个标签",
        "共享两个标签",
        "2024年共享一个",
        "2023年共享一个",
        "2022年共享一个",
    ]
    assert [t.shared_tags for t in related] == [3, 2, 1, 1, 1]


def test_the_trip_and_its_related_trips_come_in_one_query(trip):
    with CaptureQueriesContext(connection) as queries:
        trip_and_related(Trip.objects.public(), trip.pk)
    assert len(queries) == 1


def test_an_unpublished_trip_is_not_found_but_its_preview_is(trip):
    trip.status = Trip.Status.DRAFT
    trip.save()
    assert trip_and_related(Trip.objects.public(), trip.pk) == (None, [])
    found, related = trip_and_related(Trip.objects.all(), trip.pk)
    assert found == trip and "草稿也共享三个" not in [t.title for t in related]


def test_the_report_shows_them_under_their_heading(client, trip):
    page = client.get(trip.get_absolute_url()).content.decode()
    assert "相关考察" in page and "共享三个标签" in page and "3 个共同标签" in page
    assert "草稿也共享三个" not in page and "没有共同标签" not in page


def test_a_trip_without_tags_has_none(client):
    lonely = factories.TripFactory()
    assert trip_and_related(Trip.objects.public(), lonely.pk) == (lonely, [])
    assert "相关考察" not in client.get(lonely.get_absolute_url()).content.decode()
