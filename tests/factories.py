"""factory_boy factories with Russian fake data."""

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from mentoring import models as m
from monitoring import models as mo
from pairs import models as p
from people import models as pe

factory.Faker._DEFAULT_LOCALE = "ru_RU"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = m.Municipality
        django_get_or_create = ["name"]

    name = "Змеиногорский район"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = m.Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(
        lambda n: f"Муниципальное бюджетное общеобразовательное учреждение № {n}"
    )
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ № {n}")
    kind = m.Organisation.Kind.SCHOOL
    head_name = "Петрова Анна Сергеевна"


def catalogue(model, code: str):
    return model.objects.get(code=code)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = m.Programme
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Программа наставничества на 2025–2027 годы"
    starts_on = date(2025, 9, 1)
    ends_on = date(2027, 8, 31)

    @factory.post_generation
    def forms(self, create, extracted, **kwargs):
        if create:
            codes = extracted or ["pupil-pupil", "teacher-teacher", "teacher-pupil"]
            self.forms.set(m.MentoringForm.objects.filter(code__in=codes))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = pe.User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Faker("last_name_male")
    first_name = factory.Faker("first_name_male")
    middle_name = factory.Faker("middle_name_male")
    password = factory.PostGenerationMethodCall("set_password", "pass12345")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = pe.Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = pe.Role.CURATOR


class StudyGroupFactory(DjangoModelFactory):
    class Meta:
        model = pe.StudyGroup
        django_get_or_create = ["organisation", "name"]

    organisation = factory.SubFactory(OrganisationFactory)
    name = "7Б"
    grade = 7


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = pe.Participant

    organisation = factory.SubFactory(OrganisationFactory)
    kind = pe.Participant.Kind.PUPIL
    last_name = factory.Faker("last_name_female")
    first_name = factory.Faker("first_name_female")
    middle_name = factory.Faker("middle_name_female")
    birth_date = date(2012, 3, 5)


class MentorFactory(DjangoModelFactory):
    class Meta:
        model = pe.MentorProfile

    participant = factory.SubFactory(
        ParticipantFactory,
        kind=pe.Participant.Kind.TEACHER,
        birth_date=date(1980, 1, 10),
        experience_years=15,
        subjects="Математика",
    )
    category = factory.LazyFunction(lambda: catalogue(m.MentorCategory, "teacher"))
    capacity = 2
    status = pe.MentorProfile.Status.READY


class MenteeFactory(DjangoModelFactory):
    class Meta:
        model = pe.MenteeProfile

    participant = factory.SubFactory(ParticipantFactory)


class PairFactory(DjangoModelFactory):
    class Meta:
        model = p.Pair

    programme = factory.SubFactory(ProgrammeFactory)
    form = factory.LazyFunction(lambda: catalogue(m.MentoringForm, "teacher-pupil"))
    role_variant = factory.LazyFunction(
        lambda: catalogue(m.RoleVariant, "tp-professional")
    )
    mentor = factory.SubFactory(
        MentorFactory,
        participant__organisation=factory.SelfAttribute("...programme.organisation"),
    )
    start_on = factory.LazyFunction(lambda: date.today() - timedelta(days=60))
    planned_end_on = factory.LazyFunction(lambda: date.today() + timedelta(days=200))
    status = p.Pair.Status.ACTIVE


class PairMenteeFactory(DjangoModelFactory):
    class Meta:
        model = p.PairMentee

    pair = factory.SubFactory(PairFactory)
    mentee = factory.SubFactory(
        MenteeFactory,
        participant__organisation=factory.SelfAttribute(
            "...pair.programme.organisation"
        ),
    )
    joined_on = factory.SelfAttribute("pair.start_on")


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = p.Meeting

    pair = factory.SubFactory(PairFactory)
    programme = factory.SelfAttribute("pair.programme")
    meeting_type = factory.LazyFunction(
        lambda: catalogue(m.MeetingType, "introduction")
    )
    held_on = factory.LazyFunction(lambda: date.today() - timedelta(days=50))
    topic = "Знакомство, ожидания от программы"
    author = factory.SubFactory(UserFactory)


# --- monitoring ----------------------------------------------------------------


class QuestionnaireFactory(DjangoModelFactory):
    class Meta:
        model = mo.Questionnaire

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Анкета наставляемого"
    audience = mo.Audience.MENTEE
    moment = mo.AskedWhen.EXIT


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = mo.Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    order = factory.Sequence(lambda n: n)
    text = "Насколько комфортным было общение с наставником?"
    kind = mo.Question.Kind.SCALE
    scale_max = 10
    topic = "comfort"


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = mo.Campaign

    programme = factory.SubFactory(ProgrammeFactory)
    questionnaire = factory.SubFactory(
        QuestionnaireFactory,
        organisation=factory.SelfAttribute("..programme.organisation"),
    )
    title = "Итоговое анкетирование наставляемых"
    opens_on = factory.LazyFunction(lambda: date.today() - timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: date.today() + timedelta(days=14))
    school_year = factory.LazyAttribute(lambda o: m.SchoolYear.for_date(o.opens_on))


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = mo.Invitation

    campaign = factory.SubFactory(CampaignFactory)
    participant = factory.SubFactory(
        ParticipantFactory,
        organisation=factory.SelfAttribute("..campaign.programme.organisation"),
    )
    token = factory.Sequence(lambda n: f"test-token-{n:06d}")


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = mo.Measurement

    pair = factory.SubFactory(PairFactory)
    participant = factory.SubFactory(
        ParticipantFactory,
        organisation=factory.SelfAttribute("..pair.programme.organisation"),
    )
    parameter = factory.LazyFunction(lambda: catalogue(mo.Parameter, "engagement"))
    moment = mo.Measurement.Moment.ENTRY
    value = 5
    measured_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    school_year = factory.LazyAttribute(lambda o: m.SchoolYear.for_date(o.measured_on))


def consent(participant, **kwargs):
    """A parent's consent to the processing of the pupil's data, given a month
    ago: what a mentee needs before joining a pair."""
    values = {
        "scope": pe.Consent.Scope.PROCESSING,
        "given_by": "Иванова Мария Петровна",
        "relation": pe.Consent.Relation.MOTHER,
        "given_on": date.today() - timedelta(days=30),
    } | kwargs
    return pe.Consent.objects.create(participant=participant, **values)


def consented_mentee(organisation, **kwargs):
    """A mentee of `organisation` whose parent consented (see `consent`)."""
    mentee = MenteeFactory(participant__organisation=organisation, **kwargs)
    consent(mentee.participant)
    return mentee
