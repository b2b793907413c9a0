"""The leaders' review desk (/review/): what waits, deciding, turning takeaways into actions."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tours.models import ActionItem, Instruction, Takeaway, Trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    """A submitted trip, complete enough to publish, with three takeaways waiting."""
    trip = factories.TripFactory(status="submitted", title="赴江苏苏州招商考察")
    visit = factories.SiteVisitFactory(trip=trip, name="苏州工业园区企业服务中心")
    factories.TripMemberFactory(trip=trip, role="leader")
    speaker = factories.ParticipantFactory(name="顾志华", title="招商局副局长")
    for text in ("推行“一企一专员”服务", "产业链图谱招商", "标准厂房先建后招"):
        factories.TakeawayFactory(
            trip=trip, site_visit=visit, speaker=speaker, text=text, review_status="pending"
        )
    return trip


@pytest.fixture
def desk(client, leader):
    client.force_login(leader)
    return client


def trip_url(trip, name="review-trip"):
    return reverse(f"tours:{name}", args=[trip.pk])


def pending(trip):
    return list(trip.takeaways.filter(review_status="pending").order_by("id"))


class TestWhatWaits:
    def test_the_desk_lists_submitted_trips_and_pending_takeaways(self, desk, submitted):
        published = factories.TripFactory(status="published", title="赴广东佛山学习考察")
        factories.TakeawayFactory(trip=published, review_status="pending")
        factories.TripFactory(status="draft", title="没有待审内容的草稿")
        page = desk.get(reverse("tours:review-desk")).content.decode()
        assert "赴江苏苏州招商考察" in page
        assert "3条收获待审" in page
        assert "赴广东佛山学习考察" in page
        assert "没有待审内容的草稿" not in page

    def test_the_trip_page_shows_each_takeaway_with_its_visit_and_speaker(self, desk, submitted):
        page = desk.get(trip_url(submitted)).content.decode()
        assert "推行“一企一专员”服务" in page
        assert "苏州工业园区企业服务中心" in page
        assert "顾志华" in page
        assert "日期、行程和团长齐全，可以发布。" in page

    def test_the_trip_page_says_what_is_missing_before_publication(self, desk):
        trip = factories.TripFactory(status="submitted")
        page = desk.get(trip_url(trip)).content.decode()
        assert "行程为空：请至少添加一个考察点。" in page
        assert "考察团没有团长：请指定一名团员为团长。" in page


class TestDeciding:
    def test_one_takeaway_is_adopted_with_its_own_row_button(self, desk, submitted):
        first = pending(submitted)[0]
        response = desk.post(
            trip_url(submitted, "review-takeaways"),
            {"act": f"adopted:{first.pk}", f"comment-{first.pk}": "好经验"},
        )
        assert response.status_code == 302
        first.refresh_from_db()
        assert (first.review_status, first.review_comment) == ("adopted", "好经验")
        assert len(pending(submitted)) == 2

    def test_ticked_takeaways_are_featured_together(self, desk, submitted):
        picked = pending(submitted)[:2]
        desk.post(
            trip_url(submitted, "review-takeaways"),
            {"act": "featured", "takeaways": [t.pk for t in picked], "comment": ""},
        )
        statuses = Takeaway.objects.filter(pk__in=[t.pk for t in picked]).values_list(
            "review_status", flat=True
        )
        assert set(statuses) == {"featured"}

    def test_returning_a_row_without_a_comment_says_so_on_that_row(self, desk, submitted):
        first = pending(submitted)[0]
        response = desk.post(
            trip_url(submitted, "review-takeaways"), {"act": f"returned:{first.pk}"}
        )
        assert response.status_code == 200
        assert "退回收获时请填写意见，说明要修改什么。" in response.content.decode()
        assert response.context["takeaways"][0].desk_errors
        first.refresh_from_db()
        assert first.review_status == "pending"

    def test_a_bulk_return_without_a_comment_keeps_the_ticks(self, desk, submitted):
        picked = [t.pk for t in pending(submitted)[:2]]
        response = desk.post(
            trip_url(submitted, "review-takeaways"), {"act": "returned", "takeaways": picked}
        )
        assert response.context["decision_form"].errors == {
            "comment": ["退回收获时请填写意见，说明要修改什么。"]
        }
        assert response.context["selected"] == set(picked)
        assert len(pending(submitted)) == 3

    def test_nothing_ticked_is_refused(self, desk, submitted):
        response = desk.post(trip_url(submitted, "review-takeaways"), {"act": "adopted"})
        assert "请至少勾选一条收获。" in response.content.decode()

    def test_a_decision_by_script_answers_json(self, desk, submitted):
        first = pending(submitted)[0]
        url = trip_url(submitted, "review-takeaways")
        ok = desk.post(url, {"act": f"featured:{first.pk}"}, headers={"X-Requested-With": "fetch"})
        submitted.refresh_from_db()
        assert ok.json() == {
            "ok": True,
            "status": "重点推荐",
            "page_version": submitted.updated_at.isoformat(),
        }
        refused = desk.post(
            url, {"act": f"returned:{first.pk}"}, headers={"X-Requested-With": "fetch"}
        )
        assert refused.status_code == 400
        assert refused.json() == {
            "ok": False,
            "errors": ["退回收获时请填写意见，说明要修改什么。"],
        }

    def test_a_takeaway_of_another_trip_cannot_be_decided_through_this_one(self, desk, submitted):
        stranger = factories.TakeawayFactory(review_status="pending")
        desk.post(trip_url(submitted, "review-takeaways"), {"act": f"adopted:{stranger.pk}"})
        stranger.refresh_from_db()
        assert stranger.review_status == "pending"


class TestTurningTakeawaysIntoAnAction:
    def form(self, takeaways, **changes):
        unit = factories.OrganizationFactory(name="梁平区招商投资促进中心")
        return {
            "act": "action",
            "takeaways": [t.pk for t in takeaways],
            "action-title": "建立企业服务专员制度",
            "action-owner_organization": unit.pk,
            "action-owner": "",
            "action-due_date": (datetime.date.today() + datetime.timedelta(60)).isoformat(),
            "action-description": "",
            "action-is_public": "on",
            **changes,
        }

    def test_two_takeaways_become_one_item_in_one_step(self, desk, submitted, leader):
        picked = pending(submitted)[:2]
        response = desk.post(trip_url(submitted, "review-takeaways"), self.form(picked))
        action = ActionItem.objects.get()
        assert response.status_code == 302
        assert response.url.endswith(f"#action-{action.pk}")
        assert set(action.source_takeaways.all()) == set(picked)
        assert action.created_by == leader
        adopted = Takeaway.objects.filter(pk__in=[t.pk for t in picked], review_status="adopted")
        assert adopted.count() == 2
        page = desk.get(trip_url(submitted) + "?all=1").content.decode()
        assert "已转为" in page

    def test_without_a_unit_the_unit_field_says_so_and_the_ticks_stay(self, desk, submitted):
        picked = pending(submitted)[:2]
        response = desk.post(
            trip_url(submitted, "review-takeaways"),
            self.form(picked, **{"action-owner_organization": ""}),
        )
        assert response.context["action_form"].errors == {
            "owner_organization": ["请选择该事项的责任单位。"]
        }
        assert response.context["selected"] == {t.pk for t in picked}
        assert response.context["action_form"]["title"].value() == "建立企业服务专员制度"
        assert not ActionItem.objects.exists()

    def test_without_ticked_takeaways_nothing_is_created(self, desk, submitted):
        response = desk.post(trip_url(submitted, "review-takeaways"), self.form([]))
        assert "请勾选该落实事项来源的收获。" in response.content.decode()
        assert not ActionItem.objects.exists()


class TestInstructions:
    def test_an_instruction_with_two_items_is_recorded_in_one_step(self, desk, submitted):
        author = factories.ParticipantFactory(name="钱正华", title="区委副书记")
        unit = factories.OrganizationFactory()
        data = {
            "instruction-author": author.pk,
            "instruction-date": "",
            "instruction-takeaway": "",
            "instruction-text": "链长制要尽快推开。",
            "rows-TOTAL_FORMS": 3,
            "rows-INITIAL_FORMS": 0,
            "rows-0-title": "出台链长制方案",
            "rows-0-owner_organization": unit.pk,
            "rows-1-title": "召开推进会",
            "rows-1-owner_organization": unit.pk,
        }
        response = desk.post(trip_url(submitted, "review-instruction"), data)
        assert response.status_code == 302
        instruction = Instruction.objects.get()
        assert not instruction.is_public
        assert sorted(instruction.action_items.values_list("title", flat=True)) == [
            "出台链长制方案",
            "召开推进会",
        ]

    def test_last_years_instruction_is_recorded_with_its_own_deadline(self, desk, submitted):
        data = {
            "instruction-author": factories.ParticipantFactory().pk,
            "instruction-date": "2025-03-02",
            "instruction-text": "上半年完成规划编制。",
            "rows-TOTAL_FORMS": 3,
            "rows-INITIAL_FORMS": 0,
            "rows-0-title": "完成规划编制",
            "rows-0-owner_organization": factories.OrganizationFactory().pk,
            "rows-0-due_date": "2025-06-30",
        }
        response = desk.post(trip_url(submitted, "review-instruction"), data)
        assert response.status_code == 302
        [item] = Instruction.objects.get().action_items.all()
        assert item.due_date == datetime.date(2025, 6, 30)

    def test_a_row_without_a_unit_is_marked_and_nothing_is_saved(self, desk, submitted):
        data = {
            "instruction-author": factories.ParticipantFactory().pk,
            "instruction-text": "抓紧落实。",
            "rows-TOTAL_FORMS": 3,
            "rows-INITIAL_FORMS": 0,
            "rows-0-title": "缺责任单位的事项",
        }
        response = desk.post(trip_url(submitted, "review-instruction"), data)
        assert response.context["rows"][0].errors == {
            "owner_organization": ["请选择该事项的责任单位。"]
        }
        assert "部分落实事项填写不完整" in response.content.decode()
        assert not Instruction.objects.exists()


class TestPublishing:
    def test_the_publish_button_asks_first(self, desk, submitted):
        page = desk.get(trip_url(submitted)).content.decode()
        assert 'data-confirm="确定发布这次考察吗？' in page
        assert "js/confirm.js" in page

    def test_publishing_from_the_desk(self, desk, submitted):
        response = desk.post(trip_url(submitted, "review-publish"))
        assert response.status_code == 302
        submitted.refresh_from_db()
        assert submitted.status == Trip.Status.PUBLISHED

    def test_an_incomplete_trip_stays_unpublished_with_the_reasons_shown(self, desk):
        trip = factories.TripFactory(status="submitted")
        response = desk.post(trip_url(trip, "review-publish"))
        assert response.context["publish_errors"] == [
            "行程为空：请至少添加一个考察点。",
            "考察团没有团长：请指定一名团员为团长。",
        ]
        trip.refresh_from_db()
        assert trip.status == "submitted"

    def test_returning_without_a_comment_is_refused_on_the_comment(self, desk, submitted):
        response = desk.post(trip_url(submitted, "review-return"), {"comment": ""})
        assert response.context["return_form"].errors == {
            "comment": ["请填写退回意见，让录入员知道要改什么。"]
        }
        submitted.refresh_from_db()
        assert submitted.status == "submitted"

    def test_returning_with_a_comment_goes_back_to_the_desk(self, desk, submitted):
        response = desk.post(trip_url(submitted, "review-return"), {"comment": "请补充指标来源"})
        assert response.url == reverse("tours:review-desk")
        submitted.refresh_from_db()
        assert (submitted.status, submitted.return_comment) == ("draft", "请补充指标来源")

    def test_archiving_a_published_trip(self, desk):
        trip = factories.TripFactory(status="published")
        desk.post(trip_url(trip, "review-archive"))
        trip.refresh_from_db()
        assert trip.status == "archived"


class TestFollowUp:
    def test_the_overview_counts_by_unit_and_lists_overdue_items(self, desk):
        unit = factories.OrganizationFactory(name="双桂街道办事处")
        factories.ActionItemFactory(owner_organization=unit, status="done", progress=100)
        factories.ActionItemFactory(
            owner_organization=unit, title="逾期的事项", due_date=datetime.date(2020, 1, 1)
        )
        factories.ActionItemFactory(owner_organization=unit, status="cancelled")
        response = desk.get(reverse("tours:review-actions"))
        [row] = list(response.context["by_unit"])
        assert (row["total"], row["done"], row["overdue"], row["average"]) == (2, 1, 1, 50)
        assert [a.title for a in response.context["overdue"]] == ["逾期的事项"]

    def test_the_overview_filters_by_warning(self, desk):
        factories.ActionItemFactory(title="逾期的事项", due_date=datetime.date(2020, 1, 1))
        factories.ActionItemFactory(title="远期事项", due_date=datetime.date(2099, 1, 1))
        response = desk.get(reverse("tours:review-actions"), {"warning": "red"})
        assert [a.title for a in response.context["page"]] == ["逾期的事项"]

    def test_a_leader_closes_a_done_item(self, desk):
        action = factories.ActionItemFactory(status="done", progress=100)
        desk.post(reverse("tours:review-action-close", args=[action.pk]))
        action.refresh_from_db()
        assert action.status == "closed"
        assert action.closed_at is not None

    def test_closing_an_unfinished_item_says_why(self, desk):
        action = factories.ActionItemFactory(status="in_progress")
        response = desk.post(reverse("tours:review-action-close", args=[action.pk]), follow=True)
        assert "只有已完成的事项才能销号，该事项当前为推进中。" in response.content.decode()

    def test_a_leader_follows_an_item_from_its_page(self, desk, leader):
        action = factories.ActionItemFactory()
        desk.post(reverse("tours:review-action-watch", args=[action.pk]), {"watch": "1"})
        assert list(action.watchers.all()) == [leader]
        page = desk.get(reverse("tours:review-desk")).content.decode()
        assert action.title in page


def build_desk_data(scale: int):
    """`scale` submitted trips, each with takeaways, instructions and action items."""
    for n in range(scale):
        trip = factories.TripFactory(status="submitted")
        visit = factories.SiteVisitFactory(trip=trip)
        factories.TripMemberFactory(trip=trip, role="leader")
        speaker = factories.ParticipantFactory()
        takeaways = factories.TakeawayFactory.create_batch(
            4, trip=trip, site_visit=visit, speaker=speaker, review_status="pending"
        )
        instruction = factories.InstructionFactory(trip=trip, takeaway=takeaways[0])
        for i in range(3):
            action = factories.ActionItemFactory(
                trip=trip,
                owner=speaker,
                source_instruction=instruction,
                due_date=datetime.date(2020 + i + n, 1, 1),
            )
            action.source_takeaways.set(takeaways[:2])
            factories.ActionUpdateFactory(action=action)
    return Trip.objects.order_by("id").first()


class TestQueryBudget:
    """Desk pages do a fixed amount of work whatever the amount of data (1× and 5×)."""

    BUDGETS = [
        ("tours:review-desk", None, 10),
        ("tours:review-trip", "trip", 17),
        ("tours:review-actions", None, 14),
        ("tours:review-action", "action", 16),
    ]

    @pytest.mark.parametrize("scale", [1, 5])
    def test_every_desk_page_stays_within_its_budget(
        self, desk, leader, scale, django_assert_max_num_queries
    ):
        trip = build_desk_data(scale)
        action = trip.action_items.first()
        action.watchers.add(leader)
        objects = {"trip": trip, "action": action}
        for name, obj, budget in self.BUDGETS:
            url = reverse(name, args=[objects[obj].pk] if obj else [])
            with django_assert_max_num_queries(budget, info=url):
                response = desk.get(url)
            assert response.status_code == 200, url
