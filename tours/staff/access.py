"""Who may open a staff page or object (healthchecks' and pretix's access helpers).

Anonymous → the login page; signed in but not allowed into the area → 403; an object
the user may not see → 404, so its existence does not leak.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tours.models import ActionItem

# Leaders: the 审阅人 group holds this permission (superusers hold every permission).
REVIEWER = "tours.review_takeaway"
# Action owners: the 责任人 group holds this one; which items is decided per object.
OWNER = "tours.add_actionupdate"


def staff_area(perm: str, *, hide: bool = False):
    """Let signed-in users with `perm` through; `hide` answers others 404 instead of 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise Http404 if hide else PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


reviewer_area = staff_area(REVIEWER)
owner_area = staff_area(OWNER)


def owned_action_or_404(user, pk):
    """An action item `user` answers for (theirs, their unit's as lead or co-unit); else 404."""
    items = ActionItem.objects.for_owner(user).with_warning()
    return get_object_or_404(
        items.select_related(
            "trip",
            "owner_organization",
            "owner__organization",
            "created_by__participant",
            "acknowledged_by__participant",
            "source_instruction__author",
            "parent",
        ).prefetch_related("support_organizations"),
        pk=pk,
    )
