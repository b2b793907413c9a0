"""Write-up import: read a 考察报告, 侧记 or 纪要 and propose the records of a draft trip.

    from tours.writeups import extract, read_file
    extraction = extract(read_file(uploaded))

`extract` proposes; nothing is saved. Staff confirm the proposals on the import page, which
creates them through the services as draft content. See docs/architecture.md.
"""

from . import nlp, rules
from .matching import match_organizations, match_people
from .reading import read_docx, read_file, read_text
from .text import Document
from .types import (
    Action,
    Extraction,
    Indicator,
    Person,
    Place,
    Question,
    Quote,
    SiteVisit,
    Source,
    Takeaway,
)

__all__ = [
    "Action",
    "Extraction",
    "Indicator",
    "Person",
    "Place",
    "Question",
    "Quote",
    "SiteVisit",
    "Source",
    "Takeaway",
    "extract",
    "match_organizations",
    "match_people",
    "read_docx",
    "read_file",
    "read_text",
]


def extract(text: str) -> Extraction:
    """Propose a trip's records from the text of its write-up (simplified or traditional)."""
    with nlp.memo():
        return _extract(Document(text))


def _extract(doc: Document) -> Extraction:
    headline, headline_source = rules.title(doc)
    if headline_source:
        doc.start_at(doc.paragraph_at(headline_source.start).index)
    dates = rules.trip_dates(doc)
    words = rules.tokens(doc)
    mentions = rules.place_mentions(doc, words)
    people, people_mentions = rules.people(doc)
    home = rules.origin(doc, mentions, people, headline)
    rules.mark_hosts(people, home, mentions)
    home_names = sorted(
        {m.name for m in mentions if home and m.division.within(home)}
        | ({home.name} if home else set()),
        key=len,
        reverse=True,
    )
    host_names = sorted(
        {
            m.name
            for m in mentions
            if not home or not (m.division.within(home) or home.within(m.division))
        },
        key=len,
        reverse=True,
    )
    quotes, quoted_questions = rules.quotes(doc, people_mentions, people)
    questions = rules.questions(doc)
    known = {q.source.start for q in questions}
    questions += [q for q in quoted_questions if q.source.start not in known]
    questions.sort(key=lambda q: q.source.start)
    site_visits = rules.site_visits(doc, mentions, home, people_mentions, people, dates.year)
    # The sites visited speak as hosts too: 神山村依托红色资源… is a lesson.
    host_names += [v.name for v in site_visits if len(v.name) >= 3]
    takeaways, actions = rules.takeaways_and_actions(
        doc, home_names, host_names, people_mentions, people
    )
    start_date, end_date = dates.as_dates()
    return Extraction(
        title=headline,
        kind=rules.kind(doc, headline),
        start_date=start_date,
        end_date=end_date,
        year=dates.year,
        start_month_day=dates.start,
        end_month_day=dates.end,
        origin=home.name if home else None,
        organizer=rules.organizer(doc),
        traditional=doc.traditional,
        title_source=headline_source,
        date_source=dates.source,
        places=rules.places(doc, rules.corroborated(mentions), home),
        site_visits=site_visits,
        people=people,
        quotes=quotes,
        takeaways=takeaways,
        actions=actions,
        questions=questions,
        indicators=rules.indicators(doc, mentions, home),
    )
