"""How the office files word an item's follow-up: its verification (审结) state, its
latest supervision notice, its three-colour warning, its co-units.

Shared by the ledger (督查督办台账), the follow-up report (落实情况报告) and the notice
(督办通知单), so each says the same thing the same way. They read the annotations of
`ActionItem.objects.with_follow_up()` and `.with_warning()`.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tours.models import ActionItem, SupervisionNotice

from .gongwen import chinese_date

# Excel's standard red, yellow and light blue, the colours offices name their warnings by,
# each with the colour of type that reads on it: (fill, type).
WARNING_COLOURS = {
    "red": ("FF0000", "FFFFFF"),
    "yellow": ("FFFF00", "000000"),
    "blue": ("00B0F0", "FFFFFF"),
}


def warning_text(action) -> str:
    """红色预警（逾期）: the colour named too, since a printed ledger may be black and white."""
    warning = getattr(action, "warning", "")
    if not warning:
        return ""
    colour = {
        "red": pgettext("three-colour warning", "Red warning"),
        "yellow": pgettext("three-colour warning", "Yellow warning"),
        "blue": pgettext("three-colour warning", "Blue warning"),
    }[warning]
    return f"{colour}（{action.warning_label}）"


def support_units(action) -> str:
    """The co-responsible units (协办单位), 、-separated, from a prefetch."""
    return "、".join(unit.name for unit in action.support_organizations.all())


def verification_text(action) -> str:
    """已销号 / 待审结, and how often a leader returned it for rework (退回重办)."""
    parts = []
    if action.status == ActionItem.Status.CLOSED:
        parts.append(_("Closed (已销号)"))
    elif action.status == ActionItem.Status.DONE:
        parts.append(_("Awaiting verification (待审结)"))
    if action.return_count:
        parts.append(
            _("returned for rework %(count)d times, last on %(date)s")
            % {
                "count": action.return_count,
                "date": chinese_date(timezone.localdate(action.latest_return_at)),
            }
        )
    return "；".join(parts)


def latest_notice_text(action) -> str:
    """2024年7月1日 挂牌督办（红色督办单）: the latest notice's day and level."""
    if not action.latest_notice_at:
        return ""
    level = SupervisionNotice.Level(action.latest_notice_level).label
    return f"{chinese_date(timezone.localdate(action.latest_notice_at))} {level}"


def due_text(action) -> str:
    """2024年7月31日（原定2024年6月30日，经批准延期）: the due date and, once moved, the old one."""
    if not action.due_date:
        return _("no due date")
    text = chinese_date(action.due_date)
    if action.was_extended:
        text += "（%s）" % (
            _("originally %(date)s, extended") % {"date": chinese_date(action.original_due_date)}
        )
    return text
