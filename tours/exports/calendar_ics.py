"""A trip's itinerary as an iCalendar file: one event per public site visit.

Timed visits carry TZID=Asia/Shanghai with its VTIMEZONE, so a phone set to another zone
still shows 09:00 where the visit was; a visit without a time is an all-day event.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

ZONE = ZoneInfo(settings.TIME_ZONE)
DEFAULT_LENGTH = datetime.timedelta(hours=1)


def build_calendar(trip, visits, *, url: str = "", domain: str = "study-tours") -> bytes:
    """The .ics bytes for `visits` (the caller passes only what the public may see)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Study Tours//学习考察//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", trip.title)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = trip.updated_at or timezone.now()
    for visit in visits:
        event = Event()
        event.add("uid", f"sitevisit-{visit.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", visit.name)
        start, end = _times(visit)
        event.add("dtstart", start)
        event.add("dtend", end)
        place = "".join(
            part
            for part in (
                visit.province,
                visit.city if visit.city != visit.province else "",
                visit.district,
                visit.address,
            )
            if part
        )
        if place:
            event.add("location", place)
        details = [visit.get_kind_display()]
        if visit.host_organization_id:
            details.append(visit.host_organization.name)
        if visit.summary:
            details.append(visit.summary)
        event.add("description", "\n".join(details))
        if url:
            event.add("url", url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _times(visit):
    if visit.start_time is None:
        return visit.date, visit.date + datetime.timedelta(days=1)
    start = datetime.datetime.combine(visit.date, visit.start_time, tzinfo=ZONE)
    if visit.end_time and visit.end_time > visit.start_time:
        end = datetime.datetime.combine(visit.date, visit.end_time, tzinfo=ZONE)
    else:
        end = start + DEFAULT_LENGTH
    return start, end
