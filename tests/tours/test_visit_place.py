"""A site visit takes its province and city from its host organisation's region."""

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanjiao():
    return factories.OrganizationFactory(name="中山市三角镇人民政府", region="广东省中山市三角镇")


def place(visit):
    visit.refresh_from_db()
    return (visit.province, visit.city, visit.district)


class TestFilling:
    def test_an_empty_place_is_taken_from_the_host(self, sanjiao):
        visit = factories.SiteVisitFactory(host_organization=sanjiao, province="", city="")
        visit.full_clean()
        assert (visit.province, visit.city) == ("广东省", "中山市")

    def test_a_municipality_district_fills_all_three(self):
        host = factories.OrganizationFactory(
            name="梁平区文化和旅游发展委员会", region="重庆市梁平区"
        )
        visit = factories.SiteVisitFactory(
            host_organization=host, province="", city="", district=""
        )
        visit.full_clean()
        assert (visit.province, visit.city, visit.district) == ("重庆市", "重庆市", "梁平区")

    def test_a_place_written_on_the_visit_is_kept(self, sanjiao):
        visit = factories.SiteVisitFactory(
            host_organization=sanjiao, province="广东省", city="佛山市", district="顺德区"
        )
        visit.full_clean()
        assert (visit.province, visit.city, visit.district) == ("广东省", "佛山市", "顺德区")

    def test_a_host_without_a_region_leaves_it_empty(self):
        host = factories.OrganizationFactory(name="美的集团", region="")
        visit = factories.SiteVisitFactory(host_organization=host, province="", city="")
        visit.full_clean()
        assert (visit.province, visit.city) == ("", "")


class TestTheAdmin:
    def test_saving_a_visit_with_no_place_fills_it_from_the_host(self, client, editor, sanjiao):
        visit = factories.SiteVisitFactory(host_organization=sanjiao, province="", city="")
        url = reverse("admin:tours_sitevisit_change", args=[visit.pk])
        client.force_login(editor)
        data = form_data(client.get(url)) | {"province": "", "city": ""}
        response = client.post(url, data)
        assert response.status_code == 302
        assert place(visit)[:2] == ("广东省", "中山市")

    def test_the_visits_page_offers_the_hosts_place(self, client, editor, sanjiao):
        visit = factories.SiteVisitFactory(host_organization=sanjiao, province="", city="")
        client.force_login(editor)
        response = client.get(reverse("admin:tours_sitevisit_change", args=[visit.pk]))
        form = response.context["adminform"].form
        assert (form["province"].value(), form["city"].value()) == ("广东省", "中山市")
        assert "取自接待单位的所在地区，可修改。" in response.content.decode()

    def test_an_add_page_opened_with_a_host_offers_its_place(self, client, editor, sanjiao):
        client.force_login(editor)
        response = client.get(
            reverse("admin:tours_sitevisit_add"), {"host_organization": sanjiao.pk}
        )
        form = response.context["adminform"].form
        assert (form["province"].value(), form["city"].value()) == ("广东省", "中山市")
