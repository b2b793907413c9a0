"""Cached public pages are retired by the changes that touch what they show, and only those.

A page served from the cache makes no query; a retired page is rendered again. Every
change is committed (on_commit callbacks run), as a real save's would be.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tours.models import Trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change and its commit callbacks, as a committed request would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


@pytest.fixture
def published():
    trip = factories.TripFactory(title="赴广东佛山学习考察", status="published")
    factories.SiteVisitFactory(trip=trip, name="顺德区政务服务中心")
    return trip


@pytest.fixture
def other_published():
    return factories.TripFactory(title="赴浙江安吉学习考察", status="published")


def served_from_cache(client, url) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries) == 0


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert served_from_cache(client, url), url


PUBLIC_LISTS = ["/", "/trips/", "/actions/", "/search/?q=佛山", "/feed/", "/sitemap.xml"]


def test_a_draft_edit_leaves_every_public_page_cached(client, commit, published):
    draft = factories.TripFactory(title="赴江苏昆山学习考察", status="draft")
    report = published.get_absolute_url()
    warm(client, report, *PUBLIC_LISTS)

    def edit_draft():
        draft.title = "赴江苏昆山、太仓学习考察"
        draft.save()
        factories.SiteVisitFactory(trip=draft, name="昆山开发区")
        factories.TakeawayFactory(trip=draft, text="服务企业要“无事不扰、有求必应”。")

    commit(edit_draft)
    for url in (report, *PUBLIC_LISTS):
        assert served_from_cache(client, url), url


def test_an_edit_to_a_published_trip_replaces_its_report_and_the_lists(
    client, commit, published, other_published
):
    report, other = published.get_absolute_url(), other_published.get_absolute_url()
    warm(client, report, other, "/trips/")

    def rename_visit():
        visit = published.site_visits.get()
        visit.name = "顺德区行政服务中心"
        visit.save()

    commit(rename_visit)
    assert "顺德区行政服务中心" in client.get(report).content.decode()
    assert not served_from_cache(client, "/trips/"), "the lists are rendered again"
    assert served_from_cache(client, other), "another trip's report stays cached"


def test_the_lists_show_a_public_edit_at_once(client, commit, published):
    warm(client, "/trips/")

    def retitle():
        trip = Trip.objects.get(pk=published.pk)
        trip.title = "赴广东佛山顺德学习考察"
        trip.save()

    commit(retitle)
    assert "赴广东佛山顺德学习考察" in client.get("/trips/").content.decode()


def test_a_private_field_of_a_published_trip_retires_nothing_public(client, commit, published):
    member = factories.TripMemberFactory(trip=published)
    report = published.get_absolute_url()
    warm(client, report, "/trips/")

    def private_edits():
        member.note = "高血压，需安排低楼层房间"
        member.save()
        person = member.participant
        person.phone = "13800138000"
        person.save()

    commit(private_edits)
    assert served_from_cache(client, report)
    assert served_from_cache(client, "/trips/")


def test_a_pending_takeaway_on_a_published_trip_retires_nothing_public(client, commit, published):
    pending = factories.TakeawayFactory(trip=published, review_status="pending", text="初稿")
    report = published.get_absolute_url()
    warm(client, report, "/", "/trips/")

    def edit_pending():
        pending.text = "初稿：招商要算“综合账”"
        pending.save()

    commit(edit_pending)
    for url in (report, "/", "/trips/"):
        assert served_from_cache(client, url), url


def test_adopting_a_takeaway_shows_it_on_the_report_at_once(client, commit, published):
    pending = factories.TakeawayFactory(
        trip=published, kind="quote", review_status="pending", text="招商要算“综合账”。"
    )
    report = published.get_absolute_url()
    warm(client, report)

    def adopt():
        pending.review_status = "adopted"
        pending.save()

    commit(adopt)
    # A quote's own quotation marks print as ‘…’ inside the page's “…”.
    assert "招商要算‘综合账’。" in client.get(report).content.decode()


def test_publishing_a_trip_puts_it_on_the_lists_at_once(client, commit):
    submitted = factories.TripFactory(title="赴四川成都学习考察", status="submitted")
    warm(client, "/trips/")

    def publish():
        submitted.status = Trip.Status.PUBLISHED
        submitted.save()

    commit(publish)
    assert "赴四川成都学习考察" in client.get("/trips/").content.decode()


def test_renaming_a_host_retires_every_page_that_names_it(client, commit, published):
    visit = published.site_visits.get()
    host = factories.OrganizationFactory(name="顺德区政务服务数据管理局")
    visit.host_organization = host
    visit.save()
    report = published.get_absolute_url()
    warm(client, report, f"/hosts/{host.pk}/")

    def rename():
        host.name = "佛山市顺德区政务服务数据管理局"
        host.save()

    commit(rename)
    assert "佛山市顺德区政务服务数据管理局" in client.get(report).content.decode()
    assert "佛山市顺德区政务服务数据管理局" in client.get(f"/hosts/{host.pk}/").content.decode()


def test_a_new_person_retires_nothing_public(client, commit, published):
    warm(client, published.get_absolute_url(), "/trips/")
    commit(lambda: factories.ParticipantFactory(name="欧阳明"))
    assert served_from_cache(client, published.get_absolute_url())
    assert served_from_cache(client, "/trips/")


def test_the_shared_file_cache_keeps_a_version_for_every_trip(tmp_path):
    """Django's file cache drops a third of its entries past MAX_ENTRIES (300 by default)."""
    from django.core.cache.backends.filebased import FileBasedCache

    from config import settings as production

    options = production.SHARED_CACHE.get("OPTIONS", {})
    shared = FileBasedCache(str(tmp_path), {"OPTIONS": options})
    for trip_id in range(1, 1001):
        shared.set(f"public-pages:trip:{trip_id}", trip_id, timeout=None)
    assert all(shared.get(f"public-pages:trip:{n}") == n for n in range(1, 1001))
