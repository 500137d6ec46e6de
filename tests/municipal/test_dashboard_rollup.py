"""The figures of the coordinator's dashboard (municipal/rollup.py)."""

from datetime import date, timedelta

import pytest

from mentoring.models import MenteeCategory, MentoringForm, SchoolYear
from municipal.rollup import masked, organisation_rows, totals
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
