"""Excel import of entry/exit values, with a dry run first.

upload → `read_upload()` (people.importing: size, real .xlsx, the zip's limits) →
`preview()` checks every cell's length (mentoring.lib.spreadsheets), reads the
first sheet and checks every row without writing, within the preview's time
budget (settings.IMPORT_PREVIEW_SECONDS) → the file is stashed
server-side under a signed one-time token (people.importing.stash) → `apply()`
checks it again and writes the whole file in one transaction, or nothing.

The column headers are the file format (Russian, as in the template), so they are
constants, not translations. People are matched by full name among the
participants of the programme's pairs; «ID пары» or «Пара» settle who is meant
when a name is in several pairs.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mentoring.lib.export import escape_cell
from mentoring.lib.search import normalize
from mentoring.lib.spreadsheets import Deadline, check_xlsx
from monitoring.measurement_services import (
    Entry,
    Slot,
    existing_values,
    fits,
    measurements_record,
    parse_value,
    programme_slots,
    show_value,
)
from monitoring.models import Measurement, Parameter
from people.importing import (
    ERROR,
    NEW,
    SKIP,
    UPDATE,
    XLSX_CONTENT_TYPE,  # noqa: F401  (the views send the template with it)
    CellError,
    ImportRejected,
    RowCounts,
    cell_text,
    max_rows,
    quoted,
    sheet_title,
    stash,
    unreadable,
    unstash,
)

NAME, PAIR_ID, PAIR, PARAMETER, MOMENT, VALUE, DATE = (
    "ФИО",
    "ID пары",
    "Пара",
    "Параметр",
    "Момент",
    "Значение",
    "Дата",
)
HEADERS = (NAME, PAIR_ID, PAIR, PARAMETER, MOMENT, VALUE, DATE)
REQUIRED = (NAME, PARAMETER, MOMENT, VALUE, DATE)
MOMENT_WORDS = {
    "вход": Measurement.Moment.ENTRY,
    "выход": Measurement.Moment.EXIT,
    "entry": Measurement.Moment.ENTRY,
    "exit": Measurement.Moment.EXIT,
}
MOMENT_LABELS = {Measurement.Moment.ENTRY: "вход", Measurement.Moment.EXIT: "выход"}
SHEET_VALUES, SHEET_LISTS = "Значения", "Справочник"


@dataclass(frozen=True)
class ImportKind:
    """What people.importing.stash() binds a token to, besides the user and the
    organisation: here the programme, so a token cannot be replayed on another."""

    slug: str


def kind_for(programme) -> ImportKind:
    return ImportKind(slug=f"measurements-{programme.pk}")


def stash_file(*, content: bytes, programme, user) -> str:
    return stash(
        content=content,
        kind=kind_for(programme),
        organisation=programme.organisation,
        user=user,
    )


def unstash_file(*, token: str, programme, user) -> bytes | None:
    return unstash(
        token=token,
        kind=kind_for(programme),
        organisation=programme.organisation,
        user=user,
    )


# --- Reading the sheet ----------------------------------------------------------


@dataclass
class Row:
    number: int  # as in Excel: the header is row 1
    values: dict
    errors: list[CellError] = field(default_factory=list)


def read_rows(content: bytes, deadline: Deadline) -> list[Row]:
    """The non-empty rows of the first sheet. Structural problems (headers, no
    rows, too many rows) are file errors; bad cells are row errors."""
    check_xlsx(content, deadline=deadline)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=False
            )
    except Exception:
        raise unreadable() from None
    try:
        return scan(workbook, deadline)
    except ValidationError:
        raise
    except Exception:
        raise unreadable() from None
    finally:
        workbook.close()


def scan(workbook, deadline: Deadline) -> list[Row]:
    if not workbook.worksheets:
        raise ValidationError(gettext("The workbook has no sheets."), code="empty")
    rows = workbook.worksheets[0].iter_rows(min_row=1)
    header_cells = next(rows, None) or ()
    known = {normalize(h): h for h in HEADERS}
    headers: list[str | None] = []
    unknown, seen, errors = [], set(), []
    for cell in header_cells:
        text = str(cell.value).strip() if cell.value is not None else ""
        if not text:
            headers.append(None)
            continue
        header = known.get(normalize(text))
        if header is None or header in seen:
            (unknown if header is None else errors).append(
                text
                if header is None
                else ValidationError(
                    gettext("The column «%(name)s» appears more than once.")
                    % {"name": header},
                    code="repeated_column",
                )
            )
            headers.append("")
            continue
        seen.add(header)
        headers.append(header)
    if not seen and not unknown:
        raise ValidationError(
            gettext(
                "The first row of the first sheet must hold the column headers; "
                "it is empty."
            ),
            code="no_header",
        )
    if unknown:
        errors.append(
            ValidationError(
                gettext("Unknown columns: %(unknown)s. Allowed columns: %(expected)s.")
                % {"unknown": quoted(unknown), "expected": quoted(HEADERS)},
                code="unknown_columns",
            )
        )
    missing = [h for h in REQUIRED if h not in seen]
    if missing:
        errors.append(
            ValidationError(
                gettext("Required columns are missing: %(missing)s.")
                % {"missing": quoted(missing)},
                code="missing_columns",
            )
        )
    if errors:
        raise ValidationError(errors)
    read: list[Row] = []
    limit = max_rows()
    for number, cells in enumerate(rows, start=2):
        deadline.check()
        row = Row(number=number, values={})
        for index, cell in enumerate(cells):
            value = cell.value
            if isinstance(value, str):
                value = value.strip() or None
            header = headers[index] if index < len(headers) else None
            if value is None or not header:
                continue
            if cell.data_type == "f":
                row.errors.append(
                    CellError(
                        header,
                        gettext(
                            "The cell holds a formula (%(formula)s); type the "
                            "value itself instead."
                        )
                        % {"formula": cell_text(value)},
                    )
                )
            elif cell.data_type == "e":
                row.errors.append(
                    CellError(
                        header,
                        gettext(
                            "The cell holds the Excel error %(error)s; type the "
                            "value itself instead."
                        )
                        % {"error": cell_text(value)},
                    )
                )
            else:
                row.values[header] = value
        if not row.values and not row.errors:
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
        read.append(row)
    if not read:
        raise ValidationError(
            gettext("The file has the column headers but no rows with values."),
            code="no_rows",
        )
    return read


# --- Checking the rows ------------------------------------------------------------


@dataclass
class RowReport:
    number: int
    name: str = ""
    pair: object = None
    parameter: Parameter | None = None
    moment: str = ""
    value: Decimal | None = None
    measured_on: date | None = None
    status: str = NEW
    previous: Decimal | None = None
    errors: list[CellError] = field(default_factory=list)
    slot: Slot | None = None

    @property
    def previous_text(self) -> str:
        return show_value(self.previous)

    @property
    def value_text(self) -> str:
        return show_value(self.value)

    @property
    def moment_label(self) -> str:
        return MOMENT_LABELS.get(self.moment, "")


@dataclass
class Report(RowCounts):
    rows: list[RowReport]


def pair_names(slots: list[Slot]) -> str:
    return ", ".join(f"«{slot.pair}» (ID {slot.pair.pk})" for slot in slots)


def read_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        gettext("«%(value)s» is not a date; write it as DD.MM.YYYY, e.g. 05.03.2026.")
        % {"value": cell_text(value)}
    )


class Matcher:
    """Finds the person, the pair and the parameter a row names."""

    def __init__(self, programme):
        self.slots = programme_slots(programme)
        self.by_name: dict[str, list[Slot]] = {}
        for slot in self.slots:
            self.by_name.setdefault(normalize(slot.participant.full_name), []).append(
                slot
            )
        self.pairs = {slot.pair.pk: slot.pair for slot in self.slots}
        self.pairs_by_name: dict[str, set[int]] = {}
        for pair in self.pairs.values():
            self.pairs_by_name.setdefault(normalize(str(pair)), set()).add(pair.pk)
        self.parameters = {}
        for parameter in Parameter.objects.filter(is_active=True):
            self.parameters[normalize(parameter.name)] = parameter
            self.parameters[normalize(parameter.code)] = parameter

    def pair_ids(self, row: Row, report: RowReport) -> set[int] | None:
        """The pairs the row restricts the person to (None: no restriction)."""
        if row.values.get(PAIR_ID) is not None:
            raw = row.values[PAIR_ID]
            text = str(int(raw) if isinstance(raw, float) else raw).strip()
            if not text.isdigit() or int(text) not in self.pairs:
                report.errors.append(
                    CellError(
                        PAIR_ID,
                        gettext("The programme has no pair with ID %(id)s.")
                        % {"id": cell_text(raw)},
                    )
                )
                return set()
            return {int(text)}
        if row.values.get(PAIR) is not None:
            found = self.pairs_by_name.get(normalize(str(row.values[PAIR])))
            if not found:
                report.errors.append(
                    CellError(
                        PAIR,
                        gettext(
                            "The programme has no pair «%(name)s»; write its ID in "
                            "the column «ID пары» instead."
                        )
                        % {"name": cell_text(row.values[PAIR])},
                    )
                )
                return set()
            return found
        return None

    def person(self, row: Row, report: RowReport) -> Slot | None:
        name = row.values.get(NAME)
        if name is None:
            report.errors.append(CellError(NAME, gettext("The full name is empty.")))
            return None
        report.name = str(name)
        candidates = self.by_name.get(normalize(str(name)), [])
        if not candidates:
            report.errors.append(
                CellError(
                    NAME,
                    gettext("«%(name)s» is not a participant of the programme's pairs.")
                    % {"name": cell_text(name)},
                )
            )
            return None
        pair_ids = self.pair_ids(row, report)
        if pair_ids is not None:
            if not pair_ids:
                return None  # the pair cell is already explained
            chosen = [slot for slot in candidates if slot.pair.pk in pair_ids]
            if not chosen:
                report.errors.append(
                    CellError(
                        NAME,
                        gettext(
                            "«%(name)s» is not in that pair; their pairs: %(pairs)s."
                        )
                        % {"name": cell_text(name), "pairs": pair_names(candidates)},
                    )
                )
                return None
            candidates = chosen
        if len(candidates) > 1:
            report.errors.append(
                CellError(
                    NAME,
                    gettext(
                        "«%(name)s» is found in several pairs: %(pairs)s. Write the "
                        "pair's ID in the column «ID пары»."
                    )
                    % {"name": cell_text(name), "pairs": pair_names(candidates)},
                )
            )
            return None
        return candidates[0]

    def parameter(self, row: Row, report: RowReport) -> Parameter | None:
        raw = row.values.get(PARAMETER)
        if raw is None:
            report.errors.append(
                CellError(PARAMETER, gettext("The parameter is empty."))
            )
            return None
        parameter = self.parameters.get(normalize(str(raw)))
        if parameter is None:
            report.errors.append(
                CellError(
                    PARAMETER,
                    gettext(
                        "Unknown parameter «%(value)s»; use a name or a code from "
                        "the sheet «Справочник» of the template."
                    )
                    % {"value": cell_text(raw)},
                )
            )
        return parameter


def check_rows(programme, rows: list[Row], deadline: Deadline) -> Report:
    """Every row with its status and errors; nothing is written."""
    matcher = Matcher(programme)
    reports: list[RowReport] = []
    for row in rows:
        deadline.check()
        report = RowReport(number=row.number, errors=list(row.errors))
        bad = {error.column for error in row.errors}
        slot = matcher.person(row, report) if NAME not in bad else None
        parameter = matcher.parameter(row, report) if PARAMETER not in bad else None
        report.slot, report.parameter = slot, parameter
        if slot is not None:
            report.pair = slot.pair
        if (
            slot is not None
            and parameter is not None
            and not fits(parameter, slot.participant, slot.role)
        ):
            report.errors.append(
                CellError(
                    PARAMETER,
                    gettext(
                        "«%(parameter)s» is measured for %(audience)s; "
                        "%(name)s is the %(role)s of the pair."
                    )
                    % {
                        "parameter": parameter.name,
                        "audience": parameter.get_audience_display(),
                        "name": slot.participant.full_name,
                        "role": slot.role_label,
                    },
                )
            )
        if MOMENT not in bad:
            raw = row.values.get(MOMENT)
            report.moment = MOMENT_WORDS.get(normalize(str(raw or "")), "")
            if not report.moment:
                report.errors.append(
                    CellError(
                        MOMENT,
                        gettext("«%(value)s»: write «вход» or «выход».")
                        % {"value": cell_text(raw or "")},
                    )
                )
        if VALUE not in bad:
            raw = row.values.get(VALUE)
            if raw is None:
                report.errors.append(CellError(VALUE, gettext("The value is empty.")))
            elif parameter is not None:
                try:
                    report.value = parse_value(raw, parameter)
                except ValidationError as error:
                    report.errors.append(CellError(VALUE, error.messages[0]))
        if DATE not in bad:
            raw = row.values.get(DATE)
            try:
                if raw is None:
                    raise ValidationError(gettext("The date is empty."))
                report.measured_on = read_date(raw)
                if report.measured_on > timezone.localdate():
                    raise ValidationError(gettext("The date is in the future."))
            except ValidationError as error:
                report.measured_on = None
                report.errors.append(CellError(DATE, error.messages[0]))
        reports.append(report)
    mark_repeated(reports)
    mark_existing(reports)
    order = {header: index for index, header in enumerate(HEADERS)}
    for report in reports:
        report.errors.sort(key=lambda e: order.get(e.column, -1))
        if report.errors:
            report.status = ERROR
    return Report(rows=reports)


def mark_repeated(reports: list[RowReport]) -> None:
    """The same person, pair, parameter and moment twice: both rows named."""
    groups: dict[tuple, list[RowReport]] = {}
    for report in reports:
        if report.slot is None or report.parameter is None or not report.moment:
            continue
        key = (
            report.slot.participant.pk,
            report.slot.pair.pk,
            report.parameter.pk,
            report.moment,
        )
        groups.setdefault(key, []).append(report)
    for group in groups.values():
        if len(group) < 2:
            continue
        numbers = ", ".join(str(report.number) for report in group)
        for report in group:
            report.errors.append(
                CellError(
                    "",
                    gettext(
                        "The same value (person, parameter, moment) is in rows "
                        "%(rows)s; keep one of them."
                    )
                    % {"rows": numbers},
                )
            )


def mark_existing(reports: list[RowReport]) -> None:
    """New, to be updated (with the value it replaces) or unchanged. One query per
    parameter in the file."""
    by_parameter: dict[int, list[RowReport]] = {}
    for report in reports:
        if report.slot is not None and report.parameter is not None:
            by_parameter.setdefault(report.parameter.pk, []).append(report)
    for items in by_parameter.values():
        found = existing_values([r.slot for r in items], items[0].parameter)
        for report in items:
            current = found.get(
                (report.slot.participant.pk, report.slot.pair.pk, report.moment)
            )
            if current is None:
                continue
            report.previous = current.value
            report.status = SKIP if current.value == report.value else UPDATE


def preview(*, programme, content: bytes) -> Report:
    """What importing the file would do; nothing is written. It stops after
    settings.IMPORT_PREVIEW_SECONDS."""
    deadline = Deadline.for_preview()
    return check_rows(programme, read_rows(content, deadline), deadline)


@transaction.atomic
def apply(*, programme, content: bytes, by) -> Report:
    """Check the file again (the data may have changed since the preview) and
    write every row, or none."""
    no_limit = Deadline(None)  # previewed within the budget, and confirmed
    report = check_rows(programme, read_rows(content, no_limit), no_limit)
    if not report.is_clean:
        raise ImportRejected(report)
    entries = [
        Entry(
            participant=row.slot.participant,
            pair=row.slot.pair,
            parameter=row.parameter,
            moment=row.moment,
            value=row.value,
            measured_on=row.measured_on,
        )
        for row in report.rows
        if row.status != SKIP
    ]
    measurements_record(entries=entries, by=by, source=Measurement.Source.IMPORT)
    return report


# --- The template ---------------------------------------------------------------


def build_template(*, programme, hide_tier: bool = False) -> bytes:
    """The headers the import expects, the programme's people already listed with
    their pair (one row per person and pair), and a sheet «Справочник» with the
    parameters, their scales and the moments; drop-downs on «Параметр» and
    «Момент». `hide_tier`: without the pairs of the social-risk form."""
    parameters = list(Parameter.objects.filter(is_active=True))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_VALUES
    lists = workbook.create_sheet(sheet_title(SHEET_LISTS))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E7EEF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = {NAME: 36, PAIR_ID: 10, PAIR: 40, PARAMETER: 30, MOMENT: 10}
    for index, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(header, 14)
    slots = programme_slots(programme, hide_tier=hide_tier)
    for number, slot in enumerate(slots, start=2):
        sheet.cell(row=number, column=1, value=slot.participant.full_name)
        sheet.cell(row=number, column=2, value=slot.pair.pk)
        sheet.cell(row=number, column=3, value=escape_cell(str(slot.pair)))
    sheet.column_dimensions["G"].number_format = "DD.MM.YYYY"

    list_headers = (
        gettext("Parameter"),
        gettext("Code"),
        gettext("Unit"),
        gettext("Scale from"),
        gettext("Scale to"),
        gettext("Better when"),
        gettext("Measured for"),
    )
    for index, header in enumerate(list_headers, start=1):
        cell = lists.cell(row=1, column=index, value=header)
        cell.font, cell.fill = bold, fill
        lists.column_dimensions[get_column_letter(index)].width = 16
    lists.column_dimensions["A"].width = 40
    for number, parameter in enumerate(parameters, start=2):
        for index, value in enumerate(
            (
                parameter.name,
                parameter.code,
                parameter.unit,
                float(parameter.scale_min),
                float(parameter.scale_max),
                str(parameter.get_direction_display()),
                str(parameter.get_audience_display()),
            ),
            start=1,
        ):
            lists.cell(row=number, column=index, value=value)
    moment_column = len(list_headers) + 2
    lists.cell(row=1, column=moment_column, value=MOMENT).font = bold
    lists.cell(row=2, column=moment_column, value="вход")
    lists.cell(row=3, column=moment_column, value="выход")
    last = max_rows() + 1
    moment_letter = get_column_letter(moment_column)
    for column, formula in (
        ("D", f"'{lists.title}'!$A$2:$A${len(parameters) + 1}"),
        ("E", f"'{lists.title}'!${moment_letter}$2:${moment_letter}$3"),
    ):
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, errorStyle="warning"
        )
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    lists.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
