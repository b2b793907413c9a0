"""A trip's follow-up report (考察成果落实情况报告) as a Word document, for staff.

What an office sends up three or six months after a trip: 关于××考察成果落实情况的报告, an
opening paragraph with the figures (total, closed, in progress, overdue, extended), then
every commitment in the order of its due date, its sub-tasks indented under it: units,
state, due date and the original one, when it was signed for, the latest progress, the
evidence, and how often it was supervised and returned. Internal: it names people and
links evidence that only staff may open.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from people.models import person_name
from tours.models import ActionItem, ActionUpdate, Trip

from .followup_text import (
    due_text,
    latest_notice_text,
    support_units,
    warning_text,
)
from .gongwen import INDENT, GongwenDocument, chinese_date, date_span

Status = ActionItem.Status
TRIP_WORDS = ("考察", "培训", "座谈", "学习", "调研")


@dataclass
class FollowUp:
    """A trip's commitments as the report lists them, read in a fixed number of queries."""

    trip: Trip
    items: list = field(default_factory=list)  # top-level, each with `.report_subtasks`

    @property
    def figures(self) -> dict:
        items = self.items
        return {
            "total": len(items),
            "subtasks": sum(len(item.report_subtasks) for item in items),
            "closed": sum(item.status == Status.CLOSED for item in items),
            "done": sum(item.status == Status.DONE for item in items),
            "in_progress": sum(item.status == Status.IN_PROGRESS for item in items),
            "not_started": sum(item.status == Status.NOT_STARTED for item in items),
            "cancelled": sum(item.status == Status.CANCELLED for item in items),
            "overdue": sum(item.is_overdue for item in items),
            "extended": sum(item.was_extended for item in items),
        }


def follow_up(trip: Trip) -> FollowUp:
    """Every action item of `trip` with what the report shows: 3 queries, however many."""
    evidence = ActionUpdate.objects.exclude(evidence="").order_by("date", "created_at", "id")
    items = list(
        trip.action_items.with_warning()
        .with_latest_update()
        .with_follow_up()
        .select_related("owner_organization", "owner", "acknowledged_by__participant")
        .prefetch_related(
            "support_organizations",
            Prefetch("updates", queryset=evidence, to_attr="evidence_updates"),
        )
        .order_by("due_date", "id")
    )
    children = {}
    for item in items:
        item.report_subtasks = []
        if item.parent_id:
            children.setdefault(item.parent_id, []).append(item)
    top = []
    for item in items:
        if item.parent_id is None:
            item.report_subtasks = children.get(item.pk, [])
            top.append(item)
    return FollowUp(trip=trip, items=top)


def followup_title(trip: Trip) -> str:
    """关于赴广东中山学习考察成果落实情况的报告: the trip's title, said as a kind of trip."""
    name = trip.title if trip.title.endswith(TRIP_WORDS) else trip.title + trip.get_kind_display()
    return _("Report on how the results of the %(trip)s are being put into practice") % {
        "trip": name
    }


def build_followup_docx(report: FollowUp, *, link: Callable[[str], str] = str) -> bytes:
    """The report as .docx bytes, in Chinese. `link` makes an evidence URL absolute."""
    with translation.override("zh-hans"):
        return _FollowUpWriter(report, link).write().to_bytes()


class _FollowUpWriter:
    def __init__(self, report: FollowUp, link):
        self.report = report
        self.link = link
        self.doc = GongwenDocument()

    def write(self) -> GongwenDocument:
        doc, trip = self.doc, self.report.trip
        doc.title(followup_title(trip))
        doc.paragraph(self.opening())
        doc.heading(_("How each commitment stands"))
        if not self.report.items:
            doc.paragraph(_("None recorded."))
        for item in self.report.items:
            doc.heading(item.title, level=2)
            self.details(item)
            for n, subtask in enumerate(item.report_subtasks, start=1):
                heading = doc.heading(
                    _("Sub-task %(n)d: %(title)s") % {"n": n, "title": subtask.title},
                    level=3,
                    numbered=False,
                )
                heading.paragraph_format.left_indent = INDENT
                self.details(subtask, indent=True)
        overdue = [i for i in self._all_items() if i.is_overdue]
        if overdue:
            doc.heading(_("Overdue items"))
            for n, item in enumerate(overdue, start=1):
                days = (timezone.localdate() - item.due_date).days
                doc.paragraph(
                    _("%(title)s (%(unit)s): due %(date)s, %(days)d days overdue.")
                    % {
                        "title": item.title,
                        "unit": item.owner_organization.name,
                        "date": chinese_date(item.due_date),
                        "days": days,
                    },
                    bold_lead=f"{n}. ",
                )
        doc.paragraph()
        if self.report.items:
            doc.paragraph(_("Appendix: list of commitments"))
            doc.paragraph()
        if trip.organizer:
            doc.right(trip.organizer.name, indent_chars=4)
        doc.right(chinese_date(timezone.localdate()), indent_chars=4)
        if self.report.items:
            self.appendix()
        return doc

    def appendix(self):
        """附件 落实事项一览表: one row an item, its sub-tasks numbered under it (1.1, 1.2)."""
        doc = self.doc
        # A break before the label, not a paragraph holding one: when the signature ends a
        # page, such a paragraph would begin the next and leave it blank.
        doc.label(_("Appendix")).paragraph_format.page_break_before = True
        doc.title(_("List of commitments"))
        rows = []
        for n, item in enumerate(self.report.items, start=1):
            rows.append(self._row(str(n), item))
            for m, subtask in enumerate(item.report_subtasks, start=1):
                rows.append(self._row(f"{n}.{m}", subtask))
        doc.table(
            [
                _("No."),
                _("Commitment"),
                _("Lead unit (主办)"),
                _("Due date"),
                _("Status"),
                _("Share done"),
            ],
            rows,
            widths_mm=[14, 44, 34, 28, 19, 17],
        )

    @staticmethod
    def _row(number: str, item) -> list[str]:
        due = chinese_date(item.due_date) if item.due_date else "—"
        return [
            number,
            item.title,
            item.owner_organization.name,
            due,
            item.get_status_display(),
            f"{item.progress}%",
        ]

    def _all_items(self):
        for item in self.report.items:
            yield item
            yield from item.report_subtasks

    def opening(self) -> str:
        trip, f = self.report.trip, self.report.figures
        text = _("The %(trip)s (%(dates)s) gave rise to %(total)d commitments") % {
            "trip": trip.title,
            "dates": date_span(trip.start_date, trip.end_date),
            "total": f["total"],
        }
        if f["subtasks"]:
            text += _(", split into %(count)d sub-tasks") % {"count": f["subtasks"]}
        text += "。" + _("As of %(date)s, ") % {"date": chinese_date(timezone.localdate())}
        # The closed ones always, the other states when there are any.
        states = [_("%(count)d closed after verification") % {"count": f["closed"]}]
        for key, words in (
            ("done", _("%(count)d done and awaiting verification")),
            ("in_progress", _("%(count)d in progress")),
            ("not_started", _("%(count)d not started")),
            ("cancelled", _("%(count)d cancelled")),
        ):
            if f[key]:
                states.append(words % {"count": f[key]})
        text += "，".join(states)
        text += "；" + _("%(overdue)d overdue, %(extended)d given more time with approval") % {
            "overdue": f["overdue"],
            "extended": f["extended"],
        }
        return text + "。" + _("The state of each is reported as follows:")

    def details(self, item, *, indent: bool = False):
        lines = [
            self._units(item),
            _("Due date: %(due)s; %(signed)s.")
            % {"due": due_text(item), "signed": self._signed(item)},
            self._state(item),
            self._progress(item),
            self._evidence(item),
            _("Supervised %(notices)d times%(latest)s; returned for rework %(returns)d times.")
            % {
                "notices": item.notice_count,
                "latest": f"（{latest_notice_text(item)}）" if item.notice_count else "",
                "returns": item.return_count,
            },
        ]
        for line in lines:
            paragraph = self.doc.paragraph(line)
            if indent:
                paragraph.paragraph_format.left_indent = INDENT

    @staticmethod
    def _units(item) -> str:
        parts = [_("Lead unit: %(unit)s") % {"unit": item.owner_organization.name}]
        helpers = support_units(item)
        if helpers:
            parts.append(_("co-responsible: %(units)s") % {"units": helpers})
        if item.owner:
            parts.append(_("responsible person: %(name)s") % {"name": item.owner.name})
        return "；".join(parts) + "。"

    @staticmethod
    def _signed(item) -> str:
        if not item.acknowledged_at:
            return _("not signed for yet")
        text = _("signed for on %(date)s") % {
            "date": chinese_date(timezone.localdate(item.acknowledged_at))
        }
        if item.acknowledged_by:
            text += f"（{person_name(item.acknowledged_by)}）"
        return text

    @staticmethod
    def _state(item) -> str:
        parts = [
            _("State: %(status)s, %(progress)d%% done")
            % {"status": item.get_status_display(), "progress": item.progress}
        ]
        if item.status == Status.DONE:
            parts.append(_("Awaiting verification (待审结)"))
        elif item.closed_at:
            parts.append(
                _("closed on %(date)s") % {"date": chinese_date(timezone.localdate(item.closed_at))}
            )
        elif item.cancelled_at:
            parts.append(
                _("cancelled on %(date)s: %(reason)s")
                % {
                    "date": chinese_date(timezone.localdate(item.cancelled_at)),
                    "reason": item.cancel_reason.strip().rstrip("。"),
                }
            )
        if warning_text(item):
            parts.append(warning_text(item))
        return "；".join(parts) + "。"

    @staticmethod
    def _progress(item) -> str:
        if not item.latest_update_date:
            return _("Latest progress: none reported yet.")
        return _("Latest progress (%(date)s, %(progress)d%%): %(note)s") % {
            "date": chinese_date(item.latest_update_date),
            "progress": item.latest_update_progress,
            "note": item.latest_update_note.strip().rstrip("。") + "。",
        }

    def _evidence(self, item) -> str:
        if not item.evidence_updates:
            return _("Evidence: none.")
        files = []
        for update in item.evidence_updates:
            name = update.evidence.name.rsplit("/", 1)[-1]
            files.append(f"{chinese_date(update.date)} {name}（{self.link(update.evidence.url)}）")
        return _("Evidence: %(files)s.") % {"files": "；".join(files)}
