"""Search in the desk's person and unit pickers: /review/pick/<people|units>/?term=."""

import pytest
from django.urls import reverse

from tests import factories
from tours.models import Instruction

pytestmark = pytest.mark.django_db


def pick(client, kind, **params):
    response = client.get(reverse("tours:staff-pick", args=[kind]), params)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def desk(client, leader):
    client.force_login(leader)
    return client


@pytest.fixture
def town_department():
    """Another department on the installation, with an office of its own under it."""
    town = factories.OrganizationFactory(name="中共梁平区礼让镇委员会")
    factories.act_for(factories.UserFactory(username="town-editor", is_staff=True), town)
    office = factories.OrganizationFactory(name="礼让镇党政办公室", parent=town)
    factories.ParticipantFactory(name="唐晓燕", organization=office, title="主任")
    return office


class TestSearching:
    def test_a_person_is_found_by_name_and_labelled_with_unit_and_post(self, desk):
        unit = factories.OrganizationFactory(name="梁平区发展和改革委员会")
        person = factories.ParticipantFactory(name="黄伟明", organization=unit, title="副主任")
        factories.ParticipantFactory(name="李娟")
        answer = pick(desk, "people", term="伟明")
        assert answer["results"] == [
            {"id": person.pk, "text": "黄伟明（梁平区发展和改革委员会 副主任）"}
        ]

    def test_a_person_is_found_by_the_name_of_their_unit(self, desk):
        unit = factories.OrganizationFactory(name="梁平区商务委员会")
        factories.ParticipantFactory(name="陈刚", organization=unit, title="")
        texts = [r["text"] for r in pick(desk, "people", term="商务委")["results"]]
        assert texts == ["陈刚（梁平区商务委员会）"]

    def test_units_are_found_by_part_of_their_name(self, desk):
        factories.OrganizationFactory(name="梁平区农业农村委员会")
        factories.OrganizationFactory(name="双桂街道办事处")
        texts = [r["text"] for r in pick(desk, "units", term="农业")["results"]]
        assert texts == ["梁平区农业农村委员会"]

    def test_results_come_a_page_at_a_time(self, desk):
        for n in range(25):
            factories.OrganizationFactory(name=f"测试单位{n:02d}")
        first = pick(desk, "units", term="测试单位")
        second = pick(desk, "units", term="测试单位", page=2)
        assert (len(first["results"]), first["pagination"]["more"]) == (20, True)
        assert (len(second["results"]), second["pagination"]["more"]) == (5, False)
        assert second["results"][-1]["text"] == "测试单位24"

    def test_another_departments_offices_and_people_are_not_offered(self, desk, town_department):
        factories.OrganizationFactory(name="礼让镇人民政府")
        units = [r["text"] for r in pick(desk, "units", term="礼让")["results"]]
        # The town's government is shared; the town committee's office is its own.
        assert units == ["礼让镇人民政府"]
        assert pick(desk, "people", term="唐晓燕")["results"] == []

    def test_an_unknown_kind_is_404(self, desk):
        response = desk.get(reverse("tours:staff-pick", args=["trips"]))
        assert response.status_code == 404

    @pytest.mark.parametrize("size", [5, 60])
    def test_a_page_of_matches_costs_the_same_however_many_there_are(
        self, desk, size, django_assert_max_num_queries
    ):
        unit = factories.OrganizationFactory(name="梁平区经济和信息化委员会")
        factories.ParticipantFactory.create_batch(size, organization=unit)
        for kind in ("people", "units"):
            with django_assert_max_num_queries(7):
                pick(desk, kind, term="梁平")


class TestTheDeskForms:
    def test_pickers_are_plain_selects_that_name_their_search_url(self, desk):
        trip = factories.TripFactory(status="submitted")
        factories.TakeawayFactory(trip=trip, review_status="pending")
        unit = factories.OrganizationFactory(name="梁平区招商投资促进中心")
        page = desk.get(reverse("tours:review-trip", args=[trip.pk])).content.decode()
        assert f'data-pick="{reverse("tours:staff-pick", args=["units"])}"' in page
        assert f'data-pick="{reverse("tours:staff-pick", args=["people"])}"' in page
        assert f'<option value="{unit.pk}">梁平区招商投资促进中心</option>' in page
        assert "admin/js/vendor/select2/select2.full.min.js" in page

    def test_a_person_of_another_department_is_refused_without_js_too(self, desk, town_department):
        trip = factories.TripFactory(status="submitted")
        outsider = town_department.participants.get()
        data = {
            "instruction-author": outsider.pk,
            "instruction-text": "抓紧落实。",
            "rows-TOTAL_FORMS": 3,
            "rows-INITIAL_FORMS": 0,
        }
        response = desk.post(reverse("tours:review-instruction", args=[trip.pk]), data)
        assert "author" in response.context["instruction_form"].errors
        assert not Instruction.objects.exists()

    def test_co_responsible_units_are_picked_with_the_action_item(self, desk):
        trip = factories.TripFactory(status="submitted")
        takeaway = factories.TakeawayFactory(trip=trip, review_status="pending")
        lead = factories.OrganizationFactory(name="梁平区招商投资促进中心")
        helper = factories.OrganizationFactory(name="梁平区商务委员会")
        desk.post(
            reverse("tours:review-takeaways", args=[trip.pk]),
            {
                "act": "action",
                "takeaways": [takeaway.pk],
                "action-title": "绘制产业链图谱",
                "action-owner_organization": lead.pk,
                "action-support_organizations": [helper.pk],
                "action-page_version": "",
            },
        )
        [action] = trip.action_items.all()
        assert list(action.support_organizations.all()) == [helper]
