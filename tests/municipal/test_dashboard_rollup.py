"""The figures of the coordinator's dashboard (municipal/rollup.py)."""

from datetime import date, timedelta

import pytest

from mentoring.models import MentoringForm, SchoolYear
from municipal.rollup import masked, organisation_rows
from pairs.models import Pair
from people.models import Participant
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date.today()


def year():
    return SchoolYear.for_date(TODAY)


def social_risk_pair(programme):
    form = MentoringForm.objects.get(is_social_risk=True)
    pair = f.PairFactory(
        programme=programme, form=form, role_variant=form.role_variants.first()
    )
    f.PairMenteeFactory(pair=pair)
    return pair


def test_masked_hides_one_to_four_only():
    assert masked(0) == 0
    assert [masked(n) for n in range(1, 5)] == ["менее 5"] * 4
    assert masked(5) == 5
    assert masked(17) == 17


def test_pupils_involved_and_share(organisation, programme):
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair)
    f.ParticipantFactory.create_batch(3, organisation=organisation)
    f.ParticipantFactory(
        organisation=organisation, left_on=year().starts_on - timedelta(days=1)
    )
    (row,) = organisation_rows(organisation.municipality, year())
    assert row.pupils == 4
    assert row.pupils_involved == 1
    assert str(row.pupils_share) == "25.0"
    assert row.pupils_target_reached is False
    # the mentor (a teacher) is involved
    assert row.teachers == 1
    assert row.teachers_involved == 1
    assert row.pairs == 1


def test_computed_actuals_equal_the_monitoring_values(organisation, programme):
    """The roll-up's grouped computation gives what the monitoring page shows."""
    from monitoring.indicators import computed_value
    from monitoring.models import Computed
    from municipal.rollup import computed_actuals
    from pairs.models import Feedback

    young = f.MentorFactory(
        participant__organisation=organisation, participant__experience_years=2
    )
    pairs = []
    for _n in range(3):
        pair = f.PairFactory(programme=programme)
        f.PairMenteeFactory(pair=pair)
        pairs.append(pair)
    teacher_pair = f.PairFactory(
        programme=programme,
        form=MentoringForm.objects.get(code="teacher-teacher"),
        role_variant=MentoringForm.objects.get(
            code="teacher-teacher"
        ).role_variants.first(),
        co_mentor=young,
    )
    f.PairMenteeFactory(
        pair=teacher_pair,
        mentee__participant__kind=Participant.Kind.TEACHER,
        mentee__participant__experience_years=1,
    )
    done = pairs[0]
    done.status, done.ended_on = Pair.Status.COMPLETED, TODAY - timedelta(days=1)
    done.save()
    stopped = pairs[1]
    stopped.status = Pair.Status.TERMINATED
    stopped.ended_on = TODAY - timedelta(days=1)
    stopped.termination_reason = "Переезд"
    stopped.save()
    meeting = f.MeetingFactory(pair=pairs[2], held_on=TODAY - timedelta(days=1))
    f.MeetingFactory(pair=pairs[2], held_on=TODAY - timedelta(days=9))
    Feedback.objects.create(
        pair=pairs[2],
        meeting=meeting,
        author=f.UserFactory(),
        role=Feedback.Role.MENTEE,
        rating=4,
    )
    f.ParticipantFactory.create_batch(2, organisation=organisation)
    other = f.ProgrammeFactory(organisation=organisation)  # nothing in it

    wanted = {key: {programme.pk, other.pk} for key in Computed.values}
    actuals = computed_actuals(wanted, year())
    for key in Computed.values:
        for each in (programme, other):
            assert actuals[(key, each.pk)] == computed_value(each, year(), key), key
