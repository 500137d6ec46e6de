"""One reader for every spreadsheet the portal imports: .xlsx, .xls and .ods through
python-calamine, .csv through the standard library.

`read_workbook()` returns the visible worksheets, in the workbook's order, each as
rows of plain values (str as in the file, int, float, bool, date, datetime, None
for an empty cell) from row 1 of the sheet to its last non-empty row, so a row's
index + 1 is the number the user sees in the spreadsheet, and a column's index is
its letter. `find_header()` finds the header row under title rows, empty rows and
merged titles.

The format is told by the content, not the name: a zip with xl/workbook.xml is
.xlsx, a zip whose `mimetype` is OpenDocument's spreadsheet is .ods, the OLE2
signature is .xls, text named .csv or .txt is CSV. Anything else (a .docx, a PDF,
a picture renamed .xlsx) is refused naming the file and the formats accepted.
Before a zip is parsed its limits are checked (`spreadsheets.check_xlsx`,
`spreadsheets.check_ods`); .xls and .csv are bounded by the upload's size, and
their cells by MAX_CELL_CHARS once read.

What each format tells about formulas (calamine gives only the values the
spreadsheet program cached):

- .xlsx: the cells with an `<f>` element, found while the sheet's XML is streamed
  for its limits;
- .ods: the cells with a `table:formula` attribute in content.xml;
- .csv: a cell whose text starts with «=» (Excel would run it);
- .xls: nothing. calamine reads the cached result of a formula as a plain value
  and does not say that there was one, so `formulas` is always empty; the values
  are still those the user saw.

Merged ranges come from calamine for .xlsx and .xls, from content.xml for .ods;
a CSV has none. This module imports no app.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from mentoring.lib import spreadsheets
from mentoring.lib.spreadsheets import Deadline

FORMATS = (".xlsx", ".xls", ".ods", ".csv")
XLSX, XLS, ODS, CSV = "xlsx", "xls", "ods", "csv"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Names of OLE2 streams, as the container's directory spells them (UTF-16).
OLE2_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
OLE2_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # an .xlsx with a password
TEXT_NAMES = (".csv", ".txt")
CSV_DELIMITERS = ";,\t"
CSV_SAMPLE_LINES = 20


@dataclass
class Sheet:
    name: str
    rows: list[list] = field(default_factory=list)
    # (row index, column index), 0-based into `rows`, of the cells with a formula
    formulas: set[tuple[int, int]] = field(default_factory=set)
    # ((first row, first column), (last row, last column)), 0-based
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def not_a_spreadsheet(filename: str) -> ValidationError:
    return ValidationError(
        gettext(
            "«%(name)s» is not a spreadsheet the portal can read. Upload an Excel "
            "workbook (.xlsx or .xls), a LibreOffice sheet (.ods) or a CSV file "
            "(.csv)."
        )
        % {"name": filename},
        code="format",
    )


def detect(content: bytes, filename: str) -> str:
    """XLSX, XLS, ODS or CSV, from the content; ValidationError otherwise."""
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return XLSX
                if "mimetype" in names and (
                    archive.read("mimetype").strip() == ODS_MIMETYPE
                ):
                    return ODS
        except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, KeyError):
            raise spreadsheets.unreadable() from None  # a zip, but a broken one
        raise not_a_spreadsheet(filename)  # .docx, .pptx, a zip of photos…
    if content.startswith(OLE2_MAGIC):
        # The same container holds .doc and .ppt, and an .xlsx with a password.
        if OLE2_ENCRYPTED in content:
            raise spreadsheets.unreadable()
        if any(name in content for name in OLE2_WORKBOOK):
            return XLS
        raise not_a_spreadsheet(filename)
    if os.path.splitext(filename)[1].lower() in TEXT_NAMES and is_text(content):
        return CSV
    raise not_a_spreadsheet(filename)


def is_text(content: bytes) -> bool:
    if content.startswith(spreadsheets.UTF16_BOMS):  # Excel's «Unicode text»
        return True
    head = content[:4096]
    return b"\x00" not in head and not head.startswith((b"%PDF", b"\x89PNG"))


def read_workbook(
    content: bytes, filename: str, *, deadline: Deadline | None = None
) -> list[Sheet]:
    """The visible worksheets of the file, in the workbook's order. A
    ValidationError says why a file cannot be read (code «format» for what is not
    a spreadsheet, «unreadable» for a broken or protected one, and the limits'
    own codes)."""
    deadline = deadline or Deadline(None)
    kind = detect(content, filename)
    if kind == CSV:
        return [read_csv(content, filename, deadline)]
    formulas: dict[str, set] = {}
    merged: dict[str, list] = {}
    if kind == XLSX:
        formulas = spreadsheets.check_xlsx(content, deadline=deadline)
    elif kind == ODS:
        found = spreadsheets.check_ods(content, deadline=deadline)
        formulas = {name: sheet.formulas for name, sheet in found.items()}
        merged = {name: sheet.merged for name, sheet in found.items()}
    return read_calamine(content, deadline, formulas=formulas, merged=merged)


def read_calamine(
    content: bytes, deadline: Deadline, *, formulas: dict, merged: dict
) -> list[Sheet]:
    import python_calamine  # a compiled reader: loaded when a file comes

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # calamine's errors, and panics surfacing as others
        raise spreadsheets.unreadable() from None
    sheets = []
    try:
        for metadata in workbook.sheets_metadata:
            if metadata.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            if metadata.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            deadline.check()
            sheet = workbook.get_sheet_by_name(metadata.name)
            if sheet.end is not None:  # .xls is bounded by its format only
                spreadsheets.check_grid(sheet.end[0] + 1, sheet.end[1] + 1)
            deadline.check()
            sheets.append(
                Sheet(
                    name=metadata.name,
                    rows=sheet_rows(sheet, deadline),
                    formulas=set(formulas.get(metadata.name, ())),
                    merged=list(
                        merged.get(metadata.name) or sheet.merged_cell_ranges or []
                    ),
                )
            )
    except ValidationError:
        raise
    except Exception:
        raise spreadsheets.unreadable() from None
    finally:
        workbook.close()
    for sheet in sheets:
        settle(sheet)
    return sheets


def sheet_rows(sheet, deadline: Deadline) -> list[list]:
    """The sheet's values from A1. `skip_empty_area=False` keeps the empty rows and
    columns before the data; should a version of calamine still start at the first
    cell with data, `sheet.start` says how many to put back."""
    data = sheet.to_python(skip_empty_area=False)
    top, left = sheet.start or (0, 0)
    missing_rows = top + sheet.height - len(data) if data else 0
    width = max((len(row) for row in data), default=0)
    missing_columns = left + sheet.width - width if data else 0
    rows = [[None] * (width + max(missing_columns, 0))] * max(missing_rows, 0)
    rows = [list(row) for row in rows]
    for index, values in enumerate(data, start=len(rows)):
        deadline.check()
        row = [None] * max(missing_columns, 0)
        for column, value in enumerate(values, start=len(row)):
            value = plain(value)
            if isinstance(value, str) and len(value) > spreadsheets.MAX_CELL_CHARS:
                raise spreadsheets.cell_too_long(spreadsheets.cell_ref(index, column))
            row.append(value)
        rows.append(row)
    return rows


def plain(value):
    """A calamine value as the engine takes it: "" is an empty cell; a number
    that is whole is an int (Excel stores 12 as 12.0); a time of day or a
    duration is its text («10:30:00»)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, time | timedelta):
        return str(value)
    return value


def settle(sheet: Sheet) -> None:
    """Cut the empty rows and columns after the last value (a formula with no
    cached value counts as one) and pad every row to the same width."""
    height = width = 0
    for index, row in enumerate(sheet.rows):
        filled = [column for column, value in enumerate(row) if value is not None]
        if filled:
            height = index + 1
            width = max(width, filled[-1] + 1)
    for row, column in sheet.formulas:
        height, width = max(height, row + 1), max(width, column + 1)
    del sheet.rows[height:]
    for row in sheet.rows:
        if len(row) > width:
            del row[width:]
        elif len(row) < width:
            row.extend([None] * (width - len(row)))
    while len(sheet.rows) < height:
        sheet.rows.append([None] * width)


# --- CSV ---------------------------------------------------------------------------


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1251: what
    Excel and 1C save in Russia."""
    if content.startswith(spreadsheets.UTF16_BOMS):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise spreadsheets.unreadable() from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1251")
    except UnicodeDecodeError:  # five bytes cp1251 leaves undefined
        raise spreadsheets.unreadable() from None


def delimiter(text: str) -> str:
    """«;» (Excel in a Russian locale), «,» or tab, from the first lines: what
    csv.Sniffer finds among those three, else the one met most often outside
    quotes."""
    sample = "\n".join(text.splitlines()[:CSV_SAMPLE_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        pass
    outside = sample.split('"')[::2]  # the text between quoted fields
    counts = {d: sum(part.count(d) for part in outside) for d in CSV_DELIMITERS}
    return max(CSV_DELIMITERS, key=lambda d: counts[d])  # ties: the order above


def read_csv(content: bytes, filename: str, deadline: Deadline) -> Sheet:
    """One sheet named after the file. Values stay text as written; a cell that
    starts with «=» is noted as a formula."""
    text = decode(content)
    sheet = Sheet(name=os.path.splitext(os.path.basename(filename))[0] or "CSV")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    try:
        for index, cells in enumerate(reader):
            deadline.check()
            row = []
            for column, cell in enumerate(cells):
                if len(cell) > spreadsheets.MAX_CELL_CHARS:
                    raise spreadsheets.cell_too_long(
                        spreadsheets.cell_ref(index, column)
                    )
                if cell.startswith("="):
                    sheet.formulas.add((index, column))
                row.append(cell if cell != "" else None)
            sheet.rows.append(row)
    except csv.Error:  # a NUL inside, a field larger than csv's own limit
        raise spreadsheets.unreadable() from None
    settle(sheet)
    return sheet


# --- The header --------------------------------------------------------------------


def find_header(
    rows: list[list], score: Callable[[list], float], *, search: int = 30
) -> int | None:
    """The index of the row, among the first `search`, that scores highest; the
    earliest of equals; None when none scores above 0. Title rows (one text, merged
    across the columns or not) and empty rows score little, so they lose to a row
    of several known headers."""
    best, best_score = None, 0.0
    for index, row in enumerate(rows[:search]):
        value = score(row)
        if value > best_score:
            best, best_score = index, value
    return best
