"""Limits on an uploaded Excel workbook, checked before a spreadsheet library
parses it.

An .xlsx is a zip of XML parts, and the zip is where the size hides: 195 KB of
upload unpacked to one 190 MB shared string and held a worker for 45 s at 1.8 GB
(issue 13). So, before the cells are read:

- `check_archive()` reads only the zip's directory: how many parts there are, how
  large each one and all of them are once unpacked, how hard each is compressed;
- `check_cells()` unpacks every part in chunks and streams the XML of the sheets
  and of the shared strings through expat, counting each cell's characters as they
  pass: a long cell is refused without its text ever being held whole. It also
  refuses a DTD (entities that expand are a bomb of their own).

Both use only zipfile and expat, so they hold whichever library reads the cells
afterwards (openpyxl today). A `Deadline` bounds the time a preview may take: the
importers check it between steps (parts, chunks, rows).

This module imports no app.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
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
DEFAULT_PREVIEW_SECONDS = 20  # under gunicorn's 30 s, so the page can say why
CHUNK_BYTES = 64 * 1024
# The parts whose cells are counted, by their root element.
SHARED_STRINGS, WORKSHEET = "sst", "worksheet"
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
            "The workbook could not be read. Open it in Excel, save it again as "
            "«Excel Workbook (.xlsx)» and upload it."
        ),
        code="unreadable",
    )


def check_xlsx(content: bytes, *, deadline: Deadline | None = None) -> None:
    """Every limit, before the workbook is parsed; a ValidationError says which."""
    check_archive(content)
    check_cells(content, deadline=deadline or Deadline(None))


def check_archive(content: bytes) -> None:
    """The limits the zip's directory shows, without unpacking anything."""
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


def check_cells(content: bytes, *, deadline: Deadline) -> None:
    """Unpack every part in chunks and count the characters of each cell and each
    shared string; refuse the first one longer than MAX_CELL_CHARS. The shared
    strings go first, so that a cell using a long one can be named."""
    long_strings: set[int] = set()
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
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, OSError):
        # A broken or encrypted part, or one longer than the directory says.
        raise unreadable() from None
    if long_strings:  # in the file, though no cell of a sheet uses it
        raise cell_too_long("")


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
    or one that uses a long shared string. Other parts are only unpacked."""

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
        elif local == "c":
            self.in_item, self.length, self.value = True, 0, ""
            self.ref = attributes.get("r", "")
            self.shared = attributes.get("t") == "s"
        elif local in ("t", "v", "f") and self.in_item:
            self.tag = local

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


class GuardedXLSX(XLSX):
    """The admin's import (django-import-export) reads uploads through the same
    limits as the portal's pages."""

    def create_dataset(self, in_stream):
        check_xlsx(bytes(in_stream))
        return super().create_dataset(in_stream)
