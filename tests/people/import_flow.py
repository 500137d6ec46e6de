"""Driving the import pages as a curator does: upload → confirm the columns →
fix in the grid → import. Each step posts the whole form of the page before it,
as the browser would (the token, the sheet, the header, the mapping, the
corrections), read back from the page's context."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from people.importing import KINDS

MENTEES, MENTORS = KINDS["mentees"], KINDS["mentors"]


def upload_url(kind: str = "mentees") -> str:
    return reverse("imports:upload", args=[kind])


def upload(
    client, content: bytes, name: str = "база.xlsx", kind: str = "mentees", url=""
):
    return client.post(
        url or upload_url(kind),
        {"step": "upload", "file": SimpleUploadedFile(name, content)},
    )


def form_data(response, **changes) -> dict:
    """What the page's import form would post as it stands, with `changes`:
    edits={(row, field): text}, exclude=[rows], decide={row: value},
    mapping={column index: field}, defaults={key: value}, extra={name: value}."""
    preview = response.context["preview"]
    state = response.context["state"]
    data = {
        "token": state.token,
        "sheet": preview.sheet,
        "header": str(preview.header_row - 1),
        "checked": "1" if preview.checked else "",
    }
    mapping = changes.get("mapping", {})
    for column in preview.columns:
        data[f"map-{column.index}"] = mapping.get(column.index, column.field)
    for default, value in response.context["defaults"]:
        data[f"default-{default.key}"] = changes.get("defaults", {}).get(
            default.key, value
        )
    edits = dict(state.edits)
    edits.update(changes.get("edits", {}))
    for (number, key), text in edits.items():
        data[f"edit-{number}-{key}"] = text
    decisions = dict(state.decisions)
    decisions.update(changes.get("decide", {}))
    for number, value in decisions.items():
        data[f"decide-{number}"] = str(value)
    excluded = set(state.excluded) | set(changes.get("exclude", ()))
    data["exclude"] = [str(n) for n in sorted(excluded)]
    data.update(changes.get("extra", {}))
    return data


def step(client, response, name: str, kind: str = "mentees", url="", **changes):
    data = form_data(response, **changes)
    data["step"] = name
    return client.post(url or upload_url(kind), data)


def rows_by_number(response) -> dict:
    return {row.number: row for row in response.context["preview"].rows}


def xlsx(rows: list[list], *, merge: str = "", formulas: dict | None = None) -> bytes:
    """A workbook of `rows` (row 1 first); `formulas` maps a cell («F7») to a
    formula written as such."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "База"
    for row in rows:
        sheet.append(row)
    for ref, value in (formulas or {}).items():
        sheet[ref] = value
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column(kind, name: str) -> str:
    """The portal template's header of a field (`kind` from people.importing)."""
    return str(kind.resource_class.fields[name].column_name)


def make_xlsx(headers, rows=(), *, formulas=None) -> bytes:
    """A workbook: headers in row 1, then rows (lists or dicts keyed by header).
    `formulas` maps (row, header) to a formula string written as such."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        if isinstance(row, dict):
            row = [row.get(header) for header in headers]
        sheet.append(list(row))
    for (number, header), formula in (formulas or {}).items():
        sheet.cell(row=number, column=list(headers).index(header) + 1, value=formula)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def mentee_row(**values) -> dict:
    """One mentee in the portal template's columns."""
    row = {
        column(MENTEES, "last_name"): "Смирнова",
        column(MENTEES, "first_name"): "Вера",
        column(MENTEES, "middle_name"): "Олеговна",
        column(MENTEES, "kind"): "обучающийся",
        column(MENTEES, "study_group"): "7Б",
        column(MENTEES, "birth_date"): "05.03.2013",
    }
    row.update({column(MENTEES, name): value for name, value in values.items()})
    return row


def mentor_row(**values) -> dict:
    """One mentor in the portal template's columns."""
    row = {
        column(MENTORS, "last_name"): "Кузнецова",
        column(MENTORS, "first_name"): "Ольга",
        column(MENTORS, "middle_name"): "Петровна",
        column(MENTORS, "kind"): "педагог",
        column(MENTORS, "category"): "Педагоги и специалисты",
        column(MENTORS, "capacity"): 2,
    }
    row.update({column(MENTORS, name): value for name, value in values.items()})
    return row


def rows_file(*rows) -> bytes:
    """A workbook whose headers are every column any of the rows has."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return make_xlsx(headers, rows)
