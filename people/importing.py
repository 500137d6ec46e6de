"""What the import pages of the two bases show besides the engine's flow
(`mentoring.imports`, with the kinds of `people.import_kinds`): the titles of each
base, the columns of the portal's template with what to write in each, and the
template itself (.xlsx with drop-downs and a sheet of reference lists).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

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
