"""Matching proposed people and units to the records that already exist, by name.

Pure functions over querysets (or any iterables of objects with `.name`), so the import view
passes the user's scoped querysets and gets back, per proposal, the record it may be.
"""

import re

_UNIT_NOISE = re.compile(r"^中共|委员会$|人民政府$|办事处$")


def _unit_key(name: str) -> str:
    return _UNIT_NOISE.sub("", name or "").replace("区委", "区").replace("县委", "县")


def match_organizations(names, organizations) -> dict[str, object | None]:
    """For each proposed unit name, the organization of that name (exactly, or once the
    usual 中共/委员会/人民政府 are set aside, or the one whose name contains it), or None."""
    organizations = list(organizations)
    by_name = {o.name: o for o in organizations}
    by_key = {}
    for organization in organizations:
        by_key.setdefault(_unit_key(organization.name), organization)
    result = {}
    for name in names:
        if not name:
            continue
        match = by_name.get(name) or by_key.get(_unit_key(name))
        if match is None:
            containing = [o for o in organizations if len(name) >= 4 and name in o.name]
            match = containing[0] if len(containing) == 1 else None
        result[name] = match
    return result


def match_people(people, participants) -> dict[str, object | None]:
    """For each proposed Person, the participant of that name; when several share it, the
    one whose organization matches the proposal's unit, else None (staff choose)."""
    by_name: dict[str, list] = {}
    for participant in participants:
        by_name.setdefault(participant.name, []).append(participant)
    result = {}
    for person in people:
        candidates = by_name.get(person.name, [])
        if len(candidates) == 1:
            result[person.name] = candidates[0]
            continue
        unit = _unit_key(person.organization or "")
        same_unit = [
            c
            for c in candidates
            if unit and c.organization_id and unit in _unit_key(c.organization.name)
        ]
        result[person.name] = same_unit[0] if len(same_unit) == 1 else None
    return result
