"""Evidence files of progress updates: what may be uploaded, recognised by content,
and the copy that is stored, cleared of what it says about its author, device or place.

The uploaded name and the browser's Content-Type are the sender's claims; the first
bytes of the file (and, for Office files, the parts inside the ZIP) are what it is.
"""

import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.dom import minidom
from xml.parsers.expat import ExpatError

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter

from tours import imaging

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# Above this a JPEG or PNG is a decompression bomb, not a scanned receipt.
MAX_EVIDENCE_PIXELS = 50_000_000
# What the parts of an Office file may add up to once unpacked: ten times the largest
# upload, far beyond any document, and the bound on what copying it without its
# authors costs (a ZIP entry never yields more than the size it declares).
MAX_EVIDENCE_UNPACKED_BYTES = 10 * MAX_EVIDENCE_BYTES


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
    if kind in OFFICE_MAIN_PART:
        _check_unpacked_size(value, name)


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


def _check_unpacked_size(file, name):
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    finally:
        file.seek(0)
    if unpacked > MAX_EVIDENCE_UNPACKED_BYTES:
        raise ValidationError(
            _("“%(name)s” unpacks to more than %(limit)s, far more than any document holds."),
            code="too_big_unpacked",
            params={"name": name, "limit": filesizeformat(MAX_EVIDENCE_UNPACKED_BYTES)},
        )


class ScrubbedFile(ContentFile):
    """An evidence file's content once `scrubbed` has cleared it."""


def scrubbed(file) -> ScrubbedFile:
    """A copy of a validated upload that no longer names who made it, with what, or where.

    Published evidence goes to anyone, so what its author never meant to share goes
    first: a JPEG or PNG is re-encoded from its pixels as photos are (no EXIF with GPS
    position and camera, no XMP, ICC profile or text); an Office file loses its document
    properties (author, last editor, company, manager); a PDF its Info dictionary and XMP.
    Raises ValidationError when the content cannot be read to do so.
    """
    name = PurePosixPath(file.name or "").name
    kind = sniff(file)
    file.seek(0)
    try:
        if kind in (JPEG, PNG):
            content = _image_without_metadata(file)
        elif kind in OFFICE_MAIN_PART:
            content = _office_without_authors(file)
        elif kind == PDF:
            content = _pdf_without_metadata(file, name)
        else:
            raise ValidationError(WRONG_TYPE, code="wrong_type", params={"name": name})
    finally:
        file.seek(0)
    return ScrubbedFile(content, name=file.name)


def _image_without_metadata(file) -> bytes:
    with Image.open(file, formats=("JPEG", "PNG")) as image:
        image_format = imaging.ORIGINAL_FORMATS[image.format]
        return imaging.encode_original(imaging.pixels_only(image, file), image_format)


# The parts of an Office Open XML package that describe it rather than hold its content.
CORE_PROPERTIES = "docProps/core.xml"
APP_PROPERTIES = "docProps/app.xml"
EMPTY_CORE_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/"/>'
)
EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# Who the document belongs to; the rest of app.xml (application, page count…) says nothing.
PERSONAL_APP_PROPERTIES = ("Company", "Manager", "HyperlinkBase")


def _office_without_authors(file) -> bytes:
    """The package again, entry by entry, with empty core properties and no company.

    Entries are streamed, so memory stays small; validation bounded the unpacked size.
    Fresh entry headers also drop the extra fields (owner ids, timestamps) of the old ones.
    """
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(file) as source, zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, info.date_time)
                entry.compress_type = info.compress_type
                entry.file_size = info.file_size  # lets zipfile pick ZIP64 for a big part
                if info.filename == CORE_PROPERTIES:
                    target.writestr(entry, EMPTY_CORE_PROPERTIES)
                elif info.filename == APP_PROPERTIES:
                    target.writestr(entry, _app_properties_without_owner(source.read(info)))
                else:
                    with source.open(info) as part, target.open(entry, "w") as copy:
                        shutil.copyfileobj(part, copy, 1024 * 1024)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise _damaged(file) from None
    return out.getvalue()


def _app_properties_without_owner(data: bytes) -> bytes:
    """app.xml without the owner's entries, its namespaces and prefixes as they were
    (minidom keeps them; ElementTree would rename them). One that cannot be read is
    replaced by empty properties."""
    try:
        document = minidom.parseString(data)
    except ExpatError:
        return f'<Properties xmlns="{EXTENDED_PROPERTIES}"/>'.encode()
    root = document.documentElement
    for name in PERSONAL_APP_PROPERTIES:
        for element in root.getElementsByTagNameNS("*", name):
            element.parentNode.removeChild(element)
    return document.toxml(encoding="UTF-8")


def _pdf_without_metadata(file, name) -> bytes:
    """The document rewritten by pypdf without its Info dictionary and XMP stream."""
    try:
        reader = PdfReader(file)
        encrypted = reader.is_encrypted and not _opens_without_password(reader)
        if not encrypted:
            writer = PdfWriter(clone_from=reader)
            writer.metadata = None
            writer.xmp_metadata = None
            out = io.BytesIO()
            writer.write(out)
    except Exception:  # pypdf raises many types on malformed files
        raise _damaged(file) from None
    if encrypted:
        raise ValidationError(
            _(
                "“%(name)s” is encrypted (protected by a password or against changes); "
                "save or print it again as a PDF without protection and upload that."
            ),
            code="encrypted",
            params={"name": name},
        )
    return out.getvalue()


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # AES needs the `cryptography` package, which is not installed
        return False


def _damaged(file) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is damaged and cannot be opened."),
        code="damaged",
        params={"name": PurePosixPath(file.name or "").name},
    )


def content_type_for(name: str) -> str:
    """The Content-Type to serve a stored file with; its extension was set from its content."""
    suffix = PurePosixPath(name).suffix.lower()
    kind = next((k for k in KINDS if k.extension == suffix), None)
    return kind.content_type if kind else "application/octet-stream"
