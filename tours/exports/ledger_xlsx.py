"""The action ledger (督查督办台账) as an Excel workbook.

`build_ledger(actions)` takes any ActionItem queryset, so the admin (its changelist's
filters) and the leaders' review desk (its own filters) export exactly what they show.
Columns are a list of `LedgerColumn`s: adding the three-colour warning is one more entry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tours.models import ActionItem, Takeaway

from .files import row_height, workbook_bytes
from .gongwen import chinese_date

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"
TITLE_ROW, DATE_ROW, HEADER_ROW = 1, 2, 3


@dataclass(frozen=True)
class LedgerColumn:
    header: str
    width: float  # in Excel's units: a Chinese character is about 2
    value: Callable
    number_format: str = ""
    centred: bool = False


def _latest_update(action) -> str:
    if not action.latest_update_note:
        return ""
    return f"{chinese_date(action.latest_update_date)}：{action.latest_update_note}"


def columns() -> list[LedgerColumn]:
    return [
        LedgerColumn(_("No."), 6, lambda a, n: n, centred=True),
        LedgerColumn(pgettext("ledger column", "Action"), 34, lambda a, n: a.title),
        LedgerColumn(_("Source trip"), 24, lambda a, n: a.trip.title),
        LedgerColumn(
            _("Source takeaway"), 30, lambda a, n: "\n".join(t.text for t in a.ledger_sources)
        ),
        LedgerColumn(_("Lead unit"), 20, lambda a, n: a.owner_organization.name),
        LedgerColumn(_("Responsible person"), 10, lambda a, n: a.owner.name if a.owner else ""),
        LedgerColumn(_("Deadline"), 15, lambda a, n: a.due_date, DATE_FORMAT, centred=True),
        LedgerColumn(_("Latest progress"), 40, lambda a, n: _latest_update(a)),
        LedgerColumn(_("Share done"), 9, lambda a, n: a.progress / 100, "0%", centred=True),
        LedgerColumn(_("Status"), 9, lambda a, n: a.get_status_display(), centred=True),
        LedgerColumn(
            _("Overdue?"), 8, lambda a, n: _("yes") if a.is_overdue else _("no"), centred=True
        ),
    ]


def ledger_rows(actions):
    """The actions with everything a row shows, in a fixed number of queries."""
    sources = Takeaway.objects.order_by("id").only("id", "text")
    return list(
        actions.with_latest_update()
        .select_related("trip", "owner_organization", "owner")
        .prefetch_related(Prefetch("source_takeaways", queryset=sources, to_attr="ledger_sources"))
        .order_by(*(actions.query.order_by or ActionItem._meta.ordering))
    )


def build_ledger(actions, *, title: str = "") -> bytes:
    """The ledger of `actions` (an ActionItem queryset) as .xlsx bytes, in Chinese."""
    with translation.override("zh-hans"):
        return workbook_bytes(_workbook(ledger_rows(actions), title or _("Action ledger")))


def _workbook(rows, title: str) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    spec = columns()
    last = get_column_letter(len(spec))

    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    heading = sheet.cell(TITLE_ROW, 1, title)
    heading.font = Font(name="黑体", size=18)
    heading.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 32
    sheet.merge_cells(f"A{DATE_ROW}:{last}{DATE_ROW}")
    drawn_up = sheet.cell(
        DATE_ROW,
        1,
        _("Drawn up on %(date)s") % {"date": chinese_date(timezone.localdate())},
    )
    drawn_up.font = Font(name=FONT, size=10)
    drawn_up.alignment = Alignment(horizontal="right")

    for index, column in enumerate(spec, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.header)
        cell.font = Font(name="黑体", size=11)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 24

    for n, action in enumerate(rows, start=1):
        row = HEADER_ROW + n
        values = [column.value(action, n) for column in spec]
        texts = [(v, c.width) for v, c in zip(values, spec, strict=True) if isinstance(v, str)]
        sheet.row_dimensions[row].height = row_height(texts)
        for index, (column, value) in enumerate(zip(spec, values, strict=True), start=1):
            cell = sheet.cell(row, index, value)
            cell.font = Font(name=FONT, size=10)
            cell.border = BORDER
            cell.alignment = Alignment(
                horizontal="center" if column.centred else "left",
                vertical="center",
                wrap_text=True,
            )
            if column.number_format:
                cell.number_format = column.number_format
            if action.is_overdue:
                cell.fill = OVERDUE_FILL

    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    if rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(rows)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = sheet.ORIENTATION_LANDSCAPE
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = _("Page &P of &N")
    return workbook
