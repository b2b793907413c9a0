"""The Word report: a 考察报告 in official-document form, public data only for the public."""

import io
import zipfile

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
            factories.ActionItemFactory(trip=trip)
        return trip

    for size in (2, 8):
        trip = trip_with(size)
        with django_assert_max_num_queries(15):
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
