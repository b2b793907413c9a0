"""The action ledger (督查督办台账): what leaders print and track, from the admin's filters."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.tours.sheet_files import FORMULAS, assert_shown_as_text
from tours.exports.ledger_xlsx import build_ledger
from tours.models import ActionItem

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "督办事项",
    "来源考察",
    "来源收获",
    "牵头单位",
    "责任人",
    "完成时限",
    "工作进展",
    "完成进度",
    "状态",
    "是否逾期",
]
TODAY = datetime.datetime(2024, 7, 15, 10, 0)


@pytest.fixture
def actions():
    trip = factories.TripFactory(title="赴广东中山学习考察")
    source = factories.TakeawayFactory(trip=trip, text="推行链长制")
    late = factories.ActionItemFactory(
        trip=trip,
        title="建立季度对接会制度",
        owner_organization__name="梁平区招商投资促进中心",
        owner=factories.ParticipantFactory(name="陈晓红"),
        due_date=datetime.date(2024, 6, 30),
        status="in_progress",
        progress=40,
    )
    late.source_takeaways.add(source)
    factories.ActionUpdateFactory(action=late, date=datetime.date(2024, 5, 20), note="已起草方案")
    factories.ActionUpdateFactory(action=late, date=datetime.date(2024, 6, 25), note="已开第一次会")
    factories.ActionItemFactory(
        trip=trip, title="设立企业服务专员", status="done", progress=100,
        due_date=datetime.date(2024, 5, 31), owner_organization__name="梁平区发展改革委",
    )  # fmt: skip
    return ActionItem.objects.all()


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


@time_machine.travel(TODAY, tick=False)
def test_ledger_has_title_date_header_and_one_row_per_action(actions):
    sheet = sheet_of(build_ledger(actions))
    assert sheet["A1"].value == "督查督办台账"
    assert sheet["A2"].value == "制表日期：2024年7月15日"
    assert [c.value for c in sheet[3]] == HEADERS
    assert [c.value for c in sheet[4]][:2] == [1, "设立企业服务专员"]  # by deadline
    assert [c.value for c in sheet[4]][8:] == [1, "已完成", "否"]
    late = [c.value for c in sheet[5]]
    assert late[:6] == [2, "建立季度对接会制度", "赴广东中山学习考察", "推行链长制",
                        "梁平区招商投资促进中心", "陈晓红"]  # fmt: skip
    assert late[6] == datetime.datetime(2024, 6, 30)
    assert late[7] == "2024年6月25日：已开第一次会"  # the latest update
    assert late[8:] == [0.4, "推进中", "是"]


@time_machine.travel(TODAY, tick=False)
def test_overdue_rows_are_highlighted(actions):
    sheet = sheet_of(build_ledger(actions))
    assert sheet["B5"].fill.fgColor.rgb.endswith("F8D7DA")
    assert sheet["B4"].fill.fill_type is None


def test_ledger_prints_on_a4_landscape_with_the_header_repeated(actions):
    sheet = sheet_of(build_ledger(actions))
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.column_dimensions["B"].width >= 30  # room for a Chinese action title
    assert sheet["G4"].number_format == 'yyyy"年"m"月"d"日"'


@time_machine.travel(TODAY, tick=False)
def test_admin_ledger_follows_the_lists_filters(client, leader, actions):
    client.force_login(leader)
    changelist = reverse("admin:tours_actionitem_changelist")
    assert reverse("admin:tours_actionitem_ledger") in client.get(changelist).content.decode()
    response = client.get(reverse("admin:tours_actionitem_ledger") + "?overdue=yes")
    assert response.status_code == 200
    sheet = sheet_of(response.content)
    assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)] == [
        "建立季度对接会制度"
    ]


def test_admin_action_exports_the_selected_items(client, editor, actions):
    client.force_login(editor)
    chosen = actions.get(title="设立企业服务专员")
    response = client.post(
        reverse("admin:tours_actionitem_changelist"),
        {"action": "export_ledger", "_selected_action": [chosen.pk]},
    )
    assert response.status_code == 200
    sheet = sheet_of(response.content)
    assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["设立企业服务专员"]


def test_ledger_is_for_staff_only(client, owner, outsider, actions):
    url = reverse("admin:tours_actionitem_ledger")
    assert client.get(url).status_code == 302
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)


def test_ledger_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    for size in (2, 10):
        for _ in range(size):
            action = factories.ActionItemFactory()
            action.source_takeaways.add(factories.TakeawayFactory(trip=action.trip))
            factories.ActionUpdateFactory(action=action)
        with django_assert_max_num_queries(3):
            build_ledger(ActionItem.objects.all())


def test_text_that_looks_like_a_formula_is_written_as_text(db):
    for text in FORMULAS:
        action = factories.ActionItemFactory(
            title=text,
            trip__title=text,
            owner_organization__name=text,
            owner=factories.ParticipantFactory(name=text),
        )
        action.source_takeaways.add(factories.TakeawayFactory(trip=action.trip, text=text))
    sheet = sheet_of(build_ledger(ActionItem.objects.all()))
    rows = list(sheet.iter_rows(min_row=4))
    assert sorted(row[1].value for row in rows) == sorted(FORMULAS)
    for row in rows:
        for cell in row[1:6]:  # 督办事项, 来源考察, 来源收获, 牵头单位, 责任人
            assert_shown_as_text(cell, row[1].value)
