"""What crawlers may index: every public page with content, dated by its trips' changes."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from taggit.models import Tag

from tours.models import ActionItem, Campaign, SiteVisit, Takeaway, Trip


class TripSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Trip.objects.public().order_by("-start_date", "id")

    def lastmod(self, trip):
        return trip.updated_at


class ActionSitemap(Sitemap):
    """Public action items' own pages, dated by the item's last change or its latest update
    (a co-responsible unit's update is on the page without changing the item)."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        """One query: a list, so the paginator need not count them first."""
        return list(
            ActionItem.objects.public()
            .only("pk", "updated_at")
            .annotate(last_update=Max("updates__created_at"))
            .order_by("id")
        )

    def lastmod(self, action):
        return max(filter(None, (action.updated_at, action.last_update)))


class TagSitemap(Sitemap):
    """Tags of public trips or public takeaways: the ones whose page is not a 404."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        """(slug, last change of a public trip behind it), in two grouped queries."""
        by_trip = (
            Tag.objects.filter(trip__in=Trip.objects.public())
            .values_list("slug")
            .annotate(lastmod=Max("trip__updated_at"))
            .order_by()
        )
        by_takeaway = (
            Tag.objects.filter(takeaway__in=Takeaway.objects.public())
            .values_list("slug")
            .annotate(lastmod=Max("takeaway__trip__updated_at"))
            .order_by()
        )
        latest = {}
        for slug, lastmod in [*by_trip, *by_takeaway]:
            latest[slug] = max(lastmod, latest.get(slug, lastmod))
        return sorted(latest.items())

    def location(self, item):
        return reverse("tours:tag-detail", args=[item[0]])

    def lastmod(self, item):
        return item[1]


class HostSitemap(Sitemap):
    """Host organizations with at least one public visit: the ones whose page is not a 404."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return (
            SiteVisit.objects.public()
            .filter(host_organization__isnull=False)
            .values("host_organization")
            .annotate(lastmod=Max("trip__updated_at"))
            .order_by("host_organization")
        )

    def location(self, item):
        return reverse("tours:host-detail", args=[item["host_organization"]])

    def lastmod(self, item):
        return item["lastmod"]


class CampaignSitemap(Sitemap):
    """Campaigns with a public delegation, dated by the latest change to one of them."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return (
            Campaign.objects.public()
            .annotate(
                lastmod=Max("trips__updated_at", filter=Q(trips__status__in=Trip.PUBLIC_STATUSES))
            )
            .order_by("-year", "id")
        )

    def lastmod(self, campaign):
        return campaign.lastmod


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["tours:home", "tours:trip-list", "tours:action-board", "tours:insights"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "trips": TripSitemap,
    "campaigns": CampaignSitemap,
    "actions": ActionSitemap,
    "tags": TagSitemap,
    "hosts": HostSitemap,
    "pages": PageSitemap,
}
