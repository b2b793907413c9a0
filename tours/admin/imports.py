"""Import a sheet into a trip from its admin page: upload → preview → confirm.

The preview carries the table it read as a signed, compressed, time-limited payload
bound to the user, the trip and the kind of sheet: nothing is kept on the server between
the two steps (any app server can take the confirmation), nothing can be slipped in, and
the confirmation plans again against the database as it then is.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tours.exports.files import XLSX_TYPE, attachment
from tours.exports.sheet_template import build_template
from tours.models import Trip
from tours.scope import scoped
from tours.services import can_import_sheet, import_sheet, preview_sheet
from tours.sheets import SHEETS, Table, read_sheet

PAYLOAD_MAX_AGE = 60 * 60  # an hour from upload to confirmation


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "An .xlsx workbook or a .csv file (UTF-8 or GBK, as Excel and WPS save them)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, sheet, **kwargs):
        self.sheet = sheet
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.table = read_sheet(upload, self.sheet)  # its ValidationError lands on the field
        return upload


def _salt(request, trip, sheet) -> str:
    return f"tours.sheet-import:{request.user.pk}:{trip.pk}:{sheet}"


def sign_table(request, trip, sheet, table: Table) -> str:
    return signing.dumps(table.to_payload(), salt=_salt(request, trip, sheet), compress=True)


def unsign_table(request, trip, sheet, payload: str) -> Table:
    try:
        data = signing.loads(payload, salt=_salt(request, trip, sheet), max_age=PAYLOAD_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("The preview has expired; upload the file again.")) from None
    except signing.BadSignature:
        raise ValidationError(
            _("The preview could not be verified; upload the file again.")
        ) from None
    return Table.from_payload(data)


class SheetImportViews:
    """Admin views mixed into the trip's ModelAdmin."""

    def import_sheet_view(self, request, object_id, sheet):
        if sheet not in SHEETS:
            raise Http404
        trip = get_object_or_404(scoped(Trip.objects.all(), request.user), pk=object_id)
        if not (
            self.has_change_permission(request, trip) and can_import_sheet(request.user, sheet)
        ):
            raise PermissionDenied
        importer = SHEETS[sheet]
        context = {
            "trip": trip,
            "sheet": sheet,
            "sheet_title": importer.title,
            "sheet_rules": importer.rules,
        }
        form = SheetUploadForm(sheet=sheet)
        if request.method == "POST" and "payload" in request.POST:
            return self._confirm(request, trip, sheet, context)
        if request.method == "POST":
            form = SheetUploadForm(request.POST, request.FILES, sheet=sheet)
            if form.is_valid():
                preview = preview_sheet(trip=trip, user=request.user, sheet=sheet, table=form.table)
                context |= {
                    "preview": preview,
                    "payload": sign_table(request, trip, sheet, form.table),
                    "file_name": form.cleaned_data["file"].name,
                }
        return self._render(request, context | {"form": form})

    def _confirm(self, request, trip, sheet, context):
        try:
            table = unsign_table(request, trip, sheet, request.POST["payload"])
        except ValidationError as invalid:
            messages.error(request, invalid.messages[0])
            return redirect(request.path)
        try:
            preview = import_sheet(trip=trip, user=request.user, sheet=sheet, table=table)
        except ValidationError:
            # Something changed since the preview: show the problems as they now stand.
            preview = preview_sheet(trip=trip, user=request.user, sheet=sheet, table=table)
            context |= {"preview": preview, "payload": request.POST["payload"]}
            return self._render(request, context | {"form": SheetUploadForm(sheet=sheet)})
        messages.success(
            request,
            _(
                "Imported the %(sheet)s: %(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % {
                "sheet": SHEETS[sheet].title,
                "created": preview.created,
                "updated": preview.updated,
                "unchanged": preview.unchanged,
            },
        )
        return redirect(reverse("admin:tours_trip_change", args=[trip.pk]))

    def _render(self, request, context):
        trip = context["trip"]
        context |= {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": trip,
            "title": _("Import the %(sheet)s of “%(trip)s”")
            % {"sheet": context["sheet_title"], "trip": trip},
        }
        return TemplateResponse(request, "admin/tours/trip/import_sheet.html", context)

    def sheet_template_view(self, request, sheet):
        if sheet not in SHEETS:
            raise Http404
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        name = _("%(sheet)s template") % {"sheet": SHEETS[sheet].title}
        return attachment(build_template(sheet), f"{name}.xlsx", XLSX_TYPE)
