"""A trip's 落实情况报告: every commitment's state, dates, progress and evidence, for staff."""

import datetime
import io
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from tests import factories, files
from tours.exports.gongwen import INDENT
from tours.models import ActionReturn, SupervisionNotice

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TODAY = datetime.datetime(2024, 7, 15, 10, 0, tzinfo=UTC)
TITLE = "关于赴广东中山学习考察成果落实情况的报告"


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def trip(owner):
    trip = factories.TripFactory(
        title="赴广东中山学习考察",
        start_date=datetime.date(2024, 2, 26),
        end_date=datetime.date(2024, 3, 1),
    )
    meeting = factories.ActionItemFactory(
        trip=trip,
        title="建立季度对接会制度",
        owner_organization__name="梁平区招商投资促进中心",
        owner=factories.ParticipantFactory(name="陈晓红"),
        original_due_date=datetime.date(2024, 5, 31),
        due_date=datetime.date(2024, 6, 30),
        acknowledged_at=at(2024, 3, 5, 1, 0),
        acknowledged_by=owner,
        status="in_progress",
        progress=40,
    )
    meeting.support_organizations.add(factories.OrganizationFactory(name="梁平区财政局"))
    factories.ActionUpdateFactory(
        action=meeting, date=datetime.date(2024, 5, 20), note="已起草方案", progress=20
    )
    factories.ActionUpdateFactory(
        action=meeting,
        date=datetime.date(2024, 6, 25),
        note="已召开第一次对接会",
        progress=40,
        evidence=ContentFile(files.PDF, name="会议纪要.pdf"),
    )
    SupervisionNotice.objects.create(
        action=meeting, level="red", text="挂牌督办", issued_at=at(2024, 7, 1, 2)
    )
    ActionReturn.objects.create(action=meeting, comment="缺会议纪要", returned_at=at(2024, 6, 1, 2))
    factories.ActionItemFactory(
        trip=trip,
        parent=meeting,
        title="起草对接会工作方案",
        owner_organization__name="梁平区招商投资促进中心",
        due_date=datetime.date(2024, 5, 15),
        status="done",
        progress=100,
    )
    factories.ActionItemFactory(
        trip=trip,
        title="设立企业服务专员",
        owner_organization__name="梁平区发展改革委",
        due_date=datetime.date(2024, 4, 30),
        status="closed",
        progress=100,
        closed_at=at(2024, 5, 6, 2),
    )
    factories.ActionItemFactory(
        trip=trip,
        title="编制产业链招商图谱",
        owner_organization__name="梁平区经济信息委",
        due_date=datetime.date(2024, 12, 31),
        status="done",
        progress=100,
    )
    return trip


def url(trip):
    return reverse("tours:review-followup-docx", args=[trip.pk])


def download(client, user, trip):
    client.force_login(user)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(url(trip))
    assert response.status_code == 200
    return response


def paragraphs_of(response) -> list:
    return Document(io.BytesIO(response.content)).paragraphs


def texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs]


def after(paragraphs, heading: str, count: int) -> list[str]:
    index = texts(paragraphs).index(heading)
    return texts(paragraphs)[index + 1 : index + 1 + count]


def test_a_leader_downloads_the_report_as_a_word_file_named_by_its_title(client, leader, trip):
    response = download(client, leader, trip)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert quote(f"{TITLE}.docx") in response["Content-Disposition"]


def test_the_report_opens_with_the_title_and_the_figures(client, leader, trip):
    paragraphs = texts(paragraphs_of(download(client, leader, trip)))
    assert paragraphs[0] == TITLE
    assert paragraphs[1] == (
        "赴广东中山学习考察（2024年2月26日至3月1日）共形成落实事项3项，分解子任务1项。"
        "截至2024年7月15日，已审结销号1项，已完成待审结1项，正在推进1项；"
        "其中逾期1项，经批准延期1项。现将各事项落实情况报告如下："
    )
    appendix = paragraphs.index("附件")
    assert paragraphs[appendix - 2 : appendix] == ["中共梁平区委组织部", "2024年7月15日"]


def test_each_commitment_gives_units_dates_state_progress_evidence_and_supervision(
    client, leader, trip, owner
):
    paragraphs = paragraphs_of(download(client, leader, trip))
    headings = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert headings == [
        "（一）设立企业服务专员",
        "（二）建立季度对接会制度",
        "（三）编制产业链招商图谱",
    ]
    units, due, state, progress, evidence, supervision = after(
        paragraphs, "（二）建立季度对接会制度", 6
    )
    assert units == "主办单位：梁平区招商投资促进中心；协办单位：梁平区财政局；责任人：陈晓红。"
    assert due == (
        "完成时限：2024年6月30日（原定2024年5月31日，已批准延期）；"
        f"2024年3月5日签收（{owner.participant.name}）。"
    )
    assert state == "办理状态：推进中，完成进度40%；红色预警（逾期）。"
    assert progress == "最新进展（2024年6月25日，40%）：已召开第一次对接会。"
    assert evidence.startswith("佐证材料：2024年6月25日 ")
    assert "http://testserver/private/evidence/" in evidence and ".pdf）" in evidence
    assert supervision == "督办1次（2024年7月1日 挂牌督办（红色督办单））；退回重办1次。"


def test_closed_and_done_items_say_so(client, leader, trip):
    paragraphs = paragraphs_of(download(client, leader, trip))
    assert after(paragraphs, "（一）设立企业服务专员", 3)[1:] == [
        "完成时限：2024年4月30日；尚未签收。",
        "办理状态：已销号，完成进度100%；2024年5月6日销号。",
    ]
    assert after(paragraphs, "（三）编制产业链招商图谱", 3)[2] == (
        "办理状态：已完成，完成进度100%；待审结。"
    )
    assert after(paragraphs, "（三）编制产业链招商图谱", 4)[3] == "最新进展：尚未报送进展。"


def test_a_cancelled_item_says_when_and_why(client, leader, trip):
    from tours.services import cancel_action

    dropped = factories.ActionItemFactory(
        trip=trip,
        title="编制屏锦镇农文旅融合发展规划",
        owner_organization__name="屏锦镇人民政府",
        due_date=datetime.date(2024, 12, 31),
    )
    with time_machine.travel(at(2024, 7, 2, 2), tick=False):
        cancel_action(action=dropped, user=leader, reason="并入全区规划统一编制。")
    paragraphs = paragraphs_of(download(client, leader, trip))
    heading = next(t for t in texts(paragraphs) if t.endswith("编制屏锦镇农文旅融合发展规划"))
    assert after(paragraphs, heading, 3)[2] == (
        "办理状态：已取消，完成进度0%；2024年7月2日取消：并入全区规划统一编制。"
    )


def test_sub_tasks_are_listed_indented_under_their_item(client, leader, trip):
    paragraphs = paragraphs_of(download(client, leader, trip))
    shown = texts(paragraphs)
    sub = shown.index("子任务1：起草对接会工作方案")
    assert shown.index("（二）建立季度对接会制度") < sub < shown.index("（三）编制产业链招商图谱")
    assert paragraphs[sub].paragraph_format.left_indent == INDENT
    assert paragraphs[sub + 1].text == "主办单位：梁平区招商投资促进中心。"
    assert paragraphs[sub + 1].paragraph_format.left_indent == INDENT


def test_overdue_items_are_listed_with_how_late_they_are(client, leader, trip):
    paragraphs = paragraphs_of(download(client, leader, trip))
    assert after(paragraphs, "二、逾期未完成事项", 1) == [
        "1. 建立季度对接会制度（梁平区招商投资促进中心），完成时限2024年6月30日，已逾期15天。"
    ]


def test_a_trip_of_another_department_is_404(client, leader):
    other = factories.OrganizationFactory(name="中共万州区委组织部")
    theirs = factories.TripFactory(organizer=other)
    client.force_login(leader)
    assert client.get(url(theirs)).status_code == 404


def test_the_trips_review_page_links_the_report(client, leader, trip):
    client.force_login(leader)
    html = client.get(reverse("tours:review-trip", args=[trip.pk])).content.decode()
    assert url(trip) in html
    assert "下载落实情况报告（Word）" in html


def test_the_report_reads_a_fixed_number_of_queries(
    client, leader, trip, django_assert_max_num_queries
):
    client.force_login(leader)
    for size in (2, 12):
        for n in range(size):
            item = factories.ActionItemFactory(trip=trip, title=f"事项{n}")
            item.support_organizations.add(factories.OrganizationFactory(name="梁平区财政局"))
            factories.ActionItemFactory(trip=trip, parent=item, title=f"子任务{n}")
            factories.ActionUpdateFactory(
                action=item, evidence=ContentFile(files.PDF, name="材料.pdf")
            )
            SupervisionNotice.objects.create(action=item, level="yellow", text="督办")
        with django_assert_max_num_queries(9):
            assert client.get(url(trip)).status_code == 200


def test_the_appendix_lists_every_commitment_with_its_sub_tasks_numbered_under_it(
    client, leader, trip
):
    document = Document(io.BytesIO(download(client, leader, trip).content))
    assert "附件：落实事项一览表" in texts(document.paragraphs)
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "落实事项", "主办单位", "完成时限", "状态", "完成进度"]
    assert rows[1:] == [
        ["1", "设立企业服务专员", "梁平区发展改革委", "2024年4月30日", "已销号", "100%"],
        ["2", "建立季度对接会制度", "梁平区招商投资促进中心", "2024年6月30日", "推进中", "40%"],
        ["2.1", "起草对接会工作方案", "梁平区招商投资促进中心", "2024年5月15日", "已完成", "100%"],
        ["3", "编制产业链招商图谱", "梁平区经济信息委", "2024年12月31日", "已完成", "100%"],
    ]


def test_a_trip_without_commitments_says_so(client, leader):
    trip = factories.TripFactory(title="赴浙江安吉学习考察")
    paragraphs = texts(paragraphs_of(download(client, leader, trip)))
    assert paragraphs[0] == "关于赴浙江安吉学习考察成果落实情况的报告"
    assert "暂无。" in paragraphs
    assert "附件：落实事项一览表" not in paragraphs
