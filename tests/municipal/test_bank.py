"""The mentor bank's services: a refusal changes nothing; an approval creates the
pair in the asking organisation's programme; the mentor's capacity counts the pairs
of both organisations; the last place goes to one approval only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.models import MentoringForm, RoleVariant
from municipal import bank
from municipal.models import BankRequest
from pairs.models import Pair
from pairs.rules import mentor_load
from people.models import MenteeProfile, MentorProfile, Role
from tests import factories as f
from tests.conftest import member

TODAY = timezone.localdate()


def form(code="teacher-pupil"):
    return MentoringForm.objects.get(code=code)


def variant(code="tp-professional"):
    return RoleVariant.objects.get(code=code)


def new_mentee(organisation):
    return f.consented_mentee(organisation)


@pytest.fixture
def banked(other_organisation):
    return f.MentorFactory(
        participant__organisation=other_organisation, shared_in_bank=True, capacity=2
    )


@pytest.fixture
def their_curator(other_organisation):
    return member(other_organisation, Role.CURATOR, "theircurator")


def ask(organisation, programme, mentor, by, mentee=None, **overrides):
    arguments = {
        "organisation": organisation,
        "mentor": mentor,
        "mentee": mentee or new_mentee(organisation),
        "programme": programme,
        "form": form(),
        "role_variant": variant(),
        "message": "  Подготовка к ОГЭ  ",
        "by": by,
    }
    arguments.update(overrides)
    return bank.bank_request_create(**arguments)


def approve(request, by):
    return bank.bank_request_approve(
        request=request,
        start_on=TODAY,
        planned_end_on=TODAY + timedelta(days=200),
        by=by,
    )


def snapshot():
    return {
        "requests": list(
            BankRequest.objects.values_list("pk", "status", "reason", "pair").order_by(
                "pk"
            )
        ),
        "pairs": list(Pair.objects.values_list("pk", "status").order_by("pk")),
        "mentors": list(
            MentorProfile.objects.values_list("pk", "status").order_by("pk")
        ),
        "mentees": list(
            MenteeProfile.objects.values_list("pk", "status").order_by("pk")
        ),
    }


def refused(call, **kwargs) -> ValidationError:
    if call is ask and "mentee" not in kwargs:
        kwargs["mentee"] = new_mentee(kwargs["organisation"])
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert snapshot() == before
    return caught.value


# --- the bank's contents --------------------------------------------------------------


def test_the_bank_lists_consenting_ready_mentors_of_other_organisations(
    organisation, other_organisation, banked
):
    f.MentorFactory(participant__organisation=other_organisation)  # not consented
    f.MentorFactory(participant__organisation=organisation, shared_in_bank=True)
    f.MentorFactory(
        participant__organisation=other_organisation,
        shared_in_bank=True,
        status=MentorProfile.Status.CANDIDATE,
    )
    f.MentorFactory(
        participant__organisation=other_organisation,
        shared_in_bank=True,
        participant__left_on=TODAY - timedelta(days=1),
    )
    far = f.OrganisationFactory(
        municipality=f.MunicipalityFactory(name="Дальний район")
    )
    f.MentorFactory(participant__organisation=far, shared_in_bank=True)
    entries = bank.bank_mentors(organisation)
    assert [entry.pk for entry in entries] == [banked.pk]
    [entry] = entries
    assert entry.organisation == other_organisation.short_name
    assert (entry.capacity, entry.load, entry.free) == (2, 0, 2)
    assert not hasattr(entry, "phone") and not hasattr(entry, "birth_date")


def test_a_full_mentor_leaves_the_bank(organisation, other_organisation, banked):
    programme = f.ProgrammeFactory(organisation=other_organisation)
    for _ in range(2):
        pair = f.PairFactory(programme=programme, mentor=banked)
        f.PairMenteeFactory(pair=pair)
    assert bank.bank_mentors(organisation) == []


# --- create ---------------------------------------------------------------------------


def test_a_request_is_created_pending(organisation, programme, curator, banked):
    request = ask(organisation, programme, banked, curator)
    assert request.status == BankRequest.Status.PENDING
    assert request.message == "Подготовка к ОГЭ"
    assert request.requested_by == curator
    assert not Pair.objects.exists()


def test_refuses_a_mentor_outside_the_bank(
    organisation, other_organisation, programme, curator
):
    hidden = f.MentorFactory(participant__organisation=other_organisation)
    own = f.MentorFactory(participant__organisation=organisation, shared_in_bank=True)
    far = f.OrganisationFactory(
        municipality=f.MunicipalityFactory(name="Дальний район")
    )
    far_banked = f.MentorFactory(participant__organisation=far, shared_in_bank=True)
    for mentor in (hidden, own, far_banked):
        error = refused(
            ask,
            organisation=organisation,
            programme=programme,
            mentor=mentor,
            by=curator,
        )
        assert "mentor" in error.message_dict


def test_refuses_another_organisations_mentee_and_programme(
    organisation, other_organisation, programme, curator, banked
):
    error = refused(
        ask,
        organisation=organisation,
        programme=f.ProgrammeFactory(organisation=other_organisation),
        mentor=banked,
        by=curator,
        mentee=new_mentee(other_organisation),
    )
    assert {"mentee", "programme"} <= set(error.message_dict)


def test_refuses_the_social_risk_form(organisation, programme, curator, banked):
    risky = MentoringForm.objects.filter(is_social_risk=True).first()
    error = refused(
        ask,
        organisation=organisation,
        programme=programme,
        mentor=banked,
        by=curator,
        form=risky,
        role_variant=risky.role_variants.first(),
    )
    assert "form" in error.message_dict


def test_refuses_a_second_pending_request_for_the_same_mentee(
    organisation, programme, curator, banked
):
    first = ask(organisation, programme, banked, curator)
    error = refused(
        ask,
        organisation=organisation,
        programme=programme,
        mentor=banked,
        by=curator,
        mentee=first.mentee,
    )
    assert "уже запросили" in " ".join(error.messages)


def test_refuses_a_mentor_without_free_places(
    organisation, other_organisation, programme, curator, banked
):
    theirs = f.ProgrammeFactory(organisation=other_organisation)
    for _ in range(2):
        f.PairMenteeFactory(pair=f.PairFactory(programme=theirs, mentor=banked))
    error = refused(
        ask, organisation=organisation, programme=programme, mentor=banked, by=curator
    )
    assert "mentor" in error.message_dict


# --- approve --------------------------------------------------------------------------


def test_approval_creates_the_pair_in_the_asking_programme(
    organisation, programme, curator, banked, their_curator
):
    request = ask(organisation, programme, banked, curator)
    pair = approve(request, their_curator)
    request.refresh_from_db()
    assert (request.status, request.pair, request.decided_by) == (
        BankRequest.Status.APPROVED,
        pair,
        their_curator,
    )
    assert pair.programme == programme
    assert pair.mentor == banked
    assert Pair.objects.for_organisation(organisation).filter(pk=pair.pk).exists()
    assert list(pair.memberships.values_list("mentee", flat=True)) == [
        request.mentee.pk
    ]
    banked.refresh_from_db()
    assert banked.status == MentorProfile.Status.IN_PAIR


def test_only_the_mentors_curator_approves_or_declines(
    organisation, programme, curator, banked, outsider
):
    request = ask(organisation, programme, banked, curator)
    stranger = member(
        f.OrganisationFactory(municipality=organisation.municipality),
        Role.CURATOR,
        "stranger",
    )
    for by in (curator, stranger):
        refused(approve, request=request, by=by)
        refused(bank.bank_request_decline, request=request, reason="Нет", by=by)
    # the outsider is the mentor's organisation's curator: allowed
    assert approve(request, outsider).mentor == banked


def test_capacity_counts_the_pairs_of_both_organisations(
    organisation, other_organisation, programme, curator, banked, their_curator
):
    theirs = f.ProgrammeFactory(organisation=other_organisation)
    f.PairMenteeFactory(pair=f.PairFactory(programme=theirs, mentor=banked))
    request = ask(organisation, programme, banked, curator)
    approve(request, their_curator)
    assert mentor_load(banked) == 2  # one pair here, one there
    # full now: a new request is refused and a pending one cannot be approved
    error = refused(
        ask, organisation=organisation, programme=programme, mentor=banked, by=curator
    )
    assert "mentor" in error.message_dict


def test_two_approvals_for_the_last_place_the_second_is_refused(
    organisation, programme, curator, banked, their_curator
):
    """Two pending requests for a mentor with one free place: the approvals lock
    the mentor's row one after the other, and the second finds no place left."""
    banked.capacity = 1
    banked.save(update_fields=["capacity"])
    first = ask(organisation, programme, banked, curator)
    second = ask(organisation, programme, banked, curator)
    approve(first, their_curator)
    error = refused(approve, request=second, by=their_curator)
    assert "mentor" in error.message_dict
    second.refresh_from_db()
    assert second.status == BankRequest.Status.PENDING
    assert Pair.objects.filter(mentor=banked).count() == 1


def test_a_refused_approval_does_not_name_the_mentee(
    organisation, programme, curator, banked, their_curator
):
    """The mentee is already in a pair of the form: the refusal the mentor's
    curator reads says so without the name."""
    request = ask(organisation, programme, banked, curator)
    own = f.MentorFactory(participant__organisation=organisation)
    f.PairMenteeFactory(
        pair=f.PairFactory(programme=programme, mentor=own, form=form()),
        mentee=request.mentee,
    )
    error = refused(approve, request=request, by=their_curator)
    text = " ".join(error.messages)
    assert request.mentee.participant.last_name not in text
    assert "Наставляемый" in text


def test_a_decided_request_is_not_decided_again(
    organisation, programme, curator, banked, their_curator
):
    request = ask(organisation, programme, banked, curator)
    approve(request, their_curator)
    refused(approve, request=request, by=their_curator)
    refused(bank.bank_request_decline, request=request, reason="Нет", by=their_curator)
    refused(bank.bank_request_cancel, request=request, by=curator)


# --- decline and cancel ---------------------------------------------------------------


def test_decline_needs_a_reason(
    organisation, programme, curator, banked, their_curator
):
    request = ask(organisation, programme, banked, curator)
    error = refused(
        bank.bank_request_decline, request=request, reason="  ", by=their_curator
    )
    assert "reason" in error.message_dict
    bank.bank_request_decline(
        request=request, reason="Наставник в отпуске", by=their_curator
    )
    request.refresh_from_db()
    assert (request.status, request.reason) == (
        BankRequest.Status.DECLINED,
        "Наставник в отпуске",
    )
    assert not Pair.objects.exists()


def test_cancel_by_the_asking_side_only(
    organisation, programme, curator, banked, their_curator
):
    request = ask(organisation, programme, banked, curator)
    refused(bank.bank_request_cancel, request=request, by=their_curator)
    bank.bank_request_cancel(request=request, by=curator)
    request.refresh_from_db()
    assert request.status == BankRequest.Status.CANCELLED
    # withdrawn: the same mentee may be requested again
    assert ask(organisation, programme, banked, curator, mentee=request.mentee).pk
