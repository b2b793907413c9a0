"""A person's phone: an 11-digit mobile or a landline with its area code."""

import pytest
from django.core.exceptions import ValidationError

from people.models import Participant
from people.phones import is_phone
from tests import factories

pytestmark = pytest.mark.django_db

REFUSAL = "请填写11位手机号码（如13912345678）或带区号的固定电话（如023-53221234）。"


@pytest.mark.parametrize(
    "number",
    [
        "13912345678",
        "139 1234 5678",
        "139-1234-5678",
        "+86 139 1234 5678",
        "１３９１２３４５６７８",
        "023-53221234",
        "02353221234",
        "(023)53221234",
        "0755-2345678",
        "010-62345678-8001",
        "023-53221234转8001",
    ],
)
def test_mobiles_and_landlines_with_area_code_are_phones(number):
    assert is_phone(number)


@pytest.mark.parametrize(
    "number",
    ["5322123", "53221234", "1391234567", "139123456789", "12912345678", "023-1234", "abc"],
)
def test_short_numbers_and_words_are_not(number):
    assert not is_phone(number)


def test_a_seven_digit_number_is_refused_on_the_phone_field():
    person = Participant(name="王强", phone="5322123")
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert refused.value.message_dict == {"phone": [REFUSAL]}


def test_the_admin_form_says_so_on_the_field(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/people/participant/add/", {"name": "王强", "phone": "5322123", "gender": ""}
    )
    assert response.context["adminform"].form.errors["phone"] == [REFUSAL]
    assert not Participant.objects.filter(name="王强").exists()


def test_a_person_recorded_with_an_old_bad_number_still_loads_and_lists(client, superuser):
    person = factories.ParticipantFactory(name="王强")
    Participant.objects.filter(pk=person.pk).update(phone="5322123")  # before the check
    client.force_login(superuser)
    assert client.get("/admin/people/participant/").status_code == 200
    assert Participant.objects.get(pk=person.pk).phone == "5322123"
