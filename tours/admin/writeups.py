"""从文稿导入: a write-up (pasted, .txt or .docx) read into a trip's proposed records.

Two steps, nothing kept on the server between them: the first reads the text and shows
every proposal, checked, editable and beside the sentence it came from; the page carries
the text as a signed payload bound to the user and the trip, and the second step reads it
again (the reading is deterministic), applies what staff changed or dropped and saves the
rest through `tours.services.writeups.import_writeup`.
"""

import base64
import datetime

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import share_choices
from people.models import Organization, Participant
from tours.models import SiteVisit, Takeaway, Trip
from tours.scope import scoped
from tours.services.writeups import (
    ActionDraft,
    IndicatorDraft,
    Original,
    PersonDraft,
    QuestionDraft,
    QuoteDraft,
    TakeawayDraft,
    TripDraft,
    VisitDraft,
    WriteupPlan,
    can_import_writeup,
    import_writeup,
)
from tours.writeups import extract, match_organizations, match_people, read_file

PAYLOAD_MAX_AGE = 2 * 60 * 60  # two hours from reading to saving
MAX_CHARACTERS = 100_000
# Django reads a form's fields into memory up to 2.5 MB; the carried file stays below that.
CARRIED_FILE_MAX_BYTES = 1_500_000


class WriteupSourceForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Word or text file"),
        required=False,
        help_text=gettext_lazy("A .docx, or a .txt in UTF-8 or GBK."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt"}),
    )
    text = forms.CharField(
        label=gettext_lazy("or paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "vLargeTextField"}),
    )
    year = forms.IntegerField(
        label=gettext_lazy("year of the trip"),
        required=False,
        min_value=1949,
        max_value=2100,
        help_text=gettext_lazy("Only needed when the text gives dates without a year."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.file_text = read_file(upload)  # its ValidationError lands on the field
        return upload

    def clean(self):
        cleaned = super().clean()
        text = getattr(self, "file_text", "") or cleaned.get("text", "")
        if not self.errors and not text.strip():
            raise ValidationError(_("Upload the write-up or paste its text."))
        if len(text) > MAX_CHARACTERS:
            raise ValidationError(
                _("The text has %(count)d characters; at most %(max)d can be read at once.")
                % {"count": len(text), "max": MAX_CHARACTERS}
            )
        cleaned["source_text"] = text
        return cleaned


class ProposalForm(forms.Form):
    keep = forms.BooleanField(label=gettext_lazy("keep"), required=False, initial=True)

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    @property
    def kept(self) -> bool:
        return bool(self.cleaned_data.get("keep"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("keep"):
            self._errors = {}  # a dropped proposal needs nothing
        return cleaned


def _short(label, **attrs):
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs={"size": 12, **attrs})
    )


def _long(label):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )


class PersonProposal(ProposalForm):
    name = forms.CharField(
        label=gettext_lazy("full name"), widget=forms.TextInput(attrs={"size": 6})
    )
    title = _short(gettext_lazy("post"), size=30)
    organization = _short(gettext_lazy("organization"), size=20)
    is_host = forms.BooleanField(label=gettext_lazy("host side"), required=False)


class VisitProposal(ProposalForm):
    name = forms.CharField(label=gettext_lazy("site"), widget=forms.TextInput(attrs={"size": 20}))
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=SiteVisit.Kind.choices)
    date = forms.DateField(
        label=gettext_lazy("date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    host_organization = _short(gettext_lazy("host unit"), size=16)
    presenter = _short(gettext_lazy("presenter"), size=6)
    province = forms.CharField(required=False, widget=forms.HiddenInput)
    city = forms.CharField(required=False, widget=forms.HiddenInput)
    district = forms.CharField(required=False, widget=forms.HiddenInput)


class QuoteProposal(ProposalForm):
    text = forms.CharField(label=gettext_lazy("quote"), widget=forms.Textarea(attrs={"rows": 2}))
    speaker_name = _short(gettext_lazy("speaker"), size=6)


TAKEAWAY_KINDS = [(kind.value, kind.label) for kind in Takeaway.Kind if kind != Takeaway.Kind.QUOTE]


class TakeawayProposal(ProposalForm):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=TAKEAWAY_KINDS)
    text = forms.CharField(label=gettext_lazy("text"), widget=forms.Textarea(attrs={"rows": 2}))
    tags = _short(gettext_lazy("tags"), size=14)

    def clean_tags(self):
        words = self.cleaned_data["tags"].replace("，", ",").replace("、", ",").split(",")
        return [word.strip() for word in words if word.strip()]


class ActionProposal(ProposalForm):
    title = forms.CharField(
        label=gettext_lazy("action item"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_organization = forms.ModelChoiceField(
        label=gettext_lazy("responsible unit"),
        queryset=Organization.objects.all(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a unit from the list.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("keep") and not cleaned.get("owner_organization"):
            self.add_error(
                "owner_organization",
                _("Choose the responsible unit, or untick this item to leave it out."),
            )
        return cleaned


class QuestionProposal(ProposalForm):
    text = forms.CharField(label=gettext_lazy("question"), widget=forms.Textarea(attrs={"rows": 2}))
    answer = _long(gettext_lazy("answer"))


class IndicatorProposal(ProposalForm):
    name = forms.CharField(
        label=gettext_lazy("indicator"), widget=forms.TextInput(attrs={"size": 14})
    )
    benchmark = forms.CharField(
        label=gettext_lazy("benchmark"), widget=forms.TextInput(attrs={"size": 8})
    )
    value = forms.DecimalField(
        label=gettext_lazy("benchmark value"), required=False, max_digits=18, decimal_places=4
    )
    home_value = forms.DecimalField(
        label=gettext_lazy("home value"), required=False, max_digits=18, decimal_places=4
    )
    unit = _short(gettext_lazy("unit"), size=4)
    note = _short(gettext_lazy("note"), size=14)


class NewTripForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "vTextField", "size": 60}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=Trip.Kind.choices)
    start_date = forms.DateField(
        label=gettext_lazy("start date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=gettext_lazy("end date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    origin = forms.CharField(label=gettext_lazy("origin"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


# Each kind of proposal: its prefix, form, the extraction's list and how a row starts.
SECTIONS = [
    ("person", PersonProposal, "people", gettext_lazy("People named")),
    ("visit", VisitProposal, "site_visits", gettext_lazy("Site visits")),
    ("quote", QuoteProposal, "quotes", gettext_lazy("Quotes")),
    ("takeaway", TakeawayProposal, "takeaways", gettext_lazy("Lessons, gaps and insights")),
    ("action", ActionProposal, "actions", gettext_lazy("Commitments")),
    ("question", QuestionProposal, "questions", gettext_lazy("Questions")),
    ("indicator", IndicatorProposal, "indicators", gettext_lazy("Benchmark figures")),
]


def _initial(prefix, proposal, extraction) -> dict:
    values = {"keep": True}
    if prefix == "person":
        values |= {
            "name": proposal.name,
            "title": proposal.title,
            "organization": proposal.organization or "",
            "is_host": proposal.is_host,
        }
    elif prefix == "visit":
        values |= {
            "name": proposal.name,
            "kind": proposal.kind,
            "date": proposal.date,
            "host_organization": proposal.host_organization or "",
            "presenter": proposal.presenter or "",
            "province": proposal.province or "",
            "city": proposal.city or "",
            "district": proposal.district or "",
        }
    elif prefix == "quote":
        values |= {"text": proposal.text, "speaker_name": proposal.speaker_name or ""}
    elif prefix == "takeaway":
        values |= {"kind": proposal.kind, "text": proposal.text, "tags": "、".join(proposal.tags)}
    elif prefix == "action":
        values |= {"title": proposal.title}
    elif prefix == "question":
        values |= {"text": proposal.text, "answer": proposal.answer or ""}
    elif prefix == "indicator":
        values |= {
            "name": proposal.name,
            "benchmark": proposal.benchmark or _first_place(extraction),
            "value": proposal.value,
            "home_value": proposal.home_value,
            "unit": proposal.unit,
            "note": proposal.note,
        }
    return values


def _first_place(extraction) -> str:
    for place in extraction.places:
        return place.district or place.city or place.province
    return ""


def highlighted(source, proposal_text: str = ""):
    """The sentence a proposal came from, the proposal's own words marked."""
    if source is None:
        return ""
    sentence = source.text
    if proposal_text and proposal_text in sentence:
        before, _found, after = sentence.partition(proposal_text)
        return format_html("{}<mark>{}</mark>{}", before, proposal_text, after)
    return escape(sentence)


class Section:
    """One kind of proposal on the page: its forms, each with its source sentence."""

    def __init__(self, prefix, form_class, attribute, title, extraction, data=None):
        self.prefix, self.title = prefix, title
        proposals = getattr(extraction, attribute)
        self.forms = []
        for index, proposal in enumerate(proposals):
            form = form_class(
                data,
                prefix=f"{prefix}-{index}",
                initial=_initial(prefix, proposal, extraction),
                source=proposal.source,
            )
            form.sentence = highlighted(
                proposal.source, getattr(proposal, "text", "") or getattr(proposal, "name", "")
            )
            self.forms.append(form)

    def __len__(self):
        return len(self.forms)

    def is_valid(self) -> bool:
        checked = [form.is_valid() for form in self.forms]  # every form, for its errors
        return all(checked)

    def kept(self):
        return [form.cleaned_data for form in self.forms if form.kept]

    @property
    def error_count(self) -> int:
        return sum(1 for form in self.forms if form.errors)


def _plan(sections: dict[str, Section]) -> WriteupPlan:
    fields = lambda data, *names: {name: data[name] for name in names}  # noqa: E731
    return WriteupPlan(
        people=[
            PersonDraft(**fields(d, "name", "title", "organization", "is_host"))
            for d in sections["person"].kept()
        ],
        site_visits=[
            VisitDraft(
                **fields(
                    d,
                    "name",
                    "kind",
                    "date",
                    "host_organization",
                    "presenter",
                    "province",
                    "city",
                    "district",
                )
            )
            for d in sections["visit"].kept()
        ],
        quotes=[QuoteDraft(**fields(d, "text", "speaker_name")) for d in sections["quote"].kept()],
        takeaways=[
            TakeawayDraft(**fields(d, "kind", "text", "tags")) for d in sections["takeaway"].kept()
        ],
        actions=[
            ActionDraft(**fields(d, "title", "owner_organization"))
            for d in sections["action"].kept()
        ],
        questions=[
            QuestionDraft(**fields(d, "text", "answer")) for d in sections["question"].kept()
        ],
        indicators=[
            IndicatorDraft(**fields(d, "name", "benchmark", "value", "home_value", "unit", "note"))
            for d in sections["indicator"].kept()
        ],
    )


def _salt(request, trip) -> str:
    return f"tours.writeup-import:{request.user.pk}:{trip.pk if trip else 'new'}"


class WriteupImportViews:
    """Admin views mixed into the trip's ModelAdmin."""

    def writeup_view(self, request, object_id=None):
        trip = None
        if object_id is not None:
            trip = get_object_or_404(scoped(Trip.objects.all(), request.user), pk=object_id)
            if not self.has_change_permission(request, trip):
                raise PermissionDenied
        if not can_import_writeup(request.user, trip):
            raise PermissionDenied
        if trip is not None and not trip.is_draft:
            messages.error(request, _("Only a draft trip takes a write-up."))
            return redirect("admin:tours_trip_change", trip.pk)
        context = {"trip": trip}
        if request.method == "POST" and "payload" in request.POST:
            return self._writeup_save(request, trip, context)
        form = WriteupSourceForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["source_text"]
            upload = form.cleaned_data.get("file")
            payload = {
                "text": text,
                "year": form.cleaned_data.get("year"),
                "file_name": upload.name if upload else "",
                "docx": _carried_docx(upload),
            }
            context |= self._proposals(request, trip, payload)
            context["payload"] = signing.dumps(payload, salt=_salt(request, trip), compress=True)
        return self._writeup_render(request, context | {"form": form})

    def _proposals(self, request, trip, payload, data=None) -> dict:
        extraction = extract(payload["text"])
        if extraction.year is None and payload.get("year") and extraction.start_month_day:
            _fill_year(extraction, payload["year"])
        sections = {
            prefix: Section(prefix, form_class, attribute, title, extraction, data)
            for prefix, form_class, attribute, title in SECTIONS
        }
        share_choices(sections["action"].forms, "owner_organization")
        _show_matches(extraction, sections)
        trip_form = None
        if trip is None:
            trip_form = NewTripForm(
                data,
                prefix="trip",
                initial={
                    "title": extraction.title,
                    "kind": extraction.kind,
                    "start_date": extraction.start_date,
                    "end_date": extraction.end_date,
                    "origin": extraction.origin or "",
                },
            )
        return {
            "extraction": extraction,
            "sections": list(sections.values()),
            "by_prefix": sections,
            "trip_form": trip_form,
            "file_name": payload.get("file_name", ""),
            "proposal_count": sum(len(s) for s in sections.values()),
        }

    def _writeup_save(self, request, trip, context):
        try:
            payload = signing.loads(
                request.POST["payload"], salt=_salt(request, trip), max_age=PAYLOAD_MAX_AGE
            )
        except signing.BadSignature:
            messages.error(
                request,
                _("The proposals have expired or could not be verified; read the write-up again."),
            )
            return redirect(request.path)
        context |= self._proposals(request, trip, payload, data=request.POST)
        context |= {"payload": request.POST["payload"], "form": WriteupSourceForm()}
        sections, trip_form = context["by_prefix"], context["trip_form"]
        checked = [section.is_valid() for section in sections.values()]
        valid = all(checked)
        if trip_form is not None:
            valid = trip_form.is_valid() and valid
        if not valid:
            return self._writeup_render(request, context)
        plan = _plan(sections)
        new_trip = TripDraft(**trip_form.cleaned_data) if trip_form is not None else None
        try:
            saved = import_writeup(
                user=request.user,
                plan=plan,
                trip=trip,
                new_trip=new_trip,
                original=Original(
                    text=payload["text"],
                    name=payload.get("file_name", ""),
                    docx=base64.b64decode(payload["docx"]) if payload.get("docx") else None,
                ),
            )
        except ValidationError as invalid:
            _place_errors(invalid, sections, trip_form)
            context["save_errors"] = invalid.messages if not hasattr(invalid, "error_dict") else []
            return self._writeup_render(request, context)
        messages.success(
            request,
            _("Imported from the write-up: %(count)d records, all drafts pending review.")
            % {"count": plan.count},
        )
        return redirect("admin:tours_trip_change", saved.pk)

    def _writeup_render(self, request, context):
        trip = context["trip"]
        title = (
            _("Import a write-up into “%(trip)s”") % {"trip": trip}
            if trip
            else _("A new trip from a write-up")
        )
        context |= {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": trip,
            "title": title,
            "back_url": reverse("admin:tours_trip_change", args=[trip.pk])
            if trip
            else reverse("admin:tours_trip_changelist"),
        }
        return TemplateResponse(request, "admin/tours/trip/import_writeup.html", context)


def _show_matches(extraction, sections):
    """Say on each person and visit which existing record it will be saved as."""
    people = match_people(
        extraction.people,
        Participant.objects.filter(name__in={p.name for p in extraction.people}).select_related(
            "organization"
        ),
    )
    for form, person in zip(sections["person"].forms, extraction.people, strict=True):
        form.match = people.get(person.name)
    hosts = {v.host_organization for v in extraction.site_visits if v.host_organization}
    units = match_organizations(hosts, Organization.objects.all()) if hosts else {}
    for form, visit in zip(sections["visit"].forms, extraction.site_visits, strict=True):
        form.match = units.get(visit.host_organization)


def _carried_docx(upload) -> str | None:
    """An uploaded Word file, to keep as the original, travels with the proposals while it
    is small enough for a form; a larger one is kept as its text."""
    if upload is None or not upload.name.lower().endswith(".docx"):
        return None
    if upload.size > CARRIED_FILE_MAX_BYTES:
        return None
    upload.seek(0)
    return base64.b64encode(upload.read()).decode("ascii")


def _fill_year(extraction, year):
    (start_month, start_day) = extraction.start_month_day
    end = extraction.end_month_day or extraction.start_month_day
    try:
        extraction.start_date = datetime.date(year, start_month, start_day)
        end_year = year + 1 if end < extraction.start_month_day else year
        extraction.end_date = datetime.date(end_year, *end)
    except ValueError:
        return
    extraction.year = year


def _place_errors(invalid: ValidationError, sections, trip_form):
    """The service's messages, keyed "<kind>-<index of the kept ones>", onto their rows."""
    if not hasattr(invalid, "error_dict"):
        return
    kept = {
        prefix: [form for form in section.forms if form.kept]
        for prefix, section in sections.items()
    }
    for key, errors in invalid.message_dict.items():
        prefix, _sep, index = key.rpartition("-")
        if prefix in kept and index.isdigit() and int(index) < len(kept[prefix]):
            form = kept[prefix][int(index)]
            form.add_error(None, errors)
        elif trip_form is not None and key in trip_form.fields:
            trip_form.add_error(key, errors)
        elif trip_form is not None:
            trip_form.add_error(None, errors)
