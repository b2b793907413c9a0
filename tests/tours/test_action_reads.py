"""The terms the product uses about action items, each defined once on the querysets."""

import datetime

import pytest
import time_machine

from tests import factories
from tours.models import ActionItem, ActionUpdate

pytestmark = pytest.mark.django_db

JULY = datetime.datetime(2024, 7, 1, 2, tzinfo=datetime.UTC)


def make_items(trip):
    factories.ActionItemFactory(trip=trip, title="逾期", due_date=datetime.date(2024, 6, 1))
    factories.ActionItemFactory(trip=trip, title="完成", status="done", progress=100)
    factories.ActionItemFactory(trip=trip, title="销号", status="closed", progress=100)
    factories.ActionItemFactory(trip=trip, title="取消", status="cancelled")
    factories.ActionItemFactory(
        trip=trip, title="推进", status="in_progress", progress=40, due_date=None
    )


def test_finished_means_done_or_closed():
    make_items(factories.TripFactory())
    titles = set(ActionItem.objects.finished().values_list("title", flat=True))
    assert titles == {"完成", "销号"}
    assert [a.is_finished for a in ActionItem.objects.order_by("id")] == [
        False,
        True,
        True,
        False,
        False,
    ]


@time_machine.travel(JULY)
def test_tally_counts_total_done_in_progress_overdue_and_average():
    make_items(factories.TripFactory())
    assert ActionItem.objects.tally() == {
        "total": 5,
        "done": 2,
        "in_progress": 1,
        "overdue": 1,
        "average": 48.0,
    }


@time_machine.travel(JULY)
def test_tally_by_unit_groups_the_same_figures():
    trip = factories.TripFactory()
    make_items(trip)
    other = factories.OrganizationFactory(name="梁平区审计局")
    factories.ActionItemFactory(trip=trip, owner_organization=other, status="done", progress=100)
    rows = {
        row["owner_organization__name"]: row
        for row in ActionItem.objects.tally_by("owner_organization__name")
    }
    assert rows["梁平区审计局"]["total"] == 1 and rows["梁平区审计局"]["done"] == 1
    assert sum(row["overdue"] for row in rows.values()) == 1


def test_updates_of_draft_trips_are_not_public():
    published = factories.TripFactory(status="published")
    draft = factories.TripFactory(status="draft")
    shown = factories.ActionUpdateFactory(action__trip=published)
    factories.ActionUpdateFactory(action__trip=draft)
    factories.ActionUpdateFactory(action__trip=published, action__is_public=False)
    assert list(ActionUpdate.objects.public()) == [shown]


def test_public_evidence_needs_the_owners_consent_and_a_public_item():
    published = factories.TripFactory(status="published")
    consented = factories.ActionUpdateFactory(
        action__trip=published, evidence="evidence/a.pdf", evidence_is_public=True
    )
    factories.ActionUpdateFactory(action__trip=published, evidence="evidence/b.pdf")
    factories.ActionUpdateFactory(
        action__trip=factories.TripFactory(status="submitted"),
        evidence="evidence/c.pdf",
        evidence_is_public=True,
    )
    factories.ActionUpdateFactory(action__trip=published, evidence_is_public=True)
    assert list(ActionUpdate.objects.public_evidence()) == [consented]


def test_latest_update_is_annotated_with_its_publishable_evidence():
    action = factories.ActionItemFactory()
    factories.ActionUpdateFactory(
        action=action,
        date=datetime.date(2024, 3, 1),
        evidence="evidence/old.pdf",
        evidence_is_public=True,
    )
    factories.ActionUpdateFactory(action=action, date=datetime.date(2024, 4, 1), note="最新进展")
    annotated = ActionItem.objects.with_latest_update().get()
    assert annotated.latest_update_note == "最新进展"
    assert annotated.latest_update_date == datetime.date(2024, 4, 1)
    assert annotated.latest_public_evidence == "evidence/old.pdf"
