"""What every exported workbook shares: text from users stays text."""

import io

from openpyxl import Workbook, load_workbook

from tests.tours.sheet_files import assert_shown_as_text
from tours.exports.files import workbook_bytes


def test_numbers_stay_numbers_and_plain_text_keeps_its_style():
    workbook = Workbook()
    workbook.active.append([-1, -0.25, "-", "=1+1", "推进中"])
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    assert [(c.value, c.data_type) for c in sheet[1][:2]] == [(-1, "n"), (-0.25, "n")]
    assert_shown_as_text(sheet["C1"], "-")  # a placeholder reads as written
    assert_shown_as_text(sheet["D1"], "=1+1")
    assert not sheet["E1"].quotePrefix
