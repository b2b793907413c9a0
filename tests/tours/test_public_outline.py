"""Every public page's headings form an outline: h1, then down one level at a time.

Screen readers list a page by its headings, and the Nu Html Checker and axe
(`heading-order`) report a page that jumps from h1 to h3.
"""

import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from people.models import Organization
from tours.models import Campaign, SiteVisit, Trip

pytestmark = pytest.mark.django_db

HEADINGS = {f"h{level}": level for level in range(1, 7)}


class Outline(HTMLParser):
    """The page's headings in document order, as (level, text)."""

    def __init__(self):
        super().__init__()
        self.headings = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            self._open = [HEADINGS[tag], ""]

    def handle_data(self, data):
        if self._open:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag in HEADINGS and self._open:
            self.headings.append((self._open[0], " ".join(self._open[1].split())))
            self._open = None


def skipped_levels(html: str) -> list[str]:
    """Each heading that goes down more than one level from the one before it."""
    outline = Outline()
    outline.feed(html)
    problems, previous = [], 0
    for level, text in outline.headings:
        if level > previous + 1:
            before = f"h{previous}" if previous else "start"
            problems.append(f"{before} → h{level} «{text}»")
        previous = level
    return problems


def public_pages() -> list[str]:
    """The demo's public pages: one of every kind, every report, tag and host."""
    trips = Trip.objects.public()
    tags = Tag.objects.filter(trip__in=trips).distinct()
    visits = SiteVisit.objects.public()
    hosts = Organization.objects.filter(pk__in=visits.values("host_organization"))
    return [
        reverse("tours:home"),
        reverse("tours:trip-list"),
        *(trip.get_absolute_url() for trip in trips),
        reverse("tours:action-board"),
        *(reverse("tours:tag-detail", args=[tag.slug]) for tag in tags),
        *(reverse("tours:host-detail", args=[host.pk]) for host in hosts),
        *(campaign.get_absolute_url() for campaign in Campaign.objects.public()),
        f"{reverse('tours:search')}?q=招商",
        f"{reverse('tours:search')}?q=招商&type=trip",
        reverse("tours:insights"),
    ]


def test_headings_of_every_public_page_go_down_one_level_at_a_time(client):
    call_command("seed_demo", stdout=io.StringIO())
    urls = public_pages()
    assert len(urls) > 10
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if skipped := skipped_levels(response.content.decode()):
            problems[url] = skipped
    assert problems == {}


@pytest.mark.parametrize(
    ("html", "problems"),
    [
        ("<h1>报告</h1><h2>行程</h2><h3>第1天</h3><h2>收获</h2>", []),
        ("<h1>考察报告</h1><h3><a href='/trips/1/'>赴佛山</a></h3>", ["h1 → h3 «赴佛山»"]),
        ("<h2>没有一级标题</h2>", ["start → h2 «没有一级标题»"]),
    ],
)
def test_the_outline_check_finds_a_skipped_level(html, problems):
    assert skipped_levels(html) == problems
