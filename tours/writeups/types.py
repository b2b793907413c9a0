"""What `extract` proposes: plain dataclasses, each proposal with the sentence it came from.

Offsets are positions in the text given to `extract` (after reading the file), so the import
page can highlight `text[source.start:source.end]` in the original, whichever script it was in.
Texts in the proposals are in simplified characters.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Source:
    """The sentence a proposal came from: its text (simplified) and its span in the input."""

    text: str
    start: int
    end: int


@dataclass
class Place:
    province: str
    city: str | None
    district: str | None
    name: str  # as written: 磁县, 安吉
    source: Source

    @property
    def label(self) -> str:
        parts = [self.province]
        for part in (self.city, self.district):
            if part and part != parts[-1]:
                parts.append(part)
        return "".join(parts)


@dataclass
class SiteVisit:
    name: str
    kind: str  # a SiteVisit.Kind value
    source: Source
    date: datetime.date | None = None
    host_organization: str | None = None
    presenter: str | None = None
    presenter_title: str | None = None
    topic: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None


@dataclass
class Person:
    name: str
    title: str  # the post as written: 梁平区委组织部常务副部长
    organization: str | None  # the unit part of the title, for matching
    source: Source
    is_host: bool = False  # of the places visited rather than of the delegation


@dataclass
class Quote:
    text: str
    source: Source
    speaker_name: str | None = None
    speaker_title: str | None = None


@dataclass
class Takeaway:
    kind: str  # lesson, gap or insight
    text: str
    source: Source
    tags: list[str] = field(default_factory=list)


@dataclass
class Action:
    title: str
    source: Source


@dataclass
class Question:
    text: str
    source: Source
    answer: str | None = None


@dataclass
class Indicator:
    name: str
    value: Decimal
    unit: str
    source: Source
    note: str = ""  # 增速排名全市第三
    benchmark: str | None = None  # the place the figure is about
    home_value: Decimal | None = None  # the delegation's own figure, when the text gives it


@dataclass
class Extraction:
    title: str = ""
    kind: str = "study_tour"  # a Trip.Kind value
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    year: int | None = None  # None: the text never says; the page asks for it
    start_month_day: tuple[int, int] | None = None
    end_month_day: tuple[int, int] | None = None
    origin: str | None = None
    organizer: str | None = None
    traditional: bool = False  # the input was in traditional characters
    title_source: Source | None = None
    date_source: Source | None = None
    places: list[Place] = field(default_factory=list)
    site_visits: list[SiteVisit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    takeaways: list[Takeaway] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Plain data (dates and decimals as strings) for a form's hidden field or JSON."""

        def plain(value):
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            if isinstance(value, datetime.date | Decimal):
                return str(value)
            return value

        return plain(asdict(self))
