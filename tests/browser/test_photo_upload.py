"""A 录入员 uploads a day's photos in the browser, sorts them, and a reader views them."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import ARTIFACTS
from tours.demo_photos import demo_photo, phone_exif
from tours.models import Trip

# Transactional, so the live server sees the data; serialized, so the roles survive.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trip():
    trip = factories.TripFactory(title="赴广东中山学习考察", status="draft")
    t = datetime.time
    factories.SiteVisitFactory(
        trip=trip, name="三角镇企业服务中心", start_time=t(9), end_time=t(11)
    )
    factories.SiteVisitFactory(
        trip=trip, name="美的集团全球创新中心", start_time=t(14), end_time=t(16)
    )
    return trip


def phone_photo(name, trip, hour, colour):
    taken_at = datetime.datetime.combine(trip.start_date, datetime.time(hour, 20))
    data = demo_photo(
        size=(1600, 1200), colour=colour, title=name, exif=phone_exif(taken_at=taken_at)
    )
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def has_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_bulk_upload_keeps_the_good_files_and_explains_the_bad_one(
    live_server, page_at, screenshot, editor, trip, width
):
    good = phone_photo("IMG_0001.JPG", trip, 9, (164, 22, 26))
    broken = phone_photo("IMG_0002.JPG", trip, 10, (11, 92, 173))
    broken["buffer"] = broken["buffer"][: len(broken["buffer"]) // 2]
    afternoon = phone_photo("IMG_0003.JPG", trip, 15, (26, 127, 55))
    page = page_at(width)
    sign_in(page, live_server, editor)

    page.goto(f"{live_server.url}/admin/tours/trip/{trip.pk}/change/")
    page.get_by_role("link", name="批量上传照片").click()
    page.wait_for_url("**/photos/upload/")
    page.set_input_files("input[type=file]", [good, broken, afternoon])
    page.get_by_role("button", name="上传").click()

    next_step = page.get_by_role("link", name="整理并公开照片")
    expect(next_step).to_be_visible(timeout=60_000)
    summary = page.locator(".upload-summary")
    expect(summary).to_contain_text("已添加 2 张照片（共 3 张）")
    expect(summary).to_contain_text("归入考察点")
    items = page.locator(".upload-item")
    expect(items).to_have_count(3)
    expect(page.locator(".upload-item progress")).to_have_count(3)
    expect(items.nth(0).locator(".upload-item__status")).to_have_text("已添加")
    expect(items.nth(1).locator(".upload-item__status")).to_have_text("未通过")
    expect(items.nth(1).locator(".upload-item__error")).to_contain_text("文件不完整")
    expect(items.nth(2).locator(".upload-item__status")).to_have_text("已添加")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"photo-upload-{width}")

    next_step.click()
    page.wait_for_url("**/photos/")
    groups = page.locator(".photo-group")
    expect(groups).to_have_count(2)
    expect(groups.nth(0).locator("h2")).to_contain_text("三角镇企业服务中心")
    expect(groups.nth(1).locator("h2")).to_contain_text("美的集团全球创新中心")
    expect(groups.nth(0).locator(".photo-card")).to_have_count(1)
    screenshot(page, f"photo-grid-{width}")


def test_staff_publish_a_photo_and_a_reader_opens_it_in_the_viewer(
    live_server, page_at, browser, screenshot, editor, trip
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = page_at(1280)
    sign_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/tours/trip/{trip.pk}/photos/upload/")
    page.set_input_files(
        "input[type=file]",
        [
            phone_photo("IMG_0001.JPG", trip, 9, (164, 22, 26)),
            phone_photo("IMG_0002.JPG", trip, 15, (26, 127, 55)),
        ],
    )
    page.get_by_role("button", name="上传").click()
    next_step = page.get_by_role("link", name="整理并公开照片")
    expect(next_step).to_be_visible(timeout=60_000)
    next_step.click()

    cards = page.locator(".photo-card")
    for n in range(2):
        cards.nth(n).get_by_label("说明").fill(f"考察团参观现场{n + 1}")
        cards.nth(n).get_by_label("公开").check()
    cards.nth(0).get_by_label("封面").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已修改 2 张照片")).to_be_visible()
    Trip.objects.filter(pk=trip.pk).update(status="published")

    reader = page_at(375)
    reader.goto(live_server.url + "/trips/")
    expect(reader.locator(".trip-card__cover img")).to_be_visible()
    reader.goto(f"{live_server.url}/trips/{trip.pk}/")
    thumbnail = reader.get_by_role("img", name="考察团参观现场1")
    thumbnail.scroll_into_view_if_needed()
    thumbnail.click()
    viewer = reader.locator("dialog.lightbox")
    expect(viewer).to_be_visible()
    image = viewer.locator("img")
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.currentSrc").endswith("-large.webp")
    expect(viewer).to_contain_text("考察团参观现场1")
    expect(viewer).to_contain_text("1 / 2")
    assert not has_horizontal_overflow(reader)
    reader.screenshot(path=str(ARTIFACTS / "photo-viewer-375.png"))  # the viewport it covers
    reader.keyboard.press("ArrowRight")
    expect(viewer).to_contain_text("2 / 2")
    reader.keyboard.press("Escape")
    expect(viewer).to_be_hidden()

    page.goto(f"{live_server.url}/trips/{trip.pk}/")
    page.locator("a[data-lightbox]").nth(1).click()
    page.locator("dialog.lightbox img").evaluate("img => img.decode()")
    page.screenshot(path=str(ARTIFACTS / "photo-viewer-1280.png"))
    page.locator(".lightbox__close").click()
    expect(page.locator("dialog.lightbox")).to_be_hidden()
    screenshot(page, "report-with-photos-1280")

    # Without JavaScript the thumbnail is a plain link to the large rendition.
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    plain = context.new_page()
    plain.goto(f"{live_server.url}/trips/{trip.pk}/")
    link = plain.locator("a[data-lightbox]").first
    assert link.get_attribute("href").endswith("-large.jpg")
    link.click()
    expect(plain).to_have_url(re.compile(r"-large\.jpg$"))
    context.close()
