"""A 录入员 enters a one-day exchange on the trip page at 1,280 × 800: 3 visits, 3 questions,
1 indicator, 7 takeaways and 3 actions; the page fits the screen, a save with an error opens
and shows its section, leaving with edits asks first, and a visit's own page returns to it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_photo_upload import sign_in
from tours.models import ActionItem, Indicator, Question, SiteVisit, Takeaway, Trip

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.date(2026, 11, 18)
VISITS = [
    ("09:00", "10:30", "三角镇企业服务中心", "meeting", "三角镇人民政府"),
    ("10:50", "11:40", "三角镇高端装备产业园", "park", ""),
    ("14:30", "16:00", "三角镇党群服务中心座谈会", "meeting", "三角镇人民政府"),
]
QUESTIONS = [
    ("企业服务中心如何做到“一站式”办结？", "设立专班，部门派驻窗口，限时办结。"),
    ("产业园的用地指标从何而来？", "通过“工改工”盘活低效用地。"),
    ("镇级财政如何支持技改？", "设立专项资金，按设备投资额给予补助。"),
]
TAKEAWAYS = [
    ("quote", "企业有需要，服务零距离。"),
    ("lesson", "建立“3个专班+1名专员”工作机制，对重点企业一对一跟踪服务。"),
    ("lesson", "推行“拿地即开工”，把工业项目审批压缩到3个工作日。"),
    ("lesson", "以“工改工”方式连片改造村级工业园，腾出产业用地300余亩。"),
    ("gap", "我镇企业服务仍以被动受理为主，主动上门少。"),
    ("insight", "招商要围绕产业链补链强链，不能“捡到篮里都是菜”。"),
    (
        "reflection",
        "三角镇把企业当作“自家人”，镇领导带着部门上门解决难题，企业有需要、服务零距离。"
        "我镇要学习这种主动服务的作风，把三角镇的经验转化为我镇可操作的具体举措，"
        "建立重点企业联系制度，让企业少跑腿、好办事。",
    ),
]
ACTIONS = [
    "建立重点企业“一对一”服务专员制度",
    "开展村级工业园连片改造摸底",
    "制定镇级技改专项资金管理办法",
]
UNSAVED = "本页有尚未保存的修改"


class Entry:
    """Drives the page the way an editor does, and counts the pages and inputs it takes."""

    def __init__(self, page):
        self.page = page
        self.pages = 0
        self.inputs = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.pages += 1

    def fill(self, selector, value):
        self.inputs += 1
        self.page.fill(selector, value)

    def choose(self, selector, value):
        self.inputs += 1
        self.page.select_option(selector, value)

    def choose_nth(self, selector, index):
        self.inputs += 1
        self.page.select_option(selector, index=index)

    def click(self, selector):
        self.inputs += 1
        self.page.click(selector)

    def pick(self, select_id, text):
        """Choose in an autocomplete picker: open it, type, take the match."""
        self.inputs += 2
        self.page.click(f"#{select_id} + .select2 .select2-selection")
        self.page.fill(".select2-container--open .select2-search__field", text)
        option = self.page.locator(".select2-results__option", has_text=text).first
        option.click()
        expect(self.page.locator(f"#{select_id} + .select2")).to_contain_text(text)

    def add_row(self, prefix):
        self.click(f"#{prefix}-group .add-row a")
        return self.page.locator(f"#{prefix}-group tr.form-row:not(.empty-form)").count() - 1


def would_ask_before_unload(page):
    """Whether closing or reloading the tab now would bring up the browser's prompt."""
    return page.evaluate(
        """() => {
            const event = new Event("beforeunload", {cancelable: true});
            window.dispatchEvent(event);
            return event.defaultPrevented;
        }"""
    )


def no_horizontal_scroll(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def in_view(page, selector):
    return page.evaluate(
        """selector => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.bottom > 0 && box.top < window.innerHeight;
        }""",
        selector,
    )


@pytest.fixture
def people():
    home = factories.home_department()
    town = factories.OrganizationFactory(name="三角镇人民政府", region="广东省中山市")
    factories.OrganizationFactory(name="礼让镇经济发展办公室")
    return {
        "leader": factories.ParticipantFactory(
            name="周建国", title="镇党委书记", organization=home
        ),
        "members": [
            factories.ParticipantFactory(name="孙丽", title="副镇长", organization=home),
            factories.ParticipantFactory(name="赵敏", title="经发办主任", organization=home),
        ],
        "host": factories.ParticipantFactory(name="梁志华", title="镇长", organization=town),
    }


def test_editor_enters_a_one_day_exchange_on_the_trip_page(
    live_server, page_at, screenshot, editor, people, capsys
):
    page = page_at(1280, 800)
    sign_in(page, live_server, editor)
    entry = Entry(page)

    # The trip, its delegation, the day's visits and what came of it, on the add page.
    page.goto(f"{live_server.url}/admin/tours/trip/add/")
    entry.fill("#id_title", "赴中山市三角镇交流座谈")
    entry.choose("#id_kind", "exchange")
    entry.fill("#id_theme", "学习企业服务和产业园区建设经验")
    entry.fill("#id_start_date", DAY.isoformat())
    entry.fill("#id_end_date", DAY.isoformat())
    for person, role in [(people["leader"], "leader"), *[(p, "member") for p in people["members"]]]:
        i = entry.add_row("members")
        entry.pick(f"id_members-{i}-participant", person.name)
        entry.choose(f"#id_members-{i}-role", role)
    for start, end, name, kind, host in VISITS:
        i = entry.add_row("site_visits")
        entry.fill(f"#id_site_visits-{i}-date", DAY.isoformat())
        entry.fill(f"#id_site_visits-{i}-start_time", start)
        entry.fill(f"#id_site_visits-{i}-end_time", end)
        entry.fill(f"#id_site_visits-{i}-name", name)
        entry.choose(f"#id_site_visits-{i}-kind", kind)
        if host:
            entry.pick(f"id_site_visits-{i}-host_organization", host)
        entry.fill(f"#id_site_visits-{i}-province", "广东省")
        entry.fill(f"#id_site_visits-{i}-city", "中山市")
    for text, answer in QUESTIONS:
        i = entry.add_row("questions")
        entry.fill(f"#id_questions-{i}-text", text)
        entry.fill(f"#id_questions-{i}-answer", answer)
    i = entry.add_row("indicators")
    # A slip: the indicator's figures, but not its name.
    entry.fill(f"#id_indicators-{i}-unit", "家")
    entry.fill(f"#id_indicators-{i}-benchmark", "三角镇")
    entry.fill(f"#id_indicators-{i}-benchmark_value", "386")
    entry.fill(f"#id_indicators-{i}-home_value", "57")
    entry.fill(f"#id_indicators-{i}-year", "2025")
    for kind, text in TAKEAWAYS:
        i = entry.add_row("takeaways")
        entry.choose(f"#id_takeaways-{i}-kind", kind)
        entry.fill(f"#id_takeaways-{i}-text", text)
    for title in ACTIONS:
        i = entry.add_row("action_items")
        entry.fill(f"#id_action_items-{i}-title", title)
        entry.pick(f"id_action_items-{i}-owner_organization", "礼让镇经济发展办公室")
        entry.fill(f"#id_action_items-{i}-due_date", "2027-03-31")
    assert no_horizontal_scroll(page, 1280)
    index = page.locator(".trip-sections")
    for anchor, count in [("members", 3), ("site_visits", 3), ("takeaways", 7)]:
        expect(index.locator(f'a[href="#{anchor}-group"]')).to_contain_text(str(count))

    # The slip: its section is counted in the index, open, in view, with its field focused;
    # nothing typed elsewhere is lost or folded away.
    entry.click(".trip-sections__save")
    expect(page.locator(".errornote")).to_be_visible()
    expect(index.locator('a[href="#indicators-group"]')).to_contain_text("1 处错误")
    expect(index.locator(".trip-sections__errors")).to_have_count(1)
    expect(page.locator("#indicators-group")).to_be_visible()
    assert in_view(page, "#indicators-group tr.form-row--errors")
    expect(page.locator("#id_indicators-0-name")).to_be_focused()
    expect(page.locator("#takeaways-group tr.form-row:not(.empty-form)")).to_have_count(7)
    expect(page.locator("#id_takeaways-6-text")).to_be_visible()
    expect(index.locator('a[href="#takeaways-group"]')).to_contain_text("收获7")
    assert no_horizontal_scroll(page, 1280)
    entry.fill("#id_indicators-0-name", "规上工业企业数")
    entry.click(".trip-sections__save")
    page.wait_for_url(re.compile(r"/admin/tours/trip/\d+/change/"))
    trip = Trip.objects.get(title="赴中山市三角镇交流座谈")

    # Now the trip's visits can be chosen: where each question was answered, each
    # takeaway heard, and who said the quote.
    for i, visit in enumerate([1, 2, 3]):
        entry.choose_nth(f"#id_questions-{i}-site_visit", visit)
    for i in range(len(TAKEAWAYS)):
        entry.choose_nth(f"#id_takeaways-{i}-site_visit", 1 if i < 3 else 3)
    entry.pick("id_takeaways-0-speaker", people["host"].name)
    assert no_horizontal_scroll(page, 1280)
    screenshot(page, "trip-entry-1280")

    # A long text is read and edited in its row: the box grows while it has the cursor.
    reflection = page.locator("#id_takeaways-6-text")
    folded = reflection.evaluate("box => box.offsetHeight")
    reflection.focus()
    assert reflection.evaluate("box => box.offsetHeight") > folded
    reflection.blur()
    assert reflection.evaluate("box => box.offsetHeight") == folded

    # Leaving with edits asks first, the toolbar's links included; staying keeps them.
    entry.fill("#id_summary", "一天内考察三角镇三个点位，座谈交流企业服务和园区建设经验。")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    assert would_ask_before_unload(page)
    page.on("dialog", answer)
    page.get_by_role("link", name="历史").click()
    assert len(dialogs) == 1 and UNSAVED in dialogs[0]
    expect(page).to_have_url(re.compile(r"/change/(#[\w-]+)?$"))
    page.get_by_role("link", name="导入花名册").click()
    assert len(dialogs) == 2
    expect(page.locator("#id_summary")).to_have_value(re.compile("三个点位"))
    page.remove_listener("dialog", answer)

    with page.expect_navigation():
        entry.click(".trip-sections__save")
    expect(page.locator(".errornote")).to_have_count(0)

    # A visit's own page, opened from its row, takes the long text and returns to 行程.
    visit = trip.site_visits.get(name="三角镇企业服务中心")
    entry.click(f'#site_visits-group a.inlinechangelink[href*="/sitevisit/{visit.pk}/"]')
    page.wait_for_url(re.compile(r"/sitevisit/\d+/change/"))
    expect(page.get_by_role("link", name="返回考察")).to_be_visible()
    entry.fill("#id_summary", "镇企业服务中心集中办理企业事项，部门派驻窗口。")
    entry.click("input[name=_save]")
    page.wait_for_url(re.compile(rf"/admin/tours/trip/{trip.pk}/change/#site_visits-group$"))
    assert in_view(page, "#site_visits-group")
    entry_pages, entry_inputs = entry.pages, entry.inputs

    # Saving and staying comes back to the section in view.
    page.locator('.trip-sections a[href="#takeaways-group"]').click()
    page.uncheck("#id_takeaways-4-is_public")
    with page.expect_navigation():
        page.click(".trip-sections__save")
    assert page.url.endswith("#takeaways-group")
    assert in_view(page, "#takeaways-group")
    expect(page.locator("#id_takeaways-4-is_public")).not_to_be_checked()

    # Once saved, the page leaves without a word.
    assert not would_ask_before_unload(page)
    dialogs.clear()
    page.on("dialog", answer)
    page.get_by_role("link", name="历史").click()
    page.wait_for_url(re.compile(r"/history/$"))
    assert dialogs == []

    assert SiteVisit.objects.filter(trip=trip).count() == 3
    assert Question.objects.filter(trip=trip, site_visit__isnull=False).count() == 3
    assert Indicator.objects.get(trip=trip).benchmark_value == 386
    assert Takeaway.objects.filter(trip=trip, site_visit__isnull=False).count() == 7
    assert Takeaway.objects.filter(trip=trip, speaker=people["host"]).count() == 1
    assert ActionItem.objects.filter(trip=trip).count() == 3
    assert trip.members.count() == 3
    assert SiteVisit.objects.get(pk=visit.pk).summary.startswith("镇企业服务中心")

    with capsys.disabled():
        print(
            f"\nThe one-day exchange took {entry_pages} pages and {entry_inputs} inputs "
            "(before: about 14 pages and 200 inputs)."
        )

    # The same page at 1,024 px: usable, still no sideways scrolling of the page.
    narrow = page_at(1024, 768)
    sign_in(narrow, live_server, editor)
    narrow.goto(f"{live_server.url}/admin/tours/trip/{trip.pk}/change/")
    assert no_horizontal_scroll(narrow, 1024)
    screenshot(narrow, "trip-entry-1024")


def test_a_persons_page_also_asks_before_it_is_left_with_edits(
    live_server, page_at, editor, people
):
    page = page_at(1280, 800)
    sign_in(page, live_server, editor)
    person = people["leader"]
    page.goto(f"{live_server.url}/admin/people/participant/{person.pk}/change/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.get_by_role("link", name="历史").click()
    page.wait_for_url(re.compile(r"/history/$"))
    assert dialogs == []

    page.go_back()
    page.fill("#id_title", "镇长")
    page.get_by_role("link", name="历史").click()
    assert len(dialogs) == 1 and UNSAVED in dialogs[0]
    expect(page.locator("#id_title")).to_have_value("镇长")
