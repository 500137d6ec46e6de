"""Exporters of the municipal tier (see mentoring/lib/export.py).

The municipal report («Отчёт о реализации системы наставничества в
муниципалитете»), the document a committee sends to the region: the roll-up of
the organisations with its totals, the checklist's state per organisation, the
indicators against their targets. `?year=<school year>`; with `?snapshot=<pk>` a
roll-up already sent prints exactly as it was sent, from its stored data alone.
PDF, XLSX (a table a sheet, no formulas) and DOCX. The coordinator only; another
municipality's snapshot is 404. Aggregates only: no person is named.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.exports import document_date
from mentoring.lib.export import DOCX, PDF, XLSX, Exporter, register, render_workbook
from mentoring.models import SchoolYear
from municipal.access import require_coordinator
from municipal.indicators import report_data, report_view
from municipal.models import RollupSnapshot


def _file_part(text: str) -> str:
    for char in '/\\:*?"<>|«»':
        text = text.replace(char, "-" if char in "/\\:" else "")
    return " ".join(text.split())


def _cell(text: str):
    """A printed figure back as a number for the spreadsheet («45,5» → 45.5,
    «12» → 12); «—» is an empty cell; any other text («12 + менее 5») stays."""
    if text == "—":
        return None
    plain = text.replace(",", ".")
    try:
        number = float(plain)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in plain else number


@register
class MunicipalReportExporter(Exporter):
    identifier = "municipal-report"
    background = True  # the whole municipality: prepared as a background job
    verbose_name = _("Report on mentoring in the municipality")
    formats = (PDF, XLSX, DOCX)
    template_name = "municipal/print_report.html"
    docx_template = "municipal_report.docx"
    landscape = True

    def allowed(self) -> bool:
        if not self.request.access.is_coordinator:
            return False
        self.municipality = require_coordinator(self.request)
        self.snapshot = None
        raw = self.params.get("snapshot", "")
        if raw:
            if not raw.isdigit():
                raise Http404
            self.snapshot = get_object_or_404(
                RollupSnapshot, pk=raw, municipality=self.municipality
            )
            self.school_year = self.snapshot.school_year
        else:
            year = self.params.get("year", "")
            if year and not year.isdigit():
                raise Http404
            self.school_year = (
                get_object_or_404(SchoolYear, pk=year)
                if year
                else SchoolYear.for_date(timezone.localdate())
            )
        return True

    def data(self) -> dict:
        if not hasattr(self, "_data"):
            self._data = (
                self.snapshot.data
                if self.snapshot is not None
                else report_data(self.municipality, self.school_year)
            )
        return self._data

    def report(self) -> dict:
        if not hasattr(self, "_report"):
            self._report = report_view(self.data())
        return self._report

    def heading(self) -> str:
        report = self.report()
        return gettext(
            "Report on mentoring in the municipality for the %(year)s school year"
        ) % {"year": report["school_year"]}

    def dated(self) -> str:
        report = self.report()
        if report["submitted_on"]:
            return gettext("Sent on %(date)s") % {
                "date": document_date(report["submitted_on"])
            }
        return gettext("Prepared on %(date)s") % {
            "date": document_date(report["prepared_on"])
        }

    def filename(self) -> str:
        report = self.report()
        name = gettext("Municipal report %(year)s %(municipality)s") % {
            "year": report["school_year"],
            "municipality": report["municipality"],
        }
        day: date = report["submitted_on"] or report["prepared_on"]
        return _file_part(f"{name} {day:%Y-%m-%d}")[:120]

    def context(self) -> dict:
        return {
            "report": self.report(),
            "heading": self.heading(),
            "dated": self.dated(),
            "snapshot": self.snapshot,
        }

    # --- XLSX: a table a sheet, numbers as numbers, no formulas -------------------
    def render(self, fmt: str) -> bytes:
        if fmt == XLSX:
            return render_workbook(self.sheets())
        return super().render(fmt)

    def sheets(self) -> list[tuple[str, list[list]]]:
        report = self.report()
        organisation = gettext("Organisation")
        orgs = [[organisation, *report["columns"]]]
        orgs += [
            [row["name"], *(_cell(cell) for cell in row["cells"])]
            for row in report["organisations"]
        ]
        orgs.append([gettext("Total"), *(_cell(cell) for cell in report["totals"])])
        checklist = report["checklist"]
        items = [[organisation, *checklist["items"]]]
        items.append(
            [
                gettext("Deadline"),
                *(document_date(day) if day else "—" for day in checklist["deadlines"]),
            ]
        )
        for row in checklist["rows"]:
            items.append(
                [
                    row["name"],
                    *(
                        cell["label"]
                        + (f" ({gettext('overdue')})" if cell["overdue"] else "")
                        for cell in row["cells"]
                    ),
                ]
            )
        items.append(
            [gettext("Accepted"), *(total["accepted"] for total in checklist["totals"])]
        )
        indicators = [
            [
                "№",
                gettext("Indicator"),
                gettext("Unit"),
                gettext("Target"),
                gettext("Municipality"),
                gettext("Reached"),
                *report["indicator_organisations"],
            ]
        ]
        for row in report["indicators"]:
            indicators.append(
                [
                    row["number"],
                    row["name"],
                    row["unit"],
                    _cell(row["target_shown"]),
                    _cell(row["value_shown"]),
                    _reached(row["reached"]),
                    *(_cell(value) for value in row["values_shown"]),
                ]
            )
        about = [
            [gettext("Report"), self.heading()],
            [gettext("Municipality"), report["municipality"]],
            [gettext("School year"), report["school_year"]],
            [gettext("Date"), self.dated()],
        ]
        return [
            (gettext("Organisations"), orgs),
            (gettext("Checklist"), items),
            (gettext("Indicators"), indicators),
            (gettext("About the report"), about),
        ]

    def docx_context(self) -> dict:
        report = self.report()
        return {
            "heading": self.heading(),
            "dated": self.dated(),
            "municipality": report["municipality"],
            "region": report["region"],
            "columns": report["columns"],
            "organisations": report["organisations"],
            "totals": report["totals"],
            "organisation_count": report["organisation_count"],
            "organisation_names": report["indicator_organisations"],
            "checklist_items": report["checklist"]["items"],
            "checklist_rows": [
                {
                    "name": row["name"],
                    "cells": [
                        cell["label"]
                        + (f" ({gettext('overdue')})" if cell["overdue"] else "")
                        for cell in row["cells"]
                    ],
                }
                for row in report["checklist"]["rows"]
            ],
            "indicators": [
                {**row, "reached_shown": _reached(row["reached"])}
                for row in report["indicators"]
            ],
        }


def _reached(reached: bool | None) -> str:
    if reached is None:
        return "—"
    return gettext("yes") if reached else gettext("no")
