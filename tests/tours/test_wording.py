"""How the reports word things: nested quotation marks, the home side, gaps, places."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from tours.wording import colon, date_range, gap_text, home_word, nested_quotes, quoted, visit_place


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("三角镇“工改工”腾挪出了发展空间。", "“三角镇‘工改工’腾挪出了发展空间。”"),
        ("经验有“高”“实”“远”三条", "“经验有‘高’‘实’‘远’三条”"),
        ("他说：“要学‘工改工’。”", "“他说：‘要学“工改工”。’”"),
        ('推行"拿地即开工"', "“推行‘拿地即开工’”"),
        ("“企业的事就是我们的事。”", "“企业的事就是我们的事。”"),  # already quoted: once
        ("Xi’an 的经验", "“Xi’an 的经验”"),  # an apostrophe stays
    ],
)
def test_a_quote_within_a_quote_takes_single_marks(text, printed):
    assert quoted(text) == printed
    assert f"“{nested_quotes(text)}”" == printed


@pytest.mark.parametrize(
    ("unit", "word"),
    [
        ("重庆市梁平区", "我区"),
        ("中共梁平区委组织部", "我区"),
        ("梁平区发展和改革委员会", "我区"),
        ("梁平区市场监督管理局", "我区"),
        ("三角镇人民政府", "我镇"),
        ("广东省中山市南区街道", "我街道"),
        ("南区街道党工委", "我街道"),
        ("双桂街道办事处", "我街道"),
        ("中山市", "我市"),
        ("中山市人民政府", "我市"),
        ("浙江省安吉县", "我县"),
        ("大鹿庄乡", "我乡"),
        ("新疆维吾尔自治区", "我区"),
        ("梁平", "梁平"),  # no division in the name: the name itself
        ("", "我方"),
    ],
)
def test_the_home_side_is_named_as_the_sending_unit_names_itself(unit, word):
    with translation.override("zh-hans"):
        assert home_word(unit) == word


@pytest.mark.parametrize(
    ("gap", "unit", "text"),
    [
        (Decimal("-3.6000"), "%", "低3.6个百分点"),
        (Decimal("2.0"), "％", "高2个百分点"),
        (Decimal("0"), "%", "持平"),
        (Decimal("-117.3000"), "亿元", "-117.3亿元"),
        (Decimal("30"), "工作日", "30工作日"),
        (None, "%", "—"),
    ],
)
def test_a_gap_in_a_rate_is_in_percentage_points(gap, unit, text):
    with translation.override("zh-hans"):
        assert gap_text(gap, unit) == text


def visit(province="", city="", district=""):
    return SimpleNamespace(province=province, city=city, district=district)


@pytest.mark.parametrize(
    ("place", "home", "named"),
    [
        (visit("广东省", "中山市", "三角镇"), "重庆市梁平区", "中山市"),
        (visit("广东省", "中山市", "三角镇"), "广东省中山市南区街道", "三角镇"),
        (visit("广东省", "中山", "三角镇"), "中山市南区街道", "三角镇"),
        (visit("重庆市", "重庆市", "渝北区"), "重庆市梁平区", "渝北区"),
        (visit("广东省", "中山市", "南区"), "广东省中山市南区街道", "南区"),  # within home
        (visit("广东省", "", ""), "重庆市梁平区", "广东省"),
        (visit("广东省", "中山市", "三角镇"), "", "中山市"),
    ],
)
def test_a_visit_is_named_by_the_most_specific_place_that_is_not_home(place, home, named):
    assert visit_place(place, home) == named


D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "english", "chinese"),
    [
        (D(2026, 9, 18), D(2026, 9, 23), "September 18–23, 2026", "2026年9月18日至9月23日"),
        (
            D(2026, 9, 28),
            D(2026, 10, 2),
            "September 28 – October 2, 2026",
            "2026年9月28日至10月2日",
        ),
        (
            D(2026, 12, 30),
            D(2027, 1, 2),
            "December 30, 2026 – January 2, 2027",
            "2026年12月30日至2027年1月2日",
        ),
        (D(2026, 9, 18), D(2026, 9, 18), "September 18, 2026", "2026年9月18日"),
    ],
)
def test_a_span_of_days_reads_as_each_language_writes_it(start, end, english, chinese):
    with translation.override("en"):
        assert date_range(start, end) == english
    with translation.override("zh-hans"):
        assert date_range(start, end) == chinese


def test_an_english_date_spells_out_its_month():
    from django.utils import formats

    with translation.override("en"):
        assert formats.date_format(D(2026, 9, 18)) == "September 18, 2026"


def test_a_rule_quotes_a_span_with_both_dates_in_full():
    with translation.override("zh-hans"):
        assert date_range(D(2024, 2, 26), D(2024, 3, 1), full_end=True) == (
            "2024年2月26日至2024年3月1日"
        )


def test_a_label_takes_the_colon_of_its_language():
    with translation.override("en"):
        assert colon("Due") == "Due: "
    with translation.override("zh-hans"):
        assert colon("截止日期") == "截止日期："
