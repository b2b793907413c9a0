"""Edits to published trips are listed on the leaders' desk until a leader marks them read."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories, files
from tests.admin_forms import form_data
from tours import services
from tours.models import (
    Attachment,
    DeadlineExtension,
    Placement,
    SignedProject,
    SiteVisit,
    SupervisionNotice,
    Trip,
)

pytestmark = pytest.mark.django_db

DESK = reverse("tours:review-desk")


def publish(trip):
    """Publish as the service does, without going through its completeness checks."""
    Trip.objects.filter(pk=trip.pk).update(status="published", published_at=timezone.now())
    trip.refresh_from_db()
    return trip


@pytest.fixture
def published():
    trip = factories.TripFactory(status="draft", title="赴广东中山学习考察")
    factories.SiteVisitFactory(trip=trip, name="三角镇企业服务中心", kind="enterprise")
    factories.TakeawayFactory(trip=trip, text="推行链长制。", review_status="adopted")
    return publish(trip)


def edit_on_the_trip_page(client, user, trip, **changes):
    client.force_login(user)
    url = reverse("admin:tours_trip_change", args=[trip.pk])
    response = client.post(url, form_data(client.get(url)) | changes)
    assert response.status_code == 302
    client.logout()


def desk_page(client, leader):
    client.force_login(leader)
    return client.get(DESK).content.decode()


def listed_trips(client, leader):
    client.force_login(leader)
    return [group.trip.title for group in client.get(DESK).context["edited"]]


def shanghai(moment):
    local = timezone.localtime(moment, datetime.timezone(datetime.timedelta(hours=8)))
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


class TestListed:
    def test_edit_to_a_published_trip_is_listed_on_the_desk_with_what_changed(
        self, client, editor, leader, published
    ):
        edit_on_the_trip_page(
            client,
            editor,
            published,
            **{"theme": "学习营商环境改革", "site_visits-0-kind": "village"},
        )

        page = desk_page(client, leader)

        assert "发布后的修改" in page
        assert "赴广东中山学习考察" in page
        assert "主题" in page and "学习营商环境改革" in page and "学习产业链招商经验" in page
        assert "考察点：三角镇企业服务中心" in page
        assert "<del>企业</del> → <ins>村/社区</ins>" in page
        assert editor.participant.name in page  # the person, not the account "editor"
        when = SiteVisit.history.filter(history_type="~").latest("history_date").history_date
        assert shanghai(when) in page

    def test_a_takeaway_edited_after_publication_is_listed_with_its_old_and_new_text(
        self, client, editor, leader, published
    ):
        takeaway = published.takeaways.get()
        client.force_login(editor)
        url = reverse("admin:tours_takeaway_change", args=[takeaway.pk])
        client.post(url, form_data(client.get(url)) | {"text": "推行链长制，区领导任链长。"})

        page = desk_page(client, leader)

        assert "<del>推行链长制。</del> → <ins>推行链长制，区领导任链长。</ins>" in page

    def test_a_part_added_or_deleted_after_publication_is_listed(
        self, client, editor, leader, published
    ):
        factories.IndicatorFactory(trip=published, name="亩均税收")
        published.site_visits.get().delete()
        page = desk_page(client, leader)
        assert "对标指标：亩均税收" in page
        assert "新增" in page and "删除" in page

    def test_placements_projects_and_documents_added_after_publication_are_listed(
        self, client, editor, leader, published
    ):
        member = published.members.first() or factories.TripMemberFactory(trip=published)
        Placement.objects.create(
            trip=published,
            member=member,
            host_organization=factories.OrganizationFactory(name="深圳市龙岗区坂田街道办事处"),
            start_date=published.start_date,
            end_date=published.end_date,
        )
        SignedProject.objects.create(trip=published, name="锂电池结构件配套项目")
        Attachment.objects.create(trip=published, title="总结会讲话", file=files.pdf())
        page = desk_page(client, leader)
        assert "跟班安排：" in page and member.participant.name in page
        assert "签约项目：锂电池结构件配套项目" in page and "材料：总结会讲话" in page

    def test_the_follow_up_loops_own_records_are_not_edits(self, client, leader, published):
        action = factories.ActionItemFactory(trip=published)
        DeadlineExtension.objects.create(
            action=action, due_date=action.due_date.replace(year=2099), reason="用地报批"
        )
        SupervisionNotice.objects.create(action=action, level="red", text="请报送进展")
        assert listed_trips(client, leader) == [published.title]  # the new item only
        page = desk_page(client, leader)
        assert "用地报批" not in page and "请报送进展" not in page

    def test_an_archived_trips_edits_stay_listed(self, client, editor, leader, published):
        edit_on_the_trip_page(client, editor, published, theme="学习营商环境改革")
        Trip.objects.filter(pk=published.pk).update(status="archived")
        assert listed_trips(client, leader) == ["赴广东中山学习考察"]


class TestNotListed:
    def test_draft_edits_are_not_listed(self, client, editor, leader):
        draft = factories.TripFactory(status="draft", title="尚未发布的考察")
        edit_on_the_trip_page(client, editor, draft, theme="学习营商环境改革")
        factories.SiteVisitFactory(trip=draft)
        assert listed_trips(client, leader) == []
        assert "没有已发布的考察在审阅人上次阅后被修改。" in desk_page(client, leader)

    def test_edits_made_before_publication_are_not_listed(self, client, editor, leader):
        trip = factories.TripFactory(status="draft")
        edit_on_the_trip_page(client, editor, trip, theme="学习营商环境改革")
        publish(trip)
        assert listed_trips(client, leader) == []

    def test_workflow_steps_are_not_listed(self, client, editor, leader, owner):
        trip = factories.TripFactory(status="submitted")
        factories.SiteVisitFactory(trip=trip)
        factories.TripMemberFactory(trip=trip, role="leader")
        takeaway = factories.TakeawayFactory(trip=trip, review_status="pending")
        services.publish_trip(trip=trip, user=leader)
        services.review_takeaway(takeaway=takeaway, user=leader, decision="featured")
        action = factories.ActionItemFactory(
            trip=trip, owner=owner.participant, owner_organization=owner.participant.organization
        )
        Trip.objects.filter(pk=trip.pk).update(published_at=timezone.now())
        services.post_action_update(action=action, user=owner, progress=40, note="已完成选址")
        services.archive_trip(trip=trip, user=leader)
        assert listed_trips(client, leader) == []


class TestMarkingRead:
    def mark(self, client, trip, up_to):
        url = reverse("tours:review-edits-seen", args=[trip.pk])
        return client.post(url, {"up_to": up_to.isoformat()})

    def test_marking_edits_seen_clears_them_from_the_desk(self, client, editor, leader, published):
        edit_on_the_trip_page(client, editor, published, theme="学习营商环境改革")
        client.force_login(leader)
        group = client.get(DESK).context["edited"][0]

        response = self.mark(client, published, group.up_to)

        assert response.status_code == 302
        page = client.get(response.url).content.decode()
        assert "“赴广东中山学习考察”的修改已标记为已阅。" in page
        assert listed_trips(client, leader) == []
        published.seen_edits.refresh_from_db()
        assert published.seen_edits.seen_by == leader

    def test_a_later_edit_is_listed_again(self, client, editor, leader, published):
        edit_on_the_trip_page(client, editor, published, theme="学习营商环境改革")
        client.force_login(leader)
        self.mark(client, published, client.get(DESK).context["edited"][0].up_to)
        edit_on_the_trip_page(client, editor, published, theme="学习产业链招商")
        client.force_login(leader)
        [group] = client.get(DESK).context["edited"]
        assert [c.new for e in group.edits for c in e.changes] == ["学习产业链招商"]

    def test_an_edit_saved_while_the_leader_read_stays_listed(
        self, client, editor, leader, published
    ):
        edit_on_the_trip_page(client, editor, published, theme="学习营商环境改革")
        client.force_login(leader)
        read_up_to = client.get(DESK).context["edited"][0].up_to
        edit_on_the_trip_page(client, editor, published, theme="学习产业链招商")
        client.force_login(leader)
        self.mark(client, published, read_up_to)
        assert listed_trips(client, leader) == ["赴广东中山学习考察"]

    def test_a_long_list_comes_in_parts_oldest_first(
        self, client, editor, leader, published, monkeypatch
    ):
        monkeypatch.setattr("tours.edits.LISTED_PER_TRIP", 2)
        for theme in ("主题一", "主题二", "主题三"):
            edit_on_the_trip_page(client, editor, published, theme=theme)
        client.force_login(leader)
        response = client.get(DESK)
        [group] = response.context["edited"]
        assert [e.changes[0].new for e in group.edits] == ["主题一", "主题二"]
        assert "另有1处较晚的修改，标记已阅后列出。" in response.content.decode()

        self.mark(client, published, group.up_to)

        [group] = client.get(DESK).context["edited"]
        assert [e.changes[0].new for e in group.edits] == ["主题三"]

    def test_an_editor_cannot_mark_edits_read(self, client, editor, published):
        client.force_login(editor)
        assert self.mark(client, published, timezone.now()).status_code == 403
        assert not hasattr(Trip.objects.get(pk=published.pk), "seen_edits")

    def test_the_mark_needs_the_pages_csrf_token(self, leader, published):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(leader)
        assert self.mark(client, published, timezone.now()).status_code == 403

    def test_a_moment_in_the_future_is_refused(self, client, leader, published):
        client.force_login(leader)
        response = self.mark(client, published, timezone.now() + datetime.timedelta(days=1))
        assert "这一时刻尚未到来。" in client.get(response.url).content.decode()
        assert not hasattr(Trip.objects.get(pk=published.pk), "seen_edits")


def build_edited_trips(scale: int, editor):
    """`scale` published trips, each edited after publication in several of its parts."""
    for n in range(scale):
        trip = factories.TripFactory(status="draft")
        visit = factories.SiteVisitFactory(trip=trip)
        member = factories.TripMemberFactory(trip=trip, role="leader")
        takeaway = factories.TakeawayFactory(trip=trip, speaker=member.participant)
        action = factories.ActionItemFactory(trip=trip)
        update = factories.ActionUpdateFactory(action=action)
        publish(trip)
        for obj, name, value in [
            (trip, "theme", f"新主题{n}"),
            (visit, "host_organization", factories.OrganizationFactory()),
            (member, "role", "deputy"),
            (takeaway, "speaker", factories.ParticipantFactory()),
            (action, "owner_organization", factories.OrganizationFactory()),
            (update, "note", "改写的进展"),
        ]:
            setattr(obj, name, value)
            obj._history_user = editor
            obj.save()
        factories.QuestionFactory(trip=trip)
        factories.IndicatorFactory(trip=trip)


@pytest.mark.parametrize("scale", [1, 5])
def test_the_desk_lists_edits_within_its_budget(
    client, leader, editor, scale, django_assert_max_num_queries
):
    build_edited_trips(scale, editor)
    client.force_login(leader)
    with django_assert_max_num_queries(20):
        response = client.get(DESK)
    assert len(response.context["edited"]) == scale
    assert all(len(group.edits) == 8 for group in response.context["edited"])
