"""Province, city and district from free place text (an address, a site's or host's name).

A small vendored table of administrative divisions (data/divisions.csv, see its README)
rather than a parsing library: the one suggested (cpca) pulls in pandas and numpy (≈130 MB),
takes ≈80 MB of memory, is no longer released, and misses recent changes such as 梁平区.
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "divisions.csv"

# Suffixes people leave out when they write a place ("广东佛山顺德" for 广东省佛山市顺德区).
# Longest first, so 壮族自治区 goes before 自治区.
PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
CITY_SUFFIXES = ("地区", "盟", "市")
COUNTY_SUFFIXES = ("市", "县", "区", "旗")
# A short name followed by one of these is a street or a village, not the place: 中山路.
NOT_A_PLACE_AFTER = set("路街道巷弄村镇乡里大桥")
MUNICIPALITIES = {"11", "12", "31", "50"}


@dataclass(frozen=True)
class Division:
    code: str
    name: str

    @property
    def level(self) -> int:
        """1 province, 2 city, 3 county."""
        if self.code.endswith("0000"):
            return 1
        return 2 if self.code.endswith("00") else 3


@dataclass(frozen=True)
class Place:
    province: str = ""
    city: str = ""
    district: str = ""


@dataclass(frozen=True)
class _Match:
    division: Division
    short: bool


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[_Match]], dict[str, Division], int]:
    with DATA.open(encoding="utf-8") as file:
        divisions = [Division(row["code"], row["name"]) for row in csv.DictReader(file)]
    by_code = {d.code: d for d in divisions}
    names: dict[str, list[_Match]] = {}

    def add(name, division, short):
        names.setdefault(name, []).append(_Match(division, short))

    for division in divisions:
        add(division.name, division, False)
        suffixes = (PROVINCE_SUFFIXES, CITY_SUFFIXES, COUNTY_SUFFIXES)[division.level - 1]
        short = _strip_suffix(division.name, suffixes)
        if division.level == 2 and division.name.endswith("自治州"):
            short = division.name[:2]  # 恩施土家族苗族自治州 is 恩施
        if short and short != division.name and len(short) >= 2:
            add(short, division, True)
    return names, by_code, max(map(len, names))


def _strip_suffix(name: str, suffixes) -> str:
    for suffix in suffixes:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _scan(text: str) -> list[_Match]:
    """Every division named in `text`, leftmost-longest, in the order they appear."""
    names, _, longest = _index()
    found, i = [], 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 1, -1):
            matches = names.get(text[i : i + length])
            following = text[i + length : i + length + 1]
            if matches:
                matches = [m for m in matches if not (m.short and following in NOT_A_PLACE_AFTER)]
            if matches:
                found.append(matches)
                i += length
                break
        else:
            i += 1
    return found


def parse_place(*texts: str) -> Place:
    """The place the first of `texts` that names one points at; missing levels are inferred.

    "佛山市顺德区北滘镇" gives 广东省 / 佛山市 / 顺德区; a district that several cities have
    (朝阳区) is only taken when the text also names its city or province.
    """
    for text in texts:
        place = _place_in(re.sub(r"\s+", "", text or ""))
        if place != Place():
            return place
    return Place()


def _place_in(text: str) -> Place:
    _, by_code, _ = _index()
    found: dict[int, Division] = {}

    def fits(match: _Match) -> bool:
        division = match.division
        if division.level in found:
            return False
        if 1 in found and not division.code.startswith(found[1].code[:2]):
            return False
        if division.level == 3 and 2 in found:
            return division.code.startswith(found[2].code[:4])
        # A short county name (梁平) says too little without its city or province.
        return not (match.short and division.level == 3 and not found)

    for matches in _scan(text):
        candidates = [m.division for m in matches if fits(m)]
        if not candidates:
            continue
        level = min(d.level for d in candidates)
        at_level = {d.code: d for d in candidates if d.level == level}
        # A name several places share (朝阳区, 鼓楼区) is only taken with its city or province.
        if len(at_level) == 1:
            found[level] = next(iter(at_level.values()))

    county, city, province = found.get(3), found.get(2), found.get(1)
    if county and city is None:
        city = by_code.get(county.code[:4] + "00")
    if (city or county) and province is None:
        province = by_code.get((city or county).code[:2] + "0000")
    if province is None:
        return Place()
    if province.code[:2] in MUNICIPALITIES:
        city = province
    elif city is None and county is not None:
        # A county-level city directly under its province (仙桃市) stands at city level.
        city, county = county, None
    return Place(
        province=province.name,
        city=city.name if city else "",
        district=county.name if county else "",
    )
