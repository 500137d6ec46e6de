"""The computed indicators on the demo data, built for a fixed day (the demo is
deterministic for a given day). The numbers were read off the demo's pairs by hand:
e.g. the school's 2025/2026 pairs started on 22.09 (×2), 29.09, 01.10, 06.10, 13.10
(×2) and 10.11 — eight; four of them closed within the year, three completed and
one terminated."""

from datetime import date
from decimal import Decimal

import pytest

from mentoring.models import Programme, SchoolYear
from monitoring.indicators import NATIONAL_PUPILS_TARGET, computed_value
from pairs.management.commands._demo_texts import ORGANISATIONS
from pairs.management.commands.seed_demo import DemoBuilder
from pairs.models import PairMentee
from people.models import Participant

DAY = date(2026, 11, 23)


@pytest.fixture
def demo_year(db):
    DemoBuilder(DAY, lambda message: None).build()
    return SchoolYear.for_date(date(2025, 9, 1))


def programme_of(key):
    return Programme.objects.get(
        organisation__short_name=ORGANISATIONS[key]["short_name"]
    )


# key: pairs formed, completed %, terminated % among the pairs closed in 2025/2026
FIRST_YEAR = {
    "sosh1": (8, "75.0", "25.0"),
    "college": (4, "50.0", "50.0"),
    "oktyabr": (5, "66.7", "33.3"),
}


def test_demo_numbers(demo_year):
    """One demo build (≈ 20 s) for every assertion."""
    for key, (pairs, completed, terminated) in FIRST_YEAR.items():
        programme = programme_of(key)
        assert computed_value(programme, demo_year, "pairs") == pairs, key
        assert computed_value(programme, demo_year, "completed_share") == Decimal(
            completed
        ), key
        assert computed_value(programme, demo_year, "terminated_share") == Decimal(
            terminated
        ), key
    share_of_pupils_in_mentoring_against_the_national_target(demo_year)


def share_of_pupils_in_mentoring_against_the_national_target(demo_year):
    programme = programme_of("sosh1")
    organisation = programme.organisation
    pupils = Participant.objects.filter(
        organisation=organisation,
        kind__in=[Participant.Kind.PUPIL, Participant.Kind.STUDENT],
    )
    in_pairs = (
        PairMentee.objects.filter(
            pair__programme=programme,
            pair__start_on__lte=demo_year.ends_on,
            mentee__participant__in=pupils,
        )
        .values("mentee__participant")
        .distinct()
        .count()
    )
    share = computed_value(programme, demo_year, "pupils_share")
    assert share == Decimal(in_pairs * 100 / pupils.count()).quantize(Decimal("0.1"))
    assert share == Decimal("6.8")
    assert share < NATIONAL_PUPILS_TARGET  # far from the 70 % of the national project
