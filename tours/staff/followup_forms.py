"""Forms of the follow-up loop: what owners and leaders fill in on an item's page.

As elsewhere on the staff pages, fields check only their own shape; the services in
tours/services/followup.py decide the rest, and their messages land here by field name.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Organization, Participant
from tours.models import DeadlineExtension, SupervisionNotice

from .forms import DateInput
from .pickers import Picker


class ExtensionRequestForm(forms.Form):
    due_date = forms.DateField(label=_("new due date asked for"), required=False, widget=DateInput)
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("approve")), ("0", _("refuse"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, extension: DeadlineExtension | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.extension = extension


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("what still has to be done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("why the item is cancelled"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoticeForm(forms.Form):
    level = forms.ChoiceField(
        label=_("kind of notice"), choices=SupervisionNotice.Level.choices, required=False
    )
    text = forms.CharField(
        label=_("what the unit is asked to do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubtaskForm(forms.Form):
    title = forms.CharField(label=_("sub-task"), max_length=200, required=False)
    owner_organization = forms.ModelChoiceField(
        label=_("responsible unit"),
        queryset=Organization.objects.all(),
        required=False,
        widget=Picker("units"),
    )
    owner = forms.ModelChoiceField(
        label=_("responsible person"),
        queryset=Participant.objects.all(),
        required=False,
        widget=Picker("people"),
    )
    weight = forms.IntegerField(label=_("weight"), min_value=1, initial=1, required=False)
    due_date = forms.DateField(label=_("due date"), required=False, widget=DateInput)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["weight"] = data["weight"] or 1
        return data
