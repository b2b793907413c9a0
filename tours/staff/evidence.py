"""Evidence files, served only to those who may see them, always as a download."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from tours.evidence import content_type_for
from tours.models import ActionItem, ActionUpdate
from tours.scope import scoped


def may_download(user, update: ActionUpdate) -> bool:
    """Staff who may view updates, the item's owners, and anyone for published evidence."""
    if ActionUpdate.objects.public_evidence().filter(pk=update.pk).exists():
        return True
    if not user.is_authenticated:
        return False
    staff = user.is_staff and user.has_perm("tours.view_actionupdate")
    if staff and scoped(ActionUpdate.objects.filter(pk=update.pk), user).exists():
        return True
    return ActionItem.objects.for_owner(user).filter(pk=update.action_id).exists()


def private_file(request, name):
    """Send a stored evidence file as an attachment with a Content-Type it cannot escape."""
    update = get_object_or_404(ActionUpdate, evidence=name)
    if not may_download(request.user, update):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    try:
        file = update.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"佐证材料-{update.action_id}-{update.date:%Y%m%d}.{extension}",
        content_type=content_type_for(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser ignored the attachment, the file could run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
