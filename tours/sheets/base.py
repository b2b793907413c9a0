"""What every sheet importer shares: columns found by header, errors by row and column,
organizations and people matched or planned, and the preview that lists it all."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.models import Organization, Participant
from people.unit_names import person_key, unit_key

from .cells import BadCell, normalize
from .reading import Table

# Written in the template's example row, after its last column; a row that says it is
# never imported. Matched loosely (full-width or not, with or without brackets).
EXAMPLE_MARK = "（示例，导入时忽略）"


def is_example_mark(text: str) -> bool:
    text = normalize(text)
    return "示例" in text and "忽略" in text


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its template header, other headers people use, an example."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the template


def header_key(text: str) -> str:
    """ "姓名*", " 姓 名 ", "姓名（必填）" all name the column 姓名."""
    text = normalize(text)
    text = re.sub(r"[（(](必填|选填|可选)[)）]", "", text)
    return re.sub(r"[\s*＊:：]", "", text)


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class RowAction:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    LABELS = {
        CREATE: gettext_lazy("new"),
        UPDATE: gettext_lazy("update"),
        UNCHANGED: gettext_lazy("unchanged"),
    }


@dataclass
class RowPlan:
    """One data row and what importing it will do."""

    number: int
    label: str
    action: str = RowAction.CREATE
    changes: list[str] = field(default_factory=list)
    obj: object = None

    @property
    def action_label(self):
        return RowAction.LABELS[self.action]


@dataclass
class SheetPreview:
    """What an import will create, update and leave alone, and what stops it."""

    sheet: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    new_organizations: list[Organization] = field(default_factory=list)
    new_people: list[Participant] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Existing people given what they lacked (a phone, a gender): saved with the rows.
    filled_people: list[Participant] = field(default_factory=list)
    # What the importer took on itself (a unit written another way taken as the one on
    # record): said in the preview, never stopping the import.
    warnings: list[CellError] = field(default_factory=list)
    # Row numbers of the template's example row, left in the sheet and left out here.
    example_rows: list[int] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def created(self) -> int:
        return self.count(RowAction.CREATE)

    @property
    def updated(self) -> int:
        return self.count(RowAction.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(RowAction.UNCHANGED)

    @property
    def changed_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action != RowAction.UNCHANGED]


class Directory:
    """Organizations by name and people by name and organization: found, else planned.

    Loads what exists in a fixed number of queries for the whole sheet, so a sheet of
    any length costs the same number of look-ups. A name written another way than the
    record's (梁平区发展改革委 for 梁平区发展和改革委员会, 黄 伟明 for 黄伟明) is taken
    as the record, with a warning in the preview, rather than made a near-duplicate.
    """

    def __init__(self, preview: SheetPreview, *, org_names, person_names):
        self.preview = preview
        names = {n for n in org_names if n}
        self.organizations = {o.name: o for o in Organization.objects.filter(name__in=names)}
        self._by_key = None  # unit_key → unit, loaded when a name is not found as written
        self.people = {}
        self.first_row = {}
        wanted = {n for n in person_names if n}
        wanted |= {person_key(n) for n in wanted}
        for person in Participant.objects.filter(name__in=wanted):
            self.people.setdefault((person_key(person.name), person.organization_name), person)

    def _units_by_key(self) -> dict:
        if self._by_key is None:
            self._by_key = {}
            for unit in Organization.objects.order_by("pk"):
                self._by_key.setdefault(unit_key(unit.name), unit)
        return self._by_key

    def organization(self, name: str, *, row: int = 0, column: str = "") -> Organization | None:
        if not name:
            return None
        if name not in self.organizations:
            similar = self._units_by_key().get(unit_key(name))
            if similar is not None:
                self.organizations[name] = similar
                if similar.pk:
                    self.warn(
                        row,
                        column,
                        _(
                            "“%(name)s” is taken as the unit on record “%(existing)s”. If it "
                            "is another unit, add it under its full name first."
                        )
                        % {"name": name, "existing": similar.name},
                    )
            else:
                organization = Organization(name=name)
                self.organizations[name] = organization
                self._units_by_key()[unit_key(name)] = organization
                self.preview.new_organizations.append(organization)
        return self.organizations[name]

    def warn(self, row: int, column: str, message: str):
        warning = CellError(row, column, str(message))
        if warning not in self.preview.warnings:
            self.preview.warnings.append(warning)

    def person(self, name: str, organization, *, row: int, **details) -> Participant:
        """The person of that name in that organization; a new one carries `details`,
        an existing one receives only the details it lacks."""
        key = (person_key(name), organization.name if organization else "")
        person = self.people.get(key)
        if person is None:
            person = Participant(name=name, organization=organization, **details)
            self.people[key] = person
            self.first_row[id(person)] = row
            self.preview.new_people.append(person)
            return person
        if person.pk and person.name != name:
            self.warn(
                row,
                "",
                _("“%(name)s” is taken as %(existing)s, already on record.")
                % {"name": name, "existing": person},
            )
        filled = False
        for attribute, value in details.items():
            if value and not getattr(person, attribute):
                setattr(person, attribute, value)
                filled = True
        if filled and person.pk and person not in self.preview.filled_people:
            self.first_row[id(person)] = row
            self.preview.filled_people.append(person)
        return person


class SheetImporter:
    """Plans the import of one sheet into one trip without writing anything."""

    sheet = ""
    title = ""
    rules = ""  # what this sheet may and may not do, said on the upload page
    columns: list[Column] = []
    # Model field → column, so the model's own validation errors land on the right cell.
    field_columns: dict[str, str] = {}

    def __init__(self, trip, table: Table):
        self.trip = trip
        self.table = table
        self.preview = SheetPreview(sheet=self.sheet)

    @classmethod
    def recognizes(cls, cells) -> bool:
        """Is this row the header? It names at least two of the sheet's columns."""
        known = {header_key(name) for c in cls.columns for name in (c.header, *c.aliases)}
        return sum(header_key(cell) in known for cell in cells if cell) >= 2

    def plan(self) -> SheetPreview:
        positions = self._map_headers()
        if self.preview.errors:
            return self.preview
        records = []
        for number, cells in self.table.rows:
            record = {
                key: cells[index].strip() if index < len(cells) else ""
                for key, index in positions.items()
            }
            if self.is_example(cells, record):
                self.preview.example_rows.append(number)
                continue
            records.append((number, record))
        self.plan_rows(records)
        return self.preview

    def _map_headers(self) -> dict[str, int]:
        by_name = {}
        for column in self.columns:
            for name in (column.header, *column.aliases):
                by_name.setdefault(header_key(name), column)
        positions = {}
        for index, cell in enumerate(self.table.headers):
            column = by_name.get(header_key(cell))
            if column is None:
                if cell.strip():
                    self.preview.ignored_columns.append(cell.strip())
            elif column.key not in positions:
                positions[column.key] = index
        for column in self.columns:
            if column.required and column.key not in positions:
                self.error(
                    self.table.header_row,
                    column.header,
                    _("The sheet has no “%(column)s” column.") % {"column": column.header},
                )
        return positions

    def is_example(self, cells, record) -> bool:
        """The template's example row, left in: marked as the example, or still holding
        exactly the template's example values."""
        if any(is_example_mark(cell) for cell in cells):
            return True
        examples = {c.key: c.example for c in self.columns if c.example}
        return bool(examples) and all(
            normalize(record.get(key, "")) == value for key, value in examples.items()
        )

    def plan_rows(self, records):
        raise NotImplementedError

    def column(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    def error(self, row: int, column: str, message: str):
        error = CellError(row, column, str(message))
        if error not in self.preview.errors:  # our check and the model's may say the same
            self.preview.errors.append(error)

    def parse(self, number: int, record: dict, key: str, parser, *args, **kwargs):
        """`parser(record[key])`, or None with the error noted when the cell is bad."""
        text = record.get(key, "")
        if not text:
            return None
        try:
            return parser(text, *args, **kwargs)
        except BadCell as bad:
            self.error(number, self.column(key), str(bad))
            return None

    def require(self, number: int, record: dict, key: str) -> str:
        value = normalize(record.get(key, ""))
        if not value:
            column = self.column(key)
            self.error(number, column, _("“%(column)s” is required.") % {"column": column})
        return value

    def duplicate(self, seen: dict, key, number: int, column_key: str) -> bool:
        """Note a row that repeats an earlier one; the first occurrence stands."""
        if key in seen:
            self.error(
                number,
                self.column(column_key),
                _("Repeats row %(row)d.") % {"row": seen[key]},
            )
            return True
        seen[key] = number
        return False

    def plan_object(self, number, label, existing, make, values, *, exclude, also_changed=()):
        """Plan one row: `make(**values)` when nothing matches it, else `existing` with
        `values` set (an update if any differ, or if `also_changed` names other changes).
        A row that changes something is checked by the model's own validation."""
        plan = RowPlan(number, label=label)
        if existing is None:
            plan.obj = make(**values)
        else:
            plan.obj = existing
            plan.changes = [*changed_fields(existing, values), *also_changed]
            plan.action = RowAction.UPDATE if plan.changes else RowAction.UNCHANGED
        if plan.action != RowAction.UNCHANGED:
            self.validate(number, plan.obj, exclude=exclude)
        self.preview.rows.append(plan)
        return plan

    def validate(self, number: int, obj, *, exclude=()) -> bool:
        """Run the model's own validation; its messages land on the matching columns."""
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                column = self.field_columns.get(name, "")
                for message in messages:
                    self.error(number, column, message)
            return False
        return True

    def validate_people(self, directory: Directory, columns: dict[str, str]):
        """New people, and people given new details, must be valid people too."""
        for person in [*self.preview.new_people, *self.preview.filled_people]:
            number = directory.first_row[id(person)]
            try:
                person.full_clean(exclude=["organization", "user"], validate_unique=False)
            except ValidationError as invalid:
                for name, messages in invalid.message_dict.items():
                    for message in messages:
                        self.error(number, columns.get(name, ""), message)


def changed_fields(obj, values: dict) -> list[str]:
    """Set `values` on `obj`; the verbose names of the fields that changed."""
    changes = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changes.append(str(obj._meta.get_field(name.removesuffix("_id")).verbose_name))
    return changes
