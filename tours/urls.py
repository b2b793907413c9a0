from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .caching import cached_public_page
from .feeds import LatestTripsFeed
from .sitemaps import SITEMAPS

app_name = "tours"

urlpatterns = [
    path("", views.home, name="home"),
    path("trips/", views.trip_list, name="trip-list"),
    path("trips/<int:pk>/", views.trip_detail, name="trip-detail"),
    path("trips/<int:pk>/preview/", views.trip_preview, name="trip-preview"),
    path("trips/<int:pk>/report.docx", views.trip_report_docx, name="trip-report-docx"),
    path("trips/<int:pk>/itinerary.ics", views.trip_itinerary_ics, name="trip-itinerary-ics"),
    path("actions/", views.action_board, name="action-board"),
    path("tags/<str:slug>/", views.tag_detail, name="tag-detail"),
    path("feed/", cached_public_page(LatestTripsFeed()), name="feed"),
    path(
        "sitemap.xml",
        cached_public_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
