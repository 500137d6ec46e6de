"""Personas around a pupil in a social-risk pair.

`pupil` is the mentee of `sr_pair` (form «social-risk»), mentored by `sr_mentor`,
a class teacher. The `pair` fixture of tests/conftest.py is another pair of the
same organisation: its `mentor` is «another pair's mentor»."""

import pytest

from mentoring.models import MentoringForm, RoleVariant
from people.models import Role
from tests import factories as f
from tests.conftest import member

from . import factories as sf


@pytest.fixture
def sr_pair(programme):
    pair = f.PairFactory(
        programme=programme,
        form=MentoringForm.objects.get(code="social-risk"),
        role_variant=RoleVariant.objects.get(code="sr-class-teacher"),
    )
    f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def pupil(sr_pair):
    return sr_pair.memberships.get().mentee.participant


@pytest.fixture
def sr_mentor(sr_pair, organisation):
    user = member(organisation, Role.CLASS_TEACHER, "sr-mentor")
    f.MembershipFactory(user=user, organisation=organisation, role=Role.MENTOR)
    participant = sr_pair.mentor.participant
    participant.user = user
    participant.save()
    return user


@pytest.fixture
def pupil_user(pupil, organisation):
    user = member(organisation, Role.MENTEE, "pupil")
    pupil.user = user
    pupil.save()
    return user


@pytest.fixture
def psychologist(organisation):
    return member(organisation, Role.PSYCHOLOGIST, "psychologist")


@pytest.fixture
def deputy(organisation):
    return member(organisation, Role.DEPUTY, "deputy")


@pytest.fixture
def class_teacher(organisation):
    return member(organisation, Role.CLASS_TEACHER, "class-teacher")


@pytest.fixture
def form_lead(organisation):
    return member(organisation, Role.FORM_LEAD, "form-lead")


@pytest.fixture
def other_mentor(mentor):
    """The mentor of another pair of the organisation."""
    return mentor


@pytest.fixture
def records(pupil):
    """One record of every kind for the pupil."""
    programme = sf.ProgrammeFactory(participant=pupil)
    return {
        "diagnostics": sf.DiagnosticsFactory(participant=pupil),
        "programme": programme,
        "activity": sf.ActivityFactory(programme=programme),
        "visit": sf.VisitFactory(participant=pupil),
        "family-card": sf.FamilyCardFactory(participant=pupil),
        "preventive": sf.PreventiveFactory(participant=pupil),
        "registration": sf.RegistrationFactory(participant=pupil),
    }


ALLOWED = ["head", "curator", "social_pedagogue", "psychologist", "sr_mentor"]
SPECIALISTS = ["head", "curator", "social_pedagogue", "psychologist"]
REFUSED = [
    "deputy",
    "class_teacher",
    "form_lead",
    "other_mentor",
    "pupil_user",
    "outsider",
    "municipal_coordinator",
]
