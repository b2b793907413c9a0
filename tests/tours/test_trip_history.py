"""A trip's history page as staff read it: the trip's saves and its parts', in Beijing
time, each by a person's name; a deleted part restored without its workflow fields."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests import factories
from tests.admin_forms import form_data
from tours import services
from tours.models import ActionItem, Indicator, Question, Takeaway, Trip, TripMember

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def history_url(trip):
    return reverse("admin:tours_trip_history", args=[trip.pk])


def restore_url(trip, obj_or_model, pk):
    name = obj_or_model._meta.model_name
    return reverse("admin:tours_trip_restore", args=[trip.pk, name, pk])


def history_page(client, user, trip):
    client.force_login(user)
    response = client.get(history_url(trip))
    assert response.status_code == 200
    return response


def save_as(obj, user):
    obj._history_user = user
    obj.save()


def delete_as(obj, user):
    obj._history_user = user
    obj.delete()


@pytest.fixture
def trip():
    return factories.TripFactory(status="draft", title="赴中山三角镇交流座谈")


def add_rows(data, prefix, rows):
    """Rows typed into the empty lines of an inline on the trip page."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for i, row in enumerate(rows, start):
        data |= {f"{prefix}-{i}-{name}": value for name, value in row.items()}
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


class TestTheTripsHistoryListsItsParts:
    def test_a_save_that_adds_rows_lists_every_row_it_added(self, client, editor, trip):
        client.force_login(editor)
        unit = factories.OrganizationFactory(name="梁平区招商服务中心")
        url = reverse("admin:tours_trip_change", args=[trip.pk])
        data = form_data(client.get(url))
        add_rows(data, "questions", [{"text": f"问题{i}", "order": i} for i in range(3)])
        add_rows(
            data,
            "indicators",
            [{"name": "规上工业企业数", "unit": "家", "benchmark": "三角镇", "order": 0}],
        )
        add_rows(data, "takeaways", [{"kind": "lesson", "text": f"收获{i}"} for i in range(7)])
        add_rows(
            data,
            "action_items",
            [{"title": f"落实事项{i}", "owner_organization": unit.pk} for i in range(3)],
        )
        assert client.post(url, data).status_code == 302

        response = history_page(client, editor, trip)

        added = [e for e in response.context["trip_history"].object_list if e.is_addition]
        kinds = [entry.model for entry in added]
        assert (kinds.count(Question), kinds.count(Indicator)) == (3, 1)
        assert (kinds.count(Takeaway), kinds.count(ActionItem)) == (7, 3)
        page = response.content.decode()
        for text in ["问题0", "问题2", "规上工业企业数", "收获0", "收获6", "落实事项2"]:
            assert text in page
        assert "问题清单" in page and "对标指标" in page

    def test_a_change_to_a_part_shows_the_field_as_labelled_and_its_old_and_new_value(
        self, client, editor, trip
    ):
        takeaway = factories.TakeawayFactory(trip=trip, text="推行链长制。")
        takeaway.text = "推行链长制，区领导任链长。"
        save_as(takeaway, editor)

        page = history_page(client, editor, trip).content.decode()

        assert '<td class="trip-history__part">收获</td>' in page
        change = "推行链长制。&nbsp;&rarr;&nbsp;&nbsp;推行链长制，区领导任链长。"
        assert f"<li><strong>内容:</strong> {change}</li>" in page
        # Editing a reviewed takeaway's text returned it to review: the history says so too.
        assert "<li><strong>审阅状态:</strong> 采纳&nbsp;&rarr;&nbsp;&nbsp;待审</li>" in page

    def test_a_deleted_part_is_listed_with_a_restore_button(self, client, editor, trip):
        takeaway = factories.TakeawayFactory(trip=trip, text="整合审批事项，一窗受理。")
        pk = takeaway.pk
        delete_as(takeaway, editor)

        response = history_page(client, editor, trip)

        deleted = [e for e in response.context["trip_history"].object_list if e.is_deletion]
        assert [(e.model, e.record.id) for e in deleted] == [(Takeaway, pk)]
        page = response.content.decode()
        assert "整合审批事项，一窗受理。" in page
        assert restore_url(trip, Takeaway, pk) in page and "恢复" in page

    def test_the_progress_reports_of_a_deleted_action_item_stay_listed(self, client, editor, trip):
        action = factories.ActionItemFactory(trip=trip, title="建立季度对接会制度")
        factories.ActionUpdateFactory(action=action, note="已召开专题会议。")
        action.delete()

        page = history_page(client, editor, trip).content.decode()

        assert "已召开专题会议。" in page

    def test_the_parts_of_other_trips_are_not_listed(self, client, editor, trip):
        factories.TakeawayFactory(trip=trip, text="本次考察的收获。")
        factories.TakeawayFactory(trip=factories.TripFactory(), text="另一次考察的收获。")

        page = history_page(client, editor, trip).content.decode()

        assert "本次考察的收获。" in page and "另一次考察的收获。" not in page

    def test_another_departments_trip_history_is_404(self, client, editor):
        elsewhere = factories.TripFactory(organizer=factories.OrganizationFactory(name="外区"))
        client.force_login(editor)
        assert client.get(history_url(elsewhere)).status_code == 404


class TestTimesAndNames:
    def test_times_are_beijing_time_to_the_minute(self, client, editor, trip):
        trip.published_at = datetime.datetime(2026, 12, 4, 12, 31, 5, 123456, tzinfo=UTC)
        save_as(trip, editor)

        page = history_page(client, editor, trip).content.decode()

        assert "2026年12月4日 20:31" in page
        assert "12:31:05" not in page and "+00:00" not in page and "123456" not in page

    def test_a_parts_own_history_page_shows_times_in_beijing_time(self, client, editor, trip):
        action = factories.ActionItemFactory(trip=trip)
        action.closed_at = datetime.datetime(2026, 12, 4, 12, 31, 5, 123456, tzinfo=UTC)
        save_as(action, editor)
        client.force_login(editor)

        page = client.get(reverse("admin:tours_actionitem_history", args=[action.pk]))

        text = page.content.decode()
        assert "2026年12月4日 20:31" in text and "+00:00" not in text

    def test_who_saved_is_named_by_their_person_in_chinese_order(self, client, editor, trip):
        editor.first_name, editor.last_name = "伟明", "黄"
        editor.save()
        editor.participant.name = "黄伟明"
        editor.participant.save()
        factories.TakeawayFactory(trip=trip, text="收获一则。")._history_user = editor
        trip.theme = "营商环境"
        save_as(trip, editor)

        for url in [history_url(trip), reverse("admin:tours_trip_change", args=[trip.pk])]:
            client.force_login(editor)
            page = client.get(url.replace("/change/", "/history/")).content.decode()
            assert "黄伟明" in page
            assert "伟明 黄" not in page and "<td>editor</td>" not in page


def trip_with_records(n):
    trip = factories.TripFactory(status="draft")
    editor = factories.UserFactory(username=f"editor{n}")
    factories.act_for(editor)
    unit = factories.OrganizationFactory(name="梁平区商务委")
    for i in range(n):
        visit = factories.SiteVisitFactory(trip=trip, name=f"考察点{i}")
        factories.TripMemberFactory(trip=trip)
        factories.QuestionFactory(trip=trip, text=f"问题{i}", site_visit=visit)
        factories.IndicatorFactory(trip=trip, name=f"指标{i}")
        takeaway = factories.TakeawayFactory(trip=trip, text=f"收获{i}", site_visit=visit)
        takeaway.site_visit = None
        save_as(takeaway, editor)
        action = factories.ActionItemFactory(trip=trip, owner_organization=unit)
        action.owner = factories.ParticipantFactory()
        save_as(action, editor)
        factories.ActionUpdateFactory(action=action)
        factories.InstructionFactory(trip=trip)
        delete_as(factories.TakeawayFactory(trip=trip), editor)
    return trip


@pytest.mark.parametrize("n", [1, 6])
def test_the_history_page_stays_within_its_query_budget(
    client, editor, n, django_assert_max_num_queries
):
    trip = trip_with_records(n)
    client.force_login(editor)
    client.get(history_url(trip))  # the session and the permissions, read once

    with django_assert_max_num_queries(30):
        response = client.get(history_url(trip))

    assert response.status_code == 200
    assert len(response.context["trip_history"].object_list) >= 10 * n


class TestRestore:
    def test_a_restored_takeaway_comes_back_as_it_was_but_pending_review(
        self, client, editor, leader, trip
    ):
        visit = factories.SiteVisitFactory(trip=trip)
        takeaway = factories.TakeawayFactory(
            trip=trip, site_visit=visit, text="整合审批事项，一窗受理。", kind="insight"
        )
        services.review_takeaway(takeaway=takeaway, user=leader, decision="featured", comment="好")
        pk = takeaway.pk
        delete_as(Takeaway.objects.get(pk=pk), editor)
        client.force_login(editor)

        response = client.post(restore_url(trip, Takeaway, pk))

        assert response.status_code == 302 and response.url == history_url(trip)
        restored = Takeaway.objects.get(pk=pk)
        assert (restored.trip, restored.site_visit, restored.kind) == (trip, visit, "insight")
        assert restored.text == "整合审批事项，一窗受理。"
        assert restored.review_status == Takeaway.ReviewStatus.PENDING
        assert (restored.reviewed_by, restored.reviewed_at, restored.review_comment) == (
            None,
            None,
            "",
        )
        latest = restored.history.first()
        assert (latest.history_type, latest.history_user) == ("+", editor)
        assert "恢复" in latest.history_change_reason

    def test_once_restored_the_deletion_has_no_button_any_more(self, client, editor, trip):
        takeaway = factories.TakeawayFactory(trip=trip)
        pk = takeaway.pk
        delete_as(takeaway, editor)
        client.force_login(editor)
        client.post(restore_url(trip, Takeaway, pk))

        page = history_page(client, editor, trip).content.decode()

        assert restore_url(trip, Takeaway, pk) not in page

    def test_a_restored_action_item_starts_afresh_in_its_workflow(self, editor, trip):
        parent = factories.ActionItemFactory(trip=trip, title="上级事项")
        action = factories.ActionItemFactory(trip=trip, title="建立季度对接会制度")
        ActionItem.objects.filter(pk=action.pk).update(
            status="done", progress=100, parent=parent, original_due_date="2024-05-01"
        )
        action.refresh_from_db()
        save_as(action, editor)  # the history's last version holds the workflow fields
        pk = action.pk
        delete_as(action, editor)

        restored = services.restore_part(model=ActionItem, record_id=pk, user=editor)

        assert restored.title == "建立季度对接会制度"
        assert (restored.status, restored.progress) == (ActionItem.Status.NOT_STARTED, 0)
        assert (restored.parent, restored.closed_at, restored.original_due_date) == (
            None,
            None,
            None,
        )
        assert (restored.acknowledged_at, restored.created_by) == (None, editor)

    def test_a_link_to_a_row_deleted_since_is_left_empty(self, editor, trip):
        visit = factories.SiteVisitFactory(trip=trip)
        question = factories.QuestionFactory(trip=trip, site_visit=visit)
        pk = question.pk
        question.delete()
        visit.delete()

        restored = services.restore_part(model=Question, record_id=pk, user=editor)

        assert restored.site_visit is None and restored.text == question.text

    def test_a_restored_action_item_keeps_its_links_to_takeaways_and_co_units(self, editor, trip):
        takeaway = factories.TakeawayFactory(trip=trip)
        co_unit = factories.OrganizationFactory(name="梁平区财政局")
        action = factories.ActionItemFactory(trip=trip)
        action.source_takeaways.add(takeaway)
        action.support_organizations.add(co_unit)
        save_as(action, editor)
        pk = action.pk
        delete_as(action, editor)

        restored = services.restore_part(model=ActionItem, record_id=pk, user=editor)

        assert list(restored.source_takeaways.all()) == [takeaway]
        assert list(restored.support_organizations.all()) == [co_unit]

    def test_a_member_whose_person_is_in_the_delegation_again_is_refused_with_a_reason(
        self, client, editor, trip
    ):
        member = factories.TripMemberFactory(trip=trip)
        pk, person = member.pk, member.participant
        member.delete()
        factories.TripMemberFactory(trip=trip, participant=person)
        client.force_login(editor)

        response = client.post(restore_url(trip, TripMember, pk), follow=True)

        assert not TripMember.objects.filter(pk=pk).exists()
        [message] = [str(m) for m in response.context["messages"]]
        assert message == "该人员已在考察团中。"

    def test_restoring_is_refused_on_an_archived_trip(self, client, editor, trip):
        takeaway = factories.TakeawayFactory(trip=trip)
        pk = takeaway.pk
        takeaway.delete()
        Trip.objects.filter(pk=trip.pk).update(status="archived")
        client.force_login(editor)

        assert (
            restore_url(trip, Takeaway, pk)
            not in history_page(client, editor, trip).content.decode()
        )
        assert client.post(restore_url(trip, Takeaway, pk)).status_code == 403
        with pytest.raises(PermissionDenied):
            services.restore_part(model=Takeaway, record_id=pk, user=editor)
        assert not Takeaway.objects.filter(pk=pk).exists()

    def test_restoring_needs_the_parts_add_and_change_permissions(self, client, leader, trip):
        takeaway = factories.TakeawayFactory(trip=trip)
        pk = takeaway.pk
        takeaway.delete()
        assert not leader.has_perm("tours.add_takeaway")
        client.force_login(leader)

        assert (
            restore_url(trip, Takeaway, pk)
            not in history_page(client, leader, trip).content.decode()
        )
        assert client.post(restore_url(trip, Takeaway, pk)).status_code == 403
        assert not Takeaway.objects.filter(pk=pk).exists()

    def test_another_departments_part_is_404(self, client, editor):
        elsewhere = factories.TripFactory(organizer=factories.OrganizationFactory(name="外区"))
        takeaway = factories.TakeawayFactory(trip=elsewhere)
        pk = takeaway.pk
        takeaway.delete()
        client.force_login(editor)

        assert client.post(restore_url(elsewhere, Takeaway, pk)).status_code == 404
        with pytest.raises(PermissionDenied):
            services.restore_part(model=Takeaway, record_id=pk, user=editor)

    def test_a_record_that_is_not_deleted_or_of_another_trip_is_not_restored(
        self, client, editor, trip
    ):
        kept = factories.TakeawayFactory(trip=trip)
        other = factories.TakeawayFactory(trip=factories.TripFactory(status="draft"))
        other_pk = other.pk
        other.delete()
        client.force_login(editor)

        assert client.post(restore_url(trip, Takeaway, other_pk)).status_code == 404
        client.post(restore_url(trip, Takeaway, kept.pk))
        assert Takeaway.objects.filter(trip=trip).count() == 1
        assert not Takeaway.objects.filter(pk=other_pk).exists()

    def test_photos_and_progress_reports_are_not_restored(self, client, editor, trip):
        action = factories.ActionItemFactory(trip=trip)
        update = factories.ActionUpdateFactory(action=action)
        pk = update.pk
        update.delete()
        client.force_login(editor)

        response = client.post(
            reverse("admin:tours_trip_restore", args=[trip.pk, "actionupdate", pk])
        )

        assert response.status_code == 404
