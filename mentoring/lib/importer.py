"""One engine for every file the portal imports: read, map, clean, preview, fix,
confirm. The apps describe what they import as an `ImportKind`; the engine does
the rest the same way for all of them.

1. **Read** (`mentoring.lib.tabular`): .xlsx, .xls, .ods or .csv; the sheet is the
   one asked for, else the first with something that looks like a header; the
   header row is found (title rows, empty rows and merged cells above it do not
   fool it) and named on the page.
2. **Map**: every column of the file gets a field of the kind, from the mapping
   this organisation confirmed last time for the same header, else from the
   kind's synonyms (the federal template headers, the portal's own exports and
   template, common variants), else «не загружать». Headers the kind knows but
   does not load (a partner's columns of a base export) are named with why.
3. **Clean** (`mentoring.lib.cleaning` via the kind): every cell becomes a value
   or an error on that cell; a formula is refused on its cell.
4. **Plan** (the kind): who each row is — new, the same as someone in the base
   (with old → new values), unchanged — and rows of one file that are one person.
5. **Fix in the browser**: the page sends back the state (`ImportState`): the
   file's token, sheet, header, mapping, values for all rows, corrected cells,
   excluded rows and decisions; checking again needs no new upload.
6. **Apply**: the same pipeline once more inside one transaction; the kind writes
   exactly the rows that are neither excluded nor in error, or nothing.

Nothing is written before the confirmation: checking builds objects in memory
and validates them, it never saves. The uploaded file is kept server-side
(`stash`) under a random name; the page carries only a signed token naming that
file, the user, the organisation and the kind. This module imports no app.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, ngettext

from mentoring.lib import tabular
from mentoring.lib.spreadsheets import Deadline

NEW, UPDATE, SAME, ERROR, EXCLUDED, MERGED = (
    "new",
    "update",
    "same",
    "error",
    "excluded",
    "merged",
)
SKIP = ""  # the mapping's «не загружать»
DISTINCT = "distinct"  # a decision: rows of one name are different people
DEFAULT_MAX_ROWS = 5000
TOKEN_MAX_AGE = 2 * 60 * 60  # seconds a file waits between the steps
TOKEN_SALT = "mentoring.importer"
TMP_DIRNAME = "import-tmp"
TMP_NAME = re.compile(r"[0-9a-f]{32}")
SHOWN_ROWS = 100  # rows without anything to say shown on the page
SHOWN_PROBLEMS = 500  # rows with something to fix or decide


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def header_key(text) -> str:
    """What spellings of one header have in common: letters and digits only,
    case- and «ё»-insensitive («Ф.И.О.» = «ФИО», «Кл.» = «кл»)."""
    if text is None:
        return ""
    return re.sub(r"[\W_]+", "", str(text).casefold().replace("ё", "е"))


# --- What a kind declares ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A field a column of the file can fill."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Known:
    """Headers the kind recognises but does not load, and why."""

    synonyms: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Default:
    """A value for every row, offered when no column of the file holds it."""

    key: str
    label: str
    choices: tuple[tuple[str, str], ...]
    initial: str = ""
    when: tuple[str, ...] = ()  # shown only when one of these fields is mapped


class ImportKind:
    """What one import reads and writes. Subclasses set the class attributes and
    implement `clean_row()`, `plan()` and `save()`; `prepare()` loads what the
    rows are checked against (once per check, never per row)."""

    slug = ""
    title = ""
    columns: tuple[Column, ...] = ()
    known: tuple[Known, ...] = ()
    # Each tuple: fields of which at least one must be mapped (or defaulted).
    required: tuple[tuple[str, ...], ...] = ()

    def __init__(self, organisation, *, user=None, hide_tier: bool = False):
        self.organisation = organisation
        self.user = user
        self.hide_tier = hide_tier

    # -- to override -------------------------------------------------------------
    def defaults(self) -> list[Default]:
        return []

    def prepare(self) -> None:
        """Load catalogues and the existing records the rows are matched to."""

    def clean_row(self, row: Row, defaults: dict) -> None:
        """Fill `row.values` from `row.raw` (cleaned), errors into `row.errors`."""
        raise NotImplementedError

    def plan(self, rows: list[Row], decisions: dict) -> None:
        """Set each clean row's status (NEW, UPDATE, SAME, MERGED or ERROR) and
        its `changes`, `existing` and `duplicates`."""
        raise NotImplementedError

    def save(self, rows: list[Row]) -> dict:
        """Write the rows (all clean and confirmed); return counts by status."""
        raise NotImplementedError

    def extras(self, preview: Preview) -> dict:
        """Anything kind-specific the preview page shows (e.g. missing classes)."""
        return {}

    # -- derived -----------------------------------------------------------------
    @property
    def column_map(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    def label(self, key: str) -> str:
        column = self.column_map.get(key)
        return str(column.label) if column else key

    def synonyms(self) -> dict[str, str]:
        """Header key → field key, the field's own label included."""
        found: dict[str, str] = {}
        for column in self.columns:
            for text in (column.label, *column.synonyms):
                found.setdefault(header_key(text), column.key)
        return found

    def known_reasons(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for known in self.known:
            for text in known.synonyms:
                found.setdefault(header_key(text), str(known.reason))
        return found

    def header_score(self, cells: list) -> float:
        synonyms, known = self.synonyms(), self.known_reasons()
        return sum(
            1
            for cell in cells
            if isinstance(cell, str)
            and (header_key(cell) in synonyms or header_key(cell) in known)
        )


# --- The rows and the preview -----------------------------------------------------


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it
    raw: dict  # field key → the cell's value (after corrections)
    formulas: set = field(default_factory=set)  # field keys whose cell is a formula
    edited: set = field(default_factory=set)  # field keys corrected on the page
    defaulted: set = field(default_factory=set)  # keys set by a choice for all rows
    values: dict = field(default_factory=dict)  # field key → clean value
    errors: dict = field(default_factory=dict)  # field key → message
    row_errors: list = field(default_factory=list)  # messages about the whole row
    status: str = NEW
    changes: list = field(default_factory=list)  # (label, old, new)
    notes: list = field(default_factory=list)  # what else happens, in words
    existing: object = None
    duplicates: list = field(default_factory=list)  # numbers of rows of one person
    decision: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.row_errors)

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, str(message))

    @property
    def needs_attention(self) -> bool:
        return self.status in (ERROR, UPDATE) or bool(self.duplicates)


@dataclass
class MappedColumn:
    index: int
    letter: str
    header: str
    samples: list
    field: str  # a field key or SKIP
    known: str = ""  # why a recognised header is not loaded
    remembered: bool = False


@dataclass
class Preview:
    kind: ImportKind
    filename: str
    sheets: list[str]
    sheet: str
    header_row: int  # as the spreadsheet numbers it
    columns: list[MappedColumn]
    mapping_errors: list[str]
    rows: list[Row] = field(default_factory=list)
    extras: dict = field(default_factory=dict)
    checked: bool = False  # False while only the mapping is shown

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(SAME)

    @property
    def with_errors(self) -> int:
        return self.count(ERROR)

    @property
    def excluded(self) -> int:
        return self.count(EXCLUDED)

    @property
    def merged(self) -> int:
        return self.count(MERGED)

    @property
    def to_write(self) -> list[Row]:
        return [row for row in self.rows if row.status in (NEW, UPDATE)]

    @property
    def is_clean(self) -> bool:
        return (
            self.checked
            and not self.mapping_errors
            and not self.with_errors
            and any(row.status in (NEW, UPDATE, SAME, MERGED) for row in self.rows)
        )

    @property
    def mapped(self) -> list[MappedColumn]:
        return [column for column in self.columns if column.field]

    @property
    def shown_rows(self) -> list[Row]:
        """The rows the page lists: every one with something to fix or decide (up
        to SHOWN_PROBLEMS), then the first SHOWN_ROWS of the rest."""
        problems = [row for row in self.rows if row.needs_attention][:SHOWN_PROBLEMS]
        shown = {row.number for row in problems}
        quiet = [row for row in self.rows if row.number not in shown][:SHOWN_ROWS]
        shown |= {row.number for row in quiet}
        return [row for row in self.rows if row.number in shown]

    @property
    def hidden_rows(self) -> int:
        return len(self.rows) - len(self.shown_rows)


class Rejected(ValidationError):
    """The confirmed file no longer checks clean; `preview` says why."""

    def __init__(self, preview: Preview):
        super().__init__(
            gettext("Nothing was imported: the file has errors."), code="rows"
        )
        self.preview = preview


# --- The state the page sends back ------------------------------------------------


@dataclass
class ImportState:
    token: str = ""
    sheet: str = ""
    header: int | None = None  # 0-based index of the header row
    mapping: list[str] | None = None  # field key per column; None: suggest
    defaults: dict = field(default_factory=dict)
    edits: dict = field(default_factory=dict)  # (row number, field key) → text
    excluded: set = field(default_factory=set)  # row numbers
    decisions: dict = field(default_factory=dict)  # row number → DISTINCT or a row
    checked: bool = False  # the mapping was confirmed and the rows checked

    @classmethod
    def from_post(cls, data) -> ImportState:
        state = cls(token=data.get("token", ""), sheet=data.get("sheet", ""))
        header = data.get("header", "")
        if header.isdigit():
            state.header = int(header)
        if "map-0" in data:
            mapping, index = [], 0
            while f"map-{index}" in data:
                mapping.append(data.get(f"map-{index}", ""))
                index += 1
            state.mapping = mapping
        for name, value in data.items():
            if name.startswith("default-"):
                state.defaults[name[len("default-") :]] = value
            elif name.startswith("edit-"):
                number, _dash, key = name[len("edit-") :].partition("-")
                if number.isdigit() and key:
                    state.edits[(int(number), key)] = value
            elif name.startswith("decide-"):
                number = name[len("decide-") :]
                if number.isdigit():
                    state.decisions[int(number)] = value
        state.excluded = {
            int(number) for number in data.getlist("exclude") if number.isdigit()
        }
        state.checked = data.get("checked") == "1"
        return state

    def to_json(self) -> dict:
        """The state as JSON values (a background job carries it)."""
        return {
            "token": self.token,
            "sheet": self.sheet,
            "header": self.header,
            "mapping": self.mapping,
            "defaults": self.defaults,
            "edits": [
                [number, key, text] for (number, key), text in self.edits.items()
            ],
            "excluded": sorted(self.excluded),
            "decisions": [[number, value] for number, value in self.decisions.items()],
            "checked": self.checked,
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportState:
        return cls(
            token=data["token"],
            sheet=data["sheet"],
            header=data["header"],
            mapping=data["mapping"],
            defaults=dict(data["defaults"]),
            edits={(number, key): text for number, key, text in data["edits"]},
            excluded=set(data["excluded"]),
            decisions=dict(data["decisions"]),
            checked=data["checked"],
        )


# --- The pipeline ------------------------------------------------------------------


def load_sheet(content: bytes, filename: str, state: ImportState, kind, deadline):
    """The sheets' names, the chosen sheet and its header row index."""
    sheets = tabular.read_workbook(content, filename, deadline=deadline)
    if not sheets:
        raise ValidationError(gettext("The file has no sheets."), code="empty")
    chosen = next((sheet for sheet in sheets if sheet.name == state.sheet), None)
    header = state.header if chosen is not None else None
    if chosen is None:  # the first sheet that has a header the kind knows
        for sheet in sheets:
            found = tabular.find_header(sheet.rows, kind.header_score)
            if found is not None:
                chosen, header = sheet, found
                break
        else:
            chosen = sheets[0]
    if header is None or header >= len(chosen.rows):
        header = tabular.find_header(chosen.rows, kind.header_score)
    if header is None:
        raise ValidationError(
            gettext(
                "No row of the sheet «%(sheet)s» looks like column headers: none of "
                "its first rows has a header this import knows (for example "
                "%(examples)s). Check that the table is on this sheet or download "
                "the template."
            )
            % {
                "sheet": chosen.name,
                "examples": ", ".join(
                    f"«{column.label}»" for column in kind.columns[:3]
                ),
            },
            code="no_header",
        )
    return sheets, chosen, header


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def suggest(kind: ImportKind, headers: list, remembered: dict) -> list[MappedColumn]:
    synonyms, known = kind.synonyms(), kind.known_reasons()
    fields = set(kind.column_map)
    columns, taken = [], set()
    for index, header in enumerate(headers):
        text = tabular_text(header)
        key = header_key(text)
        column = MappedColumn(
            index=index,
            letter=column_letter(index),
            header=text,
            samples=[],
            field=SKIP,
        )
        if key and key in remembered and remembered[key] in (fields | {SKIP}):
            column.field, column.remembered = remembered[key], True
        elif key in synonyms:
            column.field = synonyms[key]
        elif key in known:
            column.known = known[key]
        if column.field and column.field in taken:
            column.field = SKIP  # a second column of one field: the first wins
        if column.field:
            taken.add(column.field)
        columns.append(column)
    return columns


def tabular_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def check_mapping(kind: ImportKind, columns: list[MappedColumn], defaults: dict):
    errors = []
    fields = kind.column_map
    by_field: dict[str, list[MappedColumn]] = {}
    for column in columns:
        if column.field and column.field not in fields:
            column.field = SKIP
        if column.field:
            by_field.setdefault(column.field, []).append(column)
    for key, mapped in by_field.items():
        if len(mapped) > 1:
            errors.append(
                gettext(
                    "Columns %(columns)s are all loaded into «%(field)s»; choose one "
                    "and set the others to «do not load»."
                )
                % {
                    "columns": ", ".join(column.letter for column in mapped),
                    "field": kind.label(key),
                }
            )
    offered = {default.key for default in kind.defaults()}
    for alternatives in kind.required:
        if any(key in by_field or defaults.get(key) for key in alternatives):
            continue
        if any(key in offered for key in alternatives):
            continue
        errors.append(
            gettext(
                "No column is loaded into %(fields)s: choose the column that holds it."
            )
            % {
                "fields": gettext(" or ").join(
                    f"«{kind.label(k)}»" for k in alternatives
                )
            }
        )
    return errors


def build_preview(
    kind: ImportKind,
    *,
    content: bytes,
    filename: str,
    state: ImportState,
    remembered: dict | None = None,
    deadline: Deadline | None = None,
) -> Preview:
    """Read the file with the state's choices; check and plan the rows when the
    mapping is confirmed (`state.checked`). Nothing is written."""
    deadline = deadline or Deadline(None)
    sheets, sheet, header = load_sheet(content, filename, state, kind, deadline)
    headers = sheet.rows[header]
    columns = suggest(kind, headers, remembered or {})
    if state.mapping is not None:
        for column in columns:
            if column.index < len(state.mapping):
                column.field = state.mapping[column.index]
    body = list(enumerate(sheet.rows[header + 1 :], start=header + 1))
    for column in columns:
        column.samples = [
            tabular_text(cells[column.index])
            for _index, cells in body
            if column.index < len(cells) and cells[column.index] not in (None, "")
        ][:3]
    # A column with values but no header is shown too (it may be the names).
    preview = Preview(
        kind=kind,
        filename=filename,
        sheets=[s.name for s in sheets],
        sheet=sheet.name,
        header_row=header + 1,
        columns=columns,
        mapping_errors=check_mapping(kind, columns, state.defaults),
    )
    if not state.checked or preview.mapping_errors:
        return preview
    rows = read_rows(preview, sheet, body, state, deadline)
    check_rows(kind, rows, state, deadline)
    preview.rows, preview.checked = rows, True
    preview.extras = kind.extras(preview)
    return preview


def read_rows(preview: Preview, sheet, body, state: ImportState, deadline) -> list:
    limit = max_rows()
    rows = []
    mapped = preview.mapped
    for index, cells in body:
        deadline.check()
        if all(cell in (None, "") for cell in cells):
            continue
        if len(rows) >= limit:
            raise ValidationError(
                ngettext(
                    "The file has more than %(limit)s row; split it into parts.",
                    "The file has more than %(limit)s rows; split it into parts.",
                    limit,
                )
                % {"limit": limit},
                code="too_many_rows",
            )
        number = index + 1
        row = Row(number=number, raw={})
        for column in mapped:
            value = cells[column.index] if column.index < len(cells) else None
            edit = state.edits.get((number, column.field))
            # A cell the page sends back as the file has it is no correction.
            if edit is not None and edit.strip() != tabular_text(value):
                row.edited.add(column.field)
                value = edit
            if (
                column.field not in row.edited
                and (index, column.index) in sheet.formulas
            ):
                row.formulas.add(column.field)
            if isinstance(value, str):
                value = value.strip() or None
            row.raw[column.field] = value
        # A correction of a field no column holds (e.g. a name typed in).
        for (edit_number, key), value in state.edits.items():
            if edit_number == number and key not in row.raw:
                row.raw[key], value = value.strip() or None, None
                row.edited.add(key)
        if all(value in (None, "") for value in row.raw.values()):
            continue  # the row has values only in columns that are not loaded
        rows.append(row)
    return rows


def check_rows(kind: ImportKind, rows: list[Row], state: ImportState, deadline):
    kind.prepare()
    # A choice for all rows the page did not send keeps its initial value.
    defaults = {default.key: default.initial for default in kind.defaults()}
    defaults.update({k: v for k, v in state.defaults.items() if v})
    for row in rows:
        deadline.check()
        for key in sorted(row.formulas):
            row.error(
                key,
                gettext(
                    "The cell holds a formula; type the value itself (or correct it "
                    "here)."
                ),
            )
        kind.clean_row(row, defaults)
    included = [row for row in rows if row.number not in state.excluded]
    for row in rows:
        if row.number in state.excluded:
            row.status = EXCLUDED
    for row in included:
        row.decision = state.decisions.get(row.number, "")
    kind.plan([row for row in included if not row.has_errors], state.decisions)
    for row in included:
        if row.has_errors:
            row.status = ERROR


def preview_file(kind, *, content, filename, state, remembered=None) -> Preview:
    """`build_preview()` within the preview's time budget."""
    return build_preview(
        kind,
        content=content,
        filename=filename,
        state=state,
        remembered=remembered,
        deadline=Deadline.for_preview(),
    )


def apply(
    kind, *, content, filename, state, remembered=None, progress=None
) -> tuple[Preview, dict]:
    """Check the file once more and write it, in one transaction: every row the
    preview would write, or nothing (Rejected). `progress(done, total, step)`
    hears of the two steps (a background job's bar)."""
    progress = progress or (lambda *args: None)
    with transaction.atomic():
        state.checked = True
        progress(0, 2, gettext("Checking the rows"))
        preview = build_preview(
            kind,
            content=content,
            filename=filename,
            state=state,
            remembered=remembered,
        )
        if not preview.is_clean:
            raise Rejected(preview)
        progress(1, 2, gettext("Saving the rows"))
        counts = kind.save(preview.to_write)
    counts.setdefault(SAME, preview.unchanged + preview.merged)
    counts.setdefault(EXCLUDED, preview.excluded)
    return preview, counts


def summary(counts: dict) -> str:
    """«Добавлено 38, обновлено 2, пропущено 0»."""
    new, updated = counts.get(NEW, 0), counts.get(UPDATE, 0)
    skipped = counts.get(SAME, 0) + counts.get(EXCLUDED, 0)
    return gettext("Added %(new)s, updated %(updated)s, skipped %(skipped)s.") % {
        "new": new,
        "updated": updated,
        "skipped": skipped,
    }


# --- People in a file ---------------------------------------------------------------


def group_rows(rows: Iterable[Row], key, compatible) -> list[list[Row]]:
    """Rows of one file that are one person: same `key` and `compatible` with every
    other row of the group (namesakes in different classes stay apart)."""
    groups: list[list[Row]] = []
    by_key: dict = {}
    for row in rows:
        identity = key(row)
        if not identity:
            groups.append([row])
            continue
        for group in by_key.setdefault(identity, []):
            if all(compatible(row, other) for other in group):
                group.append(row)
                break
        else:
            group = [row]
            by_key[identity].append(group)
            groups.append(group)
    return groups


def settle_duplicates(group: list[Row], decisions: dict, conflicts) -> list[Row]:
    """The rows of a group that stand for a person of their own. Rows that say the
    same (no field with two different values) merge into the first; rows that
    differ need the curator's decision, asked on the first row: «two people» or
    one row to keep (the others are excluded)."""
    if len(group) == 1:
        return group
    first = group[0]
    numbers = [row.number for row in group]
    for row in group:
        row.duplicates = [n for n in numbers if n != row.number]
    decision = decisions.get(first.number, "")
    if decision == DISTINCT:
        return group
    if decision.isdigit() and int(decision) in numbers:
        kept = next(row for row in group if row.number == int(decision))
        for row in group:
            if row is not kept:
                row.status = EXCLUDED
        return [kept]
    differences = conflicts(group)
    if not differences:
        for row in group[1:]:
            row.status = MERGED
            row.notes.append(
                gettext("the same person as in row %(row)s") % {"row": first.number}
            )
        return [first]
    first.row_errors.append(
        ngettext(
            "Rows %(rows)s look like one person, but differ in %(fields)s: choose "
            "which row to load, or say they are different people.",
            "Rows %(rows)s look like one person, but differ in %(fields)s: choose "
            "which row to load, or say they are different people.",
            len(group),
        )
        % {
            "rows": ", ".join(str(n) for n in numbers),
            "fields": ", ".join(f"«{name}»" for name in differences),
        }
    )
    for row in group[1:]:
        row.row_errors.append(
            gettext("See row %(row)s: the same person?") % {"row": first.number}
        )
    return []


# --- Keeping the file between the steps ----------------------------------------------


def tmp_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / TMP_DIRNAME


def stash(
    *, content: bytes, filename: str, slug: str, organisation, user, name: str = ""
) -> str:
    """Keep the file server-side; return the signed token the page sends back."""
    directory = tmp_dir()
    directory.mkdir(parents=True, exist_ok=True)
    sweep(directory)
    name = name or secrets.token_hex(16)
    path = directory / f"{name}.upload"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return signing.dumps(
        {
            "f": name,
            "n": os.path.basename(filename)[:200],
            "k": slug,
            "o": organisation.pk,
            "u": user.pk,
        },
        salt=TOKEN_SALT,
    )


def read_token(token: str, *, slug: str, organisation, user) -> dict | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or (data.get("k"), data.get("o"), data.get("u")) != (
        slug,
        organisation.pk,
        user.pk,
    ):
        return None
    if not isinstance(data.get("f"), str) or not TMP_NAME.fullmatch(data["f"]):
        return None
    return data


def unstash(*, token: str, slug: str, organisation, user, claim: bool = False):
    """(content, filename) of the stashed file if the token is genuine, fresh and
    this user's, for this organisation and kind; else None. `claim` takes the file
    away (atomically: of two confirmations only one gets it)."""
    data = read_token(token, slug=slug, organisation=organisation, user=user)
    if data is None:
        return None
    path = tmp_dir() / f"{data['f']}.upload"
    if not claim:
        try:
            return path.read_bytes(), data["n"]
        except FileNotFoundError:
            return None
    claimed = path.with_suffix(f".{secrets.token_hex(4)}.claimed")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    try:
        return claimed.read_bytes(), data["n"]
    finally:
        claimed.unlink(missing_ok=True)


def restash(*, token: str, content: bytes, slug: str, organisation, user) -> None:
    """Put a claimed file back under its token (its import did not happen)."""
    data = read_token(token, slug=slug, organisation=organisation, user=user)
    if data is not None:
        stash(
            content=content,
            filename=data["n"],
            slug=slug,
            organisation=organisation,
            user=user,
            name=data["f"],
        )


def sweep(directory: Path) -> None:
    """Remove files left by imports that were never confirmed."""
    cutoff = time.time() - 2 * TOKEN_MAX_AGE
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
