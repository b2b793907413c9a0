"""Admin building blocks shared by the trip page and the pages of its parts."""

from itertools import islice
from urllib.parse import parse_qs, urlsplit

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseInlineFormSet, BaseModelFormSet, Textarea
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.forms import extend_form
from common.history import HistoryAdmin
from people.names import ACCOUNT_PERSON, person_name
from tours.models import Trip
from tours.page_versions import PartPage, StalePageForm, TripPage
from tours.scope import scoped

# Foreign keys that may only point at rows of the same trip.
TRIP_SCOPED_FIELDS = (
    "site_visit",
    "takeaway",
    "source_instruction",
    "source_takeaways",
    "member",
)

COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 36})}}

# A part with more rows than this is edited on its own list, a page at a time, instead of
# on the trip's page: that page stays quick to open, and a save of it stays within
# DATA_UPLOAD_MAX_NUMBER_FIELDS however many rows the sheet importers add.
INLINE_MAX_ROWS = 200


class PrefetchedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete picker that can render its selected option from known labels.

    Django's picker looks up its selected object with one query per row; on a trip
    with 150 takeaways that is 150 queries. A formset fills `known_labels` once.
    """

    known_labels = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known_labels is None or not set(selected) <= self.known_labels.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in selected:
            options.append(
                self.create_option(name, pk, self.known_labels[pk], selected, len(options))
            )
        return [(None, options, 0)]


class AutocompleteMixin:
    """Use the prefetching picker for every autocomplete foreign key."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PrefetchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _inner_widget(field):
    return getattr(field.widget, "widget", field.widget)


class TripInlineFormSet(BaseInlineFormSet):
    """Renders up to INLINE_MAX_ROWS rows in a constant number of queries.

    Pickers take their labels from objects the rows already joined (or one bulk
    query), and pickers of the trip's own visits share one list of choices. Past
    INLINE_MAX_ROWS the formset has no rows (`too_long`); the page links to the list.
    """

    def __init__(self, *args, **kwargs):
        self._labels = {}
        self._scoped_choices = {}
        super().__init__(*args, **kwargs)
        self.get_queryset()

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            rows = super().get_queryset()
            # One query for a part that fits: its rows, fetched up to one past the limit.
            head = rows[: INLINE_MAX_ROWS + 1]
            if len(head) > INLINE_MAX_ROWS:
                self.total_rows, self._queryset = rows.count(), rows.none()
            else:
                self.total_rows, self._queryset = len(head), head
        return self._queryset

    @property
    def too_long(self) -> bool:
        return self.total_rows > INLINE_MAX_ROWS

    @property
    def list_query(self) -> str:
        """The query string of the part's admin list that shows this trip's rows."""
        return urlencode({f"{self.fk.name}__id__exact": self.instance.pk})

    @property
    def add_query(self) -> str:
        """The query string of the part's add page that fills in this trip."""
        return urlencode({self.fk.name: self.instance.pk})

    def clean(self):
        super().clean()
        if self.too_long and self.initial_form_count():
            # The page was opened with the rows shown; they are no longer part of the form.
            raise ValidationError(
                gettext(
                    "Since this page was opened, the %(name)s have grown past %(limit)d rows "
                    "and are now edited on their own list; reload the page."
                )
                % {"name": self.model._meta.verbose_name_plural, "limit": INLINE_MAX_ROWS}
            )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i < self.initial_form_count():
            # A row the editor did not touch is saved as it is, so it is not validated
            # again either: on a trip of 150 takeaways that was 450 queries a save.
            form.empty_permitted = True
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            widget = _inner_widget(field)
            if isinstance(widget, PrefetchedAutocompleteSelect):
                widget.known_labels = self._labels_for(name, field)
            elif name in TRIP_SCOPED_FIELDS:
                field.queryset = scoped_queryset(field.queryset, self.instance)
                if name == "site_visit":
                    field.label_from_instance = name_first
                widget.choices = self._scoped_choices_for(name, field)

    def get_unique_error_message(self, unique_check):
        # Name the fields as the page labels them, not by their code names.
        labels = [
            str(self.model._meta.get_field(name).verbose_name)
            for name in unique_check
            if name != self.fk.name
        ]
        return super().get_unique_error_message(labels)

    def _scoped_choices_for(self, name, field):
        """The trip's rows a picker offers, listed once for all the formset's pickers.

        Past INLINE_MAX_ROWS (an imported itinerary may have thousands of visits) the
        pickers offer only what the rows already point at; the row's own page offers all.
        """
        if name not in self._scoped_choices:
            # iter(): list() would first ask the choices for len(), a COUNT query;
            # islice(): read no further than one row past the limit.
            choices = list(islice(iter(field.choices), INLINE_MAX_ROWS + 2))
            too_many = sum(value != "" for value, _label in choices) > INLINE_MAX_ROWS
            self._scoped_choices[name] = None if too_many else choices
        if self._scoped_choices[name] is not None:
            return self._scoped_choices[name]
        field.help_text = gettext(
            "This trip has too many %(name)s to offer them all here: pick one on the row's "
            "own page."
        ) % {"name": field.queryset.model._meta.verbose_name_plural}
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        return [*empty, *self._labels_for(name, field).items()]

    def _labels_for(self, name, field):
        if name not in self._labels:
            labels, missing = {}, set()
            for row in self.get_queryset():
                pk = getattr(row, f"{name}_id")
                if pk is None:
                    continue
                related = row._state.fields_cache.get(name)
                if related is None:
                    missing.add(pk)
                else:
                    labels[str(pk)] = field.label_from_instance(related)
            if missing:
                for obj in field.queryset.filter(pk__in=missing):
                    labels[str(obj.pk)] = field.label_from_instance(obj)
            self._labels[name] = labels
        return self._labels[name]


def name_first(visit) -> str:
    """A visit as a narrow picker on the trip page shows it: its name is what tells the
    visits of one day apart, so it comes before the date."""
    return f"{visit.name}（{formats.date_format(visit.date, 'SHORT_DATE_FORMAT')}）"


def scoped_queryset(queryset, trip):
    """Limit a picker to rows of `trip` (none while the trip is being added)."""
    if trip is None or trip.pk is None:
        return queryset.none()
    return queryset.filter(trip=trip)


# Who created a row, on the models that record it.
CREATOR_FIELDS = {"actionitem": "created_by"}


def stamp_creator(obj, user):
    field = CREATOR_FIELDS.get(obj._meta.model_name)
    if field and obj.pk is None and getattr(obj, f"{field}_id") is None:
        setattr(obj, field, user)


class StampCreatorMixin:
    """Record the signed-in user as the creator of new rows, on the page and its inlines."""

    def save_model(self, request, obj, form, change):
        stamp_creator(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            stamp_creator(obj, request.user)
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class DepartmentScopeMixin:
    """Staff see and change only their department's trips and the records of those trips
    (tours.scope); another department's answer 404, as if they did not exist."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def history_in_scope(self, request, versions):
        return scoped(versions, request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index, saying the record does not exist; one outside
        # the scope is answered the way a missing one is everywhere else: 404.
        raise Http404


class TripLockMixin:
    """An archived trip and everything in it is read-only."""

    def _trip_of(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, Trip) else obj.trip

    def _locked(self, obj):
        trip = self._trip_of(obj)
        return trip is not None and trip.is_locked

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class StalePageGuardMixin:
    """A change page saved after someone else's change to what it shows is refused
    (tours.page_versions); needs TripLockMixin's `_trip_of`."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        return extend_form(form, StalePageForm, page=self._page(request, obj))

    def _page(self, request, obj):
        if isinstance(obj, Trip):
            return TripPage(obj.pk)
        related = []
        for inline in self.get_inline_instances(request, obj):
            fk = next(f for f in inline.model._meta.fields if f.related_model is self.model)
            related.append(inline.model.history.filter(**{fk.attname: obj.pk}))
        return PartPage(obj, trip_id=self._trip_of(obj).pk, related=related)


class WorkflowFieldsMixin:
    """Shows a model's WORKFLOW_FIELDS read-only: only the services change them.

    A read-only link to an account (提交人, 审阅人, 创建人, 填报人) shows the account's person
    (people.names), not its user name: the page and the list show `<field>_person` in its
    place, while the field itself stays read-only, so it never becomes editable.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in _account_fields(self.model):
            setattr(self, _as_person(field.name), self._person_display(field))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        readonly += [f for f in getattr(self.model, "WORKFLOW_FIELDS", ()) if f not in readonly]
        accounts = {field.name for field in _account_fields(self.model)}
        return readonly + [_as_person(name) for name in readonly if name in accounts]

    def get_fields(self, request, obj=None):
        return self._shown_as_persons(request, obj, super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        readonly = self._readonly_accounts(request, obj)
        if not readonly:
            return super().get_fieldsets(request, obj)
        return [
            (title, {**options, "fields": _replaced(options["fields"], readonly)})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_list_display(self, request):
        accounts = {field.name for field in _account_fields(self.model)}
        return [
            _as_person(name) if isinstance(name, str) and name in accounts else name
            for name in super().get_list_display(request)
        ]

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)
        if related is True or related is False:
            return related
        accounts = {field.name for field in _account_fields(self.model)}
        return [f"{name}__{ACCOUNT_PERSON}" if name in accounts else name for name in related]

    def _readonly_accounts(self, request, obj):
        accounts = {field.name for field in _account_fields(self.model)}
        return accounts & set(super().get_readonly_fields(request, obj)) | (
            accounts & set(getattr(self.model, "WORKFLOW_FIELDS", ()))
        )

    def _shown_as_persons(self, request, obj, fields):
        readonly = self._readonly_accounts(request, obj)
        return _replaced(fields, readonly) if readonly else fields

    def _person_display(self, field):
        empty = self.get_empty_value_display()

        def person(obj):
            pk = getattr(obj, field.attname, None)
            if pk is None:
                return empty
            user = obj._state.fields_cache.get(field.name)
            if user is None or ACCOUNT_PERSON not in user._state.fields_cache:
                # One query, as str(user) cost before, with the person along.
                user = get_user_model().objects.select_related(ACCOUNT_PERSON).get(pk=pk)
            return person_name(user)

        person.short_description = field.verbose_name
        person.admin_order_field = field.name
        return person


def _account_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is get_user_model()
    ]


def _as_person(name: str) -> str:
    return f"{name}_person"


def _replaced(fields, names):
    """`fields` (a fieldset's list, rows as tuples) with each of `names` shown as its person,
    each once."""
    shown, seen = [], set()
    for field in fields:
        if isinstance(field, tuple | list):
            row = tuple(_as_person(f) if f in names else f for f in field)
            row = tuple(f for f in row if f not in seen)
            seen.update(row)
            if row:
                shown.append(row)
            continue
        name = _as_person(field) if field in names else field
        if name not in seen:
            seen.add(name)
            shown.append(name)
    return shown


class TripPartInline(AutocompleteMixin, WorkflowFieldsMixin, TripLockMixin, admin.TabularInline):
    """A tabular inline on the trip page; long fields are edited on the row's own page."""

    formset = TripInlineFormSet
    template = "admin/tours/edit_inline/tabular.html"
    formfield_overrides = COMPACT_TEXT
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Rows stay one line high: a picker in a row has no add/change/view buttons.
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field


class LockedRowsFormSet(BaseModelFormSet):
    """The editable rows of a part's list: rows of an archived trip are shown, not changed."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is not None and form.instance.trip.is_locked:
            for name in form._meta.fields:
                form.fields[name].disabled = True


class AdminStyleMixin:
    class Media:
        css = {"all": ["css/admin.css"]}


def back_url(request) -> str | None:
    """The page this one was opened from (`?next=`, e.g. the trip page's section), if it
    is a page of this site."""
    url = request.GET.get("next", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def with_next(url: str, back: str | None) -> str:
    """`url` carrying the way back (`?next=back`), unless it has one already or there is none."""
    if not back:
        return url
    location = urlsplit(url)
    query = parse_qs(location.query)
    if "next" in query:
        return url
    query["next"] = [back]
    return location._replace(query=urlencode(query, True)).geturl()


class ReturnToPageMixin:
    """A row's own page opened from the trip page goes back there when saved or deleted;
    its other buttons (save and continue, save and add another) and the pages it leads
    to (the delete confirmation, the history and its versions) keep the way back."""

    STAYING = ("_continue", "_addanother", "_saveasnew")
    object_history_template = "admin/tours/part_history.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["back_url"] = back_url(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        context["back_url"] = back_url(request)
        return super().render_delete_form(request, context)

    def history_view(self, request, object_id, extra_context=None):
        context = {"back_url": back_url(request), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A version's page: its links to the record and to the history keep the way back.
        back = back_url(request)
        context = {"back_url": back, **(extra_context or {})}
        if back:
            opts = self.model._meta
            info = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
            context["change_url"] = with_next(reverse(f"{info}_change", args=[object_id]), back)
            context["history_url"] = with_next(reverse(f"{info}_history", args=[object_id]), back)
        return super().history_form_view(request, object_id, version_id, context)

    def response_add(self, request, obj, post_url_continue=None):
        return self._back(request, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._back(request, super().response_change(request, obj))

    def response_delete(self, request, obj_display, obj_id):
        return self._back(request, super().response_delete(request, obj_display, obj_id))

    def _back(self, request, response):
        back = back_url(request)
        if back is None or IS_POPUP_VAR in request.POST:
            return response
        if not isinstance(response, HttpResponseRedirect):
            return response
        if any(key in request.POST for key in self.STAYING):
            response["Location"] = with_next(response["Location"], back)
            return response
        return HttpResponseRedirect(back)


class TripPartAdmin(
    ReturnToPageMixin,
    AdminStyleMixin,
    StampCreatorMixin,
    AutocompleteMixin,
    WorkflowFieldsMixin,
    TripLockMixin,
    StalePageGuardMixin,
    DepartmentScopeMixin,
    HistoryAdmin,
):
    """The own page of a trip's part: its trip-scoped pickers list that trip's rows only.

    When adding, the trip comes from `?trip=<id>` (the trip page links that way); without
    it the trip-scoped pickers stay hidden until the row is saved.
    """

    autocomplete_fields = ["trip"]
    list_select_related = ["trip"]
    list_per_page = 50

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        trip = self._trip_of(obj) if obj else self._trip_from_query(request)
        for name in TRIP_SCOPED_FIELDS:
            if name in form.base_fields:
                if trip is None:
                    del form.base_fields[name]
                else:
                    field = form.base_fields[name]
                    field.queryset = scoped_queryset(field.queryset, trip)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and self._trip_from_query(request) is None:
            fieldsets = [
                (title, {**options, "fields": _without_scoped(options["fields"])})
                for title, options in fieldsets
            ]
        return fieldsets

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=LockedRowsFormSet, **kwargs)

    def _trip_from_query(self, request):
        trip_id = request.GET.get("trip", "")
        if not trip_id.isdigit():
            return None
        return scoped(Trip.objects.filter(pk=trip_id), request.user).first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "trip":
            # Nothing may be added to an archived trip, nor to another department's.
            trips = Trip.objects.exclude(status=Trip.Status.ARCHIVED)
            kwargs["queryset"] = scoped(trips, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _without_scoped(fields):
    kept = []
    for field in fields:
        if isinstance(field, tuple | list):
            row = tuple(f for f in field if f not in TRIP_SCOPED_FIELDS)
            if row:
                kept.append(row)
        elif field not in TRIP_SCOPED_FIELDS:
            kept.append(field)
    return kept


class YearListFilter(admin.SimpleListFilter):
    """Filter by the year of a date field, offering only the years that occur."""

    title = _("year")
    parameter_name = "year"
    date_field = "start_date"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates(self.date_field, "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.date_field}__year": int(self.value())})
        return queryset


class TripListFilter(admin.SimpleListFilter):
    """The rows of one trip, as the trip page links to them; shown only while filtering,
    since a list of every trip would outgrow the sidebar."""

    title = _("trip")
    parameter_name = "trip__id__exact"

    def lookups(self, request, model_admin):
        if not (self.value() or "").isdigit():
            return []
        return list(Trip.objects.filter(pk=self.value()).values_list("pk", "title"))

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(trip_id=int(self.value()))
        return queryset
