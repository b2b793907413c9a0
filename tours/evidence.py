"""Evidence files of progress updates: what may be uploaded, recognised by content.

The uploaded name and the browser's Content-Type are the sender's claims; the first
bytes of the file (and, for Office files, the parts inside the ZIP) are what it is.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# Above this a JPEG or PNG is a decompression bomb, not a scanned receipt.
MAX_EVIDENCE_PIXELS = 50_000_000


@dataclass(frozen=True)
class EvidenceKind:
    extension: str
    content_type: str


PDF = EvidenceKind(".pdf", "application/pdf")
JPEG = EvidenceKind(".jpg", "image/jpeg")
PNG = EvidenceKind(".png", "image/png")
DOCX = EvidenceKind(
    ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = EvidenceKind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
# The part that makes an Office Open XML package a Word document or a workbook.
OFFICE_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}

WRONG_TYPE = _(
    "“%(name)s” is not a PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx) file; "
    "only these can be uploaded as evidence."
)


def sniff(file) -> EvidenceKind | None:
    """The kind of `file` judged by its content, or None when it is none of ours."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    return None


def _office_kind(file) -> EvidenceKind | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in OFFICE_MAIN_PART.items() if part in names), None)


def validate_evidence(value):
    """Refuse a new upload that is too big, of another type, or a broken or huge image.

    Files already stored were checked when they came in and are not read again.
    """
    if not value or getattr(value, "_committed", False):
        return
    name = PurePosixPath(value.name or "").name
    if value.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; evidence files can be at most %(limit)s."),
            code="too_big",
            params={
                "name": name,
                "size": filesizeformat(value.size),
                "limit": filesizeformat(MAX_EVIDENCE_BYTES),
            },
        )
    kind = sniff(value)
    if kind is None:
        raise ValidationError(WRONG_TYPE, code="wrong_type", params={"name": name})
    if kind in (JPEG, PNG):
        _check_image(value, name)


def _check_image(file, name):
    too_many_pixels = ValidationError(
        _("“%(name)s” has more than %(limit)s million pixels; please send a smaller image."),
        code="too_many_pixels",
        params={"name": name, "limit": MAX_EVIDENCE_PIXELS // 1_000_000},
    )
    try:
        with Image.open(file) as image:
            if image.width * image.height > MAX_EVIDENCE_PIXELS:
                raise too_many_pixels
            image.verify()
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            _("“%(name)s” is a damaged image and cannot be opened."),
            code="broken_image",
            params={"name": name},
        ) from None
    finally:
        file.seek(0)


def content_type_for(name: str) -> str:
    """The Content-Type to serve a stored file with; its extension was set from its content."""
    suffix = PurePosixPath(name).suffix.lower()
    kind = next((k for k in KINDS if k.extension == suffix), None)
    return kind.content_type if kind else "application/octet-stream"
