"""Insights: figures across trips, aggregated by the database and checked against the data."""

import datetime
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests import factories
from tours.insights import map_region

pytestmark = pytest.mark.django_db

URL = reverse("tours:insights")
TODAY = datetime.datetime(2024, 7, 1, 2, tzinfo=datetime.UTC)  # 2024-07-01 in Shanghai


def day(month, d, year=2024):
    return datetime.date(year, month, d)


@pytest.fixture
def data():
    unit_a = factories.OrganizationFactory(name="梁平区招商投资促进中心")
    unit_b = factories.OrganizationFactory(name="礼让镇人民政府")
    first = factories.TripFactory(start_date=day(3, 1), end_date=day(3, 5))
    second = factories.TripFactory(start_date=day(4, 1), end_date=day(4, 3))
    training = factories.TripFactory(
        kind="training", start_date=day(9, 1, 2023), end_date=day(9, 2, 2023)
    )
    draft = factories.TripFactory(kind="investment", status="draft")

    factories.SiteVisitFactory(trip=first, province="广东省", kind="enterprise")
    factories.SiteVisitFactory(trip=first, province="广东省", kind="enterprise")
    factories.SiteVisitFactory(trip=second, province="广东省", kind="village")
    factories.SiteVisitFactory(trip=training, province="四川省", kind="park")
    factories.SiteVisitFactory(trip=first, province="广西壮族自治区", is_public=False)
    factories.SiteVisitFactory(trip=draft, province="浙江省", kind="park")

    factories.TakeawayFactory(trip=first).tags.add("招商引资", "民宿")
    factories.TakeawayFactory(trip=second).tags.add("招商引资")
    factories.TakeawayFactory(trip=second, review_status="pending").tags.add("民宿")
    factories.TakeawayFactory(trip=draft).tags.add("民宿")

    done = factories.ActionItemFactory(trip=first, owner_organization=unit_a, status="done")
    factories.ActionItemFactory(trip=second, owner_organization=unit_a, status="closed")
    late = factories.ActionItemFactory(
        trip=first, owner_organization=unit_b, status="in_progress", due_date=day(6, 1)
    )
    factories.ActionItemFactory(trip=first, owner_organization=unit_b, due_date=day(12, 1))
    factories.ActionItemFactory(trip=first, owner_organization=unit_b, is_public=False)
    factories.ActionItemFactory(trip=draft, owner_organization=unit_a, due_date=day(5, 1))

    factories.ActionUpdateFactory(action=done, date=day(3, 15))  # 10 days after the trip
    factories.ActionUpdateFactory(action=late, date=day(3, 25))  # 20 days after
    factories.ActionUpdateFactory(action=late, date=day(5, 1))
    return {"unit_a": unit_a, "unit_b": unit_b}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY):
        yield


class TestFigures:
    def test_public_figures_come_from_public_records_only(self, client, data):
        insights = client.get(URL).context["insights"]
        assert insights.years == [(2023, [0, 1, 0, 0, 0], 1), (2024, [2, 0, 0, 0, 0], 2)]
        assert insights.provinces == [("广东省", 3), ("四川省", 1)]
        assert [(str(label), n) for label, n in insights.visit_kinds] == [
            ("企业", 2),
            ("村/社区", 1),
            ("园区", 1),
        ]
        assert [(tag.name, n) for tag, n in insights.tags] == [("招商引资", 2), ("民宿", 1)]
        assert [(status, n) for status, _, n in insights.statuses] == [
            ("not_started", 1),
            ("in_progress", 1),
            ("done", 1),
            ("closed", 1),
        ]
        units = {row.name: row for row in insights.units}
        assert (units["梁平区招商投资促进中心"].total, units["梁平区招商投资促进中心"].done) == (
            2,
            2,
        )
        assert units["梁平区招商投资促进中心"].completion == 100
        assert (units["礼让镇人民政府"].total, units["礼让镇人民政府"].overdue) == (2, 1)
        assert units["礼让镇人民政府"].completion == 0
        assert insights.response_days == 15.0 and insights.responded == 2
        assert insights.totals == {
            "trips": 3,
            "visits": 4,
            "actions": 4,
            "done": 2,
            "completion": 50,
            "overdue": 1,
        }

    def test_staff_see_every_record_and_the_page_is_not_cached(self, client, leader, data):
        client.get(URL)  # an anonymous visit fills the public cache
        client.force_login(leader)
        response = client.get(URL)
        insights = response.context["insights"]
        assert insights.totals["trips"] == 4 and insights.totals["visits"] == 6
        assert [(tag.name, n) for tag, n in insights.tags] == [("民宿", 3), ("招商引资", 2)]
        assert insights.totals["actions"] == 6 and insights.totals["overdue"] == 3
        assert "no-store" in response.headers["Cache-Control"]
        assert "工作人员视图" in response.content.decode()

    def test_charts_read_the_same_numbers_from_a_json_block(self, client, data):
        page = client.get(URL).content.decode()
        blob = re.search(r'<script id="insights-data" type="application/json">(.*?)</script>', page)
        chart = json.loads(blob.group(1))
        assert chart["provinces"] == [
            {"name": "广东", "value": 3, "province": "广东省"},
            {"name": "四川", "value": 1, "province": "四川省"},
        ]
        assert chart["years"]["categories"] == ["2023", "2024"]
        assert chart["years"]["series"][0] == {"name": "学习考察", "data": [0, 2]}
        assert chart["units"]["overdue"] == [0, 1] or chart["units"]["overdue"] == [1, 0]

    def test_each_chart_has_a_table_and_the_page_has_no_inline_code(self, client, data):
        page = client.get(URL).content.decode()
        assert page.count('data-chart="') == 6
        assert page.count("<table") == 6
        assert '<td class="num">3</td>' in page
        assert " style=" not in page
        for attributes in re.findall(r"<script([^>]*)>", page):
            assert "src=" in attributes or 'type="application/json"' in attributes
        assert "?province=%E5%B9%BF%E4%B8%9C%E7%9C%81" in page  # 广东省 lists its trips

    def test_clicking_a_province_filters_the_trip_list(self, client, data):
        page = client.get(reverse("tours:trip-list"), {"province": "四川省"})
        assert page.context["page"].paginator.count == 1


def test_the_vendored_library_and_map_are_served_from_static_with_licences():
    vendor = Path(settings.BASE_DIR) / "static" / "vendor"
    for path in ("echarts/echarts.min.js", "echarts/LICENSE", "china-map/china.json"):
        assert (vendor / path).stat().st_size > 0
    names = {
        f["properties"]["name"]
        for f in json.loads((vendor / "china-map/china.json").read_text())["features"]
    }
    for province in ("广东省", "广西壮族自治区", "北京市", "新疆维吾尔自治区", "内蒙古自治区"):
        assert map_region(province) in names


@pytest.mark.parametrize("scale", [1, 5])
def test_query_count_does_not_grow_with_the_data(client, scale, django_assert_max_num_queries):
    for n in range(scale * 3):
        trip = factories.TripFactory(
            start_date=day(1, 1, 2020 + n % 4), end_date=day(1, 3, 2020 + n % 4)
        )
        unit = factories.OrganizationFactory(name=f"责任单位{n}")
        for i in range(4):
            factories.SiteVisitFactory(trip=trip, province=f"省份{i}省")
            factories.TakeawayFactory(trip=trip).tags.add(f"标签{i}")
            action = factories.ActionItemFactory(trip=trip, owner_organization=unit)
            factories.ActionUpdateFactory(action=action)
    # 7, and the signed projects and trainees by year
    with django_assert_max_num_queries(9):
        assert client.get(URL).status_code == 200
