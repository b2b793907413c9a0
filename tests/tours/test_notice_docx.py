"""The 督办通知单: a supervision notice printed on one page, to hand over and be signed for."""

import datetime
import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from tests import factories
from tours.models import SupervisionNotice

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TEXT = (
    "该事项已超过调整后的完成时限，至今仍未形成常态化机制。"
    "现予挂牌督办，请于7月10日前报送整改措施。"
)


@pytest.fixture
def notice(leader):
    trip = factories.TripFactory(title="赴广东中山学习考察")
    instruction = factories.InstructionFactory(
        trip=trip, author=factories.ParticipantFactory(name="钱正华", title="区委副书记")
    )
    action = factories.ActionItemFactory(
        trip=trip,
        title="建立季度对接会制度",
        owner_organization__name="梁平区招商投资促进中心",
        owner=factories.ParticipantFactory(name="陈晓红"),
        original_due_date=datetime.date(2024, 5, 31),
        due_date=datetime.date(2024, 6, 30),
        source_instruction=instruction,
        status="in_progress",
        progress=40,
    )
    action.support_organizations.add(factories.OrganizationFactory(name="梁平区财政局"))
    return SupervisionNotice.objects.create(
        action=action,
        level="red",
        text=TEXT,
        issued_by=leader,
        issued_at=datetime.datetime(2024, 6, 30, 17, 0, tzinfo=UTC),  # 1 July in Beijing
    )


def url(notice):
    return reverse("tours:review-notice-docx", args=[notice.pk])


def download(client, user, notice):
    client.force_login(user)
    response = client.get(url(notice))
    assert response.status_code == 200
    return response


def document_of(response):
    return Document(io.BytesIO(response.content))


def form_of(document) -> dict:
    (table,) = document.tables
    return {row.cells[0].text: row.cells[1].text for row in table.rows}


def test_a_leader_downloads_the_notice_as_a_word_file_named_by_its_number(client, leader, notice):
    response = download(client, leader, notice)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    name = f"督办通知单（督办〔2024〕{notice.pk}号）.docx"
    assert quote(name) in response["Content-Disposition"]


def test_the_notice_is_titled_numbered_and_addressed_to_the_lead_and_co_units(
    client, leader, notice
):
    paragraphs = [p.text for p in document_of(download(client, leader, notice)).paragraphs]
    assert paragraphs[0] == "督办通知单"
    assert paragraphs[1] == f"督办〔2024〕{notice.pk}号"
    assert "梁平区招商投资促进中心、梁平区财政局：" in paragraphs
    # Signed at the foot by the trip's organizing department, on the day it was issued.
    assert paragraphs[-2:] == ["中共梁平区委组织部", "2024年7月1日"]


def test_the_notice_says_what_is_supervised_for_whom_by_when_and_what_is_required(
    client, leader, notice
):
    form = form_of(document_of(download(client, leader, notice)))
    assert form == {
        "督办等级": "挂牌督办（红色督办单）",
        "督办事项": "建立季度对接会制度",
        "任务来源": "赴广东中山学习考察；钱正华同志2024年3月10日批示",
        "主办单位": "梁平区招商投资促进中心",
        "协办单位": "梁平区财政局",
        "责任人": "陈晓红",
        "完成时限": "2024年6月30日（原定2024年5月31日，已批准延期）",
        "当前进展": "推进中，完成进度40%",
        "督办要求": TEXT,
        "督办人": f"{leader.participant.name}　2024年7月1日",
        "签收": "签收人：　　　　　　签收时间：　　　年　　月　　日",
    }


def test_an_acknowledged_notice_names_who_signed_for_it_and_when(client, leader, owner, notice):
    notice.acknowledged_by = owner
    notice.acknowledged_at = datetime.datetime(2024, 7, 1, 17, 30, tzinfo=UTC)  # 2 July
    notice.save()
    form = form_of(document_of(download(client, leader, notice)))
    assert form["签收"] == f"签收人：{owner.participant.name}　　签收时间：2024年7月2日"


def test_a_reminder_prints_on_the_same_form(client, leader, notice):
    notice.level = SupervisionNotice.Level.REMINDER
    notice.save()
    form = form_of(document_of(download(client, leader, notice)))
    assert form["督办等级"] == "催办"


def test_the_notice_is_laid_out_as_an_official_document_on_a4(client, leader, notice):
    document = document_of(download(client, leader, notice))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    title = document.paragraphs[0]
    assert title.style.name == "Title"
    fonts = title.style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    # The red separator line under the number, as under a 公文's header.
    rule = document.paragraphs[2]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    # One page: no page break, and no row of the form split across pages.
    assert 'w:type="page"' not in document.element.xml
    for row in document.tables[0].rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_a_notice_of_another_departments_item_is_404(client, leader):
    other = factories.OrganizationFactory(name="中共万州区委组织部")
    action = factories.ActionItemFactory(trip=factories.TripFactory(organizer=other))
    theirs = SupervisionNotice.objects.create(action=action, level="red", text="挂牌督办")
    client.force_login(leader)
    assert client.get(url(theirs)).status_code == 404


def test_the_leaders_item_page_links_the_form_of_each_notice(client, leader, notice):
    client.force_login(leader)
    page = client.get(reverse("tours:review-action", args=[notice.action_id]))
    html = page.content.decode()
    assert url(notice) in html
    assert "下载督办通知单（Word）" in html


def test_the_notice_reads_a_fixed_number_of_queries(
    client, leader, notice, django_assert_max_num_queries
):
    client.force_login(leader)
    for size in (1, 8):
        for _ in range(size):
            notice.action.support_organizations.add(factories.OrganizationFactory())
        with django_assert_max_num_queries(7):
            assert client.get(url(notice)).status_code == 200
