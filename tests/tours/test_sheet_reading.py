"""Reading the sheets people upload: Excel and WPS files, CSV in any encoding they save."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from tests.tours.sheet_files import ROSTER_HEADER, csv_bytes, xlsx
from tours.sheets import read_sheet
from tours.sheets.cells import BadCell, parse_date, parse_percent, parse_time, parse_time_range
from tours.sheets.places import Place, parse_place

ROWS = [ROSTER_HEADER, ["张明", "男", "梁平区发展改革委", "主任", "团长", "13900000001", "素食"]]


def read(content: bytes, sheet="roster"):
    return read_sheet(io.BytesIO(content), sheet)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(encoding):
    table = read(csv_bytes(ROWS, encoding=encoding))
    assert table.headers == ROSTER_HEADER
    assert table.rows == [(2, ROWS[1])]


def test_a_title_row_above_the_header_is_skipped():
    table = read(xlsx(ROWS, title_row="赴广东学习考察团花名册"))
    assert table.header_row == 2
    assert table.rows[0] == (3, ROWS[1])


def test_excel_date_time_and_number_cells_become_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["日期", "开始时间", "考察点", "手机"])
    sheet.append([datetime.datetime(2024, 2, 27), datetime.time(9, 30), "三角镇", 13900000001])
    content = io.BytesIO()
    workbook.save(content)
    table = read(content.getvalue(), "itinerary")
    assert table.rows[0][1] == ["2024-02-27", "09:30", "三角镇", "13900000001"]


def test_empty_rows_are_left_out():
    table = read(csv_bytes([*ROWS, ["", "", ""], ROWS[1]]))
    assert [number for number, _ in table.rows] == [2, 4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "旧版 .xls"),
        (b"PK\x03\x04 not really a zip", "无法作为 Excel 工作簿"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "既不是 .xlsx 工作簿"),
        ("姓名,单位\n张明,梁平区".encode("utf-16"), "既不是 .xlsx 工作簿"),
        (csv_bytes([["考察点", "备注"], ["a", "b"]]), "没有找到表头"),
    ],
)
def test_a_file_that_is_not_a_usable_sheet_is_refused_with_a_reason(content, message):
    with pytest.raises(ValidationError) as refused:
        read(content)
    assert message in refused.value.messages[0]


def test_a_file_over_the_size_limit_is_refused(settings):
    content = csv_bytes(ROWS) + b"x" * (5 * 1024 * 1024)
    with pytest.raises(ValidationError, match="5 MB"):
        read(content)


@pytest.mark.parametrize(
    "text",
    ["2024-02-28", "2024/2/28", "2024.2.28", "2024年2月28日", "20240228", "２０２４年２月２８日"],
)
def test_dates_in_the_usual_forms(text):
    assert parse_date(text) == datetime.date(2024, 2, 28)


def test_a_date_without_a_year_takes_the_trips_year():
    assert parse_date("2月28日", default_year=2024) == datetime.date(2024, 2, 28)


def test_an_excel_serial_number_is_a_date():
    assert parse_date("45350") == datetime.date(2024, 2, 28)


@pytest.mark.parametrize(("text", "message"), [("2024/2/30", "不存在"), ("下周一", "不是有效日期")])
def test_bad_dates_are_refused(text, message):
    with pytest.raises(BadCell, match=message):
        parse_date(text)


def test_times_and_parts_of_the_day():
    assert parse_time("9:00") == datetime.time(9, 0)
    assert parse_time("14时30分") == datetime.time(14, 30)
    assert parse_time("下午") is None
    assert parse_time_range("上午 9:00—10:30") == (datetime.time(9), datetime.time(10, 30))
    with pytest.raises(BadCell):
        parse_time("25:00")


def test_percentages():
    assert parse_percent("30%") == 30
    assert parse_percent("45.0") == 45
    with pytest.raises(BadCell):
        parse_percent("120")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("广东省佛山市顺德区北滘镇美的大道6号", Place("广东省", "佛山市", "顺德区")),
        ("浙江杭州余杭区文一西路", Place("浙江省", "杭州市", "余杭区")),
        ("重庆市梁平区双桂街道", Place("重庆市", "重庆市", "梁平区")),
        ("顺德区北滘镇", Place("广东省", "佛山市", "顺德区")),
        ("吉林省长春市朝阳区", Place("吉林省", "长春市", "朝阳区")),
        ("湖北仙桃市", Place("湖北省", "仙桃市", "")),
        ("朝阳区建国路", Place()),  # two cities have one
        ("中山路18号", Place()),  # a street, not the city
    ],
)
def test_province_city_and_district_come_from_place_text(text, place):
    assert parse_place(text) == place
