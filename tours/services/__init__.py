"""Workflows across models (DESIGN.md's service names), one module per area.

Each service is keyword-only, atomic, checks the user's permission itself and raises
ValidationError or PermissionDenied; views, admin actions and commands all call these.
"""

from .photos import add_photo, arrange_photos, assign_photos_by_time, set_cover_photo

__all__ = ["add_photo", "arrange_photos", "assign_photos_by_time", "set_cover_photo"]
