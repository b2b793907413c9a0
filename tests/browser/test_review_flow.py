"""The issue's walk-through in a real browser: a leader reviews and publishes the demo's
submitted trip, an owner reports progress with a PDF, the public pages show it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from tests import files
from tests.browser.test_public_site import has_horizontal_overflow, record_foreign_requests
from tours.models import ActionItem, Trip

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITTED = "赴江苏苏州、昆山开展招商考察"
PASSWORD = "walk-through-2024"
NEW_ITEM = "在经信委试行“一企一专员”服务机制"


@pytest.fixture
def demo():
    call_command("seed_demo")
    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save()


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_leader_reviews_and_publishes_then_owner_reports_with_a_pdf(
    live_server, demo, page_at, screenshot, tmp_path
):
    page = page_at(1280)
    foreign = record_foreign_requests(page, live_server)

    # The leader signs in and lands on the desk, where the submitted trip waits.
    sign_in(page, live_server, "leader")
    page.wait_for_url("**/review/")
    expect(page.get_by_role("heading", name="待审核的考察")).to_be_visible()
    screenshot(page, "review-desk-1280")
    page.get_by_role("link", name=SUBMITTED).click()
    page.wait_for_url("**/review/trips/*/")
    screenshot(page, "review-trip-1280")

    # One takeaway adopted with its own button (in place, by script).
    rows = page.locator(".review-item")
    first = rows.nth(0)
    first.get_by_role("button", name="采纳", exact=True).click()
    expect(first.locator(".review-item__status")).to_have_text("采纳")
    expect(first).to_have_class("review-item is-decided review-item--adopted")

    # Two more ticked and turned into one action item owned by 王志强.
    rows.nth(1).locator('input[name="takeaways"]').check()
    rows.nth(2).locator('input[name="takeaways"]').check()
    form = page.locator("#make-action")
    form.get_by_label("事项名称").fill(NEW_ITEM)
    form.get_by_label("责任单位").select_option(label="梁平区经济和信息化委员会")
    form.get_by_label("责任人").select_option(label="王志强（梁平区经济和信息化委员会 主任）")
    due = datetime.date.today() + datetime.timedelta(days=60)
    form.get_by_label("完成时限").fill(due.isoformat())
    form.get_by_role("button", name="创建落实事项").click()
    expect(page.get_by_text(f"已创建落实事项“{NEW_ITEM}”。")).to_be_visible()
    item = ActionItem.objects.get(title=NEW_ITEM)
    assert item.source_takeaways.count() == 2

    # The trip is complete, so it publishes, once the leader confirms it.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="发布考察").click()
    expect(page.get_by_text(f"“{SUBMITTED}”已发布。")).to_be_visible()
    assert Trip.objects.get(title=SUBMITTED).status == "published"
    assert asked and asked[0].startswith("确定发布这次考察吗？")
    screenshot(page, "review-trip-published-1280")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(live_server.url + "/")

    # The owner signs in, opens the new item and reports 40 % with a PDF.
    sign_in(page, live_server, "owner")
    page.wait_for_url("**/my-actions/")
    page.get_by_role("link", name=NEW_ITEM).click()
    report = page.locator("#report")
    report.get_by_label("完成进度（%）").fill("40")
    report.get_by_label("进展情况").fill("已在经信委试行，首批联系企业12家。")
    evidence = tmp_path / "试行情况.pdf"
    evidence.write_bytes(files.PDF)
    report.get_by_label("佐证材料", exact=True).set_input_files(str(evidence))
    report.get_by_label("佐证材料可随落实事项公开").check()
    screenshot(page, "my-action-form-1280")
    report.get_by_role("button", name="提交进展").click()
    expect(page.get_by_text("进展已报送，谢谢。")).to_be_visible()
    expect(page.get_by_role("link", name="下载佐证材料")).to_be_visible()
    item.refresh_from_db()
    assert (item.progress, item.status) == (40, "in_progress")

    # The public board and the report show the new progress and the published evidence.
    for url in ("/actions/", Trip.objects.get(title=SUBMITTED).get_absolute_url()):
        page.goto(live_server.url + url)
        entry = page.locator(f"#action-{item.pk}")
        assert entry.locator("progress").get_attribute("value") == "40"
        expect(entry.get_by_text("已在经信委试行")).to_be_visible()
        with page.expect_download() as download:
            entry.get_by_role("link", name="佐证材料").click()
        assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "report-with-new-progress-1280")
    assert foreign == []


@pytest.mark.parametrize("width", [375, 1280])
def test_staff_pages_fit_phones_and_desktops(live_server, demo, page_at, screenshot, width):
    page = page_at(width)
    sign_in(page, live_server, "leader")
    page.wait_for_url("**/review/")
    trip = Trip.objects.get(title=SUBMITTED)
    for url, name in (
        ("/review/", "review-desk"),
        (f"/review/trips/{trip.pk}/", "review-trip"),
        ("/review/actions/", "review-actions"),
    ):
        page.goto(live_server.url + url)
        assert not has_horizontal_overflow(page), url
        screenshot(page, f"{name}-{width}")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(live_server.url + "/")
    sign_in(page, live_server, "owner")
    page.wait_for_url("**/my-actions/")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"my-actions-{width}")


def test_the_desk_works_without_javascript(live_server, demo, browser, screenshot):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "leader")
    page.wait_for_url("**/review/")
    trip = Trip.objects.get(title=SUBMITTED)
    page.goto(live_server.url + f"/review/trips/{trip.pk}/")
    expect(page.locator(".js-select-all")).to_be_hidden()
    first = page.locator(".review-item").nth(0)
    first.get_by_role("button", name="退回").click()
    expect(page.get_by_text("退回收获时请填写意见，说明要修改什么。")).to_be_visible()
    page.locator('input[name="takeaways"]').nth(0).check()
    page.locator('input[name="takeaways"]').nth(1).check()
    page.get_by_role("button", name="采纳所选").click()
    expect(page.get_by_text("2条收获：采纳。")).to_be_visible()
    assert trip.takeaways.filter(review_status="adopted").count() == 2
    screenshot(page, "review-trip-no-js")
    context.close()


def test_a_leader_finds_a_person_by_typing_part_of_a_name(live_server, demo, page_at):
    page = page_at(1280)
    sign_in(page, live_server, "leader")
    page.wait_for_url("**/review/")
    trip = Trip.objects.get(title=SUBMITTED)
    page.goto(live_server.url + f"/review/trips/{trip.pk}/")
    picker = page.locator("#instructions .select2-selection").first
    picker.click()
    page.keyboard.type("发展和改革")
    option = page.locator(".select2-results__option", has_text="梁平区发展和改革委员会").first
    expect(option).to_be_visible()
    option.click()
    author = page.locator('select[name="instruction-author"]')
    assert "梁平区发展和改革委员会" in author.locator("option:checked").inner_text()


def test_an_owner_is_asked_before_progress_falls_far(live_server, demo, page_at):
    page = page_at(1280)
    item = ActionItem.objects.filter(owner__user__username="owner", status="in_progress").first()
    ActionItem.objects.filter(pk=item.pk).update(progress=60)
    sign_in(page, live_server, "owner")
    page.wait_for_url("**/my-actions/")
    page.goto(live_server.url + f"/my-actions/{item.pk}/")
    report = page.locator("#report")
    report.get_by_label("完成进度（%）").fill("6")
    report.get_by_label("进展情况").fill("方案被否决，重新编制。")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    report.get_by_role("button", name="提交进展").click()
    assert asked == ["进度将从60%降到6%，确定吗？"]
    item.refresh_from_db()
    assert item.progress == 60
    page.once("dialog", lambda dialog: dialog.accept())
    report.get_by_role("button", name="提交进展").click()
    expect(page.get_by_text("进展已报送，谢谢。")).to_be_visible()
    item.refresh_from_db()
    assert item.progress == 6
