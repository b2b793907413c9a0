"""The trip page as staff enter on it: sections in an index with their rows and errors, none
folded shut, a part's own page that returns to the trip, and a leader's comment in its row."""

import re
from html import unescape
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_forms import form_data
from tours.models import SiteVisit, Takeaway

pytestmark = pytest.mark.django_db


def change_url(trip):
    return reverse("admin:tours_trip_change", args=[trip.pk])


def visit_url(visit, **query):
    url = reverse("admin:tours_sitevisit_change", args=[visit.pk])
    if query:
        url += "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    return url


def delete_url(visit, **query):
    url = reverse("admin:tours_sitevisit_delete", args=[visit.pk])
    if query:
        url += "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    return url


def history_url(visit, **query):
    url = reverse("admin:tours_sitevisit_history", args=[visit.pk])
    if query:
        url += "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    return url


def section_index(response) -> str:
    """The section index as it reads: each section's name, then its rows and errors."""
    html = response.content.decode()
    nav = re.search(r'<nav class="trip-sections".*?</nav>', html, re.S).group(0)
    entries = re.findall(r"<li>(.*?)</li>", nav, re.S)
    texts = [" ".join(unescape(re.sub(r"<[^>]+>", " ", e)).split()) for e in entries]
    return " · ".join(texts)


@pytest.fixture
def trip():
    trip = factories.TripFactory(title="赴中山三角镇交流座谈", status="draft", kind="exchange")
    factories.SiteVisitFactory.create_batch(3, trip=trip)
    factories.QuestionFactory(trip=trip)
    factories.TakeawayFactory.create_batch(2, trip=trip, review_status="pending")
    return trip


class TestSectionIndex:
    def test_lists_each_section_with_its_rows(self, client, editor, trip):
        client.force_login(editor)
        response = client.get(change_url(trip))
        assert section_index(response) == (
            "基本信息 · 团员 0 · 行程 3 · 问题清单 1 · 对标 0 · 收获 2 · 落实事项 0"
            " · 跟班安排 0 · 签约项目 0 · 材料 0 · 照片 0"
        )

    def test_ends_with_the_photos_page_and_its_count(self, client, editor, trip):
        factories.PhotoFactory.create_batch(2, trip=trip)
        factories.PhotoFactory()  # another trip's
        client.force_login(editor)
        response = client.get(change_url(trip))
        assert section_index(response).endswith(" · 材料 0 · 照片 2")
        photos = reverse("admin:tours_trip_photos", args=[trip.pk])
        assert f'<a href="{photos}" class="trip-sections__page">照片' in response.content.decode()

    def test_a_new_trip_has_no_photos_entry(self, client, editor):
        client.force_login(editor)
        response = client.get(reverse("admin:tours_trip_add"))
        assert "照片" not in section_index(response)

    def test_no_section_is_folded_shut(self, client, editor, trip):
        client.force_login(editor)
        html = client.get(change_url(trip)).content.decode()
        assert "collapse" not in html
        assert "<details" not in html

    def test_a_save_with_an_error_counts_it_at_its_section(self, client, editor, trip):
        client.force_login(editor)
        data = form_data(client.get(change_url(trip)))
        data["takeaways-0-text"] = ""
        response = client.post(change_url(trip), data)
        assert response.status_code == 200
        assert "收获 2 1 处错误" in section_index(response)
        assert "行程 3 ·" in section_index(response)

    def test_a_page_whose_save_failed_counts_as_unsaved(self, client, editor, trip):
        client.force_login(editor)
        assert 'data-dirty=""' in client.get(change_url(trip)).content.decode()
        data = form_data(client.get(change_url(trip)))
        data["takeaways-0-text"] = ""
        assert 'data-dirty="yes"' in client.post(change_url(trip), data).content.decode()

    def test_the_sidebar_gives_its_width_to_the_rows(self, client, editor, trip):
        client.force_login(editor)
        assert 'id="nav-sidebar"' not in client.get(change_url(trip)).content.decode()


class TestReturningToTheTrip:
    def test_a_visits_change_link_leads_back_to_its_section(self, client, editor, trip):
        client.force_login(editor)
        visit = trip.site_visits.first()
        html = client.get(change_url(trip)).content.decode()
        back = f"{change_url(trip)}#site_visits-group"
        assert visit_url(visit, next=back).replace("&", "&amp;") in html

    def test_saving_a_visit_opened_from_the_trip_returns_to_its_section(self, client, editor, trip):
        client.force_login(editor)
        visit = trip.site_visits.first()
        url = visit_url(visit, next=f"{change_url(trip)}#site_visits-group")
        page = client.get(url)
        assert "返回考察" in page.content.decode()
        data = form_data(page) | {"name": "三角镇人民政府", "_save": "保存"}
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"] == f"{change_url(trip)}#site_visits-group"
        assert SiteVisit.objects.get(pk=visit.pk).name == "三角镇人民政府"

    def test_save_and_continue_keeps_the_way_back(self, client, editor, trip):
        client.force_login(editor)
        visit = trip.site_visits.first()
        back = f"{change_url(trip)}#site_visits-group"
        url = visit_url(visit, next=back)
        response = client.post(url, form_data(client.get(url)) | {"_continue": "1"})
        assert response.status_code == 302
        assert response["Location"] == visit_url(visit, next=back)

    def test_a_visit_added_on_its_own_page_from_the_trip_returns_to_its_section(
        self, client, editor, trip
    ):
        client.force_login(editor)
        back = f"{change_url(trip)}#site_visits-group"
        url = reverse("admin:tours_sitevisit_add") + f"?trip={trip.pk}&next={quote(back)}"
        data = form_data(client.get(url)) | {
            "trip": trip.pk,
            "date": trip.start_date.isoformat(),
            "name": "三角镇党群服务中心",
            "kind": "meeting",
            "_save": "保存",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"] == back
        assert trip.site_visits.filter(name="三角镇党群服务中心").exists()

    @pytest.mark.parametrize(
        "elsewhere", ["https://evil.example/admin/", "//evil.example/", "javascript:alert(1)"]
    )
    def test_a_way_back_to_another_site_is_ignored(self, client, editor, trip, elsewhere):
        client.force_login(editor)
        visit = trip.site_visits.first()
        url = visit_url(visit, next=elsewhere)
        page = client.get(url)
        assert "返回考察" not in page.content.decode()
        response = client.post(url, form_data(page) | {"_save": "保存"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:tours_sitevisit_changelist"))


class TestDeletingFromAPartsPage:
    def test_the_delete_link_keeps_the_way_back(self, client, editor, trip):
        client.force_login(editor)
        visit = trip.site_visits.first()
        back = f"{change_url(trip)}#site_visits-group"
        html = client.get(visit_url(visit, next=back)).content.decode()
        assert f'href="{delete_url(visit, next=back)}" class="deletelink"' in html

    def test_the_confirmation_links_to_the_part_with_the_way_back(self, client, editor, trip):
        client.force_login(editor)
        visit = trip.site_visits.first()
        back = f"{change_url(trip)}#site_visits-group"
        html = client.get(delete_url(visit, next=back)).content.decode()
        assert f'href="{visit_url(visit, next=back)}"' in html

    def test_deleting_a_visit_opened_from_the_trip_returns_to_its_section(
        self, client, editor, trip
    ):
        client.force_login(editor)
        visit = trip.site_visits.first()
        back = f"{change_url(trip)}#site_visits-group"
        response = client.post(delete_url(visit, next=back), {"post": "yes"})
        assert response.status_code == 302
        assert response["Location"] == back
        assert not SiteVisit.objects.filter(pk=visit.pk).exists()

    @pytest.mark.parametrize(
        "elsewhere", ["https://evil.example/admin/", "//evil.example/", "javascript:alert(1)"]
    )
    def test_a_deletion_ignores_a_way_back_to_another_site(self, client, editor, trip, elsewhere):
        client.force_login(editor)
        visit = trip.site_visits.first()
        page = client.get(delete_url(visit, next=elsewhere)).content.decode()
        assert f'href="{visit_url(visit)}"' in page
        response = client.post(delete_url(visit, next=elsewhere), {"post": "yes"})
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:tours_sitevisit_changelist")


class TestHistoryFromAPartsPage:
    @pytest.fixture
    def visit(self, trip):
        visit = trip.site_visits.first()
        visit.name = "三角镇人民政府"
        visit.save()  # a second version to revert to
        return visit

    def test_the_history_link_keeps_the_way_back(self, client, editor, trip, visit):
        client.force_login(editor)
        back = f"{change_url(trip)}#site_visits-group"
        html = client.get(visit_url(visit, next=back)).content.decode()
        assert f'href="{history_url(visit, next=back)}" class="historylink"' in html

    def test_the_history_links_back_to_the_part_and_the_trip(self, client, editor, trip, visit):
        client.force_login(editor)
        back = f"{change_url(trip)}#site_visits-group"
        html = client.get(history_url(visit, next=back)).content.decode()
        assert f'href="{visit_url(visit, next=back)}"' in html
        assert f'href="{back}" class="back-link"' in html

    def test_a_versions_page_keeps_the_way_back(self, client, editor, trip, visit):
        client.force_login(editor)
        back = f"{change_url(trip)}#site_visits-group"
        first = visit.history.earliest()
        version = reverse("admin:tours_sitevisit_simple_history", args=[visit.pk, first.pk])
        version_with_back = f"{version}?next={quote(back, safe='')}"
        assert (
            f'href="{version_with_back}"'
            in client.get(history_url(visit, next=back)).content.decode()
        )
        html = client.get(version_with_back).content.decode()
        assert f'href="{visit_url(visit, next=back)}"' in html
        assert f'href="{history_url(visit, next=back)}"' in html

    def test_reverting_from_the_history_returns_to_the_trip(self, client, editor, trip, visit):
        client.force_login(editor)
        back = f"{change_url(trip)}#site_visits-group"
        first = visit.history.earliest()
        version = reverse("admin:tours_sitevisit_simple_history", args=[visit.pk, first.pk])
        url = f"{version}?next={quote(back, safe='')}"
        response = client.post(url, form_data(client.get(url)) | {"_save": "1"})
        assert response.status_code == 302
        assert response["Location"] == back
        assert SiteVisit.objects.get(pk=visit.pk).name == first.name

    def test_a_history_opened_from_the_list_has_no_way_back(self, client, editor, trip, visit):
        client.force_login(editor)
        html = client.get(history_url(visit, next="https://evil.example/")).content.decode()
        assert f'href="{visit_url(visit)}"' in html
        assert "evil.example" not in html


class TestReviewCommentInTheRow:
    def test_a_returned_takeaway_shows_the_leaders_comment_on_the_trip_page(
        self, client, editor, trip
    ):
        factories.TakeawayFactory(
            trip=trip,
            review_status=Takeaway.ReviewStatus.RETURNED,
            review_comment="数据口径不一致，请核实后再报。",
        )
        client.force_login(editor)
        html = client.get(change_url(trip)).content.decode()
        comment = re.search(r'<span class="review-comment">(.*?)</span>', html, re.S)
        assert comment is not None
        assert "领导意见：" in comment.group(1)
        assert "数据口径不一致，请核实后再报。" in comment.group(1)

    def test_a_pending_takeaway_shows_no_comment(self, client, editor, trip):
        client.force_login(editor)
        assert 'class="review-comment"' not in client.get(change_url(trip)).content.decode()


class TestCompactRows:
    def test_a_visit_picker_names_the_visit_before_its_date(self, client, editor, trip):
        visit = trip.site_visits.first()
        visit.name = "三角镇企业服务中心"
        visit.date = trip.start_date
        visit.save()
        client.force_login(editor)
        html = client.get(change_url(trip)).content.decode()
        day = f"{trip.start_date.year}年{trip.start_date.month}月{trip.start_date.day}日"
        assert f'<option value="{visit.pk}">三角镇企业服务中心（{day}）</option>' in html
