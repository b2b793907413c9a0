"""The follow-up loop walked in a real browser, both ways: the owner on a phone signs for
an item, asks for more time and acknowledges a red notice; the leader at a desk approves
the extension, issues the notice, returns the first "done" and closes the second."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_public_site import has_horizontal_overflow, record_foreign_requests
from tours.models import ActionItem, SupervisionNotice

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "follow-up-2024"
ITEM = "编制产业链招商图谱并建立重点企业清单"


@pytest.fixture
def item(leader, owner):
    for user in (leader, owner):
        user.set_password(PASSWORD)
        user.save()
    trip = factories.TripFactory(organizer=factories.home_department())
    return factories.ActionItemFactory(
        trip=trip,
        title=ITEM,
        owner_organization=owner.participant.organization,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        created_by=leader,
    )


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_owner_and_leader_walk_the_loop(live_server, item, page_at, screenshot):
    later = item.due_date + datetime.timedelta(days=30)
    phone = page_at(375, 800)
    desk = page_at(1280)
    for page in (phone, desk):
        page.on("dialog", lambda dialog: dialog.accept())
    foreign = [record_foreign_requests(page, live_server) for page in (phone, desk)]

    # On the phone the owner finds the new item, signs for it and asks for more time.
    sign_in(phone, live_server, "owner")
    phone.goto(live_server.url + f"/my-actions/{item.pk}/")
    expect(phone.get_by_role("heading", name=ITEM)).to_be_visible()
    assert not has_horizontal_overflow(phone)
    screenshot(phone, "loop-owner-item-375")
    phone.get_by_role("button", name="签收").click()
    expect(phone.locator("#sign")).to_have_count(0)
    phone.get_by_label("申请延至").fill(later.isoformat())
    phone.get_by_label("延期理由").fill("涉及多家企业数据核实，需与市统计局对接口径")
    phone.get_by_role("button", name="提交延期申请").click()
    expect(phone.locator("#extension")).to_contain_text("等待")

    # At the desk the leader approves it and issues a red notice.
    sign_in(desk, live_server, "leader")
    desk.goto(live_server.url + f"/review/actions/{item.pk}/")
    expect(desk.locator("#extension")).to_contain_text("涉及多家企业数据核实")
    desk.get_by_role("button", name="提交审批意见").click()
    expect(desk.locator("#extension")).to_have_count(0)
    desk.get_by_label("督办类别").select_option(SupervisionNotice.Level.RED)
    desk.get_by_label("督办要求").fill("请于本月底前报送图谱初稿及企业清单。")
    desk.get_by_role("button", name="签发").click()
    expect(desk.locator(".timeline")).to_contain_text("挂牌督办")
    assert not has_horizontal_overflow(desk)
    screenshot(desk, "loop-leader-item-1280")

    # The owner sees the approved date and the notice, acknowledges it and reports done.
    phone.goto(live_server.url + f"/my-actions/{item.pk}/")
    expect(phone.locator("#notices")).to_contain_text("请于本月底前报送图谱初稿")
    phone.locator("#notices").get_by_role("button", name="确认收到").click()
    expect(phone.locator("#notices")).to_have_count(0)
    phone.get_by_label("完成进度（%）").fill("100")
    phone.get_by_label("进展情况").fill("图谱初稿及重点企业清单已报送")
    phone.get_by_role("button", name="提交进展").click()
    expect(phone.locator(".timeline")).to_contain_text("图谱初稿及重点企业清单已报送")
    assert not has_horizontal_overflow(phone)

    # The leader returns it once with what is missing ...
    desk.goto(live_server.url + f"/review/actions/{item.pk}/")
    desk.get_by_label("还需要做什么").fill("清单缺少企业联系人，请补充后再报。")
    desk.get_by_role("button", name="退回重办").click()
    expect(desk.locator(".timeline")).to_contain_text("清单缺少企业联系人")

    # ... the owner reads why on the phone and reports again ...
    phone.goto(live_server.url + f"/my-actions/{item.pk}/")
    expect(phone.locator(".timeline")).to_contain_text("清单缺少企业联系人")
    phone.get_by_label("完成进度（%）").fill("100")
    phone.get_by_label("进展情况").fill("已补充企业联系人并重新报送")
    phone.get_by_role("button", name="提交进展").click()
    expect(phone.locator(".timeline")).to_contain_text("已补充企业联系人")
    screenshot(phone, "loop-owner-after-return-375")

    # ... and the leader closes it.
    desk.goto(live_server.url + f"/review/actions/{item.pk}/")
    desk.get_by_role("button", name="销号").click()
    expect(desk.locator("#verify")).to_have_count(0)

    item.refresh_from_db()
    assert item.status == ActionItem.Status.CLOSED
    assert item.original_due_date is not None and item.due_date == later
    assert item.acknowledged_by is not None
    assert item.notices.get().acknowledged_at is not None
    assert item.returns.count() == 1
    assert foreign == [[], []]


def test_an_instructions_handling_reads_on_a_phone(live_server, item, leader, page_at, screenshot):
    instruction = factories.InstructionFactory(trip=item.trip)
    item.source_instruction = instruction
    item.save()
    factories.ActionItemFactory(
        trip=item.trip,
        source_instruction=instruction,
        title="建立重点项目“一项目一专班”推进机制，每月通报进度",
        owner_organization=item.owner_organization,
        due_date=item.due_date,
    )
    page = page_at(375, 800)
    sign_in(page, live_server, "leader")
    page.goto(live_server.url + f"/review/instructions/{instruction.pk}/")
    expect(page.get_by_role("link", name=ITEM)).to_be_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, "loop-instruction-375")


def test_a_leader_cancels_an_item_only_after_confirming(live_server, item, page_at):
    desk = page_at(1280)
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        if len(questions) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    desk.on("dialog", answer)
    sign_in(desk, live_server, "leader")
    desk.goto(live_server.url + f"/review/actions/{item.pk}/")
    desk.get_by_label("取消原因").fill("并入全区产业链图谱统一编制")
    desk.locator("#cancel").get_by_role("button", name="取消事项").click()
    # Dismissed: nothing is sent, the reason is still in its box.
    desk.wait_for_timeout(500)
    expect(desk.get_by_label("取消原因")).to_have_value("并入全区产业链图谱统一编制")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.NOT_STARTED

    desk.locator("#cancel").get_by_role("button", name="取消事项").click()
    expect(desk.locator(".timeline")).to_contain_text("并入全区产业链图谱统一编制")
    expect(desk.locator("#cancel")).to_have_count(0)
    assert questions == ["确认取消该事项？取消后不再接受进展报送。"] * 2
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CANCELLED
