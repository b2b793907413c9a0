"""The public page cache: it answers only for our own host, and its loss costs speed, not pages."""

import pytest
from django.urls import reverse

from tests import factories
from tours.models import Trip

pytestmark = pytest.mark.django_db

UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    },
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}


@pytest.fixture
def trip():
    trip = factories.TripFactory(title="赴广东中山学习考察", status="published")
    factories.TakeawayFactory(trip=trip, text="企业的事就是我们的事。")
    return trip


class TestHosts:
    def test_a_cached_page_asked_for_another_host_is_refused(self, client, settings, trip):
        settings.ALLOWED_HOSTS = ["tours.example"]
        url = trip.get_absolute_url()
        assert client.get(url, HTTP_HOST="tours.example").status_code == 200
        response = client.get(url, HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "企业的事就是我们的事" not in response.content.decode()

    def test_each_allowed_host_gets_a_page_of_its_own(self, client, settings, trip):
        """The sitemap names the address it was asked on."""
        settings.ALLOWED_HOSTS = ["tours.example", "tours.internal"]
        assert "tours.example" in client.get("/sitemap.xml", HTTP_HOST="tours.example").text
        other = client.get("/sitemap.xml", HTTP_HOST="tours.internal").text
        assert "tours.internal" in other and "tours.example" not in other


@pytest.fixture
def cache_down(settings):
    settings.CACHES = UNREACHABLE_CACHE


@pytest.mark.usefixtures("cache_down")
class TestSharedCacheDown:
    def test_public_pages_are_rendered_uncached(self, client, trip):
        report = reverse("tours:trip-report-docx", args=[trip.pk])
        for url in (
            "/",
            "/trips/",
            trip.get_absolute_url(),
            report,
            "/actions/",
            "/search/?q=招商",
        ):
            for _ in range(2):  # the second time a page would come from the cache
                assert client.get(url).status_code == 200, url
        for url in ("/insights/", "/feed/", "/sitemap.xml", "/accounts/login/"):
            assert client.get(url).status_code == 200, url
        assert "企业的事就是我们的事" in client.get(trip.get_absolute_url()).text

    def test_a_change_still_shows_at_once(self, client, trip):
        client.get(trip.get_absolute_url())
        Trip.objects.filter(pk=trip.pk).update(title="赴广东中山、江门学习考察")
        assert "赴广东中山、江门学习考察" in client.get(trip.get_absolute_url()).text

    def test_saving_a_record_still_succeeds(self, trip, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            trip.title = "赴广东中山、江门学习考察"
            trip.save()
        trip.refresh_from_db()
        assert trip.title == "赴广东中山、江门学习考察"

    def test_healthz_says_so(self, client):
        assert client.get("/healthz").json()["cache"] == "unavailable"
