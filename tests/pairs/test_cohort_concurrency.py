"""Two curators confirm lots for the last free place of a mentor at the same
moment: the mentor's row lock makes the second wait and be refused, so exactly
one pair exists. Only PostgreSQL runs transactions concurrently (SQLite locks
the whole database file, so the race cannot happen there)."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from mentoring.models import MentoringForm, RoleVariant
from pairs.cohort_services import pairs_create_lot
from pairs.models import Pair
from pairs.services import pair_create
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions need PostgreSQL (set DATABASE_URL)",
    ),
]

TODAY = date.today()


def pupil(organisation):
    return f.consented_mentee(organisation)


def race(*calls):
    """Run every call in its own thread (its own database connection), all
    released together; the outcome of each: "ok" or "refused"."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            call()
            outcomes[index] = "ok"
        except ValidationError:
            outcomes[index] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def at_once(*lots):
    """`pairs_create_lot` for every lot at the same moment."""
    return race(*(lambda arguments=lot: pairs_create_lot(**arguments) for lot in lots))


def lot(programme, assignments):
    return {
        "programme": programme,
        "form": MentoringForm.objects.get(code="teacher-pupil"),
        "role_variant": RoleVariant.objects.get(code="tp-professional"),
        "assignments": assignments,
        "start_on": TODAY,
        "planned_end_on": TODAY + timedelta(days=200),
        "by": None,
    }


def test_two_lots_for_the_last_place_leave_one_pair(programme):
    organisation = programme.organisation
    mentor = f.MentorFactory(participant__organisation=organisation, capacity=2)
    taken = f.PairFactory(programme=programme, mentor=mentor)
    f.PairMenteeFactory(pair=taken)  # one of two places taken
    one, two = pupil(organisation), pupil(organisation)

    outcomes = at_once(lot(programme, [(mentor, one)]), lot(programme, [(mentor, two)]))

    assert sorted(outcomes) == ["ok", "refused"]
    assert Pair.objects.open().filter(mentor=mentor).count() == 2


def test_crossed_lots_never_deadlock_and_stay_whole(programme):
    """Lot 1 asks A then B, lot 2 B then A, each mentor with one place: one lot is
    formed whole, the other refused whole."""
    organisation = programme.organisation
    a = f.MentorFactory(participant__organisation=organisation, capacity=1)
    b = f.MentorFactory(participant__organisation=organisation, capacity=1)
    mentees = [pupil(organisation) for _ in range(4)]

    outcomes = at_once(
        lot(programme, [(a, mentees[0]), (b, mentees[1])]),
        lot(programme, [(b, mentees[2]), (a, mentees[3])]),
    )

    assert sorted(outcomes) == ["ok", "refused"]
    formed = Pair.objects.filter(mentor__in=[a, b])
    assert formed.count() == 2
    winner = [mentees[0], mentees[1]] if outcomes[0] == "ok" else mentees[2:]
    assert {p.memberships.get().mentee_id for p in formed} == {m.pk for m in winner}


def test_two_pair_forms_for_the_last_place_leave_one_pair(programme):
    """The one-mentee pair form (pair_create) locks the mentor's row too."""
    organisation = programme.organisation
    mentor = f.MentorFactory(participant__organisation=organisation, capacity=1)
    arguments = lot(programme, [])
    del arguments["assignments"]

    def form_pair(mentee):
        return lambda: pair_create(mentor=mentor, mentees=[mentee], **arguments)

    outcomes = race(form_pair(pupil(organisation)), form_pair(pupil(organisation)))

    assert sorted(outcomes) == ["ok", "refused"]
    assert Pair.objects.filter(mentor=mentor).count() == 1
