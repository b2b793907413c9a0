"""Staff enter whole trips on the trip's admin page, as a 录入员 and through its own forms."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_forms import empty_trip_inlines, form_data, management
from tours.models import ActionItem, SiteVisit, Takeaway, Trip, TripMember

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:tours_trip_add")


def change_url(trip):
    return reverse("admin:tours_trip_change", args=[trip.pk])


def trip_fields(**overrides):
    return {
        "title": "赴广东中山学习考察",
        "organizer": factories.home_department().pk,
        "kind": "study_tour",
        "theme": "学习产业链招商",
        "start_date": "2024-02-26",
        "end_date": "2024-03-01",
        "origin": "重庆市梁平区",
        "destinations": "",
        "tags": "招商引资，产业链、营商环境",
        "summary": "",
        **overrides,
    } | empty_trip_inlines()


def with_rows(data, prefix, rows):
    data |= management(prefix, len(rows))
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{key}": value for key, value in row.items()}
    return data


def visit_row(**overrides):
    return {
        "date": "2024-02-27",
        "start_time": "09:00",
        "end_time": "10:30",
        "order": "1",
        "name": "三角镇企业服务中心",
        "kind": "meeting",
        "province": "广东省",
        "city": "中山市",
        "is_public": "on",
        **overrides,
    }


def errors_of(response):
    """Every error message on the page's forms, by field name."""
    found = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.extend(inline.formset.forms)
        if inline.formset.non_form_errors():
            found.setdefault("__formset__", []).extend(inline.formset.non_form_errors())
    for form in forms:
        for field, messages in form.errors.items():
            found.setdefault(field, []).extend(messages)
    return {field: " ".join(messages) for field, messages in found.items()}


class TestAddingATrip:
    def test_editor_adds_a_trip_with_its_delegation_visits_and_takeaways(self, client, editor):
        leader = factories.ParticipantFactory(name="周建国", title="组织部部长")
        host = factories.OrganizationFactory(name="中山市三角镇人民政府")
        client.force_login(editor)
        data = trip_fields()
        with_rows(data, "members", [{"participant": leader.pk, "role": "leader", "order": "1"}])
        with_rows(data, "site_visits", [visit_row(host_organization=host.pk)])
        with_rows(
            data,
            "takeaways",
            [
                {
                    "kind": "quote",
                    "text": "招商要拼服务、拼效率。",
                    "speaker": leader.pk,
                    "tags": "招商引资",
                    "is_public": "on",
                }
            ],
        )
        with_rows(
            data,
            "action_items",
            [
                {
                    "title": "建立企业服务专员制度",
                    "owner_organization": host.pk,
                    "due_date": "2024-06-30",
                    "status": "not_started",
                    "progress": "0",
                    "is_public": "on",
                }
            ],
        )

        response = client.post(ADD_URL, data)

        assert response.status_code == 302, errors_of(response)
        trip = Trip.objects.get()
        assert trip.status == Trip.Status.DRAFT
        assert sorted(trip.tags.names()) == ["产业链", "招商引资", "营商环境"]
        member = trip.members.get()
        assert (member.title, member.organization) == ("组织部部长", leader.organization)
        assert trip.site_visits.get().host_organization == host
        assert trip.takeaways.get().review_status == Takeaway.ReviewStatus.PENDING
        assert trip.action_items.get().created_by == editor
        assert trip.history.get().history_user == editor

    def test_editor_changes_a_trip_on_its_page(self, client, editor):
        trip = factories.TripFactory(status="draft")
        visit = factories.SiteVisitFactory(trip=trip, name="三角镇镇情展馆")
        factories.TakeawayFactory(trip=trip, site_visit=visit)
        client.force_login(editor)
        data = form_data(client.get(change_url(trip)))
        data["site_visits-0-name"] = "三角镇规划展馆"

        response = client.post(change_url(trip), data)

        assert response.status_code == 302, errors_of(response)
        visit.refresh_from_db()
        assert visit.name == "三角镇规划展馆"
        assert visit.history.first().history_user == editor

    def test_status_cannot_be_set_on_the_form(self, client, editor):
        client.force_login(editor)
        client.post(ADD_URL, trip_fields(status="published"))
        assert Trip.objects.get().status == Trip.Status.DRAFT


class TestBadInput:
    """Each mistake gets a Chinese message on the field at fault, and nothing is saved."""

    def post(self, client, editor, data):
        client.force_login(editor)
        response = client.post(ADD_URL, data)
        assert response.status_code == 200
        assert not Trip.objects.exists()
        return errors_of(response)

    def test_inverted_dates(self, client, editor):
        errors = self.post(client, editor, trip_fields(end_date="2024-02-20"))
        assert "结束日期不能早于开始日期" in errors["end_date"]

    def test_a_visit_outside_the_trip(self, client, editor):
        data = with_rows(trip_fields(), "site_visits", [visit_row(date="2024-03-05")])
        errors = self.post(client, editor, data)
        assert "考察日期须在考察起止日期（2024年2月26日至2024年3月1日）之内" in errors["date"]

    def test_the_same_person_twice_in_one_delegation(self, client, editor):
        person = factories.ParticipantFactory()
        data = with_rows(
            trip_fields(),
            "members",
            [{"participant": person.pk, "role": "member", "order": "0"}] * 2,
        )
        errors = self.post(client, editor, data)
        assert "请修改人员的重复数据" in errors["__formset__"]

    def test_adding_someone_already_in_the_delegation_names_the_person_field(self, client, editor):
        member = factories.TripMemberFactory(trip__status="draft")
        client.force_login(editor)
        data = form_data(client.get(change_url(member.trip)))
        with_rows_after(data, "members", {"participant": member.participant.pk, "role": "member"})

        response = client.post(change_url(member.trip), data)

        assert response.status_code == 200
        assert "该人员已在考察团中" in errors_of(response)["participant"]
        assert TripMember.objects.count() == 1

    def test_an_empty_trip_title(self, client, editor):
        errors = self.post(client, editor, trip_fields(title=""))
        assert "这个字段是必填项" in errors["title"]

    def test_an_empty_visit_name(self, client, editor):
        data = with_rows(trip_fields(), "site_visits", [visit_row(name="")])
        errors = self.post(client, editor, data)
        assert "这个字段是必填项" in errors["name"]
        assert not SiteVisit.objects.exists()

    def test_a_date_that_does_not_exist(self, client, editor):
        errors = self.post(client, editor, trip_fields(start_date="2024-02-30"))
        assert "有效的日期" in errors["start_date"]


def with_rows_after(data, prefix, row):
    """Append one new row to a formset already in `data`."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}


def build_trip(rows: int) -> Trip:
    trip = factories.TripFactory(status="draft")
    unit = factories.OrganizationFactory(name="梁平区经济和信息化委员会")
    for i in range(rows):
        person = factories.ParticipantFactory(organization=unit)
        factories.TripMemberFactory(trip=trip, participant=person, order=i)
        visit = factories.SiteVisitFactory(
            trip=trip,
            date=trip.start_date + datetime.timedelta(days=i % trip.days),
            host_organization=unit,
            presenter=person,
        )
        takeaway = factories.TakeawayFactory(trip=trip, site_visit=visit, speaker=person)
        takeaway.tags.add("招商引资", f"标签{i % 7}")
        factories.QuestionFactory(trip=trip, asked_by=person, answered_by=person, site_visit=visit)
        factories.IndicatorFactory(trip=trip)
        factories.ActionItemFactory(trip=trip, owner_organization=unit, owner=person)
    return trip


class TestQueryBudget:
    @pytest.mark.parametrize("rows", [10, 50])
    def test_trip_page_stays_within_26_queries(
        self, client, editor, rows, django_assert_max_num_queries
    ):
        trip = build_trip(rows)
        client.force_login(editor)
        # 20, and the placements, signed projects and documents: their rows, and the
        # choices of a placement's member and of a document's visit
        with django_assert_max_num_queries(26):
            response = client.get(change_url(trip))
        assert response.status_code == 200
        assert response.content.count(b'name="takeaways-') >= rows


class TestLockedTrip:
    def test_an_archived_trip_is_read_only(self, client, editor):
        trip = factories.TripFactory(status="archived", title="赴成都交流座谈")
        factories.SiteVisitFactory(trip=trip)
        client.force_login(editor)

        page = client.get(change_url(trip))
        assert page.status_code == 200
        assert b'name="_save"' not in page.content

        data = trip_fields(title="改了标题")
        assert client.post(change_url(trip), data).status_code == 403
        trip.refresh_from_db()
        assert trip.title == "赴成都交流座谈"


class TestHistory:
    def test_an_earlier_version_can_be_restored_from_the_admin(self, client, editor):
        trip = factories.TripFactory(status="draft", title="赴佛山学习考察")
        client.force_login(editor)
        data = form_data(client.get(change_url(trip)))
        data["title"] = "赴佛山顺德学习考察"
        assert client.post(change_url(trip), data).status_code == 302

        original = trip.history.earliest()
        revert_url = reverse("admin:tours_trip_simple_history", args=[trip.pk, original.pk])
        history_page = client.get(revert_url)
        assert history_page.status_code == 200
        response = client.post(revert_url, form_data(history_page))

        assert response.status_code == 302
        trip.refresh_from_db()
        assert trip.title == "赴佛山学习考察"
        assert trip.history.count() == 3

    def test_the_history_page_lists_who_changed_what(self, client, editor):
        trip = factories.TripFactory(status="draft")
        client.force_login(editor)
        data = form_data(client.get(change_url(trip)))
        data["theme"] = "学习营商环境改革"
        client.post(change_url(trip), data)
        page = client.get(reverse("admin:tours_trip_history", args=[trip.pk])).content.decode()
        assert editor.participant.name in page  # the person, not the account "editor"
        assert "学习产业链招商经验&nbsp;&rarr;&nbsp;&nbsp;学习营商环境改革" in page

    def test_the_history_page_shows_what_the_form_shows_not_stored_values(self, client, editor):
        trip = factories.TripFactory(status="draft", theme="")
        trip.status, trip.theme = "submitted", "学习营商环境改革"
        trip.cover_photo = factories.PhotoFactory(trip=trip)
        trip.save()
        visit = factories.SiteVisitFactory(trip=trip, is_public=False)
        visit.is_public = True
        visit.save()
        client.force_login(editor)

        def history_of(name, pk):
            return client.get(reverse(f"admin:tours_{name}_history", args=[pk])).content.decode()

        page = history_of("trip", trip.pk)
        assert "草稿&nbsp;&rarr;&nbsp;&nbsp;待审核" in page
        assert "-&nbsp;&rarr;&nbsp;&nbsp;学习营商环境改革" in page
        assert "pk=None" not in page and ">None<" not in page
        assert "否&nbsp;&rarr;&nbsp;&nbsp;是" in history_of("sitevisit", visit.pk)


class TestLanguage:
    def test_admin_speaks_chinese_by_default(self, client, editor):
        client.force_login(editor)
        page = client.get(reverse("admin:index")).content.decode()
        assert "学习考察管理后台" in page
        assert "落实事项" in page

    def test_admin_speaks_english_when_the_browser_asks(self, client, editor):
        client.force_login(editor)
        page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Study Tours administration" in page
        assert "Action items" in page


class TestActionItemAdmin:
    def test_created_by_is_the_signed_in_user(self, client, superuser):
        trip = factories.TripFactory(status="draft")
        unit = factories.OrganizationFactory()
        client.force_login(superuser)
        url = reverse("admin:tours_actionitem_add") + f"?trip={trip.pk}"
        data = form_data(client.get(url))
        data |= {
            "trip": trip.pk,
            "title": "开展数字化诊断进企业活动",
            "owner_organization": unit.pk,
            "status": "not_started",
            "progress": "0",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        assert ActionItem.objects.get().created_by == superuser


class TestSavingALongTrip:
    """A save checks the rows the editor changed; the others are kept as they are."""

    @pytest.fixture
    def long_trip(self):
        trip = factories.TripFactory(status="draft")
        visit = factories.SiteVisitFactory(trip=trip)
        speaker = factories.ParticipantFactory()
        for n in range(60):
            factories.TakeawayFactory(
                trip=trip, site_visit=visit, speaker=speaker, text=f"第{n}条经验做法"
            )
        return trip

    def test_untouched_rows_cost_no_queries_when_the_trip_is_saved(
        self, client, editor, long_trip, django_assert_max_num_queries
    ):
        client.force_login(editor)
        data = form_data(client.get(change_url(long_trip)))
        data["title"] = "赴广东中山学习考察（修订）"
        with django_assert_max_num_queries(60):  # not three key checks for each of 60 rows
            response = client.post(change_url(long_trip), data)
        assert response.status_code == 302
        long_trip.refresh_from_db()
        assert long_trip.title == "赴广东中山学习考察（修订）"

    def test_a_changed_row_is_still_checked(self, client, editor, long_trip):
        other_trip_visit = factories.SiteVisitFactory()
        client.force_login(editor)
        data = form_data(client.get(change_url(long_trip)))
        row = next(
            key.removesuffix("-text")
            for key, value in data.items()
            if key.endswith("-text") and value == "第7条经验做法"
        )
        data[f"{row}-text"] = ""
        data[f"{row}-site_visit"] = str(other_trip_visit.pk)
        response = client.post(change_url(long_trip), data)
        assert response.status_code == 200
        assert Takeaway.objects.filter(text="第7条经验做法").exists()


class TestAskingBeforeWorkflowSteps:
    def test_the_submit_button_asks_first(self, client, editor):
        trip = factories.TripFactory(status="draft")
        client.force_login(editor)
        page = client.get(reverse("admin:tours_trip_change", args=[trip.pk])).content.decode()
        assert 'data-confirm="确定提交审核吗？' in page
        assert "js/confirm.js" in page

    def test_the_lists_submit_and_publish_actions_ask_first(self, client, editor):
        client.force_login(editor)
        page = client.get(reverse("admin:tours_trip_changelist")).content.decode()
        found = re.search(
            r'<script id="confirm-actions" type="application/json">(.*?)</script>', page
        )
        questions = json.loads(found.group(1))
        assert questions["submit_selected"].startswith("确定将所选考察提交审核吗？")
        assert questions["publish_selected"].startswith("确定发布所选考察吗？")
