"""Office files from the admin: sheet imports, the staff's Word report, the roster with
phones, the compiled booklet and the action ledger."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from tours.exports.booklet_docx import build_booklet_docx
from tours.exports.files import DOCX_TYPE, XLSX_TYPE, attachment
from tours.exports.ledger_xlsx import build_ledger
from tours.exports.report_docx import build_report_docx, report_title
from tours.exports.roster_xlsx import build_roster
from tours.models import Trip
from tours.reports import build_report
from tours.scope import scoped
from tours.services import can_import_sheet
from tours.sheets import SHEETS

from .imports import SheetImportViews

ROSTER_PERMISSIONS = ("tours.view_tripmember", "people.view_participant")


class BookletForm(forms.Form):
    tag = forms.ModelChoiceField(
        label=gettext_lazy("Tag"),
        queryset=Tag.objects.order_by("name"),
        help_text=gettext_lazy(
            "Featured quotes and accepted reflections of every trip or takeaway with this tag."
        ),
    )


class TripOfficeMixin(SheetImportViews):
    """Buttons and pages on the trip admin for the office files."""

    actions = ["compile_booklet"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/import/<str:sheet>/",
                view(self.import_sheet_view),
                name="tours_trip_import_sheet",
            ),
            path(
                "import/<str:sheet>/template.xlsx",
                view(self.sheet_template_view),
                name="tours_trip_sheet_template",
            ),
            path("<path:object_id>/roster.xlsx", view(self.roster_view), name="tours_trip_roster"),
            path("<path:object_id>/report.docx", view(self.report_view), name="tours_trip_report"),
            path("booklet/", view(self.booklet_view), name="tours_trip_booklet"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "office_links": self._office_links(request, object_id),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _office_links(self, request, object_id):
        if not str(object_id).isdigit():
            return []
        links = []
        if self.has_change_permission(request):
            for sheet, importer in SHEETS.items():
                if can_import_sheet(request.user, sheet):
                    links.append(
                        {
                            "url": reverse(
                                "admin:tours_trip_import_sheet", args=[object_id, sheet]
                            ),
                            "label": _("Import the %(sheet)s") % {"sheet": importer.title},
                        }
                    )
        if request.user.has_perms(ROSTER_PERMISSIONS):
            links.append(
                {
                    "url": reverse("admin:tours_trip_roster", args=[object_id]),
                    "label": _("Roster (.xlsx)"),
                }
            )
        links.append(
            {
                "url": reverse("admin:tours_trip_report", args=[object_id]),
                "label": _("Report (.docx)"),
            }
        )
        return links

    def _trip(self, request, object_id):
        trips = scoped(Trip.objects.select_related("organizer"), request.user)
        trip = get_object_or_404(trips, pk=object_id)
        if not self.has_view_or_change_permission(request, trip):
            raise PermissionDenied
        return trip

    def roster_view(self, request, object_id):
        """The roster with phones: staff who may see people's details only."""
        trip = self._trip(request, object_id)
        if not request.user.has_perms(ROSTER_PERMISSIONS):
            raise PermissionDenied
        name = _("Roster of %(trip)s") % {"trip": trip.title}
        return attachment(build_roster(trip), f"{name}.xlsx", XLSX_TYPE)

    def report_view(self, request, object_id):
        """The staff's full report: drafts and unpublished rows included, never phones."""
        trip = self._trip(request, object_id)
        report = build_report(trip, internal=True)
        content = build_report_docx(report, internal=True)
        return attachment(content, f"{report_title(trip, report.destinations)}.docx", DOCX_TYPE)

    @admin.action(description=gettext_lazy("Compile the selected trips into a booklet (.docx)"))
    def compile_booklet(self, request, queryset):
        return self._booklet(build_booklet_docx(trips=queryset))

    def booklet_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        form = BookletForm(request.GET or None)
        if form.is_valid():
            tag = form.cleaned_data["tag"]
            title = _("Collected reflections on “%(tag)s”") % {"tag": tag.name}
            trips = scoped(Trip.objects.all(), request.user)
            return self._booklet(build_booklet_docx(trips=trips, tag=tag, title=title))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Compile a booklet by tag"),
        }
        return TemplateResponse(request, "admin/tours/trip/booklet.html", context)

    @staticmethod
    def _booklet(content: bytes):
        name = _("Booklet %(date)s") % {"date": timezone.localdate().isoformat()}
        return attachment(content, f"{name}.docx", DOCX_TYPE)


class ActionLedgerMixin:
    """The ledger from the action item list: of the selection, or of everything filtered."""

    actions = ["export_ledger"]

    def get_urls(self):
        return [
            path(
                "ledger.xlsx",
                self.admin_site.admin_view(self.ledger_view),
                name="tours_actionitem_ledger",
            ),
            *super().get_urls(),
        ]

    def ledger_view(self, request):
        """Everything the list shows with its current filters and search."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._ledger(changelist.get_queryset(request))

    @admin.action(description=gettext_lazy("Download the ledger of the selected items (.xlsx)"))
    def export_ledger(self, request, queryset):
        return self._ledger(queryset)

    @staticmethod
    def _ledger(actions):
        name = _("Action ledger %(date)s") % {"date": timezone.localdate().isoformat()}
        return attachment(build_ledger(actions), f"{name}.xlsx", XLSX_TYPE)
