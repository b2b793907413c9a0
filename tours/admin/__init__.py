"""The staff's admin: the trip page with its parts inline, and a page per part."""

from . import campaign, parts, photos, tags, trip  # noqa: F401  (registers the model admins)
