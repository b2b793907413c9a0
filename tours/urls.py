from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import explore, views
from .caching import cached_public_page
from .feeds import LatestTripsFeed
from .sitemaps import SITEMAPS

app_name = "tours"

urlpatterns = [
    path("", views.home, name="home"),
    path("trips/", views.trip_list, name="trip-list"),
    path("trips/<int:pk>/", views.trip_detail, name="trip-detail"),
    path("trips/<int:pk>/preview/", views.trip_preview, name="trip-preview"),
    path("actions/", views.action_board, name="action-board"),
    path("tags/<str:slug>/", views.tag_detail, name="tag-detail"),
    path("search/", explore.search, name="search"),
    path("hosts/<int:pk>/", explore.host_detail, name="host-detail"),
    path("insights/", explore.insights, name="insights"),
    path("feed/", cached_public_page(LatestTripsFeed()), name="feed"),
    path(
        "sitemap.xml",
        cached_public_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
