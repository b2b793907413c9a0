"""Read an uploaded .xlsx or .csv into a table of text cells, checking the file by its content.

Every cell becomes text (dates as 2024-02-28, times as 09:00), so the importers parse one
kind of value whatever program saved the file, and a table can be signed and carried from
the preview to the confirmation without keeping the upload.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_UNPACKED_SIZE = 60 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks into a bomb
MAX_ROWS = 5000
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10  # a title row or two ("××考察团花名册") may stand above the header

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls / .et formats


@dataclass
class Table:
    """A sheet as text: its header cells and its data rows, each with its row number."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int = 1

    def to_payload(self) -> dict:
        return {"h": self.headers, "r": self.rows, "n": self.header_row}

    @classmethod
    def from_payload(cls, payload: dict) -> "Table":
        return cls(
            headers=list(payload["h"]),
            rows=[(int(number), list(cells)) for number, cells in payload["r"]],
            header_row=int(payload["n"]),
        )


def read_table(file, *, is_header=lambda cells: True) -> Table:
    """Read the first worksheet of an .xlsx, or a .csv in UTF-8 (with or without BOM) or GBK.

    `is_header(cells)` tells the header row among the first rows; raises ValidationError
    with a message for the person who uploaded the file.
    """
    data = file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise ValidationError(
            _("The file is larger than %(size)d MB; split it into smaller sheets.")
            % {"size": MAX_FILE_SIZE // (1024 * 1024)}
        )
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise ValidationError(
            _(
                "This is an old .xls file: save it as .xlsx (Save As in Excel or WPS) "
                "and upload it again."
            )
        )
    rows = _xlsx_rows(data) if data.startswith(XLSX_MAGIC) else _csv_rows(data)
    return _table(rows, is_header)


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_SIZE:
                raise ValidationError(_("The workbook is too large once unpacked."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(
            _("The file could not be read as an Excel workbook (.xlsx); is it damaged?")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(max_col=MAX_COLUMNS):
            yield [_cell_text(cell) for cell in row]
    finally:
        workbook.close()


def _cell_text(cell) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        if value.date() == datetime.date(1899, 12, 30):  # a time-only cell
            return value.strftime("%H:%M")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if "%" in (getattr(cell, "number_format", "") or ""):
            value *= 100
        value = round(value, 6)
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def _csv_rows(data: bytes):
    if b"\x00" in data[:4096]:
        raise ValidationError(_("The file is neither an .xlsx workbook nor a .csv text file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(
            _("The file's text encoding is not UTF-8 or GBK; save it as CSV (UTF-8) again.")
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return ([cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect))


def _table(rows, is_header) -> Table:
    headers, header_row, body = None, 0, []
    for number, cells in enumerate(rows, start=1):
        while cells and not cells[-1]:
            cells = cells[:-1]  # Excel reports formatted but empty cells to the right
        if headers is None:
            if number > HEADER_SEARCH_ROWS:
                break
            if any(cells) and is_header(cells):
                headers, header_row = cells, number
            continue
        if not any(cells):
            continue
        if len(body) >= MAX_ROWS:
            raise ValidationError(
                _("The sheet has more than %(count)d rows; split it into smaller sheets.")
                % {"count": MAX_ROWS}
            )
        body.append((number, cells))
    if headers is None:
        raise ValidationError(
            _("No header row found in the first %(count)d rows: use the template's column names.")
            % {"count": HEADER_SEARCH_ROWS}
        )
    return Table(headers=headers, rows=body, header_row=header_row)
