"""Post admin forms back the way a browser would, from the page as it was rendered."""

import datetime

from django.contrib.admin.helpers import AdminForm


def rendered_forms(response):
    context = response.context
    admin_form = context["adminform"]
    forms = [admin_form.form if isinstance(admin_form, AdminForm) else admin_form]
    for inline in context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    return forms


def form_data(response) -> dict:
    """Every field of the change form and its inlines, with the values it showed."""
    data = {}
    for form in rendered_forms(response):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
                continue
            data[key] = _as_posted(field, value)
    return data


def changelist_data(response) -> dict:
    """The editable rows of an admin list (`list_editable`), with the values it showed."""
    formset = response.context["cl"].formset
    data = {key: str(value) for key, value in formset.management_form.initial.items()}
    data = {formset.management_form.add_prefix(key): value for key, value in data.items()}
    for form in formset.forms:
        for name, field in form.fields.items():
            data[form.add_prefix(name)] = _as_posted(field, form[name].value())
    return data | {"_save": "1"}


def _as_posted(field, value):
    widget = getattr(field.widget, "widget", field.widget)
    if value is None:
        return [] if getattr(widget, "allow_multiple_selected", False) else ""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    formatted = widget.format_value(value)
    if isinstance(formatted, list):
        return formatted[0] if len(formatted) == 1 else formatted
    return "" if formatted is None else formatted


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


TRIP_INLINES = [
    "members",
    "site_visits",
    "questions",
    "indicators",
    "takeaways",
    "action_items",
    "placements",
    "signed_projects",
    "attachments",
]


def empty_trip_inlines() -> dict:
    data = {}
    for prefix in TRIP_INLINES:
        data |= management(prefix, 0)
    return data
