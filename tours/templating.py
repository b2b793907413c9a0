"""The Jinja2 environment for the public site's heaviest templates.

The report, the trip cards and the action list render several thousand nodes a page;
Jinja2 compiles them to Python and renders them several times faster than Django's
templates (`make bench` measures it). Pages stay Django templates and place these parts
with `{% jinja %}` (tours/templatetags/tours.py), so each partial exists once.
"""

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, Undefined

from .templatetags.tours import date_range, plain_number, section_number, signed


def photo_sources(photo, size: str, larger: str | None):
    """The renditions a <picture> offers: `size`, and `larger` for sharp or wide screens.

    Width and height keep the layout from jumping; no larger one when it is the same file.
    """
    small = photo.rendition(size)
    big = photo.rendition(larger) if larger else None
    if big is not None and (big.url == small.url or not small.width):
        big = None
    return small, big


def linebreaksbr(value):
    return mark_safe(defaultfilters.linebreaksbr(value, autoescape=True))


def environment(**options):
    # Django picks DebugUndefined in debug; pages must read the same in either mode.
    env = Environment(extensions=["jinja2.ext.i18n"], **{**options, "undefined": Undefined})
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(
        url=lambda name, *args: reverse(name, args=args), static=static, photo_sources=photo_sources
    )
    env.filters.update(
        date=defaultfilters.date,
        date_range=date_range,
        linebreaksbr=linebreaksbr,
        plain_number=plain_number,
        section_number=section_number,
        signed=signed,
    )
    return env
