from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from .models import Trip


def trip_detail(request, pk):
    trip = get_object_or_404(Trip.objects.public(), pk=pk)
    return render(request, "tours/trip_detail.html", {"trip": trip})


@permission_required("tours.change_trip", raise_exception=True)
def trip_preview(request, pk):
    trip = get_object_or_404(Trip, pk=pk)
    return render(request, "tours/trip_detail.html", {"trip": trip, "preview": True})
