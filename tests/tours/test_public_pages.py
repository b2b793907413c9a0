"""The public site: published reports read like a report, and nothing private gets out."""

import datetime
import io
import re
import xml.etree.ElementTree as ET
from functools import partial
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from tests import factories
from tours.models import ActionItem, Trip

pytestmark = pytest.mark.django_db

# Strings planted in private places; none may appear on any public page.
PRIVATE = {
    "phone": "13912345678",
    "email": "secret.person@liangping.example.cn",
    "participant note": "内部备注：身体不适",
    "draft title": "草稿考察：赴深圳机密调研",
    "submitted title": "待审考察：赴上海内部交流",
    "draft takeaway": "草稿里的收获文字",
    "pending takeaway": "待审的收获：尚未采纳",
    "returned takeaway": "退回的收获：数据有误",
    "review comment": "审阅意见：请核实数据",
    "private visit": "考察团内部总结会",
    "private visit takeaway": "内部总结会上的发言",
    "private indicator": "内部指标：财政缺口",
    "private action": "内部事项：人事调整",
    "private instruction": "内部批示：注意保密",
    "private photo": "内部照片：酒店晚宴",
    "private question": "内部问题：经费如何报销",
}


@pytest.fixture
def planted():
    """A published trip full of public content, with private data planted around it."""
    trip = factories.TripFactory(title="赴广东中山学习考察", status="published")
    trip.tags.add("招商引资")
    person = factories.ParticipantFactory(
        name="周建国",
        title="组织部部长",
        phone=PRIVATE["phone"],
        email=PRIVATE["email"],
        note=PRIVATE["participant note"],
    )
    factories.TripMemberFactory(trip=trip, participant=person, role="leader")
    visit = factories.SiteVisitFactory(trip=trip, name="三角镇企业服务中心")
    public = factories.TakeawayFactory(
        trip=trip, site_visit=visit, speaker=person, text="企业的事就是我们的事。", kind="quote"
    )
    public.tags.add("营商环境")
    factories.TakeawayFactory(trip=trip, review_status="pending", text=PRIVATE["pending takeaway"])
    factories.TakeawayFactory(
        trip=trip,
        review_status="returned",
        text=PRIVATE["returned takeaway"],
        review_comment=PRIVATE["review comment"],
    )
    factories.TakeawayFactory(
        trip=trip, text="采纳的经验", review_comment=PRIVATE["review comment"]
    )
    hidden = factories.SiteVisitFactory(trip=trip, name=PRIVATE["private visit"], is_public=False)
    factories.TakeawayFactory(trip=trip, site_visit=hidden, text=PRIVATE["private visit takeaway"])
    factories.PhotoFactory(trip=trip, caption=PRIVATE["private photo"], is_public=False)
    factories.IndicatorFactory(trip=trip, name=PRIVATE["private indicator"], is_public=False)
    factories.QuestionFactory(trip=trip, text=PRIVATE["private question"], is_public=False)
    factories.ActionItemFactory(trip=trip, title=PRIVATE["private action"], is_public=False)
    factories.InstructionFactory(trip=trip, text=PRIVATE["private instruction"])
    factories.ActionItemFactory(trip=trip, title="建立企业服务专员制度")

    for status, title in (("draft", "draft title"), ("submitted", "submitted title")):
        hidden_trip = factories.TripFactory(status=status, title=PRIVATE[title])
        hidden_trip.tags.add("招商引资")
        factories.TakeawayFactory(trip=hidden_trip, text=PRIVATE["draft takeaway"])
        factories.ActionItemFactory(trip=hidden_trip, title=PRIVATE["draft takeaway"])
    return trip


def text_of(response) -> str:
    """A page's text; for a Word file (the report), every paragraph and table cell."""
    if "wordprocessingml" not in response["Content-Type"]:
        return response.content.decode()
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def crawl(client, start_urls, limit=300):
    """Follow every same-site link from the start pages; return {url: body}."""
    seen, queue, pages = set(), list(start_urls), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = text_of(response)
        pages[url] = body
        for href in re.findall(r'href="([^"#]+)', body):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(("/admin", "/static", "/media", "/accounts")):
                continue
            queue.append(path)
    return pages


PUBLIC_START = ["/", "/trips/", "/actions/", "/feed/", "/sitemap.xml", "/robots.txt"]


class TestBoundary:
    def test_no_private_data_on_any_public_page_feed_or_sitemap(self, client, planted):
        pages = crawl(client, [*PUBLIC_START, planted.get_absolute_url()])
        assert planted.get_absolute_url() in pages
        assert any("/tags/" in url for url in pages)
        assert any(url.endswith("/report.docx") for url in pages)
        assert any(url.endswith("/itinerary.ics") for url in pages)
        for url, body in pages.items():
            for what, secret in PRIVATE.items():
                assert secret not in body, f"{what} leaked on {url}"

    @pytest.mark.parametrize("status", ["draft", "submitted"])
    def test_unpublished_trip_is_404_not_403(self, client, status):
        trip = factories.TripFactory(status=status)
        assert client.get(trip.get_absolute_url()).status_code == 404

    def test_archived_trip_stays_public(self, client):
        trip = factories.TripFactory(status="archived", title="赴成都交流座谈")
        page = client.get(trip.get_absolute_url())
        assert page.status_code == 200
        assert "已归档" in page.content.decode()

    def test_a_private_cover_photo_is_not_shown_on_lists(self, client):
        trip = factories.TripFactory()
        trip.cover_photo = factories.PhotoFactory(trip=trip, is_public=False)
        trip.save()
        assert trip.cover_photo.image.url not in client.get("/trips/").content.decode()

    def test_destinations_come_from_public_visits_only(self, client):
        trip = factories.TripFactory()
        factories.SiteVisitFactory(trip=trip, city="中山市")
        factories.SiteVisitFactory(trip=trip, city="保密市", is_public=False)
        assert "保密市" not in client.get("/trips/").content.decode()
        assert "保密市" not in client.get(trip.get_absolute_url()).content.decode()


class TestReport:
    def test_reads_like_a_report(self, client, planted):
        page = client.get(planted.get_absolute_url()).content.decode()
        assert '<html lang="zh-Hans">' in page
        assert "赴广东中山学习考察" in page
        assert "2024年2月26日至3月1日" in page
        assert "一、行程安排" in page
        assert "第1天" in page
        assert "三角镇企业服务中心" in page
        assert "周建国" in page and "团长" in page
        assert "“企业的事就是我们的事。”" not in page  # quotes are typeset by CSS
        assert "企业的事就是我们的事。" in page
        assert "建立企业服务专员制度" in page

    def test_sections_without_content_are_left_out(self, client):
        trip = factories.TripFactory()
        factories.SiteVisitFactory(trip=trip)
        page = client.get(trip.get_absolute_url()).content.decode()
        assert "行程安排" in page
        for absent in ("问题清单及解答", "对标指标", "金句摘录", "领导批示", "下一步落实事项"):
            assert absent not in page

    def test_quotation_marks_within_a_quote_are_single(self, client):
        """The page sets a quote in “…”; one it quotes in turn takes ‘…’ (GB/T 15834)."""
        trip = factories.TripFactory()
        host = factories.OrganizationFactory(name="三角镇人民政府")
        visit = factories.SiteVisitFactory(trip=trip, host_organization=host)
        factories.TakeawayFactory(
            trip=trip,
            site_visit=visit,
            kind="quote",
            review_status="featured",
            text="三角镇“工改工”腾挪出了发展空间。",
        )
        for url in (trip.get_absolute_url(), "/", reverse("tours:host-detail", args=[host.pk])):
            page = client.get(url).content.decode()
            assert "<p>三角镇‘工改工’腾挪出了发展空间。</p>" in page, url

    def test_benchmark_table_shows_the_gap(self, client):
        trip = factories.TripFactory()
        factories.IndicatorFactory(trip=trip, benchmark_value="215.6", home_value="98.3")
        page = client.get(trip.get_absolute_url()).content.decode()
        assert "215.6" in page and "98.3" in page and "−117.3" in page

    def test_a_speaker_is_named_with_the_post_held_at_the_time(self, client):
        trip = factories.TripFactory()
        person = factories.ParticipantFactory(name="黄俊", title="镇长")
        factories.TripMemberFactory(trip=trip, participant=person, title="副镇长")
        factories.TakeawayFactory(trip=trip, speaker=person, kind="quote", text="不怕企业提要求。")
        page = client.get(trip.get_absolute_url()).content.decode()
        assert "黄俊，" in page and "副镇长" in page

    @time_machine.travel(datetime.datetime(2024, 7, 1, 2, tzinfo=datetime.UTC))
    def test_actions_show_progress_latest_update_and_overdue(self, client):
        trip = factories.TripFactory()
        action = factories.ActionItemFactory(
            trip=trip, due_date=datetime.date(2024, 6, 30), status="in_progress", progress=40
        )
        factories.ActionUpdateFactory(action=action, date=datetime.date(2024, 5, 1), note="旧进展")
        factories.ActionUpdateFactory(action=action, date=datetime.date(2024, 6, 1), note="新进展")
        page = client.get(trip.get_absolute_url()).content.decode()
        assert '<progress max="100" value="40"' in page
        assert "新进展" in page and "旧进展" not in page
        assert "action--overdue" in page and "逾期" in page

    def test_answers_name_who_gave_them(self, client):
        trip = factories.TripFactory()
        host = factories.ParticipantFactory(name="苏伟文", title="镇党委书记")
        factories.QuestionFactory(trip=trip, answered_by=host)
        page = client.get(trip.get_absolute_url()).content.decode()
        assert "以产业链图谱为基础建立目标企业库" in page and "苏伟文" in page

    def test_english_when_asked(self, client, planted):
        page = client.get(planted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Itinerary" in page
        assert "Feb. 26" in page or "February 26" in page


class TestPreview:
    def test_staff_see_a_draft_as_the_public_would_under_a_banner(self, client, editor):
        trip = factories.TripFactory(status="draft", title="赴浙江安吉专题培训")
        factories.TakeawayFactory(trip=trip, text="采纳后才公开", review_status="adopted")
        factories.TakeawayFactory(trip=trip, text="待审的不显示", review_status="pending")
        client.force_login(editor)
        page = client.get(reverse("tours:trip-preview", args=[trip.pk])).content.decode()
        assert "预览（未发布）" in page
        assert "采纳后才公开" in page
        assert "待审的不显示" not in page

    def test_a_leader_previews_a_submitted_trip_before_publishing_it(self, client, leader):
        trip = factories.TripFactory(status="submitted", title="赴江苏苏州招商考察")
        client.force_login(leader)
        page = client.get(reverse("tours:trip-preview", args=[trip.pk])).content.decode()
        assert "赴江苏苏州招商考察" in page

    def test_anonymous_visitors_are_asked_to_sign_in(self, client):
        trip = factories.TripFactory(status="draft")
        response = client.get(reverse("tours:trip-preview", args=[trip.pk]))
        assert response.url.startswith("/accounts/login/")

    @pytest.mark.parametrize("who", ["outsider", "owner"])
    def test_everyone_else_gets_404(self, client, who, request):
        trip = factories.TripFactory(status="draft")
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("tours:trip-preview", args=[trip.pk])).status_code == 404


class TestTripList:
    def test_filters_combine_and_keep_their_state(self, client):
        match = factories.TripFactory(title="二〇二四年广东招商考察", kind="investment")
        match.tags.add("招商引资")
        factories.SiteVisitFactory(trip=match, province="广东省")
        other_year = factories.TripFactory(
            title="二〇二三年广东招商考察",
            kind="investment",
            start_date=datetime.date(2023, 5, 1),
            end_date=datetime.date(2023, 5, 3),
        )
        factories.SiteVisitFactory(trip=other_year, province="广东省")
        other_kind = factories.TripFactory(title="广东专题培训", kind="training")
        factories.SiteVisitFactory(trip=other_kind, province="广东省")

        query = {"year": "2024", "kind": "investment", "province": "广东省", "tag": "招商引资"}
        page = client.get("/trips/", query).content.decode()
        assert "二〇二四年广东招商考察" in page
        assert "二〇二三年广东招商考察" not in page
        assert "广东专题培训" not in page
        assert '<option value="investment" selected>' in page

    def test_paginates_by_20_and_keeps_filters_in_page_links(self, client):
        for _ in range(25):
            factories.TripFactory(kind="exchange")
        page = client.get("/trips/", {"kind": "exchange"}).content.decode()
        assert page.count('class="trip-card"') == 20
        assert "?kind=exchange&amp;page=2" in page
        second = client.get("/trips/", {"kind": "exchange", "page": 2}).content.decode()
        assert second.count('class="trip-card"') == 5

    def test_empty_results_say_so(self, client):
        factories.TripFactory(kind="training")
        page = client.get("/trips/", {"kind": "embedded"}).content.decode()
        assert "没有符合条件的考察报告" in page

    @pytest.mark.parametrize(
        "query", [{"year": "abc"}, {"kind": "nonsense"}, {"page": "999"}, {"tag": "不存在"}]
    )
    def test_nonsense_in_the_url_never_breaks_the_page(self, client, query):
        factories.TripFactory()
        assert client.get("/trips/", query).status_code == 200


class TestActionBoard:
    @time_machine.travel(datetime.datetime(2024, 7, 1, 2, tzinfo=datetime.UTC))
    def test_totals_and_overdue_filter(self, client):
        trip = factories.TripFactory()
        factories.ActionItemFactory(trip=trip, title="逾期事项", due_date=datetime.date(2024, 6, 1))
        factories.ActionItemFactory(trip=trip, title="已完成事项", status="done", progress=100)
        factories.ActionItemFactory(
            trip=trip, title="推进中事项", status="in_progress", due_date=datetime.date(2024, 9, 1)
        )
        response = client.get("/actions/")
        assert response.context["totals"] == {
            "total": 3,
            "done": 1,
            "in_progress": 1,
            "overdue": 1,
            "average": pytest.approx(100 / 3),
        }
        overdue = client.get("/actions/", {"overdue": "on"}).content.decode()
        assert "逾期事项" in overdue and "已完成事项" not in overdue

    def test_filters_by_unit_and_trip(self, client):
        trip = factories.TripFactory()
        unit = factories.OrganizationFactory(name="梁平区商务委员会")
        factories.ActionItemFactory(trip=trip, title="商务委的事项", owner_organization=unit)
        factories.ActionItemFactory(trip=trip, title="别人的事项")
        page = client.get("/actions/", {"unit": unit.pk, "trip": trip.pk}).content.decode()
        assert "商务委的事项" in page and "别人的事项" not in page


class TestTagsFeedSitemap:
    def test_a_chinese_tag_lists_its_trips_and_takeaways(self, client):
        trip = factories.TripFactory(title="赴佛山学习考察")
        trip.tags.add("链长制")
        takeaway = factories.TakeawayFactory(trip=trip, text="链长抓统筹，链主带配套。")
        takeaway.tags.add("链长制")
        page = client.get(reverse("tours:tag-detail", args=["链长制"])).content.decode()
        assert "赴佛山学习考察" in page and "链长抓统筹" in page

    def test_a_tag_only_private_rows_carry_is_404(self, client):
        trip = factories.TripFactory(status="draft")
        trip.tags.add("保密标签")
        assert client.get(reverse("tours:tag-detail", args=["保密标签"])).status_code == 404

    def test_feed_is_atom_with_public_trips_only(self, client):
        factories.TripFactory(title="公开的考察", published_at=datetime.datetime.now(datetime.UTC))
        factories.TripFactory(title="草稿考察", status="draft")
        feed = ET.fromstring(client.get("/feed/").content)
        titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
        assert "公开的考察" in titles and "草稿考察" not in titles

    def test_a_trips_summary_reaches_feed_readers_as_text_not_markup(self, client):
        factories.TripFactory(summary="对标<script>alert(1)</script>三角镇\n第二段")
        feed = ET.fromstring(client.get("/feed/").content)
        summary = next(feed.iter("{http://www.w3.org/2005/Atom}summary")).text
        assert "<script>" not in summary
        assert summary == "对标&lt;script&gt;alert(1)&lt;/script&gt;三角镇<br>第二段"

    def test_sitemap_lists_public_trips_only(self, client):
        public = factories.TripFactory()
        draft = factories.TripFactory(status="draft")
        body = client.get("/sitemap.xml").content.decode()
        assert public.get_absolute_url() in body
        assert draft.get_absolute_url() not in body

    def test_feed_names_the_site_as_author_and_each_trip_its_organizer(self, client):
        """RFC 4287 §4.1.1: the feed, or every entry, has an author; no one's contact details."""
        department = factories.OrganizationFactory(name="中共梁平区委组织部")
        factories.TripFactory(title="赴中山学习考察", organizer=department)
        factories.TripFactory(title="赴佛山学习考察", organizer=None)
        factories.ParticipantFactory(organization=department, email=PRIVATE["email"])
        feed = ET.fromstring(client.get("/feed/").content)
        atom = "{http://www.w3.org/2005/Atom}"
        assert feed.findtext(f"{atom}author/{atom}name") == "学习考察"
        authors = {
            entry.findtext(f"{atom}title"): entry.findtext(f"{atom}author/{atom}name")
            for entry in feed.iter(f"{atom}entry")
        }
        assert authors == {"赴中山学习考察": "中共梁平区委组织部", "赴佛山学习考察": None}
        assert not list(feed.iter(f"{atom}email")) and not list(feed.iter(f"{atom}uri"))

    def test_sitemap_lists_insights_and_the_pages_of_public_tags_and_hosts(self, client):
        trip = factories.TripFactory()
        trip.tags.add("链长制")
        factories.TakeawayFactory(trip=trip).tags.add("营商环境")
        factories.TakeawayFactory(trip=trip, review_status="pending").tags.add("待审标签")
        town = factories.OrganizationFactory(name="中山市三角镇人民政府")
        factories.SiteVisitFactory(trip=trip, host_organization=town)
        unseen = factories.OrganizationFactory(name="内部接待单位")
        factories.SiteVisitFactory(trip=trip, host_organization=unseen, is_public=False)
        draft = factories.TripFactory(status="draft")
        draft.tags.add("保密标签")
        factories.TakeawayFactory(trip=draft).tags.add("草稿标签")
        draft_host = factories.OrganizationFactory(name="只接待过草稿考察的单位")
        factories.SiteVisitFactory(trip=draft, host_organization=draft_host)

        sitemap = ET.fromstring(client.get("/sitemap.xml").content)
        ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        lastmod = {
            urlsplit(url.findtext(f"{ns}loc")).path: url.findtext(f"{ns}lastmod")
            for url in sitemap.iter(f"{ns}url")
        }
        tag_page = partial(reverse, "tours:tag-detail")
        host_page = partial(reverse, "tours:host-detail")
        assert "/insights/" in lastmod
        # A tag's or a host's page changes when a public trip behind it does.
        trip_changed = lastmod[trip.get_absolute_url()]
        assert lastmod[tag_page(args=["链长制"])] == trip_changed
        assert lastmod[tag_page(args=["营商环境"])] == trip_changed
        assert lastmod[host_page(args=[town.pk])] == trip_changed
        for private in ("待审标签", "保密标签", "草稿标签"):
            assert tag_page(args=[private]) not in lastmod
        for private in (unseen, draft_host):
            assert host_page(args=[private.pk]) not in lastmod
        for url in lastmod:
            assert client.get(url).status_code == 200, url

    def test_sitemap_is_cached_and_lists_a_new_tag_once_committed(
        self, client, django_assert_num_queries, django_capture_on_commit_callbacks
    ):
        trip = factories.TripFactory()
        client.get("/sitemap.xml")
        with django_assert_num_queries(0):
            client.get("/sitemap.xml?utm_source=qq")
        with django_capture_on_commit_callbacks(execute=True):
            trip.tags.add("乡村振兴")
        body = client.get("/sitemap.xml").content.decode()
        assert reverse("tours:tag-detail", args=["乡村振兴"]) in body

    def test_robots_keeps_crawlers_out_of_staff_pages(self, client):
        body = client.get("/robots.txt").content.decode()
        assert "Disallow: /admin/" in body and "Sitemap: http://testserver/sitemap.xml" in body


class TestCaching:
    def test_anonymous_pages_set_no_cookie_and_can_be_cached(self, client, planted):
        for url in ("/", "/trips/", planted.get_absolute_url(), "/actions/"):
            response = client.get(url)
            assert not response.cookies, url
            assert "Cookie" not in response.headers.get("Vary", ""), url
            assert "public" in response.headers["Cache-Control"], url
            assert response.headers["ETag"] and response.headers["Last-Modified"], url

    def test_a_page_from_the_cache_carries_every_header_and_its_language(self, client, planted):
        url = planted.get_absolute_url()
        client.get(url)
        hit = client.get(url)
        assert hit.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in hit.headers["Content-Security-Policy"]
        assert "Accept-Language" in hit.headers["Vary"]
        assert hit.headers["Content-Language"] == "zh-hans"
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert english.headers["Content-Language"] == "en"
        assert "Itinerary" in english.content.decode()

    def test_the_english_report_spaces_its_numbers_dates_and_colons(self, client, planted):
        planted.start_date = datetime.date(2026, 9, 18)
        planted.end_date = datetime.date(2026, 9, 23)
        planted.save()
        planted.site_visits.update(date=planted.start_date)
        page = text_of(client.get(planted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
        assert "1. Itinerary" in page
        assert "September 18–23, 2026" in page
        assert "Responsible unit: " in page
        assert not re.search(r"[A-Za-z]：", page)  # no full-width colon after an English word

    def test_staff_with_a_session_get_the_same_public_page(self, client, editor, planted):
        client.get(planted.get_absolute_url())
        client.force_login(editor)
        page = client.get(planted.get_absolute_url())
        assert page.status_code == 200 and "行程安排" in page.content.decode()

    def test_a_change_made_by_another_worker_shows_at_once(
        self, client, planted, django_capture_on_commit_callbacks
    ):
        """Workers share only the version; a page another worker rendered is not served stale."""
        from django.core.cache import cache

        from tours.caching import VERSION_KEY, bump_content_version

        url = planted.get_absolute_url()
        client.get(url)
        old = cache.get(VERSION_KEY)
        with django_capture_on_commit_callbacks(execute=True):
            bump_content_version()  # what another process's save does to the shared cache
        assert cache.get(VERSION_KEY) != old
        Trip.objects.filter(pk=planted.pk).update(title="赴广东中山、江门学习考察")
        assert "赴广东中山、江门学习考察" in client.get(url).content.decode()

    def test_parameters_a_page_does_not_read_get_its_cached_page(
        self, client, planted, django_assert_num_queries
    ):
        """A link shared in WeChat, tagged by a tracker or made up still finds the cached page."""
        for url in (planted.get_absolute_url(), "/trips/", "/actions/", "/search/?q=招商"):
            client.get(url)
            sep = "&" if "?" in url else "?"
            for added in ("from=singlemessage&isappinstalled=0", "utm_source=qq", "x=123"):
                with django_assert_num_queries(0):
                    assert client.get(f"{url}{sep}{added}").status_code == 200, url

    def test_each_filter_and_page_number_is_a_page_of_its_own(self, client, planted):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        factories.TripFactory(title="赴浙江安吉学习考察", status="published", kind="exchange")
        assert "赴浙江安吉学习考察" in client.get("/trips/").content.decode()
        filtered = client.get("/trips/?kind=study_tour&year=2024").content.decode()
        assert "赴广东中山学习考察" in filtered and "赴浙江安吉学习考察" not in filtered
        with CaptureQueriesContext(connection) as rendered:
            again = client.get("/trips/?year=2024&from=timeline&kind=study_tour")  # another order
        assert again.content.decode() == filtered and not rendered.captured_queries
        with CaptureQueriesContext(connection) as rendered:
            client.get("/trips/?page=2")
        assert rendered.captured_queries

    def test_staff_who_see_every_record_get_insights_uncached(self, client, leader, planted):
        client.get("/insights/")
        client.force_login(leader)
        response = client.get("/insights/")
        assert "no-store" in response.headers["Cache-Control"]

    def test_unchanged_page_answers_304(self, client, planted):
        first = client.get(planted.get_absolute_url())
        again = client.get(planted.get_absolute_url(), HTTP_IF_NONE_MATCH=first.headers["ETag"])
        assert again.status_code == 304

    def test_a_change_to_anything_on_the_page_shows_once_committed(
        self, client, planted, django_capture_on_commit_callbacks
    ):
        url = planted.get_absolute_url()
        assert "三角镇企业服务中心" in client.get(url).content.decode()
        visit = planted.site_visits.get(name="三角镇企业服务中心")
        visit.name = "三角镇营商服务中心"
        with django_capture_on_commit_callbacks(execute=True):
            visit.save()
        assert "三角镇营商服务中心" in client.get(url).content.decode()

    def test_unpublishing_removes_the_page_once_committed(
        self, client, planted, django_capture_on_commit_callbacks
    ):
        url = planted.get_absolute_url()
        assert client.get(url).status_code == 200
        Trip.objects.filter(pk=planted.pk).update(status="draft")
        planted.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            planted.save()  # a save through the ORM, as the workflow does
        assert client.get(url).status_code == 404


def build_site(scale: int):
    """`scale` copies of a realistic published trip (10 visits, 30 takeaways, … each)."""
    unit = factories.OrganizationFactory(name="梁平区经济和信息化委员会")
    trips = []
    for n in range(scale * 3):
        trip = factories.TripFactory(organizer=unit)
        trip.tags.add("招商引资", f"主题{n}")
        people = [factories.ParticipantFactory(organization=unit) for _ in range(5)]
        for i, person in enumerate(people):
            factories.TripMemberFactory(trip=trip, participant=person, order=i)
        for day in range(5 * scale):
            visit = factories.SiteVisitFactory(
                trip=trip,
                date=trip.start_date + datetime.timedelta(days=day % trip.days),
                host_organization=unit,
                presenter=people[0],
            )
            factories.PhotoFactory(trip=trip, site_visit=visit)
            for kind in ("quote", "lesson", "gap", "insight", "reflection"):
                takeaway = factories.TakeawayFactory(
                    trip=trip, site_visit=visit, kind=kind, speaker=people[day % 5]
                )
                takeaway.tags.add(f"标签{day % 4}")
        for i in range(3 * scale):
            factories.QuestionFactory(trip=trip, asked_by=people[i % 5], answered_by=people[0])
            factories.IndicatorFactory(trip=trip)
            instruction = factories.InstructionFactory(trip=trip, is_public=True)
            action = factories.ActionItemFactory(
                trip=trip,
                owner=people[i % 5],
                owner_organization=unit,
                source_instruction=instruction,
            )
            factories.ActionUpdateFactory(action=action)
        trips.append(trip)
    return trips


class TestQueryBudget:
    """Pages do a fixed amount of work whatever the amount of data (1× and 5×)."""

    BUDGETS = [
        ("report", 11),  # the answerers of the questions: one prefetch
        ("/", 6),
        ("/trips/", 7),  # the filter's years, provinces, tags and organizers
        ("/trips/?tag=招商引资&year=2024", 7),
        ("/actions/", 6),
        ("/tags/招商引资/", 6),
        ("/sitemap.xml", 8),  # campaigns and action pages add one each
        ("/feed/", 2),
    ]

    @pytest.mark.parametrize("scale", [1, 5])
    def test_every_page_stays_within_its_budget(self, client, scale, django_assert_max_num_queries):
        from tours.caching import pages

        report = build_site(scale)[0].get_absolute_url()
        for url, budget in self.BUDGETS:
            pages.clear()
            url = report if url == "report" else url
            with django_assert_max_num_queries(budget, info=url):
                response = client.get(url)
            assert response.status_code == 200, url

    def test_a_cached_page_needs_no_query(self, client, django_assert_num_queries):
        trip = build_site(1)[0]
        client.get(trip.get_absolute_url())
        with django_assert_num_queries(0):
            client.get(trip.get_absolute_url())


def test_404_page_is_chinese_and_in_the_site_style(client):
    page = client.get("/trips/999999/")
    assert page.status_code == 404
    assert "页面不存在" in page.content.decode()
    assert "site-header" in page.content.decode()


def test_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    assert "服务器出错了" in render_to_string("500.html")


def test_progress_statuses_have_labels():
    assert {s.label for s in ActionItem.Status} >= {"推进中", "已完成"}
