"""A trip's itinerary as an iCalendar file: one event per public site visit.

Timed visits carry TZID=Asia/Shanghai with its VTIMEZONE, so a phone set to another zone
still shows 09:00 where the visit was; a visit without a time is an all-day event.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

ZONE = ZoneInfo(settings.TIME_ZONE)
DEFAULT_LENGTH = datetime.timedelta(hours=1)
# RFC 5545 text may hold no control character but a tab; icalendar escapes only newlines,
# and refuses one in a property it does not know (X-WR-CALNAME).
CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")


def build_calendar(trip, visits, *, url: str = "", domain: str = "study-tours") -> bytes:
    """The .ics bytes for `visits` (the caller passes only what the public may see)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Study Tours//学习考察//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _line(trip.title))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = trip.updated_at or timezone.now()
    for visit in visits:
        event = Event()
        event.add("uid", f"sitevisit-{visit.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", _line(visit.name))
        start, end = _times(visit)
        event.add("dtstart", start)
        event.add("dtend", end)
        place = _line(_location(visit))
        if place:
            event.add("location", place)
        details = [visit.get_kind_display()]
        if visit.host_organization_id:
            details.append(visit.host_organization.name)
        if visit.summary:
            details.append(visit.summary)
        event.add("description", "\n".join(_text(d) for d in details))
        if url:
            event.add("url", url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _location(visit) -> str:
    """Province, city, district and address, without repeating what the address starts with.

    Addresses are often typed in full (广东省佛山市顺德区大良街道) or from the city on
    (佛山市顺德区…): the region is given only down to the first part the address repeats.
    """
    region = [visit.province, visit.city if visit.city != visit.province else "", visit.district]
    region = [part for part in region if part]
    for level, part in enumerate(region):
        if visit.address.startswith(part):
            return "".join(region[:level]) + visit.address
    return "".join(region) + visit.address


def _line(text: str) -> str:
    """Text for a one-line property: line breaks and control characters become a space."""
    return CONTROLS.sub(" ", text).strip()


def _text(text: str) -> str:
    """Text for a multi-line property: its lines kept, other control characters dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(CONTROLS.sub("", line) for line in lines)


def _times(visit):
    if visit.start_time is None:
        return visit.date, visit.date + datetime.timedelta(days=1)
    start = datetime.datetime.combine(visit.date, visit.start_time, tzinfo=ZONE)
    if visit.end_time and visit.end_time > visit.start_time:
        end = datetime.datetime.combine(visit.date, visit.end_time, tzinfo=ZONE)
    else:
        end = start + DEFAULT_LENGTH
    return start, end
