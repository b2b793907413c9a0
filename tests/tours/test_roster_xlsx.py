"""The roster export: staff get phones; nobody else gets the file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.tours.sheet_files import FORMULAS, assert_shown_as_text, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip():
    trip = factories.TripFactory(status="draft")
    person = factories.ParticipantFactory(
        name="周建国", phone="13912345678", organization__name="梁平区委组织部", title="部长"
    )
    factories.TripMemberFactory(trip=trip, participant=person, role="leader", order=1)
    factories.TripMemberFactory(trip=trip, participant__name="刘芳", order=2)
    return trip


def roster_url(trip):
    return reverse("admin:tours_trip_roster", args=[trip.pk])


def test_staff_get_the_roster_with_phones(client, editor, trip):
    client.force_login(editor)
    response = client.get(roster_url(trip))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("序号", "姓名", "性别", "单位", "职务", "团内角色", "手机", "备注")
    assert rows[1][:7] == (1, "周建国", "男", "梁平区委组织部", "部长", "团长", "13912345678")
    assert rows[2][1] == "刘芳"


def test_the_note_column_is_this_trips_note_never_the_persons(client, editor, trip):
    member = trip.members.get(participant__name="周建国")
    member.note = "素食"
    member.save()
    member.participant.note = "组织部内部掌握的情况"
    member.participant.save()
    client.force_login(editor)
    rows = list(
        load_workbook(io.BytesIO(client.get(roster_url(trip)).content)).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][7] == "素食"
    assert "组织部内部掌握的情况" not in {cell for row in rows for cell in row}


def test_leaders_may_download_it_too(client, leader, trip):
    client.force_login(leader)
    assert client.get(roster_url(trip)).status_code == 200


def test_nobody_else_gets_the_roster(client, owner, outsider, trip):
    assert client.get(roster_url(trip)).status_code == 302  # anonymous: to the login
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get(roster_url(trip)).status_code in (302, 403)


def test_an_exported_roster_imports_back_unchanged(client, editor, trip):
    client.force_login(editor)
    exported = client.get(roster_url(trip)).content
    url = reverse("admin:tours_trip_import_sheet", args=[trip.pk, "roster"])
    preview = client.post(url, {"file": upload(exported)}).context["preview"]
    assert preview.errors == []
    assert (preview.created, preview.updated, preview.unchanged) == (0, 0, 2)


def test_text_that_looks_like_a_formula_is_written_as_text(client, editor):
    trip = factories.TripFactory()
    for order, text in enumerate(FORMULAS, start=1):
        person = factories.ParticipantFactory(name=text, organization__name=text, title=text)
        factories.TripMemberFactory(trip=trip, participant=person, order=order)
    client.force_login(editor)
    sheet = load_workbook(io.BytesIO(client.get(roster_url(trip)).content)).active
    for row, text in zip(sheet.iter_rows(min_row=2), FORMULAS, strict=True):
        for cell in row[1], row[3], row[4]:  # 姓名, 单位, 职务
            assert_shown_as_text(cell, text)
    assert sheet["A2"].value == 1 and sheet["A2"].data_type == "n"
