"""Small files of every kind an upload form meets: real ones, and impostors."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter


def _one_page_pdf(**metadata) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)  # A4 in points
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _one_page_pdf()


def pdf(name="进展材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def image(name="现场照片.png", size=(40, 30), format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#a4161a").save(buffer, format=format)
    content_type = "image/png" if format == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def _office(main_part: str, name: str, content_type: str):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def docx(name="工作方案.docx"):
    return _office(
        "word/document.xml",
        name,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def xlsx(name="台账.xlsx"):
    return _office(
        "xl/workbook.xml", name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def exe_named_pdf(name="报告.pdf"):
    """A Windows program dressed up as a PDF by its name and Content-Type."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")


def html(name="说明.html"):
    return SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="text/html")


def zip_archive(name="材料.zip"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def oversized_pdf(megabytes=21):
    return pdf("扫描件.pdf", PDF + b"0" * (megabytes * 1024 * 1024))


def broken_png(name="坏图.png"):
    return SimpleUploadedFile(
        name, b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, content_type="image/png"
    )


def huge_png(width=10_000, height=8_000, name="巨幅.png"):
    """A PNG whose header claims 80 million pixels: what a decompression bomb looks like."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    content = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, content, content_type="image/png")
