"""The trip report (考察报告) as a Word document, in the shape such reports take.

关于赴××学习考察的情况报告; the customary opening sentence; 基本情况; for a training class
its 培训课程, for an embedded learning trip its 跟班学习安排, for an investment tour its 签约项目;
主要做法和经验;
问题清单及解答 (the question list and who answered); 启示与体会 (with 存在的差距 and the
benchmark table); 领导批示; 下一步打算 (the action items); 总结会 and 材料目录 where there are
any; then the appendices: 人员名单,
行程安排, 考察金句. A part with nothing to show is left out, as on the public page, except the
four every report has. It is written from a TripReport, so the public file holds exactly what
the public page shows: the public view passes a public report, the admin an internal one.
Phones and e-mails are in neither.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tours.models import Takeaway
from tours.reports import TripReport
from tours.wording import colon, gap_text, home_word, plain_number, quoted

from .gongwen import GongwenDocument, chinese_date, date_span

MAX_SITES_NAMED = 6


def report_title(trip, places: str | None = None) -> str:
    """关于赴××学习考察的情况报告: the trip's own 赴… title, else the places it went to.

    `places` are those of the visits the report shows (a public report's public visits);
    without them, every visit's.
    """
    if trip.title.startswith("赴"):
        return _("Report on the %(trip)s") % {"trip": trip.title}
    if places is None:
        places = trip.destination_text()
    return _("Report on the %(kind)s to %(places)s") % {
        "kind": trip.get_kind_display(),
        "places": places or trip.title,
    }


def build_report_docx(report: TripReport, *, internal: bool = False) -> bytes:
    """The report as .docx bytes: always in Chinese, since GB/T 9704 is a Chinese format."""
    with translation.override("zh-hans"):
        writer = _ReportWriter(report, internal=internal)
        writer.write()
        return writer.doc.to_bytes()


class _ReportWriter:
    def __init__(self, report: TripReport, *, internal: bool):
        self.report = report
        self.trip = report.trip
        self.internal = internal
        self.doc = GongwenDocument()

    def write(self):
        doc = self.doc
        doc.title(report_title(self.trip, self.report.destinations))
        if self.internal:
            doc.centered(_("(Internal version: includes unpublished content)"))
        doc.paragraph(self.opening())
        self.basic_facts()
        self.training()
        self.placements()
        self.signed_projects()
        self.practices()
        self.questions()
        self.insights()
        self.instructions()
        self.next_steps()
        self.summary_meetings()
        self.documents()
        self.closing()
        self.appendices()

    def opening(self) -> str:
        report, trip = self.report, self.trip
        parts = [date_span(trip.start_date, trip.end_date), "，"]
        if report.leader:
            parts.append(_("led by comrade %(leader)s, ") % {"leader": self._leader_text()})
        parts.append(
            _("a delegation of %(count)d from %(origin)s went to %(places)s for a %(kind)s")
            % {
                "count": len(report.members),
                "origin": trip.origin or (trip.organizer.name if trip.organizer else ""),
                "places": report.destinations,
                "kind": trip.get_kind_display(),
            }
        )
        if trip.theme:
            parts.append(_(" on %(theme)s") % {"theme": quoted(trip.theme)})
        visits = [v for day in report.days for v in day.visits]
        if visits:
            names = "、".join(v.name for v in visits[:MAX_SITES_NAMED])
            parts.append(
                _(", visiting %(sites)s and other sites, %(count)d in all")
                % {"sites": names, "count": len(visits)}
                if len(visits) > MAX_SITES_NAMED
                else _(", visiting %(sites)s") % {"sites": names}
            )
        parts.append(_(". The report follows:"))
        return "".join(parts)

    def _leader_text(self) -> str:
        member = self.report.leader
        post = "".join(p for p in (getattr(member.organization, "name", ""), member.title) if p)
        return f"{post}{member.participant.name}"

    def basic_facts(self):
        doc, report, trip = self.doc, self.report, self.trip
        doc.heading(_("Basic facts"))
        if trip.summary:
            for line in trip.summary.splitlines():
                if line.strip():
                    doc.paragraph(line.strip())
        rows = [
            [_("Dates of the trip"), date_span(trip.start_date, trip.end_date)],
            [_("Places"), report.destinations or "—"],
            [_("Theme"), trip.theme or "—"],
            [_("Leader of the delegation"), self._leader_text() if report.leader else "—"],
            [_("Delegation size"), _("%(count)d people") % {"count": len(report.members)}],
            [_("Sites visited"), _("%(count)d sites") % {"count": report.figures["visits"]}],
        ]
        training = report.training
        if training:
            if training.host_institution:
                rows.append([_("Host institution"), training.host_institution.name])
            if training.trainee_count:
                rows.append([_("Trainees"), str(training.trainee_count)])
            if training.head_teachers:
                rows.append(
                    [_("Head teacher"), "、".join(_member_text(m) for m in training.head_teachers)]
                )
        if report.signed_total is not None:
            rows.append(
                [
                    _("Signed projects"),
                    _("%(count)d projects, %(amount)s (10,000 yuan) in all")
                    % {
                        "count": len(report.signed_projects),
                        "amount": plain_number(report.signed_total),
                    },
                ]
            )
        doc.table([_("Item"), _("Details")], rows, widths_mm=[40, 116])

    def training(self):
        """培训课程: the class's lectures and sessions, each lecturer with their post then."""
        training = self.report.training
        if not (training and training.sessions):
            return
        doc = self.doc
        doc.heading(_("Lectures and sessions"))
        doc.table(
            [_("Date"), _("Topic"), _("Kind"), _("Lecturer (post at the time)")],
            [
                [
                    f"{v.date.month}月{v.date.day}日",
                    v.topic or v.name,
                    v.get_kind_display(),
                    _presenter_text(v),
                ]
                for v in training.sessions
            ],
            widths_mm=[22, 66, 26, 42],
        )

    def placements(self):
        """跟班学习安排: who was placed where, in what post, with whom, and what came of it."""
        if not self.report.placements:
            return
        doc = self.doc
        doc.heading(_("Placements"))
        doc.table(
            [_("Name"), _("Host unit"), _("Post or work"), _("Mentor"), _("Dates")],
            [
                [
                    p.member.participant.name,
                    p.host_organization.name,
                    p.role,
                    p.mentor.name if p.mentor else "",
                    date_span(p.start_date, p.end_date),
                ]
                for p in self.report.placements
            ],
            widths_mm=[20, 44, 36, 20, 36],
        )
        for placement in self.report.placements:
            if placement.summary:
                doc.paragraph(
                    placement.summary.strip(), bold_lead=f"{placement.member.participant.name}："
                )

    def signed_projects(self):
        """签约项目: name, partner, amount in 万元, industry and how far each has come."""
        report = self.report
        if not report.signed_projects:
            return
        doc = self.doc
        doc.heading(_("Signed projects"))
        rows = [
            [
                p.name,
                p.partner.name if p.partner else "",
                plain_number(p.amount) if p.amount is not None else "—",
                p.industry,
                p.get_status_display(),
            ]
            for p in report.signed_projects
        ]
        if report.signed_total is not None and len(rows) > 1:
            rows.append([_("Total"), "", plain_number(report.signed_total), "", ""])
        doc.table(
            [_("Project"), _("Partner"), _("Amount (10,000 yuan)"), _("Industry"), _("Status")],
            rows,
            widths_mm=[44, 40, 24, 24, 24],
        )

    def summary_meetings(self):
        """总结会: when and where the delegation reported back, and what was said."""
        meetings = self.report.summary_meetings
        if not meetings:
            return
        doc = self.doc
        doc.heading(_("Summary meeting"))
        for meeting in meetings:
            lead = f"{chinese_date(meeting.date)}，{meeting.name}"
            if meeting.host_organization:
                lead += f"（{meeting.host_organization.name}）"
            doc.paragraph(meeting.summary.strip() or "", bold_lead=lead + "：")
            for attachment in getattr(meeting, "public_attachments", []):
                doc.paragraph(
                    _("See the attached %(kind)s “%(title)s”.")
                    % {"kind": attachment.get_kind_display(), "title": attachment.title}
                )

    def documents(self):
        """材料目录: the documents that go with the report, by title and kind."""
        if not self.report.attachments:
            return
        doc = self.doc
        doc.heading(_("Documents"))
        for n, attachment in enumerate(self.report.attachments, start=1):
            credits = f"（{attachment.credits}）" if attachment.credits else ""
            doc.paragraph(
                f"{attachment.title}［{attachment.get_kind_display()}］{credits}",
                bold_lead=f"{n}. ",
            )

    def practices(self):
        doc = self.doc
        doc.heading(_("Main practices and experience"))
        groups = self._groups(Takeaway.Kind.LESSON)
        if not groups:
            doc.paragraph(_("None recorded."))
        for tag, takeaways in groups:
            doc.heading(tag.name if tag else _("Other practices"), 2)
            self._takeaways(takeaways)

    def questions(self):
        """问题清单及解答: each question, who asked it, the answer and who gave it where."""
        if not self.report.questions:
            return
        doc = self.doc
        doc.heading(_("Questions and answers"))
        for n, question in enumerate(self.report.questions, start=1):
            asked = ""
            if question.asked_by:
                asked = _(" (asked by %(name)s)") % {"name": question.asked_by.name}
            doc.paragraph(
                f"{question.text}{asked}", bold_lead=f"{n}. " + _("Q: "), keep_with_next=True
            )
            if not question.answer:
                doc.paragraph(_("Not answered yet."), bold_lead=_("A: "))
                continue
            where = []
            if question.answerer_list:
                names = "、".join(_name_and_post(p) for p in question.answerer_list)
                where.append(_("answered by %(name)s") % {"name": names})
            if question.site_visit:
                where.append(question.site_visit.name)
            doc.paragraph(
                question.answer + (f"（{'；'.join(where)}）" if where else ""), bold_lead=_("A: ")
            )

    def instructions(self):
        """领导批示: on which day which leader wrote what, and the actions that came of it."""
        if not self.report.instructions:
            return
        doc = self.doc
        doc.heading(_("Leaders' instructions"))
        for n, instruction in enumerate(self.report.instructions, start=1):
            text = _("On %(date)s, %(leader)s instructed: %(text)s") % {
                "date": chinese_date(instruction.date),
                "leader": _post_and_name(instruction.author),
                "text": quoted(instruction.text),
            }
            doc.paragraph(text, bold_lead=f"{n}. ")
            if instruction.public_actions:
                titles = "；".join(action.title for action in instruction.public_actions)
                doc.paragraph(colon(_("Actions that came of it")) + f"{titles}。")

    def insights(self):
        doc = self.doc
        doc.heading(_("Insights and lessons for us"))
        doc.heading(_("What we take from it"), 2)
        insights = [t for _tag, items in self._groups(Takeaway.Kind.INSIGHT) for t in items]
        self._takeaways(insights) if insights else doc.paragraph(_("None recorded."))
        doc.heading(_("Where we fall short"), 2)
        gaps = [t for _tag, items in self._groups(Takeaway.Kind.GAP) for t in items]
        if gaps:
            self._takeaways(gaps)
        if self.report.indicators:
            doc.paragraph(_("Benchmark figures:"), keep_with_next=True)
            doc.table(
                [_("Indicator"), _("Benchmark"), _("Their value"), self._home_word(), _("Gap")],
                [self._indicator_row(i) for i in self.report.indicators],
                # The gap column holds words (低20.5个百分点), the value columns figures.
                widths_mm=[36, 24, 28, 28, 40],
            )
            for indicator in self.report.indicators:
                if indicator.note:
                    doc.paragraph(f"{indicator.name}：{indicator.note}")
        if not gaps and not self.report.indicators:
            doc.paragraph(_("None recorded."))

    def _home_word(self) -> str:
        """The home column's head: 我区, 我镇, 我街道… as the sending unit calls itself."""
        return home_word(self.trip.home_unit)

    @staticmethod
    def _indicator_row(indicator) -> list[str]:
        def number(value):
            if value is None:
                return "—"
            return f"{plain_number(value)}{indicator.unit}"

        year = f"（{indicator.year}）" if indicator.year else ""
        return [
            f"{indicator.name}{year}",
            indicator.benchmark,
            number(indicator.benchmark_value),
            number(indicator.home_value),
            gap_text(indicator.gap, indicator.unit, higher_is_better=indicator.higher_is_better),
        ]

    def next_steps(self):
        doc = self.doc
        doc.heading(_("Next steps"))
        if not self.report.actions:
            doc.paragraph(_("None recorded."))
        for n, action in enumerate(self.report.actions, start=1):
            details = [_("responsible unit: %(unit)s") % {"unit": action.owner_organization.name}]
            if self.internal and action.owner:
                details.append(_("responsible person: %(name)s") % {"name": action.owner.name})
            if action.due_date:
                details.append(_("due %(date)s") % {"date": chinese_date(action.due_date)})
            if self.internal:
                details.append(f"{action.get_status_display()} {action.progress}%")
            text = f"{action.title}。"
            if action.description:
                text += action.description.rstrip("。") + "。"
            doc.paragraph(text + "（" + "；".join(details) + "）", bold_lead=f"{n}. ")

    def closing(self):
        doc, trip = self.doc, self.trip
        doc.paragraph()
        names = [_("List of delegation members"), _("Itinerary")]
        if self.report.quotes:
            names.append(_("Quotes"))
        doc.paragraph(
            _("Appendices: ") + "  ".join(f"{n}. {name}" for n, name in enumerate(names, start=1))
        )
        doc.paragraph()
        day = trip.published_at if trip.published_at and not self.internal else timezone.now()
        if trip.organizer:
            doc.right(trip.organizer.name, indent_chars=4)
        doc.right(chinese_date(timezone.localdate(day)), indent_chars=4)

    def appendices(self):
        doc, report = self.doc, self.report
        doc.page_break()
        self._appendix_head(1, _("List of delegation members"))
        doc.table(
            [_("No."), _("Name"), _("Unit"), _("Post"), _("Role")],
            [
                [
                    str(n),
                    m.participant.name,
                    getattr(m.organization, "name", ""),
                    m.title,
                    m.get_role_display(),
                ]
                for n, m in enumerate(report.members, start=1)
            ],
            widths_mm=[12, 22, 56, 38, 28],
        )
        doc.page_break()
        self._appendix_head(2, _("Itinerary"))
        rows = []
        for day in report.days:
            for visit in day.visits:
                rows.append(
                    [
                        f"{day.date.month}月{day.date.day}日",
                        _visit_time(visit),
                        visit.name,
                        getattr(visit.host_organization, "name", ""),
                        "".join(p for p in (visit.city or visit.province, visit.district) if p),
                    ]
                )
        doc.table(
            [_("Date"), _("Time"), _("Site"), _("Host"), _("Place")],
            rows,
            widths_mm=[24, 28, 44, 38, 22],
        )
        if report.quotes:
            doc.page_break()
            self._appendix_head(3, _("Quotes"))
            for quote in report.quotes:
                doc.paragraph(f"{quoted(quote.text)}{self._pending(quote)}")
                if quote.speaker:
                    speaker = "——" + quote.speaker.name
                    if quote.speaker_post:
                        speaker += f"（{quote.speaker_post}）"
                    doc.right(speaker)

    def _appendix_head(self, number: int, title: str):
        self.doc.label(_("Appendix %(number)d") % {"number": number})
        self.doc.title(title)

    def _groups(self, kind):
        for section in self.report.sections:
            if section.kind == kind:
                return [(group.tag, group.takeaways) for group in section.groups]
        return []

    def _takeaways(self, takeaways):
        for n, takeaway in enumerate(takeaways, start=1):
            where = f"（{takeaway.site_visit.name}）" if takeaway.site_visit_id else ""
            self.doc.paragraph(
                f"{takeaway.text}{where}{self._pending(takeaway)}", bold_lead=f"{n}. "
            )

    def _pending(self, takeaway) -> str:
        if self.internal and takeaway.review_status == Takeaway.ReviewStatus.PENDING:
            return _("[pending review]")
        return ""


def _post_and_name(person) -> str:
    """区委副书记钱正华: a leader named as official texts name them, post first."""
    return f"{person.title}{person.name}"


def _name_and_post(person) -> str:
    """何志明，佛山市顺德区北滘镇人民政府镇党委书记: a host named with their unit and post."""
    post = "".join(p for p in (person.organization_name, person.title) if p)
    return f"{person.name}，{post}" if post else person.name


def _member_text(member) -> str:
    post = "".join(p for p in (getattr(member.organization, "name", ""), member.title) if p)
    return f"{member.participant.name}（{post}）" if post else member.participant.name


def _presenter_text(visit) -> str:
    if not visit.presenter:
        return ""
    name = visit.presenter.name
    return f"{name}（{visit.presenter_title}）" if visit.presenter_title else name


def _visit_time(visit) -> str:
    if visit.start_time and visit.end_time:
        return f"{visit.start_time:%H:%M}—{visit.end_time:%H:%M}"
    if visit.start_time:
        return f"{visit.start_time:%H:%M}"
    return ""
