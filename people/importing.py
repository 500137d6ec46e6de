"""Excel import of the mentee base and the mentor base, for the curator's pages.

The flow, one function per step:

1. `read_upload()` refuses what is not a small .xlsx before anything parses it
   (size, name, and the content itself: a renamed text file is not a workbook, a
   zip bomb is not one either — `mentoring.lib.spreadsheets` holds the limits).
2. `import_preview()` checks every cell's length (spreadsheets.check_xlsx), reads
   the first sheet, checks what a spreadsheet gets wrong (headers, formulas, error
   cells, the same person twice) and dry-runs the resource inside a transaction
   that import-export rolls back, all within settings.IMPORT_PREVIEW_SECONDS (a
   `Deadline` checked between parts and rows). Every row gets a status (new,
   already in the base, unchanged, error) and its errors with the row number and the
   column header as the user sees them in Excel.
3. The file of a clean preview is kept server-side (`stash()`) under a random name;
   the page carries only a signed token naming that file, the user, the organisation
   and the kind, so a path never comes from the client and a token is useless to
   anyone else.
4. `import_apply()` imports the same file for real, all or nothing.

Rows always go into the current organisation: the resource is scoped to it.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mentoring.lib import spreadsheets
from mentoring.lib.search import normalize
from mentoring.lib.spreadsheets import Deadline, unreadable
from mentoring.models import Organisation
from mentoring.tier import tier_condition
from people.resources import (
    ChoiceWidget,
    DateWidget,
    MenteeResource,
    MentorResource,
    NamedForeignKeyWidget,
    NamedManyToManyWidget,
    PersonResource,
    StudyGroupWidget,
    WholeNumberWidget,
    YesNoWidget,
)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
TOKEN_MAX_AGE = 60 * 60  # seconds between the preview and the confirmation
TOKEN_SALT = "people.importing"
TMP_DIRNAME = "import-tmp"
TMP_NAME = re.compile(r"[0-9a-f]{32}")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc of Office 97–2003

NEW, UPDATE, SKIP, ERROR = "new", "update", "skip", "error"


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- What can be imported ---------------------------------------------------------


@dataclass(frozen=True)
class BaseKind:
    """One of the two bases: how its rows are read and where the user goes next."""

    slug: str
    resource_class: type[PersonResource]
    title: str
    page_title: str
    template_filename: str
    list_url: str
    detail_url: str
    required: tuple[str, ...]

    def resource(self, organisation: Organisation) -> PersonResource:
        return self.resource_class(organisation=organisation)


KINDS = {
    "mentees": BaseKind(
        slug="mentees",
        resource_class=MenteeResource,
        title=_("Mentee base"),
        page_title=_("Import into the mentee base"),
        template_filename=_("Mentee base import template"),
        list_url="people:mentee-list",
        detail_url="people:mentee-detail",
        required=("last_name", "first_name", "kind"),
    ),
    "mentors": BaseKind(
        slug="mentors",
        resource_class=MentorResource,
        title=_("Mentor base"),
        page_title=_("Import into the mentor base"),
        template_filename=_("Mentor base import template"),
        list_url="people:mentor-list",
        detail_url="people:mentor-detail",
        required=("last_name", "first_name", "kind", "category"),
    ),
}

# Columns a file may have but the template leaves out: the page knows the
# organisation, and an ID comes only from an export of the base.
OPTIONAL_EXTRA = ("id", "organisation")


def get_kind(slug: str) -> BaseKind | None:
    return KINDS.get(slug)


@dataclass
class ColumnSpec:
    name: str
    header: str
    required: bool
    hint: str
    choices: list[str]
    multiple: bool = False
    number_format: str = "@"


def column_specs(
    kind: BaseKind, organisation: Organisation, *, hide_tier: bool = False
) -> list[ColumnSpec]:
    """The template's columns, with what to write in each (the page shows the same).
    `hide_tier`: the lists leave out the social-risk tier's values (the social-risk
    form, sensitive categories) for a user who may not see it."""
    resource = kind.resource(organisation)
    specs = []
    for name in resource._meta.fields:  # the order of the federal template
        resource_field = resource.fields[name]
        if name in OPTIONAL_EXTRA:
            continue
        widget = resource_field.widget
        choices: list[str] = []
        multiple = False
        number_format = "@"
        if isinstance(widget, YesNoWidget):
            choices = [gettext("yes"), gettext("no")]
            hint = gettext("«yes» or «no»; empty means «no».")
        elif isinstance(widget, ChoiceWidget):
            choices = [str(label) for key, label in widget.choices if key]
            hint = gettext("A value from the list on the sheet «Reference lists».")
        elif isinstance(widget, NamedManyToManyWidget):
            choices = catalogue_names(widget.model, hide_tier=hide_tier)
            multiple = True
            hint = gettext(
                "One or several values from the list on the sheet «Reference lists», "
                "separated by «;»."
            )
        elif isinstance(widget, NamedForeignKeyWidget):
            choices = catalogue_names(widget.model, hide_tier=hide_tier)
            hint = gettext("A value from the list on the sheet «Reference lists».")
        elif isinstance(widget, StudyGroupWidget):
            choices = list(organisation.study_groups.values_list("name", flat=True))
            hint = gettext("A class or group of your organisation, e.g. 7Б.")
        elif isinstance(widget, DateWidget):
            hint = gettext("A date as DD.MM.YYYY, e.g. 05.03.2013.")
            number_format = "DD.MM.YYYY"
        elif isinstance(widget, WholeNumberWidget):
            hint = gettext("A whole number.")
            number_format = "0"
        else:
            hint = ""
        specs.append(
            ColumnSpec(
                name=name,
                header=str(resource_field.column_name),
                required=name in kind.required,
                hint=hint,
                choices=choices,
                multiple=multiple,
                number_format=number_format,
            )
        )
    return specs


def catalogue_names(model, *, hide_tier: bool = False) -> list[str]:
    queryset = model.objects.all()
    if any(f.name == "is_active" for f in model._meta.fields):
        queryset = queryset.filter(is_active=True)
    condition = tier_condition(model) if hide_tier else None
    if condition is not None:
        queryset = queryset.exclude(condition)
    return [str(name) for name in queryset.values_list("name", flat=True)]


# --- Step 1: the upload -----------------------------------------------------------


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, or a ValidationError saying why it is refused.

    The size is checked before a byte is read; the content before it is parsed."""
    name = upload.name or ""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            gettext("The file is %(size)s, larger than the limit of %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(gettext("The file is empty (0 bytes)."), code="empty")
    content = b"".join(upload.chunks())
    if len(content) > limit:  # the reported size is the client's word
        raise ValidationError(
            gettext("The file is %(size)s, larger than the limit of %(limit)s.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(limit)},
            code="too_large",
        )
    check_content(content, name)
    return content


def check_content(content: bytes, name: str) -> None:
    if content.startswith(OLE2_MAGIC) and name.lower().endswith(".xls"):
        raise ValidationError(
            gettext(
                "«%(name)s» is in the old Excel 97–2003 format (.xls). Open it in "
                "Excel and save it as «Excel Workbook (.xlsx)»."
            )
            % {"name": name},
            code="xls",
        )
    if not name.lower().endswith(".xlsx"):
        raise ValidationError(
            gettext(
                "«%(name)s» is not an Excel workbook: choose a file with the .xlsx "
                "extension."
            )
            % {"name": name},
            code="not_xlsx",
        )
    not_a_workbook = ValidationError(
        gettext(
            "The content of «%(name)s» is not an Excel workbook, although the name "
            "says so. Open the file in Excel and save it as «Excel Workbook (.xlsx)»."
        )
        % {"name": name},
        code="not_xlsx",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_a_workbook from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise not_a_workbook
    spreadsheets.check_archive(content)


# --- Step 2: reading the sheet and the dry run ------------------------------------


@dataclass
class CellError:
    column: str  # the header as in the file; "" for the whole row
    message: str


@dataclass
class SheetRow:
    number: int  # as in Excel: the header is row 1
    values: dict
    errors: list[CellError] = field(default_factory=list)


@dataclass
class RowReport:
    number: int
    name: str
    status: str
    existing_id: int | None = None
    existing_name: str = ""
    errors: list[CellError] = field(default_factory=list)


class RowCounts:
    """Counts of a preview's rows by status; any import report with `rows` (each
    with a `status`) mixes it in."""

    rows: list

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
        return self.count(SKIP)

    @property
    def with_errors(self) -> int:
        return self.count(ERROR)

    @property
    def is_clean(self) -> bool:
        return bool(self.rows) and not self.with_errors


@dataclass
class ImportReport(RowCounts):
    kind: BaseKind
    rows: list[RowReport]


class ImportRejected(ValidationError):
    """The file has row errors; `report` (any RowCounts) says which."""

    def __init__(self, report: RowCounts):
        super().__init__(
            gettext("Nothing was imported: the file has errors."), code="rows"
        )
        self.report = report


def cell_text(value) -> str:
    text = str(getattr(value, "text", value))
    return text if len(text) <= 60 else text[:57] + "…"


def read_sheet(
    content: bytes, resource: PersonResource, kind: BaseKind, deadline: Deadline
) -> tuple:
    """Headers (as the resource names them) and the non-empty rows of the first
    sheet. Structural problems are file errors; bad cells are row errors."""
    spreadsheets.check_xlsx(content, deadline=deadline)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=False
            )
    except Exception:
        raise unreadable() from None
    try:
        headers, read, errors, stray_columns = scan_sheet(
            workbook, resource, kind, deadline
        )
    except ValidationError:
        raise
    except Exception:  # a broken part of the file shows only while reading it
        raise unreadable() from None
    finally:
        workbook.close()
    for index in sorted(stray_columns):
        errors.append(
            ValidationError(
                gettext("Column %(letter)s has values but no header in the first row.")
                % {"letter": get_column_letter(index + 1)},
                code="no_header",
            )
        )
    if errors:
        raise ValidationError(errors)
    if not read:
        raise ValidationError(
            gettext("The file has the column headers but no rows with people."),
            code="no_rows",
        )
    return [h for h in headers if h], read


def scan_sheet(
    workbook, resource: PersonResource, kind: BaseKind, deadline: Deadline
) -> tuple:
    """One pass over the first sheet (read-only mode streams it): the matched
    headers, the rows, the file errors so far and the columns with no header."""
    if not workbook.worksheets:
        raise ValidationError(gettext("The workbook has no sheets."), code="empty")
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(min_row=1, min_col=1)
    header_cells = next(rows, None)
    header_values = [cell.value for cell in header_cells or ()]
    if not any(str(v).strip() for v in header_values if v is not None):
        raise ValidationError(
            gettext(
                "The first row of the first sheet must hold the column headers; "
                "it is empty."
            ),
            code="no_header",
        )
    headers, errors = match_headers(header_values, resource, kind)
    limit = max_rows()
    read: list[SheetRow] = []
    stray_columns: set[int] = set()
    for number, cells in enumerate(rows, start=2):
        deadline.check()
        values, row_errors = {}, []
        empty = True
        for index, cell in enumerate(cells):
            value = cell.value
            if isinstance(value, str):
                value = value.strip() or None
            if value is None:
                continue
            empty = False
            header = headers[index] if index < len(headers) else None
            if not header:
                if header is None:  # not an unknown column, no column at all
                    stray_columns.add(index)
                continue
            if cell.data_type == "f":
                row_errors.append(
                    CellError(
                        header,
                        gettext(
                            "The cell holds a formula (%(formula)s); type the "
                            "value itself instead."
                        )
                        % {"formula": cell_text(value)},
                    )
                )
                continue
            if cell.data_type == "e":
                row_errors.append(
                    CellError(
                        header,
                        gettext(
                            "The cell holds the Excel error %(error)s; type the "
                            "value itself instead."
                        )
                        % {"error": cell_text(value)},
                    )
                )
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            values[header] = value
        if empty:
            continue
        if len(read) >= limit:
            raise ValidationError(
                ngettext(
                    "The file has more than %(limit)s row; split it into parts.",
                    "The file has more than %(limit)s rows; split it into parts.",
                    limit,
                )
                % {"limit": limit},
                code="too_many_rows",
            )
        read.append(SheetRow(number=number, values=values, errors=row_errors))
    return headers, read, errors, stray_columns


def match_headers(values: list, resource: PersonResource, kind: BaseKind) -> tuple:
    """The resource's header for each column (None for an empty header, "" for an
    unknown or repeated one), and the file errors: unknown, repeated and missing
    columns."""
    fields_by_header = {
        normalize(str(f.column_name)): f for f in resource.get_import_fields()
    }
    headers: list[str | None] = []
    unknown, repeated, errors = [], [], []
    seen: set[str] = set()
    for value in values:
        if value is None or str(value).strip() == "":
            headers.append(None)
            continue
        resource_field = fields_by_header.get(normalize(str(value)))
        if resource_field is None:
            unknown.append(str(value).strip())
            headers.append("")
            continue
        header = str(resource_field.column_name)
        if header in seen:
            repeated.append(header)
            headers.append("")
            continue
        seen.add(header)
        headers.append(header)
    expected = [
        str(resource.fields[name].column_name) for name in resource._meta.fields
    ]
    if unknown:
        errors.append(
            ValidationError(
                gettext("Unknown columns: %(unknown)s. Allowed columns: %(expected)s.")
                % {"unknown": quoted(unknown), "expected": quoted(expected)},
                code="unknown_columns",
            )
        )
    for header in repeated:
        errors.append(
            ValidationError(
                gettext("The column «%(name)s» appears more than once.")
                % {"name": header},
                code="repeated_column",
            )
        )
    missing = [
        str(resource.fields[name].column_name)
        for name in kind.required
        if str(resource.fields[name].column_name) not in seen
    ]
    if missing:
        errors.append(
            ValidationError(
                gettext("Required columns are missing: %(missing)s.")
                % {"missing": quoted(missing)},
                code="missing_columns",
            )
        )
    return headers, errors


def quoted(names) -> str:
    return ", ".join(f"«{name}»" for name in names)


def person_key(row: SheetRow, resource: PersonResource) -> str:
    if row.values.get("ID") not in (None, ""):
        return f"id:{row.values['ID']}"
    names = [
        row.values.get(str(resource.fields[name].column_name)) or ""
        for name in ("last_name", "first_name", "middle_name")
    ]
    return normalize(" ".join(str(part) for part in names if part))


def row_name(row: SheetRow, resource: PersonResource) -> str:
    names = [
        row.values.get(str(resource.fields[name].column_name)) or ""
        for name in ("last_name", "first_name", "middle_name")
    ]
    return " ".join(str(part) for part in names if part)


def mark_repeated_people(rows: list[SheetRow], resource: PersonResource) -> None:
    """The same person twice in one file: both rows are errors, naming each other."""
    seen: dict[str, list[SheetRow]] = {}
    for row in rows:
        key = person_key(row, resource)
        if key:
            seen.setdefault(key, []).append(row)
    for group in seen.values():
        if len(group) < 2:
            continue
        numbers = ", ".join(str(row.number) for row in group)
        for row in group:
            row.errors.append(
                CellError(
                    "",
                    gettext(
                        "The same person is in rows %(rows)s of the file; keep one "
                        "row per person."
                    )
                    % {"rows": numbers},
                )
            )


def error_columns(resource: PersonResource) -> dict[str, str]:
    """Import-export reports errors by attribute («participant__birth_date»), the
    models by field name («birth_date»); both are shown as the column header."""
    columns = {}
    for resource_field in resource.get_import_fields():
        attribute = resource_field.attribute or ""
        header = str(resource_field.column_name)
        columns[attribute] = header
        columns.setdefault(attribute.split("__")[-1], header)
    return columns


class TimedDataset(tablib.Dataset):
    """The rows fed to the resource, with the deadline checked before each one:
    a dry run over its budget stops, and its transaction rolls back."""

    def __init__(self, *args, deadline: Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def __iter__(self):  # a Dataset iterates by index (__getitem__)
        for index in range(len(self)):
            self.deadline.check()
            yield self[index]


def run(
    *,
    kind: BaseKind,
    organisation: Organisation,
    content: bytes,
    dry_run: bool,
    deadline: Deadline,
) -> ImportReport:
    resource = kind.resource(organisation)
    headers, rows = read_sheet(content, resource, kind, deadline)
    mark_repeated_people(rows, resource)
    dataset = TimedDataset(headers=headers, deadline=deadline)
    for row in rows:
        # A cell already found wrong (a formula) is not fed to the resource.
        bad = {error.column for error in row.errors}
        dataset.append([None if h in bad else row.values.get(h) for h in headers])
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, raise_errors=False
    )
    columns = error_columns(resource)
    order = {header: index for index, header in enumerate(headers)}
    reports = []
    for row, row_result in zip(rows, result.rows, strict=False):
        errors = list(row.errors)
        known = {error.column for error in errors}
        for column, message in row_result_errors(row_result, columns):
            if column and column in known:
                continue  # the same cell, already explained
            errors.append(CellError(column, message))
        errors.sort(key=lambda e: order.get(e.column, -1))
        report = RowReport(number=row.number, name=row_name(row, resource), status=NEW)
        if errors:
            report.status = ERROR
        elif row_result.import_type == row_result.IMPORT_TYPE_UPDATE:
            report.status = UPDATE
        elif row_result.import_type == row_result.IMPORT_TYPE_SKIP:
            report.status = SKIP
        if row_result.import_type in (
            row_result.IMPORT_TYPE_UPDATE,
            row_result.IMPORT_TYPE_SKIP,
        ):
            # Who they are in the base now, before the file changes anything.
            original = getattr(row_result, "original", None)
            report.existing_id = row_result.object_id
            report.existing_name = str(original or row_result.object_repr or "")
        report.errors = errors
        reports.append(report)
    for base_error in result.base_errors:
        # Not tied to a row (import-export's own checks); shown on the first one.
        if reports:
            reports[0].status = ERROR
            reports[0].errors.append(CellError("", str(base_error.error)))
    return ImportReport(kind=kind, rows=reports)


def row_result_errors(row_result, columns: dict[str, str]):
    error = row_result.validation_error
    if error is not None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    yield columns.get(key, ""), str(message)
        else:
            for message in error.messages:
                yield "", str(message)
    for failure in row_result.errors:
        yield (
            "",
            gettext("The row could not be saved: %(error)s") % {"error": failure.error},
        )


def import_preview(
    *, kind: BaseKind, organisation: Organisation, content: bytes
) -> ImportReport:
    """What importing the file would do; nothing is saved (a rolled-back dry run).
    It stops after settings.IMPORT_PREVIEW_SECONDS."""
    return run(
        kind=kind,
        organisation=organisation,
        content=content,
        dry_run=True,
        deadline=Deadline.for_preview(),
    )


@transaction.atomic
def import_apply(
    *, kind: BaseKind, organisation: Organisation, content: bytes
) -> ImportReport:
    """Import the file into the organisation's base: every row or none. No time
    budget: the file was previewed within it, and the user has confirmed."""
    report = run(
        kind=kind,
        organisation=organisation,
        content=content,
        dry_run=False,
        deadline=Deadline(None),
    )
    if not report.is_clean:
        raise ImportRejected(report)
    return report


# --- Step 3: keeping the file between the preview and the confirmation ------------


def tmp_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / TMP_DIRNAME


def stash(*, content: bytes, kind: BaseKind, organisation: Organisation, user) -> str:
    """Keep the file server-side; return the signed token the page sends back."""
    directory = tmp_dir()
    directory.mkdir(parents=True, exist_ok=True)
    sweep(directory)
    name = secrets.token_hex(16)
    path = directory / f"{name}.xlsx"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return signing.dumps(
        {"f": name, "k": kind.slug, "o": organisation.pk, "u": user.pk},
        salt=TOKEN_SALT,
    )


def unstash(
    *, token: str, kind: BaseKind, organisation: Organisation, user
) -> bytes | None:
    """The stashed file if the token is genuine, fresh and this user's, for this
    organisation and kind; the file is claimed (removed) so it imports once."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or (
        data.get("k"),
        data.get("o"),
        data.get("u"),
    ) != (kind.slug, organisation.pk, user.pk):
        return None
    name = data.get("f")
    if not isinstance(name, str) or not TMP_NAME.fullmatch(name):
        return None
    path = tmp_dir() / f"{name}.xlsx"
    claimed = path.with_suffix(f".{secrets.token_hex(4)}.claimed")
    try:
        path.rename(claimed)  # atomic: of two confirmations only one gets the file
    except FileNotFoundError:
        return None
    try:
        return claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)


def sweep(directory: Path) -> None:
    """Remove files left by previews that were never confirmed."""
    cutoff = time.time() - 2 * TOKEN_MAX_AGE
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


# --- The template -------------------------------------------------------------------


def build_template(
    *, kind: BaseKind, organisation: Organisation, hide_tier: bool = False
) -> bytes:
    """An .xlsx with the exact headers the import expects (bold, frozen, with a hint
    on each), and a second sheet «Справочник» with the allowed values of the list
    columns, the organisation's classes included; list columns get a drop-down."""
    specs = column_specs(kind, organisation, hide_tier=hide_tier)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(str(kind.title))
    lists = workbook.create_sheet(sheet_title(gettext("Reference lists")))

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E7EEF7")
    required_fill = PatternFill("solid", fgColor="FCE8B2")
    wrap = Alignment(wrap_text=True, vertical="top")
    last_row = max_rows() + 1

    list_column = 0
    for index, spec in enumerate(specs, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=spec.header)
        cell.font = bold
        cell.fill = required_fill if spec.required else header_fill
        cell.alignment = wrap
        hint = " ".join(
            part
            for part in (gettext("Required.") if spec.required else "", spec.hint)
            if part
        )
        if hint:
            cell.comment = Comment(hint, gettext("Mentoring school"))
        sheet.column_dimensions[letter].width = min(max(len(spec.header), 14) + 2, 40)
        sheet.column_dimensions[letter].number_format = spec.number_format
        if not spec.choices:
            continue
        list_column += 1
        list_letter = get_column_letter(list_column)
        title = lists.cell(row=1, column=list_column, value=spec.header)
        title.font = bold
        title.fill = header_fill
        title.alignment = wrap
        for offset, choice in enumerate(spec.choices, start=2):
            lists.cell(row=offset, column=list_column, value=choice)
        lists.column_dimensions[list_letter].width = min(
            max([len(spec.header), *(len(c) for c in spec.choices)]) + 2, 60
        )
        if spec.multiple:
            continue
        validation = DataValidation(
            type="list",
            formula1=(
                f"'{lists.title}'!${list_letter}$2:"
                f"${list_letter}${len(spec.choices) + 1}"
            ),
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            error=gettext("A value from the list on the sheet «Reference lists»."),
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    lists.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return " ".join(title.split())[:31] or "Sheet"
