"""The itinerary (行程安排表): one row per site visit, travel leg or meeting."""

import re
from collections import Counter
from functools import partial

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tours.models import SiteVisit

from .base import Column, Directory, SheetImporter
from .cells import (
    BadCell,
    choice_lookup,
    normalize,
    parse_choice,
    parse_date,
    parse_time,
    parse_time_range,
)
from .places import parse_place

KIND_SYNONYMS = {
    "企业参观": SiteVisit.Kind.ENTERPRISE,
    "参观企业": SiteVisit.Kind.ENTERPRISE,
    "村": SiteVisit.Kind.VILLAGE,
    "社区": SiteVisit.Kind.VILLAGE,
    "村社区": SiteVisit.Kind.VILLAGE,
    "乡村": SiteVisit.Kind.VILLAGE,
    "产业园区": SiteVisit.Kind.PARK,
    "园区": SiteVisit.Kind.PARK,
    "展馆": SiteVisit.Kind.EXHIBITION,
    "展厅": SiteVisit.Kind.EXHIBITION,
    "授课": SiteVisit.Kind.LECTURE,
    "专题讲座": SiteVisit.Kind.LECTURE,
    "讲座": SiteVisit.Kind.LECTURE,
    "座谈": SiteVisit.Kind.MEETING,
    "座谈会": SiteVisit.Kind.MEETING,
    "交流座谈": SiteVisit.Kind.MEETING,
    "招商": SiteVisit.Kind.INVESTMENT_EVENT,
    "推介会": SiteVisit.Kind.INVESTMENT_EVENT,
    "集合": SiteVisit.Kind.OTHER,
    "出发": SiteVisit.Kind.OTHER,
    "路程": SiteVisit.Kind.OTHER,
    "住宿": SiteVisit.Kind.OTHER,
    "返程": SiteVisit.Kind.OTHER,
}
# "张三（镇长）", "张三 镇长": the presenter's name and post.
PRESENTER = re.compile(r"^(?P<name>[^（(\s]+)\s*(?:[（(](?P<title>[^）)]*)[）)]|\s+(?P<post>.+))?$")


class ItineraryImporter(SheetImporter):
    sheet = "itinerary"
    title = gettext_lazy("itinerary")
    columns = [
        Column("date", "日期", required=True, example="2024-02-27"),
        Column("start_time", "开始时间", example="09:00"),
        Column("end_time", "结束时间", example="10:30"),
        Column("time_range", "时间", ("时段",), example=""),
        Column(
            "name",
            "考察点",
            ("考察点位", "活动内容", "考察内容", "考察地点", "名称"),
            required=True,
            example="三角镇企业服务中心",
        ),
        Column(
            "kind",
            "类型",
            ("考察类型", "形式"),
            example="座谈交流",
            choices=tuple(str(label) for _, label in SiteVisit.Kind.choices),
        ),
        Column("host", "接待单位", ("接待方",), example="中山市三角镇人民政府"),
        Column("presenter", "介绍人", ("讲解人", "主讲人", "陪同人员"), example="李卫东（镇长）"),
        Column("province", "省", ("省份",), example=""),
        Column("city", "市", ("城市",), example=""),
        Column("district", "区县", ("区", "县", "区/县"), example=""),
        Column("address", "地址", ("地点", "详细地址"), example="广东省中山市三角镇福源北路"),
        Column("summary", "内容简介", ("简介", "内容", "备注"), example="听取产业链招商情况介绍"),
    ]
    field_columns = {
        "date": "日期",
        "start_time": "开始时间",
        "end_time": "结束时间",
        "name": "考察点",
        "kind": "类型",
        "province": "省",
        "city": "市",
        "district": "区县",
        "address": "地址",
        "summary": "内容简介",
        "title": "介绍人",
    }

    def plan_rows(self, records):
        trip = self.trip
        hosts = [normalize(r.get("host", "")) for _, r in records]
        presenters = [self._presenter(r.get("presenter", ""))[0] for _, r in records]
        directory = Directory(self.preview, org_names=hosts, person_names=presenters)
        visits = trip.site_visits.select_related("host_organization", "presenter")
        existing = {(v.date, v.name): v for v in visits}
        kinds = choice_lookup(SiteVisit.Kind.choices, KIND_SYNONYMS)
        seen, per_day = {}, Counter()
        for number, record in records:
            name = self.require(number, record, "name")
            # The kind decides how late the date may be; its own errors come after the times'.
            said_kind = kinds.get(normalize(record.get("kind", "")).lower())
            date = self._date(number, record, said_kind)
            start, end = self._times(number, record)
            kind = self.parse(number, record, "kind", parse_choice, kinds, SiteVisit.Kind.choices)
            if not (name and date) or self.duplicate(seen, (date, name), number, "name"):
                continue
            per_day[date] += 1
            host = directory.organization(
                normalize(record.get("host", "")), row=number, column=self.column("host")
            )
            presenter_name, presenter_title = self._presenter(record.get("presenter", ""))
            presenter = None
            if presenter_name:
                presenter = directory.person(
                    presenter_name, host, row=number, title=presenter_title
                )
            values = {
                "start_time": start,
                "end_time": end,
                "order": per_day[date],
                "kind": kind or SiteVisit.Kind.OTHER,
                "host_organization": host,
                "presenter": presenter,
                # The post the sheet gives is the one held at the time.
                "presenter_title": presenter_title if presenter else "",
                **self._place(record, name, host),
                "address": normalize(record.get("address", "")),
                "summary": record.get("summary", "").strip(),
            }
            self.plan_object(
                number,
                f"{formats.date_format(date)} {name}",
                existing.get((date, name)),
                partial(SiteVisit, trip=trip, date=date, name=name),
                values,
                exclude=["trip", "host_organization", "presenter"],
            )
        self.validate_people(directory, {"name": "介绍人", "title": "介绍人"})

    def _date(self, number, record, kind=None):
        trip = self.trip
        date = self.parse(number, record, "date", parse_date, default_year=trip.start_date.year)
        # A summary meeting may be held weeks after the trip (SiteVisit.clean).
        last = (
            trip.summary_meeting_deadline
            if kind == SiteVisit.Kind.SUMMARY_MEETING
            else trip.end_date
        )
        if date and not trip.start_date <= date <= last:
            self.error(
                number,
                self.column("date"),
                _("%(date)s is outside the trip (%(start)s to %(end)s).")
                % {
                    "date": formats.date_format(date),
                    "start": formats.date_format(trip.start_date),
                    "end": formats.date_format(last),
                },
            )
            return None
        return date

    def _times(self, number, record):
        start = self.parse(number, record, "start_time", parse_time)
        end = self.parse(number, record, "end_time", parse_time)
        if not (start or end) and record.get("time_range"):
            try:
                start, end = parse_time_range(record["time_range"])
            except BadCell as bad:
                self.error(number, self.column("time_range"), str(bad))
        if start and end and end < start:
            column = self.column("end_time" if record.get("end_time") else "time_range")
            self.error(number, column, _("The end time cannot be earlier than the start time."))
        return start, end

    @staticmethod
    def _presenter(text: str) -> tuple[str, str]:
        match = PRESENTER.match(normalize(text))
        if not match:
            return normalize(text)[:50], ""
        return match["name"], (match["title"] or match["post"] or "").strip()

    @staticmethod
    def _place(record, name, host) -> dict:
        """The province, city and district columns, filled from the address, the site's
        or the host's name where they are empty."""
        given = {key: normalize(record.get(key, "")) for key in ("province", "city", "district")}
        if all(given.values()):
            return given
        found = parse_place(
            "".join(given.values()) + normalize(record.get("address", "")),
            name,
            host.name if host else "",
        )
        return {key: given[key] or getattr(found, key) for key in given}
