"""A reader searches and looks at the insights page in a real browser, phone and desktop."""

import re
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_public_site import has_horizontal_overflow, record_foreign_requests

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo():
    call_command("seed_demo")


@pytest.mark.parametrize("width", [375, 1280])
def test_search_for_a_two_character_word(live_server, demo, page_at, screenshot, width):
    page = page_at(width)
    foreign = record_foreign_requests(page, live_server)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="搜索").first.click()
    page.get_by_placeholder("例如：招商 园区").fill("民宿")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    expect(page.locator(".hit mark", has_text="民宿").nth(4)).to_be_attached()
    page.get_by_role("link", name="收获").first.click()
    page.wait_for_url(re.compile("type=takeaway"))
    screenshot(page, f"search-{width}")
    assert not has_horizontal_overflow(page)
    assert foreign == []


@pytest.mark.parametrize("width", [375, 1280])
def test_insights_draw_every_chart_and_a_province_click_lists_its_trips(
    live_server, demo, page_at, screenshot, width
):
    page = page_at(width)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    foreign = record_foreign_requests(page, live_server)
    page.goto(f"{live_server.url}/insights/")
    # Predicates are functions, not expressions: under the page's CSP (no 'unsafe-eval')
    # Playwright may eval a string once, but an expression is eval'd again on every poll.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')]"
        ".every(el => el.querySelector('canvas'))"
    )
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart=provinces]'))"
        ".getOption().series.length > 0"
    )
    screenshot(page, f"insights-{width}")
    assert errors == [] and foreign == []
    assert not has_horizontal_overflow(page)

    click_on_the_map(page, longitude=113.27, latitude=23.13)  # Guangzhou
    assert unquote(page.url).endswith("province=广东省")


def click_on_the_map(page, *, longitude, latitude, attempts=3):
    """Click a place on the province map, as a reader would, and wait for the trip list.

    The map's position is read just before each click; on a loaded machine a late layout
    shift can move it, so a click that leads nowhere is tried again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        point = page.evaluate(
            """([lng, lat]) => {
                const el = document.querySelector('[data-chart=provinces]');
                el.scrollIntoView({block: "center"});
                const [x, y] = echarts.getInstanceByDom(el)
                    .convertToPixel({seriesIndex: 0}, [lng, lat]);
                const box = el.getBoundingClientRect();
                return [box.left + x, box.top + y];
            }""",
            [longitude, latitude],
        )
        page.mouse.click(*point)
        try:
            page.wait_for_url("**/trips/?province=*", timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
