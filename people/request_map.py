"""The request map («карта запросов»): mentees' requests by area or category and form.

Rows are request areas (or mentee categories: a request counts in every category
of its mentee), columns are the forms of the organisation's programmes (every
active form when it has none; any other form a request names is added) and
«Форма не указана». A cell counts open requests (not yet covered by a pair) and
covered ones; closed requests are not counted. Row, column and grand totals count
each request once. Every number carries the GET parameters of the mentee base
(`people:mentee-list`) that list the mentees behind it.

The result is plain data with printable labels: the page and the Excel export
read the same structure. Counting takes a constant number of queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mentoring.models import (
    MenteeCategory,
    MentoringForm,
    Organisation,
    Programme,
    RequestArea,
)
from people.models import MenteeRequest

BY_AREA, BY_CATEGORY = "area", "category"
NONE = "none"
SHADES = 4


@dataclass
class Cell:
    uncovered: int = 0
    covered: int = 0
    # GET parameters of people:mentee-list for each number; "" means no link.
    uncovered_query: str = ""
    covered_query: str = ""
    level: int = 0  # 0–4: the uncovered count against the largest cell, for shading

    @property
    def total(self) -> int:
        return self.uncovered + self.covered


@dataclass
class Column:
    key: str  # a MentoringForm pk, or "none"
    label: str


@dataclass
class Row:
    key: str  # a RequestArea or MenteeCategory pk, or "none"
    label: str
    cells: list[Cell]
    total: Cell


@dataclass
class RequestMap:
    by: str
    row_heading: str
    columns: list[Column]
    rows: list[Row]
    column_totals: list[Cell]
    total: Cell
    total_label: str
    programme: Programme | None = None

    @property
    def is_empty(self) -> bool:
        return not self.rows


def build_request_map(
    organisation: Organisation,
    *,
    by: str = BY_AREA,
    programme: Programme | None = None,
    hide_social_risk: bool = False,
) -> RequestMap:
    """`hide_social_risk` (for whom `people.access.hides_social_risk` holds):
    requests of the social-risk form are not counted at all and sensitive
    categories get no row (their requests count in the mentee's other rows)."""
    if by not in (BY_AREA, BY_CATEGORY):
        raise ValueError(f"Unknown grouping {by!r}")
    requests = MenteeRequest.objects.filter(
        mentee__participant__organisation=organisation,
        status__in=[MenteeRequest.Status.OPEN, MenteeRequest.Status.COVERED],
    )
    if hide_social_risk:
        requests = requests.exclude(form__is_social_risk=True)
    sensitive = (
        set(
            MenteeCategory.objects.filter(is_sensitive=True).values_list(
                "pk", flat=True
            )
        )
        if hide_social_risk and by == BY_CATEGORY
        else set()
    )
    if programme is not None:
        requests = requests.filter(mentee__programme=programme)
    counts = {
        "uncovered": Count(
            "pk", filter=Q(status=MenteeRequest.Status.OPEN), distinct=True
        ),
        "covered": Count(
            "pk", filter=Q(status=MenteeRequest.Status.COVERED), distinct=True
        ),
    }
    row_field = "area" if by == BY_AREA else "mentee__categories"
    by_cell = list(
        requests.values(row_field, f"{row_field}__name", f"{row_field}__order", "form")
        .annotate(**counts)
        .order_by()
    )
    by_column = list(requests.values("form").annotate(**counts).order_by())

    columns = [
        Column(str(form.pk), form.name)
        for form in map_forms(organisation, programme, {r["form"] for r in by_column})
        if not (hide_social_risk and form.is_social_risk)
    ]
    columns.append(Column(NONE, _("Form not specified")))

    def query(row_key: str | None, column_key: str | None, status: str) -> str:
        if row_key == NONE:
            return ""  # the mentee base has no filter for «no category»
        params = {}
        if row_key is not None:
            params[by] = row_key
        if column_key is not None:
            params["request_form"] = column_key
        params["request_status"] = status
        if programme is not None:
            params["programme"] = programme.pk
        return urlencode(params)

    def cell(uncovered: int, covered: int, row_key, column_key) -> Cell:
        return Cell(
            uncovered=uncovered,
            covered=covered,
            uncovered_query=query(row_key, column_key, MenteeRequest.Status.OPEN),
            covered_query=query(row_key, column_key, MenteeRequest.Status.COVERED),
        )

    rows: dict[str, dict] = {}
    for record in by_cell:
        pk = record[row_field]
        if pk in sensitive:
            continue
        row_key = NONE if pk is None else str(pk)
        row = rows.setdefault(
            row_key,
            {
                "label": record[f"{row_field}__name"] or _("Category not specified"),
                "order": (pk is None, record[f"{row_field}__order"] or 0),
                "counts": {},
            },
        )
        column_key = NONE if record["form"] is None else str(record["form"])
        row["counts"][column_key] = (record["uncovered"], record["covered"])

    built = []
    for row_key, row in rows.items():
        cells = [
            cell(*row["counts"].get(column.key, (0, 0)), row_key, column.key)
            for column in columns
        ]
        total = cell(
            sum(c.uncovered for c in cells),
            sum(c.covered for c in cells),
            row_key,
            None,
        )
        if total.total:
            built.append(
                (row["order"], row["label"], Row(row_key, row["label"], cells, total))
            )
    built.sort(key=lambda item: (item[0], item[1]))

    column_counts = {
        NONE if r["form"] is None else str(r["form"]): (r["uncovered"], r["covered"])
        for r in by_column
    }
    column_totals = [
        cell(*column_counts.get(column.key, (0, 0)), None, column.key)
        for column in columns
    ]
    grand = cell(
        sum(c.uncovered for c in column_totals),
        sum(c.covered for c in column_totals),
        None,
        None,
    )
    result = RequestMap(
        by=by,
        row_heading=capfirst(
            (RequestArea if by == BY_AREA else MenteeCategory)._meta.verbose_name
        ),
        columns=columns,
        rows=[item[2] for item in built],
        column_totals=column_totals,
        total=grand,
        total_label=_("Total"),
        programme=programme,
    )
    shade(result)
    return result


def map_forms(
    organisation: Organisation, programme: Programme | None, used: set
) -> list[MentoringForm]:
    """The forms of the programme (or of all the organisation's programmes; every
    active form when there is none), plus any other form a request names."""
    scope = (
        Q(programmes=programme)
        if programme
        else Q(programmes__organisation=organisation)
    )
    forms = list(MentoringForm.objects.filter(scope).distinct())
    if not forms:
        forms = list(MentoringForm.objects.filter(is_active=True))
    missing = used - {form.pk for form in forms} - {None}
    if missing:
        forms += list(MentoringForm.objects.filter(pk__in=missing))
    return sorted(forms, key=lambda form: (form.order, form.name, form.pk))


def shade(request_map: RequestMap) -> None:
    """Set each cell's level 1–4 by its uncovered count against the largest one."""
    largest = max(
        (c.uncovered for row in request_map.rows for c in row.cells), default=0
    )
    if not largest:
        return
    for row in request_map.rows:
        for c in row.cells:
            c.level = math.ceil(SHADES * c.uncovered / largest)
