"""Issue 17, stage 2 at the size of a district: the monitoring page and the report
count the groups in the database (`programme_summary`) instead of building a
`Change` per participant. The figures must be those of `programme_dynamics` (the
page of the dynamics in detail), and the queries must not grow with the pairs."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mentoring.models import MentoringForm, RoleVariant, SchoolYear
from monitoring.dynamics import programme_dynamics, programme_summary
from monitoring.models import Measurement, Parameter
from tests import factories as f
from tests.test_query_scaling import assert_flat, export_url

ENTRY, EXIT = Measurement.Moment.ENTRY, Measurement.Moment.EXIT
# (form, role variant) of the pairs, in turn: two variants of a form, two forms
# with a variant of the same name, and the social-risk tier.
VARIANTS = [
    ("pupil-pupil", "pp-achiever"),
    ("pupil-pupil", "pp-peer"),
    ("teacher-pupil", "tp-professional"),
    ("employer-pupil", "ep-professional"),
    ("social-risk", "sr-social-pedagogue"),
]


class World:
    """Pairs of the programme, each with: a mentee's engagement (higher is
    better) that rises, stays or falls by a fraction, the mentor's anxiety (lower
    is better), an exit value without an entry (every other pair), an entry
    value without an exit yet; some changes of last year, some that began last
    spring and end this year."""

    def __init__(self, programme):
        self.programme = programme
        self.year = SchoolYear.for_date(date.today())
        self.this_autumn = self.year.starts_on + timedelta(days=20)
        self.last_spring = self.year.starts_on - timedelta(days=120)
        self.last_autumn = self.year.starts_on - timedelta(days=300)
        self.parameters = {p.code: p for p in Parameter.objects.all()}
        self.done = 0

    def grow(self, size: int) -> None:
        for index in range(self.done, self.done + size):
            self.unit(index)
        self.done += size

    def measure(self, pair, participant, code, moment, value, on):
        f.MeasurementFactory(
            pair=pair,
            participant=participant,
            parameter=self.parameters[code],
            moment=moment,
            value=Decimal(value),
            measured_on=on,
        )

    def unit(self, index: int) -> None:
        form, variant = VARIANTS[index % len(VARIANTS)]
        pair = f.PairFactory(
            programme=self.programme,
            form=MentoringForm.objects.get(code=form),
            role_variant=RoleVariant.objects.get(code=variant),
        )
        mentee = f.PairMenteeFactory(pair=pair).mentee.participant
        mentor = pair.mentor.participant
        entry_on, exit_on = {
            0: (self.last_spring, self.this_autumn),  # the change is this year's
            1: (self.last_autumn, self.last_spring),  # last year's
        }.get(index % 4, (self.this_autumn, self.this_autumn))
        entry = Decimal("3.25") + Decimal(index % 7) / 4
        step = Decimal(index % 3 - 1) * Decimal("1.35")
        self.measure(pair, mentee, "engagement", ENTRY, entry, entry_on)
        self.measure(pair, mentee, "engagement", EXIT, entry + step, exit_on)
        self.measure(pair, mentor, "anxiety", ENTRY, 7, entry_on)
        self.measure(pair, mentor, "anxiety", EXIT, 7 - index % 3, exit_on)
        if index % 2 == 0:
            self.measure(pair, mentee, "grades", EXIT, 4, exit_on)
        self.measure(pair, mentee, "attendance", ENTRY, 80 + index % 9, entry_on)


def figures(groups) -> list[tuple]:
    return [
        (
            group.label,
            group.parameter,
            group.subject,
            group.count,
            group.improved,
            group.worse,
            group.mean_entry,
            group.mean_exit,
        )
        for group in groups
    ]


def matrix(dynamics) -> tuple:
    parameters, rows = dynamics.role_variant_matrix()
    return parameters, [
        (row["variant"], row["count"], row["improved"], row["share"]) for row in rows
    ]


def missing(changes) -> list[tuple]:
    return [
        (c.pair, c.participant, c.parameter, c.exit, c.exit_on, c.status)
        for c in changes
    ]


@pytest.mark.parametrize("hide_tier", [False, True])
def test_summary_has_the_figures_of_the_dynamics_in_detail(programme, hide_tier):
    world = World(programme)
    world.grow(24)
    last_year = SchoolYear.for_date(world.last_autumn)
    for year in (None, world.year, last_year):
        full = programme_dynamics(programme, year, hide_tier=hide_tier)
        summary = programme_summary(programme, year, hide_tier=hide_tier)
        assert figures(summary.by_parameter) == figures(full.by_parameter)
        assert figures(summary.by_role_variant) == figures(full.by_role_variant)
        assert figures(summary.by_form) == figures(full.by_form)
        assert matrix(summary) == matrix(full)
        assert summary.missing_entry_count == len(full.missing_entry)
        assert missing(summary.missing_entry) == missing(full.missing_entry)
    # the world has what the comparison is about
    summary = programme_summary(programme, world.year, hide_tier=hide_tier)
    engagement = summary.by_parameter[0]
    assert engagement.parameter.code == "engagement"
    assert engagement.improved and engagement.worse and engagement.same
    assert summary.missing_entry_count > 0
    forms = {group.subject.code for group in summary.by_form}
    assert ("social-risk" in forms) is not hide_tier


@pytest.mark.parametrize("size", [5, 50])
def test_summary_is_one_query_and_the_list_of_missing_entries_two_more(
    programme, size, django_assert_num_queries
):
    World(programme).grow(size)
    with django_assert_num_queries(1):
        summary = programme_summary(programme)
    with django_assert_num_queries(2):  # the values, the mentees of their pairs
        listed = summary.missing_entry
        [str(change.pair) for change in listed]
    assert len(listed) == summary.missing_entry_count == (size + 1) // 2


# Queries of each page at 50 pairs (and at 5): a query more fails the test.
BUDGETS = {
    "monitoring:programme": 12,
    "export:monitoring-report.pdf": 14,
    "export:monitoring-report.xlsx": 13,
}


def test_monitoring_page_and_report_do_not_query_per_pair(
    client, curator, programme, django_assert_max_num_queries
):
    world = World(programme)
    client.force_login(curator)
    year = world.year.pk
    urls = {
        "monitoring:programme": reverse("monitoring:programme", args=[programme.pk])
        + f"?year={year}",
        "export:monitoring-report.pdf": export_url(
            "monitoring-report", "pdf", programme=programme.pk, year=year
        ),
        "export:monitoring-report.xlsx": export_url(
            "monitoring-report", programme=programme.pk, year=year
        ),
    }
    assert_flat(client, urls, world.grow, BUDGETS, django_assert_max_num_queries)

    # The figures of the 50 pairs are there: the changes of this year (all but
    # those of pairs 1, 5, 9 …), the exit values without an entry value (of every
    # other pair).
    this_year = sum(1 for index in range(50) if index % 4 != 1)
    page = client.get(urls["monitoring:programme"]).content.decode()
    assert "25 значений на выходе без значения на входе" in page
    response = client.get(urls["export:monitoring-report.xlsx"])
    sheet = load_workbook(io.BytesIO(response.content))["Вход-выход"]
    rows = list(sheet.iter_rows(values_only=True))
    overall = {row[2]: row[3] for row in rows if row[0] == "программа"}
    assert overall[str(world.parameters["engagement"])] == this_year
    assert sum(1 for row in rows if row[0] == "выход без входа") == 25
