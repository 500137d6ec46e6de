"""Issue 13, finding 9 (dignity): a pupil and a pupil mentor never see the official
role variant of their pair («Успевающий – неуспевающий»), only its neutral name for
participants; the staff of the organisation still see the official one."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from mentoring.models import MentoringForm, RoleVariant
from pairs.models import PlanTemplate
from pairs.plan_services import plan_create, plan_item_add
from people.models import Participant, Role
from tests import factories as f
from tests.pairs.test_print import pdf_text, squeezed

TODAY = date.today()

# Words of the official variants that describe a mentee as deficient.
DEFICIENT = (
    "неуспевающ",
    "пассивн",
    "неадаптированн",
    "равнодушный потребитель",
    "испытывающий проблемы",
    "консервативн",
    "неопытный",
    "социально опасном",
)
OFFICIAL = "Успевающий – неуспевающий"
NEUTRAL = "Помощь в учёбе"


def login(client, user):
    client.force_login(user)
    return client


def member_user(username, participant, organisation, role):
    user = f.UserFactory(username=username)
    participant.user = user
    participant.save()
    f.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def pupil_pair(programme):
    """A pupil mentor of the 10th form and a pupil of the 7th in an «Успевающий –
    неуспевающий» pair, like the demo's pupilmentor1 and pupil1."""
    pair = f.PairFactory(
        programme=programme,
        form=MentoringForm.objects.get(code="pupil-pupil"),
        role_variant=RoleVariant.objects.get(code="pp-achiever"),
        mentor=f.MentorFactory(
            participant__organisation=programme.organisation,
            participant__kind=Participant.Kind.PUPIL,
            participant__birth_date=date(2009, 4, 1),
            participant__experience_years=None,
            participant__subjects="",
            category=f.catalogue(f.m.MentorCategory, "pupil"),
        ),
    )
    f.PairMenteeFactory(pair=pair)
    f.MeetingFactory(pair=pair, topic="Разбор контрольной работы")
    author = f.UserFactory(username="plan-author")
    call_command("loaddata", "plan_templates", verbosity=0)
    plan = plan_create(
        pair=pair,
        by=author,
        goal="Подтянуть математику",
        starts_on=TODAY - timedelta(days=30),
        ends_on=TODAY + timedelta(days=60),
        template=PlanTemplate.objects.get(code="achiever-low-achiever"),
    )
    # An overdue item: the pupil mentor's reminders list the pair.
    plan_item_add(
        plan=plan,
        by=author,
        activity="Решить вариант ОГЭ",
        deadline=TODAY - timedelta(days=3),
    )
    return pair


@pytest.fixture
def pupil(pupil_pair):
    participant = pupil_pair.memberships.get().mentee.participant
    return member_user(
        "pupil", participant, pupil_pair.programme.organisation, Role.MENTEE
    )


@pytest.fixture
def pupil_mentor(pupil_pair):
    user = member_user(
        "pupilmentor",
        pupil_pair.mentor.participant,
        pupil_pair.programme.organisation,
        Role.MENTOR,
    )
    pupil_pair.meetings.update(author=user)  # his entry, which he may correct
    return user


def export_url(identifier, pair):
    return reverse("export", args=[identifier, "pdf"]) + f"?pair={pair.pk}"


def text_of(response) -> str:
    assert response.status_code == 200, (response.status_code, response.request)
    if response["Content-Type"].startswith("application/pdf"):
        return squeezed(pdf_text(response.content))
    return squeezed(response.content.decode())


def assert_neutral(text: str, *, shows_variant: bool = True):
    lowered = text.lower()
    for word in DEFICIENT:
        assert squeezed(word) not in lowered, word
    assert squeezed(OFFICIAL.lower()) not in lowered
    if shows_variant:
        assert squeezed(NEUTRAL) in text


def mentee_pages(pair):
    meeting = pair.meetings.get()
    return [
        (reverse("home"), True),
        (reverse("journal:my-pair"), True),
        (reverse("journal:pair", args=[pair.pk]), True),
        (reverse("journal:feedback", args=[meeting.pk]), False),
        (reverse("plans:detail", args=[pair.pk]), True),
        (reverse("reminders:mine"), False),
        (reverse("questionnaires:mine"), False),
        (export_url("pair-journal", pair), True),
        (export_url("pair-plan", pair), True),
    ]


def mentor_pages(pair):
    meeting = pair.meetings.get()
    item = pair.plan.items.first()
    return [
        (reverse("home"), True),
        (reverse("journal:mine"), True),
        (reverse("journal:pair", args=[pair.pk]), True),
        (reverse("journal:create", args=[pair.pk]), False),
        (reverse("journal:update", args=[meeting.pk]), False),
        (reverse("journal:feedback", args=[meeting.pk]), False),
        (reverse("plans:detail", args=[pair.pk]), True),
        (reverse("plans:update", args=[pair.pk]), True),
        (reverse("plans:item-add", args=[pair.pk]), True),
        (reverse("plans:item-update", args=[item.pk]), True),
        (reverse("reminders:mine"), True),
        (reverse("questionnaires:mine"), False),
        (export_url("pair-journal", pair), True),
        (export_url("pair-plan", pair), True),
    ]


def test_the_pupil_sees_the_neutral_name_on_every_page_of_his_pair(
    client, pupil, pupil_pair
):
    login(client, pupil)
    for url, shows_variant in mentee_pages(pupil_pair):
        text = text_of(client.get(url))
        try:
            assert_neutral(text, shows_variant=shows_variant)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from None


def test_the_pupil_mentor_sees_the_neutral_name_on_every_page_of_his_pair(
    client, pupil_mentor, pupil_pair
):
    login(client, pupil_mentor)
    for url, shows_variant in mentor_pages(pupil_pair):
        text = text_of(client.get(url))
        try:
            assert_neutral(text, shows_variant=shows_variant)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from None


def test_the_plan_templates_offered_to_a_pupil_mentor_are_neutral(
    client, pupil_mentor, pupil_pair
):
    pupil_pair.plan.delete()
    template = PlanTemplate.objects.get(code="achiever-low-achiever")
    login(client, pupil_mentor)
    for url in (
        reverse("plans:detail", args=[pupil_pair.pk]),
        reverse("plans:create", args=[pupil_pair.pk]) + f"?template={template.pk}",
    ):
        assert_neutral(text_of(client.get(url)))


def test_an_adult_mentor_sees_the_neutral_name_too(client, programme):
    """A teacher mentor of a pupil is not staff: what he sees he may show the child."""
    pair = f.PairFactory(programme=programme)  # «Активный профессионал – …»
    f.PairMenteeFactory(pair=pair)
    mentor = member_user(
        "teacher", pair.mentor.participant, programme.organisation, Role.MENTOR
    )
    login(client, mentor)
    for url in (reverse("journal:mine"), reverse("journal:pair", args=[pair.pk])):
        text = text_of(client.get(url))
        assert squeezed("равнодушный потребитель") not in text.lower(), url
        assert squeezed("Профессиональные пробы") in text, url


def test_a_pupil_of_the_social_risk_form_sees_neither_the_form_nor_the_tier(
    client, programme
):
    pair = f.PairFactory(
        programme=programme,
        form=MentoringForm.objects.get(code="social-risk"),
        role_variant=RoleVariant.objects.get(code="sr-social-pedagogue"),
    )
    f.PairMenteeFactory(pair=pair)
    pupil = member_user(
        "risk-pupil",
        pair.memberships.get().mentee.participant,
        programme.organisation,
        Role.MENTEE,
    )
    login(client, pupil)
    for url in (reverse("home"), reverse("journal:my-pair")):
        text = text_of(client.get(url)).lower()
        assert squeezed("социально опасном") not in text, url
        assert squeezed("Индивидуальное сопровождение").lower() in text, url


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_staff_still_see_the_official_name(client, request, persona, pupil_pair):
    login(client, request.getfixturevalue(persona))
    for url in (
        reverse("pairs:detail", args=[pupil_pair.pk]),
        reverse("pairs:list"),
        reverse("journal:pair", args=[pupil_pair.pk]),
        reverse("plans:detail", args=[pupil_pair.pk]),
    ):
        assert squeezed(OFFICIAL) in text_of(client.get(url)), url


def test_the_pairs_printed_documents_carry_the_neutral_name_for_staff_too(
    client, curator, pupil_pair
):
    """The plan is signed by the mentee and the journal by the (pupil) mentor: what
    is printed for them never names the mentee as deficient, whoever prints it."""
    login(client, curator)
    for identifier in ("pair-journal", "pair-plan"):
        assert_neutral(text_of(client.get(export_url(identifier, pupil_pair))))
