"""Invented phone photos for the demo data, the benchmark and the tests.

Each carries the EXIF a real phone writes (device, owner, time taken and a GPS
position), so the upload pipeline's stripping has something to strip.
"""

import functools
import io
from datetime import datetime

from PIL import ExifTags, Image, ImageDraw, ImageFont

# Fonts that can draw Chinese, tried in turn; without one the picture carries Latin text only.
# EXIF orientation → how a camera held that way stores an upright picture.
AS_STORED = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
CJK_FONTS = ["NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "wqy-microhei.ttc", "msyh.ttc"]


def phone_exif(
    *,
    taken_at: datetime | None = None,
    offset: str = "",
    gps: tuple[float, float] | None = (22.8261, 113.2537),
    orientation: int = 1,
) -> Image.Exif:
    """EXIF as a phone writes it: device, owner, local time taken and where."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "Mate 60 Pro"
    exif[ExifTags.Base.Artist] = "Zhou Jianguo"
    exif[ExifTags.Base.Software] = "HarmonyOS 4.0"
    exif[ExifTags.Base.Orientation] = orientation
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.BodySerialNumber] = "SN-4Q8Z-20240226"
    if taken_at is not None:
        details[ExifTags.Base.DateTimeOriginal] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            details[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps is not None:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        for (ref_tag, value_tag, refs), value in zip(
            [
                (ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLatitude, "NS"),
                (ExifTags.GPS.GPSLongitudeRef, ExifTags.GPS.GPSLongitude, "EW"),
            ],
            gps,
            strict=True,
        ):
            degrees = abs(value)
            minutes = (degrees % 1) * 60
            position[ref_tag] = refs[value < 0]
            position[value_tag] = (float(int(degrees)), float(int(minutes)), (minutes % 1) * 60)
    return exif


def demo_photo(
    *,
    size: tuple[int, int] = (1200, 900),
    colour: tuple[int, int, int] = (164, 22, 26),
    title: str = "",
    subtitle: str = "",
    texture: bool = False,
    image_format: str = "JPEG",
    exif: Image.Exif | None = None,
) -> bytes:
    """A picture of `size` with a coloured gradient and a caption, encoded with `exif`.

    With an EXIF orientation the pixels are stored turned the way a phone held like that
    stores them, so the picture is upright (and `size`) once the orientation is applied.
    `texture` adds fine noise so encoders work as hard as on a real photo (the benchmark).
    """
    width, height = size
    dark = tuple(c // 2 for c in colour)
    light = tuple(min(255, c + 110) for c in colour)
    # A street scene: sky, sun, a row of buildings with windows, the ground.
    sky = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, colour), Image.new("RGB", size, light), sky)
    draw = ImageDraw.Draw(image)
    unit = max(12, min(width, height) // 14)
    horizon = height * 3 // 4
    draw.ellipse((width - 5 * unit, 2 * unit, width - 2 * unit, 5 * unit), fill=(255, 236, 179))
    x, step = 0, max(unit, width // 9)
    while x < width:
        top = horizon - unit * (3 + (x * 7 + sum(colour)) % 6)
        draw.rectangle((x, top, x + step - unit // 3, horizon), fill=dark)
        for wy in range(top + unit // 2, horizon - unit // 2, unit):
            for wx in range(x + unit // 3, x + step - unit, unit * 2 // 3):
                draw.rectangle((wx, wy, wx + unit // 4, wy + unit // 3), fill=light)
        x += step
    draw.rectangle((0, horizon, width, height), fill=tuple(c // 3 for c in colour))
    if texture:
        noise = Image.effect_noise((max(1, width // 4), max(1, height // 4)), 48).resize(size)
        image = Image.blend(image, Image.merge("RGB", [noise] * 3), 0.25)
        draw = ImageDraw.Draw(image)
    font, chinese = _font(unit)
    if title and (chinese or title.isascii()):
        draw.text(
            (unit, height // 6),
            title,
            font=font,
            fill=(255, 255, 255),
            stroke_width=2,
            stroke_fill=dark,
        )
    if subtitle:
        draw.text(
            (unit, height // 6 + unit * 3 // 2),
            subtitle,
            font=_font(unit * 2 // 3)[0],
            fill=(255, 255, 255),
            stroke_width=1,
            stroke_fill=dark,
        )
    if exif is not None and exif.get(ExifTags.Base.Orientation, 1) in AS_STORED:
        image = image.transpose(AS_STORED[exif[ExifTags.Base.Orientation]])
    out = io.BytesIO()
    options = {"exif": exif.tobytes()} if exif is not None else {}
    if image_format == "JPEG":
        options["quality"] = 92
    image.save(out, image_format, **options)
    return out.getvalue()


@functools.cache  # a CJK font file is tens of megabytes: load each size once
def _font(size: int):
    """A font of `size` pixels, and whether it can draw Chinese."""
    for name in CJK_FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size), False
