"""Limits on an uploaded workbook (.xlsx, .ods), checked before a spreadsheet
library parses it.

An .xlsx is a zip of XML parts, and the zip is where the size hides: 195 KB of
upload unpacked to one 190 MB shared string and held a worker for 45 s at 1.8 GB
(issue 13). So, before the cells are read:

- `check_archive()` reads only the zip's directory: how many parts there are, how
  large each one and all of them are once unpacked, how hard each is compressed;
- `check_cells()` unpacks every part in chunks and streams the XML of the sheets
  and of the shared strings through expat, counting each cell's characters as they
  pass: a long cell is refused without its text ever being held whole. It also
  refuses a DTD (entities that expand are a bomb of their own). On the way it
  notes which cells hold a formula (the reader sees only the cached values) and
  how far the sheet's cells reach: calamine allocates the whole rectangle from A1
  to the last cell, so two cells at A1 and ZZ100000 took 2.1 GB, and one at
  XFD1048576 killed the process (`MAX_GRID_CELLS`);
- `check_ods()` does the same for an OpenDocument sheet's content.xml (its
  repeated rows and columns, its `text:s` runs of spaces), and notes its formulas
  and merged cells, which calamine does not give for .ods.

These use only zipfile and expat, so they hold whichever library reads the cells
afterwards (python-calamine, through `mentoring.lib.tabular`). A `Deadline` bounds
the time a preview may take: the readers and importers check it between steps
(parts, chunks, rows).

This module imports no app.
"""

from __future__ import annotations

import io
import posixpath
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from import_export.formats.base_formats import XLSX

# Sized for the 5 MB upload limit. The largest legitimate upload measured — 5000
# rows by 30 columns of varied text, written inline by openpyxl — unpacks about
# 3.6 times, to a sheet of 18 MB; repetitive sheets compress about 25 times.
MAX_PARTS = 500  # a workbook with a dozen sheets has some fifty parts
MAX_PART_BYTES = 25 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # deflate's own ceiling is about 1000:1, where bombs sit
RATIO_FROM_BYTES = 1024 * 1024  # a smaller part is harmless whatever its ratio
# Excel's own limit on a cell. The bases' text columns are bounded by the models
# (a request is 1000 characters): a longer cell is a row error there; beyond this
# the file cannot have come from Excel and is refused before it is read.
MAX_CELL_CHARS = 32767
# Cells of the rectangle from A1 to a sheet's last cell, which the reader holds
# whole (about 30 bytes each in calamine, then a Python object each). 5000 rows by
# 60 columns is 300 000; stray notes far to the right or below fit too.
MAX_GRID_CELLS = 2_000_000
DEFAULT_PREVIEW_SECONDS = 20  # under gunicorn's 30 s, so the page can say why
CHUNK_BYTES = 64 * 1024
# The parts whose cells are counted, by their root element.
SHARED_STRINGS, WORKSHEET = "sst", "worksheet"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

clock = time.monotonic  # tests put a clock of their own here


def preview_seconds() -> int:
    return int(getattr(settings, "IMPORT_PREVIEW_SECONDS", DEFAULT_PREVIEW_SECONDS))


class Deadline:
    """The time left to a preview; `check()` stops it once the budget is spent.
    `Deadline(None)` never stops (the import confirmed after a clean preview)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.at = None if seconds is None else clock() + seconds

    @classmethod
    def for_preview(cls) -> Deadline:
        return cls(preview_seconds())

    def check(self) -> None:
        if self.at is not None and clock() > self.at:
            raise ValidationError(
                ngettext(
                    "The file is too complex: checking it took longer than "
                    "%(seconds)s second. Nothing was imported; split the file into "
                    "smaller ones and upload them one by one.",
                    "The file is too complex: checking it took longer than "
                    "%(seconds)s seconds. Nothing was imported; split the file into "
                    "smaller ones and upload them one by one.",
                    self.seconds,
                )
                % {"seconds": self.seconds},
                code="too_complex",
            )


def unreadable() -> ValidationError:
    return ValidationError(
        gettext(
            "The workbook could not be read: it is damaged or protected by a "
            "password. Open it in Excel or LibreOffice, remove the password if it "
            "has one, save it again as .xlsx, .xls or .ods and upload it."
        ),
        code="unreadable",
    )


def grid_too_large(rows: int, columns: int) -> ValidationError:
    return ValidationError(
        gettext(
            "The sheet reaches row %(rows)s and column %(columns)s: more than "
            "%(limit)s cells for the portal to read. Delete what lies far below or "
            "to the right of the table (Ctrl+End in Excel shows the last cell) and "
            "upload it again."
        )
        % {
            "rows": number_format(rows, force_grouping=True),
            "columns": cell_ref(0, columns - 1).rstrip("1"),
            "limit": number_format(MAX_GRID_CELLS, force_grouping=True),
        },
        code="too_many_cells",
    )


def check_grid(rows: int, columns: int) -> None:
    """`rows` × `columns` from A1 within MAX_GRID_CELLS."""
    if rows * columns > MAX_GRID_CELLS:
        raise grid_too_large(rows, columns)


def check_xlsx(
    content: bytes, *, deadline: Deadline | None = None
) -> dict[str, set[tuple[int, int]]]:
    """Every limit, before the workbook is parsed; a ValidationError says which.
    Returns the cells that hold a formula: {sheet name: {(row, column)}}, 0-based."""
    check_archive(content)
    by_part = check_cells(content, deadline=deadline or Deadline(None))
    names = sheet_parts(content)
    return {names[part]: cells for part, cells in by_part.items() if part in names}


def sheet_parts(content: bytes) -> dict[str, str]:
    """{worksheet part («xl/worksheets/sheet1.xml»): sheet name} from the
    workbook's XML and its relationships (both small)."""
    sheets: list[tuple[str, str]] = []
    targets: dict[str, str] = {}

    def workbook_start(name, attributes):
        if name.rpartition("}")[2] == "sheet":
            rid = next(
                (v for k, v in attributes.items() if k.rpartition("}")[2] == "id"), ""
            )
            sheets.append((attributes.get("name", ""), rid))

    def rels_start(name, attributes):
        if name.rpartition("}")[2] == "Relationship":
            targets[attributes.get("Id", "")] = attributes.get("Target", "")

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for part, handler in (
                ("xl/workbook.xml", workbook_start),
                ("xl/_rels/workbook.xml.rels", rels_start),
            ):
                parser = expat.ParserCreate(namespace_separator="}")
                parser.StartDoctypeDeclHandler = PartScanner.refuse_dtd
                parser.StartElementHandler = handler
                parser.Parse(archive.read(part), True)
    except (KeyError, zipfile.BadZipFile, expat.ExpatError, OSError):
        return {}
    found = {}
    for name, rid in sheets:
        target = targets.get(rid, "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        found[posixpath.normpath(part)] = name
    return found


def check_archive(content: bytes) -> None:
    """The limits the zip's directory shows, without unpacking anything: any zip,
    an .xlsx or an .ods alike."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable() from None
    if len(members) > MAX_PARTS:
        raise ValidationError(
            ngettext(
                "The workbook consists of more than %(limit)s part, while an "
                "ordinary one has a few dozen. Open it in Excel and save it again.",
                "The workbook consists of more than %(limit)s parts, while an "
                "ordinary one has a few dozen. Open it in Excel and save it again.",
                MAX_PARTS,
            )
            % {"limit": MAX_PARTS},
            code="too_many_parts",
        )
    for member in members:
        if member.file_size > MAX_PART_BYTES:
            raise ValidationError(
                gettext(
                    "Once unpacked, the part %(part)s of the workbook takes "
                    "%(size)s, more than the limit of %(limit)s. Save the file again "
                    "in Excel or split it into smaller ones."
                )
                % {
                    "part": member.filename,
                    "size": filesizeformat(member.file_size),
                    "limit": filesizeformat(MAX_PART_BYTES),
                },
                code="part_too_large",
            )
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise ValidationError(
                gettext(
                    "The part %(part)s of the workbook is compressed %(ratio)s:1, "
                    "harder than an ordinary workbook ever is (at most %(limit)s:1); "
                    "the file is refused as a possible zip bomb."
                )
                % {"part": member.filename, "ratio": ratio, "limit": MAX_RATIO},
                code="compression_ratio",
            )
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise ValidationError(
            gettext(
                "Once unpacked, the workbook takes %(size)s, more than the limit of "
                "%(limit)s. Split it into smaller files."
            )
            % {
                "size": filesizeformat(total),
                "limit": filesizeformat(MAX_UNPACKED_BYTES),
            },
            code="too_large",
        )


def check_cells(content: bytes, *, deadline: Deadline) -> dict[str, set]:
    """Unpack every part in chunks and count the characters of each cell and each
    shared string; refuse the first one longer than MAX_CELL_CHARS. The shared
    strings go first, so that a cell using a long one can be named. Returns the
    formula cells of each worksheet part: {part: {(row, column)}}."""
    long_strings: set[int] = set()
    formulas: dict[str, set] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = sorted(
                (member for member in archive.infolist() if not member.is_dir()),
                key=lambda member: "sharedstrings" not in member.filename.lower(),
            )
            for member in members:
                scanner = PartScanner(long_strings)
                with archive.open(member) as part:
                    while chunk := part.read(CHUNK_BYTES):
                        deadline.check()
                        scanner.feed(chunk)
                scanner.close()
                if scanner.formulas:
                    formulas[member.filename] = scanner.formulas
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, OSError):
        # A broken or encrypted part, or one longer than the directory says.
        raise unreadable() from None
    if long_strings:  # in the file, though no cell of a sheet uses it
        raise cell_too_long("")
    return formulas


def cell_too_long(ref: str) -> ValidationError:
    limit = number_format(MAX_CELL_CHARS, force_grouping=True)
    column = ref.rstrip("0123456789")
    row = ref[len(column) :]
    if column and row:
        message = ngettext(
            "Cell %(cell)s (row %(row)s, column %(column)s) holds more than "
            "%(limit)s character, more than an Excel cell can hold. Shorten the text.",
            "Cell %(cell)s (row %(row)s, column %(column)s) holds more than "
            "%(limit)s characters, more than an Excel cell can hold. Shorten the "
            "text.",
            MAX_CELL_CHARS,
        ) % {"cell": ref, "row": row, "column": column, "limit": limit}
    else:
        message = ngettext(
            "A cell of the workbook holds more than %(limit)s character, more than "
            "an Excel cell can hold. Shorten the text.",
            "A cell of the workbook holds more than %(limit)s characters, more than "
            "an Excel cell can hold. Shorten the text.",
            MAX_CELL_CHARS,
        ) % {"limit": limit}
    return ValidationError(message, code="cell_too_long")


class PartScanner:
    """One part's XML through expat, chunk by chunk. In the shared strings it notes
    which strings are too long (`long_strings`, by index); in a sheet it counts each
    cell's characters (an inline string, a value, a formula) and refuses a long one
    or one that uses a long shared string, notes the cells with a formula
    (`formulas`) and refuses a sheet whose cells reach beyond MAX_GRID_CELLS.
    Other parts are only unpacked.

    A cell's position is its `r` («B7»); the format lets a writer leave `r` out,
    and then a row is the one after the previous and a cell the one to the right
    of the previous."""

    def __init__(self, long_strings: set[int]):
        self.long_strings = long_strings
        self.root: str | None = None
        self.skip = False  # not XML, or not a part with cells
        self.started = False
        self.tag = ""  # the text element being counted: t, v or f
        self.in_item = False  # inside a shared string (si) or a cell (c)
        self.length = 0
        self.index = -1  # of the current shared string
        self.ref = ""  # of the current cell, e.g. "B7"
        self.shared = False  # the current cell's value is a shared string's index
        self.value = ""
        self.formulas: set[tuple[int, int]] = set()  # (row, column) of the sheet
        self.row, self.column = -1, -1  # 0-based position of the current cell
        self.filled = False  # the current cell has a value or a formula
        self.rows = self.columns = 0  # how far the filled cells reach
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self.refuse_dtd
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        self.parser = parser

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if not self.started:
            self.started = True
            head = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
            if not head.startswith(b"<") and chunk[:2] not in UTF16_BOMS:
                self.skip = True  # an image, a binary part
        if self.skip:
            return
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError:
            if self.root in (SHARED_STRINGS, WORKSHEET):
                raise unreadable() from None
            self.skip = True  # e.g. legacy VML drawings, which are not XML

    def close(self) -> None:
        if self.started:
            self.feed(b"", final=True)

    def refuse_dtd(self, *args) -> None:
        raise unreadable()

    def start(self, name: str, attributes: dict) -> None:
        local = name.rpartition("}")[2]
        if self.root is None:
            self.root = local
            self.skip = local not in (SHARED_STRINGS, WORKSHEET)
        if self.skip:
            return
        if self.root == SHARED_STRINGS:
            if local == "si":
                self.in_item, self.length = True, 0
                self.index += 1
            elif local == "t" and self.in_item:
                self.tag = local
        elif local == "row":
            number = attributes.get("r", "")
            self.row = int(number) - 1 if number.isdigit() else self.row + 1
            self.column = -1
        elif local == "c":
            self.in_item, self.length, self.value = True, 0, ""
            self.filled = False
            self.ref = attributes.get("r", "")
            position = ref_position(self.ref)
            if position is None:
                position = (max(self.row, 0), self.column + 1)
                self.ref = cell_ref(*position)
            self.row, self.column = position
            self.shared = attributes.get("t") == "s"
        elif local in ("t", "v", "f") and self.in_item:
            # calamine keeps a cell that has a <v>, even an empty one.
            self.tag, self.filled = local, True
            if local == "f":
                self.formulas.add((self.row, self.column))

    def text(self, data: str) -> None:
        if not self.tag or self.skip:
            return
        self.length += len(data)
        if self.shared and self.tag == "v" and len(self.value) < 20:
            self.value += data

    def end(self, name: str) -> None:
        if self.skip:
            return
        local = name.rpartition("}")[2]
        if local == self.tag:
            self.tag = ""
        elif local == "si" and self.in_item:
            self.in_item = False
            if self.length > MAX_CELL_CHARS:
                self.long_strings.add(self.index)
        elif local == "c" and self.in_item:
            self.in_item = False
            index = self.value.strip()
            if self.length > MAX_CELL_CHARS or (
                self.shared and index.isdigit() and int(index) in self.long_strings
            ):
                raise cell_too_long(self.ref)
            if self.filled and (self.row >= self.rows or self.column >= self.columns):
                self.rows = max(self.rows, self.row + 1)
                self.columns = max(self.columns, self.column + 1)
                check_grid(self.rows, self.columns)


def ref_position(ref: str) -> tuple[int, int] | None:
    """«B7» → (6, 1): 0-based row and column; None for anything else."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not (letters.isascii() and letters.isalpha() and digits.isdigit()):
        return None
    if int(digits) < 1:
        return None
    column = 0
    for char in letters.upper():
        column = column * 26 + (ord(char) - 64)
    return int(digits) - 1, column - 1


def cell_ref(row: int, column: int) -> str:
    """(6, 1) → «B7»."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{row + 1}"


@dataclass
class OdsSheet:
    """What `check_ods()` found in one table of content.xml."""

    formulas: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def check_ods(content: bytes, *, deadline: Deadline | None = None) -> dict:
    """The limits of an OpenDocument spreadsheet, before it is parsed: the zip's
    directory, then content.xml streamed through expat (each cell's characters,
    how far the cells reach once repeated rows and columns are counted). Returns
    {sheet name: OdsSheet} with the formula cells and the merged ranges."""
    deadline = deadline or Deadline(None)
    check_archive(content)
    scanner = OdsScanner()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(content)) as archive,
            archive.open("content.xml") as part,
        ):
            while chunk := part.read(CHUNK_BYTES):
                deadline.check()
                scanner.parser.Parse(chunk, False)
            scanner.parser.Parse(b"", True)
    except (
        KeyError,  # no content.xml
        ValueError,  # a repeat that is not a number
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,  # encrypted
        OSError,
        expat.ExpatError,  # content.xml encrypted with a password, or broken
    ):
        raise unreadable() from None
    return scanner.sheets


class OdsScanner:
    """content.xml of an .ods, element by element. A row or a cell may stand for
    several (`number-rows-repeated`, `number-columns-repeated`: LibreOffice writes
    the empty rest of a sheet as one row repeated a million times); a covered cell
    (hidden under a merged one) takes its place like any other."""

    def __init__(self):
        self.sheets: dict[str, OdsSheet] = {}
        self.sheet: OdsSheet | None = None
        self.depth = 0  # of table:table; a table inside a cell is not a sheet
        self.row = 0  # 0-based index of the current row
        self.row_repeat = 1
        self.column = 0
        self.cell: dict | None = None  # the current cell's attributes
        self.length = 0  # characters of the current cell's text
        self.rows = self.columns = 0  # how far the filled cells reach
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = PartScanner.refuse_dtd
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        self.parser = parser

    def start(self, name: str, attributes: dict) -> None:
        if name == f"{TABLE_NS}table":
            self.depth += 1
            if self.depth == 1:
                self.sheet = self.sheets.setdefault(
                    attributes.get(f"{TABLE_NS}name", ""), OdsSheet()
                )
                self.row, self.rows, self.columns = 0, 0, 0
            return
        if self.depth != 1:
            if self.cell is not None:
                self.count(name, attributes)
            return
        if name == f"{TABLE_NS}table-row":
            self.row_repeat = repeat(attributes, "number-rows-repeated")
            self.column = 0
        elif name in (f"{TABLE_NS}table-cell", f"{TABLE_NS}covered-table-cell"):
            self.cell, self.length = attributes, 0
            self.length = len(attributes.get(f"{OFFICE_NS}string-value", ""))
        elif self.cell is not None:
            self.count(name, attributes)

    def count(self, name: str, attributes: dict) -> None:
        """Characters that an element of a cell's text stands for."""
        if name == f"{TEXT_NS}s":  # a run of spaces, «c» long
            self.add(repeat(attributes, "c", TEXT_NS))
        elif name in (f"{TEXT_NS}tab", f"{TEXT_NS}line-break"):
            self.add(1)

    def add(self, length: int) -> None:
        self.length += length
        if self.length > MAX_CELL_CHARS:
            raise cell_too_long(cell_ref(self.row, self.column))

    def text(self, data: str) -> None:
        if self.cell is not None:
            self.add(len(data))

    def end(self, name: str) -> None:
        if name == f"{TABLE_NS}table":
            self.depth -= 1
            if self.depth == 0:
                self.sheet = None
        elif self.depth != 1 or self.sheet is None:
            return
        elif name == f"{TABLE_NS}table-row":
            self.row += self.row_repeat
        elif name in (f"{TABLE_NS}table-cell", f"{TABLE_NS}covered-table-cell"):
            self.end_cell()

    def end_cell(self) -> None:
        attributes, self.cell = self.cell or {}, None
        columns = repeat(attributes, "number-columns-repeated")
        formula = f"{TABLE_NS}formula" in attributes
        if formula or self.length or f"{OFFICE_NS}value-type" in attributes:
            self.rows = max(self.rows, self.row + self.row_repeat)
            self.columns = max(self.columns, self.column + columns)
            check_grid(self.rows, self.columns)
            if formula:
                self.sheet.formulas.update(
                    (self.row + row, self.column + column)
                    for row in range(self.row_repeat)
                    for column in range(columns)
                )
        spanned = (
            repeat(attributes, "number-rows-spanned"),
            repeat(attributes, "number-columns-spanned"),
        )
        if spanned != (1, 1):
            self.sheet.merged.append(
                (
                    (self.row, self.column),
                    (self.row + spanned[0] - 1, self.column + spanned[1] - 1),
                )
            )
        self.column += columns


def repeat(attributes: dict, name: str, namespace: str = TABLE_NS) -> int:
    """A count attribute (`number-columns-repeated` and the like), 1 when absent."""
    value = int(attributes.get(f"{namespace}{name}", "1"))
    if value < 1:
        raise ValueError(name)
    return value


class GuardedXLSX(XLSX):
    """The admin's import (django-import-export) reads uploads through the same
    limits as the portal's pages."""

    def create_dataset(self, in_stream):
        check_xlsx(bytes(in_stream))
        return super().create_dataset(in_stream)
