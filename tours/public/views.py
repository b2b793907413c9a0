"""The public site: published reports and what came of them, read-only, nothing private."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Min, OuterRef, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from tours.caching import cached_public_page
from tours.exports.calendar_ics import build_calendar
from tours.exports.files import DOCX_TYPE, attachment
from tours.exports.report_docx import build_report_docx, report_title
from tours.filters import ActionFilterForm, TripFilterForm
from tours.models import ActionItem, Photo, SiteVisit, Takeaway, Trip
from tours.reports import build_report, trip_and_related, with_part_flags

TRIPS_PER_PAGE = 20
ACTIONS_PER_PAGE = 50


def public_trips():
    """Public trips with their public counts; `with_public_places` adds their places."""
    visible_cover = Photo.objects.visible().filter(pk=OuterRef("cover_photo_id"))
    return (
        Trip.objects.public()
        .with_counts(public=True)
        .annotate(cover_is_visible=Exists(visible_cover))
        .select_related("cover_photo")
    )


def with_public_places(trips) -> list:
    """The trips, each with the places of its public visits as `public_visits`.

    One row per trip and place, in the order the trip first went there: a full page of
    trips has hundreds of visits, and loading them all is what made long lists slow.
    """
    trips = list(trips)
    places = defaultdict(list)
    rows = (
        SiteVisit.objects.public()
        .filter(trip__in=trips)
        .values_list("trip_id", "province", "city", named=True)
        .annotate(first_date=Min("date"), first_id=Min("id"))
        .order_by("trip_id", "first_date", "first_id")
    )
    for row in rows:
        places[row.trip_id].append(row)
    for trip in trips:
        trip.public_visits = places[trip.pk]
    return trips


@cached_public_page
def home(request):
    trips = with_public_places(public_trips().order_by("-start_date", "-id")[:6])
    featured = (
        Takeaway.objects.public()
        .filter(kind=Takeaway.Kind.QUOTE, review_status=Takeaway.ReviewStatus.FEATURED)
        .select_related("speaker__organization", "trip")
        .order_by("-trip__start_date", "id")[:6]
    )
    totals = (
        Trip.objects.public()
        .with_counts(public=True)
        .aggregate(
            trips=Count("pk"),
            visits=Sum("visit_count"),
            takeaways=Sum("takeaway_count"),
            actions=Sum("action_count"),
            actions_done=Sum("action_done_count"),
        )
    )
    return render(
        request,
        "tours/home.html",
        {"trips": trips, "featured": featured, "totals": totals},
    )


@cached_public_page(query=(*TripFilterForm.base_fields, "page"))
def trip_list(request):
    form = TripFilterForm(request.GET, trips=Trip.objects.public())
    trips = form.filter(public_trips()).order_by("-start_date", "-id")
    page = Paginator(trips, TRIPS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_public_places(page.object_list)
    return render(request, "tours/trip_list.html", {"form": form, "page": page})


@cached_public_page(trip="pk")
def trip_detail(request, pk):
    trip, related = trip_and_related(Trip.objects.public(), pk)
    if trip is None:
        raise Http404
    report = build_report(trip, related=related)
    return render(request, "tours/trip_detail.html", {"report": report})


@cached_public_page(query=(*ActionFilterForm.base_fields, "page"))
def action_board(request):
    """The public accountability board: every public commitment and how far it has come."""
    form = ActionFilterForm(request.GET, actions=ActionItem.objects.public())
    actions = form.filter(ActionItem.objects.public())
    totals = actions.tally()
    listed = (
        actions.with_warning()
        .with_latest_update()
        .select_related("trip", "owner_organization")
        .order_by("due_date", "id")
    )
    page = Paginator(listed, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "tours/action_board.html", {"form": form, "page": page, "totals": totals}
    )


@cached_public_page
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    trips = with_public_places(public_trips().filter(tags=tag).order_by("-start_date")[:50])
    takeaways = list(
        Takeaway.objects.public()
        .filter(tags=tag)
        .select_related("trip", "speaker__organization")
        .order_by("-trip__start_date", "id")[:200]
    )
    if not trips and not takeaways:
        raise Http404
    return render(
        request, "tours/tag_detail.html", {"tag": tag, "trips": trips, "takeaways": takeaways}
    )


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


@cached_public_page(trip="pk")
def trip_report_docx(request, pk):
    """The public report as a Word document (考察报告), from public data only."""
    trips = with_part_flags(Trip.objects.public()).select_related("organizer", "host_institution")
    trip = get_object_or_404(trips, pk=pk)
    report = build_report(trip)
    content = build_report_docx(report)
    # Named after the public visits' places, as the document's own title is.
    return attachment(content, f"{report_title(trip, report.destinations)}.docx", DOCX_TYPE)


@cached_public_page(trip="pk")
def trip_itinerary_ics(request, pk):
    """The public site visits as a calendar to subscribe to or import."""
    trip = get_object_or_404(Trip.objects.public(), pk=pk)
    visits = SiteVisit.objects.public().filter(trip=trip).select_related("host_organization")
    content = build_calendar(
        trip,
        visits,
        url=request.build_absolute_uri(trip.get_absolute_url()),
        domain=request.get_host().split(":")[0],
    )
    return attachment(content, f"{trip.title}.ics", "text/calendar; charset=utf-8")
