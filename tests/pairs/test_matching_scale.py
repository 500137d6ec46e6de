"""Issue 17: matching among many candidates. Suggestions are scored from plain
values and only the mentors shown are loaded; they must be exactly what scoring
every candidate's model instance gives, in a number of queries that does not grow
with the candidates. Counts and equalities, never wall time."""

from datetime import date
from itertools import combinations

import pytest
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring import models as m
from pairs import matching
from pairs.models import Pair
from people.models import (
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    Participant,
    Role,
)
from tests import factories as f

TODAY = date(2025, 10, 1)
K = Participant.Kind


def catalogue(model, code):
    return f.catalogue(model, code) if code else None


# --- the word index is same_word --------------------------------------------------

POOL = [
    "огэ",
    "егэ",
    "икт",
    "урок",
    "урока",
    "уроков",
    "физика",
    "физкультура",
    "математика",
    "математике",
    "матем",
    "мате",
    "вторник",
    "вторн",
    "история",
    "истор",
]


@pytest.mark.parametrize("size", [1, 2, 3])
def test_word_index_finds_exactly_what_same_word_finds(size):
    theirs = [matching.Word(key, key) for key in POOL]
    for keys in combinations(POOL, size):
        ours = [matching.Word(key, key) for key in keys]
        naive = [
            w for w in theirs if any(matching.same_word(o.key, w.key) for o in ours)
        ]
        assert matching.common_words(ours, theirs) == naive, keys


def test_cached_words_are_a_fresh_list_each_time():
    first = matching.words("Математика, ОГЭ")
    first.clear()
    assert [w.key for w in matching.words("Математика, ОГЭ")] == ["математика", "огэ"]


# --- a crowd of candidates of every sort --------------------------------------------

COMPETENCIES = [
    "Подготовка к ОГЭ по математике",
    "Олимпиады по физике, проектная деятельность",
    "Театр, выразительное чтение",
    "",
    "ИКТ, цифровые навыки, робототехника",
    "Классное руководство, работа с родителями",
]
SUBJECTS = ["Математика", "Физика, информатика", "", "История", "Русский язык"]
TIMES = ["вторник после уроков", "по субботам", "", "среда, пятница", "после уроков"]
AGES = [(None, None), (7, 12), (14, 18), (10, None), (None, 9)]
POSITIONS = ["учитель", "Социальный педагог", "", "классный руководитель 6А"]


def crowd(organisation, other_organisation, programme, size, start=0):
    """`size` candidates (and a few who are not), each index a different mix of
    what the rules read: kind and category, class, subjects, experience, the
    competencies, time and age, a login with roles, pairs that take places, the
    mentor bank."""
    groups = [
        f.StudyGroupFactory(organisation=organisation, name=name, grade=grade)
        for name, grade in (("3А", 3), ("6А", 6), ("8Б", 8), ("10А", 10))
    ]
    sorts = [
        (K.TEACHER, "teacher"),
        (K.PUPIL, "pupil"),
        (K.EXTERNAL, "employee"),
        (K.STUDENT, "student"),
        (K.PARENT, "parent"),
        (K.TEACHER, "veteran"),
        (K.PUPIL, "pupil"),
    ]
    made = []
    for index in range(start, start + size):
        kind, category = sorts[index % len(sorts)]
        low, high = AGES[index % len(AGES)]
        banked = index % 6 == 5
        mentor = f.MentorFactory(
            participant__organisation=other_organisation if banked else organisation,
            participant__kind=kind,
            participant__last_name=f"Кандидатова{index:03d}",
            participant__study_group=(
                groups[index % len(groups)]
                if kind == K.PUPIL and not banked and index % 5
                else None
            ),
            participant__subjects=SUBJECTS[index % len(SUBJECTS)],
            participant__experience_years=[None, 2, 5, 20][index % 4],
            participant__position=POSITIONS[index % len(POSITIONS)],
            category=catalogue(m.MentorCategory, category),
            mentor_type=["", "subject", "consultant"][index % 3],
            key_competencies=COMPETENCIES[index % len(COMPETENCIES)],
            achievements="Победитель олимпиады по математике" if index % 4 == 1 else "",
            meeting_time=TIMES[index % len(TIMES)],
            desired_age_min=low,
            desired_age_max=high,
            capacity=1 + index % 3,
            shared_in_bank=banked,
        )
        if index % 5 == 0:
            user = f.UserFactory(username=f"candidate{index}")
            role = [Role.SOCIAL_PEDAGOGUE, Role.CLASS_TEACHER, Role.CURATOR][index % 3]
            f.MembershipFactory(
                user=user, organisation=mentor.participant.organisation, role=role
            )
            if index % 2:  # a role elsewhere says nothing here
                f.MembershipFactory(
                    user=user, organisation=f.OrganisationFactory(), role=Role.HEAD
                )
            mentor.participant.user = user
            mentor.participant.save()
        if index % 4 == 2 and not banked:  # places taken, and a pair that is over
            pair = f.PairFactory(programme=programme, mentor=mentor)
            f.PairMenteeFactory(pair=pair)
            closed = f.PairFactory(
                programme=programme,
                mentor=mentor,
                status=Pair.Status.COMPLETED,
                ended_on=date.today(),
            )
            f.PairMenteeFactory(pair=closed)
            left = f.PairMenteeFactory(pair=pair)  # a mentee who left an open pair
            left.left_on = date.today()
            left.save()
        made.append(mentor)
    # Never candidates: not ready, left, not in the bank, another municipality.
    f.MentorFactory(
        participant__organisation=organisation,
        status=MentorProfile.Status.CANDIDATE,
    )
    f.MentorFactory(
        participant__organisation=organisation, participant__left_on=date(2025, 1, 1)
    )
    f.MentorFactory(participant__organisation=other_organisation)
    return made


def new_mentee(organisation, *, kind, group=None, requests=(), categories=(), **kw):
    mentee = f.MenteeFactory(
        participant__organisation=organisation,
        participant__kind=kind,
        participant__study_group=group,
        **kw,
    )
    for text, area in requests:
        MenteeRequest.objects.create(
            mentee=mentee, text=text, area=catalogue(m.RequestArea, area)
        )
    mentee.categories.set(m.MenteeCategory.objects.filter(code__in=categories))
    return mentee


@pytest.fixture
def world(organisation, other_organisation, programme):
    pupil = new_mentee(
        organisation,
        kind=K.PUPIL,
        group=f.StudyGroupFactory(organisation=organisation, name="6Б", grade=6),
        participant__birth_date=date(2013, 4, 1),
        meeting_time="вторник после уроков",
        requests=[
            ("Подготовка к ОГЭ по математике", "study"),
            ("Хочу в школьный театр", "creativity"),
        ],
        categories=["passive"],
    )
    teacher = new_mentee(
        organisation,
        kind=K.TEACHER,
        participant__birth_date=date(2000, 2, 2),
        participant__experience_years=1,
        participant__subjects="Математика",
        meeting_time="среда после уроков",
        requests=[("Методика уроков математики, ИКТ", "methodology")],
        categories=["young-specialist"],
    )
    colleague = new_mentee(
        organisation,
        kind=K.TEACHER,
        participant__birth_date=date(1990, 2, 2),
        participant__experience_years=6,
        participant__subjects="",
        categories=["burnout"],
    )
    crowd(organisation, other_organisation, programme, 50)
    return {"pupil": pupil, "teacher": teacher, "colleague": colleague}


def naive_suggestions(mentees, *, organisation, form, role_variant, limit):
    """The unoptimised way: every candidate as a model instance (load by
    `with_load()`), scored by every rule, sorted, cut."""
    themselves = {mentee.participant_id for mentee in mentees}
    matches = [
        matching.score(
            mentor, mentees, form=form, role_variant=role_variant, today=TODAY
        )
        for mentor in matching.candidate_mentors(organisation)
        if mentor.participant_id not in themselves
    ]
    matches.sort(key=lambda match: matching.sort_key(match, match.mentor.participant))
    return matches[:limit]


def seen(matches):
    return [
        (match.mentor.pk, match.score, match.blocked, match.reasons, match.load)
        for match in matches
    ]


SCENARIOS = [
    (["pupil"], "teacher-pupil", None),
    (["pupil"], "pupil-pupil", "pp-leader"),
    (["pupil"], "pupil-pupil", "pp-peer"),
    (["pupil"], "employer-pupil", None),
    (["pupil"], "student-pupil", None),
    (["pupil"], "social-risk", None),
    (["teacher"], "teacher-teacher", "tt-subject"),
    (["teacher", "colleague"], "teacher-teacher", "tt-young"),
    (["pupil", "teacher"], None, None),
]


@pytest.mark.parametrize("limit", [20, 100])
@pytest.mark.parametrize(("who", "form_code", "variant_code"), SCENARIOS)
def test_suggestions_are_those_of_scoring_every_candidate(
    world, organisation, who, form_code, variant_code, limit
):
    form = catalogue(m.MentoringForm, form_code)
    role_variant = catalogue(m.RoleVariant, variant_code)
    mentees = [matching.mentee_queryset().get(pk=world[name].pk) for name in who]
    fast = matching.suggest_mentors(
        mentees,
        organisation=organisation,
        form=form,
        role_variant=role_variant,
        today=TODAY,
        limit=limit,
    )
    naive = naive_suggestions(
        mentees,
        organisation=organisation,
        form=form,
        role_variant=role_variant,
        limit=limit,
    )
    assert len(naive) == min(limit, 50)  # 8 of them from the mentor bank
    assert seen(fast) == seen(naive)
    assert any(reason.points for match in fast for reason in match.reasons)


def test_shown_mentors_are_model_instances_ready_for_the_page(
    world, organisation, django_assert_num_queries
):
    mentee = matching.mentee_queryset().get(pk=world["pupil"].pk)
    social_risk = f.catalogue(m.MentoringForm, "social-risk")
    with django_assert_num_queries(2):
        matches = matching.suggest_mentors(
            [mentee], organisation=organisation, form=social_risk, today=TODAY
        )
    assert len(matches) == 20
    with django_assert_num_queries(0):
        for match in matches:
            assert isinstance(match.mentor, MentorProfile)
            participant = match.mentor.participant
            assert participant.full_name
            assert match.mentor.category.name
            assert participant.organisation.short_name
            assert participant.study_group_id is None or participant.study_group.name
            assert match.load == matching.mentor_load(match.mentor)


def test_the_kept_categories_follow_a_new_prefetch(organisation):
    mentee = new_mentee(
        organisation, kind=K.PUPIL, categories=["passive", "prevention-register"]
    )
    mentee = matching.mentee_queryset().get(pk=mentee.pk)
    codes = matching.mentee_category_codes(mentee)
    assert codes == {"passive", "prevention-register"}
    codes.clear()  # the caller's copy
    assert matching.mentee_category_codes(mentee) == {"passive", "prevention-register"}
    # What the page does for a user who may not see the sensitive tier.
    mentee._prefetched_objects_cache.pop("categories")
    prefetch_related_objects(
        [mentee],
        Prefetch(
            "categories", queryset=m.MenteeCategory.objects.filter(is_sensitive=False)
        ),
    )
    assert matching.mentee_category_codes(mentee) == {"passive"}


def test_open_requests_without_a_prefetch_are_read_each_time(organisation):
    mentee = new_mentee(
        organisation, kind=K.PUPIL, requests=[("Подготовка к ОГЭ", "study")]
    )
    mentee = MenteeProfile.objects.get(pk=mentee.pk)
    assert len(matching.open_requests(mentee)) == 1
    MenteeRequest.objects.create(
        mentee=mentee, text="Проекты", area=f.catalogue(m.RequestArea, "projects")
    )
    assert len(matching.open_requests(mentee)) == 2


# --- the pages: as many queries with 5 candidates as with 50 ------------------------


def page_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("form_code", ["teacher-pupil", "social-risk"])
def test_mentee_page_queries_do_not_grow_with_the_candidates(
    client, curator, organisation, other_organisation, programme, form_code
):
    mentee = new_mentee(
        organisation,
        kind=K.PUPIL,
        programme=programme,
        requests=[("Подготовка к ОГЭ по математике", "study")],
    )
    url = reverse("matching:for-mentee", args=[mentee.pk])
    params = {"form": f.catalogue(m.MentoringForm, form_code).pk}
    client.force_login(curator)
    crowd(organisation, other_organisation, programme, 5)
    few = page_queries(client, url, params)
    assert len(client.get(url, params).context["rows"]) == 5
    crowd(organisation, other_organisation, programme, 45, start=5)
    many = page_queries(client, url, params)
    assert len(client.get(url, params).context["rows"]) == 20
    assert many == few


def test_mentor_page_queries_do_not_grow_with_the_waiting_mentees(
    client, curator, organisation, programme
):
    mentor = f.MentorFactory(participant__organisation=organisation)
    url = reverse("matching:for-mentor", args=[mentor.pk])
    client.force_login(curator)

    def waiting(count):
        for index in range(count):
            new_mentee(
                organisation,
                kind=K.PUPIL,
                programme=programme,
                preferred_form=f.catalogue(
                    m.MentoringForm, ["teacher-pupil", "pupil-pupil"][index % 2]
                ),
                requests=[("Подготовка к ОГЭ по математике", "study")],
                categories=["passive"],
            )

    waiting(5)
    few = page_queries(client, url)
    waiting(45)
    many = page_queries(client, url)
    assert len(client.get(url).context["rows"]) == 30
    assert many == few
