"""A reader clicks through the public site in a real browser, on a phone and a desktop."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

# Transactional, so the live server sees the data.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(roles):
    call_command("seed_demo")


def record_foreign_requests(page, live_server):
    """Every request the page makes to anywhere but this site."""
    own = urlsplit(live_server.url).netloc
    foreign = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc not in (own, "")
            and not request.url.startswith("data:")
            and foreign.append(request.url)
        ),
    )
    return foreign


def has_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_home_to_list_to_report_to_tag(live_server, demo, page_at, screenshot, width):
    page = page_at(width)
    foreign = record_foreign_requests(page, live_server)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    expect(page.get_by_role("heading", name="最新考察报告")).to_be_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, f"home-{width}")

    page.get_by_role("link", name="全部考察报告").click()
    page.wait_for_url("**/trips/")
    expect(page.get_by_text("赴广东佛山、中山、东莞等地学习考察").first).to_be_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, f"trip-list-{width}")

    page.get_by_role("link", name="赴广东佛山、中山、东莞等地学习考察").first.click()
    page.wait_for_url("**/trips/*/")
    expect(page.get_by_role("heading", name="一、行程安排")).to_be_visible()
    expect(page.get_by_text("北滘镇党群服务中心").first).to_be_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, f"report-{width}")

    page.locator(".tags a").first.click()
    page.wait_for_url("**/tags/**")
    expect(page).to_have_title(re.compile("标签"))
    assert not has_horizontal_overflow(page)

    assert foreign == []


def test_print_hides_navigation_and_keeps_the_report(live_server, demo, page_at, screenshot):
    page = page_at(1280)
    page.goto(live_server.url + "/trips/")
    page.get_by_role("link", name="赴广东佛山、中山、东莞等地学习考察").first.click()
    page.wait_for_url("**/trips/*/")
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".report-toc")).to_be_hidden()
    expect(page.get_by_role("heading", name="赴广东佛山、中山、东莞等地学习考察")).to_be_visible()
    screenshot(page, "report-print")


def test_the_action_board_filters_without_javascript(live_server, demo, browser, screenshot):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/actions/")
    page.get_by_label("仅看逾期").check()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile("overdue=on"))
    assert page.locator(".action--overdue").count() == page.locator(".action").count() > 0
    screenshot(page, "action-board-overdue")
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_from_the_board_to_an_actions_page(live_server, demo, page_at, screenshot, width):
    from tours.models import ActionItem

    action = ActionItem.objects.public().filter(status="in_progress").order_by("id").first()
    ActionItem.objects.create(
        trip=action.trip,
        parent=action,
        title="制定企业服务专员工作规程和服务事项清单（含涉企审批、要素保障、政策兑现等十二类事项）",
        owner_organization=action.owner_organization,
        weight=2,
        due_date=action.due_date,
    )
    page = page_at(width)
    page.goto(live_server.url + "/actions/")
    page.get_by_role("link", name=action.title, exact=True).click()
    page.wait_for_url(f"**{action.get_absolute_url()}")
    expect(page.get_by_role("heading", name=action.title, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="办理过程")).to_be_visible()
    expect(page.get_by_role("link", name="制定企业服务专员工作规程", exact=False)).to_be_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, f"action-page-{width}")


def column_is_readable(page, table, header) -> bool:
    """Scrolled into view inside its table's scroll box, the column's header is whole, on
    the screen, and beside the first column, which stays where it was."""
    return page.evaluate(
        """([table, header]) => {
            const box = table.closest(".table-scroll");
            const cell = [...table.querySelectorAll("thead th")].find(
                (th) => th.textContent.trim() === header);
            cell.scrollIntoView({inline: "end"});
            const first = table.querySelector("thead th").getBoundingClientRect();
            const seen = box.getBoundingClientRect();
            const rect = cell.getBoundingClientRect();
            return first.left >= seen.left - 1 && rect.left >= first.right - 1
                && rect.right <= seen.right + 1
                && rect.right <= window.innerWidth + 1;
        }""",
        [table.element_handle(), header],
    )


def test_wide_tables_scroll_under_a_fixed_first_column_on_a_phone(
    live_server, demo, page_at, screenshot
):
    page = page_at(375)
    page.goto(live_server.url + "/trips/")
    page.get_by_role("link", name="赴广东佛山、中山、东莞等地学习考察").first.click()
    page.wait_for_url("**/trips/*/")
    benchmarks = page.locator("table").filter(has_text="差距").first
    for header in ("差距", "年份"):
        assert column_is_readable(page, benchmarks, header), header
    assert not has_horizontal_overflow(page)
    screenshot(page, "report-benchmarks-375")

    page.goto(live_server.url + "/insights/")
    units = page.locator("table").filter(has_text="责任单位").first
    for header in ("完成率", "已逾期"):
        assert column_is_readable(page, units, header), header
    assert not has_horizontal_overflow(page)
    screenshot(page, "insights-375")
