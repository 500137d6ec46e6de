"""Best practices: the services (prefill from a completed pair, create, update,
publish with everyone's consent to publication, withdraw, feature)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from mentoring.models import MenteeCategory, MentoringForm, RoleVariant
from municipal.models import Practice
from municipal.practices import (
    practice_create,
    practice_feature,
    practice_prefill,
    practice_publish,
    practice_update,
    practice_withdraw,
    shown_names,
)
from pairs.models import Pair
from people.models import Consent, Role
from tests import factories as f
from tests.conftest import member

TODAY = date.today()


def publication(person, **kwargs):
    return Consent.objects.create(
        participant=person,
        scope=Consent.Scope.PUBLICATION,
        given_by="Иванова Мария Петровна",
        relation=Consent.Relation.MOTHER,
        given_on=TODAY - timedelta(days=10),
        **kwargs,
    )


def completed_pair(programme, **kwargs):
    pair = f.PairFactory(
        programme=programme,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - timedelta(days=5),
        result="Успеваемость по математике выросла с 3,4 до 4,1.",
        evidence=Pair.Evidence.GRADES,
        **kwargs,
    )
    f.PairMenteeFactory(pair=pair)
    return pair


def social_risk_pair(programme):
    return completed_pair(
        programme,
        form=MentoringForm.objects.get(code="social-risk"),
        role_variant=RoleVariant.objects.get(code="sr-social-pedagogue"),
    )


def draft(programme, curator, named=(), pair=None):
    return practice_create(
        organisation=programme.organisation,
        programme=programme,
        pair=pair,
        title="Наставник-предметник",
        summary="Коротко о практике.",
        body="Что было сделано.",
        results="",
        named=named,
        by=curator,
    )


def people_of(pair):
    mentee = pair.memberships.get().mentee.participant
    return pair.mentor.participant, mentee


@pytest.fixture
def done(programme):
    return completed_pair(programme)


# --- The prefill ---------------------------------------------------------------------


def test_prefill_names_the_pair_its_form_meetings_and_result(organisation, done):
    f.MeetingFactory(pair=done, topic="Знакомство", held_on=TODAY - timedelta(40))
    f.MeetingFactory(pair=done, topic="Разбор олимпиады", held_on=TODAY - timedelta(9))
    mentor, mentee = people_of(done)

    values = practice_prefill(organisation=organisation, pair=done)

    assert values["pair"] == done and values["programme"] == done.programme
    assert set(values["named"]) == {mentor, mentee}
    # The form and the role variant in the names participants read.
    assert "Учитель – ученик" in values["summary"]
    assert "Профессиональные пробы" in values["summary"]
    assert "равнодушный потребитель" not in values["title"] + values["summary"]
    assert "2 встречи" in values["body"]
    assert "Знакомство" in values["body"] and "Разбор олимпиады" in values["body"]
    assert "с 3,4 до 4,1" in values["results"]
    assert "анализ успеваемости" in values["results"]


def test_prefill_never_mentions_a_mentees_category_or_class(organisation, done):
    mentee = done.memberships.get().mentee
    mentee.categories.set(
        MenteeCategory.objects.filter(code__in=["prevention-register", "low-results"])
    )
    group = f.StudyGroupFactory(organisation=organisation, name="8В", grade=8)
    mentee.participant.study_group = group
    mentee.participant.save()

    values = practice_prefill(organisation=organisation, pair=done)

    text = " ".join(
        str(values[key]) for key in ("title", "summary", "body", "results")
    ).casefold()
    for category in MenteeCategory.objects.all():
        assert category.name.casefold() not in text
    assert "учет" not in text and "учёт" not in text
    assert "8в" not in text


def test_prefill_refuses_a_social_risk_pair(organisation, programme):
    pair = social_risk_pair(programme)
    with pytest.raises(ValidationError) as error:
        practice_prefill(organisation=organisation, pair=pair)
    assert "социально" in str(error.value) or "социального" in str(error.value)


def test_prefill_refuses_an_open_pair(organisation, pair):
    with pytest.raises(ValidationError):
        practice_prefill(organisation=organisation, pair=pair)


def test_prefill_refuses_another_organisations_pair(other_organisation, done):
    with pytest.raises(ValidationError):
        practice_prefill(organisation=other_organisation, pair=done)


# --- Create and update ---------------------------------------------------------------


def test_a_case_of_a_social_risk_pair_is_never_created(programme, curator):
    pair = social_risk_pair(programme)
    with pytest.raises(ValidationError) as error:
        draft(programme, curator, named=people_of(pair), pair=pair)
    assert "pair" in error.value.message_dict
    assert not Practice.objects.exists()


def test_a_case_names_people_of_the_organisation_only(
    programme, curator, other_organisation
):
    stranger = f.ParticipantFactory(organisation=other_organisation)
    with pytest.raises(ValidationError) as error:
        draft(programme, curator, named=[stranger])
    assert stranger.full_name in error.value.message_dict["named"][0]
    assert not Practice.objects.exists()


def test_a_case_may_name_the_pairs_mentor_from_the_bank(
    programme, curator, other_organisation
):
    bank_mentor = f.MentorFactory(participant__organisation=other_organisation)
    pair = completed_pair(programme, mentor=bank_mentor)
    practice = draft(programme, curator, named=people_of(pair), pair=pair)
    assert bank_mentor.participant in practice.named.all()


def test_the_pair_must_be_a_completed_one_of_the_programme(
    organisation, programme, curator, pair
):
    with pytest.raises(ValidationError) as error:
        draft(programme, curator, pair=pair)
    assert "pair" in error.value.message_dict
    other_programme = f.ProgrammeFactory(organisation=organisation, title="Другая")
    done = completed_pair(other_programme)
    with pytest.raises(ValidationError):
        draft(programme, curator, pair=done)
    assert not Practice.objects.exists()


def test_update_of_a_published_case_keeps_everyone_consented(programme, curator, done):
    mentor, mentee = people_of(done)
    publication(mentor)
    practice = practice_publish(
        practice=draft(programme, curator, named=[mentor], pair=done), by=curator
    )
    with pytest.raises(ValidationError) as error:
        practice_update(
            practice=practice,
            organisation=programme.organisation,
            programme=programme,
            pair=done,
            title="Новое название",
            summary="Коротко.",
            body="Текст.",
            named=[mentor, mentee],
            by=curator,
        )
    assert mentee.full_name in error.value.message_dict["named"][0]
    practice.refresh_from_db()
    assert practice.title == "Наставник-предметник"
    assert list(practice.named.all()) == [mentor]


# --- Publication ---------------------------------------------------------------------


def test_publication_is_refused_without_every_consent_and_nothing_changes(
    programme, curator, done
):
    mentor, mentee = people_of(done)
    publication(mentor)
    practice = draft(programme, curator, named=[mentor, mentee], pair=done)

    with pytest.raises(ValidationError) as error:
        practice_publish(practice=practice, by=curator)

    message = error.value.message_dict["named"][0]
    assert mentee.full_name in message
    assert mentor.full_name not in message
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT
    assert practice.published_at is None


@pytest.mark.parametrize(
    "consent",
    [
        {"revoked_on": TODAY},
        {"revoked_on": TODAY - timedelta(days=1)},
        {"valid_until": TODAY - timedelta(days=1)},
        {"scope": Consent.Scope.PROCESSING},
        {"given_on": TODAY + timedelta(days=1)},
    ],
    ids=["revoked-today", "revoked", "expired", "processing-only", "future"],
)
def test_a_consent_that_is_not_valid_today_refuses_publication(
    programme, curator, done, consent
):
    mentor, _mentee = people_of(done)
    values = {
        "participant": mentor,
        "scope": Consent.Scope.PUBLICATION,
        "given_by": mentor.full_name,
        "given_on": TODAY - timedelta(days=30),
        **consent,
    }
    Consent.objects.create(**values)
    practice = draft(programme, curator, named=[mentor], pair=done)
    with pytest.raises(ValidationError):
        practice_publish(practice=practice, by=curator)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT


def test_publication_with_every_consent(programme, curator, done):
    mentor, mentee = people_of(done)
    publication(mentor, valid_until=TODAY)
    publication(mentee)
    practice = practice_publish(
        practice=draft(programme, curator, named=[mentor, mentee], pair=done),
        by=curator,
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.published_at is not None
    assert shown_names(practice) == sorted(
        [mentor.full_name, mentee.full_name], key=str.casefold
    )


def test_a_case_naming_nobody_needs_no_consent(programme, curator):
    practice = practice_publish(practice=draft(programme, curator), by=curator)
    assert practice.status == Practice.Status.PUBLISHED


def test_a_consent_revoked_after_publication_takes_the_name_off(
    programme, curator, done
):
    mentor, mentee = people_of(done)
    publication(mentor)
    revoked_later = publication(mentee)
    practice = practice_publish(
        practice=draft(programme, curator, named=[mentor, mentee], pair=done),
        by=curator,
    )
    revoked_later.revoked_on = TODAY
    revoked_later.save()
    assert shown_names(practice) == [mentor.full_name]


def test_publishing_twice_is_refused(programme, curator):
    practice = practice_publish(practice=draft(programme, curator), by=curator)
    with pytest.raises(ValidationError):
        practice_publish(practice=practice, by=curator)


# --- Withdraw and feature ------------------------------------------------------------


def test_withdraw_takes_the_case_and_its_mark_out(
    programme, curator, municipal_coordinator
):
    practice = practice_publish(practice=draft(programme, curator), by=curator)
    practice_feature(practice=practice, featured=True, by=municipal_coordinator)
    practice = practice_withdraw(practice=practice, by=curator)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.WITHDRAWN
    assert not practice.featured
    # Published again later.
    assert practice_publish(practice=practice, by=curator).status == "published"


def test_only_a_published_case_is_withdrawn(programme, curator):
    practice = draft(programme, curator)
    with pytest.raises(ValidationError):
        practice_withdraw(practice=practice, by=curator)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT


def test_the_coordinator_features_and_unfeatures(
    programme, curator, municipal_coordinator
):
    practice = practice_publish(practice=draft(programme, curator), by=curator)
    practice_feature(practice=practice, featured=True, by=municipal_coordinator)
    practice.refresh_from_db()
    assert practice.featured
    practice_feature(practice=practice, featured=False, by=municipal_coordinator)
    practice.refresh_from_db()
    assert not practice.featured


def test_only_the_municipalitys_coordinator_features(programme, curator):
    practice = practice_publish(practice=draft(programme, curator), by=curator)
    far = f.OrganisationFactory(
        municipality=f.MunicipalityFactory(name="Дальний район")
    )
    far_coordinator = f.UserFactory(username="farcoordinator")
    f.MembershipFactory(
        user=far_coordinator,
        organisation=None,
        municipality=far.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    for user in (curator, far_coordinator, member(far, Role.HEAD, "farhead")):
        with pytest.raises(ValidationError):
            practice_feature(practice=practice, featured=True, by=user)
    practice.refresh_from_db()
    assert not practice.featured


def test_a_draft_is_not_featured(programme, curator, municipal_coordinator):
    practice = draft(programme, curator)
    with pytest.raises(ValidationError):
        practice_feature(practice=practice, featured=True, by=municipal_coordinator)
    practice.refresh_from_db()
    assert not practice.featured
