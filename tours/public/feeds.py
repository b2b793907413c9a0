from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from tours.models import Trip


class LatestTripsFeed(Feed):
    """Atom feed of the newest published trips."""

    feed_type = Atom1Feed
    title = _("Study Tours: latest reports")
    subtitle = _("Newly published study tour reports.")
    link = reverse_lazy("tours:trip-list")
    # RFC 4287 §4.1.1: an Atom feed names an author; an entry without one inherits this.
    author_name = _("Study Tours")

    def items(self):
        return (
            Trip.objects.public().select_related("organizer").order_by("-published_at", "-id")[:30]
        )

    def item_author_name(self, trip):
        """The department that organized the trip: the report is published in its name."""
        return trip.organizer.name if trip.organizer else None

    def item_title(self, trip):
        return trip.title

    def item_description(self, trip):
        return trip.summary or trip.theme

    def item_pubdate(self, trip):
        return trip.published_at

    def item_updateddate(self, trip):
        return trip.updated_at

    def item_categories(self, trip):
        return [trip.get_kind_display()]
