"""What is searchable: the six kinds of record, the text each contributes, where it links."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tours.models import ActionItem, Campaign, Question, SiteVisit, Takeaway, Trip

# Entry keys: kind in the high bits, then "not public", then the record's own key.
OBJECT_BITS = 40
PRIVATE_BIT = 1 << OBJECT_BITS
KIND_SHIFT = OBJECT_BITS + 1


def entry_id(kind: int, object_id: int, *, public: bool) -> int:
    return (kind << KIND_SHIFT) | (0 if public else PRIVATE_BIT) | object_id


def id_range(kind: int, *, public_only: bool) -> tuple[int, int]:
    """The inclusive key range of a kind's entries: its public ones, or all of them."""
    low = kind << KIND_SHIFT
    return low, low + (PRIVATE_BIT if public_only else 2 * PRIVATE_BIT) - 1


def _join(*parts) -> str:
    return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Kind:
    code: int
    slug: str
    label: Any
    model: type
    related: tuple[str, ...] = ()

    def text(self, obj) -> str:
        """Everything searchable about `obj`: only what its public page shows."""
        return _join(self.title(obj), self.body(obj), *self.extra(obj))

    def title(self, obj) -> str:
        raise NotImplementedError

    def body(self, obj) -> str:
        raise NotImplementedError

    def extra(self, obj) -> list[str]:
        return []

    def trip_of(self, obj):
        return obj.trip

    def trip_id(self, obj) -> int:
        return obj.trip_id

    @property
    def fetch_related(self) -> tuple[str, ...]:
        """What to join when showing a result: its trip and what its text names."""
        return ("trip", *self.related)

    def url(self, obj) -> str:
        raise NotImplementedError

    def admin_url(self, obj) -> str:
        return reverse(f"admin:tours_{self.model._meta.model_name}_change", args=[obj.pk])


class TripKind(Kind):
    def title(self, obj):
        return obj.title

    def body(self, obj):
        return _join(obj.theme, obj.summary)

    def extra(self, obj):
        return [obj.origin, obj.destinations]

    def trip_of(self, obj):
        return obj

    def trip_id(self, obj):
        return obj.pk

    @property
    def fetch_related(self):
        return ()

    def url(self, obj):
        return obj.get_absolute_url()


class VisitKind(Kind):
    def title(self, obj):
        return obj.name

    def body(self, obj):
        return obj.summary

    def extra(self, obj):
        host = obj.host_organization.name if obj.host_organization_id else ""
        presenter = obj.presenter.name if obj.presenter_id else ""
        return [host, presenter, f"{obj.province}{obj.city}{obj.district}"]

    def url(self, obj):
        return f"{obj.trip.get_absolute_url()}#visit-{obj.pk}"


class TakeawayKind(Kind):
    def title(self, obj):
        return ""

    def body(self, obj):
        return obj.text

    def extra(self, obj):
        return [obj.speaker.name if obj.speaker_id else ""]

    def url(self, obj):
        anchor = {"quote": "quotes", "reflection": "reflections"}.get(obj.kind, "lessons")
        return f"{obj.trip.get_absolute_url()}#{anchor}"


class QuestionKind(Kind):
    def title(self, obj):
        return obj.text

    def body(self, obj):
        return obj.answer

    def url(self, obj):
        return f"{obj.trip.get_absolute_url()}#questions"


class ActionKind(Kind):
    def title(self, obj):
        return obj.title

    def body(self, obj):
        return obj.owner_organization.name

    def url(self, obj):
        return obj.get_absolute_url()


class CampaignKind(Kind):
    """A campaign of several delegations: it belongs to no single trip."""

    def title(self, obj):
        return obj.title

    def body(self, obj):
        return obj.summary

    def extra(self, obj):
        return [obj.theme, obj.organizer.name if obj.organizer_id else ""]

    def trip_of(self, obj):
        return None

    def trip_id(self, obj):
        return None

    @property
    def fetch_related(self):
        return self.related

    def url(self, obj):
        return obj.get_absolute_url()


# In the order results are grouped on the page.
KINDS = [
    TripKind(1, "trip", _("Reports"), Trip),
    VisitKind(2, "visit", _("Site visits"), SiteVisit, ("host_organization", "presenter")),
    TakeawayKind(3, "takeaway", _("Takeaways"), Takeaway, ("speaker",)),
    QuestionKind(4, "question", _("Questions and answers"), Question),
    ActionKind(5, "action", _("Follow-up actions"), ActionItem, ("owner_organization",)),
    CampaignKind(6, "campaign", _("Campaigns"), Campaign, ("organizer",)),
]
BY_SLUG = {kind.slug: kind for kind in KINDS}
BY_MODEL = {kind.model: kind for kind in KINDS}
