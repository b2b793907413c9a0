"""Malformed input anywhere answers with a clear error and leaves the database as it was.

One row per case: who sends it, where, what, and what they must get back (a status, and
text the page must show). Forms, uploads, imports, search and URLs alike.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories, files
from tests.admin_forms import empty_trip_inlines, management

pytestmark = pytest.mark.django_db

LONG = "很长" * 600
ADD_TRIP = "/admin/tours/trip/add/"


@dataclass
class Case:
    name: str
    user: str | None  # a persona fixture, or None for anonymous
    path: str  # formatted with the world's objects
    data: dict | None = None  # POST when given, GET otherwise
    status: int = 200
    shows: str = ""  # text the answer must contain
    extra: dict = field(default_factory=dict)


def trip_form(**changes):
    return {
        "title": "赴广东中山学习考察",
        "kind": "study_tour",
        "start_date": "2024-02-26",
        "end_date": "2024-03-01",
        "tags": "",
        **changes,
    } | empty_trip_inlines()


def trip_with_row(prefix, row, **changes):
    data = trip_form(**changes) | management(prefix, 1)
    return data | {f"{prefix}-0-{key}": value for key, value in row.items()}


VISIT = {"date": "2024-02-27", "order": "1", "name": "三角镇企业服务中心", "kind": "meeting"}
UPDATE = {"date": "2024-05-01", "progress": "50", "note": "方案已报审议。"}


def upload(name, content, content_type="application/octet-stream"):
    return lambda: SimpleUploadedFile(name, content, content_type=content_type)


CASES = [
    # The trip form in the admin.
    Case(
        "inverted dates",
        "editor",
        ADD_TRIP,
        trip_form(end_date="2024-02-20"),
        shows="结束日期不能早于开始日期",
    ),
    Case(
        "a date that does not exist",
        "editor",
        ADD_TRIP,
        trip_form(start_date="2024-02-30"),
        shows="有效的日期",
    ),
    Case(
        "a five-digit year",
        "editor",
        ADD_TRIP,
        trip_form(start_date="99999-01-01"),
        shows="有效的日期",
    ),
    Case("an overlong title", "editor", ADD_TRIP, trip_form(title=LONG), shows="200"),
    Case("a NUL character", "editor", ADD_TRIP, trip_form(title="赴中山\x00考察"), shows="空字符"),
    Case(
        "an unknown kind",
        "editor",
        ADD_TRIP,
        trip_form(kind="spaceship"),
        shows="选择一个有效的选项",
    ),
    Case(
        "an overlong tag",
        "editor",
        ADD_TRIP,
        trip_form(tags="招商" * 80),
        shows="标签最长 100 个字",
    ),
    Case(
        "a visit outside the trip",
        "editor",
        ADD_TRIP,
        trip_with_row("site_visits", VISIT | {"date": "2024-03-09"}),
        shows="考察日期须在",
    ),
    Case(
        "a time of 25:61",
        "editor",
        ADD_TRIP,
        trip_with_row("site_visits", VISIT | {"start_time": "25:61"}),
        shows="有效的时间",
    ),
    Case(
        "a figure that is not a number",
        "editor",
        ADD_TRIP,
        trip_with_row(
            "indicators",
            {"name": "亩均税收", "benchmark": "北滘镇", "benchmark_value": "一百", "order": "0"},
        ),
        shows="输入一个数字",
    ),
    Case(
        "an infinite figure",
        "editor",
        ADD_TRIP,
        trip_with_row(
            "indicators",
            {"name": "亩均税收", "benchmark": "北滘镇", "benchmark_value": "1e400", "order": "0"},
        ),
        shows="不超过 18 个数字",
    ),
    Case(
        "a figure too large for the column",
        "editor",
        ADD_TRIP,
        trip_with_row(
            "indicators",
            {"name": "亩均税收", "benchmark": "北滘镇", "benchmark_value": "1" * 30, "order": "0"},
        ),
        shows="18",
    ),
    Case(
        "a due date that is a word",
        "editor",
        ADD_TRIP,
        trip_with_row(
            "action_items",
            {"title": "建立专员制度", "owner_organization": "{unit}", "due_date": "年底前"},
        ),
        shows="有效的日期",
    ),
    # Owners' progress updates.
    Case(
        "progress of 150",
        "owner",
        "/my-actions/{mine}/",
        UPDATE | {"progress": "150"},
        shows="完成进度须在 0 到 100 之间",
    ),
    Case("an update to someone else's item", "owner", "/my-actions/{theirs}/", UPDATE, status=404),
    Case(
        "a program renamed .pdf",
        "owner",
        "/my-actions/{mine}/",
        UPDATE | {"evidence": lambda: files.exe_named_pdf()},
        shows="佐证材料",
    ),
    Case(
        "an empty evidence file",
        "owner",
        "/my-actions/{mine}/",
        UPDATE | {"evidence": upload("空.pdf", b"")},
        shows="空",
    ),
    Case(
        "an SVG with a script as evidence",
        "owner",
        "/my-actions/{mine}/",
        UPDATE | {"evidence": upload("图.png", b"<svg><script>alert(1)</script></svg>")},
        shows="佐证材料",
    ),
    Case(
        "an HTML page as evidence",
        "owner",
        "/my-actions/{mine}/",
        UPDATE | {"evidence": upload("a.pdf", b"<html><body>x</body></html>")},
        shows="佐证材料",
    ),
    # Photos.
    Case(
        "a PDF renamed .jpg",
        "editor",
        "/admin/tours/trip/{draft}/photos/upload/",
        {"files": upload("IMG_0001.JPG", files.PDF)},
        shows="IMG_0001.JPG",
    ),
    Case(
        "an empty photo",
        "editor",
        "/admin/tours/trip/{draft}/photos/upload/",
        {"files": upload("IMG_0002.JPG", b"")},
        shows="IMG_0002.JPG",
    ),
    Case(
        "an SVG photo",
        "editor",
        "/admin/tours/trip/{draft}/photos/upload/",
        {"files": upload("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")},
        shows="logo.svg",
    ),
    # Sheet imports.
    Case(
        "an itinerary with a date that does not exist",
        "editor",
        "/admin/tours/trip/{draft}/import/itinerary/",
        {"file": upload("行程.csv", "日期,考察点\n2024/2/30,三角镇企业服务中心\n".encode())},
        shows="2024/2/30",
    ),
    Case(
        "random bytes named .xlsx",
        "editor",
        "/admin/tours/trip/{draft}/import/roster/",
        {"file": upload("花名册.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00")},
    ),
    Case(
        "an empty sheet",
        "editor",
        "/admin/tours/trip/{draft}/import/roster/",
        {"file": upload("花名册.csv", b"")},
    ),
    Case(
        "a forged import confirmation",
        "editor",
        "/admin/tours/trip/{draft}/import/roster/",
        {"payload": "eyJmb3JnZWQiOnRydWV9:forged:signature"},
        status=302,  # back to the upload form, with a message; nothing imported
    ),
    # The review desk.
    Case(
        "a return without a comment",
        "leader",
        "/review/trips/{submitted}/takeaways/",
        {"act": "returned:{pending}"},
        shows="退回收获时请填写意见",
    ),
    Case(
        "publishing an incomplete trip",
        "leader",
        "/review/trips/{submitted}/publish/",
        {},
        status=None,
    ),
    # Search.
    Case("a 500-character query", None, "/search/?q=" + "招商" * 250),
    Case("FTS operators", None, '/search/?q=NEAR(招商 "* AND OR'),
    Case("a NUL in the query", None, "/search/?q=%00招商"),
    Case("only punctuation", None, "/search/?q=%22%27%28%29%2A%5E"),
    # URLs.
    Case("an id beyond 64 bits", None, "/trips/99999999999999999999999/", status=404),
    Case("a host id beyond 64 bits", None, "/hosts/99999999999999999999999/", status=404),
    Case("a NUL in a tag", None, "/tags/%00/", status=404),
    Case("a negative page", None, "/trips/?page=-1"),
    Case("a year beyond 64 bits", None, "/trips/?year=99999999999999999999999"),
    Case("a unit id that is a word", None, "/actions/?unit=abc&trip=%00"),
    Case("a path out of the private files", None, "/private/../../etc/passwd", status=404),
    Case(
        "a path out of the media folder", None, "/media/..%2F..%2Fconfig%2Fsettings.py", status=400
    ),
    # Accounts.
    Case(
        "an overlong user name",
        None,
        "/accounts/login/",
        {"username": "x" * 5000, "password": "secret"},
        shows="用户名",
    ),
]


@pytest.fixture
def world(owner):
    draft = factories.TripFactory(status="draft", title="赴浙江安吉专题培训")
    submitted = factories.TripFactory(status="submitted")
    pending = factories.TakeawayFactory(trip=submitted, review_status="pending")
    person = owner.participant
    published = factories.TripFactory(status="published")
    return {
        "draft": draft.pk,
        "submitted": submitted.pk,
        "pending": pending.pk,
        "unit": person.organization.pk,
        "mine": factories.ActionItemFactory(
            trip=published,
            owner=person,
            owner_organization=person.organization,
            due_date=datetime.date.today() + datetime.timedelta(days=30),
        ).pk,
        "theirs": factories.ActionItemFactory(trip=published).pk,
    }


def counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("people", "tours", "taggit")
        and not model._meta.label.startswith(("tours.Historical", "people.Historical"))
        and model._meta.model_name != "emaildigest"
    }


def fill(value, world):
    if callable(value):
        return value()
    if isinstance(value, str):
        return value.format(**world)
    return value


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_malformed_input_gets_a_clear_answer_and_changes_nothing(client, request, world, case):
    if case.user:
        client.force_login(request.getfixturevalue(case.user))
    client.raise_request_exception = False
    before = counts()
    path = case.path.format(**world)
    if case.data is None:
        response = client.get(path)
    else:
        response = client.post(path, {k: fill(v, world) for k, v in case.data.items()})

    assert response.status_code != 500, response.content.decode()[:2000]
    if case.status is not None:
        assert response.status_code == case.status
    if case.shows:
        assert case.shows in response.content.decode()
    assert counts() == before
