"""Staff see a trip as the public will, before it is published."""

from django.http import Http404
from django.shortcuts import render

from tours.models import Trip
from tours.reports import build_report, trip_and_related
from tours.scope import scoped

from .access import staff_area


@staff_area("tours.view_trip", hide=True)
def trip_preview(request, pk):
    """Staff (editors, leaders) see their department's trips as the public will; to others
    they do not exist."""
    trip, related = trip_and_related(scoped(Trip.objects.all(), request.user), pk)
    if trip is None:
        raise Http404
    report = build_report(trip, related=related)
    return render(request, "tours/trip_detail.html", {"report": report, "preview": True})
