"""Evidence files and a trip's attachments, served only to those who may see them,
always as a download."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from tours.evidence import content_type_for
from tours.models import ActionItem, ActionUpdate, Attachment
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


def may_download_attachment(user, attachment: Attachment) -> bool:
    """Anyone for a public attachment; staff who may view attachments of their trips."""
    if Attachment.objects.public().filter(pk=attachment.pk).exists():
        return True
    if not (user.is_authenticated and user.is_staff and user.has_perm("tours.view_attachment")):
        return False
    return scoped(Attachment.objects.filter(pk=attachment.pk), user).exists()


def private_file(request, name):
    """Send a stored evidence file or attachment as a download with a Content-Type it
    cannot escape."""
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    if name.startswith("attachments/"):
        attachment = get_object_or_404(Attachment, file=name)
        allowed = may_download_attachment(request.user, attachment)
        stored = attachment.file
        download_name = f"{attachment.title.replace('/', '-')}.{extension}"
    else:
        update = get_object_or_404(ActionUpdate, evidence=name)
        allowed = may_download(request.user, update)
        stored = update.evidence
        download_name = f"佐证材料-{update.action_id}-{update.date:%Y%m%d}.{extension}"
    if not allowed:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    try:
        file = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        file, as_attachment=True, filename=download_name, content_type=content_type_for(name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser ignored the attachment, the file could run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
