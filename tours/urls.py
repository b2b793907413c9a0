from django.urls import path

from . import views

app_name = "tours"

urlpatterns = [
    path("trips/<int:pk>/", views.trip_detail, name="trip-detail"),
    path("trips/<int:pk>/preview/", views.trip_preview, name="trip-preview"),
]
