"""Person and unit pickers of the staff forms: a plain <select> that search enhances.

Without JavaScript a picker is an ordinary drop-down of what the user may pick; with it,
static/js/pickers.js turns it into Django admin's vendored select2, which asks `pick`
for one page of matches at a time.
"""

from django import forms
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.scope import pickable_people, pickable_units

from .access import reviewer_area

PAGE_SIZE = 20
TERM_LENGTH = 50

# kind in the URL → (what the user may pick, how a term matches, order)
KINDS = {
    "people": (
        pickable_people,
        lambda term: (
            Q(name__icontains=term)
            | Q(organization__name__icontains=term)
            | Q(title__icontains=term)
        ),
        ("name", "id"),
    ),
    "units": (pickable_units, lambda term: Q(name__icontains=term), ("name", "id")),
}


class PickerMixin:
    def __init__(self, kind: str, attrs=None):
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-pick": reverse("tours:staff-pick", args=[self.kind]),
            "data-placeholder": str(
                _("Type a name or unit to search")
                if self.kind == "people"
                else _("Type part of the unit's name to search")
            ),
        }
        return super().get_context(name, value, attrs)


class Picker(PickerMixin, forms.Select):
    """A person or unit drop-down that pickers.js makes searchable."""


class MultiplePicker(PickerMixin, forms.SelectMultiple):
    """Several units (co-responsible units) picked the same way."""


def limit_pickers(user, *forms_):
    """Offer in every picker of `forms_` only what `user` may pick (what `pick` answers)."""
    querysets = {}
    for form in forms_:
        for field in form.fields.values():
            if isinstance(field.widget, PickerMixin):
                kind = field.widget.kind
                if kind not in querysets:
                    querysets[kind] = KINDS[kind][0](user)
                field.queryset = querysets[kind]


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


@reviewer_area
def pick(request, kind):
    """One page of the people or units matching `term`, as select2 reads them."""
    if kind not in KINDS:
        raise Http404
    pickable, matches, order = KINDS[kind]
    rows = pickable(request.user)
    term = request.GET.get("term", "").strip()[:TERM_LENGTH]
    if term:
        rows = rows.filter(matches(term))
    page = _page_number(request.GET.get("page", ""))
    start = (page - 1) * PAGE_SIZE
    # One row more than a page says whether there is a next one, without a COUNT.
    found = list(rows.order_by(*order)[start : start + PAGE_SIZE + 1])
    return JsonResponse(
        {
            "results": [{"id": row.pk, "text": str(row)} for row in found[:PAGE_SIZE]],
            "pagination": {"more": len(found) > PAGE_SIZE},
        }
    )
