"""Two people on one trip: a save from a page opened before the other's save is refused."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.admin_forms import form_data
from tours import services
from tours.models import SiteVisit, Trip

pytestmark = pytest.mark.django_db

# 10:00, 10:15 and 10:20 on 2 December in Shanghai.
OPENED = datetime.datetime(2025, 12, 2, 2, 0, tzinfo=datetime.UTC)
SAVED = OPENED + datetime.timedelta(minutes=15)
LATER = OPENED + datetime.timedelta(minutes=20)

REFUSED = "本页打开后，张三于 12月2日 10:15 修改了此{what}，请刷新后再保存；您填写的内容仍在下方。"


@pytest.fixture
def colleague(db):
    """Another 录入员, 张三, working on the same trips."""
    user = factories.UserFactory(username="zhangsan", is_staff=True)
    user.groups.add(Group.objects.get(name="录入员"))
    factories.ParticipantFactory(name="张三", user=user, organization=factories.home_department())
    other = Client()
    other.force_login(user)
    return other


def trip_url(trip):
    return reverse("admin:tours_trip_change", args=[trip.pk])


def visit_url(visit):
    return reverse("admin:tours_sitevisit_change", args=[visit.pk])


def save_from_fresh_page(client, url, **changes):
    data = form_data(client.get(url))
    response = client.post(url, data | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def non_field_errors(response):
    return list(response.context["adminform"].form.non_field_errors())


class TestTripPage:
    def test_save_from_a_page_opened_before_another_save_is_refused(
        self, client, editor, colleague
    ):
        client.force_login(editor)
        with time_machine.travel(OPENED, tick=False) as clock:
            trip = factories.TripFactory(status="draft", title="赴佛山学习考察")
            opened = form_data(client.get(trip_url(trip)))
            clock.move_to(SAVED)
            save_from_fresh_page(colleague, trip_url(trip), theme="学习制造业当家")
            clock.move_to(LATER)
            response = client.post(trip_url(trip), opened | {"title": "赴佛山顺德学习考察"})

        assert response.status_code == 200
        assert non_field_errors(response) == [REFUSED.format(what="考察")]
        assert response.context["adminform"].form["title"].value() == "赴佛山顺德学习考察"
        assert "赴佛山顺德学习考察" in response.content.decode()
        trip.refresh_from_db()
        assert (trip.title, trip.theme) == ("赴佛山学习考察", "学习制造业当家")

    def test_a_part_saved_on_its_own_page_makes_the_trip_page_stale(
        self, client, editor, colleague
    ):
        visit = factories.SiteVisitFactory(trip__status="draft", name="三角镇镇情展馆")
        client.force_login(editor)
        opened = form_data(client.get(trip_url(visit.trip)))
        save_from_fresh_page(colleague, visit_url(visit), name="三角镇规划展馆")

        response = client.post(trip_url(visit.trip), opened)

        assert response.status_code == 200
        assert "请刷新后再保存" in non_field_errors(response)[0]
        assert SiteVisit.objects.get().name == "三角镇规划展馆"

    def test_fresh_save_passes(self, client, editor, colleague):
        trip = factories.TripFactory(status="draft", title="赴佛山学习考察")
        factories.SiteVisitFactory(trip=trip)
        client.force_login(editor)
        save_from_fresh_page(colleague, trip_url(trip), theme="学习制造业当家")
        save_from_fresh_page(client, trip_url(trip), title="赴佛山顺德学习考察")
        # Right after one's own save, from the page it reloads.
        save_from_fresh_page(client, trip_url(trip), title="赴佛山顺德区学习考察")

        assert Trip.objects.get().title == "赴佛山顺德区学习考察"

    def test_the_add_page_has_no_version(self, client, editor):
        client.force_login(editor)
        response = client.get(reverse("admin:tours_trip_add"))

        assert "page_version" not in response.content.decode()


class TestPartPage:
    def test_save_from_a_page_opened_before_another_save_is_refused(
        self, client, editor, colleague
    ):
        client.force_login(editor)
        with time_machine.travel(OPENED, tick=False) as clock:
            visit = factories.SiteVisitFactory(trip__status="draft", name="三角镇镇情展馆")
            opened = form_data(client.get(visit_url(visit)))
            clock.move_to(SAVED)
            save_from_fresh_page(colleague, visit_url(visit), summary="了解镇情和产业布局")
            clock.move_to(LATER)
            response = client.post(visit_url(visit), opened | {"name": "三角镇规划展馆"})

        assert response.status_code == 200
        assert non_field_errors(response) == [REFUSED.format(what="考察点")]
        assert response.context["adminform"].form["name"].value() == "三角镇规划展馆"
        visit.refresh_from_db()
        assert (visit.name, visit.summary) == ("三角镇镇情展馆", "了解镇情和产业布局")

    def test_a_change_elsewhere_in_the_trip_leaves_the_page_fresh(self, client, editor, colleague):
        visit = factories.SiteVisitFactory(trip__status="draft", name="三角镇镇情展馆")
        other = factories.SiteVisitFactory(trip=visit.trip, name="火炬开发区")
        client.force_login(editor)
        opened = form_data(client.get(visit_url(visit)))
        save_from_fresh_page(colleague, visit_url(other), name="火炬开发区展厅")

        response = client.post(visit_url(visit), opened | {"name": "三角镇规划展馆"})

        assert response.status_code == 302
        assert SiteVisit.objects.get(pk=visit.pk).name == "三角镇规划展馆"

    def test_fresh_save_passes(self, client, editor):
        visit = factories.SiteVisitFactory(trip__status="draft", name="三角镇镇情展馆")
        client.force_login(editor)
        # The first save also touches the trip; the part's next page is fresh all the same.
        save_from_fresh_page(client, visit_url(visit), name="三角镇规划展馆")
        save_from_fresh_page(client, visit_url(visit), name="三角镇规划馆")

        assert SiteVisit.objects.get().name == "三角镇规划馆"


class TestActionItemPage:
    def test_progress_posted_since_the_page_opened_is_not_overwritten(self, client, editor, owner):
        action = factories.ActionItemFactory(trip__status="published", owner=owner.participant)
        url = reverse("admin:tours_actionitem_change", args=[action.pk])
        client.force_login(editor)
        opened = form_data(client.get(url))
        services.post_action_update(action=action, user=owner, progress=40, note="已完成方案")

        response = client.post(url, opened | {"title": "建立季度对接会制度"})

        assert response.status_code == 200
        assert f"本页打开后，{owner.participant.name}于" in non_field_errors(response)[0]
        action.refresh_from_db()
        assert (action.title, action.progress) == ("建立“链长+链主”季度对接会制度", 40)


def review_url(trip, name="review-trip"):
    return reverse(f"tours:{name}", args=[trip.pk])


def submitted_takeaway():
    trip = factories.TripFactory(status="submitted", title="赴佛山学习考察")
    return factories.TakeawayFactory(trip=trip, text="产业链图谱招商", review_status="pending")


class TestReviewDesk:
    @pytest.fixture
    def takeaway(self):
        return submitted_takeaway()

    def test_save_from_a_page_opened_before_another_save_is_refused(
        self, client, leader, colleague
    ):
        client.force_login(leader)
        with time_machine.travel(OPENED, tick=False) as clock:
            takeaway = submitted_takeaway()
            url = reverse("admin:tours_takeaway_change", args=[takeaway.pk])
            opened = client.get(review_url(takeaway.trip)).context["page_version"]
            clock.move_to(SAVED)
            save_from_fresh_page(colleague, url, text="产业链图谱精准招商")
            clock.move_to(LATER)
            response = client.post(
                review_url(takeaway.trip, "review-takeaways"),
                {
                    "act": "returned",
                    "takeaways": [takeaway.pk],
                    "comment": "请补充成效数据",
                    "page_version": opened,
                },
            )

        assert response.status_code == 200
        assert REFUSED.format(what="考察") in response.content.decode()
        assert "请补充成效数据" in response.content.decode()
        takeaway.refresh_from_db()
        assert (takeaway.text, takeaway.review_status) == ("产业链图谱精准招商", "pending")

    def test_returning_a_trip_changed_since_the_page_opened_is_refused(
        self, client, leader, colleague, takeaway
    ):
        trip = takeaway.trip
        client.force_login(leader)
        opened = client.get(review_url(trip)).context["page_version"]
        save_from_fresh_page(colleague, trip_url(trip), theme="学习制造业当家")

        response = client.post(
            review_url(trip, "review-return"), {"comment": "行程不全", "page_version": opened}
        )

        assert response.status_code == 200
        assert "请刷新后再保存" in response.content.decode()
        assert "行程不全" in response.content.decode()
        assert Trip.objects.get().status == "submitted"

    def test_publishing_a_trip_changed_since_the_page_opened_is_refused(
        self, client, leader, colleague
    ):
        visit = factories.SiteVisitFactory(trip__status="submitted", name="三角镇镇情展馆")
        client.force_login(leader)
        opened = client.get(review_url(visit.trip)).context["page_version"]
        save_from_fresh_page(colleague, visit_url(visit), name="三角镇规划展馆")

        response = client.post(review_url(visit.trip, "review-publish"), {"page_version": opened})

        assert response.status_code == 200
        assert "请刷新后再保存" in response.content.decode()
        assert Trip.objects.get().status == "submitted"

    def test_fresh_save_passes(self, client, leader, takeaway):
        second = factories.TakeawayFactory(trip=takeaway.trip, review_status="pending")
        client.force_login(leader)
        version = client.get(review_url(takeaway.trip)).context["page_version"]
        # Decisions made in place, one after the other, from the page that stays open.
        for one in (takeaway, second):
            response = client.post(
                review_url(takeaway.trip, "review-takeaways"),
                {"act": f"adopted:{one.pk}", "page_version": version},
                headers={"X-Requested-With": "fetch"},
            )
            assert response.json()["ok"], response.json()
            version = response.json()["page_version"]

        response = client.post(
            review_url(takeaway.trip, "review-return"),
            {"comment": "行程不全", "page_version": version},
        )

        assert response.status_code == 302
        assert Trip.objects.get().status == "draft"
