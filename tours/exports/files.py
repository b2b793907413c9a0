"""Helpers shared by the office files we produce: column widths, bytes, downloads."""

import io
import unicodedata

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def display_width(text) -> int:
    """Columns a text needs: a Chinese character is as wide as two Latin ones."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text or ""))


def column_width(values, *, minimum: int = 6, maximum: int = 50) -> float:
    """An Excel column width that fits the longest of `values` (wrapped beyond `maximum`)."""
    widest = max(
        (display_width(line) for v in values for line in str(v or "").splitlines()), default=0
    )
    return max(minimum, min(maximum, widest + 2))


def workbook_bytes(workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name that every browser keeps."""
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response
