"""The monitoring report («Итоговый аналитический отчёт о реализации программы
наставничества»): stage 1 (questionnaires, expectations vs results, SWOT), stage 2
(entry/exit dynamics) and the indicators, as PDF and as XLSX with a sheet per
section. `monitoring_data` gathers the figures for the monitoring page as well.

Anonymous questionnaires: nothing here reads who answered — only the figures of
monitoring/stats.py and the texts of open answers, which carry no names; a campaign
whose answers stats.py withholds (too few, or still open) shows why instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import (
    PDF,
    XLSX,
    Exporter,
    register,
    render_workbook,
)
from mentoring.models import Programme, SchoolYear
from monitoring import charts, measurement_importing, stats
from monitoring.dynamics import Summary, programme_summary
from monitoring.models import (
    AskedWhen,
    Campaign,
    IndicatorValue,
    Measurement,
    Question,
    Swot,
)
from monitoring.swot import num, points_by_quadrant, role_label, year_campaigns
from pairs.models import Pair, mentees_prefetch
from people.access import hides_social_risk, without_tier
from people.audit import log_pairs_read
from people.models import Role


@dataclass
class MonitoringData:
    programme: Programme
    school_year: SchoolYear
    campaigns: list = field(default_factory=list)
    rates: dict = field(default_factory=dict)
    latest_exit: object = None
    latest_exit_stats: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    swot: Swot | None = None
    dynamics: Summary | None = None
    indicators: list | None = None
    # campaign id → why its answers are not shown ("" when they are)
    withheld: dict = field(default_factory=dict)

    @property
    def quadrants(self):
        return points_by_quadrant(self.swot)

    @property
    def latest_exit_withheld(self) -> str:
        return self.withheld.get(self.latest_exit.pk, "") if self.latest_exit else ""

    @property
    def campaign_rows(self):
        return [(c, self.rates.get(c.pk)) for c in self.campaigns]


def monitoring_data(programme, school_year, *, hide_tier=False) -> MonitoringData:
    """The figures of the monitoring page: a fixed number of queries whatever the
    number of campaigns, answers, pairs or measurements (plus those of the stage 2
    and indicators modules). `hide_tier`: stage 2 without the pairs of the
    social-risk form (for a user who may not see the tier)."""
    from monitoring.indicators import indicator_rows

    campaigns = year_campaigns(programme, school_year)
    exits = [c for c in campaigns if c.questionnaire.moment == AskedWhen.EXIT]
    latest_exit = exits[-1] if exits else None
    respondents = stats.respondent_counts(campaigns)
    withheld = {
        c.pk: stats.withheld_message(
            stats.withheld(c, respondents=respondents[c.pk]), respondents[c.pk]
        )
        for c in campaigns
    }
    return MonitoringData(
        programme=programme,
        school_year=school_year,
        campaigns=campaigns,
        rates=stats.response_rates(campaigns),
        latest_exit=latest_exit,
        latest_exit_stats=stats.question_stats(latest_exit) if latest_exit else [],
        gaps=stats.expectation_gaps(programme, school_year),
        swot=Swot.objects.filter(programme=programme, school_year=school_year)
        .prefetch_related("points")
        .first(),
        dynamics=programme_summary(programme, school_year, hide_tier=hide_tier),
        indicators=indicator_rows(programme, school_year),
        withheld=withheld,
    )


# --- charts shared by the page and the PDF ------------------------------------------


def rate_chart(data: MonitoringData, *, table=True):
    bars = []
    for campaign, rate in data.campaign_rows:
        percent = rate.percent if rate else None
        tone = ""
        if percent is not None:
            tone = "good" if percent >= 80 else ("bad" if percent < 50 else "")
        bars.append(charts.Bar(campaign.title, percent, tone))
    return charts.bar_chart(
        gettext("Response rate"),
        bars,
        max_value=100,
        unit="%",
        value_header=gettext("Answered"),
        table=table,
    )


def items_chart(question_stats, *, title=None, table=True):
    bars = [
        charts.Bar(
            stat.question.text
            + " "
            + gettext("(out of %(max)s)") % {"max": stat.question.scale_max},
            None if stat.share_of_max is None else stat.share_of_max * 10,
        )
        for stat in question_stats
        if stat.question.kind == Question.Kind.SCALE
    ]
    return charts.bar_chart(
        title or gettext("Item averages (on a 10-point scale)"),
        bars,
        max_value=10,
        value_header=gettext("Mean"),
        table=table,
    )


def gaps_chart(gaps, *, table=True):
    rows = [
        charts.Pair(
            f"{gap.question_text} ({role_label(gap.role)})",
            gap.expected * 10 / gap.scale_max,
            gap.result * 10 / gap.scale_max,
        )
        for gap in gaps
    ]
    return charts.paired_chart(
        gettext("Expectations and results (on a 10-point scale)"),
        rows,
        legend=(gettext("expected"), gettext("result")),
        max_value=10,
        table=table,
    )


def dynamics_chart(dynamics, *, table=True):
    rows = []
    for group in getattr(dynamics, "by_parameter", None) or []:
        if not group.count:  # entry values only so far: nothing to compare
            continue
        parameter = group.parameter
        if parameter.unit == "%":
            label = f"{parameter}, %"
        else:
            low, high = parameter.scale_min.normalize(), parameter.scale_max.normalize()
            label = f"{parameter} ({low:f}–{high:f})"
        rows.append(
            charts.Pair(
                label,
                group.mean_entry,
                group.mean_exit,
                higher_is_better=parameter.direction == parameter.Direction.HIGHER,
                max_value=parameter.scale_max,
            )
        )
    return charts.paired_chart(
        gettext("Entry and exit, mean per parameter (each bar on its own scale)"),
        rows,
        legend=(gettext("entry"), gettext("exit")),
        table=table,
    )


def indicators_chart(rows, *, title=None, table=True):
    return charts.target_chart(
        title or gettext("Indicators: actual and target"),
        [
            charts.Target(
                f"{row.indicator.number} {row.indicator.name}".strip(),
                row.actual,
                row.target,
                "" if row.indicator.unit != "%" else "%",
                reached=row.reached,
            )
            for row in rows or []
        ],
        table=table,
    )


def indicator_sections(rows) -> list[dict]:
    """The programme's own indicators by task, each task in its own order, then
    the ones the portal computes (П.1–П.8) in theirs: two numberings never
    interleave, whatever their `order`. {"title", "rows", "computed"} each."""
    sections: dict[str, dict] = {}
    for row in rows or []:
        if row.is_computed:
            continue
        title = row.indicator.group or gettext("Indicators of the programme")
        sections.setdefault(title, {"title": title, "rows": [], "computed": False})
        sections[title]["rows"].append(row)
    computed = [row for row in rows or [] if row.is_computed]
    result = list(sections.values())
    if computed:
        result.append(
            {
                "title": gettext("Indicators computed by the portal"),
                "rows": computed,
                "computed": True,
            }
        )
    return result


def default_school_year(programme) -> SchoolYear:
    """The school year a report of the programme opens on: the latest with
    results — exit values, a questionnaire closed, a SWOT or an actual typed for
    an indicator — else the current one. Entry values or a campaign still open
    alone are not results: a report of them prints only zeros and dashes."""
    today = timezone.localdate()
    year = OuterRef("pk")
    latest = (
        SchoolYear.objects.filter(
            Exists(
                Measurement.objects.filter(
                    school_year=year,
                    pair__programme=programme,
                    moment=Measurement.Moment.EXIT,
                )
            )
            | Exists(
                Campaign.objects.filter(
                    school_year=year, programme=programme, closes_on__lt=today
                )
            )
            | Exists(Swot.objects.filter(school_year=year, programme=programme))
            | Exists(
                IndicatorValue.objects.filter(
                    school_year=year,
                    indicator__programme=programme,
                    actual__isnull=False,
                )
            )
        )
        .order_by("-starts_on")
        .first()
    )
    return latest or SchoolYear.for_date(today)


# --- the exporter -------------------------------------------------------------------


class ProgrammeExporter(Exporter):
    """An exporter of one programme of the user's organisation (`?programme=`)."""

    def programme(self) -> Programme | None:
        if not hasattr(self, "_programme"):
            pk = self.params.get("programme", "")
            self._programme = (
                Programme.objects.for_organisation(self.request.access.organisation)
                .select_related("organisation")
                .filter(pk=pk)
                .first()
                if pk.isdigit()
                else None
            )
        return self._programme


VARIANTS_PER_TABLE = 6  # role variant columns that fit an A4 landscape page


def variant_tables(dynamics) -> list[dict]:
    """Table 2.1 for print: a row per parameter (long names wrap in a wide first
    column), a column per role variant (best first), in tables of at most
    `VARIANTS_PER_TABLE` columns, so no word is ever cut to fit."""
    if dynamics is None:
        return []
    parameters, rows = dynamics.role_variant_matrix()
    tables = []
    for start in range(0, len(rows), VARIANTS_PER_TABLE):
        chunk = rows[start : start + VARIANTS_PER_TABLE]
        tables.append(
            {
                "variants": [row["variant"] for row in chunk],
                "rows": [
                    {
                        "parameter": parameter,
                        "cells": [row["groups"][index] for row in chunk],
                    }
                    for index, parameter in enumerate(parameters)
                ],
                "totals": chunk,
            }
        )
    return tables


def _file_part(text: str) -> str:
    """Text fit for a file name: «2025/2026» → «2025-2026»."""
    for char in '/\\:*?"<>|':
        text = text.replace(char, "-")
    return " ".join(text.split())


@register
class MonitoringReportExporter(ProgrammeExporter):
    """`?programme=<pk>&year=<school year pk>` (by default the latest year with
    results, `default_school_year`): for the head, deputy and curator; another
    organisation's programme is 404."""

    identifier = "monitoring-report"
    verbose_name = _("Final analytical report on the mentoring programme")
    formats = (PDF, XLSX)
    template_name = "monitoring/print_report.html"

    def allowed(self) -> bool:
        access = self.request.access
        if not access.is_manager or access.organisation is None:
            return False
        if self.programme() is None or self.school_year() is None:
            raise Http404
        return True

    def school_year(self) -> SchoolYear | None:
        if not hasattr(self, "_year"):
            pk = self.params.get("year", "")
            if not pk:
                programme = self.programme()
                self._year = programme and default_school_year(programme)
            else:
                self._year = (
                    SchoolYear.objects.filter(pk=pk).first() if pk.isdigit() else None
                )
        return self._year

    def filename(self) -> str:
        name = gettext("Final report %(year)s %(programme)s") % {
            "year": self.school_year().title,
            "programme": self.programme().title,
        }
        return _file_part(name)[:120]

    def data(self) -> MonitoringData:
        if not hasattr(self, "_data"):
            self._data = monitoring_data(
                self.programme(),
                self.school_year(),
                hide_tier=hides_social_risk(self.request),
            )
            by_campaign = stats.campaigns_question_stats(self._data.campaigns)
            self._data.campaign_stats = [
                (campaign, self._data.rates.get(campaign.pk), by_campaign[campaign.pk])
                for campaign in self._data.campaigns
            ]
        return self._data

    def context(self) -> dict:
        data = self.data()
        programme = data.programme
        campaign_stats = [
            {
                "campaign": campaign,
                "rate": rate,
                "withheld": data.withheld.get(campaign.pk, ""),
                "scale": [
                    (s, _number(s.mean))
                    for s in qstats
                    if s.question.kind == Question.Kind.SCALE
                ],
                "choices": [
                    s
                    for s in qstats
                    if s.question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
                ],
                "texts": [
                    s
                    for s in qstats
                    if s.question.kind == Question.Kind.TEXT and s.texts
                ],
            }
            for campaign, rate, qstats in data.campaign_stats
        ]
        sections = indicator_sections(data.indicators)
        for section in sections:
            section["values"] = [
                (
                    row,
                    _number(row.baseline),
                    _number(row.target),
                    _number(row.actual),
                )
                for row in section["rows"]
            ]
        dynamics = data.dynamics
        return {
            "exporter": self,
            "data": data,
            "programme": programme,
            "organisation": programme.organisation,
            "school_year": data.school_year,
            "today": timezone.localdate(),
            "curators": list(programme.curators.all()),
            "campaign_stats": campaign_stats,
            "gap_rows": [
                {
                    "gap": gap,
                    "role": role_label(gap.role),
                    "expected": _number(gap.expected),
                    "result": _number(gap.result),
                    "difference": _number(gap.gap),
                }
                for gap in data.gaps
            ],
            "parameter_rows": [
                (group, _number(group.mean_entry), _number(group.mean_exit))
                for group in (dynamics.by_parameter if dynamics else [])
            ],
            "missing_entry": [
                (change, _number(change.exit))
                for change in (dynamics.missing_entry if dynamics else [])
            ],
            "variant_tables": variant_tables(dynamics),
            "own_sections": [sec for sec in sections if not sec["computed"]],
            "computed_section": next(
                (sec for sec in sections if sec["computed"]), None
            ),
            "own_indicators_chart": indicators_chart(
                [r for sec in sections if not sec["computed"] for r in sec["rows"]],
                title=gettext("Indicators of the programme: actual and target"),
                table=False,
            ),
            "computed_indicators_chart": indicators_chart(
                [r for sec in sections if sec["computed"] for r in sec["rows"]],
                title=gettext("Indicators computed by the portal: actual and target"),
                table=False,
            ),
            "rate_chart": rate_chart(data, table=False),
            "gaps_chart": gaps_chart(data.gaps, table=False),
            "dynamics_chart": dynamics_chart(dynamics, table=False),
        }

    def render(self, fmt: str) -> bytes:
        if fmt == XLSX:
            return render_workbook(self.sheets())
        return super().render(fmt)

    def sheets(self) -> list[tuple[str, list[list]]]:
        """One table a sheet, every label in Russian."""
        sheets = [
            (gettext("Campaigns"), list(self.campaign_rows())),
            (gettext("Questions"), list(self.question_rows())),
            (gettext("Expectations and results"), list(self.gap_rows())),
            ("SWOT", list(self.swot_rows())),
            (gettext("Entry-exit"), list(self.dynamics_rows())),
            (gettext("Indicators"), list(self.indicator_rows())),
        ]
        return sheets

    def campaign_rows(self):
        yield [
            gettext("Campaign"),
            gettext("Opens on"),
            gettext("Closes on"),
            gettext("Invited"),
            gettext("Answered"),
            gettext("Response rate, %"),
            gettext("Answers shown"),
        ]
        for campaign, rate, _qstats in self.data().campaign_stats:
            yield [
                campaign.title,
                campaign.opens_on,
                campaign.closes_on,
                rate.invited if rate else 0,
                rate.answered if rate else 0,
                rate.percent if rate else None,
                self.data().withheld.get(campaign.pk) or gettext("yes"),
            ]

    def question_rows(self):
        yield [
            gettext("Campaign"),
            gettext("Question"),
            gettext("Type"),
            gettext("Answers"),
            gettext("Mean"),
            gettext("Scale up to"),
            gettext("Answer or option"),
            gettext("Count"),
        ]
        for campaign, _rate, qstats in self.data().campaign_stats:
            for stat in qstats:
                question = stat.question
                head = [campaign.title, question.text, question.get_kind_display()]
                yield [
                    *head,
                    stat.answers,
                    _float(stat.mean),
                    question.scale_max,
                    None,
                    None,
                ]
                if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                    for option, number in stat.counts.items():
                        yield [*head, None, None, None, option, number]
                for text in stat.texts:
                    yield [*head, None, None, None, text, None]

    def gap_rows(self):
        yield [
            gettext("Question"),
            gettext("Role"),
            gettext("Expected"),
            gettext("Result"),
            gettext("Scale up to"),
            gettext("Gap (10-point scale)"),
            gettext("Entry campaign"),
            gettext("Exit campaign"),
        ]
        for gap in self.data().gaps:
            yield [
                gap.question_text,
                role_label(gap.role),
                _float(gap.expected),
                _float(gap.result),
                gap.scale_max,
                _float(gap.gap),
                gap.entry_campaign.title,
                gap.exit_campaign.title,
            ]

    def swot_rows(self):
        yield [
            gettext("Quadrant"),
            gettext("No."),
            gettext("Point"),
            gettext("Evidence"),
        ]
        for _code, label, points in self.data().quadrants:
            for number, point in enumerate(points, start=1):
                yield [capfirst(str(label)), number, point.text, point.evidence_label]
        swot = self.data().swot
        if swot is not None and swot.conclusion:
            yield [gettext("Conclusions"), None, swot.conclusion, None]

    def dynamics_rows(self):
        yield [
            gettext("Grouping"),
            gettext("Group"),
            gettext("Parameter"),
            gettext("Participants"),
            gettext("Mean at entry"),
            gettext("Mean at exit"),
            gettext("Improved"),
            gettext("Worse"),
            gettext("Improved, %"),
        ]
        dynamics = self.data().dynamics
        if dynamics is None:
            return
        for grouping, groups in (
            (gettext("programme"), dynamics.by_parameter),
            (gettext("role variant"), dynamics.by_role_variant),
            (gettext("form"), dynamics.by_form),
        ):
            for group in groups:
                yield [
                    grouping,
                    group.label,
                    str(group.parameter),
                    group.count,
                    _float(group.mean_entry),
                    _float(group.mean_exit),
                    group.improved,
                    group.worse,
                    group.share_improved,
                ]
        for change in dynamics.missing_entry:
            yield [
                gettext("exit without entry"),
                str(change.pair),
                str(change.parameter),
                None,
                None,
                _float(change.exit),
                None,
                None,
                None,
            ]

    def indicator_rows(self):
        yield [
            gettext("Task"),
            gettext("No."),
            gettext("Indicator"),
            gettext("Unit"),
            gettext("Baseline"),
            gettext("Target"),
            gettext("Actual"),
            gettext("Computed by the portal"),
            gettext("Reached"),
        ]
        for section in indicator_sections(self.data().indicators):
            for row in section["rows"]:
                yield [
                    section["title"],
                    row.indicator.number,
                    row.indicator.name,
                    row.indicator.unit,
                    _float(row.baseline),
                    _float(row.target),
                    _float(row.actual),
                    gettext("yes") if row.is_computed else gettext("no"),
                    {True: gettext("yes"), False: gettext("no")}.get(row.reached, ""),
                ]


def _number(value) -> str:
    """A figure for print: «12», «8,83», «84,6» — never «12,00»; «—» for none."""
    return num(value, 2)


def _float(value):
    """A Decimal for a spreadsheet: 12.00 → 12 (a whole number stays whole)."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


@register
class MeasurementValuesExporter(ProgrammeExporter):
    """Entry and exit values of a programme (`?programme=<pk>`) in the layout of the
    import («ФИО», «ID пары», «Пара», «Параметр», «Момент», «Значение», «Дата»), so
    the file imports back unchanged. For those who record the values (head,
    deputy, curator, psychologist); without the social-risk pairs for whoever may
    not see them."""

    identifier = "measurements"
    verbose_name = _("Entry and exit values")

    def allowed(self) -> bool:
        access = self.request.access
        if access.organisation is None or not (
            access.is_manager or access.has(Role.PSYCHOLOGIST)
        ):
            return False
        if self.programme() is None:
            raise Http404
        return True

    def filename(self) -> str:
        return f"{self.verbose_name} {self.programme().title}"[:120]

    def rows(self):
        yield list(measurement_importing.HEADERS)
        pairs = without_tier(
            self.request, Pair.objects.filter(programme=self.programme())
        )
        log_pairs_read(self.request, pairs, gettext("Entry and exit values (export)"))
        values = (
            Measurement.objects.filter(pair__in=pairs)
            .select_related(
                "participant",
                "parameter",
                "pair__form",
                "pair__role_variant",
                "pair__mentor__participant",
            )
            .prefetch_related(mentees_prefetch("pair__memberships"))
            .order_by(
                "pair_id", "participant__search_text", "parameter__order", "moment"
            )
        )
        for value in values.iterator(chunk_size=2000):
            yield [
                value.participant.full_name,
                value.pair_id,
                str(value.pair),
                value.parameter.name,
                measurement_importing.MOMENT_LABELS.get(value.moment, value.moment),
                float(value.value),
                value.measured_on,
            ]
