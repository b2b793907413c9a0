"""Host organizations: one page per place, whatever trip visited it; duplicates can merge."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from people.models import Organization
from people.services import merge_organizations
from tests import factories
from tours.models import ActionItem, SiteVisit

pytestmark = pytest.mark.django_db


def host_url(host):
    return reverse("tours:host-detail", args=[host.pk])


@pytest.fixture
def host():
    """三角镇, visited by two published trips, a draft trip and once in private."""
    town = factories.OrganizationFactory(name="中山市三角镇人民政府")
    mayor = factories.ParticipantFactory(name="苏伟文", title="镇党委书记", phone="13912345678")
    first = factories.TripFactory(title="赴中山学习考察")
    second = factories.TripFactory(
        title="赴中山招商考察",
        start_date=datetime.date(2024, 5, 6),
        end_date=datetime.date(2024, 5, 8),
    )
    visit = factories.SiteVisitFactory(
        trip=first, name="三角镇企业服务中心", host_organization=town, presenter=mayor
    )
    factories.SiteVisitFactory(trip=second, name="三角镇工改工现场", host_organization=town)
    factories.TakeawayFactory(
        trip=first, site_visit=visit, kind="quote", speaker=mayor, text="企业的事就是我们的事。"
    )
    factories.TakeawayFactory(trip=first, site_visit=visit, text="连片改造村级工业园。")
    factories.TakeawayFactory(
        trip=first, site_visit=visit, text="待审的收获", review_status="pending"
    )
    factories.PhotoFactory(trip=first, site_visit=visit, caption="参观企业服务中心")
    factories.PhotoFactory(trip=first, site_visit=visit, caption="内部照片", is_public=False)
    draft = factories.TripFactory(status="draft", title="草稿考察")
    factories.SiteVisitFactory(trip=draft, name="草稿里的考察点", host_organization=town)
    factories.SiteVisitFactory(trip=first, name="内部座谈", host_organization=town, is_public=False)
    return town


class TestHostPage:
    def test_lists_every_public_visit_across_trips_with_what_was_heard(self, client, host):
        page = client.get(host_url(host)).content.decode()
        assert "中山市三角镇人民政府" in page
        for shown in ("赴中山学习考察", "赴中山招商考察", "三角镇企业服务中心", "三角镇工改工现场"):
            assert shown in page
        assert "2024年5月6日" in page
        assert "苏伟文" in page and "镇党委书记" in page
        assert "企业的事就是我们的事。" in page and "连片改造村级工业园。" in page
        assert "参观企业服务中心" in page

    def test_shows_nothing_private(self, client, host):
        page = client.get(host_url(host)).content.decode()
        for secret in ("草稿", "内部座谈", "内部照片", "待审的收获", "13912345678"):
            assert secret not in page

    def test_a_host_without_public_visits_is_404(self, client):
        quiet = factories.OrganizationFactory(name="从未公开接待的单位")
        factories.SiteVisitFactory(host_organization=quiet, is_public=False)
        assert client.get(host_url(quiet)).status_code == 404
        assert client.get(reverse("tours:host-detail", args=[99999])).status_code == 404

    def test_the_report_links_each_host_to_its_page(self, client, host):
        trip = host.hosted_visits.get(name="三角镇企业服务中心").trip
        page = client.get(trip.get_absolute_url()).content.decode()
        assert f'href="{host_url(host)}"' in page

    @pytest.mark.parametrize("scale", [1, 5])
    def test_query_budget(self, client, scale, django_assert_max_num_queries):
        town = factories.OrganizationFactory(name="佛山市顺德区北滘镇人民政府")
        for _ in range(scale * 2):
            trip = factories.TripFactory()
            for _ in range(3):
                visit = factories.SiteVisitFactory(trip=trip, host_organization=town)
                factories.TakeawayFactory(trip=trip, site_visit=visit, kind="quote")
                factories.TakeawayFactory(trip=trip, site_visit=visit)
                factories.PhotoFactory(trip=trip, site_visit=visit)
        with django_assert_max_num_queries(5):
            assert client.get(host_url(town)).status_code == 200


class TestMerge:
    def test_moves_every_reference_and_keeps_history(self, superuser, host):
        duplicate = factories.OrganizationFactory(name="三角镇政府", region="广东省中山市")
        trip = factories.TripFactory(organizer=duplicate)
        factories.SiteVisitFactory(trip=trip, host_organization=duplicate)
        person = factories.ParticipantFactory(organization=duplicate)
        factories.TripMemberFactory(trip=trip, participant=person, organization=duplicate)
        factories.ActionItemFactory(trip=trip, owner_organization=duplicate)
        child = factories.OrganizationFactory(name="三角镇企业服务中心", parent=duplicate)
        host.region = ""
        host.save()
        duplicate_pk = duplicate.pk

        moved = merge_organizations(keep=host, duplicate=duplicate, user=superuser)

        assert moved == 6
        assert not Organization.objects.filter(pk=duplicate_pk).exists()
        assert SiteVisit.objects.filter(host_organization=host).count() == 5
        assert ActionItem.objects.get(trip=trip).owner_organization == host
        trip.refresh_from_db()
        child.refresh_from_db()
        person.refresh_from_db()
        assert trip.organizer == host and child.parent == host and person.organization == host
        assert trip.members.get().organization == host
        host.refresh_from_db()
        assert host.region == "广东省中山市"
        latest = SiteVisit.history.filter(host_organization=host).latest()
        assert latest.history_user == superuser and "并入" in latest.history_change_reason
        gone = Organization.history.filter(id=duplicate_pk).latest()
        assert gone.history_type == "-" and gone.history_user == superuser

    def test_the_merged_host_page_shows_both_records_visits(self, client, superuser, host):
        duplicate = factories.OrganizationFactory(name="三角镇政府")
        factories.SiteVisitFactory(name="重复记录下的考察", host_organization=duplicate)
        old_url = host_url(duplicate)
        merge_organizations(keep=host, duplicate=duplicate, user=superuser)
        assert "重复记录下的考察" in client.get(host_url(host)).content.decode()
        assert client.get(old_url).status_code == 404

    def test_editors_may_not_merge(self, editor, host):
        other = factories.OrganizationFactory(name="三角镇政府")
        with pytest.raises(PermissionDenied):
            merge_organizations(keep=host, duplicate=other, user=editor)

    def test_admin_action_asks_which_to_keep_then_merges(self, client, superuser, host):
        duplicate = factories.OrganizationFactory(name="三角镇政府")
        factories.SiteVisitFactory(host_organization=duplicate)
        client.force_login(superuser)
        url = reverse("admin:people_organization_changelist")
        selection = {"action": "merge", ACTION_CHECKBOX_NAME: [host.pk, duplicate.pk]}
        confirm = client.post(url, selection)
        assert confirm.status_code == 200
        assert "保留哪一条记录" in confirm.content.decode()
        done = client.post(url, {**selection, "keep": host.pk}, follow=True)
        assert "已将“三角镇政府”并入“中山市三角镇人民政府”" in done.content.decode()
        assert not Organization.objects.filter(pk=duplicate.pk).exists()

    def test_admin_action_needs_exactly_two(self, client, superuser, host):
        client.force_login(superuser)
        url = reverse("admin:people_organization_changelist")
        response = client.post(
            url, {"action": "merge", ACTION_CHECKBOX_NAME: [host.pk]}, follow=True
        )
        assert "请正好选择两个要合并的单位" in response.content.decode()
