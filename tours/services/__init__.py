"""Workflows across models (docs/architecture.md names them), one module per area.

Each service is keyword-only, atomic, checks the user's permission itself and raises
ValidationError or PermissionDenied; views, admin actions and commands all call these.
"""

from .actions import (
    ActionRowsError,
    close_action,
    create_action,
    post_action_update,
    record_instruction,
    watch_action,
)
from .edits import mark_edits_seen
from .followup import (
    acknowledge_action,
    acknowledge_notice,
    add_subtask,
    cancel_action,
    decide_extension,
    issue_notice,
    request_extension,
    return_action,
)
from .history import restore_part
from .photos import add_photo, arrange_photos, assign_photos_by_time, set_cover_photo
from .sheets import can_import_sheet, import_sheet, preview_sheet
from .workflow import (
    archive_trip,
    publish_trip,
    return_trip,
    review_takeaway,
    review_takeaways,
    submit_trip,
)

__all__ = [
    "ActionRowsError",
    "acknowledge_action",
    "acknowledge_notice",
    "add_photo",
    "add_subtask",
    "archive_trip",
    "arrange_photos",
    "assign_photos_by_time",
    "can_import_sheet",
    "cancel_action",
    "close_action",
    "create_action",
    "decide_extension",
    "import_sheet",
    "issue_notice",
    "mark_edits_seen",
    "post_action_update",
    "preview_sheet",
    "publish_trip",
    "record_instruction",
    "request_extension",
    "restore_part",
    "return_action",
    "return_trip",
    "review_takeaway",
    "review_takeaways",
    "set_cover_photo",
    "submit_trip",
    "watch_action",
]
