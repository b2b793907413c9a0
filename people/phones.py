"""Chinese phone numbers as people write them on a roster or in a form.

A mobile number has 11 digits starting 13–19 (optionally after +86); a landline is an
area code (0 and two or three digits) and a 7- or 8-digit number, with an optional
extension. Separators people use (spaces, dashes, brackets round the area code) are
allowed; a bare 7- or 8-digit number is refused, since without its area code nobody
outside the town can call it.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(?:\(0\d{2,3}\)|0\d{2,3}-?)[2-9]\d{6,7}(?:(?:-|转|ext\.?|#)\d{1,6})?$")

PHONE_INVALID = _(
    "Enter an 11-digit mobile number (such as 13912345678) or a landline with its area "
    "code (such as 023-53221234)."
)


def _compact(value: str) -> str:
    """Full-width digits and brackets folded, spaces and the dashes inside a mobile
    number dropped: 139 1234 5678 and 139-1234-5678 are 13912345678."""
    text = unicodedata.normalize("NFKC", value).strip()
    text = re.sub(r"\s+", "", text).replace("—", "-").replace("–", "-")
    digits = text.replace("-", "")
    if MOBILE.match(digits):
        return digits
    return text


def tidy_phone(value: str) -> str:
    """The number as it is best kept: a mobile as its 11 digits, a landline as written."""
    return _compact(value)


def is_phone(value: str) -> bool:
    text = _compact(value)
    return bool(MOBILE.match(text) or LANDLINE.match(text))


def validate_phone(value: str) -> None:
    """Raise ValidationError with a message in the user's language for a non-number."""
    if value and not is_phone(value):
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
