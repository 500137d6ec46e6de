"""Services of pairs and groups: every refusal changes nothing, every effect happens."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from mentoring.models import MentoringForm, Municipality, RoleVariant
from pairs import services
from pairs.models import Meeting, Pair, PairEvent, PairMentee
from people.models import (
    Consent,
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    MentorStatusChange,
    Role,
)
from tests import factories as f

TODAY = timezone.localdate()


# --- Builders -------------------------------------------------------------------


def catalogue_form(code):
    return MentoringForm.objects.get(code=code)


def variant(code):
    return RoleVariant.objects.get(code=code)


def consent(participant, **kwargs):
    values = {
        "participant": participant,
        "scope": Consent.Scope.PROCESSING,
        "given_by": "Иванова Мария Петровна",
        "relation": Consent.Relation.MOTHER,
        "given_on": TODAY - timedelta(days=30),
    }
    values.update(kwargs)
    return Consent.objects.create(**values)


def new_mentee(organisation, **kwargs):
    """A pupil (a minor) of the organisation with a valid processing consent."""
    mentee = f.MenteeFactory(participant__organisation=organisation, **kwargs)
    consent(mentee.participant)
    return mentee


def new_mentor(organisation, **kwargs):
    return f.MentorFactory(participant__organisation=organisation, **kwargs)


def arguments(programme, curator, **overrides) -> dict:
    """Arguments of pair_create: a ready mentor and a consented mentee by default."""
    organisation = programme.organisation
    arguments = {
        "programme": programme,
        "form": catalogue_form("teacher-pupil"),
        "role_variant": variant("tp-professional"),
        "start_on": TODAY - timedelta(days=30),
        "planned_end_on": TODAY + timedelta(days=200),
        "by": curator,
    }
    arguments.update(overrides)
    if "mentor" not in arguments:
        arguments["mentor"] = new_mentor(organisation)
    if "mentees" not in arguments:
        arguments["mentees"] = [new_mentee(organisation)]
    return arguments


def create(programme, curator, **overrides):
    return services.pair_create(**arguments(programme, curator, **overrides))


def snapshot():
    """Everything the services write, to prove that a refusal wrote nothing."""
    return {
        "pairs": list(
            Pair.objects.values_list(
                "pk", "status", "mentor", "co_mentor", "ended_on", "order_number"
            ).order_by("pk")
        ),
        "links": list(PairMentee.objects.values_list("pk", "left_on").order_by("pk")),
        "events": PairEvent.objects.count(),
        "mentor_changes": MentorStatusChange.objects.count(),
        "mentees": list(
            MenteeProfile.objects.values_list("pk", "status").order_by("pk")
        ),
        "mentors": list(
            MentorProfile.objects.values_list("pk", "status").order_by("pk")
        ),
        "requests": list(
            MenteeRequest.objects.values_list("pk", "status").order_by("pk")
        ),
    }


def refused(call, **kwargs) -> ValidationError:
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert snapshot() == before
    return caught.value


def codes(error: ValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {NON_FIELD_ERRORS: [item.code for item in error.error_list]}
    return {
        field: [item.code for item in items]
        for field, items in error.error_dict.items()
    }


def request_of(mentee, form=None, status=MenteeRequest.Status.OPEN):
    return MenteeRequest.objects.create(
        mentee=mentee,
        area=f.catalogue(f.m.RequestArea, "study"),
        text="Подтянуть математику",
        form=form,
        status=status,
    )


@pytest.fixture
def org(organisation):
    return organisation


# --- pair_create: refusals -------------------------------------------------------


def test_refuses_a_form_the_programme_does_not_run(programme, curator):
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            form=catalogue_form("employer-pupil"),
            role_variant=variant("ep-professional"),
        ),
    )
    assert "form_not_in_programme" in codes(error)["form"]


def test_a_programme_without_forms_allows_any_form(org, curator):
    programme = f.ProgrammeFactory(organisation=org)
    programme.forms.clear()
    pair = create(
        programme,
        curator,
        form=catalogue_form("employer-pupil"),
        role_variant=variant("ep-professional"),
    )
    assert pair.form.code == "employer-pupil"


def test_refuses_a_role_variant_of_another_form(programme, curator):
    error = refused(
        services.pair_create,
        **arguments(programme, curator, role_variant=variant("pp-peer")),
    )
    assert codes(error)["role_variant"] == ["role_variant_form"]


def test_refuses_a_subprogramme_of_another_form(programme, curator):
    subprogramme = f.m.Subprogramme.objects.exclude(
        form=catalogue_form("teacher-pupil")
    ).first()
    assert subprogramme is not None
    error = refused(
        services.pair_create, **arguments(programme, curator, subprogramme=subprogramme)
    )
    assert "subprogramme" in codes(error)


def test_refuses_no_mentees(programme, curator):
    error = refused(services.pair_create, **arguments(programme, curator, mentees=[]))
    assert codes(error)["mentees"] == ["required"]


def test_refuses_a_mentee_of_another_organisation(
    programme, curator, org, other_organisation
):
    stranger = new_mentee(other_organisation)
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            mentees=[new_mentee(org), stranger],
        ),
    )
    assert "foreign_mentee" in codes(error)["mentees"]
    assert stranger.participant.full_name in error.message_dict["mentees"][0]


def test_refuses_a_mentor_of_another_organisation_outside_the_bank(
    programme, curator, other_organisation
):
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            mentor=new_mentor(other_organisation, shared_in_bank=False),
        ),
    )
    assert codes(error)["mentor"] == ["foreign_mentor"]


def test_refuses_a_bank_mentor_without_the_banks_approval(
    programme, curator, other_organisation
):
    assert other_organisation.municipality == programme.organisation.municipality
    mentor = new_mentor(other_organisation, shared_in_bank=True)
    error = refused(
        services.pair_create, **arguments(programme, curator, mentor=mentor)
    )
    assert codes(error)["mentor"] == ["bank_request_needed"]
    assert "банк" in error.message_dict["mentor"][0]


def test_allows_a_bank_mentor_the_bank_approved(programme, curator, other_organisation):
    mentor = new_mentor(other_organisation, shared_in_bank=True)
    pair = create(programme, curator, mentor=mentor, bank_approved=True)
    assert pair.mentor == mentor


def test_refuses_a_bank_mentor_as_a_substitute(programme, curator, other_organisation):
    pair = create(programme, curator)
    substitute = new_mentor(other_organisation, shared_in_bank=True)
    error = refused(
        services.pair_replace_mentor,
        pair=pair,
        new_mentor=substitute,
        on=TODAY,
        reason="Болезнь",
        by=curator,
    )
    assert codes(error)["new_mentor"] == ["bank_request_needed"]


def test_refuses_a_bank_mentor_of_another_municipality(programme, curator):
    far = f.OrganisationFactory(
        municipality=Municipality.objects.create(name="Другой район")
    )
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            mentor=new_mentor(far, shared_in_bank=True),
        ),
    )
    assert codes(error)["mentor"] == ["foreign_mentor"]


@pytest.mark.parametrize(
    "status",
    [
        MentorProfile.Status.CANDIDATE,
        MentorProfile.Status.TRAINED,
        MentorProfile.Status.ARCHIVED,
    ],
)
def test_refuses_a_mentor_not_ready_and_names_the_status(
    programme, curator, org, status
):
    mentor = new_mentor(org, status=status)
    error = refused(
        services.pair_create, **arguments(programme, curator, mentor=mentor)
    )
    assert codes(error)["mentor"] == ["mentor_status"]
    assert str(MentorProfile.Status(status).label) in error.message_dict["mentor"][0]


def test_allows_a_mentor_already_in_a_pair(programme, curator, org):
    mentor = new_mentor(org, status=MentorProfile.Status.IN_PAIR, capacity=3)
    assert create(programme, curator, mentor=mentor).mentor == mentor


@pytest.fixture
def social_programme(org):
    return f.ProgrammeFactory(organisation=org, forms=["social-risk", "teacher-pupil"])


def test_social_risk_form_refuses_an_ordinary_teacher(social_programme, curator, org):
    mentor = new_mentor(org, participant__position="Учитель математики")
    error = refused(
        services.pair_create,
        **arguments(
            social_programme,
            curator,
            mentor=mentor,
            form=catalogue_form("social-risk"),
            role_variant=variant("sr-social-pedagogue"),
        ),
    )
    assert codes(error)["mentor"] == ["social_risk"]


def test_social_risk_form_blocks_even_over_capacity_allowed(
    social_programme, curator, org
):
    error = refused(
        services.pair_create,
        **arguments(
            social_programme,
            curator,
            mentor=new_mentor(org),
            form=catalogue_form("social-risk"),
            role_variant=variant("sr-social-pedagogue"),
            allow_over_capacity=True,
        ),
    )
    assert codes(error)["mentor"] == ["social_risk"]


def test_social_risk_form_accepts_a_social_pedagogue(social_programme, curator, org):
    by_position = new_mentor(org, participant__position="Социальный педагог")
    pair = create(
        social_programme,
        curator,
        mentor=by_position,
        form=catalogue_form("social-risk"),
        role_variant=variant("sr-social-pedagogue"),
    )
    assert pair.mentor == by_position
    by_role = new_mentor(org, participant__position="")
    user = f.UserFactory()
    by_role.participant.user = user
    by_role.participant.save()
    f.MembershipFactory(user=user, organisation=org, role=Role.CLASS_TEACHER)
    pair = create(
        social_programme,
        curator,
        mentor=by_role,
        form=catalogue_form("social-risk"),
        role_variant=variant("sr-class-teacher"),
    )
    assert pair.mentor == by_role


def test_refuses_a_mentor_over_capacity_unless_allowed(programme, curator, org):
    mentor = new_mentor(org, capacity=1)
    create(programme, curator, mentor=mentor)
    error = refused(
        services.pair_create, **arguments(programme, curator, mentor=mentor)
    )
    assert codes(error)["mentor"] == [services.OVER_CAPACITY]
    message = error.message_dict["mentor"][0]
    assert "1" in message and mentor.participant.full_name in message
    pair = create(programme, curator, mentor=mentor, allow_over_capacity=True)
    assert pair.mentor == mentor


def test_a_group_counts_every_mentee_against_capacity(programme, curator, org):
    mentor = new_mentor(org, capacity=2)
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            mentor=mentor,
            mentees=[new_mentee(org) for _ in range(3)],
        ),
    )
    assert codes(error)["mentor"] == [services.OVER_CAPACITY]


def test_refuses_a_mentee_in_an_open_pair_of_the_same_form(programme, curator, org):
    mentee = new_mentee(org)
    create(programme, curator, mentees=[mentee])
    error = refused(
        services.pair_create, **arguments(programme, curator, mentees=[mentee])
    )
    assert codes(error)["mentees"] == ["mentee_busy"]


def test_a_mentee_may_be_in_open_pairs_of_different_forms(programme, curator, org):
    mentee = new_mentee(org)
    create(programme, curator, mentees=[mentee])
    pair = create(
        programme,
        curator,
        mentees=[mentee],
        form=catalogue_form("pupil-pupil"),
        role_variant=variant("pp-peer"),
    )
    assert list(pair.memberships.values_list("mentee", flat=True)) == [mentee.pk]


def test_a_closed_pair_of_the_same_form_does_not_block(programme, curator, org):
    mentee = new_mentee(org)
    first = create(programme, curator, mentees=[mentee])
    services.pair_terminate(
        pair=first,
        ended_on=TODAY,
        reason="Переезд наставника",
        by=curator,
        end_reason=Pair.EndReason.MENTOR_LEFT,
    )
    assert create(programme, curator, mentees=[mentee]).pk != first.pk


@pytest.mark.parametrize(
    "consent_kwargs",
    [
        None,
        {"revoked_on": TODAY - timedelta(days=1)},
        {"valid_until": TODAY - timedelta(days=1), "given_on": TODAY - timedelta(400)},
        {"scope": Consent.Scope.PUBLICATION},
        {"given_on": TODAY + timedelta(days=5)},
    ],
)
def test_refuses_a_minor_without_a_valid_processing_consent(
    programme, curator, org, consent_kwargs
):
    mentee = f.MenteeFactory(participant__organisation=org)
    assert mentee.participant.is_minor
    if consent_kwargs is not None:
        consent(mentee.participant, **consent_kwargs)
    error = refused(
        services.pair_create, **arguments(programme, curator, mentees=[mentee])
    )
    assert codes(error)["mentees"] == ["no_consent"]


def test_an_adult_mentee_needs_no_consent_here(programme, curator, org):
    adult = f.MenteeFactory(
        participant__organisation=org,
        participant__kind="teacher",
        participant__birth_date=date(1999, 5, 1),
    )
    pair = create(
        programme,
        curator,
        mentees=[adult],
        form=catalogue_form("teacher-teacher"),
        role_variant=variant("tt-young"),
    )
    assert pair.memberships.get().mentee == adult


def test_refuses_a_planned_end_not_after_the_start(programme, curator):
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            start_on=TODAY,
            planned_end_on=TODAY,
        ),
    )
    assert codes(error)["planned_end_on"] == ["end_before_start"]


def test_refuses_the_same_person_as_second_mentor(programme, curator, org):
    mentor = new_mentor(org)
    error = refused(
        services.pair_create,
        **arguments(programme, curator, mentor=mentor, co_mentor=mentor),
    )
    assert codes(error)["co_mentor"] == ["same_mentor"]


def test_a_second_mentor_passes_the_mentor_checks(programme, curator, org):
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            co_mentor=new_mentor(org, status=MentorProfile.Status.CANDIDATE),
        ),
    )
    assert codes(error)["co_mentor"] == ["mentor_status"]


def test_one_refusal_names_every_problem(programme, curator, org):
    error = refused(
        services.pair_create,
        **arguments(
            programme,
            curator,
            mentor=new_mentor(org, status=MentorProfile.Status.ARCHIVED),
            mentees=[],
            role_variant=variant("pp-peer"),
        ),
    )
    assert set(codes(error)) == {"mentor", "mentees", "role_variant"}


# --- pair_create: effects -----------------------------------------------------


def test_create_forms_the_pair_and_updates_both_bases(programme, curator, org):
    mentor = new_mentor(org, capacity=3)
    co_mentor = new_mentor(org)
    mentees = [new_mentee(org), new_mentee(org)]
    same_form = request_of(mentees[0], form=catalogue_form("teacher-pupil"))
    no_form = request_of(mentees[1])
    other_form = request_of(mentees[0], form=catalogue_form("pupil-pupil"))
    start = TODAY - timedelta(days=3)

    pair = create(
        programme,
        curator,
        mentor=mentor,
        co_mentor=co_mentor,
        mentees=mentees,
        start_on=start,
        title="Проект «Школьный музей»",
    )

    pair.refresh_from_db()
    assert pair.status == Pair.Status.FORMED
    assert pair.title == "Проект «Школьный музей»"
    assert sorted(pair.memberships.values_list("mentee", "joined_on")) == sorted(
        (mentee.pk, start) for mentee in mentees
    )
    for mentee in mentees:
        mentee.refresh_from_db()
        assert mentee.status == MenteeProfile.Status.IN_PAIR
    for person in (mentor, co_mentor):
        person.refresh_from_db()
        assert person.status == MentorProfile.Status.IN_PAIR
        change = person.status_changes.get()
        assert (change.status_from, change.status_to, change.changed_by) == (
            MentorProfile.Status.READY,
            MentorProfile.Status.IN_PAIR,
            curator,
        )
    statuses = dict(MenteeRequest.objects.values_list("pk", "status"))
    assert statuses[same_form.pk] == MenteeRequest.Status.COVERED
    assert statuses[no_form.pk] == MenteeRequest.Status.COVERED
    assert statuses[other_form.pk] == MenteeRequest.Status.OPEN
    event = pair.events.get()
    assert (event.kind, event.by, event.on) == (PairEvent.Kind.CREATED, curator, start)


def test_a_mentor_already_in_a_pair_gets_no_new_status_change(programme, curator, org):
    mentor = new_mentor(org, capacity=3)
    create(programme, curator, mentor=mentor)
    create(programme, curator, mentor=mentor)
    assert mentor.status_changes.count() == 1


# --- pairs_approve ---------------------------------------------------------------


@pytest.fixture
def formed_pairs(programme, curator):
    return [create(programme, curator) for _ in range(2)]


def test_approve_fixes_several_pairs_by_one_order(formed_pairs, curator):
    day = TODAY - timedelta(days=1)
    count = services.pairs_approve(
        pairs=formed_pairs, order_number=" 275/1 ", order_date=day, by=curator
    )
    assert count == 2
    for pair in formed_pairs:
        pair.refresh_from_db()
        assert (pair.status, pair.order_number, pair.order_date) == (
            Pair.Status.ACTIVE,
            "275/1",
            day,
        )
        event = pair.events.get(kind=PairEvent.Kind.APPROVED)
        assert (event.on, event.by) == (day, curator)
        assert "275/1" in event.note


def test_approve_refuses_all_when_one_is_not_formed(formed_pairs, curator, pair):
    error = refused(
        services.pairs_approve,
        pairs=[*formed_pairs, pair],
        order_number="12",
        order_date=TODAY,
        by=curator,
    )
    assert codes(error)[NON_FIELD_ERRORS] == ["not_formed"]
    assert str(pair) in error.message_dict[NON_FIELD_ERRORS][0]


def test_approve_refuses_an_order_dated_in_the_future(formed_pairs, curator):
    error = refused(
        services.pairs_approve,
        pairs=formed_pairs,
        order_number="12",
        order_date=TODAY + timedelta(days=1),
        by=curator,
    )
    assert codes(error)["order_date"] == ["future"]


def test_approve_refuses_without_a_number_or_pairs(formed_pairs, curator):
    error = refused(
        services.pairs_approve,
        pairs=formed_pairs,
        order_number="  ",
        order_date=TODAY,
        by=curator,
    )
    assert codes(error)["order_number"] == ["required"]
    error = refused(
        services.pairs_approve,
        pairs=[],
        order_number="12",
        order_date=TODAY,
        by=curator,
    )
    assert codes(error)[NON_FIELD_ERRORS] == ["required"]


# --- pair_close ---------------------------------------------------------------------


@pytest.fixture
def active_pair(programme, curator, org):
    mentees = [new_mentee(org), new_mentee(org)]
    for mentee in mentees:
        request_of(mentee, form=catalogue_form("teacher-pupil"))
    pair = create(
        programme,
        curator,
        mentor=new_mentor(org, capacity=2),
        co_mentor=new_mentor(org),
        mentees=mentees,
    )
    services.pairs_approve(pairs=[pair], order_number="5", order_date=TODAY, by=curator)
    f.MeetingFactory(pair=pair, held_on=TODAY - timedelta(days=20), author=curator)
    pair.refresh_from_db()
    return pair


def mentees_of(pair):
    return [link.mentee for link in pair.memberships.select_related("mentee")]


def test_close_completes_the_pair_and_frees_everyone(active_pair, curator):
    other_request = request_of(
        mentees_of(active_pair)[0],
        form=catalogue_form("pupil-pupil"),
        status=MenteeRequest.Status.COVERED,
    )
    day = TODAY - timedelta(days=1)
    services.pair_close(
        pair=active_pair,
        ended_on=day,
        result="Защитил проект на школьной конференции",
        evidence=Pair.Evidence.PROJECT,
        by=curator,
    )
    pair = Pair.objects.get(pk=active_pair.pk)
    assert (pair.status, pair.ended_on, pair.evidence) == (
        Pair.Status.COMPLETED,
        day,
        Pair.Evidence.PROJECT,
    )
    assert set(pair.memberships.values_list("left_on", flat=True)) == {day}
    for mentee in mentees_of(pair):
        assert mentee.status == MenteeProfile.Status.COMPLETED
        own = mentee.requests.filter(form=pair.form).get()
        assert own.status == MenteeRequest.Status.CLOSED
    other_request.refresh_from_db()
    assert other_request.status == MenteeRequest.Status.COVERED
    for person in (pair.mentor, pair.co_mentor):
        assert person.status == MentorProfile.Status.READY
        assert person.status_changes.first().status_to == MentorProfile.Status.READY
    assert pair.events.last().kind == PairEvent.Kind.COMPLETED
    # completion keeps the pair's people and meetings
    assert pair.memberships.count() == 2
    assert Meeting.objects.filter(pair=pair).count() == 1


def test_close_keeps_people_busy_elsewhere_in_their_pairs(
    active_pair, programme, curator
):
    mentee = mentees_of(active_pair)[0]
    active_pair.mentor.capacity = 5
    active_pair.mentor.save()
    create(
        programme,
        curator,
        mentor=active_pair.mentor,
        mentees=[mentee],
        form=catalogue_form("pupil-pupil"),
        role_variant=variant("pp-peer"),
    )
    services.pair_close(pair=active_pair, ended_on=TODAY, result="Итог", by=curator)
    mentee.refresh_from_db()
    assert mentee.status == MenteeProfile.Status.IN_PAIR
    active_pair.mentor.refresh_from_db()
    assert active_pair.mentor.status == MentorProfile.Status.IN_PAIR


@pytest.mark.parametrize(
    ("shift", "code"), [(-1, "before_start"), (None, "future")], ids=["early", "late"]
)
def test_close_refuses_a_wrong_end_date(active_pair, curator, shift, code):
    ended_on = (
        active_pair.start_on + timedelta(days=shift)
        if shift
        else TODAY + timedelta(days=1)
    )
    error = refused(
        services.pair_close,
        pair=active_pair,
        ended_on=ended_on,
        result="Итог",
        by=curator,
    )
    assert codes(error)["ended_on"] == [code]


def test_close_requires_a_result(active_pair, curator):
    error = refused(
        services.pair_close, pair=active_pair, ended_on=TODAY, result=" ", by=curator
    )
    assert codes(error)["result"] == ["required"]


def test_close_refuses_a_closed_pair(active_pair, curator):
    services.pair_close(pair=active_pair, ended_on=TODAY, result="Итог", by=curator)
    error = refused(
        services.pair_close,
        pair=active_pair,
        ended_on=TODAY,
        result="Ещё раз",
        by=curator,
    )
    assert codes(error) == {NON_FIELD_ERRORS: ["closed"]}


# --- pair_terminate -----------------------------------------------------------------


def test_terminate_sends_mentees_back_to_waiting(active_pair, curator):
    services.pair_terminate(
        pair=active_pair,
        ended_on=TODAY,
        reason="Наставник уволился",
        by=curator,
        end_reason=Pair.EndReason.MENTOR_LEFT,
    )
    pair = Pair.objects.get(pk=active_pair.pk)
    assert pair.status == Pair.Status.TERMINATED
    assert pair.termination_reason == "Наставник уволился"
    assert pair.ended_on == TODAY
    for mentee in mentees_of(pair):
        assert mentee.status == MenteeProfile.Status.WAITING
        assert set(mentee.requests.values_list("status", flat=True)) == {
            MenteeRequest.Status.OPEN
        }
    for person in (pair.mentor, pair.co_mentor):
        assert person.status == MentorProfile.Status.READY
    event = pair.events.last()
    assert (event.kind, event.note) == (
        PairEvent.Kind.TERMINATED,
        "Наставник уволился",
    )
    assert pair.memberships.count() == 2
    assert Meeting.objects.filter(pair=pair).count() == 1


def test_terminate_requires_a_reason(active_pair, curator):
    error = refused(
        services.pair_terminate,
        pair=active_pair,
        ended_on=TODAY,
        reason="",
        by=curator,
    )
    assert codes(error)["reason"] == ["required"]


def test_terminate_refuses_a_closed_pair_and_a_future_date(active_pair, curator):
    error = refused(
        services.pair_terminate,
        pair=active_pair,
        ended_on=TODAY + timedelta(days=3),
        reason="Причина",
        by=curator,
    )
    assert codes(error)["ended_on"] == ["future"]
    services.pair_terminate(
        pair=active_pair,
        ended_on=TODAY,
        reason="Причина",
        by=curator,
        end_reason=Pair.EndReason.OTHER,
    )
    error = refused(
        services.pair_terminate,
        pair=active_pair,
        ended_on=TODAY,
        reason="Причина",
        by=curator,
    )
    assert codes(error) == {NON_FIELD_ERRORS: ["closed"]}


# --- pair_replace_mentor ---------------------------------------------------------


def replace(pair, curator, **overrides):
    arguments = {
        "pair": pair,
        "on": TODAY,
        "reason": "Наставник в декретном отпуске",
        "by": curator,
    }
    arguments.update(overrides)
    return services.pair_replace_mentor(**arguments)


def test_replace_mentor_hands_the_pair_over(active_pair, curator, org):
    old = active_pair.mentor
    new = new_mentor(org, capacity=2)
    replace(active_pair, curator, new_mentor=new)
    pair = Pair.objects.get(pk=active_pair.pk)
    assert pair.mentor == new
    assert pair.status == Pair.Status.ACTIVE
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == MentorProfile.Status.IN_PAIR
    assert old.status == MentorProfile.Status.READY
    event = pair.events.last()
    assert (event.kind, event.old_mentor, event.new_mentor, event.on, event.by) == (
        PairEvent.Kind.MENTOR_REPLACED,
        old,
        new,
        TODAY,
        curator,
    )


def test_the_second_mentor_may_take_over(active_pair, curator):
    co_mentor = active_pair.co_mentor
    co_mentor.capacity = 2
    co_mentor.save()
    replace(active_pair, curator, new_mentor=co_mentor)
    pair = Pair.objects.get(pk=active_pair.pk)
    assert (pair.mentor, pair.co_mentor) == (co_mentor, None)


def test_replace_refuses_the_same_mentor(active_pair, curator):
    error = refused(
        replace, pair=active_pair, curator=curator, new_mentor=active_pair.mentor
    )
    assert codes(error)["new_mentor"] == ["same_mentor"]


def test_replace_checks_the_new_mentor_like_create(
    active_pair, curator, org, other_organisation
):
    for mentor, code in [
        (new_mentor(org, status=MentorProfile.Status.INTERVIEW), "mentor_status"),
        (new_mentor(other_organisation), "foreign_mentor"),
        (new_mentor(org, capacity=1), services.OVER_CAPACITY),
    ]:
        error = refused(replace, pair=active_pair, curator=curator, new_mentor=mentor)
        assert codes(error)["new_mentor"] == [code]


def test_replace_over_capacity_when_allowed(active_pair, curator, org):
    small = new_mentor(org, capacity=1)
    replace(active_pair, curator, new_mentor=small, allow_over_capacity=True)
    assert Pair.objects.get(pk=active_pair.pk).mentor == small


def test_replace_in_the_social_risk_form_needs_a_social_pedagogue(curator, org):
    programme = f.ProgrammeFactory(organisation=org, forms=["social-risk"])
    pair = create(
        programme,
        curator,
        mentor=new_mentor(org, participant__position="Социальный педагог"),
        form=catalogue_form("social-risk"),
        role_variant=variant("sr-social-pedagogue"),
    )
    error = refused(
        replace,
        pair=pair,
        curator=curator,
        new_mentor=new_mentor(org, participant__position="Учитель физики"),
    )
    assert codes(error)["new_mentor"] == ["social_risk"]


def test_replace_requires_a_reason_and_a_sensible_date(active_pair, curator, org):
    new = new_mentor(org, capacity=2)
    error = refused(
        replace,
        pair=active_pair,
        curator=curator,
        new_mentor=new,
        reason="",
        on=active_pair.start_on - timedelta(days=1),
    )
    assert codes(error) == {"on": ["before_start"], "reason": ["required"]}
    error = refused(
        replace,
        pair=active_pair,
        curator=curator,
        new_mentor=new,
        on=TODAY + timedelta(days=1),
    )
    assert codes(error) == {"on": ["future"]}


def test_replace_refuses_a_closed_pair(active_pair, curator, org):
    services.pair_close(pair=active_pair, ended_on=TODAY, result="Итог", by=curator)
    error = refused(
        replace, pair=active_pair, curator=curator, new_mentor=new_mentor(org)
    )
    assert codes(error) == {NON_FIELD_ERRORS: ["closed"]}
