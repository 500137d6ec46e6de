"""Computed indicators on known data, reached, templates, fill from a template and
the values grid service."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from mentoring.models import MenteeCategory, SchoolYear
from monitoring.indicator_services import (
    ValueInput,
    indicator_values_save,
    indicators_from_template,
)
from monitoring.indicators import (
    NATIONAL_PUPILS_TARGET,
    IndicatorRow,
    computed_value,
    indicator_rows,
    pairs_per_form,
)
from monitoring.models import (
    Computed,
    Indicator,
    IndicatorTemplate,
    IndicatorTemplateItem,
    IndicatorValue,
    Unit,
)
from pairs.models import Feedback, Pair
from people.models import Participant
from tests import factories as f

IN_YEAR = date(2025, 10, 1)


@pytest.fixture
def year(db):
    return SchoolYear.for_date(IN_YEAR)


@pytest.fixture
def templates(db):
    call_command("loaddata", "indicator_templates", verbosity=0)


def pair_with(programme, *mentees, start_on=IN_YEAR, **kwargs):
    if kwargs.get("status") == Pair.Status.TERMINATED:
        kwargs.setdefault("termination_reason", "Переезд наставляемого")
    pair = f.PairFactory(programme=programme, start_on=start_on, **kwargs)
    for mentee in mentees:
        f.PairMenteeFactory(pair=pair, mentee=mentee, joined_on=start_on)
    return pair


def pupil(organisation, **kwargs):
    return f.ParticipantFactory(organisation=organisation, **kwargs)


def mentee_of(participant):
    return f.MenteeFactory(participant=participant)


def value(programme, year, key):
    return computed_value(programme, year, key)


# --- pupils_share -------------------------------------------------------------


def test_pupils_share_counts_mentees_among_all_pupils(programme, year):
    org = programme.organisation
    pupils = [pupil(org) for _ in range(7)]
    pupil(org, kind=Participant.Kind.STUDENT)  # counted in the denominator
    pupil(org, left_on=date(2025, 6, 1))  # left before the year: not counted
    pupil(f.OrganisationFactory())  # another organisation
    pair_with(programme, *[mentee_of(p) for p in pupils[:6]])
    # a pair of the previous year that ended before this one
    old = pair_with(
        programme,
        mentee_of(pupils[6]),
        start_on=date(2024, 10, 1),
        status=Pair.Status.COMPLETED,
        ended_on=date(2025, 5, 20),
    )
    assert old.ended_on < year.starts_on
    share = value(programme, year, Computed.PUPILS_SHARE)
    assert share == Decimal("75.0")  # 6 of 8
    assert share >= NATIONAL_PUPILS_TARGET
    row = IndicatorRow(
        indicator=Indicator(computed=Computed.PUPILS_SHARE),
        baseline=None,
        target=NATIONAL_PUPILS_TARGET,
        actual=share,
        is_computed=True,
    )
    assert row.reached is True


def test_pupils_share_below_national_target(programme, year):
    org = programme.organisation
    pupils = [pupil(org) for _ in range(3)]
    pair_with(programme, mentee_of(pupils[0]), mentee_of(pupils[1]))
    share = value(programme, year, Computed.PUPILS_SHARE)
    assert share == Decimal("66.7")
    assert share < NATIONAL_PUPILS_TARGET


def test_pupils_share_without_pupils_is_none(programme, year):
    assert value(programme, year, Computed.PUPILS_SHARE) is None


def test_pupils_share_ignores_membership_that_ended_before_the_year(programme, year):
    org = programme.organisation
    child = pupil(org)
    pair = pair_with(programme, start_on=date(2024, 10, 1))
    f.PairMenteeFactory(
        pair=pair,
        mentee=mentee_of(child),
        joined_on=date(2024, 10, 1),
        left_on=date(2025, 3, 1),
    )
    assert value(programme, year, Computed.PUPILS_SHARE) == Decimal("0.0")


# --- young_teachers_share -----------------------------------------------------


def test_young_teachers_share(programme, year):
    org = programme.organisation
    teacher = Participant.Kind.TEACHER
    young_a = pupil(org, kind=teacher, experience_years=1)
    pupil(org, kind=teacher, experience_years=2)  # young, no mentor
    by_category = pupil(org, kind=teacher, experience_years=None)
    pupil(org, kind=teacher, experience_years=10)  # not young
    category = MenteeCategory.objects.get(code="young-specialist")
    mentee_b = mentee_of(by_category)
    mentee_b.categories.add(category)
    pair_with(programme, mentee_of(young_a), mentee_b)
    # 2 of 3 young teachers have a mentor
    assert value(programme, year, Computed.YOUNG_TEACHERS_SHARE) == Decimal("66.7")


def test_young_teachers_share_without_young_teachers_is_none(programme, year):
    pupil(programme.organisation, kind=Participant.Kind.TEACHER, experience_years=9)
    assert value(programme, year, Computed.YOUNG_TEACHERS_SHARE) is None


# --- pairs, completed, terminated ---------------------------------------------


def test_pairs_completed_and_terminated(programme, year):
    pair_with(programme)
    pair_with(programme, start_on=date(2026, 2, 1))
    pair_with(programme, start_on=date(2026, 9, 1))  # next year
    pair_with(
        programme,
        start_on=date(2024, 9, 10),
        status=Pair.Status.COMPLETED,
        ended_on=date(2025, 12, 1),
    )
    pair_with(
        programme,
        start_on=date(2025, 9, 10),
        status=Pair.Status.COMPLETED,
        ended_on=date(2026, 5, 1),
    )
    pair_with(
        programme,
        start_on=date(2025, 9, 10),
        status=Pair.Status.TERMINATED,
        ended_on=date(2026, 1, 1),
    )
    pair_with(
        programme,
        start_on=date(2024, 9, 10),
        status=Pair.Status.TERMINATED,
        ended_on=date(2025, 1, 1),  # closed in the previous year
    )
    assert value(programme, year, Computed.PAIRS) == 4
    assert value(programme, year, Computed.COMPLETED_SHARE) == Decimal("66.7")
    assert value(programme, year, Computed.TERMINATED_SHARE) == Decimal("33.3")


def test_shares_without_closed_pairs_are_none(programme, year):
    pair_with(programme)
    assert value(programme, year, Computed.PAIRS) == 1
    assert value(programme, year, Computed.COMPLETED_SHARE) is None
    assert value(programme, year, Computed.TERMINATED_SHARE) is None


def test_no_pairs_is_zero_not_none(programme, year):
    assert value(programme, year, Computed.PAIRS) == 0
    assert value(programme, year, Computed.MENTORS) == 0


# --- satisfaction, meetings, mentors -----------------------------------------


def test_satisfaction_is_the_mean_of_participants_ratings(programme, year):
    pair = pair_with(programme)
    meeting = f.MeetingFactory(pair=pair, held_on=date(2025, 10, 5))
    old = f.MeetingFactory(pair=pair, held_on=date(2025, 5, 5))
    for rating, role, on in [
        (5, Feedback.Role.MENTEE, meeting),
        (4, Feedback.Role.MENTOR, meeting),
        (4, Feedback.Role.MENTEE, meeting),
        (1, Feedback.Role.CURATOR, meeting),  # not a participant
        (1, Feedback.Role.MENTEE, old),  # previous year
    ]:
        Feedback.objects.create(
            pair=pair, meeting=on, author=f.UserFactory(), role=role, rating=rating
        )
    assert value(programme, year, Computed.SATISFACTION) == Decimal("4.3")


def test_satisfaction_without_feedback_is_none(programme, year):
    pair_with(programme)
    assert value(programme, year, Computed.SATISFACTION) is None


def test_meetings_per_pair_and_mentors(programme, year):
    first, second = pair_with(programme), pair_with(programme)
    second.co_mentor = first.mentor
    second.save()
    for day in (date(2025, 10, 2), date(2025, 11, 2), date(2026, 3, 2)):
        f.MeetingFactory(pair=first, held_on=day)
    f.MeetingFactory(pair=second, held_on=date(2025, 10, 3))
    f.MeetingFactory(pair=second, held_on=date(2026, 9, 3))  # next year
    assert value(programme, year, Computed.MEETINGS_PER_PAIR) == Decimal("2.0")
    assert value(programme, year, Computed.MENTORS) == 2


def test_meetings_per_pair_without_pairs_is_none(programme, year):
    assert value(programme, year, Computed.MEETINGS_PER_PAIR) is None


def test_unknown_key_is_refused(programme, year):
    with pytest.raises(ValueError):
        value(programme, year, "nonsense")


# --- reached and rows ---------------------------------------------------------


@pytest.mark.parametrize(
    ("computed", "actual", "target", "reached"),
    [
        ("", Decimal(5), Decimal(5), True),
        ("", Decimal(4), Decimal(5), False),
        ("", None, Decimal(5), None),
        ("", Decimal(4), None, None),
        (Computed.TERMINATED_SHARE, Decimal(10), Decimal(15), True),
        (Computed.TERMINATED_SHARE, Decimal(20), Decimal(15), False),
    ],
)
def test_reached(computed, actual, target, reached):
    row = IndicatorRow(
        indicator=Indicator(computed=computed),
        baseline=None,
        target=target,
        actual=actual,
        is_computed=bool(computed),
    )
    assert row.reached is reached


def test_indicator_rows_use_typed_and_computed_values(programme, year):
    typed = Indicator.objects.create(
        programme=programme, number="1.1", order=1, name="Договоры", unit=Unit.PIECES
    )
    computed = Indicator.objects.create(
        programme=programme,
        number="П.3",
        order=2,
        name="Пары",
        unit=Unit.PIECES,
        computed=Computed.PAIRS,
    )
    IndicatorValue.objects.create(
        indicator=typed, school_year=year, baseline=1, target=3, actual=4
    )
    IndicatorValue.objects.create(
        indicator=computed,
        school_year=year,
        target=2,
        actual=99,  # ignored
    )
    pair_with(programme)
    rows = indicator_rows(programme, year)
    assert [row.indicator for row in rows] == [typed, computed]
    assert (rows[0].actual, rows[0].reached, rows[0].is_computed) == (4, True, False)
    assert (rows[1].actual, rows[1].reached, rows[1].is_computed) == (1, False, True)


def test_pairs_per_form_includes_zeros(programme, year):
    pair_with(programme)  # teacher-pupil
    pair_with(programme)
    pair_with(programme, start_on=date(2024, 10, 1))  # another year
    counts = {form.code: count for form, count in pairs_per_form(programme, year)}
    assert counts == {"pupil-pupil": 0, "teacher-teacher": 0, "teacher-pupil": 2}


# --- templates ----------------------------------------------------------------


def test_templates_load_once(templates):
    seed = IndicatorTemplate.objects.get(code="seed-004")
    assert seed.items.count() == 19
    numbers = list(seed.items.values_list("number", flat=True))
    assert numbers[0] == "1.1" and numbers[-1] == "5.3"
    assert not any(
        item.name.rstrip().endswith(("ед.", ";")) for item in seed.items.all()
    )
    portal = IndicatorTemplate.objects.get(code="portal-computed")
    assert set(portal.items.values_list("computed", flat=True)) == set(Computed.values)
    assert portal.items.get(computed=Computed.PUPILS_SHARE).target == 70
    before = IndicatorTemplateItem.objects.count()
    call_command("loaddata", "indicator_templates", verbosity=0)
    assert IndicatorTemplateItem.objects.count() == before
    assert IndicatorTemplate.objects.filter(code__startswith="seed-004").count() == 2


def test_fill_from_template_skips_existing_numbers(templates, programme, year):
    Indicator.objects.create(
        programme=programme, number="1.2", order=5, name="Своё", unit=Unit.PIECES
    )
    seed = IndicatorTemplate.objects.get(code="seed-004")
    created = indicators_from_template(
        programme=programme, template=seed, school_year=year
    )
    assert len(created) == 18
    assert programme.indicators.get(number="1.2").name == "Своё"
    with pytest.raises(ValidationError):
        indicators_from_template(programme=programme, template=seed, school_year=year)
    assert programme.indicators.count() == 19


def test_fill_from_template_sets_targets_of_the_year(templates, programme, year):
    portal = IndicatorTemplate.objects.get(code="portal-computed")
    indicators_from_template(programme=programme, template=portal, school_year=year)
    pupils = programme.indicators.get(computed=Computed.PUPILS_SHARE)
    assert pupils.values.get(school_year=year).target == 70
    assert programme.indicators.get(computed=Computed.PAIRS).values.count() == 0


# --- values grid service ------------------------------------------------------


def test_values_save_all_or_nothing(programme, year):
    share = Indicator.objects.create(
        programme=programme, number="2.2", name="Доля", unit=Unit.PERCENT
    )
    count = Indicator.objects.create(
        programme=programme, number="1.1", name="Договоры", unit=Unit.PIECES
    )
    with pytest.raises(ValidationError) as error:
        indicator_values_save(
            programme=programme,
            school_year=year,
            rows=[
                ValueInput(indicator=count, baseline=Decimal(2), target=Decimal(5)),
                ValueInput(indicator=share, target=Decimal("100.5")),
            ],
        )
    assert f"{share.pk}-target" in error.value.message_dict
    assert not IndicatorValue.objects.exists()
    with pytest.raises(ValidationError):
        indicator_values_save(
            programme=programme,
            school_year=year,
            rows=[ValueInput(indicator=count, actual=Decimal(-1))],
        )
    assert not IndicatorValue.objects.exists()
    stored = indicator_values_save(
        programme=programme,
        school_year=year,
        rows=[
            ValueInput(indicator=count, baseline=Decimal(2), target=Decimal(5)),
            ValueInput(indicator=share, target=Decimal(100)),
        ],
    )
    assert stored == 2
    assert count.values.get().target == 5


def test_values_save_ignores_a_typed_actual_of_a_computed_indicator(programme, year):
    pairs = Indicator.objects.create(
        programme=programme, name="Пары", unit=Unit.PIECES, computed=Computed.PAIRS
    )
    indicator_values_save(
        programme=programme,
        school_year=year,
        rows=[ValueInput(indicator=pairs, target=Decimal(3), actual=Decimal(7))],
    )
    assert pairs.values.get().actual is None
