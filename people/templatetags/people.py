"""`{% load people %}{{ user|person }}`: an account shown as its person (people.names)."""

from django import template

from people.models import Participant
from people.names import person_name
from people.scope import scope_of

register = template.Library()


@register.filter
def person(user) -> str:
    """钱正华, not "leader"; 黄伟明, not "伟明 黄"."""
    return person_name(user)


@register.simple_tag(takes_context=True)
def signed_in_person(context) -> str:
    """The signed-in account's person, for the page header. A view that read the person
    (an owner's pages) or the scope (people.scope, on staff pages) has it loaded already:
    naming it costs no query."""
    user = getattr(context.get("request"), "user", None)
    if user is None:
        return ""
    if not Participant.user.field.remote_field.is_cached(user):
        scope_of(user)
    return person_name(user)
