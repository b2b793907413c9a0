"""The supervision notice (督办通知单) as a one-page Word document, in the 公文 shape.

Offices print the red one (挂牌督办) and hand it over to be signed for; any level prints
the same way. Title and number (督办〔2026〕12号) above a red separator line, the units it
is addressed to, then a form: level, 督办事项, 任务来源, 主办/协办单位, 完成时限 with the
original one, 当前进展, the notice's text (督办要求), 督办人, and a 签收 line, filled in once
the notice is acknowledged; the issuing office and date below. The text is in the form,
whose lines sit off the page grid, so a long notice still fits on one page.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.shared import Pt

from people.models import person_name
from tours.models import SupervisionNotice

from .followup_text import due_text, support_units
from .gongwen import GongwenDocument, chinese_date


def notice_for_document(notices, pk: int) -> SupervisionNotice:
    """The notice `pk` of `notices` (already scoped) with everything the document prints."""
    return (
        notices.select_related(
            "action__trip__organizer",
            "action__owner_organization",
            "action__owner",
            "action__source_instruction__author",
            "issued_by__participant",
            "acknowledged_by__participant",
        )
        .prefetch_related("action__support_organizations")
        .get(pk=pk)
    )


def notice_number(notice: SupervisionNotice) -> str:
    """督办〔2026〕12号, as the notice is filed."""
    return _("Supervision %(number)s") % {"number": notice.number}


def build_notice_docx(notice: SupervisionNotice) -> bytes:
    """The notice as .docx bytes, always in Chinese (GB/T 9704 is a Chinese format)."""
    with translation.override("zh-hans"):
        return _write(notice).to_bytes()


def _write(notice: SupervisionNotice) -> GongwenDocument:
    action = notice.action
    trip = action.trip
    office = trip.organizer.name if trip.organizer else ""
    issued = timezone.localdate(notice.issued_at)
    helpers = support_units(action)
    doc = GongwenDocument(character_grid=False)
    # Half a line under the title, not the report's whole one: the form must fit one page.
    doc.title(_("Supervision notice form")).paragraph_format.space_after = Pt(14)
    doc.centered(notice_number(notice))
    doc.rule()
    # 主送: the lead unit, then the co-responsible ones, as an official text addresses them.
    addressees = "、".join(filter(None, [action.owner_organization.name, helpers]))
    doc.paragraph(f"{addressees}：").paragraph_format.first_line_indent = Pt(0)

    source = trip.title
    if action.source_instruction_id:
        source += "；" + _("instruction of %(name)s on %(date)s") % {
            "name": action.source_instruction.author.name,
            "date": chinese_date(action.source_instruction.date),
        }
    progress = _("%(status)s, %(progress)d%% done") % {
        "status": action.get_status_display(),
        "progress": action.progress,
    }
    doc.form_table(
        [
            (_("Level"), notice.get_level_display()),
            (_("Supervised item"), action.title),
            (_("Source"), source),
            (_("Lead unit (主办)"), action.owner_organization.name),
            (_("Co-responsible units"), helpers or "—"),
            (_("Responsible person"), action.owner.name if action.owner else "—"),
            (_("Due date"), due_text(action)),
            (_("Progress so far"), progress),
            (_("What is required"), notice.text.strip()),
            (
                _("Issued by"),
                _("%(name)s, %(date)s")
                % {"name": person_name(notice.issued_by) or "—", "date": chinese_date(issued)},
            ),
            (_("Signed for"), _signature_line(notice)),
        ]
    )
    # Half a line of space above the signature, where a report leaves a whole blank line.
    signature = [office, chinese_date(issued)] if office else [chinese_date(issued)]
    for n, line in enumerate(signature):
        paragraph = doc.right(line, indent_chars=4)
        if n == 0:
            paragraph.paragraph_format.space_before = Pt(14)
    return doc


def _signature_line(notice: SupervisionNotice) -> str:
    """签收人：…　签收时间：…, blank to be filled by hand until the notice is acknowledged."""
    if notice.acknowledged_at:
        who = person_name(notice.acknowledged_by) or "—"
        when = chinese_date(timezone.localdate(notice.acknowledged_at))
    else:
        who = "　" * 4
        when = _("____ year __ month __ day")
    return _("Signed for by: %(who)s    Signed for on: %(when)s") % {"who": who, "when": when}
