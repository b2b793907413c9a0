"""Photos in, safe files out: content checks, EXIF stripping, orientation and renditions.

Nothing here touches the database or storage; `tours.services.photos` stores what
`process_photo` returns. Every refusal is a ValidationError with a Chinese message
that names the file, so a bulk upload can report each file on its own.
"""

import io
import re
import struct
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Beyond Pillow's own threshold a file is not a photo but an attack on our memory.
BOMB_PIXELS = Image.MAX_IMAGE_PIXELS
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# open_image refuses such files itself, with a message; Pillow's warning would only be noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
# Long side in pixels of each rendition, smallest first; each is cut from the next larger.
RENDITION_SIDES = {"large": 1920, "medium": 960, "thumb": 320}

# What a stored original is re-encoded as (MPO is a JPEG with extra frames).
ORIGINAL_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# EXIF orientation → the transposition that shows the picture upright.
ORIENTATION_FIX = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

EMPTY = _("“%(name)s” is empty (0 bytes).")
TOO_LARGE = _("“%(name)s” is %(size)s; a photo may be at most 20 MB.")
PDF = _("“%(name)s” is a PDF document, not a photo. Upload JPEG, PNG or WebP images.")
HEIC = _(
    "“%(name)s” is a HEIC photo (the iPhone's default format), which browsers cannot show. "
    "Export it as JPEG, or set the phone's camera format to “Most Compatible”."
)
OTHER_FORMAT = _("“%(name)s” is a %(format)s file; only JPEG, PNG and WebP photos are accepted.")
UNKNOWN = _("“%(name)s” is not an image we can read. Upload JPEG, PNG or WebP photos.")
BOMB = _(
    "“%(name)s” declares a picture far larger than any photo; it looks like a "
    "decompression bomb and was refused."
)
TOO_MANY_PIXELS = _(
    "“%(name)s” is %(width)s × %(height)s pixels; a photo may have at most 40 megapixels. "
    "Reduce it and upload it again."
)
TRUNCATED = _(
    "“%(name)s” is incomplete: the file ends early, perhaps because an upload or copy "
    "was interrupted. Upload it again."
)
DAMAGED = _("“%(name)s” is damaged and cannot be read as an image.")

# Signatures of files people mistake for photos, so the message can say what they are.
SIGNATURES = [
    (lambda head: head.startswith(b"%PDF-"), "PDF"),
    (lambda head: head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS, "HEIC"),
    (lambda head: head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"), "AVIF"),
    (lambda head: head.startswith((b"GIF87a", b"GIF89a")), "GIF"),
    (lambda head: head.startswith(b"BM"), "BMP"),
    (lambda head: head.startswith((b"II*\x00", b"MM\x00*")), "TIFF"),
    (lambda head: head.startswith(b"PK\x03\x04"), _("ZIP or Office document")),
]
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


def _refuse(message, file, code, **params):
    raise ValidationError(message, code=code, params={"name": display_name(file), **params})


def display_name(file) -> str:
    name = PurePath(getattr(file, "name", "") or "").name or str(_("the file"))
    return name if len(name) <= 80 else name[:77] + "…"


def open_image(file) -> Image.Image:
    """Open an upload as JPEG, PNG or WebP after checking its size, type and pixel count.

    Only the header is read: nothing is decoded yet, so a decompression bomb is refused
    before it can take any memory.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size == 0:
        _refuse(EMPTY, file, "empty")
    if size > MAX_BYTES:
        _refuse(TOO_LARGE, file, "too_large", size=filesizeformat(size))
    file.seek(0)
    head = file.read(32)
    file.seek(0)
    for matches, label in SIGNATURES:
        if matches(head):
            if label == "PDF":
                _refuse(PDF, file, "pdf")
            if label == "HEIC":
                _refuse(HEIC, file, "heic")
            _refuse(OTHER_FORMAT, file, "format", format=label)
    try:
        image = Image.open(file, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        _refuse(BOMB, file, "bomb")
    except Image.UnidentifiedImageError:
        _refuse(UNKNOWN, file, "unknown")
    except Exception as error:  # Pillow raises many types on malformed headers
        _refuse_unreadable(file, error)
    width, height = image.size
    if width * height > BOMB_PIXELS:
        _refuse(BOMB, file, "bomb")
    if width * height > MAX_PIXELS:
        _refuse(TOO_MANY_PIXELS, file, "too_many_pixels", width=width, height=height)
    return image


def _ends_early(file) -> bool:
    """Whether the file stops before its format's end marker (or declared length)."""
    file.seek(0)
    head = file.read(12)
    file.seek(-min(2048, _length(file)), io.SEEK_END)
    tail = file.read()
    file.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _length(file) < struct.unpack("<I", head[4:8])[0] + 8
    if head[:2] == b"\xff\xd8":
        return b"\xff\xd9" not in tail
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return b"IEND" not in tail
    return False


def _length(file) -> int:
    position = file.tell()
    file.seek(0, io.SEEK_END)
    length = file.tell()
    file.seek(position)
    return length


def load(image: Image.Image, file) -> None:
    """Decode the pixels, refusing files that end early or are damaged inside."""
    try:
        image.load()
    except Exception as error:  # Pillow's decoders raise many types on malformed data
        _refuse_unreadable(file, error)


def _refuse_unreadable(file, error: Exception):
    """Say why Pillow could not read the file: a bomb, cut short, or damaged."""
    message = str(error).lower()
    if "decompressed" in message:  # a text or profile chunk inflating past Pillow's limit
        _refuse(BOMB, file, "bomb")
    if "truncated" in message or _ends_early(file):
        _refuse(TRUNCATED, file, "truncated")
    _refuse(DAMAGED, file, "damaged")


@deconstructible
class ImageUploadValidator:
    """Form or model field validator: a complete JPEG, PNG or WebP within our limits.

    A JPEG is decoded in draft mode at an eighth of its size, which reads every byte
    (so truncation shows) while needing 1/64 of the memory of a full decode.
    """

    def __call__(self, file):
        # Not image.close(): Pillow would close the upload too, and the form still needs it.
        image = open_image(file)
        try:
            if image.format in ("JPEG", "MPO"):
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            load(image, file)
        finally:
            file.seek(0)

    def __eq__(self, other):
        return isinstance(other, ImageUploadValidator)


validate_image_upload = ImageUploadValidator()


_EXIF_DATE = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_EXIF_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def taken_at(exif: Image.Exif) -> datetime | None:
    """When the photo was taken, from DateTimeOriginal (or DateTimeDigitized).

    Cameras write local time; without an OffsetTimeOriginal it is read as the
    itinerary's clock (TIME_ZONE, Asia/Shanghai), which is what site visits use.
    """
    details = exif.get_ifd(ExifTags.IFD.Exif)
    for date_tag, offset_tag in (
        (ExifTags.Base.DateTimeOriginal, ExifTags.Base.OffsetTimeOriginal),
        (ExifTags.Base.DateTimeDigitized, ExifTags.Base.OffsetTimeDigitized),
    ):
        match = _EXIF_DATE.match(_text(details.get(date_tag)))
        if not match:
            continue
        try:
            moment = datetime(*(int(part) for part in match.groups()))
        except ValueError:  # 0000:00:00 00:00:00 from a camera whose clock was never set
            continue
        offset = _EXIF_OFFSET.match(_text(details.get(offset_tag)))
        if offset:
            sign = -1 if offset[1] == "-" else 1
            delta = timedelta(hours=int(offset[2]), minutes=int(offset[3]))
            return moment.replace(tzinfo=dt_timezone(sign * delta))
        return timezone.make_aware(moment, timezone.get_default_timezone())
    return None


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value or "").strip("\x00 ")


@dataclass(frozen=True)
class RenditionFile:
    size: str
    width: int
    height: int
    jpeg: bytes
    webp: bytes


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: a clean original, its renditions and what we kept of EXIF."""

    original: bytes
    extension: str
    width: int
    height: int
    taken_at: datetime | None
    renditions: list[RenditionFile]


def process_photo(file) -> ProcessedPhoto:
    """Check an upload and turn it into files that carry no metadata at all.

    The original is decoded once at full size: it is re-encoded from its pixels, upright,
    in sRGB, with no EXIF, XMP, ICC profile or comment, so no GPS position, device or
    owner survives. The 40-megapixel limit bounds that frame's memory. Renditions are
    cut from the same frame, each from the next larger one.
    """
    image = open_image(file)
    moment = taken_at(image.getexif())
    original_format = ORIGINAL_FORMATS[image.format]
    image = pixels_only(image, file)
    original = encode_original(image, original_format)
    renditions = _renditions(image)
    return ProcessedPhoto(
        original=original,
        extension=EXTENSIONS[original_format],
        width=image.width,
        height=image.height,
        taken_at=moment,
        renditions=renditions,
    )


def pixels_only(image: Image.Image, file) -> Image.Image:
    """Decode an opened image into its picture alone: upright by its EXIF orientation, in
    sRGB, with no EXIF, XMP, ICC profile, comment or text left for an encoder to copy."""
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    load(image, file)
    return _upright(_in_srgb(image), orientation)


def _in_srgb(image: Image.Image) -> Image.Image:
    """Convert colours from an embedded profile to sRGB, then forget the profile.

    The profile goes because it can name the device; converting first keeps the colours
    of wide-gamut (e.g. Display P3) phone photos right without it.
    """
    profile = image.info.get("icc_profile")
    image.info = {}  # EXIF, XMP, comments: Pillow would otherwise carry some of them over
    kept = ("RGB", "RGBA", "L", "LA", "P", "I;16", "I")  # CMYK, YCbCr, 1…: RGB
    target = image.mode if image.mode in kept else "RGB"
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if "sRGB" not in ImageCms.getProfileDescription(source) or image.mode == "CMYK":
                srgb = ImageCms.createProfile("sRGB")
                converted = ImageCms.profileToProfile(image, source, srgb, outputMode=target)
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, TypeError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return image if target == image.mode else image.convert(target)


def _upright(image: Image.Image, orientation) -> Image.Image:
    method = ORIENTATION_FIX.get(orientation)
    return image if method is None else image.transpose(method)


def encode_original(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90)
    elif image_format == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.save(out, "WEBP", quality=90, method=4)
    else:
        image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def _renditions(image: Image.Image) -> list[RenditionFile]:
    current = _rendition_source(image)
    made = []
    for size, side in RENDITION_SIDES.items():
        scale = min(1.0, side / max(current.size))
        if scale < 1.0:
            target = (max(1, round(current.width * scale)), max(1, round(current.height * scale)))
            # reduce() by whole factors first, then a short Lanczos step: near the quality
            # of a full Lanczos at a third of its time on a 24-megapixel frame.
            current = current.resize(target, Image.Resampling.LANCZOS, reducing_gap=1.5)
        flat = _flatten(current)
        jpeg, webp = io.BytesIO(), io.BytesIO()
        flat.save(jpeg, "JPEG", quality=82, optimize=True, progressive=size == "large")
        # Effort 4 (Pillow's default): effort 2 would save 0.09 s per upload but make the
        # large rendition, the one readers download most, about 14 % bigger.
        flat.save(webp, "WEBP", quality=80, method=4)
        made.append(RenditionFile(size, flat.width, flat.height, jpeg.getvalue(), webp.getvalue()))
    return made


def _rendition_source(image: Image.Image) -> Image.Image:
    """A mode that resizes well: palette and 16-bit images are widened first."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if image.mode in ("I;16", "I"):
        return image.point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and the report's background is white."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")
