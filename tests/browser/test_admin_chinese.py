"""The admin's script-drawn widgets speak Chinese in a real browser: the permission picker
(Django 5.2's SelectFilter2.js, whose strings Django's Chinese catalogue lacks) and the
date shortcuts."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "admin-in-chinese-2026"


@pytest.fixture
def root():
    user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def english_words(page) -> set[str]:
    text = page.locator("#content").inner_text()
    return set(re.findall(r"[A-Za-z]{3,}", text)) - {"Ctrl"}


def test_the_permission_picker_is_drawn_in_chinese(live_server, root, page_at, screenshot):
    page = page_at(1280)
    sign_in(page, live_server)
    page.goto(live_server.url + "/admin/auth/group/add/")
    picker = page.locator(".selector")
    expect(picker).to_contain_text("可选的权限")
    expect(picker).to_contain_text("已选的权限")
    expect(picker).to_contain_text("全部选择权限")
    expect(picker).to_contain_text("全部移除权限")
    expect(picker).to_contain_text("可以新增日志记录")
    screenshot(page, "admin-group-permissions-zh")
    assert not english_words(page)


def test_date_shortcuts_are_in_chinese(live_server, root, page_at):
    page = page_at(1280)
    sign_in(page, live_server)
    page.goto(live_server.url + "/admin/tours/instruction/add/")
    expect(page.locator(".datetimeshortcuts").first).to_contain_text("今天")
    assert not english_words(page)
