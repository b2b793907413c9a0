"""A trip as large as the sheet importers make one opens quickly and saves on its admin page."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from people.models import Participant
from tests import factories
from tests.admin_forms import changelist_data, form_data
from tests.tours.test_trip_admin import errors_of
from tours.admin.base import INLINE_MAX_ROWS, name_first
from tours.models import ActionItem, SiteVisit, TripMember
from tours.sheets.reading import MAX_ROWS

pytestmark = pytest.mark.django_db

# The page of an ordinary trip weighs about 60 kB; 5,000 inline members weighed 14.8 MB.
MAX_PAGE_BYTES = 500_000
MEMBERS_URL = reverse("admin:tours_tripmember_changelist")


def change_url(trip):
    return reverse("admin:tours_trip_change", args=[trip.pk])


def add_members(trip, count, *, start=0):
    unit = factories.OrganizationFactory(name="梁平区经济和信息化委员会")
    people = Participant.objects.bulk_create(
        factories.ParticipantFactory.build(name=f"学员{n:04d}", organization=unit)
        for n in range(start, start + count)
    )
    TripMember.objects.bulk_create(
        TripMember(trip=trip, participant=person, order=start + i, title="主任")
        for i, person in enumerate(people)
    )


def open_and_save_title(client, trip, django_assert_max_num_queries):
    """Open the trip's page within the budget of any trip, save a new title from it."""
    # 26 (tests/tours/test_trip_admin.py), the version the page was opened at, the
    # account's department, the organizer's label
    with django_assert_max_num_queries(29):
        page = client.get(change_url(trip))
    assert page.status_code == 200
    assert len(page.content) < MAX_PAGE_BYTES
    data = form_data(page)
    data["title"] = "赴广东中山学习考察（第二批）"
    response = client.post(change_url(trip), data)
    assert response.status_code == 302, errors_of(response)
    trip.refresh_from_db()
    assert trip.title == "赴广东中山学习考察（第二批）"
    return page


def assert_the_link_lists_them_all(client, page, model_name, trip, django_assert_max_num_queries):
    url = f"{reverse(f'admin:tours_{model_name}_changelist')}?trip__id__exact={trip.pk}"
    assert f'href="{url}"' in page
    with django_assert_max_num_queries(15):
        listed = client.get(url)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == MAX_ROWS


def test_trip_with_the_importers_maximum_roster_opens_and_saves(
    client, editor, django_assert_max_num_queries
):
    trip = factories.TripFactory(status="draft")
    add_members(trip, MAX_ROWS)
    client.force_login(editor)

    page = open_and_save_title(client, trip, django_assert_max_num_queries).content.decode()

    assert "本考察的考察团成员共 5000 条" in page
    assert_the_link_lists_them_all(client, page, "tripmember", trip, django_assert_max_num_queries)
    assert trip.members.count() == MAX_ROWS


def test_trip_with_the_importers_maximum_itinerary_opens_and_saves(
    client, editor, django_assert_max_num_queries
):
    trip = factories.TripFactory(status="draft")
    visits = SiteVisit.objects.bulk_create(
        factories.SiteVisitFactory.build(trip=trip, order=n) for n in range(MAX_ROWS)
    )
    # Their visit pickers cannot list 5,000 visits each, yet keep the visit they show.
    takeaway = factories.TakeawayFactory(trip=trip, site_visit=visits[4321])
    question = factories.QuestionFactory(trip=trip, site_visit=visits[17])
    client.force_login(editor)

    page = open_and_save_title(client, trip, django_assert_max_num_queries).content.decode()

    assert "本考察的考察点共 5000 条" in page
    assert_the_link_lists_them_all(client, page, "sitevisit", trip, django_assert_max_num_queries)
    assert name_first(visits[4321]) in page  # as the trip page's visit pickers label it
    takeaway.refresh_from_db()
    question.refresh_from_db()
    assert (takeaway.site_visit, question.site_visit) == (visits[4321], visits[17])


def test_trip_with_the_importers_maximum_action_items_opens_and_saves(
    client, editor, django_assert_max_num_queries
):
    trip = factories.TripFactory(status="draft")
    unit = factories.OrganizationFactory(name="梁平区招商投资促进局")
    ActionItem.objects.bulk_create(
        factories.ActionItemFactory.build(trip=trip, owner_organization=unit)
        for _ in range(MAX_ROWS)
    )
    client.force_login(editor)

    page = open_and_save_title(client, trip, django_assert_max_num_queries).content.decode()

    assert "本考察的落实事项共 5000 条" in page
    assert_the_link_lists_them_all(client, page, "actionitem", trip, django_assert_max_num_queries)


def test_a_trip_page_with_every_part_at_the_inline_limit_can_be_saved(client, editor):
    """Fields a save posts: every inline row's, its management form, the trip's own."""
    trip = factories.TripFactory(status="draft")
    client.force_login(editor)
    page = client.get(change_url(trip))
    inlines = page.context["inline_admin_formsets"]
    per_row = sum(len(inline.formset.empty_form.fields) for inline in inlines)
    management = sum(len(inline.formset.management_form.fields) for inline in inlines)
    own = len(page.context["adminform"].form.fields) + len(["csrfmiddlewaretoken", "_save"])

    assert per_row * INLINE_MAX_ROWS + management + own < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_a_full_page_of_the_members_list_can_be_saved():
    members = admin.site._registry[TripMember]
    per_row = len(["id", *members.list_editable, "_selected_action"])
    management, own = 4, len(["csrfmiddlewaretoken", "action", "index", "_save"])

    assert members.list_per_page * per_row + management + own < (
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    )


def test_a_trips_members_are_listed_filtered_and_edited_page_by_page(
    client, editor, django_assert_max_num_queries
):
    trip = factories.TripFactory(status="draft", title="赴浙江湖州学习考察")
    add_members(trip, INLINE_MAX_ROWS + 50)
    factories.TripMemberFactory(participant__name="别团的人")
    client.force_login(editor)
    url = f"{MEMBERS_URL}?trip__id__exact={trip.pk}&p=2"

    with django_assert_max_num_queries(15):
        page = client.get(url)

    assert page.status_code == 200
    assert page.context["cl"].result_count == INLINE_MAX_ROWS + 50
    shown = [member.participant.name for member in page.context["cl"].result_list]
    assert shown == [f"学员{n:04d}" for n in range(100, 200)]
    assert "赴浙江湖州学习考察" in page.content.decode()  # the filter names the trip
    data = changelist_data(page)
    data["form-0-role"] = TripMember.Role.LIAISON
    data["form-0-title"] = "联络员"
    response = client.post(url, data)
    assert response.status_code == 302, page.context["cl"].formset.errors
    member = trip.members.get(participant__name="学员0100")
    assert (member.role, member.title) == (TripMember.Role.LIAISON, "联络员")


def test_members_added_past_the_limit_after_the_page_opened_are_not_lost_silently(client, editor):
    trip = factories.TripFactory(status="draft")
    add_members(trip, INLINE_MAX_ROWS)
    client.force_login(editor)
    data = form_data(client.get(change_url(trip)))
    data["members-0-title"] = "副主任"
    add_members(trip, 1, start=INLINE_MAX_ROWS)  # a roster import, meanwhile

    response = client.post(change_url(trip), data)

    assert response.status_code == 200
    assert "请重新打开本页" in response.content.decode()
    assert not trip.members.filter(title="副主任").exists()


def test_members_of_an_archived_trip_cannot_be_changed_from_the_members_list(client, editor):
    trip = factories.TripFactory(status="archived")
    add_members(trip, 3)
    client.force_login(editor)
    url = f"{MEMBERS_URL}?trip__id__exact={trip.pk}"
    data = changelist_data(client.get(url))
    data["form-0-title"] = "改了职务"

    client.post(url, data)

    assert not trip.members.filter(title="改了职务").exists()
