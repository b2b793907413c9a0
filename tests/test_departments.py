"""Several organizing departments on one installation: each acts only within its scope.

Department A (the home department of the `editor` and `leader` fixtures) and department
B (another district's) side by side. A's staff get 404 on every staff page of B's
records, services refuse them, and nothing of B's changes; lists, search, ledgers and
digests leave B's out. A unit covers the units under it; `tours.manage_all_trips`
covers all. Public pages ignore departments.
"""

from io import BytesIO, StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from people.models import Organization
from tests import factories, files
from tests.admin_forms import form_data
from tours import services
from tours.models import ActionItem, SupervisionNotice, Takeaway, Trip

pytestmark = pytest.mark.django_db

OTHER_DEPARTMENT = "中共万州区委组织部"


@pytest.fixture
def other_department():
    return factories.OrganizationFactory(name=OTHER_DEPARTMENT, region="重庆市万州区")


@pytest.fixture
def b(other_department, owner):
    """One of everything, organized by department B; one item answered for by A's owner."""
    trip = {
        status: factories.TripFactory(organizer=other_department, status=status)
        for status in ("draft", "submitted", "published")
    }
    published = trip["published"]
    takeaway = factories.TakeawayFactory(trip=trip["submitted"], review_status="pending")
    visit = factories.SiteVisitFactory(trip=published)
    action = factories.ActionItemFactory(trip=published)
    done = factories.ActionItemFactory(trip=published, status="done", progress=100)
    ours = factories.ActionItemFactory(
        trip=published, owner_organization=owner.participant.organization
    )
    update = factories.ActionUpdateFactory(
        action=action, evidence=ContentFile(files.PDF, name="材料.pdf")
    )
    return {
        "draft": trip["draft"].pk,
        "submitted": trip["submitted"].pk,
        "published": published.pk,
        "takeaway": takeaway.pk,
        "takeaway_version": takeaway.history.first().history_id,
        "visit": visit.pk,
        "photo": factories.PhotoFactory(trip=published).pk,
        "action": action.pk,
        "done": done.pk,
        "ours": ours.pk,
        "update": update.pk,
        "evidence": update.evidence.url,
        "notice": SupervisionNotice.objects.create(action=action, level="red", text="督办").pk,
    }


# The answer for A's editor and leader: 404 where the role works (so B's records seem not
# to exist), 403 where the role has no business whatever the record.
BOTH = {"editor": 404, "leader": 404}
EDITING = {"editor": 404, "leader": 403}
REVIEWING = {"editor": 403, "leader": 404}

# Every staff page of one of B's records.
B_PAGES = [
    ("/trips/{draft}/preview/", BOTH),
    ("/trips/{submitted}/preview/", BOTH),
    ("/admin/tours/trip/{draft}/change/", BOTH),
    ("/admin/tours/trip/{published}/change/", BOTH),
    ("/admin/tours/trip/{draft}/history/", BOTH),
    ("/admin/tours/trip/{draft}/import/roster/", BOTH),
    ("/admin/tours/trip/{draft}/import/itinerary/", BOTH),
    ("/admin/tours/trip/{draft}/import/actions/", BOTH),
    ("/admin/tours/trip/{published}/roster.xlsx", BOTH),
    ("/admin/tours/trip/{draft}/report.docx", BOTH),
    ("/admin/tours/trip/{draft}/photos/", BOTH),
    ("/admin/tours/trip/{draft}/photos/upload/", BOTH),
    ("/admin/tours/takeaway/{takeaway}/change/", BOTH),
    ("/admin/tours/takeaway/{takeaway}/history/", BOTH),
    ("/admin/tours/takeaway/{takeaway}/history/{takeaway_version}/", BOTH),
    ("/admin/tours/sitevisit/{visit}/change/", BOTH),
    ("/admin/tours/photo/{photo}/change/", BOTH),
    ("/admin/tours/actionitem/{action}/change/", BOTH),
    ("/admin/tours/actionupdate/{update}/change/", BOTH),
    ("/review/trips/{submitted}/", REVIEWING),
    ("/review/trips/{published}/", REVIEWING),
    ("/review/actions/{action}/", REVIEWING),
    ("/review/trips/{published}/followup.docx", REVIEWING),
    ("/review/notices/{notice}/notice.docx", REVIEWING),
    ("{evidence}", BOTH),
]

# Every staff action on one of B's records; nothing may change.
B_POSTS = [
    ("/admin/tours/trip/{draft}/submit/", {}, BOTH),
    ("/admin/tours/trip/{draft}/change/", {"title": "改掉别人的考察"}, EDITING),
    ("/admin/tours/trip/{draft}/photos/assign/", {}, BOTH),
    ("/admin/tours/takeaway/{takeaway}/delete/", {"post": "yes"}, EDITING),
    ("/review/trips/{submitted}/publish/", {}, REVIEWING),
    ("/review/trips/{submitted}/return/", {"comment": "退回"}, REVIEWING),
    ("/review/trips/{submitted}/takeaways/", {"act": "adopted:{takeaway}"}, REVIEWING),
    ("/review/trips/{submitted}/instruction/", {"instruction-text": "批示"}, REVIEWING),
    ("/review/trips/{published}/archive/", {}, REVIEWING),
    ("/review/trips/{published}/edits-seen/", {"up_to": "2024-01-01 00:00"}, REVIEWING),
    ("/review/actions/{done}/close/", {}, REVIEWING),
    ("/review/actions/{action}/watch/", {"watch": "1"}, REVIEWING),
]


def state():
    """What a refused request must leave as it was."""
    return (
        sorted(Trip.objects.values_list("pk", "title", "status")),
        sorted(Takeaway.objects.values_list("pk", "review_status")),
        sorted(ActionItem.objects.values_list("pk", "status")),
        sorted(ActionItem.watchers.through.objects.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize("role", ["editor", "leader"])
@pytest.mark.parametrize("path, expected", B_PAGES, ids=[path for path, _ in B_PAGES])
def test_every_staff_page_of_another_department_is_404(client, request, b, role, path, expected):
    client.force_login(request.getfixturevalue(role))
    assert client.get(path.format(**b)).status_code == expected[role]


@pytest.mark.parametrize("role", ["editor", "leader"])
@pytest.mark.parametrize("path, data, expected", B_POSTS, ids=[path for path, *_ in B_POSTS])
def test_every_staff_action_on_another_department_is_refused_and_changes_nothing(
    client, request, b, role, path, data, expected
):
    client.force_login(request.getfixturevalue(role))
    before = state()
    posted = {key: value.format(**b) for key, value in data.items()}
    assert client.post(path.format(**b), posted).status_code == expected[role]
    assert state() == before


def test_adding_a_part_to_another_departments_trip_does_not_name_it(client, editor, b):
    client.force_login(editor)
    page = client.get(reverse("admin:tours_takeaway_add"), {"trip": b["draft"]})
    assert Trip.objects.get(pk=b["draft"]).title not in page.content.decode()


class TestLists:
    """A's lists, search and files leave B's records out."""

    def test_the_admin_lists_show_only_the_departments_trips(self, client, editor, b):
        ours = factories.TripFactory(title="梁平区的考察")
        client.force_login(editor)
        listed = client.get(reverse("admin:tours_trip_changelist")).context["cl"].result_list
        assert list(listed) == [ours]
        for model in ("takeaway", "actionitem", "sitevisit", "photo", "actionupdate"):
            page = client.get(reverse(f"admin:tours_{model}_changelist"))
            assert page.context["cl"].result_count == 0, model

    def test_a_trip_picker_offers_only_the_departments_trips(self, client, editor, b):
        ours = factories.TripFactory(status="draft", title="梁平区的考察")
        client.force_login(editor)
        found = client.get(
            "/admin/autocomplete/",
            {"app_label": "tours", "model_name": "takeaway", "field_name": "trip", "term": ""},
        ).json()
        assert [row["id"] for row in found["results"]] == [str(ours.pk)]

    def test_a_part_cannot_be_added_to_another_departments_trip(self, client, editor, b):
        client.force_login(editor)
        response = client.post(
            reverse("admin:tours_question_add"),
            {"trip": b["draft"], "order": "1", "text": "别人的问题？"},
        )
        assert response.status_code == 200
        assert "trip" in response.context["adminform"].form.errors
        assert not Trip.objects.get(pk=b["draft"]).questions.exists()

    def test_the_review_desk_and_overview_leave_other_departments_out(self, client, leader, b):
        client.force_login(leader)
        desk = client.get(reverse("tours:review-desk"))
        assert not desk.context["submitted"]
        assert not desk.context["with_pending"]
        assert desk.context["warnings"]["red"] == 0
        assert not any(figure["count"] for figure in desk.context["attention"])
        overview = client.get(reverse("tours:review-actions"))
        assert overview.context["page"].paginator.count == 0
        assert not overview.context["by_unit"]

    def test_the_staff_search_finds_only_the_departments_records(self, client, editor, b):
        call_command("rebuild_search_index", verbosity=0)
        ours = factories.TakeawayFactory(text="梁平区的招商心得体会")
        factories.TakeawayFactory(trip_id=b["draft"], text="万州区的招商心得体会")
        client.force_login(editor)
        results = client.get(reverse("staff-search"), {"q": "招商心得"}).context["results"]
        takeaways = results.group("takeaway")
        assert [hit.obj for hit in takeaways.hits] == [ours]

    def test_the_ledger_holds_only_the_departments_items(self, client, editor, b):
        ours = factories.ActionItemFactory(title="梁平区的落实事项")
        client.force_login(editor)
        ledger = client.get(reverse("admin:tours_actionitem_ledger"))
        assert ledger.status_code == 200
        sheet = load_workbook(BytesIO(ledger.content)).active
        text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
        assert ours.title in text
        assert ActionItem.objects.get(pk=b["action"]).title not in text

    def test_an_owner_still_sees_what_their_unit_answers_for(self, client, owner, b):
        client.force_login(owner)
        assert client.get(reverse("tours:my-action", args=[b["ours"]])).status_code == 200
        assert client.get(reverse("tours:my-action", args=[b["action"]])).status_code == 404

    def test_the_public_list_filters_by_organizer(self, client, other_department, b):
        ours = factories.TripFactory(title="梁平区的考察")
        response = client.get(reverse("tours:trip-list"), {"organizer": other_department.pk})
        listed = list(response.context["page"].object_list)
        assert [t.pk for t in listed] == [b["published"]]
        everything = client.get(reverse("tours:trip-list")).context["page"].object_list
        assert {t.pk for t in everything} == {b["published"], ours.pk}


class TestServices:
    """Outside the scope every service refuses, whichever page or script calls it."""

    def test_workflow_services_refuse_another_departments_trip(self, editor, leader, b):
        draft = Trip.objects.get(pk=b["draft"])
        submitted = Trip.objects.get(pk=b["submitted"])
        refusals = [
            lambda: services.submit_trip(trip=draft, user=editor),
            lambda: services.publish_trip(trip=submitted, user=leader),
            lambda: services.return_trip(trip=submitted, user=leader, comment="退回"),
            lambda: services.archive_trip(trip=Trip.objects.get(pk=b["published"]), user=leader),
            lambda: services.review_takeaway(
                takeaway=Takeaway.objects.get(pk=b["takeaway"]), user=leader, decision="adopted"
            ),
            lambda: services.create_action(
                trip=submitted,
                user=leader,
                title="别人的事项",
                owner_organization=factories.OrganizationFactory(),
            ),
            lambda: services.close_action(action=ActionItem.objects.get(pk=b["done"]), user=leader),
        ]
        before = state()
        for refused in refusals:
            with pytest.raises(PermissionDenied):
                refused()
        assert state() == before

    def test_the_digest_leaves_out_what_the_reader_no_longer_acts_for(
        self, leader, owner, b, mailoutbox
    ):
        leader.email = "leader@liangping.example.cn"
        leader.save()
        action = ActionItem.objects.get(pk=b["ours"])
        action.watchers.add(leader)
        services.post_action_update(action=action, user=owner, progress=30, note="已启动")
        call_command("send_progress_digest", verbosity=0)
        assert mailoutbox == []


class TestScope:
    def test_a_parent_units_leader_covers_the_trips_of_the_units_under_it(self, client):
        committee = factories.OrganizationFactory(name="中共梁平区委")
        department = factories.home_department()
        department.parent = committee
        department.save()
        town = factories.OrganizationFactory(name="中共礼让镇委员会", parent=department)
        trip = factories.TripFactory(organizer=town, status="submitted")
        factories.TakeawayFactory(trip=trip, review_status="pending")
        deputy = factories.act_for(
            factories.UserFactory(username="deputy", is_staff=True), committee
        )
        deputy.groups.add(Group.objects.get(name="审阅人"))
        client.force_login(deputy)
        assert client.get(reverse("tours:review-trip", args=[trip.pk])).status_code == 200
        takeaway = trip.takeaways.get()
        services.review_takeaway(takeaway=takeaway, user=deputy, decision="adopted")
        services.return_trip(trip=trip, user=deputy, comment="请补充行程")
        assert Trip.objects.get(pk=trip.pk).status == "draft"

    def test_a_units_staff_do_not_cover_the_unit_above(self, client, leader):
        committee = factories.OrganizationFactory(name="中共梁平区委")
        department = factories.home_department()
        department.parent = committee
        department.save()
        above = factories.TripFactory(organizer=committee, status="submitted")
        client.force_login(leader)
        assert client.get(reverse("tours:review-trip", args=[above.pk])).status_code == 404

    def test_moving_a_unit_moves_the_units_under_it(self):
        city = factories.OrganizationFactory(name="重庆市委组织部")
        district = factories.home_department()
        town = factories.OrganizationFactory(name="中共礼让镇委员会", parent=district)
        district.parent = city
        district.save()
        town.refresh_from_db()
        assert city.covers(town)
        assert town.path == f"/{city.pk}/{district.pk}/{town.pk}/"

    def test_a_unit_cannot_be_placed_under_its_own_unit(self):
        district = factories.home_department()
        town = factories.OrganizationFactory(name="中共礼让镇委员会", parent=district)
        district.parent = town
        with pytest.raises(Exception) as refused:
            district.full_clean()
        assert "parent" in refused.value.message_dict

    def test_manage_all_trips_acts_for_every_department(self, client, b):
        inspector = factories.act_for(
            factories.UserFactory(username="inspector", is_staff=True),
            factories.OrganizationFactory(name="重庆市委组织部"),
        )
        for codename in ("manage_all_trips", "review_takeaway", "publish_trip", "view_trip"):
            inspector.user_permissions.add(Permission.objects.get(codename=codename))
        ours = factories.TripFactory(status="submitted", title="梁平区的考察")
        client.force_login(inspector)
        desk = client.get(reverse("tours:review-desk"))
        assert {t.pk for t in desk.context["submitted"]} == {b["submitted"], ours.pk}
        assert client.get(reverse("tours:review-trip", args=[b["submitted"]])).status_code == 200

    def test_an_account_linked_to_nobody_acts_for_nothing_and_is_told_why(self, client, b):
        nobody = factories.UserFactory(username="newcomer", is_staff=True)
        nobody.groups.add(Group.objects.get(name="录入员"))
        factories.TripFactory(title="梁平区的考察")
        client.force_login(nobody)
        page = client.get(reverse("admin:tours_trip_changelist"))
        assert page.context["cl"].result_count == 0
        assert "尚未关联到某个单位的人员" in page.content.decode()


class TestAdmin:
    def test_a_new_trip_belongs_to_the_editors_department(self, client, editor):
        client.force_login(editor)
        page = client.get(reverse("admin:tours_trip_add"))
        assert page.context["adminform"].form.initial["organizer"] == factories.home_department().pk

    def test_a_trip_cannot_be_handed_to_another_department(self, client, editor, other_department):
        trip = factories.TripFactory(status="draft")
        client.force_login(editor)
        url = reverse("admin:tours_trip_change", args=[trip.pk])
        data = form_data(client.get(url)) | {"organizer": other_department.pk}
        response = client.post(url, data)
        assert response.status_code == 200
        assert "其他部门" in " ".join(response.context["adminform"].form.errors["organizer"])
        trip.refresh_from_db()
        assert trip.organizer == factories.home_department()

    def test_units_of_another_department_are_read_only(self, client, editor, other_department):
        client.force_login(editor)
        url = reverse("admin:people_organization_change", args=[other_department.pk])
        assert client.get(url).context["has_change_permission"] is False
        client.post(url, {"name": "改名", "region": ""})
        other_department.refresh_from_db()
        assert other_department.name == OTHER_DEPARTMENT

    def test_a_unit_the_department_added_stays_editable(self, client, editor):
        client.force_login(editor)
        client.post(reverse("admin:people_organization_add"), {"name": "中山市三角镇人民政府"})
        added = Organization.objects.get(name="中山市三角镇人民政府")
        url = reverse("admin:people_organization_change", args=[added.pk])
        client.post(url, {"name": "中山市三角镇人民政府办公室", "region": "广东省中山市"})
        added.refresh_from_db()
        assert added.name == "中山市三角镇人民政府办公室"

    def test_a_unit_cannot_be_put_under_another_department(self, client, editor, other_department):
        client.force_login(editor)
        response = client.post(
            reverse("admin:people_organization_add"),
            {"name": "万州区某街道", "parent": other_department.pk},
        )
        assert "parent" in response.context["adminform"].form.errors
        assert not Organization.objects.filter(name="万州区某街道").exists()

    def test_a_linked_persons_unit_is_changed_only_by_account_managers(self, client, editor):
        client.force_login(editor)
        url = reverse("admin:people_participant_change", args=[editor.participant.pk])
        # Moving the editor's own person to another unit would move their department.
        assert "organization" not in client.get(url).context["adminform"].form.base_fields


def test_the_demo_has_two_departments_and_says_which_login_is_whose():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "中共梁平区委组织部" in printed
    assert "中共梁平区礼让镇委员会" in printed
    organizers = set(Trip.objects.values_list("organizer__name", flat=True))
    assert organizers == {"中共梁平区委组织部", "中共梁平区礼让镇委员会"}
    district = Organization.objects.get(name="中共梁平区委组织部")
    town = Organization.objects.get(name="中共梁平区礼让镇委员会")
    assert district.parent == town.parent
    assert not district.covers(town)
