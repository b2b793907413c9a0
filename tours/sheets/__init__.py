"""Spreadsheets in: the roster, the itinerary and the action items, read from .xlsx or .csv.

`read_table` turns an upload into text cells; an importer plans what the rows will create,
update or leave alone, with every problem by row and column; `tours.services.import_sheet`
saves a plan all or nothing.
"""

from .actions import ActionImporter
from .base import CellError, RowAction, SheetImporter, SheetPreview
from .itinerary import ItineraryImporter
from .reading import Table, read_table
from .roster import RosterImporter

SHEETS: dict[str, type[SheetImporter]] = {
    importer.sheet: importer for importer in (RosterImporter, ItineraryImporter, ActionImporter)
}


def read_sheet(file, sheet: str) -> Table:
    """Read an upload, taking as header the first row that names the sheet's columns."""
    return read_table(file, is_header=SHEETS[sheet].recognizes)


__all__ = [
    "SHEETS",
    "CellError",
    "RowAction",
    "SheetPreview",
    "Table",
    "read_sheet",
    "read_table",
]
