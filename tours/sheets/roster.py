"""The roster (花名册): one row per delegation member."""

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.models import Participant
from people.phones import PHONE_INVALID, is_phone, tidy_phone
from tours.models import TripMember

from .base import Column, Directory, SheetImporter
from .cells import BadCell, choice_lookup, normalize, parse_choice

ROLE_SYNONYMS = {
    "领队": TripMember.Role.LEADER,
    "组长": TripMember.Role.LEADER,
    "副领队": TripMember.Role.DEPUTY,
    "副组长": TripMember.Role.DEPUTY,
    "成员": TripMember.Role.MEMBER,
    "队员": TripMember.Role.MEMBER,
    "学员": TripMember.Role.MEMBER,
    "联络人": TripMember.Role.LIAISON,
    "随行人员": TripMember.Role.STAFF,
    "随员": TripMember.Role.STAFF,
}
GENDER_SYNONYMS = {"男": "male", "女": "female", "m": "male", "f": "female"}


def parse_phone(text: str) -> str:
    if not is_phone(text):
        message = _("“%(value)s” is not a phone number: %(rule)s")
        raise BadCell(message % {"value": text, "rule": PHONE_INVALID})
    return tidy_phone(text)


class RosterImporter(SheetImporter):
    sheet = "roster"
    title = gettext_lazy("roster")
    rules = gettext_lazy(
        "A sheet listing the whole delegation sets its order by its rows; a sheet listing "
        "part of it keeps everyone's place and adds new members after the last. 备注 is "
        "this trip's note on the member, never the person's own note."
    )
    columns = [
        Column("name", "姓名", required=True, example="张明"),
        Column("gender", "性别", example="男", choices=("男", "女")),
        Column("organization", "单位", ("工作单位", "所在单位"), example="梁平区发展改革委"),
        Column("title", "职务", ("现任职务",), example="主任"),
        Column(
            "role",
            "团内角色",
            ("角色", "团内职务", "分工"),
            example="团长",
            choices=("团长", "副团长", "团员", "联络员", "工作人员"),
        ),
        Column("phone", "手机", ("手机号", "手机号码", "联系电话", "电话"), example="13900000000"),
        Column("note", "备注", example=""),
    ]
    field_columns = {
        "name": "姓名",
        "gender": "性别",
        "title": "职务",
        "phone": "手机",
        "note": "备注",
        "role": "团内角色",
        "organization": "单位",
    }

    def plan_rows(self, records):
        directory = Directory(
            self.preview,
            org_names=[normalize(r.get("organization", "")) for _, r in records],
            person_names=[normalize(r.get("name", "")) for _, r in records],
        )
        members = {m.participant_id: m for m in self.trip.members.select_related("organization")}
        roles = choice_lookup(TripMember.Role.choices, ROLE_SYNONYMS)
        genders = choice_lookup(Participant.Gender.choices, GENDER_SYNONYMS)
        seen, rows = {}, []
        for number, record in records:
            name = self.require(number, record, "name")
            unit = normalize(record.get("organization", ""))
            gender = self.parse(
                number, record, "gender", parse_choice, genders, Participant.Gender.choices
            )
            role = self.parse(number, record, "role", parse_choice, roles, TripMember.Role.choices)
            phone = self.parse(number, record, "phone", parse_phone)
            if not name or self.duplicate(seen, (name, unit), number, "name"):
                continue
            title = normalize(record.get("title", ""))
            organization = directory.organization(
                unit, row=number, column=self.column("organization")
            )
            person = directory.person(
                name, organization, row=number, gender=gender or "", title=title, phone=phone or ""
            )
            member = members.get(person.pk) if person.pk else None
            values = {
                "role": role or TripMember.Role.MEMBER,
                "title": title or person.title,
                "organization": organization,
            }
            # An empty cell (or no 备注 column) leaves the note the member already has.
            note = record.get("note", "").strip()
            if note or member is None:
                values["note"] = note
            rows.append((number, _person_label(name, unit, title), person, member, values))
        orders = _orders([member for *_, member, _ in rows], list(members.values()))
        for (number, label, person, member, values), order in zip(rows, orders, strict=True):
            filled = person.pk and person in self.preview.filled_people
            self.plan_object(
                number,
                label,
                member,
                partial(TripMember, trip=self.trip, participant=person),
                {**values, "order": order},
                exclude=["trip", "participant", "organization"],
                # The person was given details they lacked (a phone, a gender).
                also_changed=[str(Participant._meta.verbose_name)] if filled else [],
            )
        self.validate_people(directory, self.field_columns)


def _orders(rows, members) -> list[int]:
    """The position of each row's member (None: a new one). A sheet naming the whole
    delegation orders it by its rows; a part of it leaves everyone's place alone and puts
    the new members after the last, so no two share a position."""
    if {m.pk for m in members} <= {m.pk for m in rows if m}:
        return list(range(1, len(rows) + 1))
    last = max(m.order for m in members)
    orders = []
    for member in rows:
        if member is None:
            last += 1
            orders.append(last)
        else:
            orders.append(member.order)
    return orders


def _person_label(name: str, unit: str, title: str) -> str:
    details = " ".join(part for part in (unit, title) if part)
    return f"{name}（{details}）" if details else name
