from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from tours.models import Trip


class TripSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Trip.objects.public().order_by("-start_date", "id")

    def lastmod(self, trip):
        return trip.updated_at


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["tours:home", "tours:trip-list", "tours:action-board"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"trips": TripSitemap, "pages": PageSitemap}
