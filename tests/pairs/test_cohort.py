"""Cohort matching (pairs.cohort): the hard rules, the capacities, the optimum
against the greedy one-by-one result, locks, and the lot's creation."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from mentoring.models import MentoringForm, RequestArea, RoleVariant
from pairs import cohort, matching
from pairs.cohort_services import pairs_create_lot
from pairs.models import Pair
from people.models import (
    Consent,
    MenteeProfile,
    MenteeRequest,
    MentorCertificate,
    Participant,
)
from tests import factories as f

TODAY = date.today()


def form(code):
    return MentoringForm.objects.get(code=code)


def variant(code):
    return RoleVariant.objects.get(code=code)


def consent(participant):
    return Consent.objects.create(
        participant=participant,
        scope=Consent.Scope.PROCESSING,
        given_by="Иванова Мария Петровна",
        relation=Consent.Relation.MOTHER,
        given_on=TODAY - timedelta(days=30),
    )


def pupil(organisation, *, consented=True, request="", request_form=None, **kwargs):
    mentee = f.MenteeFactory(participant__organisation=organisation, **kwargs)
    if consented:
        consent(mentee.participant)
    if request:
        MenteeRequest.objects.create(
            mentee=mentee,
            area=RequestArea.objects.get(code="study"),
            text=request,
            form=request_form,
        )
    return mentee


def teacher(organisation, **kwargs):
    return f.MentorFactory(participant__organisation=organisation, **kwargs)


def loaded(mentees):
    return list(matching.mentee_queryset().filter(pk__in=[m.pk for m in mentees]))


def occupy(mentor, count, programme):
    """`count` mentees already in open pairs of the mentor."""
    for _ in range(count):
        pair = f.PairFactory(programme=programme, mentor=mentor)
        f.PairMenteeFactory(pair=pair)


def assigned(result) -> dict[int, int]:
    return {row.mentee.pk: row.mentor.pk for row in result.rows}


# --- Generated data ---------------------------------------------------------------


def world(programme, seed: int, form_code: str):
    """30 pupils and 10 teachers: random capacities and loads, some mentors
    blocked in the social-risk form (not a class teacher), some pupils without a
    consent, requests in words some mentors' competencies have."""
    rng = random.Random(seed)
    organisation = programme.organisation
    subjects = ["математика", "физика", "химия", "биология", "история", "литература"]
    mentors = []
    for _n in range(10):
        mentor = teacher(
            organisation,
            capacity=rng.randint(1, 4),
            key_competencies=" ".join(rng.sample(subjects, 2)),
            participant__position=rng.choice(
                ["классный руководитель", "учитель", "социальный педагог", ""]
            ),
            participant__experience_years=rng.choice([None, 2, 7, 20]),
            desired_age_min=rng.choice([None, 10, 13]),
            desired_age_max=rng.choice([None, 15, 17]),
        )
        occupy(mentor, rng.randint(0, mentor.capacity), programme)
        mentors.append(mentor)
    mentees = []
    for _n in range(30):
        mentee = pupil(
            organisation,
            consented=rng.random() > 0.1,
            request=" ".join(rng.sample(subjects, rng.randint(1, 3))),
            request_form=form(form_code),
            participant__birth_date=date(rng.randint(2008, 2015), 3, 5),
        )
        mentees.append(mentee)
    # Earlier (completed) pairs: the previous-mentor bonus.
    for mentee in rng.sample(mentees, 5):
        pair = f.PairFactory(
            programme=programme,
            mentor=rng.choice(mentors),
            status=Pair.Status.COMPLETED,
            ended_on=TODAY - timedelta(days=10),
        )
        f.PairMenteeFactory(
            pair=pair, mentee=mentee, left_on=TODAY - timedelta(days=10)
        )
    return mentors, loaded(mentees)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("form_code", ["social-risk", "teacher-pupil"])
def test_generated_cohort_keeps_every_hard_rule_and_beats_greedy(
    programme, seed, form_code
):
    mentors, mentees = world(programme, seed, form_code)
    organisation = programme.organisation
    the_form = form(form_code)
    result = cohort.cohort_match(
        mentees, organisation=organisation, form=the_form, today=TODAY
    )
    by_pk = {
        m.pk: m
        for m in matching.mentor_queryset().filter(pk__in=[m.pk for m in mentors])
    }
    pairs = assigned(result)
    assert pairs, "the generated world lets some mentees be matched"

    # Never over a capacity: free places = capacity − load before the lot.
    for mentor_pk, count in Counter(pairs.values()).items():
        mentor = by_pk[mentor_pk]
        assert count <= mentor.capacity - mentor.load, mentor
    # Never a hard rule broken.
    consented = set(Consent.objects.valid().values_list("participant_id", flat=True))
    for mentee in mentees:
        if mentee.pk not in pairs:
            continue
        if mentee.participant.is_minor:
            assert mentee.participant_id in consented
        mentor = by_pk[pairs[mentee.pk]]
        match = matching.score(mentor, [mentee], form=the_form, today=TODAY)
        assert not match.blocked
    # Everyone is either matched or said why not, once.
    reasons = {item.mentee.pk: item.code for item in result.unmatched}
    assert set(reasons) | set(pairs) == {m.pk for m in mentees}
    assert not set(reasons) & set(pairs)
    for mentee in mentees:
        if mentee.participant.is_minor and mentee.participant_id not in consented:
            assert reasons[mentee.pk] == cohort.NO_CONSENT

    # At least as good as one at a time: as many matched, and then no lower score.
    greedy = cohort.greedy_match(
        mentees, organisation=organisation, form=the_form, today=TODAY
    )
    greedy_total = sum(points for _mentor, points in greedy.values())
    assert len(pairs) >= len(greedy)
    if len(pairs) == len(greedy):
        assert result.total_score >= greedy_total


def test_social_risk_unmatched_when_every_mentor_is_blocked(programme):
    organisation = programme.organisation
    teacher(organisation, participant__position="учитель физики")
    mentee = pupil(organisation)
    result = cohort.cohort_match(
        loaded([mentee]),
        organisation=organisation,
        form=form("social-risk"),
        today=TODAY,
    )
    assert result.rows == []
    assert [(u.mentee.pk, u.code) for u in result.unmatched] == [
        (mentee.pk, cohort.ALL_BLOCKED)
    ]


def test_full_mentors_are_not_assigned_and_say_so(programme):
    organisation = programme.organisation
    full = teacher(organisation, capacity=1)
    occupy(full, 1, programme)
    mentee = pupil(organisation)
    result = cohort.cohort_match(
        loaded([mentee]),
        organisation=organisation,
        form=form("teacher-pupil"),
        today=TODAY,
    )
    assert result.rows == []
    assert result.unmatched[0].code == cohort.ALL_FULL


def test_places_taken_by_a_better_match(programme):
    organisation = programme.organisation
    teacher(organisation, capacity=1, key_competencies="химия")
    chemist = pupil(organisation, request="химия")
    other = pupil(organisation, request="рисование")
    result = cohort.cohort_match(
        loaded([other, chemist]),
        organisation=organisation,
        form=form("teacher-pupil"),
        today=TODAY,
    )
    assert [row.mentee.pk for row in result.rows] == [chemist.pk]
    assert [(u.mentee.pk, u.code) for u in result.unmatched] == [
        (other.pk, cohort.TAKEN)
    ]


# --- The hand-made case where greedy is worse ------------------------------------


def test_optimum_found_where_greedy_is_worse(programme):
    """A knows mathematics, physics and chemistry; B only mathematics; one place
    each. The first mentee (mathematics, physics) takes A one at a time (+8 against
    +4), leaving B to the second (physics, chemistry: 0). The optimum gives B to
    the first (+4) and A to the second (+8): 12 instead of 8 for the two."""
    organisation = programme.organisation
    a = teacher(organisation, capacity=1, key_competencies="математика физика химия")
    b = teacher(organisation, capacity=1, key_competencies="математика")
    first = pupil(organisation, request="математика физика")
    second = pupil(organisation, request="физика химия")
    mentees = loaded([first, second])
    mentees.sort(key=lambda m: m.pk != first.pk)  # the first comes first
    the_form = form("teacher-pupil")

    greedy = cohort.greedy_match(
        mentees, organisation=organisation, form=the_form, today=TODAY
    )
    result = cohort.cohort_match(
        mentees, organisation=organisation, form=the_form, today=TODAY
    )

    assert {k: v[0] for k, v in greedy.items()} == {first.pk: a.pk, second.pk: b.pk}
    assert assigned(result) == {first.pk: b.pk, second.pk: a.pk}
    greedy_total = sum(points for _mentor, points in greedy.values())
    assert result.total_score - greedy_total == 4


def test_assignment_matches_the_most_rows_first():
    """Row 0 likes column 0 a little more, but row 1 can only take column 0: both
    are assigned. A row whose only cell scores below zero is still assigned (the
    warnings are for the curator to weigh); an impossible cell never is."""
    assert cohort.best_assignment([[10, 9], [10, None]], [1, 1]) == {0: 1, 1: 0}
    assert cohort.best_assignment([[-20]], [1]) == {0: 0}
    assert cohort.best_assignment([[None], [3]], [1]) == {1: 0}
    # A column with two places takes two rows.
    assert cohort.best_assignment([[1], [2], [3]], [2]) == {1: 0, 2: 0}


def test_previous_mentor_preferred(programme):
    organisation = programme.organisation
    same = {"capacity": 1, "key_competencies": "история"}
    before = teacher(organisation, **same)
    teacher(organisation, **same)
    mentee = pupil(organisation, request="история")
    old = f.PairFactory(
        programme=programme,
        mentor=before,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - timedelta(days=5),
    )
    f.PairMenteeFactory(pair=old, mentee=mentee, left_on=TODAY - timedelta(days=5))
    result = cohort.cohort_match(
        loaded([mentee]),
        organisation=organisation,
        form=form("teacher-pupil"),
        today=TODAY,
    )
    row = result.rows[0]
    assert row.mentor.pk == before.pk
    assert any(r.points == cohort.PREVIOUS_MENTOR_PLUS for r in row.match.reasons)


# --- Locks and changes on a re-run ----------------------------------------------------


def test_locked_and_changed_rows_are_kept_and_take_their_places(programme):
    organisation = programme.organisation
    a = teacher(organisation, capacity=1, key_competencies="химия")
    b = teacher(organisation, capacity=1, key_competencies="физика")
    c = teacher(organisation, capacity=1)
    chemist = pupil(organisation, request="химия")
    physicist = pupil(organisation, request="физика")
    third = pupil(organisation)
    mentees = loaded([chemist, physicist, third])
    the_form = form("teacher-pupil")
    first = cohort.cohort_match(
        mentees, organisation=organisation, form=the_form, today=TODAY
    )
    assert assigned(first) == {chemist.pk: a.pk, physicist.pk: b.pk, third.pk: c.pk}

    # The curator gives the chemist C and locks the physicist with B: the third
    # mentee gets what is left (A).
    again = cohort.cohort_match(
        mentees,
        organisation=organisation,
        form=the_form,
        today=TODAY,
        fixed={chemist.pk: c.pk, physicist.pk: b.pk},
        previous=assigned(first),
    )
    assert assigned(again) == {chemist.pk: c.pk, physicist.pk: b.pk, third.pk: a.pk}
    fixed = {row.mentee.pk for row in again.rows if row.fixed}
    assert fixed == {chemist.pk, physicist.pk}

    # «No mentor» for the third: kept without one, said so.
    left = cohort.cohort_match(
        mentees,
        organisation=organisation,
        form=the_form,
        today=TODAY,
        fixed={third.pk: None},
    )
    assert third.pk not in assigned(left)
    assert [u.code for u in left.unmatched] == [cohort.LEFT_OUT]


def test_two_fixed_rows_over_one_place_are_flagged(programme):
    organisation = programme.organisation
    a = teacher(organisation, capacity=1)
    one, two = pupil(organisation), pupil(organisation)
    result = cohort.cohort_match(
        loaded([one, two]),
        organisation=organisation,
        form=form("teacher-pupil"),
        today=TODAY,
        fixed={one.pk: a.pk, two.pk: a.pk},
    )
    assert [row.over_capacity for row in result.rows] == [True, True]


def test_a_fixed_mentor_the_rules_forbid_is_dropped(programme):
    organisation = programme.organisation
    blocked = teacher(organisation, participant__position="учитель")
    mentee = pupil(organisation)
    result = cohort.cohort_match(
        loaded([mentee]),
        organisation=organisation,
        form=form("social-risk"),
        today=TODAY,
        fixed={mentee.pk: blocked.pk},
    )
    assert result.rows == []
    assert [m.pk for m, _reason in result.dropped] == [mentee.pk]


def test_cohort_mentees_are_the_waiting_ones_of_the_form(programme):
    organisation = programme.organisation
    the_form = form("teacher-pupil")
    by_request = pupil(organisation, request="химия", request_form=the_form)
    by_preference = pupil(organisation, preferred_form=the_form)
    other_form = pupil(organisation, preferred_form=form("pupil-pupil"))
    paired = pupil(
        organisation, preferred_form=the_form, status=MenteeProfile.Status.IN_PAIR
    )
    f.MenteeFactory(participant__kind=Participant.Kind.PUPIL, preferred_form=the_form)
    found = cohort.cohort_mentees(organisation, form=the_form, programme=programme)
    assert {m.pk for m in found} == {by_request.pk, by_preference.pk}
    assert other_form.pk not in {m.pk for m in found}
    assert paired.pk not in {m.pk for m in found}


# --- The lot -------------------------------------------------------------------------


def lot_arguments(programme, assignments, by=None):
    return {
        "programme": programme,
        "form": form("teacher-pupil"),
        "role_variant": variant("tp-professional"),
        "assignments": assignments,
        "start_on": TODAY,
        "planned_end_on": TODAY + timedelta(days=200),
        "by": by,
    }


def test_lot_creates_exactly_its_pairs(programme):
    organisation = programme.organisation
    a, b = teacher(organisation, capacity=2), teacher(organisation, capacity=1)
    one, two, three = (pupil(organisation) for _ in range(3))
    before = Pair.objects.count()
    pairs = pairs_create_lot(
        **lot_arguments(programme, [(a, one), (a, two), (b, three)])
    )
    assert Pair.objects.count() == before + 3
    made = {
        (pair.mentor_id, pair.memberships.get().mentee_id)
        for pair in Pair.objects.filter(pk__in=[p.pk for p in pairs])
    }
    assert made == {(a.pk, one.pk), (a.pk, two.pk), (b.pk, three.pk)}
    assert set(
        MenteeProfile.objects.filter(pk__in=[one.pk, two.pk, three.pk]).values_list(
            "status", flat=True
        )
    ) == {MenteeProfile.Status.IN_PAIR}


def test_a_refusal_creates_nothing(programme):
    """The second pair of a one-place mentor is refused: the first is not kept."""
    organisation = programme.organisation
    a = teacher(organisation, capacity=1)
    one, two = pupil(organisation), pupil(organisation)
    before = Pair.objects.count()
    with pytest.raises(ValidationError) as refused:
        pairs_create_lot(**lot_arguments(programme, [(a, one), (a, two)]))
    assert Pair.objects.count() == before
    text = " ".join(refused.value.messages)
    assert gettext("No pair was formed, because some were refused:") in text
    assert two.participant.short_name in text
    assert MenteeProfile.objects.get(pk=one.pk).status == MenteeProfile.Status.WAITING


def test_a_refusal_for_no_consent_creates_nothing(programme):
    organisation = programme.organisation
    a, b = teacher(organisation), teacher(organisation)
    fine, unconsented = pupil(organisation), pupil(organisation, consented=False)
    before = Pair.objects.count()
    with pytest.raises(ValidationError):
        pairs_create_lot(**lot_arguments(programme, [(a, fine), (b, unconsented)]))
    assert Pair.objects.count() == before


def test_an_outside_mentor_without_a_certificate_is_never_proposed_to_a_minor(
    programme,
):
    """The certificate of no criminal record (people.screening) is a hard rule of
    the cohort too, as pair_create refuses it; with one in force, proposed."""
    organisation = programme.organisation
    outsider = teacher(
        organisation,
        participant__kind=Participant.Kind.EXTERNAL,
        participant__workplace="ООО «Кирпичный завод»",
        capacity=3,
    )
    minor = pupil(organisation)

    def proposal():
        return assigned(
            cohort.cohort_match(
                loaded([minor]),
                organisation=organisation,
                form=form("employer-pupil"),
                today=TODAY,
            )
        )

    assert proposal() == {}
    MentorCertificate.objects.create(
        mentor=outsider, number="12/345", issued_on=TODAY - timedelta(days=30)
    )
    assert proposal() == {minor.pk: outsider.pk}
