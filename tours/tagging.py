"""Tag input the way Chinese editors type it."""

import re

import taggit.managers
from taggit.utils import _parse_tags

# Full-width comma, 顿号 and semicolons all separate tags in Chinese writing.
_CHINESE_SEPARATORS = re.compile(r"[，、；;]")


def parse_tags(tagstring: str) -> list[str]:
    return _parse_tags(_CHINESE_SEPARATORS.sub(",", tagstring or ""))


class TaggableManager(taggit.managers.TaggableManager):
    """taggit's manager, filling forms from prefetched tags when they were prefetched.

    Upstream reads a form's initial tags with one query per object, so a trip page with
    150 takeaways would make 150 queries.
    """

    def value_from_object(self, obj):
        prefetched = getattr(obj, "_prefetched_objects_cache", {}).get(self.name)
        if prefetched is not None:
            return list(prefetched)
        return super().value_from_object(obj)
