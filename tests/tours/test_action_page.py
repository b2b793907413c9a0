"""A public action item's own page, the Atom feeds of action updates and their sitemap
entries: what the public reads of the follow-up loop, and what stays inside it."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests import factories, files
from tours.models import ActionItem, ActionReturn, DeadlineExtension, SupervisionNotice

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


# Strings planted where the follow-up keeps its internal side; none may reach the public.
PRIVATE = {
    "return comment": "退回意见：佐证材料不全，请补充会议纪要",
    "notice text": "督办单：请于三日内报送整改情况",
    "extension reason": "延期理由：用地报批尚未完成",
    "extension comment": "批复意见：同意，但须按月报送进展",
    "refused reason": "再次延期理由：资金未到位",
    "pending reason": "待批延期理由：人员调整",
    "phone": "13987654321",
    "email": "zhuren.private@liangping.example.cn",
    "pending takeaway": "待审收获：尚未经领导采纳",
    "hidden takeaway": "不公开的收获：内部讨论",
    "private instruction": "内部批示：注意口径",
    "private sub-task": "内部子任务：人员调配",
    "private action": "内部事项：经费调整",
    "author": "王录入",
}


@pytest.fixture
def followed():
    """A closed, public commitment with its whole follow-up, private parts planted around it."""
    trip = factories.TripFactory(title="赴广东中山学习考察", status="published")
    person = factories.ParticipantFactory(
        name="李主任", phone=PRIVATE["phone"], email=PRIVATE["email"]
    )
    author = factories.UserFactory(username="wang", first_name="录入", last_name="王")
    instruction = factories.InstructionFactory(
        trip=trip,
        is_public=True,
        text="要把企业服务专员制度落到实处。",
        author=factories.ParticipantFactory(
            name="周书记", title="区委副书记", phone=PRIVATE["phone"], email=PRIVATE["email"]
        ),
        date=datetime.date(2024, 3, 10),
    )
    action = factories.ActionItemFactory(
        trip=trip,
        title="建立企业服务专员制度",
        description="为重点企业配备服务专员，一企一策解决难题。",
        owner=person,
        owner_organization=factories.OrganizationFactory(name="梁平区经济和信息化委员会"),
        source_instruction=instruction,
        original_due_date=datetime.date(2024, 6, 30),
        due_date=datetime.date(2024, 9, 30),
        status=ActionItem.Status.CLOSED,
        progress=100,
        created_at=at(2024, 3, 12, 2),
        acknowledged_at=at(2024, 3, 13, 2),
        closed_at=at(2024, 10, 8, 16, 30),  # 10月9日 in Beijing
        created_by=author,
    )
    helper = factories.OrganizationFactory(name="梁平区市场监督管理局")
    action.support_organizations.add(helper)
    action.source_takeaways.add(
        factories.TakeawayFactory(trip=trip, text="企业的事就是我们的事。"),
        factories.TakeawayFactory(
            trip=trip, text=PRIVATE["pending takeaway"], review_status="pending"
        ),
        factories.TakeawayFactory(trip=trip, text=PRIVATE["hidden takeaway"], is_public=False),
    )
    factories.ActionItemFactory(
        trip=trip,
        parent=action,
        title="制定专员服务清单",
        weight=2,
        progress=100,
        status=ActionItem.Status.CLOSED,
        owner_organization=helper,
    )
    factories.ActionItemFactory(
        trip=trip, parent=action, title=PRIVATE["private sub-task"], is_public=False
    )
    DeadlineExtension.objects.create(
        action=action,
        previous_due_date=datetime.date(2024, 6, 30),
        due_date=datetime.date(2024, 9, 30),
        reason=PRIVATE["extension reason"],
        status=DeadlineExtension.Status.APPROVED,
        decided_at=at(2024, 6, 20, 2),
        comment=PRIVATE["extension comment"],
    )
    DeadlineExtension.objects.create(
        action=action,
        due_date=datetime.date(2024, 12, 31),
        reason=PRIVATE["refused reason"],
        status=DeadlineExtension.Status.REFUSED,
        decided_at=at(2024, 9, 1, 2),
    )
    ActionReturn.objects.create(action=action, comment=PRIVATE["return comment"])
    SupervisionNotice.objects.create(action=action, level="yellow", text=PRIVATE["notice text"])
    factories.ActionUpdateFactory(
        action=action,
        date=datetime.date(2024, 4, 1),
        note="召开专题会议，形成工作方案。",
        progress=30,
        author=author,
        created_at=at(2024, 4, 1, 2),
        evidence=ContentFile(files.PDF, name="方案.pdf"),
        evidence_is_public=True,
    )
    factories.ActionUpdateFactory(
        action=action,
        date=datetime.date(2024, 8, 15),
        note="首批32家企业配备专员。",
        progress=100,
        author=author,
        created_at=at(2024, 8, 15, 2),
        evidence=ContentFile(files.PDF, name="名单.pdf"),
        evidence_is_public=False,
    )
    factories.ActionUpdateFactory(
        action=action,
        date=datetime.date(2024, 5, 6),
        note="市场监管局完成涉企事项梳理。",
        progress=50,
        organization=helper,
        created_at=at(2024, 5, 6, 2),
    )
    return action


def page(client, action) -> str:
    response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


class TestWhatTheActionPageShows:
    def test_its_address_is_the_items_public_url(self, followed):
        assert followed.get_absolute_url() == f"/actions/{followed.pk}/"
        assert reverse("tours:action-detail", args=[followed.pk]) == followed.get_absolute_url()

    def test_title_description_trip_and_units(self, client, followed):
        body = page(client, followed)
        assert "<h1>建立企业服务专员制度</h1>" in body
        assert "一企一策解决难题" in body
        assert f'href="{followed.trip.get_absolute_url()}#actions"' in body
        assert "梁平区经济和信息化委员会" in body
        assert "梁平区市场监督管理局" in body

    def test_where_it_came_from_public_takeaways_and_instruction(self, client, followed):
        body = page(client, followed)
        assert "企业的事就是我们的事。" in body
        assert "要把企业服务专员制度落到实处。" in body
        assert "周书记（区委副书记）" in body

    def test_sub_tasks_with_their_weight_and_progress(self, client, followed):
        body = page(client, followed)
        subtask = followed.subtasks.get(title="制定专员服务清单")
        assert f'href="{subtask.get_absolute_url()}"' in body
        row = body.split("制定专员服务清单")[1].split("</tr>")[0]
        assert ">2</td>" in row.replace('<span class="table--stack__label">权重</span>', "")
        assert "100%" in row
        assert "按子任务权重汇总" in body

    def test_the_original_due_date_and_the_approved_one(self, client, followed):
        body = page(client, followed)
        assert "原定2024年6月30日，经批准延至2024年9月30日" in body
        assert "经批准延期至2024年9月30日" in body  # the decision, on the timeline

    def test_a_dated_timeline_of_public_updates_ending_in_closing(self, client, followed):
        body = page(client, followed)
        timeline = body.split('class="public-timeline"')[1]
        steps = [
            "2024年3月12日",  # assigned
            "2024年3月13日",  # signed for
            "召开专题会议，形成工作方案。",
            "市场监管局完成涉企事项梳理。",
            "经批准延期至2024年9月30日",
            "首批32家企业配备专员。",
            "审结销号",
        ]
        positions = [timeline.index(step) for step in steps]
        assert positions == sorted(positions)
        assert 'datetime="2024-10-09">2024年10月9日</time> <strong>审结销号' in timeline

    def test_dates_are_beijing_days(self, client, followed):
        followed.updates.filter(progress=30).update(created_at=at(2024, 3, 31, 17))
        followed.closed_at = at(2024, 10, 8, 15, 59)
        followed.save()
        body = page(client, followed)
        assert "2024年10月8日</time> <strong>审结销号" in body

    def test_a_co_responsible_units_update_is_marked_as_theirs(self, client, followed):
        body = page(client, followed)
        entry = body.split("协办单位报送进展")[1].split("</li>")[0]
        assert "梁平区市场监督管理局" in entry and "50%" in entry

    def test_evidence_marked_publishable_is_linked_and_downloads(self, client, followed):
        body = page(client, followed)
        public = followed.updates.get(progress=30)
        link = reverse("tours:private-file", args=[public.evidence.name])
        assert f'href="{link}"' in body
        assert client.get(link).status_code == 200

    def test_a_sub_task_links_back_to_its_public_parent(self, client, followed):
        subtask = followed.subtasks.get(title="制定专员服务清单")
        body = page(client, subtask)
        assert f'href="{followed.get_absolute_url()}"' in body
        assert "子任务" in body


class TestWhatTheActionPageNeverShows:
    @pytest.mark.parametrize(
        "what",
        [
            "return comment",
            "notice text",
            "extension reason",
            "extension comment",
            "refused reason",
            "phone",
            "email",
            "pending takeaway",
            "hidden takeaway",
            "private sub-task",
            "author",
        ],
    )
    def test_private_text(self, client, followed, what):
        assert PRIVATE[what] not in page(client, followed)

    def test_a_pending_extension_or_its_reason(self, client, followed):
        DeadlineExtension.objects.create(
            action=followed, due_date=datetime.date(2025, 3, 31), reason=PRIVATE["pending reason"]
        )
        body = page(client, followed)
        assert PRIVATE["pending reason"] not in body
        assert "2025年3月31日" not in body

    def test_an_extension_approved_without_a_decision_day_is_left_off_the_timeline(
        self, client, followed
    ):
        DeadlineExtension.objects.filter(action=followed, status="approved").update(decided_at=None)
        body = page(client, followed)
        assert "经批准延期至" not in body
        assert "原定2024年6月30日，经批准延至2024年9月30日" in body

    def test_a_refused_extensions_date(self, client, followed):
        assert "2024年12月31日" not in page(client, followed)

    def test_evidence_not_marked_publishable(self, client, followed):
        private = followed.updates.get(progress=100)
        assert private.evidence.name not in page(client, followed)

    def test_a_private_instruction(self, client, followed):
        followed.source_instruction.is_public = False
        followed.source_instruction.text = PRIVATE["private instruction"]
        followed.source_instruction.save()
        body = page(client, followed)
        assert PRIVATE["private instruction"] not in body
        assert "领导批示" not in body

    def test_a_private_parent(self, client, followed):
        subtask = followed.subtasks.get(title="制定专员服务清单")
        ActionItem.objects.filter(pk=followed.pk).update(is_public=False)
        body = page(client, subtask)
        assert followed.get_absolute_url() not in body
        assert followed.title not in body

    def test_who_signed_for_or_decided(self, client, followed, leader):
        followed.acknowledged_by = leader
        followed.save()
        DeadlineExtension.objects.filter(action=followed).update(decided_by=leader)
        body = page(client, followed)
        assert leader.username not in body


class TestACancelledItemsPage:
    REASON = "内部原因：并入全区农文旅融合发展规划统一编制"

    @pytest.fixture
    def cancelled(self, leader, owner):
        import time_machine

        from tours.services import cancel_action, post_action_update

        action = factories.ActionItemFactory(
            title="编制屏锦镇农文旅融合发展规划",
            owner_organization=owner.participant.organization,
            due_date=datetime.date(2024, 6, 30),
            created_at=at(2024, 3, 12, 2),
        )
        with time_machine.travel(at(2024, 4, 1, 2), tick=False):
            post_action_update(action=action, user=owner, progress=10, note="完成资源调查。")
        with time_machine.travel(at(2024, 4, 20, 17), tick=False):  # 4月21日 in Beijing
            cancel_action(action=action, user=leader, reason=self.REASON)
        return action

    def test_the_timeline_ends_in_cancelled_with_its_day(self, client, cancelled):
        timeline = page(client, cancelled).split('class="public-timeline"')[1]
        assert timeline.index("完成资源调查。") < timeline.index("<strong>已取消</strong>")
        assert 'datetime="2024-04-21">2024年4月21日</time> <strong>已取消</strong>' in timeline

    def test_the_reason_and_who_cancelled_stay_internal(self, client, cancelled, leader):
        body = page(client, cancelled)
        assert self.REASON not in body
        assert "并入全区" not in body
        assert leader.username not in body


class TestOnlyPublicItemsHaveAPage:
    def test_a_private_item_is_404(self, client, followed):
        ActionItem.objects.filter(pk=followed.pk).update(is_public=False)
        assert client.get(followed.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("status", ["draft", "submitted"])
    def test_an_item_of_an_unpublished_trip_is_404(self, client, status):
        action = factories.ActionItemFactory(trip=factories.TripFactory(status=status))
        assert client.get(action.get_absolute_url()).status_code == 404

    def test_an_item_of_an_archived_trip_stays_public(self, client):
        action = factories.ActionItemFactory(trip=factories.TripFactory(status="archived"))
        assert client.get(action.get_absolute_url()).status_code == 200

    def test_a_missing_item_is_404(self, client):
        assert client.get("/actions/999999/").status_code == 404

    def test_staff_get_the_same_404_for_a_private_item(self, client, followed, leader):
        ActionItem.objects.filter(pk=followed.pk).update(is_public=False)
        client.force_login(leader)
        assert client.get(followed.get_absolute_url()).status_code == 404


class TestTheCachedPageFollowsItsItem:
    def test_a_new_update_shows_once_committed(
        self, client, followed, django_capture_on_commit_callbacks
    ):
        assert "第二批企业配备专员" not in page(client, followed)
        with django_capture_on_commit_callbacks(execute=True):
            factories.ActionUpdateFactory(action=followed, note="第二批企业配备专员。")
        assert "第二批企业配备专员" in page(client, followed)

    def test_an_item_made_private_is_gone_once_committed(
        self, client, followed, django_capture_on_commit_callbacks
    ):
        page(client, followed)
        followed.is_public = False
        with django_capture_on_commit_callbacks(execute=True):
            followed.save()
        assert client.get(followed.get_absolute_url()).status_code == 404

    def test_evidence_made_publishable_shows_once_committed(
        self, client, followed, django_capture_on_commit_callbacks
    ):
        update = followed.updates.get(progress=100)
        assert update.evidence.name not in page(client, followed)
        update.evidence_is_public = True
        with django_capture_on_commit_callbacks(execute=True):
            update.save()
        assert update.evidence.name in page(client, followed)

    def test_a_cached_page_needs_no_query(self, client, followed, django_assert_num_queries):
        page(client, followed)
        with django_assert_num_queries(0):
            client.get(followed.get_absolute_url())


class TestLinksToTheActionPage:
    def test_from_the_board(self, client, followed):
        body = client.get("/actions/").content.decode()
        assert f'<a href="{followed.get_absolute_url()}">建立企业服务专员制度</a>' in body

    def test_from_the_trip_report(self, client, followed):
        body = client.get(followed.trip.get_absolute_url()).content.decode()
        assert f'<a href="{followed.get_absolute_url()}">建立企业服务专员制度</a>' in body

    def test_not_from_a_drafts_preview_where_it_would_be_404(self, client, editor):
        trip = factories.TripFactory(status="draft")
        action = factories.ActionItemFactory(trip=trip)
        client.force_login(editor)
        body = client.get(reverse("tours:trip-preview", args=[trip.pk])).content.decode()
        assert action.title in body
        assert action.get_absolute_url() not in body

    def test_from_search_results(self, client, followed):
        body = client.get("/search/", {"q": "企业服务专员"}).content.decode()
        assert f'href="{followed.get_absolute_url()}"' in body


def entries(client, url) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    return list(ET.fromstring(response.content).iter(f"{ATOM}entry"))


class TestActionFeeds:
    def test_latest_public_updates_each_with_item_date_progress_note_and_link(
        self, client, followed
    ):
        found = entries(client, "/feed/actions/")
        assert len(found) == 3
        newest = found[0]
        update = followed.updates.get(progress=100)
        assert newest.findtext(f"{ATOM}title") == "建立企业服务专员制度：100%"
        summary = newest.findtext(f"{ATOM}summary")
        assert "2024年8月15日，进度100%：首批32家企业配备专员。" in summary
        link = newest.find(f"{ATOM}link").get("href")
        assert link == f"http://testserver{followed.get_absolute_url()}#update-{update.pk}"
        assert newest.findtext(f"{ATOM}author/{ATOM}name") == "梁平区经济和信息化委员会"

    def test_a_note_is_text_even_where_a_reader_renders_the_summary_as_html(self, client, followed):
        factories.ActionUpdateFactory(
            action=followed, note="<img src=x onerror=alert(1)>\n第二行", created_at=at(2030, 1, 1)
        )
        summary = entries(client, "/feed/actions/")[0].findtext(f"{ATOM}summary")
        assert "&lt;img src=x onerror=alert(1)&gt;<br>第二行" in summary
        assert "<img" not in summary

    def test_updates_of_private_items_and_unpublished_trips_stay_out(self, client, followed):
        private = factories.ActionItemFactory(trip=followed.trip, is_public=False)
        factories.ActionUpdateFactory(action=private, note=PRIVATE["private action"])
        draft = factories.ActionItemFactory(trip=factories.TripFactory(status="draft"))
        factories.ActionUpdateFactory(action=draft, note=PRIVATE["private action"])
        body = client.get("/feed/actions/").content.decode()
        assert PRIVATE["private action"] not in body
        assert PRIVATE["author"] not in body and PRIVATE["email"] not in body

    def test_a_tag_feed_carries_items_from_public_takeaways_with_the_tag(self, client, followed):
        followed.source_takeaways.get(text="企业的事就是我们的事。").tags.add("营商环境")
        other = factories.ActionItemFactory(trip=followed.trip, title="别的事项")
        factories.ActionUpdateFactory(action=other, note="别的进展")
        found = entries(client, "/feed/actions/tags/营商环境/")
        assert len(found) == 3
        titles = {entry.findtext(f"{ATOM}title") for entry in found}
        assert titles == {
            "建立企业服务专员制度：30%",
            "建立企业服务专员制度：50%",
            "建立企业服务专员制度：100%",
        }
        assert "别的进展" not in client.get("/feed/actions/tags/营商环境/").content.decode()

    def test_a_sub_tasks_updates_follow_its_parents_tag(self, client, followed):
        followed.source_takeaways.get(text="企业的事就是我们的事。").tags.add("营商环境")
        subtask = followed.subtasks.get(title="制定专员服务清单")
        factories.ActionUpdateFactory(action=subtask, note="清单已印发。")
        assert "清单已印发。" in client.get("/feed/actions/tags/营商环境/").content.decode()

    def test_a_tag_only_a_pending_takeaway_carries_brings_no_items(self, client, followed):
        followed.source_takeaways.get(text=PRIVATE["pending takeaway"]).tags.add("内部")
        followed.source_takeaways.get(text="企业的事就是我们的事。").tags.add("营商环境")
        assert client.get("/feed/actions/tags/内部/").status_code == 404
        assert client.get("/feed/actions/tags/没有这个标签/").status_code == 404

    def test_the_tag_feed_is_linked_from_the_tag_page(self, client, followed):
        followed.source_takeaways.get(text="企业的事就是我们的事。").tags.add("营商环境")
        body = client.get("/tags/营商环境/").content.decode()
        assert 'rel="alternate" type="application/atom+xml"' in body
        assert f'href="{reverse("tours:feed-actions-tag", args=["营商环境"])}"' in body

    def test_a_host_feed_carries_items_of_trips_that_visited_it(self, client, followed):
        host = factories.OrganizationFactory(name="中山市三角镇人民政府")
        factories.SiteVisitFactory(trip=followed.trip, host_organization=host)
        elsewhere = factories.ActionItemFactory(title="别处的事项")
        factories.ActionUpdateFactory(action=elsewhere, note="别处的进展")
        url = reverse("tours:feed-actions-host", args=[host.pk])
        assert len(entries(client, url)) == 3
        assert "别处的进展" not in client.get(url).content.decode()
        body = client.get(reverse("tours:host-detail", args=[host.pk])).content.decode()
        assert f'href="{url}"' in body

    def test_a_host_only_drafts_visited_has_no_feed(self, client):
        host = factories.OrganizationFactory(name="只接待过草稿的单位")
        draft = factories.TripFactory(status="draft")
        factories.SiteVisitFactory(trip=draft, host_organization=host)
        url = reverse("tours:feed-actions-host", args=[host.pk])
        assert client.get(url).status_code == 404

    def test_the_board_links_the_feed(self, client, followed):
        body = client.get("/actions/").content.decode()
        feed = 'type="application/atom+xml" title="学习考察：落实事项进展" href="/feed/actions/"'
        assert feed in body


class TestSitemap:
    def test_lists_public_action_pages_only(self, client, followed):
        private = factories.ActionItemFactory(trip=followed.trip, is_public=False)
        draft = factories.ActionItemFactory(trip=factories.TripFactory(status="draft"))
        response = client.get("/sitemap.xml")
        body = response.content.decode()
        assert f"http://testserver{followed.get_absolute_url()}</loc>" in body
        assert f"{private.get_absolute_url()}</loc>" not in body
        assert f"{draft.get_absolute_url()}</loc>" not in body


def build_followed_items(scale: int) -> ActionItem:
    """`scale` × a realistic item: sub-tasks, sources, co-units, extensions and updates."""
    trip = factories.TripFactory()
    host = factories.OrganizationFactory(name="中山市三角镇人民政府")
    factories.SiteVisitFactory(trip=trip, host_organization=host)
    first = None
    for n in range(scale * 3):
        action = factories.ActionItemFactory(
            trip=trip,
            title=f"事项{n}",
            source_instruction=factories.InstructionFactory(trip=trip, is_public=True),
        )
        first = first or action
        for i in range(scale * 2):
            takeaway = factories.TakeawayFactory(trip=trip)
            takeaway.tags.add("招商引资", f"标签{i}")
            action.source_takeaways.add(takeaway)
            action.support_organizations.add(factories.OrganizationFactory(name=f"协办单位{i}"))
            subtask = factories.ActionItemFactory(trip=trip, parent=action, weight=i + 1)
            factories.ActionUpdateFactory(action=subtask)
            DeadlineExtension.objects.create(
                action=action,
                due_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
                reason="理由",
                status="approved",
                decided_at=at(2024, 5, 1),
            )
        for i in range(scale * 5):
            factories.ActionUpdateFactory(
                action=action,
                organization=action.owner_organization,
                evidence=ContentFile(files.PDF, name="材料.pdf") if i == 0 else "",
                evidence_is_public=True,
            )
    return first


class TestQueryBudget:
    """The page and the feeds do a fixed amount of work whatever the amount of data."""

    @pytest.mark.parametrize("scale", [1, 5])
    def test_the_action_page_and_the_feeds_stay_within_their_budget(
        self, client, scale, django_assert_max_num_queries
    ):
        from tours.caching import pages

        action = build_followed_items(scale)
        host = action.trip.site_visits.get().host_organization_id
        budgets = [
            (action.get_absolute_url(), 8),
            ("/feed/actions/", 2),
            ("/feed/actions/tags/招商引资/", 4),
            (f"/feed/actions/hosts/{host}/", 4),
            ("/sitemap.xml", 8),  # campaigns and action pages add one each
        ]
        for url, budget in budgets:
            pages.clear()
            with django_assert_max_num_queries(budget, info=url):
                response = client.get(url)
            assert response.status_code == 200, url
