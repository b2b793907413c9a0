"""The Word report: a 考察报告 in official-document form, public data only for the public."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from tests import factories
from tests.tours.test_public_pages import PRIVATE, planted  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def public_report(client, trip):
    response = client.get(reverse("tours:trip-report-docx", args=[trip.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return Document(io.BytesIO(response.content))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_report_has_the_customary_title_opening_sections_and_appendices(client, planted):  # noqa: F811
    document = public_report(client, planted)
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "关于赴广东中山学习考察的情况报告"
    opening = paragraphs[1]
    assert opening.startswith("2024年2月26日至3月1日，由")
    assert "周建国同志带队" in opening and "一行1人" in opening
    assert opening.endswith("现将有关情况报告如下：")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == ["一、基本情况", "二、主要做法和经验", "三、启示与体会", "四、下一步打算"]
    subheadings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert subheadings[:1] and subheadings[0].startswith("（一）")
    text = all_text(document)
    for expected in ("附件1", "考察团人员名单", "附件2", "行程安排", "附件3", "金句摘录"):
        assert expected in text
    assert "“企业的事就是我们的事。”" in text
    assert "——周建国（" in text  # the speaker of a quote
    assert "建立企业服务专员制度" in text and "责任单位：" in text


def test_public_report_holds_nothing_private(client, planted):  # noqa: F811
    text = all_text(public_report(client, planted))
    for label, secret in PRIVATE.items():
        assert secret not in text, label
    assert "【待审】" not in text


def test_report_is_404_for_unpublished_trips(client):
    for status in ("draft", "submitted"):
        trip = factories.TripFactory(status=status)
        response = client.get(reverse("tours:trip-report-docx", args=[trip.pk]))
        assert response.status_code == 404


def test_page_set_up_and_fonts_follow_gb_t_9704(client, planted):  # noqa: F811
    document = public_report(client, planted)
    section = document.sections[0]
    millimetres = [
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert millimetres == [210, 297, 37, 35, 28, 26]
    styles = document.styles
    assert styles["Normal"].font.size == Pt(16)
    assert styles["Normal"].paragraph_format.line_spacing == Twips(579)  # 28.95 pt
    assert styles["Title"].font.size == Pt(22)

    def east_asian(style):
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian(styles["Normal"]) == "仿宋_GB2312"
    assert east_asian(styles["Title"]) == "方正小标宋简体"
    assert east_asian(styles["Heading 1"]) == "黑体"
    assert east_asian(styles["Heading 2"]) == "楷体_GB2312"
    styles_xml = styles.element.xml
    assert "Theme" not in styles_xml.replace("w:themeColor", "")  # no theme fonts anywhere
    assert "<w:kinsoku" in styles_xml


def lines_and_characters(section) -> tuple[int, int]:
    """Lines a page and characters a line of 16 pt text, as Word reads the section's grid.

    Its pitch is the Normal style's size plus w:charSpace 4096ths of a point (ECMA-376
    §17.6.5); the lines' pitch is w:linePitch twips.
    """
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch = Twips(int(grid.get(qn("w:linePitch"))))
    char_pitch = Pt(16).pt + int(grid.get(qn("w:charSpace"))) / 4096
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    return int(height / line_pitch), int(width / Pt(1) / char_pitch)


def assert_22_lines_of_28_characters(document):
    for section in document.sections:
        assert lines_and_characters(section) == (22, 28)
    # The body's exact line spacing is the grid's, so its 22 lines fill the 225 mm block.
    pitch = document.sections[0]._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch"))
    assert document.styles["Normal"].paragraph_format.line_spacing == Twips(int(pitch))


def test_the_text_block_holds_22_lines_of_28_characters(client, planted):  # noqa: F811
    assert_22_lines_of_28_characters(public_report(client, planted))


def test_page_numbers_are_dashed_right_on_odd_and_left_on_even_pages(client, planted):  # noqa: F811
    document = public_report(client, planted)
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in footer._p.xml
    assert odd.alignment == 2 and even.alignment == 0  # right, left


def test_font_table_names_fallbacks_for_the_official_faces(client, planted):  # noqa: F811
    response = client.get(reverse("tours:trip-report-docx", args=[planted.pk]))
    fonts = zipfile.ZipFile(io.BytesIO(response.content)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_staff_report_includes_drafts_and_pending_takeaways_but_no_phones(
    client,
    editor,
    planted,  # noqa: F811
):
    client.force_login(editor)
    draft = factories.TripFactory(status="draft", title="赴浙江湖州学习考察")
    factories.TakeawayFactory(trip=draft, review_status="pending", text="待审的做法")
    person = factories.ParticipantFactory(phone="13711112222", email="x@example.cn")
    factories.TripMemberFactory(trip=draft, participant=person)
    response = client.get(reverse("admin:tours_trip_report", args=[draft.pk]))
    assert response.status_code == 200
    text = all_text(Document(io.BytesIO(response.content)))
    assert "关于赴浙江湖州学习考察的情况报告" in text
    assert "（内部版本，含未公开内容）" in text
    assert "待审的做法【待审】" in text
    assert "13711112222" not in text and "x@example.cn" not in text

    text = all_text(Document(io.BytesIO(client.get(
        reverse("admin:tours_trip_report", args=[planted.pk])
    ).content)))  # fmt: skip
    assert PRIVATE["pending takeaway"] in text
    assert PRIVATE["returned takeaway"] not in text
    assert PRIVATE["phone"] not in text and PRIVATE["email"] not in text


def test_staff_report_is_for_staff_only(client, owner, outsider, planted):  # noqa: F811
    url = reverse("admin:tours_trip_report", args=[planted.pk])
    assert client.get(url).status_code == 302
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)


def test_public_report_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    def trip_with(n):
        trip = factories.TripFactory(title=f"赴浙江考察{n}")
        for i in range(n):
            visit = factories.SiteVisitFactory(trip=trip, name=f"考察点{i}")
            factories.TripMemberFactory(trip=trip)
            factories.TakeawayFactory(trip=trip, site_visit=visit, speaker=None).tags.add("招商")
            instruction = factories.InstructionFactory(trip=trip, is_public=True)
            factories.ActionItemFactory(trip=trip, source_instruction=instruction)
            factories.QuestionFactory(
                trip=trip,
                site_visit=visit,
                asked_by=factories.ParticipantFactory(),
                answered_by=factories.ParticipantFactory(),
            )
            factories.IndicatorFactory(trip=trip, unit="%")
        return trip

    for size in (2, 8):
        trip = trip_with(size)
        with django_assert_max_num_queries(16):  # 15, and the answerers of the questions
            client.get(reverse("tours:trip-report-docx", args=[trip.pk]))


def test_the_public_report_page_links_its_word_file_and_calendar(client, planted):  # noqa: F811
    page = client.get(planted.get_absolute_url()).content.decode()
    assert reverse("tours:trip-report-docx", args=[planted.pk]) in page
    assert reverse("tours:trip-itinerary-ics", args=[planted.pk]) in page


def test_the_staff_preview_of_a_draft_offers_no_public_downloads(client, editor):
    draft = factories.TripFactory(status="draft")
    client.force_login(editor)
    page = client.get(reverse("tours:trip-preview", args=[draft.pk])).content.decode()
    assert reverse("tours:trip-report-docx", args=[draft.pk]) not in page


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def test_report_answers_the_public_question_list_with_who_answered_it(client):
    trip = factories.TripFactory(title="赴中山学习考察")
    visit = factories.SiteVisitFactory(trip=trip, name="三角镇企业服务中心")
    hidden = factories.SiteVisitFactory(trip=trip, name="内部总结会", is_public=False)
    asker = factories.ParticipantFactory(name="吴翘楚")
    town = factories.OrganizationFactory(name="三角镇人民政府")
    answerer = factories.ParticipantFactory(name="卢宝来", organization=town, title="副镇长")
    factories.QuestionFactory(
        trip=trip,
        order=1,
        text="规上工业企业数量如何连续多年保持高速增长？",
        asked_by=asker,
        answer="一家一家企业走，一个一个项目跟。",
        answered_by=answerer,
        site_visit=visit,
    )
    factories.QuestionFactory(trip=trip, order=2, text="GDP预测如何做到精准？", answer="")
    factories.QuestionFactory(trip=trip, text="不公开的问题", is_public=False)
    factories.QuestionFactory(trip=trip, text="内部会上的问题", site_visit=hidden)

    document = public_report(client, trip)
    assert headings(document)[:3] == ["一、基本情况", "二、主要做法和经验", "三、问题清单及解答"]
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("三、问题清单及解答")
    assert paragraphs[start + 1 : start + 5] == [
        "1. 问：规上工业企业数量如何连续多年保持高速增长？（提问人：吴翘楚）",
        "答：一家一家企业走，一个一个项目跟。"
        "（解答人：卢宝来，三角镇人民政府副镇长；三角镇企业服务中心）",
        "2. 问：GDP预测如何做到精准？",
        "答：尚未解答。",
    ]
    text = all_text(document)
    assert "不公开的问题" not in text and "内部会上的问题" not in text


def test_report_gives_the_public_leaders_instructions_and_what_came_of_them(client):
    trip = factories.TripFactory(title="赴中山学习考察")
    leader = factories.ParticipantFactory(name="钱正华", title="区委副书记")
    instruction = factories.InstructionFactory(
        trip=trip,
        author=leader,
        is_public=True,
        date=datetime.date(2024, 3, 10),
        text="考察成果要转化为具体举措，各责任单位每月报送进展。",
    )
    factories.ActionItemFactory(
        trip=trip, title="建立企业服务专员制度", source_instruction=instruction
    )
    factories.InstructionFactory(trip=trip, text="内部批示：先不要外传")
    pending = factories.TakeawayFactory(trip=trip, review_status="pending")
    factories.InstructionFactory(
        trip=trip, takeaway=pending, is_public=True, text="对待审收获的批示"
    )

    document = public_report(client, trip)
    assert headings(document) == [
        "一、基本情况",
        "二、主要做法和经验",
        "三、启示与体会",
        "四、领导批示",
        "五、下一步打算",
    ]
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("四、领导批示")
    assert paragraphs[start + 1 : start + 3] == [
        "1. 2024年3月10日，区委副书记钱正华批示："
        "“考察成果要转化为具体举措，各责任单位每月报送进展。”",
        "据此部署的落实事项：建立企业服务专员制度。",
    ]
    text = all_text(document)
    assert "内部批示" not in text and "对待审收获的批示" not in text


def test_the_planted_trips_private_questions_and_instructions_add_no_sections(client, planted):  # noqa: F811
    assert headings(public_report(client, planted)) == [
        "一、基本情况",
        "二、主要做法和经验",
        "三、启示与体会",
        "四、下一步打算",
    ]


def rows_of(table):
    return [row._tr.trPr for row in table.rows]


def test_no_table_row_breaks_across_pages_and_each_page_repeats_the_header(client):
    trip = factories.TripFactory(title="赴中山学习考察")
    for n in range(40):
        factories.IndicatorFactory(trip=trip, name=f"国家级专精特新“小巨人”企业数{n}", order=n)
    document = public_report(client, trip)
    benchmarks = next(t for t in document.tables if t.rows[0].cells[0].text == "指标")
    assert len(benchmarks.rows) == 41
    for table in document.tables:
        properties = rows_of(table)
        assert all(p is not None and p.find(qn("w:cantSplit")) is not None for p in properties)
        assert properties[0].find(qn("w:tblHeader")) is not None
        assert all(p.find(qn("w:tblHeader")) is None for p in properties[1:])
        # Schema order, or Word refuses the file: cantSplit before tblHeader.
        assert [child.tag for child in properties[0]] == [qn("w:cantSplit"), qn("w:tblHeader")]


def benchmark_header(document) -> list[str]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "指标")
    return [cell.text for cell in table.rows[0].cells]


@pytest.mark.parametrize(
    ("origin", "organizer", "home"),
    [
        ("广东省中山市南区街道", "", "我街道"),
        ("中山市三角镇", "", "我镇"),
        ("广东省中山市", "", "我市"),
        ("浙江省安吉县", "", "我县"),
        ("重庆市梁平区", "", "我区"),
        ("", "中共梁平区委组织部", "我区"),
        ("", "南区街道党工委", "我街道"),
    ],
)
def test_the_home_column_is_headed_as_the_sending_unit_calls_itself(
    client, origin, organizer, home
):
    trip = factories.TripFactory(
        title="赴佛山学习考察",
        origin=origin,
        organizer=factories.OrganizationFactory(name=organizer) if organizer else None,
    )
    factories.IndicatorFactory(trip=trip)
    assert benchmark_header(public_report(client, trip)) == [
        "指标",
        "对标对象",
        "对标值",
        home,
        "差距",
    ]


def test_a_gap_in_a_rate_reads_in_percentage_points_and_others_in_their_unit(client):
    trip = factories.TripFactory(title="赴中山学习考察")
    for name, unit, theirs, ours in (
        ("地区生产总值增速", "%", "9.2", "5.6"),
        ("研发投入强度", "%", "3.1", "5.1"),
        ("城镇化率", "%", "70", "70.0"),
        ("地区生产总值", "亿元", "215.6", "98.3"),
    ):
        factories.IndicatorFactory(
            trip=trip,
            name=name,
            unit=unit,
            benchmark_value=Decimal(theirs),
            home_value=Decimal(ours),
            year=None,
        )
    document = public_report(client, trip)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "指标")
    gaps = {row.cells[0].text: row.cells[4].text for row in table.rows[1:]}
    assert gaps == {
        "地区生产总值增速": "低3.6个百分点",
        "研发投入强度": "高2个百分点",
        "城镇化率": "持平",
        "地区生产总值": "-117.3亿元",
    }


def test_a_trip_within_its_own_city_names_the_town_it_went_to(client):
    trip = factories.TripFactory(
        title="南区街道党政班子到三角镇交流",
        kind="exchange",
        origin="广东省中山市南区街道",
        start_date=datetime.date(2024, 2, 28),
        end_date=datetime.date(2024, 2, 28),
    )
    factories.TripMemberFactory(trip=trip)
    factories.SiteVisitFactory(
        trip=trip, name="三角镇政府", province="广东省", city="中山市", district="三角镇"
    )
    factories.SiteVisitFactory(
        trip=trip,
        name="不公开的行程",
        province="浙江省",
        city="湖州市",
        district="安吉县",
        is_public=False,
    )
    response = client.get(reverse("tours:trip-report-docx", args=[trip.pk]))
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "关于赴三角镇交流座谈的情况报告"
    assert "一行1人赴三角镇开展交流座谈" in paragraphs[1]
    assert "中山市" not in paragraphs[0] + paragraphs[1].replace("广东省中山市南区街道", "")
    # Neither the title nor the file's name tells where the private visit was.
    assert "湖州" not in all_text(document)
    assert "%E6%B9%96%E5%B7%9E" not in response["Content-Disposition"]  # 湖州
    assert "%E4%B8%89%E8%A7%92%E9%95%87" in response["Content-Disposition"]  # 三角镇


def test_a_trip_elsewhere_still_names_the_cities_it_went_to(client):
    trip = factories.TripFactory(title="学习考察", origin="重庆市梁平区")
    factories.SiteVisitFactory(trip=trip, city="中山市", district="三角镇")
    assert public_report(client, trip).paragraphs[0].text == "关于赴中山市学习考察的情况报告"


def test_quotation_marks_within_a_quote_are_single(client):
    trip = factories.TripFactory(title="赴中山学习考察", theme="学习“工改工”经验")
    factories.TakeawayFactory(
        trip=trip, kind="quote", text="三角镇“工改工”腾挪出了发展空间。", speaker=None
    )
    factories.InstructionFactory(trip=trip, is_public=True, text="要把“链长制”落到实处。")
    text = all_text(public_report(client, trip))
    assert "“三角镇‘工改工’腾挪出了发展空间。”" in text
    assert "围绕“学习‘工改工’经验”主题" in text
    assert "批示：“要把‘链长制’落到实处。”" in text
