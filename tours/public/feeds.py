from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from people.models import Organization
from tours.models import ActionItem, ActionUpdate, SiteVisit, Takeaway, Trip


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
        """HTML, as Atom's summary is typed: the summary is text, escaped, its lines kept."""
        return linebreaksbr(trip.summary or trip.theme, autoescape=True)

    def item_pubdate(self, trip):
        return trip.published_at

    def item_updateddate(self, trip):
        return trip.updated_at

    def item_categories(self, trip):
        return [trip.get_kind_display()]


ACTION_UPDATES_IN_FEED = 30


class ActionUpdatesFeed(Feed):
    """Atom feed of the latest progress reported on public action items (`/feed/actions/`).

    Each entry is one public update: the item, the day reported, the progress and the note,
    linking to the update on the item's page. Subclasses narrow it to a tag or a host.
    """

    feed_type = Atom1Feed
    title = _("Study Tours: progress of follow-up actions")
    subtitle = _("The latest progress reported on the commitments made after study tours.")
    link = reverse_lazy("tours:action-board")
    author_name = _("Study Tours")

    def actions(self, obj):
        """The public items whose updates the feed carries."""
        return ActionItem.objects.public()

    def items(self, obj=None):
        return (
            ActionUpdate.objects.public()
            .filter(action__in=self.actions(obj))
            .select_related("action__owner_organization", "organization")
            .only(
                "date",
                "note",
                "progress",
                "created_at",
                "action__title",
                "action__owner_organization__name",
                "organization__name",
            )
            .order_by("-created_at", "-id")[:ACTION_UPDATES_IN_FEED]
        )

    def item_title(self, update):
        return _("%(action)s: %(progress)s%%") % {
            "action": update.action.title,
            "progress": update.progress,
        }

    def item_description(self, update):
        """HTML, as Atom's summary is typed: the owner's note is text, escaped, its lines kept."""
        text = _("%(date)s, progress %(progress)s%%: %(note)s") % {
            "date": date_format(update.date),
            "progress": update.progress,
            "note": update.note,
        }
        return linebreaksbr(text, autoescape=True)

    def item_link(self, update):
        return f"{update.action.get_absolute_url()}#update-{update.pk}"

    def item_author_name(self, update):
        """The unit that reported: the lead unit, or a co-responsible one for its part."""
        unit = update.organization or update.action.owner_organization
        return unit.name

    def item_pubdate(self, update):
        return update.created_at

    def item_updateddate(self, update):
        return update.created_at


class TagActionUpdatesFeed(ActionUpdatesFeed):
    """Updates of public items that came from public takeaways carrying a tag (or whose
    parent item did: a sub-task keeps its parent's sources)."""

    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        # The tag's page answers for it: the feed of a tag only private rows carry is a 404.
        shown = (
            Trip.objects.public().filter(tags=tag).exists()
            or Takeaway.objects.public().filter(tags=tag).exists()
        )
        if not shown:
            raise Http404
        return tag

    def actions(self, tag):
        tagged = Takeaway.objects.public().filter(tags=tag)
        from_tagged = ActionItem.objects.filter(source_takeaways__in=tagged).values("pk")
        return ActionItem.objects.public().filter(Q(pk__in=from_tagged) | Q(parent__in=from_tagged))

    def title(self, tag):
        return _("Study Tours: progress of follow-up actions on “%(tag)s”") % {"tag": tag.name}

    def link(self, tag):
        return reverse("tours:tag-detail", args=[tag.slug])


class HostActionUpdatesFeed(ActionUpdatesFeed):
    """Updates of public items from trips that visited a host organization (publicly)."""

    def get_object(self, request, pk):
        host = get_object_or_404(Organization, pk=pk)
        if not SiteVisit.objects.public().filter(host_organization=host).exists():
            raise Http404
        return host

    def actions(self, host):
        visits = SiteVisit.objects.public().filter(host_organization=host)
        return ActionItem.objects.public().filter(trip__in=visits.values("trip_id"))

    def title(self, host):
        return _("Study Tours: progress of follow-up actions after visiting %(host)s") % {
            "host": host.name
        }

    def link(self, host):
        return reverse("tours:host-detail", args=[host.pk])
