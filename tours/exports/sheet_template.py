"""Downloadable sheet templates: the Chinese header row, an example row, drop-downs for choices."""

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tours.sheets import SHEETS
from tours.sheets.base import EXAMPLE_MARK

from .files import column_width, workbook_bytes

EXAMPLE_FILL = PatternFill("solid", fgColor="F2F2F2")
EXAMPLE_FONT = Font(italic=True, color="808080")


def build_template(sheet: str) -> bytes:
    """An .xlsx whose first row names every column the sheet understands; the second is
    an example, grey and italic and marked（示例，导入时忽略）, which an import leaves out."""
    importer = SHEETS[sheet]
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = str(importer.title)
    worksheet.append([c.header + ("*" if c.required else "") for c in importer.columns])
    worksheet.append([c.example for c in importer.columns] + [EXAMPLE_MARK])
    mark = worksheet.cell(row=2, column=len(importer.columns) + 1)
    mark.font = EXAMPLE_FONT
    worksheet.column_dimensions[mark.column_letter].width = column_width([EXAMPLE_MARK])
    for index, column in enumerate(importer.columns, start=1):
        letter = worksheet.cell(row=1, column=index).column_letter
        worksheet.cell(row=1, column=index).font = Font(bold=True)
        worksheet.cell(row=2, column=index).fill = EXAMPLE_FILL
        worksheet.cell(row=2, column=index).font = EXAMPLE_FONT
        worksheet.column_dimensions[letter].width = column_width(
            [column.header, column.example], minimum=8
        )
        if column.choices:
            choices = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            worksheet.add_data_validation(choices)
            choices.add(f"{letter}2:{letter}1000")
        # Text cells: Excel would otherwise turn a phone number into 1.39E+10.
        if column.key in ("phone", "date", "due_date", "start_time", "end_time"):
            for row in range(2, 1001):
                worksheet.cell(row=row, column=index).number_format = "@"
    worksheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
