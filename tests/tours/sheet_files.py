"""Build the spreadsheets users upload: .xlsx as Excel saves it, .csv as WPS saves it."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

ROSTER_HEADER = ["姓名", "性别", "单位", "职务", "团内角色", "手机", "备注"]
ITINERARY_HEADER = [
    "日期",
    "开始时间",
    "结束时间",
    "考察点",
    "类型",
    "接待单位",
    "介绍人",
    "省",
    "市",
    "区县",
    "地址",
    "内容简介",
]
ACTIONS_HEADER = ["事项", "责任单位", "责任人", "完成时限", "状态", "进度", "备注"]


def xlsx(rows, *, title_row=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title_row:
        sheet.append([title_row])
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows, *, encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def upload(content: bytes, name="名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# Text that Excel or WPS would run as a formula if a file wrote it as one.
FORMULAS = [
    '=HYPERLINK("http://evil","点我")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1",
    "-1+2",
    "\t=1",
    "\r=1",
]


def assert_shown_as_text(cell, text):
    """The cell holds `text` as a string that stays one when edited (Excel's quote prefix)."""
    assert (cell.value, cell.data_type) == (text, "s")
    assert cell.quotePrefix
