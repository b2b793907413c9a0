"""Figures across all trips for the insights page, each one aggregated by the database.

The page makes the same few queries however many trips there are. The public sees
figures from public records only (`.public()`); staff with view permission see all.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import ExtractYear
from taggit.models import Tag

from .models import ActionItem, ActionUpdate, SignedProject, SiteVisit, Takeaway, Trip, TripMember

TOP_TAGS = 15

# Province names as the stored data spells them → as the vendored map names its regions.
_MAP_SUFFIXES = (
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)


def map_region(province: str) -> str:
    """广东省 → 广东, 广西壮族自治区 → 广西, 北京市 → 北京 (the map's region names)."""
    for suffix in _MAP_SUFFIXES:
        if province.endswith(suffix) and len(province) > len(suffix):
            return province[: -len(suffix)]
    return province


def rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class UnitRow:
    name: str
    total: int
    done: int
    overdue: int

    @property
    def completion(self) -> int | None:
        return rate(self.done, self.total)


@dataclass
class Insights:
    years: list  # [(year, [count of each kind, in `kinds` order], total)]
    kinds: list  # [(kind, label)] of trips, in choice order
    provinces: list  # [(province, count)], most visited first
    visit_kinds: list  # [(label, count)]
    tags: list  # [(tag, count)]
    statuses: list  # [(status, label, count)]
    units: list[UnitRow]
    response_days: float | None
    responded: int
    totals: dict = field(default_factory=dict)
    signed_by_year: list = field(default_factory=list)  # [(year, projects, amount in 万元)]
    trainees_by_year: list = field(default_factory=list)  # [(year, classes, trainees)]

    @property
    def signed_amount(self):
        return sum(amount or 0 for _, _, amount in self.signed_by_year)

    @property
    def trainees(self) -> int:
        return sum(n for _, _, n in self.trainees_by_year)

    def chart_data(self) -> dict:
        """Everything the charts draw, for `json_script` (the tables show the same numbers)."""
        return {
            "years": {
                "categories": [str(year) for year, _, _ in self.years],
                "series": [
                    {"name": str(label), "data": [counts[i] for _, counts, _ in self.years]}
                    for i, (_, label) in enumerate(self.kinds)
                ],
            },
            "provinces": [
                {"name": map_region(p), "value": n, "province": p} for p, n in self.provinces
            ],
            "visitKinds": [{"name": str(label), "value": n} for label, n in self.visit_kinds],
            "tags": {
                "categories": [tag.name for tag, _ in self.tags],
                "values": [n for _, n in self.tags],
            },
            "statuses": [{"name": str(label), "value": n} for _, label, n in self.statuses],
            "units": {
                "categories": [row.name for row in self.units],
                "done": [row.done for row in self.units],
                "open": [row.total - row.done for row in self.units],
                "overdue": [row.overdue for row in self.units],
            },
        }


def build_insights(*, public_only: bool = True) -> Insights:
    """Aggregate the figures; `public_only=False` for staff who may see every record."""

    def rows(model):
        return model.objects.public() if public_only else model.objects.all()

    trips = rows(Trip)
    visits = rows(SiteVisit)
    actions = rows(ActionItem)

    by_year = defaultdict(dict)
    for row in (
        trips.annotate(year=ExtractYear("start_date"))
        .values("year", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_year[row["year"]][row["kind"]] = row["n"]
    years = [
        (year, [counts.get(kind, 0) for kind in Trip.Kind.values], sum(counts.values()))
        for year, counts in sorted(by_year.items())
    ]

    provinces, visit_kinds = defaultdict(int), defaultdict(int)
    for row in visits.values("province", "kind").annotate(n=Count("pk")).order_by():
        if row["province"]:
            provinces[row["province"]] += row["n"]
        visit_kinds[row["kind"]] += row["n"]

    takeaway_ids = rows(Takeaway).values("pk")
    tags = (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type__app_label="tours",
            taggit_taggeditem_items__content_type__model="takeaway",
            taggit_taggeditem_items__object_id__in=takeaway_ids,
        )
        .annotate(n=Count("taggit_taggeditem_items"))
        .order_by("-n", "name")[:TOP_TAGS]
    )

    statuses = dict(actions.values_list("status").annotate(n=Count("pk")).order_by())
    units = [
        UnitRow(row["owner_organization__name"], row["total"], row["done"], row["overdue"])
        for row in actions.tally_by("owner_organization__name").order_by(
            "-total", "owner_organization__name"
        )
    ]

    first_update = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("date", "id")
    response = (
        actions.annotate(first_update=Subquery(first_update.values("date")[:1]))
        .filter(first_update__isnull=False)
        .annotate(
            delay=ExpressionWrapper(
                F("first_update") - F("trip__end_date"), output_field=DurationField()
            )
        )
        .aggregate(average=Avg("delay"), count=Count("pk"))
    )
    signed_by_year = [
        (row["year"], row["n"], row["amount"])
        for row in rows(SignedProject)
        .annotate(year=ExtractYear("trip__start_date"))
        .values("year")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by("year")
    ]
    trainees_by_year = _trainees_by_year(trips)

    total_actions = sum(statuses.values())
    done_actions = sum(statuses.get(status, 0) for status in ActionItem.FINISHED_STATUSES)
    return Insights(
        years=years,
        kinds=list(Trip.Kind.choices),
        provinces=sorted(provinces.items(), key=lambda item: (-item[1], item[0])),
        visit_kinds=[
            (label, visit_kinds[kind])
            for kind, label in SiteVisit.Kind.choices
            if visit_kinds[kind]
        ],
        tags=[(tag, tag.n) for tag in tags],
        statuses=[
            (status, label, statuses[status])
            for status, label in ActionItem.Status.choices
            if statuses.get(status)
        ],
        units=units,
        response_days=(
            round(response["average"].total_seconds() / 86400, 1)
            if response["average"] is not None
            else None
        ),
        responded=response["count"],
        totals={
            "trips": sum(total for _, _, total in years),
            "visits": sum(visit_kinds.values()),
            "actions": total_actions,
            "done": done_actions,
            "completion": rate(done_actions, total_actions),
            "overdue": sum(row.overdue for row in units),
        },
        signed_by_year=signed_by_year,
        trainees_by_year=trainees_by_year,
    )


def _trainees_by_year(trips) -> list:
    """Training classes and the trainees they trained, per year: a class counts its stated
    number of trainees, else the trainees on its roster (one query)."""
    on_roster = (
        TripMember.objects.filter(trip=OuterRef("pk"), role=TripMember.Role.TRAINEE)
        .order_by()
        .values("trip")
        .annotate(n=Count("pk"))
        .values("n")
    )
    by_year = defaultdict(lambda: [0, 0])
    for year, stated, listed in (
        trips.filter(kind=Trip.Kind.TRAINING)
        .annotate(year=ExtractYear("start_date"), listed=Subquery(on_roster))
        .values_list("year", "trainee_count", "listed")
        .order_by()
    ):
        by_year[year][0] += 1
        by_year[year][1] += stated or listed or 0
    return [(year, classes, trainees) for year, (classes, trainees) in sorted(by_year.items())]
