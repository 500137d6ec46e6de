"""The municipality's indicators (municipal/indicators.py): the default list, the
roll-up rules, typed values, frozen snapshots."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mentoring.models import SchoolYear
from monitoring.indicators import computed_value
from monitoring.models import Computed, Unit
from municipal.indicators import (
    indicator_rollup,
    indicator_set_create_default,
    municipal_indicator_create,
    municipal_indicator_move,
    municipal_targets_set,
    organisation_indicator_value_set,
    rollup_snapshot_create,
)
from municipal.models import MunicipalIndicator
from pairs.models import Feedback, Pair
from people.models import Participant
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date.today()


def year():
    return SchoolYear.for_date(TODAY)


def row_of(rollup, computed="", number=""):
    for row in rollup.rows:
        if (computed and row.indicator.computed == computed) or (
            number and row.indicator.number == number
        ):
            return row
    raise AssertionError("no such row")


@pytest.fixture
def two_schools(organisation, other_organisation):
    """Our school: 4 pupils, 1 in a pair; the other: 2 pupils, both in pairs."""
    assert organisation.municipality == other_organisation.municipality
    first = f.ProgrammeFactory(organisation=organisation)
    pair = f.PairFactory(programme=first)
    f.PairMenteeFactory(pair=pair)
    f.ParticipantFactory.create_batch(3, organisation=organisation)
    second = f.ProgrammeFactory(organisation=other_organisation)
    for _ in range(2):
        pair = f.PairFactory(programme=second, mentor=first.pairs.first().mentor)
        f.PairMenteeFactory(
            pair=pair,
            mentee=f.MenteeFactory(
                participant=f.ParticipantFactory(organisation=other_organisation)
            ),
        )
    return first, second


def test_the_default_list_has_the_portal_indicators_and_reported_ones(organisation):
    created = indicator_set_create_default(municipality=organisation.municipality)
    computed = [i.computed for i in created if i.computed]
    assert sorted(computed) == sorted(Computed.values)
    assert [i.number for i in created[:8]] == [f"П.{n}" for n in range(1, 9)]
    assert any(not i.computed for i in created)
    p1 = created[0]
    assert p1.targets.get(school_year=year()).target == 70
    with pytest.raises(ValidationError):
        indicator_set_create_default(municipality=organisation.municipality)


def test_pupils_share_is_recomputed_not_averaged(two_schools, organisation):
    indicator_set_create_default(municipality=organisation.municipality)
    rollup = indicator_rollup(organisation.municipality, year())
    row = row_of(rollup, Computed.PUPILS_SHARE)
    # 1 of 4 (25 %) and 2 of 2 (100 %): the municipality is 3 of 6, not 62.5
    assert row.values == [Decimal("25.0"), Decimal("100.0")]
    assert row.value == Decimal("50.0")
    assert row.target == 70 and row.reached is False


def test_counts_are_summed_and_a_shared_mentor_counted_once(two_schools, organisation):
    indicator_set_create_default(municipality=organisation.municipality)
    rollup = indicator_rollup(organisation.municipality, year())
    pairs = row_of(rollup, Computed.PAIRS)
    assert pairs.values == [1, 2] and pairs.value == 3
    mentors = row_of(rollup, Computed.MENTORS)
    assert mentors.values == [1, 1]
    assert mentors.value == 1  # the same mentor works in both organisations


def test_an_organisation_value_equals_its_programme_monitoring_value(
    two_schools, organisation
):
    first, _second = two_schools
    pair = first.pairs.first()
    meeting = f.MeetingFactory(pair=pair)
    Feedback.objects.create(
        pair=pair, meeting=meeting, author=f.UserFactory(), role="mentee", rating=4
    )
    f.PairFactory(
        programme=first,
        status=Pair.Status.COMPLETED,
        start_on=year().starts_on,
        ended_on=TODAY,
    )
    f.ParticipantFactory(
        organisation=organisation, kind=Participant.Kind.TEACHER, experience_years=1
    )
    indicator_set_create_default(municipality=organisation.municipality)
    rollup = indicator_rollup(organisation.municipality, year())
    for key in Computed.values:
        assert row_of(rollup, key).values[0] == computed_value(first, year(), key), key


def test_a_reported_share_is_the_mean_of_those_with_a_value(
    organisation, other_organisation
):
    municipality = organisation.municipality
    share = municipal_indicator_create(
        municipality=municipality, number="М.9", name="Доля", unit=Unit.PERCENT
    )
    count = municipal_indicator_create(
        municipality=municipality, number="М.10", name="Число", unit=Unit.PEOPLE
    )
    third = f.OrganisationFactory(municipality=municipality)
    for org, value in ((organisation, 40), (other_organisation, 61)):
        organisation_indicator_value_set(
            organisation=org, indicator=share, school_year=year(), value=Decimal(value)
        )
        organisation_indicator_value_set(
            organisation=org, indicator=count, school_year=year(), value=Decimal(value)
        )
    rollup = indicator_rollup(municipality, year())
    assert row_of(rollup, number="М.9").value == Decimal("50.5")  # third left out
    assert row_of(rollup, number="М.10").value == 101
    assert row_of(rollup, number="М.10").values[-1] is None or third


def test_typed_values_are_checked(organisation):
    municipality = organisation.municipality
    count = municipal_indicator_create(
        municipality=municipality, name="Число", unit=Unit.PEOPLE
    )
    share = municipal_indicator_create(
        municipality=municipality, name="Доля", unit=Unit.PERCENT
    )
    computed = municipal_indicator_create(
        municipality=municipality,
        name="Пары",
        unit=Unit.PIECES,
        computed=Computed.PAIRS,
    )
    far = f.OrganisationFactory(municipality=f.MunicipalityFactory(name="Другой"))
    cases = [
        (organisation, count, Decimal("1.5")),
        (organisation, share, Decimal(101)),
        (organisation, count, Decimal(-1)),
        (organisation, computed, Decimal(1)),
        (far, count, Decimal(1)),
    ]
    for org, indicator, value in cases:
        with pytest.raises(ValidationError):
            organisation_indicator_value_set(
                organisation=org, indicator=indicator, school_year=year(), value=value
            )


def test_targets_and_the_order_of_the_list(organisation):
    municipality = organisation.municipality
    first = municipal_indicator_create(municipality=municipality, name="А", unit="%")
    second = municipal_indicator_create(municipality=municipality, name="Б", unit="%")
    municipal_indicator_move(indicator=second, up=True)
    assert list(MunicipalIndicator.objects.filter(municipality=municipality)) == [
        second,
        first,
    ]
    with pytest.raises(ValidationError):
        municipal_targets_set(
            municipality=municipality,
            school_year=year(),
            targets={first.pk: Decimal(120)},
        )
    municipal_targets_set(
        municipality=municipality, school_year=year(), targets={first.pk: Decimal(80)}
    )
    assert first.targets.get().target == 80
    municipal_targets_set(
        municipality=municipality, school_year=year(), targets={first.pk: None}
    )
    assert not first.targets.exists()


def test_a_snapshot_does_not_change_after_later_edits(two_schools, organisation):
    municipality = organisation.municipality
    indicator_set_create_default(municipality=municipality)
    reported = MunicipalIndicator.objects.get(municipality=municipality, number="М.1")
    organisation_indicator_value_set(
        organisation=organisation,
        indicator=reported,
        school_year=year(),
        value=Decimal(3),
    )
    snapshot = rollup_snapshot_create(
        municipality=municipality, school_year=year(), by=None
    )
    assert snapshot.title.startswith("Сводка Змеиногорского района за ")
    assert snapshot.title.endswith("\xa0г.")
    frozen = dict(snapshot.data)
    organisation_indicator_value_set(
        organisation=organisation,
        indicator=reported,
        school_year=year(),
        value=Decimal(9),
    )
    f.PairFactory(programme=two_schools[0], start_on=TODAY - timedelta(days=1))
    reported.name = "Другое"
    reported.save()
    snapshot.refresh_from_db()
    assert snapshot.data == frozen
    m1 = next(
        i for i in snapshot.data["indicators"]["indicators"] if i["number"] == "М.1"
    )
    assert m1["values"][0] == 3 and m1["name"] != "Другое"
    assert indicator_rollup(municipality, year()).rows  # the live one moved on


def test_the_rollup_runs_a_fixed_number_of_queries(
    two_schools, organisation, django_assert_max_num_queries
):
    indicator_set_create_default(municipality=organisation.municipality)
    for _ in range(5):
        f.ProgrammeFactory(organisation=f.OrganisationFactory())
    with django_assert_max_num_queries(14):
        indicator_rollup(organisation.municipality, year())
