"""The trip page's photo tools: a bulk upload and a grid of the photos by site visit."""

from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from tours.imaging import display_name, process_photo, validate_image_upload
from tours.models import Photo, SiteVisit, Trip
from tours.scope import scoped
from tours.services import add_photo, arrange_photos, assign_photos_by_time, set_cover_photo
from tours.services.photos import check_can_edit_photos, stored_files

from .base import TripPartAdmin


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Any number of files; each is judged on its own when it is added."""

    widget = MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        files = [file for file in (data or []) if file]
        if not files:
            raise ValidationError(_("Choose the photos to upload."), code="required")
        return files


class PhotoUploadForm(forms.Form):
    files = MultipleImageField(label=gettext_lazy("Photos"))


class PhotoGridForm(forms.Form):
    """One photo's card in the grid."""

    photo = forms.IntegerField(widget=forms.HiddenInput)
    visit = forms.TypedChoiceField(
        label=gettext_lazy("site visit"), coerce=int, empty_value=None, required=False
    )
    caption = forms.CharField(label=gettext_lazy("caption"), max_length=200, required=False)
    is_public = forms.BooleanField(label=gettext_lazy("public"), required=False)

    def __init__(self, *args, visit_choices, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].choices = visit_choices
        for form_field in self.fields.values():
            form_field.disabled = disabled


# A card has five fields; 4,000 cards stay under DATA_UPLOAD_MAX_NUMBER_FIELDS.
PhotoGridFormSet = forms.formset_factory(PhotoGridForm, extra=0, max_num=4000, absolute_max=4000)


def visit_label(visit: SiteVisit) -> str:
    when = formats.date_format(visit.date, "SHORT_DATE_FORMAT")
    if visit.start_time:
        when += " " + formats.time_format(visit.start_time, "H:i")
    label = f"{when} {visit.name}"
    return label if visit.is_public else _("%(visit)s (not public)") % {"visit": label}


@dataclass
class UploadResult:
    name: str
    photo: Photo | None = None
    errors: list = field(default_factory=list)

    def as_json(self) -> dict:
        data = {"name": self.name, "ok": self.photo is not None, "errors": self.errors}
        if self.photo is not None:
            data["thumb"] = self.photo.thumb.url
        return data


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class TripPhotosMixin:
    """Adds the photo tools to the trip's admin page, under the trip's own URL."""

    change_form_template = "admin/tours/trip/change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/photos/",
                self.admin_site.admin_view(self.photo_grid_view),
                name="tours_trip_photos",
            ),
            path(
                "<path:object_id>/photos/upload/",
                self.admin_site.admin_view(self.photo_upload_view),
                name="tours_trip_photos_upload",
            ),
            path(
                "<path:object_id>/photos/assign/",
                self.admin_site.admin_view(require_POST(self.photo_assign_view)),
                name="tours_trip_photos_assign",
            ),
            *super().get_urls(),
        ]

    def _trip_for(self, request, object_id) -> Trip:
        """The trip, if this user may see it; 404 otherwise, so existence doesn't leak."""
        trips = scoped(Trip.objects.all(), request.user)
        trip = trips.filter(pk=object_id).first() if object_id.isdigit() else None
        if trip is None or not self.has_view_or_change_permission(request, trip):
            raise Http404
        return trip

    def _context(self, request, trip, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": trip,
            "trip": trip,
            "title": title,
            "subtitle": trip.title,
            **extra,
        }

    def photo_upload_view(self, request, object_id):
        """Many files at once; each is kept or refused on its own, with the reason."""
        trip = self._trip_for(request, object_id)
        check_can_edit_photos(request.user, trip, "tours.add_photo")
        posted = request.method == "POST"
        form = PhotoUploadForm(request.POST, request.FILES) if posted else PhotoUploadForm()
        results, assignment = [], None
        if posted:
            if not form.is_valid():
                if wants_json(request):
                    return JsonResponse({"errors": form.errors["files"]}, status=400)
            else:
                files = form.cleaned_data["files"]
                results = [self._add(trip, file, request.user) for file in files]
                if wants_json(request):
                    return JsonResponse({"results": [r.as_json() for r in results]})
                assignment = assign_photos_by_time(trip=trip, user=request.user)
        return TemplateResponse(
            request,
            "admin/tours/trip/photo_upload.html",
            self._context(
                request,
                trip,
                _("Upload photos in bulk"),
                form=form,
                results=results,
                added=sum(r.photo is not None for r in results),
                assignment=assignment,
                assignment_message=assignment and self._assignment_message(assignment),
            ),
        )

    def _add(self, trip, file, user) -> UploadResult:
        result = UploadResult(name=display_name(file))
        try:
            result.photo = add_photo(trip=trip, file=file, user=user)
        except ValidationError as error:
            result.errors = error.messages
        return result

    def photo_assign_view(self, request, object_id):
        trip = self._trip_for(request, object_id)
        assignment = assign_photos_by_time(trip=trip, user=request.user)
        message = self._assignment_message(assignment)
        if wants_json(request):
            return JsonResponse(
                {
                    "assigned": assignment.assigned,
                    "unassigned": assignment.unassigned,
                    "message": message,
                }
            )
        messages.success(request, message)
        return redirect("admin:tours_trip_photos", trip.pk)

    @staticmethod
    def _assignment_message(assignment) -> str:
        message = ngettext(
            "%(count)d photo was put on its site visit by the time it was taken.",
            "%(count)d photos were put on their site visits by the time they were taken.",
            assignment.assigned,
        ) % {"count": assignment.assigned}
        if assignment.unassigned:
            message += " " + ngettext(
                "%(count)d photo was taken on a day without site visits; place it by hand.",
                "%(count)d photos were taken on days without site visits; place them by hand.",
                assignment.unassigned,
            ) % {"count": assignment.unassigned}
        return message

    def photo_grid_view(self, request, object_id):
        """The trip's photos grouped by site visit: move, caption, publish, choose a cover."""
        trip = self._trip_for(request, object_id)
        user = request.user
        if not (user.has_perm("tours.view_photo") or user.has_perm("tours.change_photo")):
            raise PermissionDenied
        can_edit = user.has_perm("tours.change_photo") and not trip.is_locked
        can_choose_cover = can_edit and user.has_perm("tours.change_trip")
        photos = list(trip.photos.order_by(F("taken_at").asc(nulls_last=True), "id"))
        visits = list(trip.site_visits.all())
        formset = PhotoGridFormSet(
            request.POST if request.method == "POST" else None,
            initial=[
                {
                    "photo": p.pk,
                    "visit": p.site_visit_id,
                    "caption": p.caption,
                    "is_public": p.is_public,
                }
                for p in photos
            ],
            form_kwargs={
                "visit_choices": [("", _("Not on a site visit"))]
                + [(v.pk, visit_label(v)) for v in visits],
                "disabled": not can_edit,
            },
        )
        if request.method == "POST":
            if not can_edit:
                raise PermissionDenied
            response = self._save_grid(request, trip, formset, photos, visits, can_choose_cover)
            if response is not None:
                return response
        return TemplateResponse(
            request,
            "admin/tours/trip/photo_grid.html",
            self._context(
                request,
                trip,
                _("Photos by site visit"),
                groups=self._groups(formset, photos, visits),
                formset=formset,
                photo_count=len(photos),
                can_edit=can_edit,
                can_choose_cover=can_choose_cover,
                can_upload=user.has_perm("tours.add_photo") and not trip.is_locked,
            ),
        )

    def _save_grid(self, request, trip, formset, photos, visits, can_choose_cover):
        if not formset.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return None
        by_id = {v.pk: v for v in visits}
        own = {p.pk: p for p in photos}
        changes = {}
        for form in formset.forms:
            data = form.cleaned_data
            changes[data["photo"]] = {
                "site_visit": by_id.get(data["visit"]),
                "caption": data["caption"],
                "is_public": data["is_public"],
            }
        try:
            changed = arrange_photos(trip=trip, user=request.user, changes=changes)
            if can_choose_cover and "cover" in request.POST:
                cover = request.POST["cover"]
                set_cover_photo(
                    trip=trip,
                    user=request.user,
                    photo=own.get(int(cover)) if cover.isdigit() else None,
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return None
        messages.success(
            request,
            ngettext("%(count)d photo changed.", "%(count)d photos changed.", changed)
            % {"count": changed},
        )
        cover = Photo.objects.filter(pk=trip.cover_photo_id).visible().first()
        if trip.cover_photo_id and cover is None:
            messages.warning(
                request,
                _("The cover photo is not public, so lists of trips show no cover."),
            )
        return redirect(request.path)

    @staticmethod
    def _groups(formset, photos, visits):
        """Cards grouped by the visit each photo is on now; unplaced photos first.

        A card is matched to its photo by the id it carries, not by its position: photos
        uploaded while the page was open must not shift the cards onto the wrong photos.
        """
        own = {str(p.pk): p for p in photos}
        rows = {}
        for form in formset.forms:
            photo = own.get(str(form["photo"].value()))
            if photo is not None:
                rows.setdefault(photo.site_visit_id, []).append((form, photo))
        groups = []
        if None in rows:
            groups.append({"visit": None, "rows": rows[None]})
        groups.extend({"visit": v, "rows": rows[v.pk]} for v in visits if v.pk in rows)
        return groups


@admin.register(Photo)
class PhotoAdmin(TripPartAdmin):
    """One photo's own page. A new photo goes through the same pipeline as a bulk upload;
    an existing photo's file cannot be replaced (delete it and upload again)."""

    list_display = ["preview", "__str__", "trip", "site_visit", "taken_at", "is_public"]
    list_display_links = ["preview", "__str__"]
    list_filter = ["is_public", "trip__status"]
    search_fields = ["caption", "photographer", "trip__title"]
    list_select_related = ["trip", "site_visit"]
    readonly_fields = ["preview", "width", "height"]
    fields = [
        "trip",
        "site_visit",
        "image",
        "preview",
        "caption",
        "photographer",
        "taken_at",
        ("width", "height"),
        "order",
        "is_public",
    ]

    class Media:
        css = {"all": ["css/admin-photos.css"]}

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != ("preview" if obj is None else "image")]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            return forms.FileField(
                label=db_field.verbose_name,
                validators=[validate_image_upload],
                widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                help_text=_("JPEG, PNG or WebP, at most 20 MB and 40 megapixels."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # What the form put in `image` is the raw upload, EXIF and all: store the
        # processed files instead.
        with stored_files(obj, process_photo(form.cleaned_data["image"])):
            super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, obj):
        if obj is None or not obj.image:
            return ""
        thumb = obj.thumb
        return format_html(
            '<a href="{}"><img class="photo-preview" src="{}" width="{}" height="{}" alt=""></a>',
            obj.large.url,
            thumb.url,
            thumb.width or "",
            thumb.height or "",
        )
