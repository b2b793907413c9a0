"""Accounts: after signing in, each role lands where its work is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .access import OWNER, REVIEWER


@login_required
def home(request):
    """Send leaders to the review desk, owners to their actions, editors to the admin."""
    user = request.user
    if user.has_perm(REVIEWER):
        return redirect("tours:review-desk")
    if user.has_perm(OWNER):
        return redirect("tours:my-actions")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "accounts/home.html")
