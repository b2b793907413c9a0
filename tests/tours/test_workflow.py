"""A trip's way to publication, and leaders' decisions on takeaways (tours.services.workflow)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from tours.models import Takeaway, Trip
from tours.services import (
    archive_trip,
    publish_trip,
    return_trip,
    review_takeaway,
    review_takeaways,
    submit_trip,
)

pytestmark = pytest.mark.django_db


def complete_trip(status="submitted", **kwargs):
    """A trip with everything publishing asks for: dates, a site visit, a leader."""
    trip = factories.TripFactory(status=status, **kwargs)
    factories.SiteVisitFactory(trip=trip)
    factories.TripMemberFactory(trip=trip, role="leader")
    return trip


class TestTransitions:
    def test_an_editor_submits_a_draft_and_is_recorded_as_its_submitter(self, editor):
        trip = complete_trip(status="draft")
        trip = submit_trip(trip=trip, user=editor)
        assert trip.status == Trip.Status.SUBMITTED
        assert trip.submitted_by == editor
        assert trip.submitted_at is not None

    def test_a_leader_publishes_a_complete_submitted_trip(self, leader):
        trip = publish_trip(trip=complete_trip(), user=leader)
        assert trip.status == Trip.Status.PUBLISHED
        assert trip.published_at is not None

    def test_published_at_is_set_once_and_kept_through_archive(self, leader):
        trip = publish_trip(trip=complete_trip(), user=leader)
        first = trip.published_at
        trip = archive_trip(trip=trip, user=leader)
        assert trip.status == Trip.Status.ARCHIVED
        assert trip.published_at == first

    def test_published_at_survives_a_return_and_a_second_publication(self, editor, leader):
        trip = complete_trip()
        first = publish_trip(trip=trip, user=leader).published_at
        Trip.objects.filter(pk=trip.pk).update(status="submitted")
        assert publish_trip(trip=trip, user=leader).published_at == first

    def test_a_leader_returns_a_submitted_trip_to_draft_with_a_comment(self, leader):
        trip = return_trip(trip=complete_trip(), user=leader, comment="请补充考察点的介绍人。")
        assert trip.status == Trip.Status.DRAFT
        assert trip.return_comment == "请补充考察点的介绍人。"

    @pytest.mark.parametrize(
        "service, status, message",
        [
            (submit_trip, "submitted", "只有草稿才能提交审核，此考察当前为待审核。"),
            (submit_trip, "published", "只有草稿才能提交审核，此考察当前为已发布。"),
            (publish_trip, "draft", "只有待审核的考察才能发布，此考察当前为草稿。"),
            (publish_trip, "published", "只有待审核的考察才能发布，此考察当前为已发布。"),
            (archive_trip, "submitted", "只有已发布的考察才能归档，此考察当前为待审核。"),
            (archive_trip, "archived", "只有已发布的考察才能归档，此考察当前为已归档。"),
        ],
    )
    def test_an_illegal_transition_is_refused_with_a_clear_reason(
        self, superuser, service, status, message
    ):
        trip = complete_trip(status=status)
        with pytest.raises(ValidationError) as refused:
            service(trip=trip, user=superuser)
        assert refused.value.messages == [message]
        trip.refresh_from_db()
        assert trip.status == status

    def test_only_a_submitted_trip_can_be_returned(self, leader):
        trip = complete_trip(status="published")
        with pytest.raises(ValidationError, match="只有待审核的考察才能退回"):
            return_trip(trip=trip, user=leader, comment="撤回")

    def test_every_transition_is_in_the_history_with_who_and_when(self, editor, leader):
        trip = complete_trip(status="draft")
        submit_trip(trip=trip, user=editor)
        return_trip(trip=trip, user=leader, comment="数据需核实")
        submit_trip(trip=trip, user=editor)
        publish_trip(trip=trip, user=leader)
        archive_trip(trip=trip, user=leader)
        history = list(trip.history.order_by("history_date")[1:])
        assert [(h.status, h.history_user, h.history_change_reason) for h in history] == [
            ("submitted", editor, "提交审核"),
            ("draft", leader, "退回草稿"),
            ("submitted", editor, "提交审核"),
            ("published", leader, "发布"),
            ("archived", leader, "归档"),
        ]
        assert all(h.history_date for h in history)


class TestPublishingChecksCompleteness:
    def test_an_empty_trip_is_told_exactly_what_is_missing(self, leader):
        trip = factories.TripFactory(status="submitted")
        with pytest.raises(ValidationError) as refused:
            publish_trip(trip=trip, user=leader)
        assert refused.value.messages == [
            "行程为空：请至少添加一个考察点。",
            "考察团没有团长：请指定一名团员为团长。",
        ]
        trip.refresh_from_db()
        assert trip.status == "submitted"
        assert trip.published_at is None

    def test_a_deputy_is_not_a_leader(self, leader):
        trip = factories.TripFactory(status="submitted")
        factories.SiteVisitFactory(trip=trip)
        factories.TripMemberFactory(trip=trip, role="deputy")
        with pytest.raises(ValidationError) as refused:
            publish_trip(trip=trip, user=leader)
        assert refused.value.messages == ["考察团没有团长：请指定一名团员为团长。"]


class TestWhoMayDoWhat:
    @pytest.mark.parametrize("who", ["outsider", "owner", "leader"])
    def test_only_editors_submit(self, request, who):
        with pytest.raises(PermissionDenied):
            submit_trip(trip=complete_trip(status="draft"), user=request.getfixturevalue(who))

    @pytest.mark.parametrize("who", ["outsider", "owner", "editor"])
    @pytest.mark.parametrize("service", [publish_trip, archive_trip])
    def test_only_leaders_publish_and_archive(self, request, who, service):
        with pytest.raises(PermissionDenied):
            service(trip=complete_trip(), user=request.getfixturevalue(who))

    def test_an_editor_cannot_return_a_trip(self, editor):
        with pytest.raises(PermissionDenied):
            return_trip(trip=complete_trip(), user=editor, comment="不行")

    def test_an_editor_cannot_review_takeaways(self, editor):
        takeaway = factories.TakeawayFactory(review_status="pending")
        with pytest.raises(PermissionDenied):
            review_takeaway(takeaway=takeaway, user=editor, decision="adopted")


class TestReturnsTellTheEditor:
    def test_returning_without_a_comment_is_refused_on_the_comment(self, leader):
        trip = complete_trip()
        with pytest.raises(ValidationError) as refused:
            return_trip(trip=trip, user=leader, comment="   ")
        assert refused.value.message_dict == {"comment": ["请填写退回意见，让录入员知道要改什么。"]}
        trip.refresh_from_db()
        assert trip.status == "submitted"
        assert mail.outbox == []

    def test_the_submitting_editor_is_emailed_the_comment(
        self, editor, leader, django_capture_on_commit_callbacks
    ):
        editor.email = "editor@liangping.example.cn"
        editor.save()
        trip = complete_trip(status="draft", title="赴江苏苏州招商考察")
        submit_trip(trip=trip, user=editor)
        with django_capture_on_commit_callbacks(execute=True):
            return_trip(trip=trip, user=leader, comment="请补充对标指标的数据来源。")
        [message] = mail.outbox
        assert message.to == ["editor@liangping.example.cn"]
        assert message.subject == "退回修改：赴江苏苏州招商考察"
        assert "请补充对标指标的数据来源。" in message.body
        assert reverse("admin:tours_trip_change", args=[trip.pk]) in message.body

    def test_the_editor_sees_the_comment_on_the_trip_page(self, client, editor, leader):
        trip = complete_trip(status="draft")
        submit_trip(trip=trip, user=editor)
        return_trip(trip=trip, user=leader, comment="请补充考察点小结。")
        client.force_login(editor)
        page = client.get(reverse("admin:tours_trip_change", args=[trip.pk])).content.decode()
        assert "领导已退回此考察：请补充考察点小结。" in page


class TestReviewingTakeaways:
    def test_a_leader_adopts_a_takeaway_and_is_recorded_as_its_reviewer(self, leader):
        takeaway = factories.TakeawayFactory(review_status="pending")
        review_takeaway(takeaway=takeaway, user=leader, decision="adopted", comment="很好")
        takeaway.refresh_from_db()
        assert takeaway.review_status == Takeaway.ReviewStatus.ADOPTED
        assert takeaway.reviewed_by == leader
        assert takeaway.reviewed_at is not None
        assert takeaway.review_comment == "很好"
        assert takeaway.history.first().history_user == leader

    def test_returning_a_takeaway_needs_a_comment(self, leader):
        takeaway = factories.TakeawayFactory(review_status="pending")
        with pytest.raises(ValidationError) as refused:
            review_takeaway(takeaway=takeaway, user=leader, decision="returned")
        assert refused.value.message_dict == {"comment": ["退回收获时请填写意见，说明要修改什么。"]}
        takeaway.refresh_from_db()
        assert takeaway.review_status == "pending"

    def test_an_unknown_decision_is_refused(self, leader):
        takeaway = factories.TakeawayFactory(review_status="pending")
        with pytest.raises(ValidationError, match="请选择采纳、重点推荐或退回"):
            review_takeaway(takeaway=takeaway, user=leader, decision="pending")

    def test_takeaways_of_an_archived_trip_are_locked(self, leader):
        takeaway = factories.TakeawayFactory(
            trip=factories.TripFactory(status="archived"), review_status="pending"
        )
        with pytest.raises(ValidationError, match="已归档"):
            review_takeaway(takeaway=takeaway, user=leader, decision="adopted")

    def test_a_bulk_return_emails_each_trip_editor_once(
        self, editor, leader, django_capture_on_commit_callbacks
    ):
        editor.email = "editor@liangping.example.cn"
        editor.save()
        trip = complete_trip(status="draft", title="赴浙江安吉专题培训")
        submit_trip(trip=trip, user=editor)
        takeaways = factories.TakeawayFactory.create_batch(
            3, trip=trip, review_status="pending", text="数据待核实的经验做法"
        )
        with django_capture_on_commit_callbacks(execute=True):
            review_takeaways(
                takeaways=takeaways, user=leader, decision="returned", comment="数据需核实"
            )
        [message] = mail.outbox
        assert message.subject == "收获被退回：赴浙江安吉专题培训"
        assert message.body.count("数据待核实的经验做法") == 3
        assert "数据需核实" in message.body

    def test_a_returned_takeaway_stays_off_the_public_report(self, client, leader):
        trip = complete_trip(status="published")
        takeaway = factories.TakeawayFactory(trip=trip, text="需要退回的收获", kind="quote")
        review_takeaway(takeaway=takeaway, user=leader, decision="returned", comment="不准确")
        page = client.get(trip.get_absolute_url()).content.decode()
        assert "需要退回的收获" not in page
        assert "不准确" not in page


class TestAdminWorkflow:
    def test_an_editor_submits_from_the_trip_page(self, client, editor):
        trip = complete_trip(status="draft")
        client.force_login(editor)
        page = client.get(reverse("admin:tours_trip_change", args=[trip.pk])).content.decode()
        assert "提交审核" in page
        response = client.post(reverse("admin:tours_trip_submit", args=[trip.pk]))
        assert response.status_code == 302
        trip.refresh_from_db()
        assert trip.status == "submitted"
        assert trip.submitted_by == editor

    def test_status_stays_read_only_on_the_trip_page(self, client, editor):
        trip = complete_trip(status="draft")
        client.force_login(editor)
        form = (
            client.get(reverse("admin:tours_trip_change", args=[trip.pk])).context["adminform"].form
        )
        assert "status" not in form.fields
        assert "published_at" not in form.fields

    def test_a_leader_publishes_selected_trips_with_an_admin_action(self, client, leader):
        ready, empty = complete_trip(), factories.TripFactory(status="submitted", title="空考察")
        client.force_login(leader)
        response = client.post(
            reverse("admin:tours_trip_changelist"),
            {"action": "publish_selected", "_selected_action": [ready.pk, empty.pk]},
            follow=True,
        )
        page = response.content.decode()
        assert "《空考察》：行程为空" in page
        ready.refresh_from_db()
        empty.refresh_from_db()
        assert (ready.status, empty.status) == ("published", "submitted")

    def test_an_editor_is_not_offered_publishing(self, client, editor):
        client.force_login(editor)
        actions = client.get(reverse("admin:tours_trip_changelist")).context["action_form"]
        names = [name for name, _label in actions.fields["action"].choices]
        assert "submit_selected" in names
        assert "publish_selected" not in names
        assert "archive_selected" not in names
