"""Browser tests: Playwright driving Debian's chromium against the live test server."""

import os
from importlib import import_module
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Each migration that grants roles permissions, in order.
ROLE_MIGRATIONS = ["tours.migrations.0002_roles", "tours.migrations.0003_review"]


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """Put back the roles the migrations made, when the flush after a test took them.

    serialized_rollback should restore them, but once Playwright runs its event loop in
    this thread Django hands out a new connection, which lacks the serialized copy.
    """
    from django.contrib.auth.models import Group, Permission

    if Group.objects.exists():
        return
    for path in ROLE_MIGRATIONS:
        module = import_module(path)
        for name, perms in getattr(module, "ROLES", getattr(module, "NEW_PERMISSIONS", {})).items():
            group, _ = Group.objects.get_or_create(name=name)
            for perm in perms:
                app_label, codename = perm.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "Browser tests need Debian's chromium at /usr/bin/chromium: "
            "run `make system-deps` (apt-get install chromium fonts-noto-cjk)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser):
    """page_at(width) opens a Chinese-speaking page in Shanghai time at that viewport width."""
    contexts = []

    def open_page(width=1280, height=900):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves a full-page PNG in test-artifacts/ for a person to see."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
