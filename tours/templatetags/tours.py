from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from people.names import person_name
from people.scope import scope_of, why_nothing
from tours.wording import colon as _colon
from tours.wording import date_range as _date_range
from tours.wording import nested_quotes as _nested_quotes

# Leaders hold this permission (tours.staff.access.REVIEWER).
REVIEWER = "tours.review_takeaway"

register = template.Library()


@register.filter
def date_range(start, end):
    """2024年2月26日至3月1日; in English February 26 – March 1, 2024 (tours.wording)."""
    return _date_range(start, end)


@register.filter
def colon(label):
    """{{ _("Due")|colon }}: 截止日期： in Chinese, "Due: " in English (tours.wording)."""
    return _colon(label)


@register.filter
def nested_quotes(text):
    """A quote's text inside the page's “…”: its own quotation marks become ‘…’."""
    return _nested_quotes(str(text))


@register.simple_tag(takes_context=True)
def jinja(context, template_name, **values):
    """Render a Jinja2 template (tours/templating.py) here, with the values named."""
    template = engines["jinja2"].get_template(template_name)
    return mark_safe(template.render(values, request=context.get("request")))


@register.simple_tag(takes_context=True)
def scope_notice(context) -> str:
    """Why a staff account sees no trips, when it is linked to nobody (people.scope)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not (user.has_perm("tours.view_trip") or user.has_perm(REVIEWER)):
        return ""
    return why_nothing(user)


@register.simple_tag(takes_context=True)
def acting_for(context) -> str:
    """The department a staff account acts for, as the header names it."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_staff:
        return ""  # action owners act for no department; their unit is on their items
    scope = scope_of(user)
    return "" if scope.everything or scope.organization is None else scope.organization.name


@register.filter(name="person_name")
def person_name_filter(user):
    """A user account shown as its person: 钱正华, not "leader" (people.names; in new
    templates `{% load people %}{{ user|person }}`)."""
    return person_name(user)
