"""The search page as a form and its answer, shared by the public page and the admin's."""

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from tours.templating import form_renderer

from . import KINDS, PER_PAGE, kind_pages, parse_query, search

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
            *[(k.slug, k.label) for k in KINDS],
        ]

    def clean_type(self):
        return self.cleaned_data["type"] or None


def search_page(request, *, public_only: bool, within=None) -> dict:
    """The search page's context for this request; staff pages pass `public_only=False`
    and the trips they may search (`within`, a Trip queryset; None for all)."""
    form = SearchForm(request.GET)
    form.is_valid()
    query = parse_query(form.cleaned_data.get("q"))
    slug = form.cleaned_data.get("type")
    context = {"form": form, "query": query, "examples": EXAMPLES, "type": slug}
    if query:
        results = search(query, public_only=public_only, kind=slug, within=within)
        context["results"] = results
        if slug:
            pages = kind_pages(results, slug, public_only=public_only)
            paginator = Paginator(pages, PER_PAGE)
            context["group"] = results.group(slug)
            context["page"] = paginator.get_page(request.GET.get("page"))
    return context
