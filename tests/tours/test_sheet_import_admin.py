"""A 录入员 imports a sheet from the trip's admin page: upload, preview, fix, confirm."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.tours.sheet_files import (
    ACTIONS_HEADER,
    ITINERARY_HEADER,
    ROSTER_HEADER,
    csv_bytes,
    upload,
    xlsx,
)
from tours.models import ActionItem, SiteVisit, TripMember

pytestmark = pytest.mark.django_db

ROSTER = [ROSTER_HEADER, ["周建国", "男", "梁平区委组织部", "部长", "团长", "13912345678", ""]]


@pytest.fixture
def trip():
    return factories.TripFactory(status="draft", start_date=datetime.date(2024, 2, 26))


def import_url(trip, sheet="roster"):
    return reverse("admin:tours_trip_import_sheet", args=[trip.pk, sheet])


def itinerary_rows(count=60, bad=()):
    """`count` visits over the trip's five days, WPS style; rows in `bad` carry a mistake."""
    rows = [ITINERARY_HEADER]
    for n in range(count):
        day = 26 + n % 4
        date = "2024/2/30" if n in bad else f"2024/2/{day}"
        rows.append(
            [date, f"{8 + n % 10}:00", "", f"考察点{n + 1:02d}", "企业", "三角镇人民政府", "",
             "", "", "", "广东省中山市三角镇", ""]
        )  # fmt: skip
    return rows


def test_editor_imports_a_60_row_wps_itinerary_after_fixing_the_two_flagged_rows(
    client, editor, trip
):
    client.force_login(editor)
    page = client.get(import_url(trip, "itinerary"))
    assert page.status_code == 200
    assert reverse("admin:tours_trip_sheet_template", args=["itinerary"]) in page.content.decode()

    wrong = csv_bytes(itinerary_rows(bad=(10, 41)), encoding="gbk")
    preview = client.post(import_url(trip, "itinerary"), {"file": upload(wrong, "行程.csv")})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert [(e.row, e.column) for e in preview.context["preview"].errors] == [
        (12, "日期"),
        (43, "日期"),
    ]
    assert "日期“2024/2/30”不存在" in html
    assert "确认导入" not in html  # nothing can be confirmed while the sheet has problems
    assert not SiteVisit.objects.exists()

    fixed = csv_bytes(itinerary_rows(), encoding="gbk")
    preview = client.post(import_url(trip, "itinerary"), {"file": upload(fixed, "行程.csv")})
    assert preview.context["preview"].created == 60
    assert "新建单位" in preview.content.decode()
    assert not SiteVisit.objects.exists()  # the preview saves nothing

    done = client.post(import_url(trip, "itinerary"), {"payload": preview.context["payload"]})
    assert done.status_code == 302
    assert SiteVisit.objects.filter(trip=trip).count() == 60
    assert SiteVisit.objects.first().history.first().history_user == editor


def confirm(client, trip, sheet, rows):
    """Upload `rows` as `sheet`, then confirm the preview, as the editor does."""
    preview = client.post(import_url(trip, sheet), {"file": upload(xlsx(rows))})
    assert preview.context["preview"].errors == []
    done = client.post(import_url(trip, sheet), {"payload": preview.context["payload"]})
    assert done.status_code == 302


def public_search(q) -> str:
    """The public search page's text, without the marks around what matched."""
    html = Client().get(reverse("tours:search"), {"q": q}).content.decode()
    return re.sub(r"</?mark>", "", html)


def test_imported_rows_are_found_by_search_at_once(client, editor):
    trip = factories.TripFactory(status="published")
    client.force_login(editor)
    itinerary = [ITINERARY_HEADER, ["2024/2/27", "9:00", "", "华阳湿地公园", "其他"]]
    confirm(client, trip, "itinerary", itinerary)
    actions = [ACTIONS_HEADER, ["建立链长季度对接会制度", "梁平区招商投资促进中心", "", "", ""]]
    confirm(client, trip, "actions", actions)

    assert "华阳湿地公园" in public_search("湿地")
    assert "建立链长季度对接会制度" in public_search("对接会")
    admin = client.get(reverse("admin:tours_actionitem_changelist"), {"q": "对接会"})
    assert admin.context["cl"].result_count == 1
    admin = client.get(reverse("admin:tours_sitevisit_changelist"), {"q": "湿地"})
    assert admin.context["cl"].result_count == 1


def test_an_import_retires_the_published_reports_cached_page(
    client, editor, django_capture_on_commit_callbacks
):
    trip = factories.TripFactory(status="published")
    factories.SiteVisitFactory(trip=trip, name="三角镇企业服务中心")
    reader = Client()
    assert "华阳湿地公园" not in reader.get(trip.get_absolute_url()).content.decode()
    before = trip.updated_at
    client.force_login(editor)
    itinerary = [ITINERARY_HEADER, ["2024/2/27", "9:00", "", "华阳湿地公园", "其他"]]
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, trip, "itinerary", itinerary)
    assert "华阳湿地公园" in reader.get(trip.get_absolute_url()).content.decode()
    trip.refresh_from_db()
    assert trip.updated_at > before


def test_a_sheet_that_would_close_an_item_is_refused_on_its_status_cell(client, editor, trip):
    client.force_login(editor)
    upload_page = client.get(import_url(trip, "actions")).content.decode()
    assert "表格只能把新事项登记为未启动或推进中" in upload_page
    rows = [ACTIONS_HEADER, ["建立链长制度", "梁平区招商投资促进中心", "", "", "已销号", "", ""]]
    page = client.post(import_url(trip, "actions"), {"file": upload(xlsx(rows))})
    assert [(e.row, e.column) for e in page.context["preview"].errors] == [(2, "状态")]
    html = page.content.decode()
    assert "“已销号”不能通过表格导入" in html and "确认导入" not in html
    assert not ActionItem.objects.exists()


def test_the_trip_page_edits_each_members_note_for_this_trip(client, editor, trip):
    factories.TripMemberFactory(trip=trip, participant__name="周建国", note="素食")
    client.force_login(editor)
    page = client.get(reverse("admin:tours_trip_change", args=[trip.pk]))
    assert page.status_code == 200
    assert "素食" in page.content.decode()


def test_a_damaged_upload_is_refused_on_the_file_field(client, editor, trip):
    client.force_login(editor)
    page = client.post(import_url(trip), {"file": upload(b"\x89PNG\r\n\x1a\n\x00", "a.xlsx")})
    assert page.status_code == 200
    assert page.context["form"].errors["file"] == [
        "文件既不是 .xlsx 工作簿，也不是 .csv 文本文件。"
    ]


def test_a_tampered_preview_is_refused(client, editor, trip):
    client.force_login(editor)
    preview = client.post(import_url(trip), {"file": upload(xlsx(ROSTER))})
    payload = preview.context["payload"]
    forged = signing.dumps(
        {"h": ROSTER_HEADER, "r": [[2, ["黑客", "", "", "", "团长", "", ""]]], "n": 1},
        salt="some other salt",
        compress=True,
    )
    for bad in (payload[:-3] + "abc", forged):
        response = client.post(import_url(trip), {"payload": bad}, follow=True)
        assert "预览数据校验未通过" in response.content.decode()
    assert not TripMember.objects.exists()


def test_a_preview_cannot_be_confirmed_into_another_trip(client, editor, trip):
    other = factories.TripFactory(status="draft")
    client.force_login(editor)
    preview = client.post(import_url(trip), {"file": upload(xlsx(ROSTER))})
    client.post(import_url(other), {"payload": preview.context["payload"]})
    assert not TripMember.objects.exists()


def test_a_preview_expires_after_an_hour(client, editor, trip):
    client.force_login(editor)
    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, 0), tick=False):
        preview = client.post(import_url(trip), {"file": upload(xlsx(ROSTER))})
    with time_machine.travel(datetime.datetime(2024, 3, 1, 10, 1), tick=False):
        response = client.post(
            import_url(trip), {"payload": preview.context["payload"]}, follow=True
        )
    assert "预览已过期" in response.content.decode()
    assert not TripMember.objects.exists()


def test_confirming_shows_the_problems_that_arose_since_the_preview(client, editor, trip):
    client.force_login(editor)
    preview = client.post(import_url(trip, "itinerary"), {"file": upload(xlsx(itinerary_rows(3)))})
    trip.end_date = datetime.date(2024, 2, 27)  # the trip was shortened meanwhile
    trip.save()
    page = client.post(import_url(trip, "itinerary"), {"payload": preview.context["payload"]})
    assert page.status_code == 200
    assert page.context["preview"].errors
    assert not SiteVisit.objects.exists()


def test_trip_page_links_the_imports_and_exports(client, editor, trip):
    client.force_login(editor)
    html = client.get(reverse("admin:tours_trip_change", args=[trip.pk])).content.decode()
    for sheet in ("roster", "itinerary", "actions"):
        assert import_url(trip, sheet) in html
    assert reverse("admin:tours_trip_roster", args=[trip.pk]) in html
    assert reverse("admin:tours_trip_report", args=[trip.pk]) in html


def test_leaders_and_outsiders_cannot_import(client, leader, outsider, trip):
    client.force_login(leader)
    assert client.get(import_url(trip)).status_code == 403
    assert client.post(import_url(trip), {"file": upload(xlsx(ROSTER))}).status_code == 403
    client.force_login(outsider)
    assert client.get(import_url(trip)).status_code == 302  # to the admin's login


def test_an_unknown_sheet_is_404(client, editor, trip):
    client.force_login(editor)
    assert client.get(import_url(trip, "photos")).status_code == 404


@pytest.mark.parametrize(
    ("sheet", "headers"),
    [
        ("roster", ["姓名*", "性别", "单位", "职务", "团内角色", "手机", "备注"]),
        ("actions", ["事项*", "责任单位*", "责任人", "完成时限", "状态", "进度", "备注"]),
    ],
)
def test_templates_have_a_chinese_header_and_an_example_row(client, editor, sheet, headers):
    client.force_login(editor)
    response = client.get(reverse("admin:tours_trip_sheet_template", args=[sheet]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [header for header in rows[0] if header is not None] == headers
    assert rows[1][0]  # the example row


def template_rows(client, sheet):
    response = client.get(reverse("admin:tours_trip_sheet_template", args=[sheet]))
    return load_workbook(io.BytesIO(response.content)).active


def test_the_roster_templates_example_row_is_marked_grey_and_italic(client, editor):
    client.force_login(editor)
    worksheet = template_rows(client, "roster")
    [example] = worksheet.iter_rows(min_row=2, max_row=2)
    assert example[-1].value == "（示例，导入时忽略）"
    assert all(cell.font.italic for cell in example if cell.value)


@pytest.mark.parametrize("sheet", ["roster", "itinerary", "actions"])
def test_a_template_uploaded_as_it_is_imports_nothing_and_says_why(client, editor, trip, sheet):
    client.force_login(editor)
    template = client.get(reverse("admin:tours_trip_sheet_template", args=[sheet]))
    preview = client.post(import_url(trip, sheet), {"file": upload(template.content, "模板.xlsx")})
    assert preview.context["preview"].errors == []
    assert preview.context["preview"].rows == []
    assert "第2行是模板中的示例，不会导入。" in preview.content.decode()


def test_the_example_row_left_above_real_rows_is_never_imported(client, editor, trip):
    client.force_login(editor)
    worksheet = template_rows(client, "roster")
    worksheet.append(["周建国", "男", "中共梁平区委组织部", "部长", "团长", "13912345678", ""])
    content = io.BytesIO()
    worksheet.parent.save(content)
    preview = client.post(import_url(trip, "roster"), {"file": upload(content.getvalue())})
    assert [row.label for row in preview.context["preview"].rows] == [
        "周建国（中共梁平区委组织部 部长）"
    ]
    client.post(import_url(trip, "roster"), {"payload": preview.context["payload"]})
    assert list(trip.members.values_list("participant__name", flat=True)) == ["周建国"]


def test_the_example_values_without_the_mark_are_still_the_example(trip):
    from tours.sheets import SHEETS
    from tours.sheets.reading import Table

    importer = SHEETS["roster"]
    examples = [c.example for c in importer.columns]
    table = Table(headers=ROSTER_HEADER, rows=[(2, examples)])
    assert importer(trip, table).plan().example_rows == [2]


def test_the_itinerary_templates_example_values_are_valid_once_made_real(client, editor, trip):
    client.force_login(editor)
    worksheet = template_rows(client, "itinerary")
    header, example = ([cell.value for cell in row] for row in worksheet.iter_rows(max_row=2))
    # The editor's own visit on the example's pattern, the mark deleted.
    example[header.index("考察点*")] = "三角镇智能制造产业园"
    content = xlsx([header, example[:-1]])
    preview = client.post(import_url(trip, "itinerary"), {"file": upload(content)})
    assert preview.context["preview"].errors == []
    assert preview.context["preview"].created == 1


def test_the_preview_reads_a_fixed_number_of_queries(
    client, editor, trip, django_assert_max_num_queries
):
    client.force_login(editor)
    for count in (5, 50):
        content = xlsx(itinerary_rows(count))
        with django_assert_max_num_queries(20):
            client.post(import_url(trip, "itinerary"), {"file": upload(content)})


def test_the_preview_offers_the_unit_on_record_for_a_short_form(client, editor, trip):
    factories.OrganizationFactory(name="梁平区发展和改革委员会")
    client.force_login(editor)
    rows = [ROSTER_HEADER, ["张明", "男", "梁平区发展改革委", "主任", "团员", "", ""]]
    page = client.post(import_url(trip), {"file": upload(xlsx(rows))}).content.decode()
    assert "请核对：以下名称已按已有记录处理" in page
    assert "“梁平区发展改革委”按已有单位“梁平区发展和改革委员会”处理。" in page
