"""Template helpers of the admin's trip page."""

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def back_to_section(context, formset):
    """The query string that brings a row's own page back to this page's section on save."""
    request = context["request"]
    return urlencode({"next": f"{request.path}#{formset.prefix}-group"})


@register.simple_tag(takes_context=True)
def with_next(context, url):
    """`url` keeping the way back to the trip page (`?next=`), when this page has one
    (`back_url`, set by ReturnToPageMixin); other pages get `url` as it is."""
    from tours.admin.base import with_next as keep_way_back

    return keep_way_back(url, context.get("back_url"))
