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


def row_height(cells, *, line_points: float = 14) -> float:
    """Points a row needs when its (text, column width) `cells` wrap.

    Spreadsheet programs keep a file's row heights, so a row of wrapped Chinese text
    must be given its height or its lines overlap the next row.
    """
    lines = 1
    for text, width in cells:
        usable = max(1, int(width) - 2)
        wrapped = sum(
            max(1, -(-display_width(line) // usable))
            for line in str(text or "").splitlines() or [""]
        )
        lines = max(lines, wrapped)
    return lines * line_points + 4


# A cell starting with one of these is a formula to Excel and WPS (a tab or carriage return
# before it hides one), and a DDE formula such as =cmd|' /C calc'!A0 starts a program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def keep_text_as_text(workbook):
    """Make every text cell that starts like a formula plain text, shown as it was typed.

    openpyxl writes a string starting with "=" as a formula, so such a cell is typed back
    to a string; and each one gets Excel's quote prefix (what a leading ' gives in Excel),
    so it stays text when someone edits it in Excel or WPS. The text itself is unchanged,
    so a "-" placeholder or "-3%" reads as written, and numbers (negative ones too) are
    not strings and stay numbers. Our exports write no formulas of their own.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def workbook_bytes(workbook) -> bytes:
    """The .xlsx bytes of `workbook`: every export saves through here, so none can forget."""
    keep_text_as_text(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name that every browser keeps."""
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response
