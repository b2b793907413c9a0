"""A campaign's page in a real browser: the delegations side by side at a desk, stacked on a
phone, and one map of where they went, drawn from the vendored map with nothing fetched
from elsewhere."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_public_site import has_horizontal_overflow, record_foreign_requests
from tests.tours.test_shapes import build_campaign

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign():
    return build_campaign()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_campaign_page_draws_its_map_and_fits_the_screen(
    live_server,
    campaign,
    page_at,
    screenshot,
    width,
):
    page = page_at(width)
    foreign = record_foreign_requests(page, live_server)
    page.goto(live_server.url + campaign.get_absolute_url())
    expect(page.get_by_role("heading", name=campaign.title)).to_be_visible()
    expect(page.locator('[data-chart="provinces"] canvas')).to_have_count(1)
    page.wait_for_timeout(500)  # the map's file arrives, then it is drawn
    assert not has_horizontal_overflow(page)
    screenshot(page, f"campaign-{width}")
    assert foreign == []
