from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from .caching import cached_public_page
from .public import actions, explore, views
from .public.feeds import (
    ActionUpdatesFeed,
    HostActionUpdatesFeed,
    LatestTripsFeed,
    TagActionUpdatesFeed,
)
from .public.sitemaps import SITEMAPS
from .staff import evidence, followup, owner, pickers, preview, review


class TagSlugConverter:
    """A tag's slug: Chinese and all, but never a slash or a control character."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tag")

app_name = "tours"

urlpatterns = [
    path("", views.home, name="home"),
    path("trips/", views.trip_list, name="trip-list"),
    path("trips/<int:pk>/", views.trip_detail, name="trip-detail"),
    path("trips/<int:pk>/preview/", preview.trip_preview, name="trip-preview"),
    path("trips/<int:pk>/report.docx", views.trip_report_docx, name="trip-report-docx"),
    path("trips/<int:pk>/itinerary.ics", views.trip_itinerary_ics, name="trip-itinerary-ics"),
    path("actions/", views.action_board, name="action-board"),
    path("actions/<int:pk>/", actions.action_detail, name="action-detail"),
    path("tags/<tag:slug>/", views.tag_detail, name="tag-detail"),
    path("search/", explore.search, name="search"),
    path("hosts/<int:pk>/", explore.host_detail, name="host-detail"),
    path("campaigns/<int:pk>/", explore.campaign_detail, name="campaign-detail"),
    path("insights/", explore.insights, name="insights"),
    path("feed/", cached_public_page(LatestTripsFeed()), name="feed"),
    path("feed/actions/", cached_public_page(ActionUpdatesFeed()), name="feed-actions"),
    path(
        "feed/actions/tags/<tag:slug>/",
        cached_public_page(TagActionUpdatesFeed()),
        name="feed-actions-tag",
    ),
    path(
        "feed/actions/hosts/<int:pk>/",
        cached_public_page(HostActionUpdatesFeed()),
        name="feed-actions-host",
    ),
    path(
        "sitemap.xml",
        cached_public_page(sitemap, query=("p",)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    # Leaders' review desk.
    path("review/", review.desk, name="review-desk"),
    path("review/trips/<int:pk>/", review.trip_review, name="review-trip"),
    path("review/trips/<int:pk>/takeaways/", review.takeaways_decide, name="review-takeaways"),
    path(
        "review/trips/<int:pk>/instruction/",
        review.instruction_record,
        name="review-instruction",
    ),
    path("review/trips/<int:pk>/publish/", review.trip_publish, name="review-publish"),
    path("review/trips/<int:pk>/return/", review.trip_return, name="review-return"),
    path("review/trips/<int:pk>/archive/", review.trip_archive, name="review-archive"),
    path("review/trips/<int:pk>/edits-seen/", review.edits_seen, name="review-edits-seen"),
    path(
        "review/trips/<int:pk>/followup.docx",
        followup.trip_followup_docx,
        name="review-followup-docx",
    ),
    path("review/pick/<slug:kind>/", pickers.pick, name="staff-pick"),
    path("review/actions/", followup.overview, name="review-actions"),
    path("review/actions/<int:pk>/", followup.action_detail, name="review-action"),
    path("review/actions/<int:pk>/watch/", followup.action_watch, name="review-action-watch"),
    path("review/actions/<int:pk>/close/", followup.action_close, name="review-action-close"),
    path("review/actions/<int:pk>/return/", followup.action_return, name="review-action-return"),
    path("review/actions/<int:pk>/notice/", followup.action_notice, name="review-action-notice"),
    path("review/actions/<int:pk>/cancel/", followup.action_cancel, name="review-action-cancel"),
    path(
        "review/actions/<int:pk>/subtasks/", followup.action_subtask, name="review-action-subtask"
    ),
    path("review/notices/<int:pk>/notice.docx", followup.notice_docx, name="review-notice-docx"),
    path(
        "review/extensions/<int:pk>/decide/",
        followup.extension_decide,
        name="review-extension-decide",
    ),
    path(
        "review/instructions/<int:pk>/",
        followup.instruction_detail,
        name="review-instruction-detail",
    ),
    # Action owners.
    path("my-actions/", owner.my_actions, name="my-actions"),
    path("my-actions/<int:pk>/", owner.my_action, name="my-action"),
    path(
        "my-actions/<int:pk>/acknowledge/",
        owner.my_action_acknowledge,
        name="my-action-acknowledge",
    ),
    path("my-actions/<int:pk>/extension/", owner.my_action_extension, name="my-action-extension"),
    path(
        "my-actions/notices/<int:pk>/acknowledge/",
        owner.my_notice_acknowledge,
        name="my-notice-acknowledge",
    ),
    # Evidence files (the private storage's URLs), checked per request.
    path("private/<path:name>", evidence.private_file, name="private-file"),
]
