"""Reading an uploaded write-up: Word (.docx, paragraphs and tables in document order) or
plain text (UTF-8, else GB18030, which covers GBK and GB2312)."""

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024


def read_text(data: bytes) -> str:
    """Decode a .txt upload: UTF-8 (with or without BOM), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("This text file is neither UTF-8 nor GBK encoded."), code="encoding")


def read_docx(file) -> str:
    """The text of a .docx: each paragraph a line, each table row a line of its cells joined
    by tabs (merged cells once), in the order they appear in the document."""
    from docx import Document as WordDocument
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = WordDocument(file)
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise ValidationError(_("This is not a Word (.docx) file."), code="not_docx") from error
    except Exception as error:  # a broken zip raises zipfile.BadZipFile and others
        raise ValidationError(_("This is not a Word (.docx) file."), code="not_docx") from error
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                continue
            seen.add(id(cell._tc))
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            cells.append(text)
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def read_file(file, name: str | None = None) -> str:
    """The text of an upload (.docx or .txt), by its name's extension."""
    name = name or getattr(file, "name", "") or ""
    suffix = Path(name).suffix.lower()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read() if hasattr(file, "read") else Path(file).read_bytes()
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    if suffix == ".docx":
        return read_docx(io.BytesIO(data))
    if suffix in (".txt", ".text", ""):
        return read_text(data)
    raise ValidationError(_("Upload a Word (.docx) or text (.txt) file."), code="file_type")
