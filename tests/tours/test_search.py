"""Search: two-character Chinese words are found, in an index, and nothing private is."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.tours.test_public_pages import PRIVATE, planted  # noqa: F401  (fixture)
from tours import search
from tours.models import SearchEntry, Takeaway, Trip
from tours.search.text import index_terms, parse_query, snippet

pytestmark = pytest.mark.django_db

URL = reverse("tours:search")


def found(q, kind="takeaway", *, public_only=True):
    """The texts the index returns for `q` among records of `kind`."""
    results = search.search(parse_query(q), public_only=public_only, kind=kind)
    pages = search.kind_pages(results, kind, public_only=public_only)
    return [hit.obj.text if kind == "takeaway" else str(hit.obj) for hit in pages[0:100]]


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def hits(client, **params):
    """The listed results only, without the query the page repeats in its form and tabs."""
    return "".join(re.findall(r'<ol class="hits">(.*?)</ol>', page(client, **params), re.S))


class TestChineseText:
    def test_a_run_of_characters_is_indexed_as_bigrams_and_its_last_character(self):
        assert index_terms("招商引资") == "招商 商引 引资 资"

    def test_letters_and_digits_are_words_folded_to_lower_case(self):
        assert index_terms("建设５Ｇ基站，PPP模式") == "建设 设 5g 基站 站 ppp 模式 式"

    def test_operators_and_punctuation_are_only_separators(self):
        query = parse_query('"招商" AND NEAR(园区* -民宿')
        assert [t.text for t in query.terms] == ["招商", "and", "near", "园区", "民宿"]

    def test_a_long_query_is_cut_not_refused(self):
        query = parse_query("招商" * 250)
        assert query.truncated and len(query.terms[0].text) <= 100

    def test_snippet_escapes_everything_then_marks_matches(self):
        html = snippet("<b>链长</b>负责统筹", parse_query("链长"))
        assert html == "&lt;b&gt;<mark>链长</mark>&lt;/b&gt;负责统筹"

    def test_snippet_is_a_window_around_the_first_match(self):
        text = "开头" * 100 + "民宿集群" + "结尾" * 100
        html = snippet(text, parse_query("民宿"), length=40)
        assert html.startswith("…") and html.endswith("…") and "<mark>民宿</mark>" in html


@pytest.fixture
def corpus():
    trip = factories.TripFactory(title="赴浙江安吉学习考察")
    texts = [
        "推行链长制，由区领导担任链长。",
        "设立技改专项资金，支持企业设备更新。",
        "引导村集体组建民宿运营公司。",
        "招商引资要拼服务，园区要拼效率。",
        "建成5G基站一千余个，实现园区全覆盖。",
        "以商招商，比单打独斗效率高。",
        "乡村要振兴，产业是关键。",
        "乡村振兴关键在人。",
    ]
    for text in texts:
        factories.TakeawayFactory(trip=trip, text=text)
    return trip


class TestMatching:
    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("招商", {"招商引资要拼服务，园区要拼效率。", "以商招商，比单打独斗效率高。"}),
            ("链长", {"推行链长制，由区领导担任链长。"}),
            ("技改", {"设立技改专项资金，支持企业设备更新。"}),
            ("民宿", {"引导村集体组建民宿运营公司。"}),
        ],
    )
    def test_two_character_words_are_found(self, corpus, q, expected):
        assert set(found(q)) == expected

    def test_a_single_character_finds_every_text_containing_it(self, corpus):
        assert set(found("宿")) == {"引导村集体组建民宿运营公司。"}
        assert len(found("园")) == 2

    def test_several_words_must_all_occur(self, corpus):
        assert found("招商 园区") == ["招商引资要拼服务，园区要拼效率。"]
        assert found("招商 民宿") == []

    def test_mixed_chinese_and_ascii(self, corpus):
        assert found("5G 基站") == ["建成5G基站一千余个，实现园区全覆盖。"]
        assert found("５ｇ基站") == ["建成5G基站一千余个，实现园区全覆盖。"]

    def test_a_longer_word_matches_only_where_it_occurs_as_written(self, corpus):
        assert found("乡村振兴") == ["乡村振兴关键在人。"]

    @pytest.mark.parametrize(
        "q",
        [
            '"',
            "*",
            "AND",
            "NEAR(",
            '招商" OR "民宿',
            "招商* NEAR(园区, 2)",
            "'; DROP TABLE tours_takeaway; --",
            "！@#￥%……&*（）——+",
            "x" * 500,
            "招" * 500,
            "\u0000\u200b",
        ],
    )
    def test_hostile_queries_are_handled_safely(self, client, corpus, q):
        body = page(client, q=q)
        assert "搜索" in body
        assert Takeaway.objects.count() == 8

    def test_operators_are_plain_words(self, corpus):
        assert found('招商" OR "民宿') == []


class TestPage:
    def test_empty_and_blank_queries_show_a_friendly_page(self, client):
        for q in ("", "   ", "\u3000"):
            body = page(client, q=q)
            assert "两个汉字即可" in body
            assert 'href="?q=%E6%8B%9B%E5%95%86"' in body  # a 招商 example

    def test_a_query_without_words_says_so(self, client):
        assert "没有可以查找的文字" in page(client, q="？！。")

    def test_results_are_grouped_by_kind_with_their_trip_and_highlighted(self, client):
        trip = factories.TripFactory(title="赴佛山招商考察")
        visit = factories.SiteVisitFactory(trip=trip, name="佛山招商中心", summary="了解招商做法")
        factories.TakeawayFactory(trip=trip, site_visit=visit, text="招商要算长远账。")
        factories.QuestionFactory(trip=trip, text="招商如何选企业？", answer="看产业链。")
        factories.ActionItemFactory(trip=trip, title="建立招商项目库")
        body = page(client, q="招商")
        for heading in ("考察报告", "考察点", "收获", "问题清单及解答", "落实事项"):
            assert heading in body
        assert "<mark>招商</mark>要算长远账。" in body
        assert f'href="{trip.get_absolute_url()}#visit-{visit.pk}"' in body
        assert "来源：" in body and "赴佛山<mark>招商</mark>考察" in body

    def test_no_results_say_so(self, client, corpus):
        assert "没有找到与“河豚”相关的内容" in page(client, q="河豚")

    def test_a_kind_paginates_by_20_and_the_overview_shows_5(self, client):
        trip = factories.TripFactory()
        for n in range(25):
            factories.TakeawayFactory(trip=trip, text=f"第{n}条：民宿集群经验。")
        overview = page(client, q="民宿")
        assert overview.count('class="hit"') == 5
        assert "收获中的全部 25 条" in overview
        first = page(client, q="民宿", type="takeaway")
        assert first.count('class="hit"') == 20
        assert "type=takeaway&amp;page=2" in first
        second = page(client, q="民宿", type="takeaway", page=2)
        assert second.count('class="hit"') == 5
        assert "第0条" in second  # newest first: the first one comes last

    @pytest.mark.parametrize("params", [{"type": "nonsense"}, {"page": "999"}, {"page": "x"}])
    def test_nonsense_in_the_url_never_breaks_the_page(self, client, corpus, params):
        page(client, q="招商", **params)

    def test_the_public_site_links_to_search(self, client):
        assert f'href="{URL}"' in client.get("/").content.decode()


class TestBoundary:
    def test_no_private_record_or_detail_is_ever_found(self, client, planted):  # noqa: F811
        for what, secret in PRIVATE.items():
            for q in (secret, secret[:2], secret[-4:]):
                assert secret not in hits(client, q=q), f"{what} found by {q!r}"
        assert "<mark>企业</mark>的事就是我们的事" in hits(client, q="企业")

    def test_phones_are_not_searchable(self, client):
        person = factories.ParticipantFactory(name="苏伟文", phone="13912345678")
        factories.TakeawayFactory(speaker=person, text="不怕企业提要求。")
        assert "不怕企业提要求" in hits(client, q="苏伟文")
        assert hits(client, q="13912345678") == ""

    def test_staff_search_covers_everything(self, planted):  # noqa: F811
        assert PRIVATE["pending takeaway"] in found("尚未采纳", public_only=False)
        assert found("尚未采纳") == []


class TestIndexInStep:
    def test_an_edit_is_found_at_once_and_the_old_text_is_not(self, corpus):
        takeaway = Takeaway.objects.get(text__startswith="引导村集体")
        takeaway.text = "盘活闲置农房发展康养产业。"
        takeaway.save()
        assert found("民宿", public_only=False) == []
        assert found("康养", public_only=False) == ["盘活闲置农房发展康养产业。"]
        assert found("康养") == []  # new words wait for a leader's review

    def test_a_deleted_record_disappears(self, corpus):
        Takeaway.objects.get(text__startswith="引导村集体").delete()
        assert found("民宿") == []

    def test_a_deleted_trip_takes_its_entries_along(self, corpus):
        corpus.delete()
        assert not SearchEntry.objects.exists()

    def test_publishing_and_unpublishing_a_trip(self, corpus):
        corpus.status = Trip.Status.DRAFT
        corpus.save()
        assert found("民宿") == []
        corpus.status = Trip.Status.PUBLISHED
        corpus.save()
        assert found("民宿") == ["引导村集体组建民宿运营公司。"]

    def test_a_review_decision_changes_what_the_public_finds(self):
        takeaway = factories.TakeawayFactory(review_status="pending", text="技改提质增效。")
        assert found("技改") == []
        takeaway.review_status = Takeaway.ReviewStatus.ADOPTED
        takeaway.save()
        assert found("技改") == ["技改提质增效。"]

    def test_a_visit_made_private_hides_what_was_heard_there(self):
        visit = factories.SiteVisitFactory(name="赤坎村")
        factories.TakeawayFactory(trip=visit.trip, site_visit=visit, text="民宿集群。")
        visit.is_public = False
        visit.save()
        assert found("民宿") == []
        assert found("赤坎", "visit") == []

    def test_renaming_a_host_reindexes_its_visits(self):
        host = factories.OrganizationFactory(name="三角镇人民政府")
        factories.SiteVisitFactory(host_organization=host, name="企业服务中心")
        host.name = "三角镇企业服务局"
        host.save()
        assert len(found("服务局", "visit")) == 1

    def test_reindex_trip_after_changes_that_bypass_signals(self, corpus):
        Takeaway.objects.filter(trip=corpus).update(text="批量导入的民宿经验。")
        assert len(found("批量")) == 0
        search.reindex_trip(corpus)
        assert len(found("批量")) == 8

    def test_rebuild_command_restores_a_lost_index(self, corpus):
        SearchEntry.objects.all().delete()
        assert found("民宿") == []
        call_command("rebuild_search_index", stdout=io.StringIO())
        assert found("民宿") == ["引导村集体组建民宿运营公司。"]
        # Saves after a rebuild still reach the index.
        factories.TakeawayFactory(trip=corpus, text="民宿协会统一标准。")
        Takeaway.objects.get(text__startswith="引导村集体").delete()
        assert found("民宿") == ["民宿协会统一标准。"]


def test_the_index_answers_without_scanning_the_takeaways(corpus):
    """The plan uses the full-text index: FTS5 on SQLite, the GIN index on PostgreSQL."""
    sql, params = search.search.__globals__["get_backend"]().object_ids_sql(
        parse_query("民宿"), 3, public_only=True
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan and "tours_takeaway" not in plan
        else:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "tours_takeaway" not in plan and "Seq Scan" not in plan
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'tours_searchentry_vector_gin'"
            )
            assert "USING gin (vector)" in cursor.fetchone()[0]


class TestAdmin:
    def test_staff_search_the_admin_lists_through_the_index(self, client, editor):
        factories.TakeawayFactory(review_status="pending", text="待审的民宿经验。")
        factories.TakeawayFactory(text="招商经验。")
        client.force_login(editor)
        body = client.get("/admin/tours/takeaway/", {"q": "民宿"}).content.decode()
        assert "待审的民宿经验" in body and "招商经验" not in body


class TestQueryBudget:
    @pytest.mark.parametrize("scale", [1, 4])
    def test_search_pages_make_a_fixed_number_of_queries(
        self, client, scale, django_assert_max_num_queries
    ):
        from django.core.cache import cache

        for _ in range(scale):
            trip = factories.TripFactory(title="招商考察")
            visit = factories.SiteVisitFactory(trip=trip, summary="招商推介")
            for n in range(10 * scale):
                factories.TakeawayFactory(trip=trip, site_visit=visit, text=f"招商经验{n}")
            factories.QuestionFactory(trip=trip, text="招商怎么做？")
            factories.ActionItemFactory(trip=trip, title="招商项目库")
        for params in ({"q": "招商"}, {"q": "招商", "type": "takeaway", "page": 2}):
            cache.clear()
            with django_assert_max_num_queries(7, info=str(params)):
                assert client.get(URL, params).status_code == 200


class TestStaffSearchPage:
    URL = reverse("staff-search")

    def test_staff_find_drafts_and_pending_records_linked_to_the_admin(self, client, leader):
        trip = factories.TripFactory(status="draft", title="草稿考察")
        takeaway = factories.TakeawayFactory(
            trip=trip, review_status="pending", text="待审的民宿经验。"
        )
        client.force_login(leader)
        body = client.get(self.URL, {"q": "民宿"}).content.decode()
        assert "待审的<mark>民宿</mark>经验。" in body
        assert f'href="/admin/tours/takeaway/{takeaway.pk}/change/"' in body
        assert 'id="admin-search-q"' in client.get("/admin/").content.decode()

    @pytest.mark.parametrize("who", ["anonymous", "owner", "outsider"])
    def test_others_cannot_use_it(self, client, who, request):
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        response = client.get(self.URL, {"q": "民宿"})
        assert response.status_code in (302, 403)
        assert "民宿" not in response.content.decode()
