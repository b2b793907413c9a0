"""Pages that look across trips: search, host organizations and insights."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from people.models import Organization

from . import search as search_index
from .caching import cached_public_page
from .insights import build_insights
from .models import Photo, SiteVisit, Takeaway
from .templating import form_renderer

EXAMPLES = ["招商", "链长", "技改", "民宿", "营商环境", "5G"]


class SearchForm(forms.Form):
    # No max_length: a long query is cut to its first words, not refused.
    q = forms.CharField(label=_("Search"), required=False)
    type = forms.ChoiceField(required=False)

    default_renderer = form_renderer

    def __init__(self, data):
        super().__init__(data)
        self.fields["type"].choices = [
            ("", _("All")),
            *[(k.slug, k.label) for k in search_index.KINDS],
        ]

    def clean_type(self):
        return self.cleaned_data["type"] or None


def run_search(request, *, public_only: bool) -> dict:
    """The search page's context for this request; staff pages pass `public_only=False`."""
    form = SearchForm(request.GET)
    form.is_valid()
    query = search_index.parse_query(form.cleaned_data.get("q"))
    slug = form.cleaned_data.get("type")
    context = {"form": form, "query": query, "examples": EXAMPLES, "type": slug}
    if query:
        results = search_index.search(query, public_only=public_only, kind=slug)
        context["results"] = results
        if slug:
            pages = search_index.kind_pages(results, slug, public_only=public_only)
            paginator = Paginator(pages, search_index.PER_PAGE)
            context["group"] = results.group(slug)
            context["page"] = paginator.get_page(request.GET.get("page"))
    return context


@cached_public_page(query=(*SearchForm.base_fields, "page"))
def search(request):
    return render(request, "tours/search.html", run_search(request, public_only=True))


def staff_search(request):
    """The same search in the admin, over every record: drafts, pending and private ones."""
    if not request.user.has_perm("tours.view_trip"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        **run_search(request, public_only=False),
        "title": _("Search all records"),
    }
    return render(request, "admin/tours/search.html", context)


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
