"""The action ledger (督查督办台账) as an Excel workbook.

`build_ledger(actions)` takes any ActionItem queryset, so the admin (its changelist's
filters) and the leaders' review desk (its own filters) export exactly what they show.
Columns are a list of `LedgerColumn`s, those offices keep: 主办/协办单位, 签收时间, 原定时限 and
调整后时限 (once an approved extension moved it), the three-colour warning (预警, the cell
filled in its colour), the latest supervision notice (最近督办) and the verification state
(审结: 已销号, 待审结, 退回重办). Times are Beijing time, as the office reads them.
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
from .followup_text import (
    WARNING_COLOURS,
    latest_notice_text,
    support_units,
    verification_text,
    warning_text,
)
from .gongwen import chinese_date

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
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
    colours: Callable | None = None  # action -> (fill, type) hex colours, or None


def _latest_update(action) -> str:
    if not action.latest_update_note:
        return ""
    return f"{chinese_date(action.latest_update_date)}：{action.latest_update_note}"


def _local(moment):
    """A time as Excel holds it: Beijing time, without a zone (Excel has none)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _original_due(action):
    return action.original_due_date if action.was_extended else action.due_date


def _warning_colours(action):
    return WARNING_COLOURS.get(getattr(action, "warning", ""))


def columns() -> list[LedgerColumn]:
    return [
        LedgerColumn(_("No."), 6, lambda a, n: n, centred=True),
        LedgerColumn(pgettext("ledger column", "Action"), 30, lambda a, n: a.title),
        LedgerColumn(_("Source trip"), 22, lambda a, n: a.trip.title),
        LedgerColumn(
            _("Source takeaway"), 26, lambda a, n: "\n".join(t.text for t in a.ledger_sources)
        ),
        LedgerColumn(
            pgettext("follow-up", "Lead unit"), 18, lambda a, n: a.owner_organization.name
        ),
        LedgerColumn(_("Co-responsible units"), 18, lambda a, n: support_units(a)),
        LedgerColumn(_("Responsible person"), 10, lambda a, n: a.owner.name if a.owner else ""),
        LedgerColumn(
            _("Signed for at"),
            17,
            lambda a, n: _local(a.acknowledged_at),
            DATETIME_FORMAT,
            centred=True,
        ),
        LedgerColumn(
            _("Original deadline"), 15, lambda a, n: _original_due(a), DATE_FORMAT, centred=True
        ),
        LedgerColumn(
            _("Adjusted deadline"),
            15,
            lambda a, n: a.due_date if a.was_extended else None,
            DATE_FORMAT,
            centred=True,
        ),
        LedgerColumn(_("Latest progress"), 36, lambda a, n: _latest_update(a)),
        LedgerColumn(_("Share done"), 8, lambda a, n: a.progress / 100, "0%", centred=True),
        LedgerColumn(_("Status"), 8, lambda a, n: a.get_status_display(), centred=True),
        LedgerColumn(
            _("Warning"), 14, lambda a, n: warning_text(a), centred=True, colours=_warning_colours
        ),
        LedgerColumn(_("Latest supervision notice"), 20, lambda a, n: latest_notice_text(a)),
        LedgerColumn(_("Verification"), 18, lambda a, n: verification_text(a)),
        LedgerColumn(
            _("Overdue?"), 8, lambda a, n: _("yes") if a.is_overdue else _("no"), centred=True
        ),
    ]


def ledger_rows(actions):
    """The actions with everything a row shows, in a fixed number of queries."""
    sources = Takeaway.objects.order_by("id").only("id", "text")
    if "warning" not in actions.query.annotations:  # the admin's list has it already
        actions = actions.with_warning()
    return list(
        actions.with_latest_update()
        .with_follow_up()
        .select_related("trip", "owner_organization", "owner")
        .prefetch_related(
            Prefetch("source_takeaways", queryset=sources, to_attr="ledger_sources"),
            "support_organizations",
        )
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
            colours = column.colours(action) if column.colours else None
            if colours:
                cell.fill = PatternFill("solid", fgColor=colours[0])
                cell.font = Font(name=FONT, size=10, bold=True, color=colours[1])

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
