"""Workflows across models (DESIGN.md's service names), one module per area.

Each service is keyword-only, atomic, checks the user's permission itself and raises
ValidationError or PermissionDenied; views, admin actions and commands all call these.
"""

from .sheets import can_import_sheet, import_sheet, preview_sheet

__all__ = ["can_import_sheet", "import_sheet", "preview_sheet"]
