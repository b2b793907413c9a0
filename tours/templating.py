"""The Jinja2 environment for the public site's heaviest templates.

The report, the trip cards and the action list render several thousand nodes a page;
Jinja2 compiles them to Python and renders them several times faster than Django's
templates (`make bench` measures it). Pages stay Django templates and place these parts
with `{% jinja %}` (tours/templatetags/tours.py), so each partial exists once.

A report asks for the same few labels, dates and links hundreds of times; each is worked
out once per process and language rather than once per row.
"""

from functools import lru_cache

from django.forms.renderers import Jinja2 as Jinja2FormRenderer
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, Undefined

from .templatetags.tours import colon, date_range, nested_quotes

MEMO_SIZE = 4096

# Public filter forms render their widgets with Django's Jinja2 form templates: a select of
# every tag or province is an included template per option in Django's own engine.
# One instance, so its engine and compiled templates live as long as the process.
form_renderer = Jinja2FormRenderer()


@lru_cache(MEMO_SIZE)
def _gettext(language, message):
    return gettext(message)


@lru_cache(MEMO_SIZE)
def _ngettext(language, singular, plural, n):
    return ngettext(singular, plural, n)


@lru_cache(MEMO_SIZE)
def _date(language, value, format_name):
    return defaultfilters.date(value, format_name)


@lru_cache(MEMO_SIZE)
def _url(prefix, name, args):
    return reverse(name, args=args)


@lru_cache(MEMO_SIZE)
def _choice_labels(field, language) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


def choice_label(obj, field_name: str) -> str:
    """What `get_<field>_display()` says, without hashing every choice's lazy label."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field_name)
    return _choice_labels(field, get_language()).get(value, value)


def photo_sources(photo, size: str, larger: str | None):
    """The renditions a <picture> offers: `size`, and `larger` for sharp or wide screens.

    Width and height keep the layout from jumping; no larger one when it is the same file.
    """
    small = photo.rendition(size)
    big = photo.rendition(larger) if larger else None
    if big is not None and (big.url == small.url or not small.width):
        big = None
    return small, big


def plain_number(value):
    """A decimal without trailing zeros: 215.6000 → 215.6."""
    if value is None:
        return ""
    return f"{value.normalize():f}" if hasattr(value, "normalize") else value


def signed(value):
    """A gap with its sign: +12.5 or −3; trailing zeros of a decimal dropped."""
    if value is None:
        return ""
    text = str(plain_number(value))
    return f"+{text}" if value > 0 else text.replace("-", "−")


_CHINESE_DIGITS = "零一二三四五六七八九"


def section_number(n):
    """一、 二、 … in Chinese (as 考察报告 number their parts), 1. 2. … otherwise."""
    if get_language() != "zh-hans":
        return f"{n}. "
    if n < 10:
        return f"{_CHINESE_DIGITS[n]}、"
    tens, ones = divmod(n, 10)
    text = (
        ("" if tens == 1 else _CHINESE_DIGITS[tens])
        + "十"
        + (_CHINESE_DIGITS[ones] if ones else "")
    )
    return f"{text}、"


def linebreaksbr(value):
    return mark_safe(defaultfilters.linebreaksbr(value, autoescape=True))


def environment(**options):
    # Django picks DebugUndefined in debug; pages must read the same in either mode.
    env = Environment(extensions=["jinja2.ext.i18n"], **{**options, "undefined": Undefined})
    env.install_gettext_callables(
        lambda message: _gettext(get_language(), message),
        lambda singular, plural, n: _ngettext(get_language(), singular, plural, n),
        newstyle=True,
    )
    env.globals.update(
        url=lambda name, *args: _url(get_script_prefix(), name, args),
        static=static,
        photo_sources=photo_sources,
    )
    env.filters.update(
        date=lambda value, format_name=None: _date(
            get_language(), template_localtime(value), format_name
        ),
        colon=colon,
        date_range=date_range,
        label=choice_label,
        linebreaksbr=linebreaksbr,
        nested_quotes=nested_quotes,
        plain_number=plain_number,
        section_number=section_number,
        signed=signed,
    )
    return env
