"""`{% load people %}{{ user|person }}`: an account shown as its person (people.names)."""

from django import template

from people.names import person_name
from people.scope import scope_of

register = template.Library()


@register.filter
def person(user) -> str:
    """钱正华, not "leader"; 黄伟明, not "伟明 黄"."""
    return person_name(user)


@register.simple_tag(takes_context=True)
def signed_in_person(context) -> str:
    """The signed-in account's person, for the page header: its scope (people.scope), which
    the page looks up anyway, brings the person along, so naming it costs no query."""
    user = getattr(context.get("request"), "user", None)
    if user is None:
        return ""
    scope_of(user)
    return person_name(user)
