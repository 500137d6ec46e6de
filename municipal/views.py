"""The coordinator's pages: the dashboard of the municipality's organisations and
each organisation's read-only summary. Aggregates only (municipal/rollup.py): no
pupil is named, the small sensitive counts read «менее 5», and nothing links into
the school's own pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import Organisation, SchoolYear
from monitoring.charts import Bar, bar_chart
from monitoring.indicators import NATIONAL_PUPILS_TARGET
from municipal.access import require_coordinated_organisation, require_coordinator
from municipal.models import ChecklistDeadline, ChecklistEntry, ChecklistItem
from municipal.rollup import (
    STATUSES,
    Figures,
    masked_sort_key,
    organisation_rows,
    total_sort_key,
    totals,
)
from pairs.models import Pair

# The dashboard's sortable columns: key → the row's value (None sorts last).
SORTS = {
    "name": lambda row: row.name.casefold(),
    "pupils": lambda row: row.pupils,
    "pupils_involved": lambda row: row.pupils_involved,
    "pupils_share": lambda row: row.pupils_share,
    "teachers": lambda row: row.teachers,
    "teachers_involved": lambda row: row.teachers_involved,
    "teachers_share": lambda row: row.teachers_share,
    "pairs": lambda row: total_sort_key(row.pairs, row.social_risk_pairs),
    "open_pairs": lambda row: total_sort_key(
        row.open_pairs,
        row.social_risk_by_status["formed"] + row.social_risk_by_status["active"],
    ),
    "social_risk": lambda row: masked_sort_key(row.social_risk_pairs),
    "meetings": lambda row: row.meetings_recent,
    "stale": lambda row: total_sort_key(row.stale_pairs, row.social_risk_stale),
    "campaigns": lambda row: row.campaigns,
    "response_rate": lambda row: row.response_rate,
    "indicators": lambda row: row.indicators_reached,
}


def _school_year(request) -> SchoolYear:
    """`?year=` if given, else the current school year."""
    pk = request.GET.get("year", "")
    if pk.isdigit():
        return get_object_or_404(SchoolYear, pk=pk)
    return SchoolYear.for_date(timezone.localdate())


def _years(current: SchoolYear):
    return SchoolYear.objects.filter(starts_on__lte=timezone.localdate()) | (
        SchoolYear.objects.filter(pk=current.pk)
    )


def sort_rows(rows: list, key: str) -> tuple[list, str]:
    """`rows` ordered by the `?sort=` key ("-key" descending; unknown → name);
    rows without a value (no data) go last either way, ties by name."""
    descending = key.startswith("-")
    value = SORTS.get(key.lstrip("-"))
    if value is None:
        return sort_rows(rows, "name")
    rows = sorted(rows, key=lambda row: row.name.casefold())
    known = [row for row in rows if value(row) is not None]
    unknown = [row for row in rows if value(row) is None]
    known.sort(key=value, reverse=descending)
    return known + unknown, key


def pairs_chart(figures: Figures, title: str):
    """Bars of pairs by form; a masked form is not drawn (the table and the note
    under the chart say «менее 5»): a bar's length would tell its number."""
    bars = [
        Bar(label=row.form.name, value=row.count)
        for row in figures.form_rows()
        if isinstance(row.count, int)
    ]
    return bar_chart(title, bars, value_header=_("Pairs and groups"))


def hidden_forms(figures: Figures) -> list:
    """The forms left out of the chart (their count reads «менее 5»)."""
    return [row for row in figures.form_rows() if isinstance(row.count, str)]


def dashboard(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    year = _school_year(request)
    kinds = Organisation.Kind.choices
    kind = request.GET.get("kind", "")
    if kind not in dict(kinds):
        kind = ""
    rows = organisation_rows(municipality, year, kind=kind)
    rows, sort = sort_rows(rows, request.GET.get("sort", "") or "name")
    total = totals(rows)
    return render(
        request,
        "municipal/dashboard.html",
        {
            "municipality": municipality,
            "year": year,
            "years": _years(year),
            "kinds": kinds,
            "kind": kind,
            "rows": rows,
            "totals": total,
            "sort": sort,
            "target": NATIONAL_PUPILS_TARGET,
            "chart": pairs_chart(total, _("Pairs and groups by form")),
            "hidden_forms": hidden_forms(total),
        },
    )


def checklist_status(organisation: Organisation) -> list[dict]:
    """Each item of the checklist with the municipality's deadline and the
    organisation's entry (None when not ticked); empty when nothing is set."""
    entries = {
        entry.item: entry
        for entry in ChecklistEntry.objects.filter(organisation=organisation)
    }
    deadlines = dict(
        ChecklistDeadline.objects.filter(
            municipality_id=organisation.municipality_id
        ).values_list("item", "due_on")
    )
    if not entries and not deadlines:
        return []
    return [
        {
            "label": label,
            "due_on": deadlines.get(item),
            "entry": entries.get(item),
        }
        for item, label in ChecklistItem.choices
    ]


def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    subject = require_coordinated_organisation(request, pk)
    year = _school_year(request)
    (figures,) = organisation_rows(subject.municipality, year, only=subject)
    form_rows = [
        {
            "form": row.form,
            "cells": [row.by_status[status] for status in STATUSES],
            "count": row.count,
        }
        for row in figures.form_rows()
    ]
    return render(
        request,
        "municipal/organisation.html",
        {
            "organisation": subject,
            "figures": figures,
            "year": year,
            "years": _years(year),
            "target": NATIONAL_PUPILS_TARGET,
            "statuses": [(s, Pair.Status(s).label) for s in STATUSES],
            "form_rows": form_rows,
            "status_totals": figures.status_totals_shown(),
            "several_programmes": len({i.programme for i in figures.indicators}) > 1,
            "today": timezone.localdate(),
            "checklist": checklist_status(subject),
            "chart": pairs_chart(figures, _("Pairs and groups by form")),
            "hidden_forms": hidden_forms(figures),
        },
    )
