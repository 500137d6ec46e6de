"""Import of entry/exit values as a kind of the import engine
(`mentoring.lib.importer`): the same reader, column mapping, cleaning, grid and
one-transaction write as the bases. The file is the layout of the template and of
the «Значения входа и выхода» export (`monitoring.exports`), so an export imports
back unchanged.

People are matched by full name among the participants of the programme's pairs;
«ID пары» or «Пара» settle who is meant when a name is in several pairs. The same
person, pair, parameter and moment twice in a file is one value: identical rows
merge, different ones wait for the curator's choice.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mentoring.lib import cleaning
from mentoring.lib.export import as_text
from mentoring.lib.importer import (
    NEW,
    SAME,
    UPDATE,
    Column,
    ImportKind,
    Row,
    group_rows,
    max_rows,
    settle_duplicates,
)
from mentoring.lib.search import normalize
from monitoring.measurement_services import (
    Entry,
    existing_values,
    fits,
    measurements_record,
    parse_value,
    programme_slots,
    show_value,
)
from monitoring.models import Measurement, Parameter
from people.importing import XLSX_CONTENT_TYPE, sheet_title  # noqa: F401

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
    "на входе": Measurement.Moment.ENTRY,
    "выход": Measurement.Moment.EXIT,
    "на выходе": Measurement.Moment.EXIT,
    "entry": Measurement.Moment.ENTRY,
    "exit": Measurement.Moment.EXIT,
}
MOMENT_LABELS = {Measurement.Moment.ENTRY: "вход", Measurement.Moment.EXIT: "выход"}
SHEET_VALUES, SHEET_LISTS = "Значения", "Справочник"


def pair_names(slots) -> str:
    return ", ".join(f"«{slot.pair}» (ID {slot.pair.pk})" for slot in slots)


class MeasurementImport(ImportKind):
    """Values of one programme's pairs."""

    title = _("Entry and exit values")
    columns = (
        Column("name", NAME, ("ФИО участника", "Ф.И.О.", "Участник")),
        Column("pair_id", PAIR_ID, ("ID", "Номер пары")),
        Column("pair", PAIR, ("Наставническая пара",)),
        Column("parameter", PARAMETER, ("Показатель", "Код параметра")),
        Column("moment", MOMENT, ("Вход/выход", "Этап")),
        Column("value", VALUE, ("Результат", "Балл")),
        Column("measured_on", DATE, ("Дата измерения",)),
    )
    required = (("name",), ("parameter",), ("moment",), ("value",), ("measured_on",))

    def __init__(self, organisation, *, programme, user=None, hide_tier=False):
        super().__init__(organisation, user=user, hide_tier=hide_tier)
        self.programme = programme
        self.slug = f"measurements-{programme.pk}"

    def prepare(self) -> None:
        self.slots = programme_slots(self.programme, hide_tier=self.hide_tier)
        self.by_name: dict[str, list] = {}
        for slot in self.slots:
            key = normalize(slot.participant.full_name)
            self.by_name.setdefault(key, []).append(slot)
        self.pairs = {slot.pair.pk: slot.pair for slot in self.slots}
        self.pairs_by_name: dict[str, set[int]] = {}
        for pair in self.pairs.values():
            self.pairs_by_name.setdefault(normalize(str(pair)), set()).add(pair.pk)
        self.parameters = {}
        for parameter in Parameter.objects.filter(is_active=True):
            self.parameters[cleaning.catalogue_key(parameter.name)] = parameter
            self.parameters[cleaning.catalogue_key(parameter.code)] = parameter

    # -- cleaning ------------------------------------------------------------------
    def clean_row(self, row: Row, defaults: dict) -> None:
        raw, values = row.raw, row.values
        for key in ("name", "parameter", "moment", "value", "measured_on"):
            if raw.get(key) in (None, "") and key not in row.errors:
                row.error(key, gettext("The cell is empty."))
        pair_ids = self.pair_ids(row)
        if raw.get("name") not in (None, "") and "name" not in row.errors:
            slot = self.person(row, pair_ids)
            if slot is not None:
                values["slot"] = slot
        if raw.get("parameter") not in (None, "") and "parameter" not in row.errors:
            parameter = self.parameters.get(cleaning.catalogue_key(raw["parameter"]))
            if parameter is None:
                row.error(
                    "parameter",
                    gettext(
                        "Unknown parameter «%(value)s»; use a name or a code from "
                        "the sheet «Справочник» of the template."
                    )
                    % {"value": cleaning.text(raw["parameter"])},
                )
            else:
                values["parameter"] = parameter
        slot, parameter = values.get("slot"), values.get("parameter")
        if slot and parameter and not fits(parameter, slot.participant, slot.role):
            row.error(
                "parameter",
                gettext(
                    "«%(parameter)s» is measured for %(audience)s; %(name)s is the "
                    "%(role)s of the pair."
                )
                % {
                    "parameter": parameter.name,
                    "audience": parameter.get_audience_display(),
                    "name": slot.participant.full_name,
                    "role": slot.role_label,
                },
            )
        if raw.get("moment") not in (None, "") and "moment" not in row.errors:
            moment = MOMENT_WORDS.get(normalize(cleaning.text(raw["moment"])))
            if moment is None:
                row.error(
                    "moment",
                    gettext("«%(value)s»: write «вход» or «выход».")
                    % {"value": cleaning.text(raw["moment"])},
                )
            else:
                values["moment"] = moment
        if (
            raw.get("value") not in (None, "")
            and "value" not in row.errors
            and parameter is not None
        ):
            try:
                values["value"] = parse_value(raw["value"], parameter)
            except ValidationError as error:
                row.error("value", " ".join(error.messages))
        if raw.get("measured_on") not in (None, "") and "measured_on" not in row.errors:
            try:
                values["measured_on"] = cleaning.parse_date(
                    raw["measured_on"], latest=timezone.localdate()
                )
            except ValueError as error:
                row.error("measured_on", str(error))

    def pair_ids(self, row: Row) -> set[int] | None:
        """The pairs the row restricts the person to (None: no restriction)."""
        raw = row.raw
        if raw.get("pair_id") not in (None, ""):
            try:
                pk = cleaning.whole_number(raw["pair_id"])
            except ValueError:
                pk = None
            if pk not in self.pairs:
                row.error(
                    "pair_id",
                    gettext("The programme has no pair with ID %(id)s.")
                    % {"id": cleaning.text(raw["pair_id"])},
                )
                return set()
            return {pk}
        if raw.get("pair") not in (None, ""):
            found = self.pairs_by_name.get(normalize(cleaning.text(raw["pair"])))
            if not found:
                row.error(
                    "pair",
                    gettext(
                        "The programme has no pair «%(name)s»; write its ID in the "
                        "column «ID пары» instead."
                    )
                    % {"name": cleaning.text(raw["pair"])},
                )
                return set()
            return found
        return None

    def person(self, row: Row, pair_ids):
        name = cleaning.text(row.raw["name"])
        candidates = self.by_name.get(normalize(name), [])
        if not candidates:
            row.error(
                "name",
                gettext("«%(name)s» is not a participant of the programme's pairs.")
                % {"name": name},
            )
            return None
        if pair_ids is not None:
            if not pair_ids:
                return None  # the pair's cell already says why
            chosen = [slot for slot in candidates if slot.pair.pk in pair_ids]
            if not chosen:
                row.error(
                    "name",
                    gettext("«%(name)s» is not in that pair; their pairs: %(pairs)s.")
                    % {"name": name, "pairs": pair_names(candidates)},
                )
                return None
            candidates = chosen
        if len(candidates) > 1:
            row.error(
                "name",
                gettext(
                    "«%(name)s» is found in several pairs: %(pairs)s. Write the "
                    "pair's ID in the column «ID пары»."
                )
                % {"name": name, "pairs": pair_names(candidates)},
            )
            return None
        return candidates[0]

    # -- planning and writing ------------------------------------------------------
    @staticmethod
    def identity(row: Row):
        values = row.values
        return (
            values["slot"].participant.pk,
            values["slot"].pair.pk,
            values["parameter"].pk,
            values["moment"],
        )

    def conflicts(self, group: list[Row]) -> list[str]:
        differing = []
        for key in ("value", "measured_on"):
            if len({row.values.get(key) for row in group}) > 1:
                differing.append(self.label(key))
        return differing

    def plan(self, rows: list[Row], decisions: dict) -> None:
        groups = group_rows(rows, self.identity, lambda one, other: True)
        kept = [
            row
            for group in groups
            for row in settle_duplicates(group, decisions, self.conflicts)
        ]
        by_parameter: dict[int, list[Row]] = {}
        for row in kept:
            by_parameter.setdefault(row.values["parameter"].pk, []).append(row)
        for items in by_parameter.values():
            found = existing_values(
                [row.values["slot"] for row in items], items[0].values["parameter"]
            )
            for row in items:
                slot = row.values["slot"]
                current = found.get(
                    (slot.participant.pk, slot.pair.pk, row.values["moment"])
                )
                row.status = NEW
                if current is None:
                    continue
                row.existing = current
                if current.value == row.values["value"]:
                    row.status = SAME
                else:
                    row.status = UPDATE
                    row.changes.append(
                        (
                            self.label("value"),
                            show_value(current.value),
                            show_value(row.values["value"]),
                        )
                    )

    def save(self, rows: list[Row]) -> dict:
        entries = [
            Entry(
                participant=row.values["slot"].participant,
                pair=row.values["slot"].pair,
                parameter=row.values["parameter"],
                moment=row.values["moment"],
                value=row.values["value"],
                measured_on=row.values["measured_on"],
            )
            for row in rows
        ]
        measurements_record(
            entries=entries, by=self.user, source=Measurement.Source.IMPORT
        )
        return {
            NEW: sum(1 for row in rows if row.status == NEW),
            UPDATE: sum(1 for row in rows if row.status == UPDATE),
        }


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
        # Names stay text, whatever they start with (never a formula).
        as_text(sheet.cell(row=number, column=1, value=slot.participant.full_name))
        sheet.cell(row=number, column=2, value=slot.pair.pk)
        as_text(sheet.cell(row=number, column=3, value=str(slot.pair)))
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
