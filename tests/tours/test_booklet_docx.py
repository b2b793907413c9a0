"""The compiled booklet (汇编成册): featured quotes and reflections by trip and speaker."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from tests import factories
from tests.tours.test_report_docx import assert_22_lines_of_28_characters

pytestmark = pytest.mark.django_db


@pytest.fixture
def trips():
    first = factories.TripFactory(title="赴广东中山学习考察")
    first.tags.add("招商引资")
    second = factories.TripFactory(title="赴浙江湖州学习考察")
    zhou = factories.ParticipantFactory(name="周建国", title="部长", phone="13912345678")
    factories.TripMemberFactory(trip=first, participant=zhou, title="组织部部长")
    factories.TakeawayFactory(
        trip=first,
        speaker=zhou,
        kind="quote",
        review_status="featured",
        text="企业的事就是我们的事",
    )
    factories.TakeawayFactory(
        trip=first, speaker=zhou, kind="reflection", text="六天的学习考察，最深的感受是快和实。"
    )
    factories.TakeawayFactory(
        trip=first, kind="quote", review_status="adopted", text="只是采纳的金句"
    )
    factories.TakeawayFactory(
        trip=first, kind="reflection", review_status="pending", text="待审心得"
    )
    factories.TakeawayFactory(trip=second, kind="reflection", text="湖州的绿水青山")
    return first, second


def booklet(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(response.content))
    return document, "\n".join(p.text for p in document.paragraphs)


def test_selected_trips_compile_into_a_booklet_with_contents(client, editor, trips):
    client.force_login(editor)
    response = client.post(
        reverse("admin:tours_trip_changelist"),
        {"action": "compile_booklet", "_selected_action": [t.pk for t in trips]},
    )
    document, text = booklet(response)
    assert "学习考察成果汇编" in text and "目录" in text
    contents = [p.text for p in document.paragraphs if p.style.name.startswith("toc")]
    assert contents[0].startswith("赴广东中山学习考察\t")
    assert contents[1].startswith("周建国（") and "组织部部长）" in contents[1]  # post then
    assert "PAGEREF" in document.element.xml
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、赴广东中山学习考察", "二、赴浙江湖州学习考察"]
    assert "金句：“企业的事就是我们的事”" in text
    assert "六天的学习考察，最深的感受是快和实。" in text
    for left_out in ("只是采纳的金句", "待审心得", "13912345678"):
        assert left_out not in text


def test_a_tag_compiles_the_trips_and_takeaways_under_it(client, leader, trips):
    client.force_login(leader)
    url = reverse("admin:tours_trip_booklet")
    assert client.get(url).status_code == 200
    tag = trips[0].tags.get()
    _document, text = booklet(client.get(url, {"tag": tag.pk}))
    assert "“招商引资”学习考察成果汇编" in text
    assert "赴广东中山学习考察" in text and "赴浙江湖州学习考察" not in text


def test_the_trip_list_links_the_booklet_by_tag(client, editor, trips):
    client.force_login(editor)
    page = client.get(reverse("admin:tours_trip_changelist")).content.decode()
    assert reverse("admin:tours_trip_booklet") in page


def test_booklet_is_for_staff_only(client, owner, trips):
    url = reverse("admin:tours_trip_booklet")
    assert client.get(url).status_code == 302
    client.force_login(owner)
    assert client.get(url).status_code in (302, 403)


def test_the_booklet_has_the_reports_22_lines_of_28_characters(client, editor, trips):
    client.force_login(editor)
    response = client.post(
        reverse("admin:tours_trip_changelist"),
        {"action": "compile_booklet", "_selected_action": [t.pk for t in trips]},
    )
    assert_22_lines_of_28_characters(booklet(response)[0])


def compiled(client, editor, trips):
    client.force_login(editor)
    response = client.post(
        reverse("admin:tours_trip_changelist"),
        {"action": "compile_booklet", "_selected_action": [t.pk for t in trips]},
    )
    return booklet(response)[0]


def footers_xml(section) -> str:
    return "".join(
        footer._element.xml
        for footer in (section.footer, section.even_page_footer)
        if not footer.is_linked_to_previous
    )


def test_the_cover_and_contents_carry_no_page_numbers(client, editor, trips):
    document = compiled(client, editor, trips)
    front, body = document.sections
    # The cover and the contents: a section with no footer of its own, hence none at all.
    assert front._sectPr.findall(qn("w:footerReference")) == []
    assert "PAGE" not in footers_xml(front)
    # The compiled texts: footers of their own, numbered from 1 on their first page.
    assert "PAGE" in body.footer.paragraphs[0]._p.xml
    assert "PAGE" in body.even_page_footer.paragraphs[0]._p.xml
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    # The contents end the first section; the first trip opens the second.
    blocks = list(document.element.body.iterchildren())
    front_end = next(
        i
        for i, block in enumerate(blocks)
        if block.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    )
    first_heading = next(
        i for i, block in enumerate(blocks) if "一、赴广东中山学习考察" in "".join(block.itertext())
    )
    toc = [i for i, block in enumerate(blocks) if 'w:val="toc' in etree_text(block)]
    assert toc and max(toc) < front_end < first_heading
    # No empty page between the contents and the first trip.
    assert "w:br" not in "".join(etree_text(b) for b in blocks[front_end + 1 : first_heading])


def etree_text(element) -> str:
    return etree.tostring(element, encoding="unicode")


def test_a_quote_within_a_featured_quote_takes_single_marks(client, editor, trips):
    factories.TakeawayFactory(
        trip=trips[0],
        kind="quote",
        review_status="featured",
        text="三角镇“工改工”腾挪出了发展空间",
    )
    text = "\n".join(p.text for p in compiled(client, editor, trips).paragraphs)
    assert "金句：“三角镇‘工改工’腾挪出了发展空间”" in text
