"""Services of the two bases: what they save, and what they refuse without saving."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.models import MentoringForm, RequestArea
from people import services
from people.models import (
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    MentorStatusChange,
    MentorTraining,
    Participant,
)
from tests import factories as f

TODAY = timezone.localdate()


def years_ago(years: int) -> date:
    """A birth date `years` full years back (the 28th on a 29 February)."""
    return date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


@pytest.fixture
def group(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


@pytest.fixture
def area(db):
    return RequestArea.objects.get(code="study")


@pytest.fixture
def form_pp(db):
    return MentoringForm.objects.get(code="pupil-pupil")


def pupil(group, **overrides):
    data = {
        "kind": Participant.Kind.PUPIL,
        "last_name": "Ёлкина",
        "first_name": "Алёна",
        "middle_name": "Игоревна",
        "birth_date": years_ago(13),
        "study_group": group,
        "representative_name": "Ёлкина Ирина Петровна",
        "representative_phone": "+7 900 000-00-00",
    }
    return data | overrides


def counts():
    return (
        Participant.objects.count(),
        MenteeProfile.objects.count(),
        MenteeRequest.objects.count(),
        MentorProfile.objects.count(),
        MentorStatusChange.objects.count(),
    )


# --- mentee_create / mentee_update ----------------------------------------------


def test_mentee_create_saves_person_row_categories_and_requests(
    organisation, programme, group, area, form_pp
):
    category = f.catalogue(f.m.MenteeCategory, "low-results")
    mentee = services.mentee_create(
        organisation=organisation,
        participant=pupil(group),
        profile={
            "programme": programme,
            "categories": [category],
            "preferred_form": form_pp,
            "entered_on": TODAY,
        },
        requests=[
            {"area": area, "text": "Подтянуть математику", "form": form_pp},
            {"area": area, "text": "Готовиться к ОГЭ", "form": None},
        ],
    )
    mentee.refresh_from_db()
    assert mentee.participant.organisation == organisation
    assert mentee.participant.search_text.startswith("елкина алена")
    assert mentee.programme == programme
    assert list(mentee.categories.all()) == [category]
    assert sorted(mentee.requests.values_list("text", flat=True)) == [
        "Готовиться к ОГЭ",
        "Подтянуть математику",
    ]
    assert set(mentee.requests.values_list("status", flat=True)) == {"open"}


@pytest.mark.parametrize(
    ("overrides", "profile", "field"),
    [
        ({"birth_date": TODAY + timedelta(days=1)}, {}, "birth_date"),
        ({"birth_date": years_ago(3)}, {}, "birth_date"),
        ({"birth_date": years_ago(101)}, {}, "birth_date"),
        ({"study_group": None}, {}, "study_group"),
        ({"kind": Participant.Kind.PARENT}, {}, "kind"),
        ({"last_name": ""}, {}, "last_name"),
        ({}, {"entered_on": TODAY + timedelta(days=1)}, "entered_on"),
    ],
)
def test_mentee_create_refuses_bad_data_and_saves_nothing(
    organisation, group, area, overrides, profile, field
):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.mentee_create(
            organisation=organisation,
            participant=pupil(group, **overrides),
            profile=profile,
            requests=[{"area": area, "text": "Запрос"}],
        )
    assert field in error.value.message_dict
    assert counts() == before


def test_mentee_create_refuses_a_class_of_another_organisation(
    organisation, other_organisation
):
    foreign = f.StudyGroupFactory(organisation=other_organisation, name="8А", grade=8)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.mentee_create(
            organisation=organisation, participant=pupil(foreign), profile={}
        )
    assert "study_group" in error.value.message_dict
    assert counts() == before


def test_mentee_create_refuses_a_programme_of_another_organisation(
    organisation, other_organisation, group
):
    foreign = f.ProgrammeFactory(organisation=other_organisation)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.mentee_create(
            organisation=organisation,
            participant=pupil(group),
            profile={"programme": foreign},
        )
    assert "programme" in error.value.message_dict
    assert counts() == before


def test_mentee_create_reports_every_error_at_once(organisation, group):
    with pytest.raises(ValidationError) as error:
        services.mentee_create(
            organisation=organisation,
            participant=pupil(
                group, study_group=None, birth_date=TODAY + timedelta(days=3)
            ),
            profile={"entered_on": TODAY + timedelta(days=3)},
        )
    assert {"study_group", "birth_date", "entered_on"} <= set(error.value.message_dict)


def test_a_teacher_needs_no_class(organisation):
    mentee = services.mentee_create(
        organisation=organisation,
        participant={
            "kind": Participant.Kind.TEACHER,
            "last_name": "Смирнова",
            "first_name": "Ольга",
            "position": "учитель физики",
            "birth_date": years_ago(24),
        },
        profile={},
    )
    assert mentee.participant.study_group is None


def test_a_broken_request_saves_nothing(organisation, group, area):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.mentee_create(
            organisation=organisation,
            participant=pupil(group),
            profile={},
            requests=[{"area": area, "text": "Хороший"}, {"area": area, "text": ""}],
        )
    assert "requests" in error.value.message_dict
    assert counts() == before


@pytest.fixture
def existing(organisation, group, area):
    mentee = f.MenteeFactory(
        participant__organisation=organisation, participant__study_group=group
    )
    keep = MenteeRequest.objects.create(mentee=mentee, area=area, text="Оставить")
    drop = MenteeRequest.objects.create(mentee=mentee, area=area, text="Удалить")
    return mentee, keep, drop


def test_mentee_update_changes_person_row_and_requests(existing, group, area):
    mentee, keep, drop = existing
    services.mentee_update(
        mentee=mentee,
        participant=pupil(group, last_name="Иванова"),
        profile={"status": MenteeProfile.Status.IN_PAIR, "categories": []},
        requests=[
            {"id": keep.pk, "area": area, "text": "Оставить, уточнено"},
            {"id": drop.pk, "area": area, "text": "Удалить", "delete": True},
            {"area": area, "text": "Новый запрос", "status": "covered"},
        ],
    )
    mentee.refresh_from_db()
    assert mentee.participant.last_name == "Иванова"
    assert mentee.status == MenteeProfile.Status.IN_PAIR
    assert dict(mentee.requests.values_list("text", "status")) == {
        "Оставить, уточнено": "open",
        "Новый запрос": "covered",
    }


def test_mentee_update_refuses_a_request_of_another_mentee(existing, group, area):
    mentee, keep, _drop = existing
    stranger = MenteeRequest.objects.create(
        mentee=f.MenteeFactory(), area=area, text="Чужой"
    )
    with pytest.raises(ValidationError) as error:
        services.mentee_update(
            mentee=mentee,
            participant=pupil(group, last_name="Другая"),
            profile={},
            requests=[{"id": stranger.pk, "area": area, "text": "Взлом"}],
        )
    assert "requests" in error.value.message_dict
    stranger.refresh_from_db()
    assert stranger.text == "Чужой"
    assert Participant.objects.get(pk=mentee.participant_id).last_name != "Другая"


def test_mentee_update_with_an_error_changes_nothing(existing, group):
    mentee, _keep, _drop = existing
    old_name = mentee.participant.last_name
    with pytest.raises(ValidationError):
        services.mentee_update(
            mentee=mentee,
            participant=pupil(group, last_name="Новая", study_group=None),
            profile={"status": MenteeProfile.Status.LEFT},
        )
    fresh = MenteeProfile.objects.select_related("participant").get(pk=mentee.pk)
    assert fresh.participant.last_name == old_name
    assert fresh.status == MenteeProfile.Status.WAITING


# --- bulk changes of mentees ----------------------------------------------------


def test_mentees_set_status_counts_only_real_changes(organisation):
    waiting = f.MenteeFactory.create_batch(2, participant__organisation=organisation)
    done = f.MenteeFactory(
        participant__organisation=organisation, status=MenteeProfile.Status.LEFT
    )
    changed = services.mentees_set_status(
        organisation=organisation,
        mentees=[*waiting, done],
        status=MenteeProfile.Status.LEFT,
    )
    assert changed == 2
    assert set(MenteeProfile.objects.values_list("status", flat=True)) == {"left"}


def test_mentees_set_status_refuses_another_organisations_rows(
    organisation, other_organisation
):
    own = f.MenteeFactory(participant__organisation=organisation)
    foreign = f.MenteeFactory(participant__organisation=other_organisation)
    with pytest.raises(ValidationError):
        services.mentees_set_status(
            organisation=organisation, mentees=[own, foreign], status="left"
        )
    assert set(MenteeProfile.objects.values_list("status", flat=True)) == {"waiting"}


@pytest.mark.parametrize(("mentees", "status"), [("one", "nonsense"), ("none", "left")])
def test_mentees_set_status_refuses_nonsense(organisation, mentees, status):
    rows = [f.MenteeFactory(participant__organisation=organisation)]
    with pytest.raises(ValidationError):
        services.mentees_set_status(
            organisation=organisation,
            mentees=rows if mentees == "one" else [],
            status=status,
        )


def test_mentees_assign_programme(organisation, programme):
    rows = f.MenteeFactory.create_batch(3, participant__organisation=organisation)
    assert (
        services.mentees_assign_programme(
            organisation=organisation, mentees=rows, programme=programme
        )
        == 3
    )
    assert set(MenteeProfile.objects.values_list("programme", flat=True)) == {
        programme.pk
    }


def test_mentees_assign_programme_refuses_other_organisations(
    organisation, other_organisation, programme
):
    own = f.MenteeFactory(participant__organisation=organisation)
    foreign_mentee = f.MenteeFactory(participant__organisation=other_organisation)
    foreign_programme = f.ProgrammeFactory(organisation=other_organisation)
    with pytest.raises(ValidationError):
        services.mentees_assign_programme(
            organisation=organisation, mentees=[own], programme=foreign_programme
        )
    with pytest.raises(ValidationError):
        services.mentees_assign_programme(
            organisation=organisation,
            mentees=[own, foreign_mentee],
            programme=programme,
        )
    assert not MenteeProfile.objects.filter(programme__isnull=False).exists()


# --- mentors --------------------------------------------------------------------


def teacher(**overrides):
    data = {
        "kind": Participant.Kind.TEACHER,
        "last_name": "Петров",
        "first_name": "Иван",
        "middle_name": "Сергеевич",
        "position": "учитель математики",
        "experience_years": 12,
        "subjects": "Математика",
    }
    return data | overrides


def mentor_profile(**overrides):
    data = {
        "category": f.catalogue(f.m.MentorCategory, "teacher"),
        "capacity": 3,
        "desired_age_min": 12,
        "desired_age_max": 15,
        "status": MentorProfile.Status.CANDIDATE,
    }
    return data | overrides


def test_mentor_create_records_the_first_step(organisation, curator):
    mentor = services.mentor_create(
        organisation=organisation,
        participant=teacher(),
        profile=mentor_profile(),
        by=curator,
    )
    assert mentor.participant.organisation == organisation
    change = mentor.status_changes.get()
    assert (change.status_from, change.status_to, change.changed_by) == (
        "",
        "candidate",
        curator,
    )


@pytest.mark.parametrize(
    ("person", "profile", "field"),
    [
        ({}, {"desired_age_min": 16, "desired_age_max": 12}, "desired_age_max"),
        ({}, {"capacity": 0}, "capacity"),
        ({}, {"capacity": 31}, "capacity"),
        ({"experience_years": 61}, {}, "experience_years"),
        ({"experience_years": -1}, {}, "experience_years"),
        # a teacher of the school is in the internal contour
        ({}, {"category": "employee"}, "category"),
        ({}, {"entered_on": TODAY + timedelta(days=1)}, "entered_on"),
        ({"kind": "nobody"}, {}, "kind"),
    ],
)
def test_mentor_create_refuses_bad_data_and_saves_nothing(
    organisation, person, profile, field
):
    if "category" in profile:
        profile = {"category": f.catalogue(f.m.MentorCategory, profile["category"])}
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.mentor_create(
            organisation=organisation,
            participant=teacher(**person),
            profile=mentor_profile(**profile),
        )
    assert field in error.value.message_dict
    assert counts() == before


def test_an_external_mentor_may_have_an_external_category(organisation):
    mentor = services.mentor_create(
        organisation=organisation,
        participant=teacher(
            kind=Participant.Kind.EXTERNAL, workplace="АО «Змеиногорский завод»"
        ),
        profile=mentor_profile(category=f.catalogue(f.m.MentorCategory, "employee")),
    )
    assert mentor.contour == "external"


def test_mentor_update_changes_data_but_not_the_status(organisation):
    mentor = f.MentorFactory(participant__organisation=organisation)
    services.mentor_update(
        mentor=mentor,
        participant=teacher(last_name="Сидоров"),
        profile={"capacity": 5, "shared_in_bank": True},
    )
    mentor.refresh_from_db()
    assert (mentor.participant.last_name, mentor.capacity, mentor.shared_in_bank) == (
        "Сидоров",
        5,
        True,
    )
    with pytest.raises(TypeError):
        services.mentor_update(
            mentor=mentor, participant={}, profile={"status": "archived"}
        )


def test_mentor_update_with_an_error_changes_nothing(organisation):
    mentor = f.MentorFactory(participant__organisation=organisation, capacity=2)
    with pytest.raises(ValidationError):
        services.mentor_update(
            mentor=mentor,
            participant=teacher(last_name="Сидоров"),
            profile={"capacity": 40},
        )
    mentor = MentorProfile.objects.select_related("participant").get(pk=mentor.pk)
    assert mentor.capacity == 2
    assert mentor.participant.last_name != "Сидоров"


def test_mentor_set_status_records_the_move(organisation, curator):
    mentor = f.MentorFactory(
        participant__organisation=organisation, status=MentorProfile.Status.INTERVIEW
    )
    change = services.mentor_set_status(
        mentor=mentor,
        status=MentorProfile.Status.TRAINED,
        by=curator,
        comment="  Курс пройден  ",
    )
    mentor.refresh_from_db()
    assert mentor.status == "trained"
    assert (
        change.status_from,
        change.status_to,
        change.changed_by,
        change.comment,
    ) == (
        "interview",
        "trained",
        curator,
        "Курс пройден",
    )
    assert change.changed_at is not None


def test_mentor_set_status_allows_any_move_even_by_hand_into_a_pair(
    organisation, curator
):
    mentor = f.MentorFactory(
        participant__organisation=organisation, status=MentorProfile.Status.CANDIDATE
    )
    services.mentor_set_status(mentor=mentor, status="in_pair", by=curator)
    services.mentor_set_status(mentor=mentor, status="candidate", by=curator)
    assert list(
        mentor.status_changes.order_by("pk").values_list("status_from", "status_to")
    ) == [("candidate", "in_pair"), ("in_pair", "candidate")]


@pytest.mark.parametrize("status", ["ready", "nonsense"])
def test_mentor_set_status_refuses_no_op_and_unknown(organisation, curator, status):
    mentor = f.MentorFactory(
        participant__organisation=organisation, status=MentorProfile.Status.READY
    )
    with pytest.raises(ValidationError) as error:
        services.mentor_set_status(mentor=mentor, status=status, by=curator)
    assert "status" in error.value.message_dict
    assert not MentorStatusChange.objects.exists()
    mentor.refresh_from_db()
    assert mentor.status == "ready"


def test_mentors_set_status_moves_each_with_history(
    organisation, other_organisation, curator
):
    ready = f.MentorFactory.create_batch(2, participant__organisation=organisation)
    archived = f.MentorFactory(
        participant__organisation=organisation, status=MentorProfile.Status.ARCHIVED
    )
    moved = services.mentors_set_status(
        organisation=organisation,
        mentors=[*ready, archived],
        status="archived",
        by=curator,
    )
    assert moved == 2
    assert MentorStatusChange.objects.filter(status_to="archived").count() == 2
    foreign = f.MentorFactory(participant__organisation=other_organisation)
    with pytest.raises(ValidationError):
        services.mentors_set_status(
            organisation=organisation, mentors=[foreign], status="archived", by=curator
        )
    foreign.refresh_from_db()
    assert foreign.status == "ready"


def test_mentor_training_add(organisation):
    mentor = f.MentorFactory(participant__organisation=organisation)
    training = services.mentor_training_add(
        mentor=mentor,
        title="Школа наставника",
        provider="ИРО",
        completed_on=TODAY,
        hours=36,
        document="№ 123",
    )
    assert list(mentor.trainings.all()) == [training]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"completed_on": TODAY + timedelta(days=1)}, "completed_on"),
        ({"hours": 0}, "hours"),
        ({"title": "   "}, "title"),
    ],
)
def test_mentor_training_add_refuses(organisation, changes, field):
    mentor = f.MentorFactory(participant__organisation=organisation)
    data = {"title": "Курс", "completed_on": TODAY, "hours": 16} | changes
    with pytest.raises(ValidationError) as error:
        services.mentor_training_add(mentor=mentor, **data)
    assert field in error.value.message_dict
    assert not MentorTraining.objects.exists()
