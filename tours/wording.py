"""How an official Chinese text words what the reports print.

Quotation marks nested as GB/T 15834-2011 nests them, the home side named as the sending
unit names itself (我区, 我镇, 我街道…), a gap in a rate in percentage points (低3.6个百分点),
and the place a trip went to named from where it set out (三角镇, not 中山市, for a
delegation from within 中山市). Plain functions of text, shared by the Word files, the
models and the templates.
"""

import re

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Quotation marks (GB/T 15834-2011 §4.1.3.2): “double” outside, ‘single’ within, “double”
# again a level further in. A text printed inside “…” has its own marks moved one level down.
_ONE_LEVEL_DOWN = str.maketrans({"“": "‘", "”": "’", "‘": "“", "’": "”"})
_STRAIGHT_PAIR = re.compile(r'"([^"\n]*)"')


def nested_quotes(text: str) -> str:
    """`text` made ready to print inside “…”: its “…” become ‘…’ and its ‘…’ become “…”.

    Straight "…" pairs count as double marks. A lone ’ (an apostrophe, as in Xi’an) stays.
    A text that is itself one quotation (“…” from end to end) loses its own marks, which
    the “…” around it replace.
    """
    text = _STRAIGHT_PAIR.sub(r"“\1”", text.strip())
    if _is_one_quotation(text):
        text = text[1:-1]
    if not ("‘" in text and "’" in text):
        return text.replace("“", "‘").replace("”", "’")
    return text.translate(_ONE_LEVEL_DOWN)


def quoted(text: str) -> str:
    """`text` between “ and ”, its own quotation marks one level down: “…‘工改工’…”."""
    return f"“{nested_quotes(text)}”"


def _is_one_quotation(text: str) -> bool:
    if not (len(text) >= 2 and text[0] == "“" and text[-1] == "”"):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += {"“": 1, "”": -1}.get(char, 0)
        if depth == 0:
            return position == len(text) - 1
    return False


# The home side of a comparison: 我区 for a district, 我镇 for a town… The sending unit's
# organ (党委, 人民政府, 组织部…) is taken off its name first: 中共梁平区委组织部 is a 区's.
_ORGAN_ENDINGS = (
    "组织部", "宣传部", "统战部", "办公室", "办公厅", "工作委员会", "管理委员会", "委员会",
    "党工委", "工委", "党委", "人民政府", "政府", "办事处", "管委会", "委",
)  # fmt: skip
_ORGAN_PREFIXES = ("中共", "中国共产党")
# Longest first, so 街道 wins over a 区 in its name (南区街道) and 自治区 over 区.
_DIVISIONS = (
    ("自治区", "区"), ("自治州", "州"), ("自治县", "县"), ("街道", "街道"), ("社区", "社区"),
    ("省", "省"), ("市", "市"), ("州", "州"), ("盟", "盟"), ("县", "县"), ("旗", "旗"),
    ("区", "区"), ("镇", "镇"), ("乡", "乡"), ("村", "村"),
)  # fmt: skip
# A division's character inside a word that is no division: 市场监管局, 城市管理局, 区域.
_NOT_A_DIVISION = re.compile(r"(?<=城)市|市(?=场|民|政(?!府))|区(?=域|间)")


def home_word(unit: str) -> str:
    """What a report from `unit` (its origin or organizer) calls its own side.

    中共梁平区委组织部 → 我区, 三角镇人民政府 → 我镇, 南区街道党工委 → 我街道, 中山市 → 我市,
    梁平区发展和改革委员会 → 我区. A unit named without a division (梁平) is called by its
    name; no unit at all, 我方.
    """
    name = unit.strip()
    for prefix in _ORGAN_PREFIXES:
        name = name.removeprefix(prefix)
    while ending := next(
        (e for e in _ORGAN_ENDINGS if name.endswith(e) and len(name) > len(e)), None
    ):
        name = name.removesuffix(ending)
    for suffix, division in _DIVISIONS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"我{division}"
    # A department of the unit (梁平区发展和改革, 梁平区市场监督管理局): its last division.
    last = None
    for suffix, division in _DIVISIONS:
        for match in re.finditer(suffix, name):
            if match.start() == 0 or _NOT_A_DIVISION.match(name, match.start()):
                continue
            if last is None or match.end() > last[0]:
                last = (match.end(), division)
    if last:
        return f"我{last[1]}"
    return name or _("Ours")


# A gap between two rates is a difference of percentage points, worded as officials word it.
PERCENT_UNITS = ("%", "％", "个百分点", "百分点")


def plain_number(value) -> str:
    """A decimal as written: 215.6000 → 215.6, 42.0 → 42."""
    return f"{value.normalize():f}"


def gap_text(gap, unit: str, *, higher_is_better: bool = True) -> str:
    """A benchmark gap (home minus benchmark) as a report writes it.

    A rate's gap in percentage points, in words: 低3.6个百分点, 高2个百分点, 持平; any other
    a plain difference with its unit: -117.3亿元. Where a lower figure is the better one
    (a rank, a time limit) the sign no longer says who leads, so the words do:
    3位（落后于对标）, -2天（优于对标）.
    """
    if gap is None:
        return "—"
    text = _plain_gap_text(gap, unit)
    if higher_is_better or gap == 0:
        return text
    if gap > 0:
        return _("%(gap)s (behind the benchmark)") % {"gap": text}
    return _("%(gap)s (ahead of the benchmark)") % {"gap": text}


def _plain_gap_text(gap, unit: str) -> str:
    if unit.strip() not in PERCENT_UNITS:
        return f"{plain_number(gap)}{unit}"
    if gap == 0:
        return _("level (no gap)")
    points = plain_number(abs(gap))
    if gap < 0:
        return _("%(points)s percentage points lower") % {"points": points}
    return _("%(points)s percentage points higher") % {"points": points}


# The place a visit was at, named from home.
_PLACE_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "街道", "省", "市", "州", "县", "区", "镇", "乡",
)  # fmt: skip


def _lies_in(place: str, home: str) -> bool:
    """Whether `home` (中山市南区街道) lies in `place` (中山市, or 中山)."""
    if place in home:
        return True
    for suffix in _PLACE_SUFFIXES:
        stem = place.removesuffix(suffix)
        if stem != place:
            return len(stem) >= 2 and stem in home
    return False


def visit_place(visit, home: str = "") -> str:
    """Where `visit` was, as a report from `home` names it.

    Its city (else province), as a report from elsewhere names the places it went to; a
    visit within home's own city is named by its district or town (三角镇): the most
    specific place that differs from home.
    """
    broad = visit.city or visit.province
    if not (home and broad and _lies_in(broad, home)):
        return broad
    # Within home's city its district or town, even home's own: closer than the city.
    return visit.district or broad


def date_range(start, end, *, full_end: bool = False) -> str:
    """A span of days as the language writes it.

    Chinese: 2024年2月26日至3月1日, the end leaving out the year it shares with the start
    (or in full with `full_end`, as a rule's message quotes it). English, the way
    American style guides write a span: September 18–23, 2026; September 28 – October 2,
    2026; December 30, 2026 – January 2, 2027. Django's own English formats would give
    "Sept. 18, 2026 to September 23".
    """
    if not (start and end) or start == end:
        day = start or end
        if not day:
            return ""
        return formats.date_format(day) if get_language() == "zh-hans" else _english_day(day)
    if get_language() == "zh-hans":
        if full_end or start.year != end.year:
            end_text = formats.date_format(end)
        else:
            end_text = formats.date_format(end, "n月j日")  # Django's MONTH_DAY_FORMAT pads: 09月
        return _("%(start)s to %(end)s") % {"start": formats.date_format(start), "end": end_text}
    if start.year != end.year:
        return f"{_english_day(start)} – {_english_day(end)}"
    if start.month != end.month:
        return f"{formats.date_format(start, 'F j')} – {_english_day(end)}"
    return f"{formats.date_format(start, 'F j')}–{formats.date_format(end, 'j, Y')}"


def _english_day(day) -> str:
    return formats.date_format(day, "F j, Y")


def colon(label) -> str:
    """A label before its value: 责任单位： in Chinese (a full-width colon, no space),
    "Responsible unit: " in English."""
    return _("%(label)s: ") % {"label": label}
