"""A trip's history in a real browser: an editor finds a deleted takeaway among the
changes to the trip's parts and brings it back with 恢复."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_photo_upload import has_horizontal_overflow, sign_in
from tours.models import Takeaway

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 1024])
def test_an_editor_restores_a_deleted_takeaway_from_the_trips_history(
    live_server, page_at, screenshot, editor, width
):
    trip = factories.TripFactory(status="draft", title="赴中山三角镇交流座谈")
    factories.QuestionFactory(trip=trip)
    factories.IndicatorFactory(trip=trip)
    kept = factories.TakeawayFactory(trip=trip, text="推行链长制，由区领导担任链长。")
    kept.text = "推行链长制，由区领导担任链长、龙头企业担任链主。"
    kept.save()
    gone = factories.TakeawayFactory(trip=trip, text="整合审批事项，企业办事一窗受理。")
    pk = gone.pk
    gone._history_user = editor
    gone.delete()
    page = page_at(width, 800)
    sign_in(page, live_server, editor)

    page.goto(f"{live_server.url}/admin/tours/trip/{trip.pk}/history/")

    expect(page.get_by_role("cell", name="已删除")).to_be_visible()
    expect(page.get_by_role("cell", name=editor.participant.name).first).to_be_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, f"trip-history-{width}")
    page.get_by_role("button", name="恢复").click()
    page.wait_for_url(f"**/admin/tours/trip/{trip.pk}/history/")
    expect(page.locator(".messagelist .success")).to_contain_text("已恢复")
    expect(page.get_by_role("button", name="恢复")).to_have_count(0)
    assert Takeaway.objects.get(pk=pk).review_status == Takeaway.ReviewStatus.PENDING
