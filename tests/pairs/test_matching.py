"""The matching rules one by one, the score, and the suggestion lists."""

from datetime import date

import pytest

from mentoring import models as m
from pairs import matching
from pairs.matching import BLOCK, NOTE, PLUS, WARNING
from people.models import MenteeRequest, MentorProfile, Role
from tests import factories as f

TODAY = date(2025, 10, 1)


def form(code):
    return f.catalogue(m.MentoringForm, code)


def variant(code):
    return f.catalogue(m.RoleVariant, code)


def mentor_category(code):
    return f.catalogue(m.MentorCategory, code)


def group(organisation, name, grade):
    return f.StudyGroupFactory(organisation=organisation, name=name, grade=grade)


def new_mentor(organisation, **kwargs):
    """A ready teacher mentor (15 years, Математика) unless told otherwise; loaded
    the way suggestions load it."""
    mentor = f.MentorFactory(participant__organisation=organisation, **kwargs)
    return matching.mentor_queryset().get(pk=mentor.pk)


def new_pupil_mentor(organisation, study_group, **kwargs):
    return new_mentor(
        organisation,
        category=mentor_category("pupil"),
        participant__kind="pupil",
        participant__study_group=study_group,
        participant__experience_years=None,
        participant__subjects="",
        participant__birth_date=date(2009, 5, 1),
        **kwargs,
    )


def new_mentee(organisation, *, requests=(), categories=(), **kwargs):
    mentee = f.MenteeFactory(participant__organisation=organisation, **kwargs)
    for text, area, status, request_form in requests:
        MenteeRequest.objects.create(
            mentee=mentee,
            text=text,
            area=f.catalogue(m.RequestArea, area),
            status=status,
            form=request_form,
        )
    mentee.categories.set(m.MenteeCategory.objects.filter(code__in=categories))
    return matching.mentee_queryset().get(pk=mentee.pk)


def new_teacher_mentee(organisation, **kwargs):
    return new_mentee(
        organisation,
        participant__kind="teacher",
        participant__birth_date=date(2000, 2, 2),
        **kwargs,
    )


def run(rule, mentor, mentees, *, form_code="teacher-pupil", role_variant=None):
    return rule(
        mentor,
        mentees,
        form=form(form_code) if form_code else None,
        role_variant=role_variant,
        today=TODAY,
    )


def kinds(reasons):
    return [reason.kind for reason in reasons]


# --- words ----------------------------------------------------------------------------


def test_words_keep_meaningful_words_and_abbreviations():
    found = [w.key for w in matching.words("Подготовка к ОГЭ по математике, 5 класс")]
    assert found == ["огэ", "математике"]  # «подготовка», «класс»: common words


def test_words_keep_how_the_person_wrote_them():
    shown = [w.shown for w in matching.words("Математика и ЕГЭ")]
    assert shown == ["математика", "ЕГЭ"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("математике", "математика", True),
        ("урока", "уроков", True),
        ("вторник", "вторникам", True),
        ("огэ", "огэ", True),
        ("огэ", "егэ", False),
        ("физика", "физкультура", False),
        ("история", "информатика", False),
    ],
)
def test_same_word_survives_russian_endings(a, b, same):
    assert matching.same_word(a, b) is same


# --- rule: request ↔ competencies -----------------------------------------------------


def test_request_words_found_in_competencies(organisation):
    mentor = new_mentor(organisation, key_competencies="Математика, подготовка к ОГЭ")
    mentee = new_mentee(
        organisation,
        requests=[("Подготовка к ОГЭ по математике", "study", "open", None)],
    )
    [reason] = run(matching.rule_request_competencies, mentor, [mentee])
    assert reason.kind == PLUS
    assert reason.points == 2 * matching.POINTS_PER_WORD
    assert "математика" in reason.text and "ОГЭ" in reason.text
    assert "Подготовка к ОГЭ по математике" in reason.text


def test_request_area_name_counts_and_closed_requests_do_not(organisation):
    mentor = new_mentor(
        organisation,
        key_competencies="Олимпиады по биологии",
        participant__subjects="Биология",
    )
    closed = new_mentee(
        organisation,
        requests=[("Хочу победить на олимпиаде по биологии", "study", "closed", None)],
    )
    assert run(matching.rule_request_competencies, mentor, [closed]) == []
    by_area = new_mentee(
        organisation, requests=[("Хочу участвовать", "olympiad", "open", None)]
    )
    [reason] = run(matching.rule_request_competencies, mentor, [by_area])
    assert "олимпиады" in reason.text


def test_request_points_are_capped(organisation):
    text = "алгебра геометрия тригонометрия стереометрия планиметрия статистика"
    mentor = new_mentor(organisation, key_competencies=text)
    mentee = new_mentee(organisation, requests=[(text, "study", "open", None)])
    reasons = run(matching.rule_request_competencies, mentor, [mentee])
    assert sum(r.points for r in reasons) == matching.MAX_WORD_POINTS


# --- rule: same subject ---------------------------------------------------------------


def test_subject_mentor_and_teacher_with_a_common_subject(organisation):
    mentor = new_mentor(
        organisation,
        mentor_type=MentorProfile.MentorType.SUBJECT,
        participant__subjects="Математика, информатика",
    )
    mentee = new_teacher_mentee(organisation, participant__subjects="Математика")
    [reason] = run(matching.rule_same_subject, mentor, [mentee])
    assert (reason.kind, reason.points) == (PLUS, matching.SUBJECT_PLUS)


def test_subject_mentor_without_a_common_subject_warns(organisation):
    mentor = new_mentor(
        organisation,
        mentor_type=MentorProfile.MentorType.SUBJECT,
        participant__subjects="Математика",
    )
    mentee = new_teacher_mentee(organisation, participant__subjects="История")
    [reason] = run(matching.rule_same_subject, mentor, [mentee])
    assert (reason.kind, reason.points) == (WARNING, matching.SUBJECT_MINUS)
    assert mentee.participant.short_name in reason.text


def test_subject_rule_only_for_subject_mentors_or_the_subject_variant(organisation):
    consultant = new_mentor(
        organisation,
        mentor_type=MentorProfile.MentorType.CONSULTANT,
        participant__subjects="Математика",
    )
    mentee = new_teacher_mentee(organisation, participant__subjects="История")
    assert run(matching.rule_same_subject, consultant, [mentee]) == []
    reasons = run(
        matching.rule_same_subject,
        consultant,
        [mentee],
        role_variant=variant("tt-subject"),
    )
    assert kinds(reasons) == [WARNING]


def test_subject_rule_ignores_pupil_mentees(organisation):
    mentor = new_mentor(organisation, mentor_type=MentorProfile.MentorType.SUBJECT)
    assert run(matching.rule_same_subject, mentor, [new_mentee(organisation)]) == []


# --- rule: higher stage of school -----------------------------------------------------


def test_pupil_mentor_of_a_higher_stage(organisation):
    mentor = new_pupil_mentor(organisation, group(organisation, "10А", 10))
    mentee = new_mentee(
        organisation, participant__study_group=group(organisation, "7Б", 7)
    )
    [reason] = run(matching.rule_higher_stage, mentor, [mentee], form_code=None)
    assert (reason.kind, reason.points) == (PLUS, matching.STAGE_PLUS)
    assert "10А" in reason.text and "7Б" in reason.text


def test_pupil_mentor_of_the_same_stage_warns(organisation):
    mentor = new_pupil_mentor(organisation, group(organisation, "9А", 9))
    mentee = new_mentee(
        organisation, participant__study_group=group(organisation, "5Б", 5)
    )
    [reason] = run(matching.rule_higher_stage, mentor, [mentee], form_code=None)
    assert (reason.kind, reason.points) == (WARNING, matching.STAGE_MINUS)


def test_stage_rule_skips_peer_variant_and_flags_unknown_class(organisation):
    mentor = new_pupil_mentor(organisation, group(organisation, "9А", 9))
    same_stage = new_mentee(
        organisation, participant__study_group=group(organisation, "8Б", 8)
    )
    peer = variant("pp-peer")
    assert (
        run(matching.rule_higher_stage, mentor, [same_stage], role_variant=peer) == []
    )
    no_class = new_mentee(organisation)
    [reason] = run(matching.rule_higher_stage, mentor, [no_class], form_code=None)
    assert (reason.kind, reason.points) == (WARNING, matching.UNKNOWN_MINUS)


def test_stage_rule_is_for_pupil_mentors_only(organisation):
    teacher = new_mentor(organisation)
    mentee = new_mentee(
        organisation, participant__study_group=group(organisation, "11А", 11)
    )
    assert run(matching.rule_higher_stage, teacher, [mentee]) == []


# --- rule: mentor's experience --------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "kind", "points"),
    [
        (15, PLUS, matching.EXPERIENCE_PLUS),
        (5, PLUS, matching.EXPERIENCE_PLUS),
        (3, WARNING, matching.EXPERIENCE_MINUS),
        (None, WARNING, matching.UNKNOWN_MINUS),
    ],
)
def test_teacher_and_employer_mentors_need_five_years(
    organisation, years, kind, points
):
    mentor = new_mentor(organisation, participant__experience_years=years)
    mentee = new_mentee(organisation)
    [reason] = run(matching.rule_mentor_experience, mentor, [mentee])
    assert (reason.kind, reason.points) == (kind, points)


def test_experience_rule_not_in_pupil_forms(organisation):
    mentor = new_mentor(organisation, participant__experience_years=1)
    mentee = new_mentee(organisation)
    assert (
        run(matching.rule_mentor_experience, mentor, [mentee], form_code="pupil-pupil")
        == []
    )


# --- rule: young specialist -----------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "kind", "points"),
    [
        (0, PLUS, matching.YOUNG_PLUS),
        (3, PLUS, matching.YOUNG_PLUS),
        (6, WARNING, matching.YOUNG_MINUS),
        (None, WARNING, matching.UNKNOWN_MINUS),
    ],
)
def test_young_specialist_has_up_to_three_years(organisation, years, kind, points):
    mentee = new_teacher_mentee(
        organisation,
        categories=["young-specialist"],
        participant__experience_years=years,
    )
    [reason] = run(
        matching.rule_young_specialist,
        new_mentor(organisation),
        [mentee],
        form_code="teacher-teacher",
    )
    assert (reason.kind, reason.points) == (kind, points)


def test_young_specialist_by_role_variant(organisation):
    mentee = new_teacher_mentee(organisation, participant__experience_years=10)
    mentor = new_mentor(organisation)
    assert run(matching.rule_young_specialist, mentor, [mentee]) == []
    reasons = run(
        matching.rule_young_specialist,
        mentor,
        [mentee],
        form_code="teacher-teacher",
        role_variant=variant("tt-young"),
    )
    assert kinds(reasons) == [WARNING]


# --- rule: free places ----------------------------------------------------------------


def test_free_places_give_points_in_proportion(organisation):
    mentee = new_mentee(organisation)
    one = run(matching.rule_free_places, new_mentor(organisation, capacity=1), [mentee])
    three = run(
        matching.rule_free_places, new_mentor(organisation, capacity=3), [mentee]
    )
    assert kinds(one) == kinds(three) == [PLUS]
    assert one[0].points == matching.POINTS_PER_FREE_PLACE
    assert three[0].points == 3 * matching.POINTS_PER_FREE_PLACE


def test_full_mentor_gets_a_big_minus(programme, organisation):
    pair = f.PairFactory(programme=programme, mentor__capacity=1)
    f.PairMenteeFactory(pair=pair)
    mentor = matching.mentor_queryset().get(pk=pair.mentor.pk)
    [reason] = run(matching.rule_free_places, mentor, [new_mentee(organisation)])
    assert (reason.kind, reason.points) == (WARNING, matching.FULL_MINUS)
    assert "1" in reason.text


def test_not_enough_places_for_a_group(organisation):
    mentor = new_mentor(organisation, capacity=1)
    mentees = [new_mentee(organisation), new_mentee(organisation)]
    [reason] = run(matching.rule_free_places, mentor, mentees)
    assert (reason.kind, reason.points) == (WARNING, matching.FULL_MINUS)


# --- rule: meeting time ---------------------------------------------------------------


def test_a_convenient_time_in_common(organisation):
    mentor = new_mentor(organisation, meeting_time="Вторник и четверг после уроков")
    mentee = new_mentee(organisation, meeting_time="По вторникам после 7-го урока")
    [reason] = run(matching.rule_meeting_time, mentor, [mentee])
    assert (reason.kind, reason.points) == (PLUS, matching.TIME_PLUS)
    assert "вторник" in reason.text
    other = new_mentee(organisation, meeting_time="Суббота, 11:00")
    assert run(matching.rule_meeting_time, mentor, [other]) == []


# --- rule: desired age ----------------------------------------------------------------


def test_desired_age(organisation):
    mentor = new_mentor(organisation, desired_age_min=12, desired_age_max=15)
    thirteen = new_mentee(organisation, participant__birth_date=date(2012, 3, 5))
    seventeen = new_mentee(organisation, participant__birth_date=date(2008, 3, 5))
    [inside] = run(matching.rule_desired_age, mentor, [thirteen])
    assert (inside.kind, inside.points) == (PLUS, matching.AGE_PLUS)
    [outside] = run(matching.rule_desired_age, mentor, [thirteen, seventeen])
    assert (outside.kind, outside.points) == (WARNING, matching.AGE_MINUS)
    assert seventeen.participant.short_name in outside.text
    no_wish = new_mentor(organisation)
    assert run(matching.rule_desired_age, no_wish, [seventeen]) == []


# --- rule: organisation ---------------------------------------------------------------


def test_same_organisation_and_the_mentor_bank(organisation, other_organisation):
    mentee = new_mentee(organisation)
    [same] = run(matching.rule_organisation, new_mentor(organisation), [mentee])
    assert (same.kind, same.points) == (PLUS, matching.SAME_ORGANISATION_PLUS)
    banked = new_mentor(other_organisation, shared_in_bank=True)
    [note] = run(matching.rule_organisation, banked, [mentee])
    assert (note.kind, note.points) == (NOTE, 0)
    assert other_organisation.short_name in note.text


# --- rule: form fit -------------------------------------------------------------------


def test_form_fit(organisation):
    teacher = new_mentor(organisation)
    pupil = new_pupil_mentor(organisation, group(organisation, "10А", 10))
    employee = new_mentor(
        organisation,
        category=mentor_category("employee"),
        participant__kind="external",
    )
    mentee = new_mentee(organisation)

    def fit(mentor, code):
        [reason] = run(matching.rule_form_fit, mentor, [mentee], form_code=code)
        return reason.kind, reason.points

    assert fit(teacher, "teacher-teacher") == (PLUS, matching.FORM_FIT_PLUS)
    assert fit(pupil, "teacher-teacher") == (WARNING, matching.FORM_MISFIT_MINUS)
    assert fit(pupil, "pupil-pupil") == (PLUS, matching.FORM_FIT_PLUS)
    assert fit(teacher, "pupil-pupil") == (WARNING, matching.FORM_MISFIT_MINUS)
    assert fit(employee, "employer-pupil") == (PLUS, matching.FORM_FIT_PLUS)
    assert fit(teacher, "employer-pupil") == (WARNING, matching.FORM_MISFIT_MINUS)


# --- rule: social-risk form -----------------------------------------------------------


def test_social_risk_form_blocks_anyone_but_a_social_pedagogue(organisation):
    mentee = new_mentee(organisation)
    teacher = new_mentor(organisation, participant__position="учитель математики")
    [blocked] = run(
        matching.rule_social_risk, teacher, [mentee], form_code="social-risk"
    )
    assert blocked.kind == BLOCK
    assert run(matching.rule_social_risk, teacher, [mentee]) == []

    by_position = new_mentor(
        organisation, participant__position="Классный руководитель 7Б"
    )
    user = f.UserFactory()
    f.MembershipFactory(
        user=user, organisation=organisation, role=Role.SOCIAL_PEDAGOGUE
    )
    by_role = new_mentor(organisation, participant__user=user)
    for mentor in (by_position, by_role):
        [allowed] = run(
            matching.rule_social_risk, mentor, [mentee], form_code="social-risk"
        )
        assert (allowed.kind, allowed.points) == (PLUS, matching.SOCIAL_RISK_PLUS)


# --- score ----------------------------------------------------------------------------


def test_score_sums_the_points_and_blocks(organisation):
    mentor = new_mentor(organisation)
    mentee = new_mentee(organisation)
    match = matching.score(mentor, [mentee], form=form("teacher-pupil"), today=TODAY)
    assert match.score == sum(reason.points for reason in match.reasons)
    assert not match.blocked
    assert match.mentees == [mentee]
    blocked = matching.score(mentor, [mentee], form=form("social-risk"), today=TODAY)
    assert blocked.blocked


def test_default_form(organisation, programme):
    preferred = new_mentee(organisation, preferred_form=form("pupil-pupil"))
    assert matching.default_form(preferred) == form("pupil-pupil")
    by_request = new_mentee(
        organisation,
        requests=[
            ("Без формы", "study", "open", None),
            ("Профориентация", "career", "open", form("employer-pupil")),
        ],
    )
    assert matching.default_form(by_request) == form("employer-pupil")
    by_programme = new_mentee(organisation, programme=programme)
    assert matching.default_form(by_programme) == form("pupil-pupil")
    assert matching.default_form(new_mentee(organisation)) is None


# --- suggestions ----------------------------------------------------------------------


@pytest.fixture
def pool(organisation, other_organisation):
    """Candidates of every sort around one pupil mentee."""
    mentee = new_mentee(
        organisation,
        requests=[("Подготовка к ОГЭ по математике", "study", "open", None)],
    )
    far = f.OrganisationFactory(municipality=f.MunicipalityFactory(name="Другой район"))
    return {
        "mentee": mentee,
        "best": new_mentor(organisation, key_competencies="Математика, ОГЭ"),
        "plain": new_mentor(organisation, key_competencies="Литература"),
        "banked": new_mentor(other_organisation, shared_in_bank=True),
        "not_shared": new_mentor(other_organisation),
        "far_banked": new_mentor(far, shared_in_bank=True),
        "candidate": new_mentor(organisation, status=MentorProfile.Status.CANDIDATE),
        "left": new_mentor(organisation, participant__left_on=date(2025, 1, 1)),
    }


def test_suggest_mentors_ranks_the_candidates(pool, organisation):
    matches = matching.suggest_mentors(
        [pool["mentee"]],
        organisation=organisation,
        form=form("teacher-pupil"),
        today=TODAY,
    )
    mentors = [match.mentor for match in matches]
    assert set(mentors) == {pool["best"], pool["plain"], pool["banked"]}
    assert mentors[0] == pool["best"]
    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)


def test_blocked_mentors_come_last(pool, organisation):
    user = f.UserFactory()
    f.MembershipFactory(
        user=user, organisation=organisation, role=Role.SOCIAL_PEDAGOGUE
    )
    allowed = new_mentor(organisation, participant__user=user, capacity=1)
    matches = matching.suggest_mentors(
        [pool["mentee"]],
        organisation=organisation,
        form=form("social-risk"),
        today=TODAY,
    )
    assert matches[0].mentor == allowed
    assert not matches[0].blocked
    assert all(match.blocked for match in matches[1:])


def test_suggest_mentors_in_a_constant_number_of_queries(
    pool, organisation, django_assert_num_queries
):
    social_risk = form("social-risk")

    def suggest():
        return matching.suggest_mentors(
            [pool["mentee"]], organisation=organisation, form=social_risk, today=TODAY
        )

    def mentor_with_login():
        user = f.UserFactory()
        f.MembershipFactory(user=user, organisation=organisation, role=Role.CURATOR)
        new_mentor(organisation, participant__user=user)

    mentor_with_login()
    with django_assert_num_queries(2):
        few = suggest()
    for _ in range(5):
        mentor_with_login()
    with django_assert_num_queries(2):
        many = suggest()
    assert len(many) == len(few) + 5


def test_suggest_mentees_for_a_mentor(organisation, other_organisation):
    mentor = new_mentor(organisation, key_competencies="Математика, ОГЭ")
    fits = new_mentee(
        organisation,
        preferred_form=form("teacher-pupil"),
        requests=[("Подготовка к ОГЭ по математике", "study", "open", None)],
    )
    plain = new_mentee(organisation, preferred_form=form("teacher-pupil"))
    new_mentee(organisation, status="in_pair")
    new_mentee(other_organisation)
    matches = matching.suggest_mentees(mentor, organisation=organisation, today=TODAY)
    assert [match.mentees[0] for match in matches] == [fits, plain]
    assert matches[0].form == form("teacher-pupil")
