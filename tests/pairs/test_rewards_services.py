from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from pairs.models import Pair, Reward
from pairs.reward_services import (
    default_signed_by,
    pairs_without_reward,
    reward_delete,
    reward_grant,
)
from people.models import Participant
from tests import factories as f

TODAY = date.today()
BASIS = "за успешное завершение программы наставничества"


def completed_pair(programme, **kwargs):
    pair = f.PairFactory(
        programme=programme,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - timedelta(days=5),
        **kwargs,
    )
    f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def done(programme):
    return completed_pair(programme)


def grant(organisation, person, kind=Reward.Kind.GRATITUDE, **kwargs):
    arguments = {
        "organisation": organisation,
        "person": person,
        "kind": kind,
        "awarded_on": TODAY,
        "basis": BASIS,
        "by": None,
        **kwargs,
    }
    return reward_grant(**arguments)


def refused(field, **kwargs):
    before = Reward.objects.count()
    with pytest.raises(ValidationError) as error:
        grant(**kwargs)
    assert field in error.value.message_dict
    assert Reward.objects.count() == before


def test_grant_fills_the_signer_and_the_standard_text(organisation, done, curator):
    person = done.mentor.participant
    reward = grant(organisation, person, pair=done, by=curator, number="12")
    reward.refresh_from_db()
    assert reward.signed_by == default_signed_by(organisation)
    assert organisation.head_name in reward.signed_by
    assert BASIS in reward.text
    assert reward.addressee == person.full_name
    assert reward.created_by == curator
    assert reward.number == "12"


def test_grant_keeps_what_the_curator_wrote(organisation, done):
    reward = grant(
        organisation,
        done.mentor.participant,
        signed_by="Заместитель директора Сидорова О. П.",
        text="Свой текст.",
        addressee="Коллеге",
    )
    assert reward.signed_by == "Заместитель директора Сидорова О. П."
    assert reward.text == "Свой текст."
    assert reward.addressee == "Коллеге"


def test_certificate_kinds_have_no_letter_text(organisation, done):
    reward = grant(organisation, done.mentor.participant, Reward.Kind.MENTOR_OF_YEAR)
    assert reward.text == ""
    assert reward.addressee == ""
    assert reward.document == "certificate"


def test_best_pair_needs_a_completed_pair(organisation, pair, done):
    person = pair.mentor.participant
    refused(
        "pair", organisation=organisation, person=person, kind=Reward.Kind.BEST_PAIR
    )
    refused(
        "pair",
        organisation=organisation,
        person=person,
        kind=Reward.Kind.BEST_PAIR,
        pair=pair,
    )
    reward = grant(
        organisation, done.mentor.participant, Reward.Kind.BEST_PAIR, pair=done
    )
    assert reward.pair == done


def test_the_pair_must_hold_the_person(organisation, programme, done):
    other = completed_pair(programme)
    refused(
        "pair",
        organisation=organisation,
        person=done.mentor.participant,
        pair=other,
    )


def test_a_mentee_of_the_pair_may_be_rewarded_for_it(organisation, done):
    mentee = done.memberships.get().mentee.participant
    assert grant(organisation, mentee, pair=done).pair == done


def test_a_pair_of_another_organisation_is_refused(organisation, other_organisation):
    foreign = completed_pair(f.ProgrammeFactory(organisation=other_organisation))
    person = f.ParticipantFactory(organisation=organisation)
    refused("pair", organisation=organisation, person=person, pair=foreign)


def test_a_stranger_is_refused(organisation, other_organisation):
    stranger = f.ParticipantFactory(organisation=other_organisation)
    refused("person", organisation=organisation, person=stranger)


def test_a_bank_mentor_of_our_pair_may_be_rewarded(
    organisation, other_organisation, programme
):
    bank_mentor = f.MentorFactory(
        participant__organisation=other_organisation, shared_in_bank=True
    )
    pair = completed_pair(programme, mentor=bank_mentor)
    reward = grant(organisation, bank_mentor.participant, pair=pair)
    assert reward.organisation == organisation


def test_the_date_cannot_be_in_the_future(organisation, done):
    refused(
        "awarded_on",
        organisation=organisation,
        person=done.mentor.participant,
        awarded_on=TODAY + timedelta(days=1),
    )


def test_the_basis_is_required(organisation, done):
    refused(
        "basis", organisation=organisation, person=done.mentor.participant, basis=" "
    )


def test_letter_to_parents_of_a_minor_with_a_representative(organisation):
    pupil = f.ParticipantFactory(
        organisation=organisation,
        last_name="Иванов",
        first_name="Артём",
        middle_name="Петрович",
        representative_name="Иванова Мария Петровна",
    )
    reward = grant(organisation, pupil, Reward.Kind.LETTER_PARENTS)
    assert reward.addressee == "Иванова Мария Петровна"
    # the pupil agrees with «участника программы наставничества»: the genitive
    assert "наставничества Иванова Артёма Петровича." in reward.text


def test_letter_to_parents_needs_an_addressee(organisation):
    pupil = f.ParticipantFactory(organisation=organisation, representative_name="")
    refused(
        "addressee",
        organisation=organisation,
        person=pupil,
        kind=Reward.Kind.LETTER_PARENTS,
    )
    reward = grant(
        organisation, pupil, Reward.Kind.LETTER_PARENTS, addressee="Семье Ивановых"
    )
    assert reward.addressee == "Семье Ивановых"


def test_letter_to_parents_is_not_for_an_adult(organisation, done):
    refused(
        "kind",
        organisation=organisation,
        person=done.mentor.participant,
        kind=Reward.Kind.LETTER_PARENTS,
        addressee="Родителям",
    )


def test_letter_to_an_employer_of_an_external_mentor(organisation):
    external = f.ParticipantFactory(
        organisation=organisation,
        kind=Participant.Kind.EXTERNAL,
        birth_date=date(1985, 1, 1),
        workplace="ООО «Алтайский завод»",
    )
    reward = grant(organisation, external, Reward.Kind.LETTER_EMPLOYER)
    assert reward.addressee == "ООО «Алтайский завод»"


def test_letter_to_an_employer_needs_an_addressee(organisation, done):
    teacher = done.mentor.participant
    refused(
        "addressee",
        organisation=organisation,
        person=teacher,
        kind=Reward.Kind.LETTER_EMPLOYER,
    )
    reward = grant(
        organisation, teacher, Reward.Kind.LETTER_EMPLOYER, addressee="АО «Рубин»"
    )
    assert reward.addressee == "АО «Рубин»"


def test_delete(organisation, done):
    reward = grant(organisation, done.mentor.participant)
    reward_delete(reward=reward)
    assert not Reward.objects.exists()


def test_pairs_without_reward(organisation, programme, pair, done):
    other = completed_pair(programme)
    assert set(pairs_without_reward(organisation)) == {done, other}
    grant(organisation, done.mentor.participant, pair=done)
    assert list(pairs_without_reward(organisation)) == [other]


def test_the_model_refuses_a_pair_of_another_organisation(
    organisation, other_organisation, done
):
    foreign = completed_pair(f.ProgrammeFactory(organisation=other_organisation))
    reward = grant(organisation, done.mentor.participant, pair=done)
    reward.pair = foreign
    with pytest.raises(ValidationError) as error:
        reward.full_clean()
    assert "pair" in error.value.message_dict
