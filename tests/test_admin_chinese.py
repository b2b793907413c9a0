"""The admin speaks Chinese throughout.

A superuser opens every admin page (the index, each app's index, and for every
registered model its list, add page, one object's change, history and delete pages,
plus the password pages and the trip's own tool pages) and reads what a person sees:
the text of the page and the words its scripts draw (the permission picker's labels
come from the admin's JavaScript catalogue). No English word may be left in any of it.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import RequestFactory
from django.urls import reverse

from common.admin_words import permission_label
from people.models import Organization
from tests import factories, files
from tours.models import Attachment, Campaign, EmailDigest, Placement, SignedProject
from tours.sheets import SHEETS

pytestmark = pytest.mark.django_db

# Words a Chinese page may rightly carry, each for a reason:
ALLOWED_WORDS = {
    "Excel",  # the file format staff know by this name (导入 Excel)
    "Word",  # likewise (下载 Word 报告)
    # names of file formats, text encodings and office software, as staff know them
    "JPEG",
    "PNG",
    "WebP",
    "CSV",
    "EXIF",
    "GBK",
    "UTF",
    "WPS",
    # keys, named as printed on the keyboard
    "Ctrl",
    "Shift",
}

# Attributes whose text a person reads: tooltips, placeholders, image descriptions.
VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}


# Scripts and styles are not read; Django's password summary puts the hash's algorithm and
# salt (pbkdf2_sha256, "dce3f4******") in <bdi>, which the admin uses for nothing else.
SKIPPED_TAGS = ("script", "style", "bdi")


class VisibleText(HTMLParser):
    """The text a person reads on a page: text outside scripts and styles, the labels
    of buttons and the tooltips and placeholders of anything."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._hidden += 1
        attrs = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_words(text: str, data_words: set[str]) -> set[str]:
    """English words in `text`, apart from addresses, file names and the records' own data."""
    text = re.sub(r"%(\(\w+\))?[sd]", " ", text)  # placeholders of a message
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses
    text = re.sub(r"(https?://|/)\S*", " ", text)  # addresses and paths
    text = re.sub(r"\S+\.[A-Za-z0-9]{2,5}\b", " ", text)  # file names
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return {word for word in words if word not in ALLOWED_WORDS and word not in data_words}


@pytest.fixture
def records(superuser):
    """One of everything the admin lists, so every list has a row and every object a page."""
    trip = factories.TripFactory(status="draft")
    member = factories.TripMemberFactory(trip=trip)
    factories.SiteVisitFactory(trip=trip)
    factories.PhotoFactory(trip=trip)
    factories.QuestionFactory(trip=trip)
    factories.IndicatorFactory(trip=trip)
    factories.InstructionFactory(trip=trip, author=member.participant)
    takeaway = factories.TakeawayFactory(trip=trip)
    action = factories.ActionItemFactory(trip=trip)
    action.support_organizations.add(factories.OrganizationFactory(name="梁平区财政局"))
    action.source_takeaways.add(takeaway)
    factories.ActionUpdateFactory(action=action)
    trip.tags.add("产业链招商")
    # The other shapes of a trip (issue 17).
    trip.campaign = Campaign.objects.create(title="2024年乡镇党政班子赴浙学习考察", year=2024)
    trip.save()
    Placement.objects.create(
        trip=trip,
        member=member,
        host_organization=factories.OrganizationFactory(name="杭州市余杭区发展和改革局"),
        role="参与重大项目谋划",
        start_date=trip.start_date,
        end_date=trip.end_date,
    )
    SignedProject.objects.create(trip=trip, name="新能源电池配套项目", amount=12000)
    Attachment.objects.create(trip=trip, title="考察总结会讲话", file=files.pdf("speech.pdf"))
    EmailDigest.objects.create(
        kind=EmailDigest.Kind.DEADLINES, recipient="owner@example.cn", sent_on="2024-04-01"
    )
    login = {"ip_address": "10.0.0.9", "user_agent": "浏览器", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(username="stranger", failures_since_start=3, **login)
    AccessLog.objects.create(username="root", **login)
    AccessFailureLog.objects.create(username="stranger", locked_out=False, **login)
    group = Group.objects.create(name="资料员")
    group.permissions.add(*Permission.objects.all()[:5])
    superuser.user_permissions.add(*Permission.objects.all()[:5])
    return trip


def every_admin_page(trip, superuser):
    """The URL of every page of the admin, with what it is."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    yield reverse("admin:index")
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        app_labels.add(opts.app_label)
        yield reverse(f"{prefix}_changelist")
        if model_admin.has_add_permission(request):
            yield reverse(f"{prefix}_add")
        first = model._default_manager.first()
        assert first is not None, f"no {opts.label} to open"
        yield reverse(f"{prefix}_change", args=[first.pk])
        yield reverse(f"{prefix}_history", args=[first.pk])
        if model_admin.has_delete_permission(request, first):
            yield reverse(f"{prefix}_delete", args=[first.pk])
    for app_label in sorted(app_labels):
        yield reverse("admin:app_list", args=[app_label])
    yield reverse("admin:auth_user_password_change", args=[superuser.pk])
    yield reverse("admin:password_change")
    yield reverse("admin:password_change_done")
    yield reverse("admin:tours_trip_photos", args=[trip.pk])
    yield reverse("admin:tours_trip_photos_upload", args=[trip.pk])
    for sheet in SHEETS:
        yield reverse("admin:tours_trip_import_sheet", args=[trip.pk, sheet])
    yield reverse("admin:taggit_tag_merge_tags")
    yield reverse("staff-search") + "?q=招商"
    history = trip.history.first()
    yield reverse("admin:tours_trip_simple_history", args=[trip.pk, history.history_id])


def action_pages(superuser):
    """The pages list actions ask on before they act (deleting the selection, merging units),
    and taggit's merge page refusing a name."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if "delete_selected" not in model_admin.get_actions(request):
            continue
        opts = model._meta
        first = model._default_manager.first()
        yield (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            {"action": "delete_selected", "_selected_action": [first.pk]},
        )
    two_units = Organization.objects.values_list("pk", flat=True)[:2]
    yield (
        reverse("admin:people_organization_changelist"),
        {"action": "merge", "_selected_action": list(two_units)},
    )
    # taggit's merge page, refusing the new name: left empty, and too long.
    for name in ("", "产业链招商" * 21):
        yield reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": name}


def data_words() -> set[str]:
    """The words the records themselves hold: user names people chose, stored files' paths,
    and what browsers sent when logging in (django-axes writes "<unknown>" for what the
    test client leaves out)."""
    words = set(User.objects.values_list("username", flat=True))
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        for values in model.objects.values_list("username", "user_agent", "path_info"):
            words |= {word for value in values if value for word in re.findall(r"[A-Za-z]+", value)}
    # A stored document's path, shown by its file field (目前：attachments/….pdf).
    for name in Attachment.objects.values_list("file", flat=True):
        words |= set(re.findall(r"[A-Za-z]+", name))
    return words


def test_every_admin_page_is_in_chinese(client, superuser, records):
    client.force_login(superuser)
    allowed = data_words()
    leaks = {}
    for url in every_admin_page(records, superuser):
        response = client.get(url)
        assert response.status_code == 200, url
        words = english_words(visible_text(response.content.decode()), allowed)
        if words:
            leaks[url] = sorted(words)
    for url, data in action_pages(superuser):
        response = client.post(url, data)
        what = data.get("action", "refused form")
        assert response.status_code == 200, (url, what)
        words = english_words(visible_text(response.content.decode()), allowed)
        if words:
            leaks[f"{url} ({what})"] = sorted(words)
    assert not leaks, "English on Chinese admin pages:\n" + "\n".join(
        f"{url}: {' '.join(words)}" for url, words in leaks.items()
    )


def javascript_catalogue(client) -> dict:
    script = client.get(reverse("admin:jsi18n")).content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))


# What the admin's scripts ask the catalogue for: the permission and group picker
# (SelectFilter2.js), the action bar (actions.js), the calendar and clock
# (calendar.js, DateTimeShortcuts.js).
SCRIPT_STRINGS = [
    "Available %s",
    'Choose %s by selecting them and then select the "Choose" arrow button.',
    "Type into this box to filter down the list of available %s.",
    "Filter",
    "Choose all %s",
    "Choose selected %s",
    "Remove selected %s",
    "Chosen %s",
    'Remove %s by selecting them and then select the "Remove" arrow button.',
    "Type into this box to filter down the list of selected %s.",
    "(click to clear)",
    "Remove all %s",
    "%s selected option not visible",
    "%(sel)s of %(cnt)s selected",
    "You have unsaved changes on individual editable fields. If you run an action, "
    "your unsaved changes will be lost.",
    "Now",
    "Today",
    "Choose a Date",
    "Choose a Time",
    "Cancel",
    "September",
    "one letter Sunday\x04S",
    "abbrev. day Thursday\x04Thur",
]


def test_the_scripts_of_the_admin_draw_chinese_words(client, superuser):
    client.force_login(superuser)
    catalogue = javascript_catalogue(client)
    untranslated = []
    for msgid in SCRIPT_STRINGS:
        msgstr = catalogue.get(msgid)
        if isinstance(msgstr, list):
            msgstr = msgstr[0]
        if not msgstr or msgstr == msgid.split("\x04")[-1] or english_words(msgstr, set()):
            untranslated.append(f"{msgid!r} → {msgstr!r}")
    assert not untranslated, "\n".join(untranslated)


def test_permission_pickers_name_permissions_in_chinese(client, superuser, records):
    client.force_login(superuser)
    group = Group.objects.get(name="资料员")
    for url in (
        reverse("admin:auth_group_change", args=[group.pk]),
        reverse("admin:auth_user_change", args=[superuser.pk]),
    ):
        page = visible_text(client.get(url).content.decode())
        assert "Can add log entry" not in page
        assert "管理后台 | 日志记录 | 可以新增日志记录" in page, url


def test_permissions_read_as_what_they_allow():
    permissions = Permission.objects.select_related("content_type")
    labels = {p.codename: permission_label(p) for p in permissions}
    assert labels["add_logentry"] == "管理后台 | 日志记录 | 可以新增日志记录"
    assert labels["view_historicaltrip"] == "学习考察 | 考察的历史记录 | 可以查看考察的历史记录"
    assert labels["publish_trip"] == "学习考察 | 考察 | 可以发布、退回和归档考察"
    assert labels["change_accessattempt"] == "登录保护 | 登录失败计数 | 可以修改登录失败计数"


def test_admin_phrases_run_the_model_name_into_the_chinese(client, superuser, records):
    client.force_login(superuser)
    changelist = visible_text(client.get(reverse("admin:tours_trip_changelist")).content.decode())
    assert "选择要修改的考察" in changelist
    assert "新增考察" in changelist
    assert "增加 考察" not in changelist
    add = visible_text(client.get(reverse("admin:tours_trip_add")).content.decode())
    assert "新增考察" in add
    change = client.get(reverse("admin:tours_trip_change", args=[records.pk])).content.decode()
    assert "修改考察" in visible_text(change)


def test_login_protection_is_named_in_chinese(client, superuser, records):
    client.force_login(superuser)
    index = visible_text(client.get(reverse("admin:index")).content.decode())
    assert "登录保护" in index
    assert "登录失败计数" in index and "登录失败记录" in index


@pytest.mark.parametrize(
    "name, reason",
    [("", "这个字段是必填项。"), ("产业链招商" * 21, "最多 100 个字，现在有 105 个。")],
)
def test_a_refused_tag_merge_says_why_in_chinese(client, superuser, name, reason):
    client.force_login(superuser)
    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": name})
    assert response.status_code == 200
    text = " ".join(visible_text(response.content.decode()).split())
    assert "填写有误，请检查。" in text
    assert f"新标签名 {reason}" in text
    assert f'value="{name}"' in response.content.decode() or not name
