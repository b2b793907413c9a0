"""The action items (督办事项): one row per commitment, with its owner and deadline."""

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tours.models import ActionItem

from .base import Column, Directory, SheetImporter
from .cells import choice_lookup, normalize, parse_choice, parse_date, parse_percent

STATUS_SYNONYMS = {
    "未开始": ActionItem.Status.NOT_STARTED,
    "正在办理": ActionItem.Status.IN_PROGRESS,
    "办理中": ActionItem.Status.IN_PROGRESS,
    "进行中": ActionItem.Status.IN_PROGRESS,
    "已办结": ActionItem.Status.DONE,
    "办结": ActionItem.Status.DONE,
    "完成": ActionItem.Status.DONE,
    "销号": ActionItem.Status.CLOSED,
    "已销号": ActionItem.Status.CLOSED,
    "中止": ActionItem.Status.CANCELLED,
    "已中止": ActionItem.Status.CANCELLED,
    "取消": ActionItem.Status.CANCELLED,
}
# A sheet records commitments; finishing, closing (销号) and cancelling them are the
# follow-up workflow's, so a sheet sets no other status and never 100 %.
OPEN_CHOICES = [
    (v, label) for v, label in ActionItem.Status.choices if v in ActionItem.OPEN_STATUSES
]


class ActionImporter(SheetImporter):
    sheet = "actions"
    title = gettext_lazy("action items")
    rules = gettext_lazy(
        "A sheet records new items as 未启动 or 推进中 with progress under 100; an item "
        "already on the trip keeps its status and progress, which move only with its "
        "progress updates and the leaders' decisions."
    )
    columns = [
        Column(
            "title",
            "事项",
            ("督办事项", "落实事项", "工作任务", "任务"),
            required=True,
            example="建立“链长+链主”季度对接会制度",
        ),
        Column(
            "owner_organization",
            "责任单位",
            ("牵头单位",),
            required=True,
            example="梁平区招商投资促进中心",
        ),
        Column("owner", "责任人", ("联系人",), example="陈晓红"),
        Column("due_date", "完成时限", ("时限", "完成时间", "截止日期"), example="2024-06-30"),
        Column(
            "status",
            "状态",
            ("办理状态", "进展状态"),
            example="推进中",
            choices=tuple(str(label) for _, label in OPEN_CHOICES),
        ),
        Column("progress", "进度", ("完成进度", "进度（%）", "进度(%)"), example="30"),
        Column("description", "备注", ("说明", "具体内容"), example=""),
    ]
    field_columns = {
        "title": "事项",
        "owner_organization": "责任单位",
        "owner": "责任人",
        "due_date": "完成时限",
        "status": "状态",
        "progress": "进度",
        "description": "备注",
        "name": "责任人",
    }

    def plan_rows(self, records):
        units = [normalize(r.get("owner_organization", "")) for _, r in records]
        owners = [normalize(r.get("owner", "")) for _, r in records]
        directory = Directory(self.preview, org_names=units, person_names=owners)
        existing = {
            a.title: a for a in self.trip.action_items.select_related("owner_organization", "owner")
        }
        statuses = choice_lookup(ActionItem.Status.choices, STATUS_SYNONYMS)
        seen = {}
        for number, record in records:
            title = self.require(number, record, "title")
            unit = self.require(number, record, "owner_organization")
            due = self.parse(number, record, "due_date", parse_date)
            status = self._status(number, record, statuses)
            progress = self._progress(number, record)
            if not (title and unit) or self.duplicate(seen, title, number, "title"):
                continue
            organization = directory.organization(
                unit, row=number, column=self.column("owner_organization")
            )
            owner_name = normalize(record.get("owner", ""))
            owner = directory.person(owner_name, organization, row=number) if owner_name else None
            action = existing.get(title)
            values = {"owner_organization": organization, "owner": owner, "due_date": due}
            # An empty cell leaves the description the item already has.
            description = record.get("description", "").strip()
            if description or action is None:
                values["description"] = description
            # Only a new item takes the sheet's status and progress: afterwards they move
            # only through progress updates and the leaders' decisions.
            if action is None:
                values["status"] = status or ActionItem.Status.NOT_STARTED
                values["progress"] = progress or 0
            self.plan_object(
                number,
                title,
                action,
                partial(ActionItem, trip=self.trip, title=title),
                values,
                exclude=["trip", "owner_organization", "owner"],
            )
        self.validate_people(directory, self.field_columns)

    def _status(self, number, record, statuses):
        status = self.parse(number, record, "status", parse_choice, statuses, OPEN_CHOICES)
        if status and status not in ActionItem.OPEN_STATUSES:
            self.error(
                number,
                self.column("status"),
                _(
                    "“%(value)s” cannot be imported: a sheet records items as %(choices)s "
                    "only; finishing, closing and cancelling an item go through its follow-up."
                )
                % {
                    "value": record["status"],
                    "choices": "、".join(str(label) for _, label in OPEN_CHOICES),
                },
            )
            return None
        return status

    def _progress(self, number, record):
        progress = self.parse(number, record, "progress", parse_percent)
        if progress == 100:
            self.error(
                number,
                self.column("progress"),
                _(
                    "A sheet cannot record %(full)d%%: an item is finished by its owner's "
                    "progress update."
                )
                % {"full": 100},
            )
            return None
        return progress
