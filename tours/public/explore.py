"""Pages that look across trips: search, host organizations, campaigns and insights."""

from collections import Counter

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from people.models import Organization
from tours.caching import cached_public_page
from tours.insights import build_insights, map_region
from tours.models import Campaign, Photo, SiteVisit, Takeaway, TripMember
from tours.public.views import public_trips, with_public_places
from tours.reports import SECTION_KINDS, sections_of
from tours.search.page import SearchForm, search_page
from tours.tagging import tags_for


@cached_public_page(query=(*SearchForm.base_fields, "page"))
def search(request):
    return render(request, "tours/search.html", search_page(request, public_only=True))


HOST_TAKEAWAYS = 100
HOST_PHOTOS = 24
HOST_TAKEAWAY_KINDS = (Takeaway.Kind.QUOTE, Takeaway.Kind.LESSON)


@cached_public_page
def host_detail(request, pk):
    """A host organization: every public visit to it, what was heard there, its photos."""
    host = get_object_or_404(Organization, pk=pk)
    visits = list(
        SiteVisit.objects.public()
        .filter(host_organization=host)
        .select_related("trip", "presenter")
        .order_by("-date", "-trip_id", "order", "id")
    )
    if not visits:
        raise Http404
    heard = (
        Takeaway.objects.public()
        .filter(site_visit__host_organization=host, kind__in=HOST_TAKEAWAY_KINDS)
        .select_related("speaker", "site_visit", "trip")
        .order_by("-site_visit__date", "id")[:HOST_TAKEAWAYS]
    )
    quotes, lessons = [], []
    for takeaway in heard:
        (quotes if takeaway.kind == Takeaway.Kind.QUOTE else lessons).append(takeaway)
    photos = list(
        Photo.objects.public()
        .filter(site_visit__host_organization=host)
        .select_related("site_visit")
        .order_by("-site_visit__date", "order", "id")[:HOST_PHOTOS]
    )
    return render(
        request,
        "tours/host_detail.html",
        {
            "host": host,
            "visits": visits,
            "trip_count": len({visit.trip_id for visit in visits}),
            "quotes": quotes,
            "lessons": lessons,
            "photos": photos,
        },
    )


@cached_public_page
def campaign_detail(request, pk):
    """A campaign: its public delegations side by side, every place they went, and what
    they learnt, together."""
    campaign = get_object_or_404(Campaign.objects.public().select_related("organizer"), pk=pk)
    trips = with_public_places(
        public_trips()
        .filter(campaign=campaign)
        .select_related("organizer")
        .order_by("start_date", "id")
    )
    leaders = (
        TripMember.objects.filter(trip__in=trips, role=TripMember.Role.LEADER)
        .select_related("participant", "organization")
        .order_by("order", "id")
    )
    leader_of = {}
    for member in leaders:
        leader_of.setdefault(member.trip_id, member)
    for trip in trips:
        trip.leader = leader_of.get(trip.pk)
    visits = list(
        SiteVisit.objects.public()
        .filter(trip__in=trips)
        .exclude(kind=SiteVisit.Kind.SUMMARY_MEETING)
        .select_related("trip", "host_organization")
        .order_by("date", "trip__start_date", "trip_id", "order", "id")
    )
    takeaways = list(
        Takeaway.objects.public()
        .filter(trip__in=trips, kind__in=SECTION_KINDS)
        .select_related("trip", "site_visit")
        .order_by("trip__start_date", "trip_id", "id")
    )
    tags = tags_for([campaign, *takeaways])
    for takeaway in takeaways:
        takeaway.tag_list = tags.get(takeaway, [])
    return render(
        request,
        "tours/campaign_detail.html",
        {
            "campaign": campaign,
            "campaign_tags": tags.get(campaign, []),
            "trips": trips,
            "visits": visits,
            "places": _places(visits),
            "map_data": {"provinces": province_counts(visits)},
            "sections": sections_of(takeaways),
            "figures": {
                "delegations": len(trips),
                "visits": len(visits),
                "people": sum(trip.member_count for trip in trips),
                "takeaways": sum(trip.takeaway_count for trip in trips),
            },
        },
    )


def province_counts(visits) -> list[dict]:
    """The visits per province, as the map on the insights page draws them."""
    counts = Counter(visit.province for visit in visits if visit.province)
    return [
        {"name": map_region(province), "value": count, "province": province}
        for province, count in counts.most_common()
    ]


def _places(visits) -> list[str]:
    """Where the delegations went, each place once, in the order they first went."""
    places = []
    for visit in visits:
        place = "".join(part for part in (visit.city or visit.province, visit.district) if part)
        if place and place not in places:
            places.append(place)
    return places


def sees_every_record(request) -> bool:
    return request.user.has_perm("tours.view_trip")


@cached_public_page(unless=sees_every_record)
def insights(request):
    """Figures across trips; staff who may view trips see every record, never cached."""
    if sees_every_record(request):
        response = _insights_page(request, public_only=False)
        patch_cache_control(response, private=True, no_store=True)
        return response
    return _insights_page(request, public_only=True)


def _insights_page(request, *, public_only):
    figures = build_insights(public_only=public_only)
    return render(
        request,
        "tours/insights.html",
        {"insights": figures, "chart_data": figures.chart_data(), "all_records": not public_only},
    )
