"""Parse one cell's text into a value, or raise BadCell with a message for the person."""

import datetime
import re

from django.utils import translation
from django.utils.translation import gettext as _

EXCEL_EPOCH = datetime.date(1899, 12, 30)


class BadCell(ValueError):
    """The cell cannot be understood; the message says why, in the user's language."""


def normalize(text: str) -> str:
    """Fold full-width letters, digits and spaces, so ２０２４ and 2024 read the same."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if "！" <= ch <= "～" else " " if ch == "\u3000" else ch
        for ch in text
    )
    return folded.strip()


_DATE_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?:\s+[\d:]+)?$"),
    re.compile(r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
]
_DATE_WITHOUT_YEAR = [
    re.compile(r"^(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?$"),
    re.compile(r"^(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})$"),
]


def parse_date(text: str, *, default_year: int | None = None) -> datetime.date:
    """2024-02-28, 2024/2/28, 2024.2.28, 2024年2月28日, 20240228, an Excel serial number;
    with `default_year`, also 2月28日."""
    value = normalize(text)
    match = next((m for p in _DATE_PATTERNS if (m := p.match(value))), None)
    year = None
    if match:
        year = int(match["y"])
    elif default_year is not None:
        match = next((m for p in _DATE_WITHOUT_YEAR if (m := p.match(value))), None)
        year = default_year
    if match is None:
        if re.fullmatch(r"\d{5}(\.0+)?", value) and 20000 <= float(value) <= 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(float(value)))
        raise BadCell(
            _("“%(value)s” is not a date; write it like 2024-02-28 or 2024年2月28日.")
            % {"value": text}
        )
    try:
        return datetime.date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        raise BadCell(_("There is no such date as “%(value)s”.") % {"value": text}) from None


_TIME = re.compile(r"^(?P<h>\d{1,2})\s*[:：时点]\s*(?P<m>\d{1,2})?\s*分?(?::\d{1,2})?$")
# Itineraries often give a half day instead of a time: the row's order keeps its place.
PARTS_OF_DAY = {"上午", "中午", "下午", "晚上", "傍晚", "全天", "晚间", "早上", "凌晨"}


def parse_time(text: str) -> datetime.time | None:
    """09:00, 9:00, 9时30分, 9点; a part of the day (上午, 下午) gives no time."""
    value = normalize(text)
    if value in PARTS_OF_DAY:
        return None
    match = _TIME.match(value)
    if match:
        try:
            return datetime.time(int(match["h"]), int(match["m"] or 0))
        except ValueError:
            pass
    raise BadCell(
        _("“%(value)s” is not a time of day; write it like 09:00 or 14:30.") % {"value": text}
    )


_TIME_RANGE = re.compile(r"^(?P<start>[^-–—~～至到]+)\s*[-–—~～至到]+\s*(?P<end>.+)$")


def parse_time_range(text: str) -> tuple[datetime.time | None, datetime.time | None]:
    """ "09:00-10:30", "上午 9:00—10:30" or a single time."""
    value = normalize(text)
    for part in PARTS_OF_DAY:
        if value.startswith(part) and value != part:
            value = value[len(part) :].strip()
    match = _TIME_RANGE.match(value)
    if match:
        return parse_time(match["start"]), parse_time(match["end"])
    return parse_time(value), None


def parse_percent(text: str) -> int:
    """30, 30%, 30.0, ３０％; 0 to 100."""
    value = normalize(text).rstrip("%").strip()
    try:
        number = float(value)
    except ValueError:
        raise BadCell(
            _("“%(value)s” is not a percentage; write a number from 0 to 100.") % {"value": text}
        ) from None
    if not 0 <= number <= 100:
        raise BadCell(_("Progress must be between 0 and 100."))
    return round(number)


def choice_lookup(choices, synonyms: dict[str, str] | None = None) -> dict[str, str]:
    """Map every way of writing a choice (stored value, Chinese and English label,
    customary synonyms) to its stored value."""
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    for word, value in (synonyms or {}).items():
        lookup[word.lower()] = value
    return lookup


def parse_choice(text: str, lookup: dict[str, str], choices) -> str:
    value = normalize(text).lower()
    if value in lookup:
        return lookup[value]
    raise BadCell(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": text, "choices": "、".join(str(label) for _, label in choices)}
    )
