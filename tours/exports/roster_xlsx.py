"""The delegation's roster (花名册) for staff, phones included: never public.

Its columns are the roster import's, so a roster exported, corrected and imported again
updates the delegation instead of adding to it.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from tours.sheets.roster import RosterImporter

from .files import column_width, workbook_bytes

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def build_roster(trip) -> bytes:
    """The trip's members in their order as .xlsx bytes: 序号 and the import's columns."""
    members = trip.members.select_related("participant", "organization").order_by("order", "id")
    with translation.override("zh-hans"):
        header = [_("No."), *(c.header for c in RosterImporter.columns)]
        rows = [
            [
                n,
                m.participant.name,
                m.participant.get_gender_display(),
                getattr(m.organization, "name", ""),
                m.title,
                m.get_role_display(),
                m.participant.phone,
                m.note,
            ]
            for n, m in enumerate(members, start=1)
        ]
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Roster")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.border = BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            # Text, so a phone number stays a phone number when Excel opens the file.
            cell.number_format = "@" if cell.column > 1 else "0"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for index, values in enumerate(zip(header, *rows, strict=True), start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = column_width(values)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    return workbook_bytes(workbook)
