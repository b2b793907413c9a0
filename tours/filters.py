"""The filter forms of the lists, public and staff: what a reader may narrow a list by."""

from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .models import ActionItem, SiteVisit, Trip
from .templating import form_renderer


class TripFilterForm(forms.Form):
    """The trip list's filters; options come from what public trips actually have."""

    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    province = forms.ChoiceField(label=_("province"), required=False)
    tag = forms.ChoiceField(label=_("tag"), required=False)
    organizer = forms.TypedChoiceField(label=_("organizer"), required=False, coerce=int)

    default_renderer = form_renderer

    def __init__(self, data, *, trips):
        super().__init__(data)
        everything = [("", _("All"))]
        years = trips.dates("start_date", "year", order="DESC")
        self.fields["year"].choices = everything + [(d.year, d.year) for d in years]
        self.fields["kind"].choices = everything + list(Trip.Kind.choices)
        provinces = (
            SiteVisit.objects.public()
            .exclude(province="")
            .values_list("province", flat=True)
            .order_by("province")
            .distinct()
        )
        self.fields["province"].choices = everything + [(p, p) for p in provinces]
        tags = Tag.objects.filter(trip__in=trips).distinct().order_by("name")
        self.fields["tag"].choices = everything + [(t.slug, t.name) for t in tags]
        organizers = (
            trips.exclude(organizer=None)
            .values_list("organizer_id", "organizer__name")
            .order_by("organizer__name")
            .distinct()
        )
        self.fields["organizer"].choices = everything + list(organizers)

    def filter(self, trips):
        if not self.is_valid():
            return trips
        data = self.cleaned_data
        if data["year"]:
            trips = trips.filter(start_date__year=data["year"])
        if data["kind"]:
            trips = trips.filter(kind=data["kind"])
        if data["province"]:
            visits = SiteVisit.objects.public().filter(province=data["province"])
            trips = trips.filter(pk__in=visits.values("trip_id"))
        if data["tag"]:
            trips = trips.filter(tags__slug=data["tag"])
        if data["organizer"]:
            trips = trips.filter(organizer_id=data["organizer"])
        return trips


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False)
    unit = forms.TypedChoiceField(label=_("responsible unit"), required=False, coerce=int)
    trip = forms.TypedChoiceField(label=_("trip"), required=False, coerce=int)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)

    default_renderer = form_renderer

    def __init__(self, data, *, actions):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + list(ActionItem.Status.choices)
        units = (
            actions.values_list("owner_organization_id", "owner_organization__name")
            .order_by("owner_organization__name")
            .distinct()
        )
        self.fields["unit"].choices = everything + list(units)
        trips = actions.values_list("trip_id", "trip__title").order_by("trip__title").distinct()
        self.fields["trip"].choices = everything + list(trips)

    def filter(self, actions):
        if not self.is_valid():
            return actions
        data = self.cleaned_data
        if data["status"]:
            actions = actions.filter(status=data["status"])
        if data["unit"]:
            actions = actions.filter(owner_organization_id=data["unit"])
        if data["trip"]:
            actions = actions.filter(trip_id=data["trip"])
        if data["overdue"]:
            actions = actions.overdue()
        return actions


class ReviewActionFilterForm(ActionFilterForm):
    """The public board's filters, plus the three-colour warning."""

    warning = forms.ChoiceField(label=_("warning"), required=False)
    attention = forms.ChoiceField(label=_("needs"), required=False)
    field_order = ["warning", "attention", "status", "unit", "trip", "overdue"]

    def __init__(self, data, *, actions):
        super().__init__(data, actions=actions)
        self.fields["warning"].choices = [("", _("All")), *ActionItem.Warning.choices]
        self.fields["attention"].choices = [("", _("All")), *ActionItem.Attention.choices]

    def filter(self, actions):
        actions = super().filter(actions)
        if self.is_valid() and self.cleaned_data["warning"]:
            actions = actions.filter(warning=self.cleaned_data["warning"])
        if self.is_valid() and self.cleaned_data["attention"]:
            actions = actions.needing(self.cleaned_data["attention"])
        return actions
