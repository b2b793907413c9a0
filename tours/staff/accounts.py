"""Accounts: after signing in, each role lands where its work is."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
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


class LoginForm(AuthenticationForm):
    """Django's login form, refusing an overlong user name before anyone tries it.

    The stock form sets the field's max_length after building it, so nothing enforces it,
    and the failed attempt django-axes then records would not fit its column.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
