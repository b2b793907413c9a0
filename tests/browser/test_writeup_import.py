"""从文稿导入 in a real browser at 1,280 px: an editor pastes the real 三角镇 write-up, drops
what does not belong, gives the commitments their units and saves a draft trip."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_public_site import has_horizontal_overflow, record_foreign_requests
from tours.models import ActionItem, Trip

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS = Path(__file__).resolve().parents[1] / "writeups" / "corpus"
SANJIAO = (CORPUS / "10-real-exchange-nanqu-sanjiao.txt").read_text(encoding="utf-8")
PASSWORD = "write-up-2024"


def test_an_editor_turns_the_real_writeup_into_a_draft_trip(
    live_server, editor, page_at, screenshot
):
    editor.set_password(PASSWORD)
    editor.save()
    unit = factories.OrganizationFactory(name="南区街道经济发展办公室")
    page = page_at(1280, 800)
    foreign = record_foreign_requests(page, live_server)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + "/admin/tours/trip/")
    page.get_by_role("link", name="从文稿新建考察").click()
    page.get_by_label("或直接粘贴文字").fill(SANJIAO)
    page.get_by_role("button", name="识别文稿").click()
    expect(page.locator("#section-trip")).to_be_visible()
    expect(page.get_by_label("标题")).to_have_value(
        "南区街道党政班子成员到三角镇学习高质量发展经验"
    )
    expect(page.locator(".writeup-import__source mark").first).to_be_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, "writeup-import-1280")

    # Saving at once points to the commitments that still need a unit.
    page.get_by_role("button", name="保存所选内容（草稿，待审核）").click()
    expect(page.locator(".writeup-import__index .has-errors")).to_contain_text("落实事项")
    actions = page.locator("#section-action .writeup-import__row")
    count = actions.count()
    # The last proposal is dropped with one click; the others get their unit.
    actions.nth(count - 1).locator(".writeup-import__keep input").uncheck()
    expect(actions.nth(count - 1)).to_have_class("writeup-import__row has-errors is-dropped")
    for index in range(count - 1):
        actions.nth(index).get_by_label("责任单位").select_option(str(unit.pk))
    page.get_by_role("button", name="保存所选内容（草稿，待审核）").click()
    page.wait_for_url("**/admin/tours/trip/*/change/")
    expect(page.locator(".messagelist")).to_contain_text("已从文稿导入")
    screenshot(page, "writeup-imported-trip-1280")

    trip = Trip.objects.get()
    assert trip.status == Trip.Status.DRAFT
    assert ActionItem.objects.filter(trip=trip).count() == count - 1
    assert not foreign
