"""Forms of the review desk and the owners' pages.

They check what a field can check on its own (a date is a date, a number a number);
the services decide everything else and their messages land on these fields by name.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Organization, Participant
from tours.evidence import KINDS
from tours.models import ActionItem
from tours.page_versions import StalePageForm
from tours.services.workflow import DECISIONS

from .pickers import MultiplePicker, Picker


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def add_service_errors(form, error):
    """Put a service's ValidationError on the form's fields by name, the rest above it."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


class DecisionForm(StalePageForm, forms.Form):
    """Adopt, feature or return the takeaways ticked on the desk (or the one clicked)."""

    decision = forms.ChoiceField(
        label=_("decision"), choices=[(d.value, d.label) for d in DECISIONS]
    )
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea)


class ActionFields(forms.Form):
    """What an action item needs: shared by the desk's panels."""

    title = forms.CharField(label=_("what will be done"), max_length=200, required=False)
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
    due_date = forms.DateField(label=_("due date"), required=False, widget=DateInput)

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in ActionFields.base_fields}


class ActionFromTakeawaysForm(StalePageForm, ActionFields):
    """An action item from ticked takeaways, adopting those still pending."""

    support_organizations = forms.ModelMultipleChoiceField(
        label=_("co-responsible units"),
        queryset=Organization.objects.all(),
        required=False,
        widget=MultiplePicker("units"),
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_public = forms.BooleanField(label=_("public"), required=False, initial=True)

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "support_organizations": self.cleaned_data["support_organizations"],
            "description": self.cleaned_data["description"],
            "is_public": self.cleaned_data["is_public"],
        }


class InstructionForm(forms.Form):
    author = forms.ModelChoiceField(
        label=_("instructing leader"),
        queryset=Participant.objects.all(),
        required=False,
        widget=Picker("people"),
    )
    date = forms.DateField(label=_("date"), required=False, widget=DateInput)
    takeaway = forms.ModelChoiceField(
        label=_("on the takeaway"),
        queryset=None,
        required=False,
        empty_label=_("(the trip as a whole)"),
    )
    text = forms.CharField(
        label=_("instruction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(label=_("public"), required=False)

    def __init__(self, *args, trip, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["takeaway"].queryset = trip.takeaways.all()
        self.fields["takeaway"].label_from_instance = lambda t: f"#{t.pk} {t}"


InstructionActionFormSet = forms.formset_factory(ActionFields, extra=3)


class PublicationForm(StalePageForm, forms.Form):
    """Publish or archive: nothing to fill in, but the page must show the trip as it is."""


class ReturnTripForm(StalePageForm, forms.Form):
    comment = forms.CharField(
        label=_("what needs to change"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# A fall of more than this many points (60 % → 6 %) is asked about before it is saved:
# it is more often a slip of the keyboard than news.
PROGRESS_DROP_TO_CONFIRM = 20


class ProgressUpdateForm(forms.Form):
    date = forms.DateField(label=_("date"), required=False, widget=DateInput)
    progress = forms.IntegerField(
        label=_("progress (%)"),
        error_messages={
            "required": _("Give the progress in percent, 0 to 100."),
            "invalid": _("Give the progress as a whole number from 0 to 100."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    note = forms.CharField(
        label=_("progress note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("evidence"),
        required=False,
        help_text=_("PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx), at most 20 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(kind.extension for kind in KINDS) + ",.jpeg"}
        ),
    )
    evidence_is_public = forms.BooleanField(
        label=_("the evidence may be published with the action item"), required=False
    )
    confirm_drop = forms.BooleanField(
        label=_("Yes, the progress really goes down this far"), required=False
    )

    def __init__(self, *args, action: ActionItem, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate(), "progress": action.progress})
        super().__init__(*args, **kwargs)
        self.action = action

    def drop_message(self, progress) -> str:
        return _(
            "Progress would fall from %(before)s%% to %(after)s%%, more than %(points)s points. "
            "If that is right, tick “Yes, the progress really goes down this far” and send "
            "the update again."
        ) % {"before": self.action.progress, "after": progress, "points": PROGRESS_DROP_TO_CONFIRM}

    @property
    def asks_to_confirm_drop(self) -> bool:
        """Show the confirmation box: the last send was refused for a large drop."""
        return self.is_bound and "confirm_drop" in self.errors

    def clean(self):
        data = super().clean()
        progress = data.get("progress")
        drop = self.action.progress - progress if progress is not None else 0
        if drop > PROGRESS_DROP_TO_CONFIRM and not data.get("confirm_drop"):
            self.add_error("confirm_drop", self.drop_message(progress))
        return data

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_drop"}


class SeenEditsForm(forms.Form):
    """标记为已阅: the newest edit the desk listed, posted back with the button."""

    up_to = forms.DateTimeField(widget=forms.HiddenInput)
