import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests import factories
from tours.models import ActionItem, SiteVisit, Takeaway, Trip, TripMember

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


class TestTripDates:
    def test_end_before_start_is_refused_on_the_end_date_in_chinese(self):
        trip = factories.TripFactory.build(
            start_date=datetime.date(2024, 3, 2), end_date=datetime.date(2024, 2, 28)
        )
        with pytest.raises(ValidationError) as error:
            trip.full_clean()
        assert "结束日期不能早于开始日期" in messages_of(error.value, "end_date")

    def test_database_refuses_inverted_dates_too(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.TripFactory(
                start_date=datetime.date(2024, 3, 2), end_date=datetime.date(2024, 2, 28)
            )

    def test_one_day_trip_is_fine(self):
        trip = factories.TripFactory.build(end_date=factories.TRIP_START)
        trip.full_clean()
        assert trip.days == 1

    def test_shrinking_dates_past_existing_visits_is_refused(self):
        visit = factories.SiteVisitFactory(date=factories.TRIP_START + datetime.timedelta(days=3))
        trip = visit.trip
        trip.end_date = factories.TRIP_START + datetime.timedelta(days=1)
        with pytest.raises(ValidationError, match="1 个考察点"):
            trip.full_clean()


class TestSiteVisit:
    def test_date_outside_the_trip_is_refused_on_the_date_field(self):
        trip = factories.TripFactory()
        visit = factories.SiteVisitFactory.build(trip=trip, date=datetime.date(2024, 3, 15))
        with pytest.raises(ValidationError) as error:
            visit.full_clean()
        message = messages_of(error.value, "date")
        assert "须在考察起止日期" in message
        assert "2024年2月26日" in message

    def test_end_time_before_start_time_is_refused(self):
        visit = factories.SiteVisitFactory.build(
            trip=factories.TripFactory(),
            start_time=datetime.time(10, 0),
            end_time=datetime.time(9, 0),
        )
        with pytest.raises(ValidationError) as error:
            visit.full_clean()
        assert "结束时间不能早于开始时间" in messages_of(error.value, "end_time")


class TestProgress:
    @pytest.mark.parametrize("progress", [120, -5])
    def test_progress_outside_0_100_is_refused_in_chinese(self, progress):
        action = factories.ActionItemFactory.build(
            trip=factories.TripFactory(),
            owner_organization=factories.OrganizationFactory(),
            progress=progress,
        )
        with pytest.raises(ValidationError) as error:
            action.full_clean()
        assert "progress" in error.value.message_dict

    def test_database_refuses_progress_above_100(self):
        action = factories.ActionItemFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionItem.objects.filter(pk=action.pk).update(progress=120)

    def test_database_refuses_update_progress_above_100(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.ActionUpdateFactory(progress=101)


class TestMembership:
    def test_same_person_twice_in_one_delegation_is_refused(self):
        member = factories.TripMemberFactory()
        duplicate = TripMember(trip=member.trip, participant=member.participant)
        with pytest.raises(ValidationError, match="已在考察团中"):
            duplicate.full_clean()

    def test_same_person_on_two_trips_is_fine(self):
        member = factories.TripMemberFactory()
        factories.TripMemberFactory(participant=member.participant)

    def test_post_is_copied_when_left_blank_and_kept_after_a_promotion(self):
        person = factories.ParticipantFactory(title="副镇长")
        member = factories.TripMemberFactory(participant=person, title="")
        old_organization = person.organization

        person.title = "镇长"
        person.organization = factories.OrganizationFactory(name="梁平区商务委员会")
        person.save()
        member.refresh_from_db()

        assert member.title == "副镇长"
        assert member.organization == old_organization

    def test_a_given_title_is_not_overwritten(self):
        member = factories.TripMemberFactory(title="考察团秘书长")
        assert member.title == "考察团秘书长"


class TestSameTrip:
    def test_takeaway_cannot_point_at_another_trips_visit(self):
        other_visit = factories.SiteVisitFactory()
        takeaway = factories.TakeawayFactory.build(
            trip=factories.TripFactory(), site_visit=other_visit
        )
        with pytest.raises(ValidationError) as error:
            takeaway.full_clean()
        assert "请选择属于本次考察的" in messages_of(error.value, "site_visit")


class TestIndicator:
    def test_values_are_decimal_and_the_gap_is_home_minus_benchmark(self):
        indicator = factories.IndicatorFactory(
            benchmark_value=Decimal("215.6"), home_value=Decimal("98.3")
        )
        indicator.refresh_from_db()
        assert indicator.gap == Decimal("-117.3")

    def test_a_value_that_is_not_a_number_is_refused(self):
        indicator = factories.IndicatorFactory.build(
            trip=factories.TripFactory(), benchmark_value="两百"
        )
        with pytest.raises(ValidationError) as error:
            indicator.full_clean()
        assert "benchmark_value" in error.value.message_dict


class TestOverdue:
    @time_machine.travel(datetime.datetime(2024, 7, 1, 1, 0, tzinfo=datetime.UTC))
    def test_overdue_means_open_and_due_before_today_in_shanghai(self):
        # 01:00 UTC is already 09:00 on 1 July in Shanghai: an item due 30 June is overdue.
        trip = factories.TripFactory()
        due = datetime.date(2024, 6, 30)
        overdue = factories.ActionItemFactory(trip=trip, due_date=due)
        in_progress = factories.ActionItemFactory(
            trip=trip, due_date=due, status=ActionItem.Status.IN_PROGRESS
        )
        for status in ("done", "closed", "cancelled"):
            factories.ActionItemFactory(trip=trip, due_date=due, status=status)
        factories.ActionItemFactory(trip=trip, due_date=datetime.date(2024, 7, 1))
        factories.ActionItemFactory(trip=trip, due_date=None)

        assert set(ActionItem.objects.overdue()) == {overdue, in_progress}
        assert overdue.is_overdue

    @time_machine.travel(datetime.datetime(2024, 6, 30, 15, 59, tzinfo=datetime.UTC))
    def test_not_overdue_until_midnight_in_shanghai(self):
        factories.ActionItemFactory(due_date=datetime.date(2024, 6, 30))
        assert not ActionItem.objects.overdue().exists()


class TestPublicBoundary:
    """`.public()` excludes every non-public case of docs/architecture.md's public boundary."""

    @pytest.mark.parametrize("status", ["draft", "submitted"])
    def test_unpublished_trips_and_all_their_parts_are_private(self, status):
        trip = factories.TripFactory(status=status)
        visit = factories.SiteVisitFactory(trip=trip)
        factories.TakeawayFactory(trip=trip, site_visit=visit)
        factories.PhotoFactory(trip=trip, site_visit=visit)
        factories.QuestionFactory(trip=trip)
        factories.IndicatorFactory(trip=trip)
        factories.InstructionFactory(trip=trip, is_public=True)
        factories.ActionItemFactory(trip=trip)

        assert not Trip.objects.public().exists()
        for model in ("SiteVisit", "Takeaway", "Photo", "Question", "Indicator"):
            assert not _model(model).objects.public().exists(), model
        assert not _model("Instruction").objects.public().exists()
        assert not ActionItem.objects.public().exists()

    @pytest.mark.parametrize("status", ["published", "archived"])
    def test_published_and_archived_trips_are_public(self, status):
        trip = factories.TripFactory(status=status)
        factories.TakeawayFactory(trip=trip)
        assert Trip.objects.public().get() == trip
        assert Takeaway.objects.public().count() == 1

    @pytest.mark.parametrize("review_status", ["pending", "returned"])
    def test_takeaways_not_adopted_by_a_leader_stay_internal(self, review_status):
        factories.TakeawayFactory(review_status=review_status)
        assert not Takeaway.objects.public().exists()

    def test_featured_takeaways_are_public(self):
        factories.TakeawayFactory(review_status="featured")
        assert Takeaway.objects.public().exists()

    def test_rows_marked_not_public_stay_internal(self):
        trip = factories.TripFactory()
        factories.SiteVisitFactory(trip=trip, is_public=False)
        factories.TakeawayFactory(trip=trip, is_public=False)
        factories.PhotoFactory(trip=trip, is_public=False)
        factories.QuestionFactory(trip=trip, is_public=False)
        factories.IndicatorFactory(trip=trip, is_public=False)
        factories.InstructionFactory(trip=trip, is_public=False)
        factories.ActionItemFactory(trip=trip, is_public=False)
        for model in (
            "SiteVisit",
            "Takeaway",
            "Photo",
            "Question",
            "Indicator",
            "Instruction",
            "ActionItem",
        ):
            assert not _model(model).objects.public().exists(), model

    def test_instructions_are_private_unless_marked_public(self):
        instruction = factories.InstructionFactory()
        assert not instruction.is_public
        assert not _model("Instruction").objects.public().exists()

    def test_what_was_said_at_a_private_visit_stays_private(self):
        visit = factories.SiteVisitFactory(is_public=False)
        factories.TakeawayFactory(trip=visit.trip, site_visit=visit)
        factories.PhotoFactory(trip=visit.trip, site_visit=visit)
        factories.QuestionFactory(trip=visit.trip, site_visit=visit)
        for model in ("SiteVisit", "Takeaway", "Photo", "Question"):
            assert not _model(model).objects.public().exists(), model

    def test_instruction_on_a_pending_takeaway_stays_private(self):
        takeaway = factories.TakeawayFactory(review_status="pending")
        factories.InstructionFactory(trip=takeaway.trip, takeaway=takeaway, is_public=True)
        assert not _model("Instruction").objects.public().exists()

    def test_public_counts_leave_out_private_rows(self):
        trip = factories.TripFactory()
        factories.SiteVisitFactory(trip=trip)
        factories.SiteVisitFactory(trip=trip, is_public=False)
        factories.TakeawayFactory(trip=trip)
        factories.TakeawayFactory(trip=trip, review_status="pending")
        counted = Trip.objects.with_counts(public=True).get()
        assert (counted.visit_count, counted.takeaway_count) == (1, 1)
        counted = Trip.objects.with_counts().get()
        assert (counted.visit_count, counted.takeaway_count) == (2, 2)


class TestDestinations:
    def test_derived_from_visits_in_order_without_repeats(self):
        trip = factories.TripFactory()
        factories.SiteVisitFactory(trip=trip, city="佛山市")
        factories.SiteVisitFactory(trip=trip, city="中山市", order=1)
        factories.SiteVisitFactory(trip=trip, city="佛山市", order=2)
        assert trip.destination_text() == "佛山市、中山市"

    def test_override_wins(self):
        trip = factories.TripFactory(destinations="粤港澳大湾区")
        factories.SiteVisitFactory(trip=trip)
        assert trip.destination_text() == "粤港澳大湾区"


class TestHistory:
    def test_every_change_is_kept_with_its_author(self, editor):
        visit = factories.SiteVisitFactory(name="三角镇镇情展馆")
        visit._history_user = editor
        visit.name = "三角镇规划展馆"
        visit.save()
        records = list(visit.history.all())
        assert [r.name for r in records] == ["三角镇规划展馆", "三角镇镇情展馆"]
        assert records[0].history_user == editor
        assert records[0].history_type == "~"

    def test_a_deleted_record_can_be_restored(self):
        takeaway = factories.TakeawayFactory(text="以商招商，效率更高。")
        pk = takeaway.pk
        takeaway.delete()
        last = Takeaway.history.filter(id=pk).first()
        last.instance.save()
        assert Takeaway.objects.get(pk=pk).text == "以商招商，效率更高。"


def _model(name):
    from django.apps import apps

    return apps.get_model("tours", name)


def test_site_visits_are_ordered_by_day_then_order_then_time():
    trip = factories.TripFactory()
    later = factories.SiteVisitFactory(trip=trip, start_time=datetime.time(14, 0), end_time=None)
    earlier = factories.SiteVisitFactory(trip=trip, start_time=datetime.time(9, 0))
    next_day = factories.SiteVisitFactory(
        trip=trip, date=trip.start_date + datetime.timedelta(days=1)
    )
    assert list(SiteVisit.objects.all()) == [earlier, later, next_day]
