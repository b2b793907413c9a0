"""The compiled booklet (汇编成册): featured quotes and long-form reflections, gathered from
a selection of trips or under a tag, grouped by trip and speaker, with a table of contents.

Staff compile it from the admin, so it includes what leaders accepted (adopted or
featured) whether or not the public sees it yet; pending and returned takeaways never.

The cover and the contents carry no page numbers: the compiled texts are a section of their
own, numbered from 1 on their first page, as a printed booklet is.
"""

from itertools import groupby

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tours.models import Takeaway, TripMember
from tours.wording import quoted

from .gongwen import GongwenDocument, chinese_date, date_span


def booklet_takeaways(*, trips=None, tag=None):
    """Featured quotes and accepted reflections of `trips`, or of every trip under `tag`."""
    rows = Takeaway.objects.filter(
        Q(kind=Takeaway.Kind.QUOTE, review_status=Takeaway.ReviewStatus.FEATURED)
        | Q(kind=Takeaway.Kind.REFLECTION, review_status__in=Takeaway.ACCEPTED_STATUSES)
    )
    if trips is not None:
        rows = rows.filter(trip__in=trips)
    if tag is not None:
        rows = rows.filter(Q(tags=tag) | Q(trip__tags=tag)).distinct()
    return rows.select_related("trip", "speaker__organization").order_by(
        "-trip__start_date", "trip_id", "speaker__name", "speaker_id", "kind", "id"
    )


def build_booklet_docx(*, trips=None, tag=None, title: str = "") -> bytes:
    """The booklet as .docx bytes (in Chinese, as the report)."""
    takeaways = list(booklet_takeaways(trips=trips, tag=tag))
    posts = {
        (m.trip_id, m.participant_id): m
        for m in TripMember.objects.filter(
            trip_id__in={t.trip_id for t in takeaways}
        ).select_related("organization")
    }
    with translation.override("zh-hans"):
        doc = GongwenDocument(numbered=False)
        doc.document.add_paragraph()
        doc.title(title or _("Collected reflections from our study tours"))
        if tag is not None:
            doc.centered(_("Topic: %(tag)s") % {"tag": tag.name})
        doc.centered(_("Compiled on %(date)s") % {"date": chinese_date(timezone.localdate())})
        doc.page_break()
        doc.centered(_("Contents"))
        by_trip = [(trip, list(items)) for trip, items in groupby(takeaways, key=lambda t: t.trip)]
        entries, plan = [], []
        for n, (trip, items) in enumerate(by_trip, start=1):
            entries.append((1, trip.title, f"_Trip{n}"))
            speakers = []
            for m, (speaker, said) in enumerate(groupby(items, key=lambda t: t.speaker), start=1):
                label = _speaker_label(speaker, posts.get((trip.pk, getattr(speaker, "pk", None))))
                entries.append((2, label, f"_Trip{n}_{m}"))
                speakers.append((label, f"_Trip{n}_{m}", list(said)))
            plan.append((trip, f"_Trip{n}", speakers))
        if entries:
            doc.table_of_contents(entries)
        else:
            doc.paragraph(_("Nothing to compile: no featured quotes or accepted reflections."))
        if plan:
            doc.start_numbered_part()
        for n, (trip, bookmark, speakers) in enumerate(plan):
            if n:
                doc.page_break()
            doc.heading(trip.title, bookmark=bookmark)
            doc.paragraph(date_span(trip.start_date, trip.end_date))
            for label, speaker_mark, said in speakers:
                doc.heading(label, 2, bookmark=speaker_mark)
                for takeaway in said:
                    _write_takeaway(doc, takeaway)
        return doc.to_bytes()


def _speaker_label(speaker, member) -> str:
    if speaker is None:
        return _("Delegation")
    if member is not None:
        post = "".join(p for p in (getattr(member.organization, "name", ""), member.title) if p)
    else:
        post = "".join(p for p in (speaker.organization_name, speaker.title) if p)
    return f"{speaker.name}（{post}）" if post else speaker.name


def _write_takeaway(doc, takeaway):
    if takeaway.kind == Takeaway.Kind.QUOTE:
        doc.paragraph(quoted(takeaway.text), bold_lead=_("Quote: "))
        return
    for line in takeaway.text.splitlines():
        if line.strip():
            doc.paragraph(line.strip())
