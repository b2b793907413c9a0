"""The action ledger (督查督办台账): what leaders print and track, from the admin's filters."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests import factories
from tests.tours.sheet_files import FORMULAS, assert_shown_as_text
from tours.exports.ledger_xlsx import build_ledger
from tours.models import ActionItem, ActionReturn, SupervisionNotice

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "督办事项",
    "来源考察",
    "来源收获",
    "主办单位",
    "协办单位",
    "责任人",
    "签收时间",
    "原定时限",
    "调整后时限",
    "工作进展",
    "完成进度",
    "状态",
    "预警",
    "最近督办",
    "审结情况",
    "是否逾期",
]
COLUMN = {header: index for index, header in enumerate(HEADERS)}
TODAY = datetime.datetime(2024, 7, 15, 10, 0)
UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def actions():
    trip = factories.TripFactory(title="赴广东中山学习考察")
    source = factories.TakeawayFactory(trip=trip, text="推行链长制")
    late = factories.ActionItemFactory(
        trip=trip,
        title="建立季度对接会制度",
        owner_organization__name="梁平区招商投资促进中心",
        owner=factories.ParticipantFactory(name="陈晓红"),
        original_due_date=datetime.date(2024, 5, 31),
        due_date=datetime.date(2024, 6, 30),  # extended once, and overdue all the same
        acknowledged_at=at(2024, 4, 1, 17, 30),  # 2 April, 01:30 in Beijing
        status="in_progress",
        progress=40,
    )
    late.source_takeaways.add(source)
    late.support_organizations.add(
        factories.OrganizationFactory(name="梁平区经济信息委"),
        factories.OrganizationFactory(name="梁平区财政局"),
    )
    factories.ActionUpdateFactory(action=late, date=datetime.date(2024, 5, 20), note="已起草方案")
    factories.ActionUpdateFactory(action=late, date=datetime.date(2024, 6, 25), note="已开第一次会")
    ActionReturn.objects.create(action=late, comment="缺会议纪要", returned_at=at(2024, 6, 10, 2))
    ActionReturn.objects.create(action=late, comment="仍缺纪要", returned_at=at(2024, 6, 20, 2))
    SupervisionNotice.objects.create(
        action=late, level="yellow", text="请加快", issued_at=at(2024, 6, 1, 2)
    )
    SupervisionNotice.objects.create(
        action=late,
        level="red",
        text="挂牌督办",
        issued_at=at(2024, 7, 1, 17),  # 2 July
    )
    factories.ActionItemFactory(
        trip=trip, title="设立企业服务专员", status="done", progress=100,
        due_date=datetime.date(2024, 5, 31), owner_organization__name="梁平区发展改革委",
    )  # fmt: skip
    factories.ActionItemFactory(
        trip=trip, title="编制产业链图谱", status="closed", progress=100,
        due_date=datetime.date(2024, 9, 30), closed_at=at(2024, 7, 1, 2),
    )  # fmt: skip
    return ActionItem.objects.all()


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def row_values(sheet, row: int) -> dict:
    return dict(zip(HEADERS, [c.value for c in sheet[row]], strict=True))


@time_machine.travel(TODAY, tick=False)
def test_ledger_has_title_date_header_and_one_row_per_action(actions):
    sheet = sheet_of(build_ledger(actions))
    assert sheet["A1"].value == "督查督办台账"
    assert sheet["A2"].value == "制表日期：2024年7月15日"
    assert [c.value for c in sheet[3]] == HEADERS
    done = row_values(sheet, 4)  # by deadline
    assert [done["序号"], done["督办事项"]] == [1, "设立企业服务专员"]
    assert [done["完成进度"], done["状态"], done["是否逾期"]] == [1, "已完成", "否"]
    late = row_values(sheet, 5)
    assert late["序号"] == 2
    assert late["督办事项"] == "建立季度对接会制度"
    assert late["来源考察"] == "赴广东中山学习考察"
    assert late["来源收获"] == "推行链长制"
    assert late["主办单位"] == "梁平区招商投资促进中心"
    assert late["责任人"] == "陈晓红"
    assert late["工作进展"] == "2024年6月25日：已开第一次会"  # the latest update
    assert [late["完成进度"], late["状态"], late["是否逾期"]] == [0.4, "推进中", "是"]
    assert sheet.max_row == 6


@time_machine.travel(TODAY, tick=False)
def test_ledger_names_the_co_responsible_units(actions):
    sheet = sheet_of(build_ledger(actions))
    assert row_values(sheet, 5)["协办单位"] == "梁平区经济信息委、梁平区财政局"
    assert row_values(sheet, 4)["协办单位"] is None


@time_machine.travel(TODAY, tick=False)
def test_ledger_shows_when_an_item_was_signed_for_in_beijing_time(actions):
    sheet = sheet_of(build_ledger(actions))
    assert row_values(sheet, 5)["签收时间"] == datetime.datetime(2024, 4, 2, 1, 30)
    assert sheet["H5"].number_format == 'yyyy"年"m"月"d"日" hh:mm'
    assert row_values(sheet, 4)["签收时间"] is None  # not signed for


@time_machine.travel(TODAY, tick=False)
def test_an_extended_item_shows_its_original_and_its_adjusted_deadline(actions):
    sheet = sheet_of(build_ledger(actions))
    late, done = row_values(sheet, 5), row_values(sheet, 4)
    assert late["原定时限"] == datetime.datetime(2024, 5, 31)
    assert late["调整后时限"] == datetime.datetime(2024, 6, 30)
    assert done["原定时限"] == datetime.datetime(2024, 5, 31)  # never moved
    assert done["调整后时限"] is None


@time_machine.travel(TODAY, tick=False)
def test_ledger_shows_the_latest_supervision_notice(actions):
    sheet = sheet_of(build_ledger(actions))
    assert row_values(sheet, 5)["最近督办"] == "2024年7月2日 挂牌督办（红色督办单）"
    assert row_values(sheet, 4)["最近督办"] is None


@time_machine.travel(TODAY, tick=False)
def test_ledger_shows_closed_awaiting_verification_and_returns(actions):
    sheet = sheet_of(build_ledger(actions))
    assert row_values(sheet, 4)["审结情况"] == "待审结"
    assert row_values(sheet, 5)["审结情况"] == "退回重办2次，最近一次2024年6月20日"
    assert row_values(sheet, 6)["审结情况"] == "已销号"


@time_machine.travel(TODAY, tick=False)
def test_the_warning_cell_is_filled_in_its_colour():
    trip = factories.TripFactory()
    due = datetime.date
    factories.ActionItemFactory(trip=trip, title="逾期", due_date=due(2024, 7, 1))
    factories.ActionItemFactory(trip=trip, title="临期", due_date=due(2024, 7, 18))
    lagging = factories.ActionItemFactory(trip=trip, title="滞后", due_date=due(2024, 8, 31))
    ActionItem.objects.filter(pk=lagging.pk).update(created_at=at(2024, 1, 1))
    factories.ActionItemFactory(trip=trip, title="正常", due_date=due(2025, 6, 30))
    sheet = sheet_of(build_ledger(ActionItem.objects.all()))
    warning = get_column_letter(COLUMN["预警"] + 1)
    cells = {sheet[f"B{row}"].value: sheet[f"{warning}{row}"] for row in range(4, 8)}
    assert cells["逾期"].value == "红色预警（逾期）"
    assert cells["逾期"].fill.fgColor.rgb.endswith("FF0000")
    assert cells["临期"].value == "蓝色预警（7日内到期）"
    assert cells["临期"].fill.fgColor.rgb.endswith("00B0F0")
    assert cells["滞后"].value == "黄色预警（进展滞后）"
    assert cells["滞后"].fill.fgColor.rgb.endswith("FFFF00")
    assert cells["正常"].value is None
    assert cells["正常"].fill.fill_type is None


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
    assert sheet["I4"].number_format == 'yyyy"年"m"月"d"日"'


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
            action = factories.ActionItemFactory(acknowledged_at=at(2024, 4, 1))
            action.source_takeaways.add(factories.TakeawayFactory(trip=action.trip))
            action.support_organizations.add(factories.OrganizationFactory(name="梁平区财政局"))
            factories.ActionUpdateFactory(action=action)
            SupervisionNotice.objects.create(action=action, level="red", text="挂牌督办")
            ActionReturn.objects.create(action=action, comment="缺纪要")
        with django_assert_max_num_queries(4):
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
        action.support_organizations.add(factories.OrganizationFactory(name=text))
    sheet = sheet_of(build_ledger(ActionItem.objects.all()))
    rows = list(sheet.iter_rows(min_row=4))
    assert sorted(row[1].value for row in rows) == sorted(FORMULAS)
    for row in rows:
        for cell in row[1:7]:  # 督办事项, 来源考察, 来源收获, 主办单位, 协办单位, 责任人
            assert_shown_as_text(cell, row[1].value)
