"""Generated data at the scale of a district or a region, for measuring the portal
(issue 17): `manage.py generate_district [--region] [--seed 17] [--scale 1.0]`.

A district is 30 organisations (2 of them colleges), 15 000 pupils and students,
1 500 teachers, 8 000 pairs and 100 000 meetings, with everything a page reads
around them: classes, logins and roles, both bases with their requests,
categories and consents, orders and the pairs' history, questionnaire campaigns
with answers, entry and exit values, roadmaps and indicators. A region is ten
times that. One school is the largest, with about 1 000 pairs and 2 000
mentors it may choose from; the benchmark measures it.

Unlike `seed_demo` (a small, hand-written world, every row validated), this is
written for speed: rows are built in Python organisation by organisation and
saved with `bulk_create`, so neither `save()`, `full_clean()` nor signals run
(simple_history keeps no history of these rows). Everything the models derive or
the services keep in step is filled here the same way: the participants' search
text, mentor and mentee statuses, requests covered by a pair, a pair's events
and order, mentors' capacity not below their load. The database constraints
still hold. The same seed gives the same rows; dates are relative to today.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from mentoring.lib.search import normalize
from mentoring.models import (
    MeetingType,
    MenteeCategory,
    MentorCategory,
    MentoringForm,
    MentoringWay,
    Municipality,
    Organisation,
    Programme,
    RequestArea,
    RoadmapItem,
    RoleVariant,
    SchoolYear,
    Subprogramme,
)
from mentoring.roadmap_services import roadmap_from_template, roadmap_template_for
from monitoring import demo as monitoring_demo
from monitoring.models import (
    Answer,
    AskedWhen,
    Audience,
    Campaign,
    Invitation,
    Measurement,
    Parameter,
    Response,
)
from pairs.management.commands import _demo_texts as texts
from pairs.management.commands.seed_demo import force_delete
from pairs.models import (
    Feedback,
    Meeting,
    MeetingAttendance,
    MeetingComment,
    Pair,
    PairEvent,
    PairMentee,
    PairOrder,
)
from people.models import (
    Consent,
    Membership,
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    MentorStatusChange,
    MentorTraining,
    Participant,
    Role,
    StudyGroup,
    User,
)

DISTRICT_NAME = "Сгенерированный район"
REGION_NAME = "Сгенерированный регион"
REGION_OF = "Сгенерированный край"
LARGEST_SHORT_NAME = "МБОУ «СОШ № 1»"
PASSWORD = "demo12345"
BATCH = 2000
CATALOGUE_FIXTURES = (
    "catalogues",
    "roadmap_templates",
    "questionnaires",
    "indicator_templates",
)


class GeneratedDataExists(Exception):
    """The generated municipality is already there (generate with `reset=True`)."""


# --- Sizes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """What is generated. The largest school's figures are absolute: a region has
    more schools, not a larger one."""

    organisations: int = 30
    colleges: int = 2
    pupils: int = 15_000
    teachers: int = 1_500
    pairs: int = 8_000
    meetings: int = 100_000
    largest_pupils: int = 3_500
    largest_teachers: int = 200
    largest_pairs: int = 1_000
    largest_mentors: int = 2_000


DISTRICT = Sizes()


def sizes_for(*, region: bool = False, scale: float = 1.0) -> Sizes:
    """The district (or ten times it for a region), every figure times `scale`;
    never fewer than three organisations (the largest school, another school and
    a college) nor less than one of anything."""
    times = 10 if region else 1

    def scaled(value: float) -> int:
        return max(1, round(value * scale))

    organisations = max(3, round(DISTRICT.organisations * times * scale))
    return Sizes(
        organisations=organisations,
        colleges=min(organisations - 2, scaled(DISTRICT.colleges * times)),
        pupils=scaled(DISTRICT.pupils * times),
        teachers=scaled(DISTRICT.teachers * times),
        pairs=scaled(DISTRICT.pairs * times),
        meetings=scaled(DISTRICT.meetings * times),
        largest_pupils=scaled(DISTRICT.largest_pupils),
        largest_teachers=scaled(DISTRICT.largest_teachers),
        largest_pairs=scaled(DISTRICT.largest_pairs),
        largest_mentors=scaled(DISTRICT.largest_mentors),
    )


def apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder: sums exactly)."""
    if not weights:
        return []
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [math.floor(share) for share in shares]
    order = sorted(
        range(len(weights)), key=lambda i: counts[i] - shares[i]
    )  # largest remainder first
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


def split_with_largest(total: int, largest: int, weights: list[float]) -> list[int]:
    """The largest organisation first, the rest by `weights` (one per other
    organisation). The largest keeps at least half again the average, so it
    stays the largest however small the scale."""
    count = len(weights) + 1
    largest = min(total, max(largest, math.ceil(1.5 * total / count)))
    return [largest, *apportion(total - largest, weights)]


# --- Texts that `_demo_texts` does not have ------------------------------------------

SUBJECTS = [
    "математика",
    "русский язык и литература",
    "физика",
    "химия",
    "биология",
    "история и обществознание",
    "английский язык",
    "информатика",
    "география",
    "начальные классы",
    "физическая культура",
    "технология",
    "музыка",
    "изобразительное искусство",
]
COLLEGE_SUBJECTS = [
    "техническая механика",
    "инженерная графика",
    "электротехника",
    "экономика организации",
    "математика",
    "технология машиностроения",
    "информационные технологии",
]
COLLEGE_GROUPS = ["ТМ", "ЭК", "СВ", "ПК", "ЭЛ"]
EMPLOYERS = [
    ("инженер-технолог", "АО «Молочный комбинат»"),
    ("мастер участка", "ООО «Агрохолдинг «Заря»"),
    ("инженер-энергетик", "филиал ПАО «Россети Сибирь»"),
    ("главный агроном", "СПК «Колхоз имени Кирова»"),
    ("программист", "ООО «Сибирские цифровые решения»"),
    ("фельдшер", "КГБУЗ «Центральная районная больница»"),
    ("механик", "АО «Машиностроительный завод»"),
    ("индивидуальный предприниматель", "ИП, пекарня «Хлебный дом»"),
]
STATUS_PATH = [
    MentorProfile.Status.CANDIDATE,
    MentorProfile.Status.QUESTIONNAIRE,
    MentorProfile.Status.INTERVIEW,
    MentorProfile.Status.TRAINED,
]
RESULTS = [
    "Наставляемый улучшил успеваемость по предмету запроса.",
    "Подготовлен и защищён проект.",
    "Наставляемый принял участие в олимпиаде муниципального этапа.",
    "Проведён открытый урок, получена положительная оценка коллег.",
    "Наставляемый определился с профилем обучения.",
]
TERMINATION_REASONS = [
    "Наставляемый перешёл в другую школу.",
    "Наставник длительно болеет; наставляемый ждёт нового наставника.",
    "Пара не сложилась: наставляемый попросил сменить наставника.",
]


# --- Dates ------------------------------------------------------------------------


def is_break(day: date) -> bool:
    """Summer holidays and the New Year break: nobody meets then."""
    return (
        day.month in (6, 7, 8)
        or (day.month, day.day) >= (12, 29)
        or (day.month == 1 and day.day <= 11)
    )


def weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def aware(day: date, hour: int = 15) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour, 0)))


# --- The result -------------------------------------------------------------------


@dataclass
class Generated:
    municipality: Municipality
    sizes: Sizes
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    coordinator: str = ""
    largest_curator: str = ""
    other_curator: str = ""


def municipality_name(*, region: bool) -> str:
    return REGION_NAME if region else DISTRICT_NAME


def prefix_of(region: bool) -> str:
    """Usernames of the generated logins start with it («gd-001-curator»)."""
    return "gr" if region else "gd"


def generated_users(*, region: bool):
    return User.objects.filter(username__startswith=f"{prefix_of(region)}-")


def largest_organisation(municipality: Municipality) -> Organisation:
    """The generated school the benchmark measures (most pairs and mentors)."""
    return Organisation.objects.get(
        municipality=municipality, short_name=LARGEST_SHORT_NAME
    )


def load_catalogues() -> None:
    """The fixtures the generated rows point at (`migrate` does not load them)."""
    for fixture in CATALOGUE_FIXTURES:
        call_command("loaddata", fixture, verbosity=0)


# --- Entry points -------------------------------------------------------------------


def generate(
    *,
    region: bool = False,
    seed: int = 17,
    scale: float = 1.0,
    reset: bool = False,
    today: date | None = None,
    log=lambda message: None,
) -> Generated:
    """Generate the district (or the region) in one transaction; refuse if it is
    there already, unless `reset` deletes it first."""
    started = time.monotonic()
    today = today or timezone.localdate()
    name = municipality_name(region=region)
    with transaction.atomic():
        if (
            Municipality.objects.filter(name=name).exists()
            or generated_users(region=region).exists()
        ):
            if not reset:
                raise GeneratedDataExists(name)
            log(f"Deleting «{name}»…")
            delete_generated(region=region)
        sizes = sizes_for(region=region, scale=scale)
        builder = Builder(
            name=name,
            prefix=prefix_of(region),
            sizes=sizes,
            seed=seed,
            today=today,
            log=log,
        )
        result = builder.build()
    result.seconds = time.monotonic() - started
    return result


def delete_generated(*, region: bool = False) -> None:
    """Delete the generated municipality, its rows and its logins. The big tables
    go first by plain DELETEs (no row is loaded); what is left is deleted by the
    ORM, which also finds rows of other tables made on these organisations since."""
    name = municipality_name(region=region)
    municipality = Municipality.objects.filter(name=name).first()
    if municipality is None:
        force_delete(generated_users(region=region))
        return
    orgs = Organisation.objects.filter(municipality=municipality)
    programmes = Programme.objects.filter(organisation__in=orgs)
    people = Participant.objects.filter(organisation__in=orgs)
    pairs = Pair.objects.filter(programme__in=programmes)
    meetings = Meeting.objects.filter(programme__in=programmes)
    mentees = MenteeProfile.objects.filter(participant__in=people)
    mentors = MentorProfile.objects.filter(participant__in=people)
    raw = [
        Answer.objects.filter(response__campaign__programme__in=programmes),
        Response.objects.filter(campaign__programme__in=programmes),
        Invitation.objects.filter(campaign__programme__in=programmes),
        Campaign.pairs.through.objects.filter(campaign__programme__in=programmes),
        Campaign.objects.filter(programme__in=programmes),
        Measurement.objects.filter(pair__in=pairs),
        Feedback.objects.filter(pair__in=pairs),
        MeetingComment.objects.filter(meeting__in=meetings),
        MeetingAttendance.objects.filter(meeting__in=meetings),
        meetings,
        PairEvent.objects.filter(pair__in=pairs),
        PairMentee.objects.filter(pair__in=pairs),
        MenteeRequest.objects.filter(mentee__in=mentees),
        MenteeProfile.categories.through.objects.filter(menteeprofile__in=mentees),
        MentorStatusChange.objects.filter(mentor__in=mentors),
        MentorTraining.objects.filter(mentor__in=mentors),
        Consent.objects.filter(participant__in=people),
        RoadmapItem.objects.filter(programme__in=programmes),
    ]
    for queryset in raw:
        # QuerySet._raw_delete: one DELETE … WHERE, no objects, no signals.
        queryset._raw_delete(queryset.db)
    for queryset in [
        pairs,
        PairOrder.objects.filter(organisation__in=orgs),
        mentees,
        mentors,
        people,
        programmes,
        orgs,
        Municipality.objects.filter(pk=municipality.pk),
        generated_users(region=region),
    ]:
        force_delete(queryset)


# --- The builder --------------------------------------------------------------------


@dataclass
class Person:
    """A participant being generated and what the pairs need to know of them."""

    participant: Participant
    grade: int = 0
    role: str = ""  # "mentor" or "mentee"
    representative: str = ""
    relation: str = Consent.Relation.SELF
    profile: object = None
    pairs: list = field(default_factory=list)


class Builder:
    def __init__(self, *, name, prefix, sizes: Sizes, seed, today: date, log):
        self.name = name
        self.prefix = prefix
        self.sizes = sizes
        self.seed = seed
        self.today = today
        self.yesterday = today - timedelta(days=1)
        self.log = log
        self.counts: Counter = Counter()
        self.password = make_password(PASSWORD)
        self.year_start = SchoolYear.bounds_for(today)[0]
        self.programme_start = self.year_start.replace(year=self.year_start.year - 1)
        self.programme_end = date(self.year_start.year + 1, 8, 31)
        self.first_pair_day = self.programme_start + timedelta(days=14)
        self.latest_start = max(self.first_pair_day, today - timedelta(days=21))
        self.school_days = self.make_school_days()
        self.years: dict[date, SchoolYear] = {}

    # -- helpers --

    def save(self, model, rows: list) -> list:
        """bulk_create in batches, counted; returns the rows with their pks."""
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH)
            self.counts[model._meta.label] += len(rows)
        return rows

    def make_school_days(self) -> list[date]:
        days, day = [], self.programme_start
        while day <= self.yesterday:
            if day.weekday() < 5 and not is_break(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def school_year(self, day: date) -> SchoolYear:
        starts_on = SchoolYear.bounds_for(day)[0]
        if starts_on not in self.years:
            self.years[starts_on] = SchoolYear.for_date(day)
        return self.years[starts_on]

    def random_day(self, rng, lowest: date, highest: date) -> date:
        if highest <= lowest:
            return lowest
        return lowest + timedelta(days=rng.randint(0, (highest - lowest).days))

    def phone(self, rng) -> str:
        return (
            f"+7 {rng.choice(texts.PHONE_PREFIXES)} {rng.randint(100, 999)}-"
            f"{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        )

    def adult_name(self, rng, sex: str, surname: str | None = None):
        last = surname or rng.choice(texts.SURNAMES)
        father = rng.choice(texts.MALE_NAMES_ADULT)
        if sex == "m":
            return (
                last,
                rng.choice(texts.MALE_NAMES_ADULT),
                texts.PATRONYMICS[father][0],
            )
        return (
            texts.feminine_surname(last),
            rng.choice(texts.FEMALE_NAMES_ADULT),
            texts.PATRONYMICS[father][1],
        )

    def user(self, username: str, name: tuple[str, str, str]) -> User:
        return User(
            username=username,
            password=self.password,
            last_name=name[0],
            first_name=name[1],
            middle_name=name[2],
            email=f"{username}@generated.example",
            is_active=True,
        )

    # -- the whole --

    def build(self) -> Generated:
        self.catalogues()
        rng = random.Random(f"{self.seed}:{self.prefix}")
        self.municipality = Municipality.objects.create(
            name=self.name, region=REGION_OF
        )
        self.counts[Municipality._meta.label] += 1
        coordinator = self.user(f"{self.prefix}-coordinator", self.adult_name(rng, "f"))
        self.save(User, [coordinator])
        self.save(
            Membership,
            [
                Membership(
                    user=coordinator,
                    role=Role.MUNICIPAL_COORDINATOR,
                    municipality=self.municipality,
                )
            ],
        )
        sizes = self.sizes
        others = sizes.organisations - 1
        weights = [rng.uniform(0.8, 1.2) for _ in range(others)]
        pupils = split_with_largest(sizes.pupils, sizes.largest_pupils, weights)
        teachers = split_with_largest(sizes.teachers, sizes.largest_teachers, weights)
        pairs = split_with_largest(sizes.pairs, sizes.largest_pairs, weights)
        meetings = apportion(sizes.meetings, pairs)
        colleges = set(range(sizes.organisations - sizes.colleges, sizes.organisations))
        curators = []
        for index in range(sizes.organisations):
            self.log(f"  · organisation {index + 1} of {sizes.organisations}")
            plan = OrganisationPlan(
                index=index,
                kind=(
                    Organisation.Kind.COLLEGE
                    if index in colleges
                    else Organisation.Kind.SCHOOL
                ),
                pupils=pupils[index],
                teachers=teachers[index],
                pairs=pairs[index],
                meetings=meetings[index],
                mentors=sizes.largest_mentors if index == 0 else None,
            )
            curators.append(OrganisationBuilder(self, plan).build())
        return Generated(
            municipality=self.municipality,
            sizes=sizes,
            counts=self.counts,
            coordinator=coordinator.username,
            largest_curator=curators[0],
            other_curator=curators[1],
        )

    def catalogues(self):
        def by_code(model):
            return {row.code: row for row in model.objects.all()}

        self.forms = by_code(MentoringForm)
        self.ways = by_code(MentoringWay)
        self.meeting_types = by_code(MeetingType)
        self.mentee_categories = by_code(MenteeCategory)
        self.mentor_categories = by_code(MentorCategory)
        self.areas = by_code(RequestArea)
        self.variants = defaultdict(list)
        for variant in RoleVariant.objects.filter(is_active=True).order_by("pk"):
            self.variants[variant.form_id].append(variant)
        self.subprogrammes = defaultdict(list)
        for sub in Subprogramme.objects.filter(is_active=True).order_by("pk"):
            self.subprogrammes[sub.form_id].append(sub)
        self.parameters = list(Parameter.objects.filter(is_active=True).order_by("pk"))
        self.questionnaires = {
            (audience, moment): monitoring_demo.shipped(audience, moment)
            for audience in (Audience.MENTEE, Audience.MENTOR)
            for moment in (AskedWhen.ENTRY, AskedWhen.EXIT)
        }
        self.questions = {
            key: list(q.questions.order_by("order", "pk")) if q else []
            for key, q in self.questionnaires.items()
        }


@dataclass
class OrganisationPlan:
    index: int
    kind: str
    pupils: int
    teachers: int
    pairs: int
    meetings: int
    mentors: int | None  # the largest school's target; None: the usual share


class OrganisationBuilder:
    """One organisation, start to end; nothing of it is kept once it is saved."""

    def __init__(self, world: Builder, plan: OrganisationPlan):
        self.world = world
        self.plan = plan
        self.rng = random.Random(f"{world.seed}:{world.prefix}:{plan.index}")
        self.tag = f"{world.prefix}-{plan.index + 1:03d}"
        self.is_college = plan.kind == Organisation.Kind.COLLEGE

    def build(self) -> str:
        self.create_organisation()
        self.create_people()
        self.create_profiles()
        self.create_pairs()
        self.create_meetings()
        self.create_consents()
        self.create_monitoring()
        self.create_roadmap()
        return self.curator.username

    # -- organisation, staff, programme --

    def create_organisation(self):
        world, rng, number = self.world, self.rng, self.plan.index + 1
        if self.is_college:
            short = f"КГБПОУ «Колледж № {number}»"
            full = (
                "Краевое государственное бюджетное профессиональное образовательное "
                f"учреждение «Колледж № {number}»"
            )
        else:
            short = f"МБОУ «СОШ № {number}»"
            full = (
                "Муниципальное бюджетное общеобразовательное учреждение «Средняя "
                f"общеобразовательная школа № {number}»"
            )
        head_name = world.adult_name(rng, rng.choice("mf"))
        self.head = world.user(f"{self.tag}-head", head_name)
        self.curator = world.user(f"{self.tag}-curator", world.adult_name(rng, "f"))
        world.save(User, [self.head, self.curator])
        self.org = Organisation(
            municipality=world.municipality,
            name=full,
            short_name=short,
            kind=self.plan.kind,
            address=(
                f"{658000 + number}, {REGION_OF}, г. Сгенерированск, "
                f"ул. Школьная, д. {number}"
            ),
            head_name=" ".join(head_name),
            head_title="Директор",
            phone=f"+7 (38587) 2-{number % 100:02d}-{rng.randint(10, 99)}",
            email=f"org{number}@generated.example",
        )
        world.save(Organisation, [self.org])
        world.save(
            Membership,
            [
                Membership(user=self.head, organisation=self.org, role=Role.HEAD),
                Membership(user=self.curator, organisation=self.org, role=Role.CURATOR),
            ],
        )
        self.programme = Programme(
            organisation=self.org,
            title=(
                f"Программа наставничества {short} на "
                f"{world.programme_start.year}–{world.programme_end.year} годы"
            ),
            goal=(texts.GOAL_COLLEGE if self.is_college else texts.GOAL_SCHOOL).format(
                org=short
            ),
            starts_on=world.programme_start,
            ends_on=world.programme_end,
            approved_by="Директор",
            approval_order_number=f"{rng.randint(100, 300)}/1",
            approval_order_date=world.programme_start - timedelta(days=3),
        )
        world.save(Programme, [self.programme])
        codes = (
            ["pupil-pupil", "teacher-pupil", "teacher-teacher", "employer-student"]
            if self.is_college
            else ["pupil-pupil", "teacher-pupil", "teacher-teacher", "employer-pupil"]
        )
        self.form_codes = codes
        self.programme.forms.set([world.forms[code] for code in codes])
        self.programme.curators.set([self.curator])

    # -- people --

    def create_people(self):
        world, plan = self.world, self.plan
        self.groups = self.create_groups()
        people: list[Person] = []
        users: list[User] = []
        # Pupils or students, spread over the classes in turn.
        for number in range(plan.pupils):
            group = self.groups[number % len(self.groups)]
            person = self.pupil(group)
            people.append(person)
        self.pupils = people
        # Teachers: a few young specialists (mentees), the rest the mentor base.
        young = round(plan.teachers * 0.06)
        self.teachers = [
            self.teacher(young=number < young) for number in range(plan.teachers)
        ]
        externals = max(1, round(plan.teachers * (0.3 if plan.index == 0 else 0.1)))
        self.externals = [self.external() for _ in range(externals)]
        everybody = self.pupils + self.teachers + self.externals
        self.choose_pupil_mentors()
        # Logins: every adult, every mentor, pupils from the 8th grade on; each
        # with the role they have here.
        memberships = []
        for person in everybody:
            participant = person.participant
            if (
                person.role == "mentor"
                or participant.kind != Participant.Kind.PUPIL
                or person.grade >= 8
            ):
                username = f"{self.tag}-{participant.kind[0]}{len(users) + 1:05d}"
                name = (
                    participant.last_name,
                    participant.first_name,
                    participant.middle_name,
                )
                participant.user = world.user(username, name)
                users.append(participant.user)
                memberships.append(
                    Membership(
                        user=participant.user,
                        organisation=self.org,
                        role=Role.MENTOR if person.role == "mentor" else Role.MENTEE,
                    )
                )
        world.save(User, users)
        world.save(Membership, memberships)
        world.save(Participant, [person.participant for person in everybody])
        self.everybody = everybody

    def create_groups(self) -> list[StudyGroup]:
        plan, rng = self.plan, self.rng
        groups = []
        if self.is_college:
            per_course = max(1, math.ceil(plan.pupils / 4 / 25))
            for course in range(1, 5):
                for number in range(per_course):
                    code = COLLEGE_GROUPS[number % len(COLLEGE_GROUPS)]
                    suffix = number // len(COLLEGE_GROUPS) or ""
                    name = f"{code}-{course}{number + 1}{suffix}"
                    groups.append(StudyGroup(name=name, grade=course))
        else:
            per_grade = max(1, math.ceil(plan.pupils / 11 / 27))
            letters = "АБВГДЕЖИКЛМНПРСТ"
            for grade in range(1, 12):
                for number in range(per_grade):
                    letter = letters[number % len(letters)]
                    suffix = number // len(letters) or ""
                    groups.append(
                        StudyGroup(name=f"{grade}{letter}{suffix}", grade=grade)
                    )
        for group in groups:
            group.organisation = self.org
        rng.shuffle(groups)  # pupils fill the classes evenly, in any order
        return self.world.save(StudyGroup, groups)

    def pupil(self, group: StudyGroup) -> Person:
        world, rng = self.world, self.rng
        sex = rng.choice("mf")
        surname = rng.choice(texts.SURNAMES)
        father = rng.choice(texts.MALE_NAMES_ADULT)
        if sex == "m":
            name = (
                surname,
                rng.choice(texts.MALE_NAMES_CHILD),
                texts.PATRONYMICS[father][0],
            )
        else:
            name = (
                texts.feminine_surname(surname),
                rng.choice(texts.FEMALE_NAMES_CHILD),
                texts.PATRONYMICS[father][1],
            )
        school_grade = group.grade + 9 if self.is_college else group.grade
        year = world.year_start.year
        birth = world.random_day(
            rng,
            date(year - 6 - school_grade, 9, 1),
            date(year - 5 - school_grade, 8, 31),
        )
        participant = self.participant(
            kind=Participant.Kind.STUDENT
            if self.is_college
            else Participant.Kind.PUPIL,
            name=name,
            birth_date=birth,
            study_group=group,
            phone=self.world.phone(rng)
            if school_grade >= 7 and rng.random() < 0.7
            else "",
        )
        person = Person(participant, grade=group.grade)
        if participant.age_on(world.today) < 18:
            roll = rng.random()
            if roll < 0.65:
                parent = world.adult_name(rng, "f", surname)
                person.relation = Consent.Relation.MOTHER
            elif roll < 0.95:
                last, _first, middle = world.adult_name(rng, "m", surname)
                parent = (last, father, middle)
                person.relation = Consent.Relation.FATHER
            else:
                parent = world.adult_name(rng, "f", surname)
                person.relation = Consent.Relation.GUARDIAN
            person.representative = " ".join(parent)
            participant.representative_name = person.representative
            participant.representative_phone = world.phone(rng)
        return person

    def participant(self, *, kind, name, birth_date, phone="", **extra) -> Participant:
        participant = Participant(
            organisation=self.org,
            kind=kind,
            last_name=name[0],
            first_name=name[1],
            middle_name=name[2],
            birth_date=birth_date,
            phone=phone,
            **extra,
        )
        participant.search_text = normalize(
            " ".join([participant.full_name, participant.email, participant.phone])
        )
        return participant

    def birth_for_age(self, age: int) -> date:
        today = self.world.today
        latest = date(today.year - age, today.month, min(today.day, 28))
        return latest - timedelta(days=self.rng.randint(0, 364))

    def teacher(self, *, young: bool) -> Person:
        rng, world = self.rng, self.world
        experience = rng.randint(0, 3) if young else rng.randint(5, 35)
        subject = rng.choice(COLLEGE_SUBJECTS if self.is_college else SUBJECTS)
        position = (
            "преподаватель"
            if self.is_college
            else (
                "учитель начальных классов"
                if subject == "начальные классы"
                else f"учитель ({subject})"
            )
        )
        participant = self.participant(
            kind=Participant.Kind.TEACHER,
            name=world.adult_name(rng, "f" if rng.random() < 0.8 else "m"),
            birth_date=self.birth_for_age(22 + experience + rng.randint(0, 4)),
            phone=world.phone(rng),
            position=position,
            experience_years=experience,
            subjects=subject,
        )
        return Person(participant, role="mentee" if young else "mentor")

    def external(self) -> Person:
        rng, world = self.rng, self.world
        position, workplace = rng.choice(EMPLOYERS)
        participant = self.participant(
            kind=Participant.Kind.EXTERNAL,
            name=world.adult_name(rng, rng.choice("mf")),
            birth_date=self.birth_for_age(rng.randint(27, 58)),
            phone=world.phone(rng),
            position=position,
            workplace=workplace,
            experience_years=rng.randint(5, 30),
        )
        return Person(participant, role="mentor")

    def choose_pupil_mentors(self):
        """The oldest pupils mentor: about 8 % of them, in the largest school as
        many as make its mentor base reach the target."""
        teachers = sum(1 for p in self.teachers if p.role == "mentor")
        if self.plan.mentors is not None:
            wanted = self.plan.mentors - teachers - len(self.externals)
        else:
            wanted = round(0.08 * len(self.pupils))
        wanted = max(0, min(wanted, len(self.pupils) // 2))
        oldest = sorted(self.pupils, key=lambda p: (-p.grade, self.rng.random()))
        for person in oldest[:wanted]:
            person.role = "mentor"
        for person in self.pupils:
            person.role = person.role or "mentee"

    # -- the two bases --

    def create_profiles(self):
        world, rng = self.world, self.rng
        self.mentors = [p for p in self.everybody if p.role == "mentor"]
        self.mentees = [p for p in self.everybody if p.role == "mentee"]
        for person in self.mentors:
            participant = person.participant
            kind = participant.kind
            if kind == Participant.Kind.TEACHER:
                category = "teacher"
                competence = self.teacher_competence(participant)
                capacity = rng.choice([1, 2, 2, 3, 3, 4, 5])
                achievements = "; ".join(rng.sample(texts.TEACHER_ACHIEVEMENTS, 2))
                interests = rng.choice(texts.TEACHER_INTERESTS)
                times = texts.MEETING_TIMES_ADULT
            elif kind == Participant.Kind.EXTERNAL:
                category = "employee"
                competence = (
                    f"Профессиональные пробы и экскурсии на производство; "
                    f"{participant.position}"
                )
                capacity = rng.choice([1, 2, 3])
                achievements = "Благодарность главы района за наставничество"
                interests = rng.choice(texts.TEACHER_INTERESTS)
                times = texts.MEETING_TIMES_ADULT
            else:
                student = kind == Participant.Kind.STUDENT
                category = "student" if student else "pupil"
                competence = rng.choice(
                    texts.STUDENT_MENTOR_COMPETENCIES
                    if student
                    else texts.PUPIL_MENTOR_COMPETENCIES
                )
                achievements = rng.choice(
                    texts.STUDENT_MENTOR_ACHIEVEMENTS
                    if student
                    else texts.PUPIL_MENTOR_ACHIEVEMENTS
                )
                capacity = rng.choice([1, 1, 2])
                interests = rng.choice(texts.PUPIL_INTERESTS)
                times = texts.MEETING_TIMES_PUPIL
            person.profile = MentorProfile(
                participant=participant,
                category=world.mentor_categories[category],
                mentor_type=(
                    rng.choice(["consultant", "subject"])
                    if kind == Participant.Kind.TEACHER
                    else ""
                ),
                qualification_category=(
                    rng.choice(["", "first", "highest", "highest"])
                    if kind == Participant.Kind.TEACHER
                    else ""
                ),
                key_competencies=competence,
                achievements=achievements,
                interests=interests,
                meeting_time=rng.choice(times),
                capacity=capacity,
                status=MentorProfile.Status.READY,
                shared_in_bank=kind != Participant.Kind.PUPIL and rng.random() < 0.05,
                entered_on=world.random_day(
                    rng,
                    world.programme_start,
                    world.programme_start + timedelta(days=10),
                ),
            )
        for person in self.mentees:
            participant = person.participant
            teacher = participant.kind == Participant.Kind.TEACHER
            if teacher:
                proposed = rng.choice(texts.PROPOSED_BY_TEACHER)
            elif self.is_college:
                proposed = rng.choice(texts.PROPOSED_BY_STUDENT)
            else:
                proposed = rng.choice(texts.PROPOSED_BY_PUPIL)
                if proposed == "классный руководитель":
                    proposed = f"классный руководитель {participant.study_group.name}"
            person.profile = MenteeProfile(
                participant=participant,
                programme=self.programme,
                proposed_by=proposed,
                interests=rng.choice(
                    texts.TEACHER_INTERESTS if teacher else texts.PUPIL_INTERESTS
                ),
                meeting_time=rng.choice(
                    texts.MEETING_TIMES_ADULT if teacher else texts.MEETING_TIMES_PUPIL
                ),
                entered_on=world.random_day(rng, world.programme_start, world.today),
                status=MenteeProfile.Status.WAITING,
            )

    def teacher_competence(self, participant: Participant) -> str:
        text = f"{participant.subjects} {participant.position}".lower()
        for stem, competence in texts.TEACHER_COMPETENCIES:
            if stem in text:
                return competence
        return "Классное руководство; проектная деятельность; работа с родителями"

    # -- pairs --

    def form_for(self, mentor: Person, young_left: bool) -> str:
        kind = mentor.participant.kind
        if kind in (Participant.Kind.PUPIL, Participant.Kind.STUDENT):
            return "pupil-pupil"
        if kind == Participant.Kind.EXTERNAL:
            return "employer-student" if self.is_college else "employer-pupil"
        if young_left and self.rng.random() < 0.3:
            return "teacher-teacher"
        return "teacher-pupil"

    def mentor_slots(self) -> list[Person]:
        """Which mentor takes each pair: mentors by capacity, shuffled; when the
        capacities do not cover the pairs, the mentors take more in turn."""
        rng, wanted = self.rng, self.plan.pairs
        slots = [m for m in self.mentors for _ in range(m.profile.capacity)]
        rng.shuffle(slots)
        while len(slots) < wanted and self.mentors:
            slots += rng.sample(self.mentors, len(self.mentors))
        return slots[:wanted]

    def pair_dates(self, status: str) -> tuple[date, date, date | None]:
        """Start, planned end and end: most pairs formed in the first autumn."""
        world, rng = self.world, self.rng
        if status == Pair.Status.FORMED:
            start = weekday_on_or_before(
                max(
                    world.first_pair_day,
                    world.today - timedelta(days=rng.randint(1, 20)),
                )
            )
            start = max(start, world.first_pair_day)
        else:
            first_autumn = date(world.programme_start.year, 11, 15)
            first_may = date(world.programme_start.year + 1, 5, 15)
            this_autumn = date(world.year_start.year, 9, 15)
            roll = rng.random()
            if roll < 0.4:
                window = (world.first_pair_day, first_autumn)
            elif roll < 0.75:
                window = (first_autumn, first_may)
            else:
                window = (this_autumn, world.latest_start)
            lowest = max(window[0], world.first_pair_day)
            highest = min(window[1], world.latest_start)
            if highest < lowest:
                lowest, highest = world.first_pair_day, world.latest_start
            start = weekday_on_or_before(world.random_day(rng, lowest, highest))
            start = max(start, world.first_pair_day)
        ended = None
        if status in (Pair.Status.COMPLETED, Pair.Status.TERMINATED):
            ended = weekday_on_or_before(
                world.random_day(rng, start + timedelta(days=45), world.yesterday)
            )
            ended = min(max(ended, start + timedelta(days=1)), world.yesterday)
            planned_end = max(ended, start) + timedelta(days=rng.randint(1, 20))
        else:
            planned_end = max(
                date(world.year_start.year + 1, 5, 29),
                world.today + timedelta(days=30),
            )
            if rng.random() < 0.03:  # a few open pairs are past their planned end
                planned_end = world.today - timedelta(days=rng.randint(1, 20))
        planned_end = max(planned_end, start + timedelta(days=14))
        return start, planned_end, ended

    def pair_status(self) -> str:
        roll = self.rng.random()
        if roll < 0.06:
            return Pair.Status.FORMED
        if roll < 0.20:
            return Pair.Status.COMPLETED
        if roll < 0.25:
            return Pair.Status.TERMINATED
        return Pair.Status.ACTIVE

    def create_pairs(self):
        world, rng = self.world, self.rng
        pools: dict[str, list[Person]] = defaultdict(list)
        for person in self.mentees:
            key = "teacher" if person.participant.kind == "teacher" else person.grade
            pools[key].append(person)
        for pool in pools.values():
            rng.shuffle(pool)
        self.pairs: list[Pair] = []
        self.links: list[tuple[Pair, Person, PairMentee]] = []
        for mentor in self.mentor_slots():
            form_code = self.form_for(mentor, bool(pools["teacher"]))
            size = (
                1
                if form_code == "teacher-teacher" or rng.random() > 0.1
                else rng.randint(2, 4)
            )
            chosen = self.pick_mentees(pools, mentor, form_code, size)
            if not chosen:
                continue
            status = self.pair_status()
            start, planned_end, ended = self.pair_dates(status)
            if ended is not None and ended < start + timedelta(days=30):
                status, ended = Pair.Status.ACTIVE, None
                planned_end = max(planned_end, world.today + timedelta(days=30))
            form = world.forms[form_code]
            variants = world.variants[form.pk]
            subs = world.subprogrammes[form.pk]
            pair = Pair(
                programme=self.programme,
                form=form,
                role_variant=rng.choice(variants),
                way=world.ways[
                    "group"
                    if len(chosen) > 1
                    else rng.choice(["traditional"] * 9 + ["virtual"])
                ],
                subprogramme=(
                    rng.choice(subs)
                    if subs and not self.is_college and rng.random() < 0.6
                    else None
                ),
                mentor=mentor.profile,
                start_on=start,
                planned_end_on=planned_end,
                status=status,
                ended_on=ended,
            )
            if status == Pair.Status.COMPLETED:
                pair.result = rng.choice(RESULTS)
                pair.evidence = rng.choice(
                    ["project", "open_lesson", "grades", "trajectory"]
                )
            elif status == Pair.Status.TERMINATED:
                pair.termination_reason = rng.choice(TERMINATION_REASONS)
            self.pairs.append(pair)
            mentor.pairs.append(pair)
            for index, person in enumerate(chosen):
                joined = start
                if index and rng.random() < 0.1:
                    # a late joiner, a fortnight in (never after the end)
                    joined = min(start + timedelta(days=14), ended or world.yesterday)
                link = PairMentee(
                    pair=pair,
                    mentee=person.profile,
                    joined_on=joined,
                    left_on=ended,
                )
                person.pairs.append(pair)
                self.links.append((pair, person, link))
        self.assign_orders()
        self.finish_profiles()
        world.save(MentorProfile, [m.profile for m in self.mentors])
        self.create_requests()
        self.create_mentor_history()
        world.save(Pair, self.pairs)
        world.save(PairMentee, [link for _pair, _person, link in self.links])
        self.create_events()

    def pick_mentees(self, pools, mentor: Person, form_code: str, size: int):
        rng = self.rng
        if form_code == "teacher-teacher":
            keys = ["teacher"]
        else:
            grades = [key for key in pools if key != "teacher" and pools[key]]
            if form_code == "pupil-pupil":
                younger = [g for g in grades if g < mentor.grade]
                grades = younger or grades
            elif form_code == "employer-pupil":
                grades = [g for g in grades if g >= 5] or grades
            keys = grades
        keys = [key for key in keys if pools[key]]
        if not keys:
            return []
        key = rng.choice(sorted(keys, key=str))
        pool = pools[key]
        return [pool.pop() for _ in range(min(size, len(pool)))]

    def assign_orders(self):
        """One order per week of starts: «№ 112-о от 12.09.2025»."""
        suffix = "-од" if self.is_college else "-о"
        number = 100 + self.rng.randint(0, 50)
        orders: dict[date, tuple[str, date]] = {}
        for pair in sorted(self.pairs, key=lambda p: p.start_on):
            if pair.status == Pair.Status.FORMED:
                continue
            week = pair.start_on - timedelta(days=pair.start_on.weekday())
            if week not in orders:
                number += self.rng.randint(1, 6)
                orders[week] = (
                    f"{number}{suffix}",
                    weekday_on_or_before(week - timedelta(days=3)),
                )
            pair.order_number, pair.order_date = orders[week]
        self.world.save(
            PairOrder,
            [
                PairOrder(organisation=self.org, number=n, date=d, confidential=False)
                for n, d in sorted(set(orders.values()), key=lambda o: (o[1], o[0]))
            ],
        )

    def finish_profiles(self):
        """Statuses as the services leave them: a mentor in an open pair is «in a
        pair», with room for its mentees; a mentee is in a pair, completed or
        waiting; a few mentors without pairs are still being selected."""
        world, rng = self.world, self.rng
        load, left = Counter(), []
        for pair, _person, _link in self.links:
            if pair.status in (Pair.Status.FORMED, Pair.Status.ACTIVE):
                load[id(pair.mentor)] += 1
        for mentor in self.mentors:
            profile = mentor.profile
            if mentor.pairs:
                first = min(p.start_on for p in mentor.pairs)
                profile.entered_on = min(profile.entered_on, first - timedelta(days=5))
                if any(p.status in ("formed", "active") for p in mentor.pairs):
                    profile.status = MentorProfile.Status.IN_PAIR
                profile.capacity = min(30, max(profile.capacity, load[id(profile)]))
            else:
                profile.entered_on = world.random_day(
                    rng, world.programme_start, world.today - timedelta(days=30)
                )
                if rng.random() < 0.05:
                    profile.status = rng.choice(STATUS_PATH)
        for person in self.mentees:
            profile = person.profile
            if person.pairs:
                pair = person.pairs[-1]
                joined = pair.start_on
                profile.entered_on = max(
                    world.programme_start,
                    joined - timedelta(days=rng.randint(7, 25)),
                )
                profile.preferred_form = pair.form
                if pair.status in (Pair.Status.FORMED, Pair.Status.ACTIVE):
                    profile.status = MenteeProfile.Status.IN_PAIR
                elif pair.status == Pair.Status.COMPLETED:
                    profile.status = MenteeProfile.Status.COMPLETED
                    profile.results = pair.result
                    profile.completion_mark = (
                        "Программа пройдена; выдан сертификат участника"
                    )
            elif rng.random() < 0.01:
                profile.status = MenteeProfile.Status.LEFT
                left.append(person.participant)
                person.participant.left_on = world.random_day(
                    rng, profile.entered_on, world.yesterday
                )
        Participant.objects.bulk_update(left, ["left_on"], batch_size=BATCH)

    def request_pool(self, person: Person) -> list[tuple]:
        participant = person.participant
        if participant.kind == Participant.Kind.TEACHER:
            pool = texts.TEACHER_REQUESTS
        elif participant.kind == Participant.Kind.STUDENT:
            pool = texts.STUDENT_REQUESTS
        else:
            pool = texts.PUPIL_REQUESTS + texts.EMPLOYER_REQUESTS
        fitting = [
            r
            for r in pool
            if r[3] in self.form_codes and r[4] <= (person.grade or 0) <= r[5]
        ]
        return fitting or [r for r in pool if r[3] in self.form_codes] or list(pool)

    def create_requests(self):
        """The «карта запросов»: a request per mentee (a second for some), covered
        while the mentee is in an open pair, closed once completed; a waiting
        mentee prefers the form of their first request. Saves the mentee base."""
        world, rng = self.world, self.rng
        requests, codes_of = [], []
        for person in self.mentees:
            profile = person.profile
            pool = self.request_pool(person)
            pair = person.pairs[-1] if person.pairs else None
            if pair is not None:
                first = rng.choice([r for r in pool if r[3] == pair.form.code] or pool)
            else:
                first = rng.choice(pool)
                profile.preferred_form = world.forms.get(first[3])
            if profile.status == MenteeProfile.Status.IN_PAIR:
                status = MenteeRequest.Status.COVERED
            elif profile.status in (
                MenteeProfile.Status.COMPLETED,
                MenteeProfile.Status.LEFT,
            ):
                status = MenteeRequest.Status.CLOSED
            else:
                status = MenteeRequest.Status.OPEN
            chosen = [first]
            extra = [r for r in pool if r[1] != first[1]]
            if extra and rng.random() < 0.3:
                chosen.append(rng.choice(extra))
            codes = []
            for area, text, categories, form_code, _lo, _hi in chosen:
                requests.append(
                    MenteeRequest(
                        mentee=profile,
                        area=world.areas[area],
                        text=text,
                        form=pair.form
                        if pair is not None
                        else world.forms.get(form_code),
                        status=status,
                        created_on=profile.entered_on,
                    )
                )
                codes += categories
            if person.participant.kind == Participant.Kind.TEACHER:
                codes.append("young-specialist")
            codes_of.append((profile, dict.fromkeys(codes)))
        world.save(MenteeProfile, [m.profile for m in self.mentees])
        through = MenteeProfile.categories.through
        world.save(
            through,
            [
                through(
                    menteeprofile_id=profile.pk,
                    menteecategory_id=world.mentee_categories[code].pk,
                )
                for profile, codes in codes_of
                for code in codes
            ],
        )
        world.save(MenteeRequest, requests)

    def create_mentor_history(self):
        """The selection path to «ready» (or as far as the mentor got), «in a pair»
        from the first pair's start, and a training for most of those trained."""
        world, rng = self.world, self.rng
        curator = self.curator
        changes, trainings = [], []
        path = [*STATUS_PATH, MentorProfile.Status.READY]
        for mentor in self.mentors:
            profile = mentor.profile
            last = (
                MentorProfile.Status.READY
                if profile.status == MentorProfile.Status.IN_PAIR
                else profile.status
            )
            steps = [path[0], last] if last != path[0] else [path[0]]
            previous = ""
            for offset, status in enumerate(steps):
                day = min(profile.entered_on + timedelta(days=offset * 3), world.today)
                changes.append(
                    MentorStatusChange(
                        mentor=profile,
                        status_from=previous,
                        status_to=status,
                        changed_by=curator,
                        changed_at=aware(day, 9 + offset),
                        comment="",
                    )
                )
                previous = status
            if profile.status == MentorProfile.Status.IN_PAIR:
                first = min(p.start_on for p in mentor.pairs)
                changes.append(
                    MentorStatusChange(
                        mentor=profile,
                        status_from=previous,
                        status_to=MentorProfile.Status.IN_PAIR,
                        changed_by=curator,
                        changed_at=aware(first, 12),
                        comment="Пара сформирована",
                    )
                )
            if last == MentorProfile.Status.READY and rng.random() < 0.6:
                adult = mentor.participant.kind in ("teacher", "external")
                title, provider, hours = (
                    texts.TRAINING_TEACHER if adult else texts.TRAINING_PUPIL
                )
                trainings.append(
                    MentorTraining(
                        mentor=profile,
                        title=title,
                        provider=provider or self.org.short_name,
                        completed_on=min(
                            profile.entered_on + timedelta(days=3), world.today
                        ),
                        hours=hours,
                        document=(
                            f"Удостоверение № {rng.randint(1000, 9999)}"
                            if adult
                            else ""
                        ),
                    )
                )
        world.save(MentorStatusChange, changes)
        world.save(MentorTraining, trainings)

    def create_events(self):
        events = []
        curator = self.curator
        for pair in self.pairs:
            events.append(
                PairEvent(
                    pair=pair,
                    kind=PairEvent.Kind.CREATED,
                    on=pair.start_on,
                    at=aware(pair.start_on),
                    by=curator,
                )
            )
            if pair.order_number:
                events.append(
                    PairEvent(
                        pair=pair,
                        kind=PairEvent.Kind.APPROVED,
                        on=pair.order_date,
                        at=aware(max(pair.order_date, pair.start_on), 16),
                        by=curator,
                        note=pair.order_number,
                    )
                )
            if pair.status == Pair.Status.COMPLETED:
                events.append(
                    PairEvent(
                        pair=pair,
                        kind=PairEvent.Kind.COMPLETED,
                        on=pair.ended_on,
                        at=aware(pair.ended_on, 17),
                        by=curator,
                        note=pair.result,
                    )
                )
            elif pair.status == Pair.Status.TERMINATED:
                events.append(
                    PairEvent(
                        pair=pair,
                        kind=PairEvent.Kind.TERMINATED,
                        on=pair.ended_on,
                        at=aware(pair.ended_on, 17),
                        by=curator,
                        note=pair.termination_reason,
                    )
                )
        self.world.save(PairEvent, events)

    # -- meetings --

    def meeting_window(self, pair: Pair) -> tuple[int, int]:
        """Indexes into the school days: from the pair's first days to its last
        meeting (the end for a completed pair; a while before for a terminated or
        a quiet one)."""
        world, rng = self.world, self.rng
        days = world.school_days
        first = pair.start_on + timedelta(days=rng.randint(0, 4))
        if pair.status == Pair.Status.COMPLETED:
            until = pair.ended_on
        elif pair.status == Pair.Status.TERMINATED:
            until = pair.ended_on - timedelta(days=rng.randint(7, 14))
        elif rng.random() < 0.05:  # quiet for over a month: the home page reminds
            until = world.today - timedelta(days=rng.randint(33, 48))
        else:
            until = world.yesterday
        return bisect_left(days, first), bisect_right(days, until)

    def create_meetings(self):
        world, rng = self.world, self.rng
        general = Meeting(
            programme=self.programme,
            meeting_type=world.meeting_types["general"],
            held_on=min(world.programme_start + timedelta(days=9), world.today),
            duration_minutes=90,
            format=Meeting.Format.GROUP,
            topic=texts.GENERAL_MEETING[0],
            summary=texts.GENERAL_MEETING[1],
            result=texts.GENERAL_MEETING[2],
            next_step=texts.GENERAL_MEETING[3],
            author=self.curator,
        )
        working = [p for p in self.pairs if p.status != Pair.Status.FORMED]
        windows = [self.meeting_window(p) for p in working]
        room = [max(0, hi - lo) for lo, hi in windows]
        counts = allocate(self.plan.meetings, room)
        links_of = defaultdict(list)
        for pair, _person, link in self.links:
            links_of[id(pair)].append(link)
        meetings, attendance = [general], []
        for pair, (lo, hi), count in zip(working, windows, counts, strict=True):
            if not count:
                continue
            room_days = world.school_days[lo:hi]
            chosen = spread(rng, len(room_days), count)
            days = [room_days[i] for i in chosen]
            if pair.status == Pair.Status.COMPLETED and days:
                days[-1] = max(days[-1], min(pair.ended_on, world.today))
            author = pair.mentor.participant.user or self.curator
            links = links_of[id(pair)]
            meetings_of_pair = [
                self.meeting(pair, index, day, len(days), author)
                for index, day in enumerate(days)
            ]
            meetings += meetings_of_pair
            if len(links) > 1:
                for meeting in meetings_of_pair:
                    for link in links:
                        if link.joined_on <= meeting.held_on and (
                            link.left_on is None or link.left_on >= meeting.held_on
                        ):
                            attendance.append(
                                MeetingAttendance(
                                    meeting=meeting,
                                    mentee=link.mentee,
                                    present=rng.random() > 0.12,
                                )
                            )
        world.save(Meeting, meetings)
        world.save(MeetingAttendance, attendance)

    def meeting(self, pair: Pair, index: int, day: date, count: int, author) -> Meeting:
        world, rng = self.world, self.rng
        code = pair.form.code
        final = pair.status == Pair.Status.COMPLETED and index == count - 1 and index
        if final:
            kind = "final"
            topic, summary, next_step = texts.FINAL
            result = pair.result
        elif index == 0:
            kind = "introduction"
            topic, summary, result, next_step = rng.choice(texts.INTRODUCTION)
        elif index == 1:
            kind = "trial"
            topic, summary, result = texts.TRIAL.get(code, texts.TRIAL["teacher-pupil"])
            next_step = "Провести встречу-планирование и составить план работы."
        elif index == 2:
            kind = "planning"
            topic, summary, result, next_step = texts.PLANNING
        else:
            kind = "regular"
            key = f"{code}:college" if self.is_college else code
            topics = texts.REGULAR.get(key) or texts.REGULAR.get(code)
            topics = topics or texts.REGULAR["employer-pupil"]
            topic, summary, next_step, _tag = rng.choice(topics)
            result = rng.choice(texts.REGULAR_RESULTS)
        group = pair.way_id == world.ways["group"].pk
        if group:
            meeting_format = Meeting.Format.GROUP
        elif pair.way_id == world.ways["virtual"].pk or rng.random() < 0.1:
            meeting_format = Meeting.Format.REMOTE
        else:
            meeting_format = Meeting.Format.IN_PERSON
        return Meeting(
            programme=self.programme,
            pair=pair,
            meeting_type=world.meeting_types[kind],
            held_on=day,
            duration_minutes=rng.choice([30, 40, 45, 45, 60]),
            format=meeting_format,
            topic=topic,
            summary=summary,
            result=result,
            next_step=next_step,
            author=author,
        )

    # -- consents --

    def create_consents(self):
        """Consent to processing for nearly everybody (a minor's from the legal
        representative); consent to publication for some in the programme."""
        world, rng = self.world, self.rng
        consents = []
        for person in self.everybody:
            if rng.random() < 0.03:
                continue  # the paper is not in yet
            participant = person.participant
            minor = bool(person.representative)
            profile = person.profile
            entered = getattr(profile, "entered_on", None) or world.programme_start
            given_on = min(
                world.random_day(
                    rng, world.programme_start, max(entered, world.programme_start)
                ),
                world.today,
            )
            given_by = person.representative if minor else participant.full_name
            relation = person.relation if minor else Consent.Relation.SELF
            valid_until = (
                world.programme_end
                if participant.kind == Participant.Kind.EXTERNAL
                else None
            )
            consents.append(
                Consent(
                    participant=participant,
                    scope=Consent.Scope.PROCESSING,
                    given_by=given_by,
                    relation=relation,
                    given_on=given_on,
                    valid_until=valid_until,
                )
            )
            if person.pairs and rng.random() < 0.2:
                consents.append(
                    Consent(
                        participant=participant,
                        scope=Consent.Scope.PUBLICATION,
                        given_by=given_by,
                        relation=relation,
                        given_on=given_on,
                        valid_until=valid_until,
                    )
                )
        world.save(Consent, consents)

    # -- monitoring --

    def create_monitoring(self):
        self.create_measurements()
        self.create_campaigns()
        monitoring_demo.seed_indicators(self.programme, self.world.today)

    def create_measurements(self):
        """Entry values a week after joining; exit values at the end of a closed
        pair, or on 25 May for open pairs that worked through the first year."""
        world, rng = self.world, self.rng
        rows = []
        first_may = date(world.programme_start.year + 1, 5, 25)
        for pair, person, link in self.links:
            if pair.status == Pair.Status.FORMED:
                continue
            entry_day = link.joined_on + timedelta(days=7)
            if entry_day > world.today:
                continue
            exit_day = pair.ended_on
            if exit_day is None and link.joined_on < first_may - timedelta(days=120):
                exit_day = first_may if first_may < world.today else None
            gain = monitoring_demo.VARIANT_GAIN.get(pair.role_variant.code, 0.7)
            participant = person.participant
            for parameter in world.parameters:
                if not monitoring_demo.fits(parameter, participant):
                    continue
                entry = monitoring_demo.start_value(parameter, rng)
                rows.append(
                    Measurement(
                        participant=participant,
                        pair=pair,
                        parameter=parameter,
                        moment=Measurement.Moment.ENTRY,
                        value=monitoring_demo.clamp(entry, parameter),
                        measured_on=entry_day,
                        school_year=world.school_year(entry_day),
                        recorded_by=self.curator,
                    )
                )
                if exit_day and exit_day >= entry_day:
                    value = monitoring_demo.exit_value(parameter, entry, gain, rng)
                    rows.append(
                        Measurement(
                            participant=participant,
                            pair=pair,
                            parameter=parameter,
                            moment=Measurement.Moment.EXIT,
                            value=monitoring_demo.clamp(value, parameter),
                            measured_on=exit_day,
                            school_year=world.school_year(exit_day),
                            recorded_by=self.curator,
                        )
                    )
        world.save(Measurement, rows)

    def create_campaigns(self):
        """Stage 1 of the first school year: entry questionnaires in October and
        exit ones in May, for the mentees and the mentors of the pairs formed by
        then, most of them answered."""
        world, rng = self.world, self.rng
        first_year = world.school_year(world.programme_start)
        autumn = date(world.programme_start.year, 10, 1)
        may = date(world.programme_start.year + 1, 5, 12)
        links_of = defaultdict(list)
        for pair, person, _link in self.links:
            links_of[id(pair)].append(person)
        mentor_of = {id(p.profile): p for p in self.mentors}
        campaigns = []
        for audience in (Audience.MENTEE, Audience.MENTOR):
            who = "наставляемых" if audience == Audience.MENTEE else "наставников"
            for moment, opens_on, title, share in (
                (AskedWhen.ENTRY, autumn, "Входное", 0.9),
                (AskedWhen.EXIT, may, "Итоговое", 0.8),
            ):
                questionnaire = world.questionnaires[(audience, moment)]
                closes_on = opens_on + timedelta(days=14)
                if questionnaire is None or closes_on >= world.today:
                    continue
                pairs = [
                    p
                    for p in self.pairs
                    if p.status != Pair.Status.FORMED
                    and p.start_on <= autumn + timedelta(days=40)
                ]
                asked = {}
                for pair in pairs:
                    people = (
                        [mentor_of[id(pair.mentor)]]
                        if audience == Audience.MENTOR
                        else links_of[id(pair)]
                    )
                    for person in people:
                        asked.setdefault(id(person), (person.participant, pair))
                if not asked:
                    continue
                campaign = Campaign(
                    programme=self.programme,
                    questionnaire=questionnaire,
                    title=f"{title} анкетирование {who} {first_year.title}",
                    opens_on=opens_on,
                    closes_on=closes_on,
                    school_year=first_year,
                    created_by=self.curator,
                )
                campaigns.append((campaign, questionnaire, list(asked.values()), share))
        world.save(Campaign, [c for c, *_rest in campaigns])
        invitations, answered = [], []
        for campaign, questionnaire, asked, share in campaigns:
            for participant, pair in asked:
                invitation = Invitation(
                    campaign=campaign,
                    participant=participant,
                    pair=pair,
                    token=f"{rng.getrandbits(192):048x}",
                )
                invitations.append(invitation)
                if rng.random() < share:
                    day = min(
                        campaign.opens_on + timedelta(days=rng.randint(0, 6)),
                        campaign.closes_on,
                        world.today,
                    )
                    invitation.answered_on = day
                    answered.append(
                        (campaign, questionnaire, invitation, participant, pair)
                    )
        world.save(Invitation, invitations)
        responses, answers = [], []
        for campaign, questionnaire, invitation, participant, pair in answered:
            if questionnaire.is_anonymous:
                response = Response(campaign=campaign, role=questionnaire.audience)
            else:
                response = Response(
                    campaign=campaign,
                    invitation=invitation,
                    participant=participant,
                    pair=pair,
                    role=questionnaire.audience,
                    form=pair.form,
                    submitted_on=invitation.answered_on,
                    via=(
                        Response.Via.WORKSPACE
                        if participant.user_id
                        else Response.Via.LINK
                    ),
                )
            responses.append((response, questionnaire))
        world.save(Response, [r for r, _q in responses])
        for response, questionnaire in responses:
            key = (questionnaire.audience, questionnaire.moment)
            for question in world.questions[key]:
                if questionnaire.moment == AskedWhen.ENTRY:
                    mean = monitoring_demo.ENTRY_MEAN
                else:
                    mean = monitoring_demo.EXIT_MEANS.get(question.topic, 8.0)
                answers.append(
                    monitoring_demo.answer_for(question, response, mean, rng)
                )
        world.save(Answer, answers)

    # -- roadmap --

    def create_roadmap(self):
        """The roadmap of the organisation's type, as `seed_demo` marks it: rows
        ended over a week ago done (every fourth left overdue), rows under way in
        progress."""
        template = roadmap_template_for(self.org)
        if template is None:
            return
        today = self.world.today
        items = roadmap_from_template(
            programme=self.programme, template=template, by=self.curator
        )
        self.world.counts[RoadmapItem._meta.label] += len(items)
        changed = []
        for index, item in enumerate(items):
            if item.due_to and item.due_to < today - timedelta(days=7):
                if index % 4 == 3:
                    continue
                item.status, item.done_on = (
                    RoadmapItem.Status.DONE,
                    min(item.due_to, today),
                )
                item.evidence_note = f"Протокол педагогического совета № {index + 1}"
                changed.append(item)
            elif item.due_from and item.due_from <= today:
                item.status = RoadmapItem.Status.IN_PROGRESS
                changed.append(item)
        RoadmapItem.objects.bulk_update(
            changed, ["status", "done_on", "evidence_note"], batch_size=BATCH
        )


# --- Spreading counts -----------------------------------------------------------------


def allocate(total: int, room: list[int]) -> list[int]:
    """`total` meetings over pairs in proportion to the school days each had, at
    least one each while there are enough, never more than its days."""
    counts = [0] * len(room)
    if not room or total <= 0:
        return counts
    open_ = [i for i, r in enumerate(room) if r > 0]
    if total >= len(open_):
        for i in open_:
            counts[i] = 1
    left = total - sum(counts)
    while left > 0:
        spare = [i for i in open_ if counts[i] < room[i]]
        if not spare:
            break
        weights = [room[i] for i in spare]
        shares = apportion(left, weights)
        for i, share in zip(spare, shares, strict=True):
            extra = min(share, room[i] - counts[i])
            counts[i] += extra
            left -= extra
    return counts


def spread(rng: random.Random, days: int, count: int) -> list[int]:
    """`count` increasing indexes over `days`, one in each of `count` equal
    stretches: meetings at a steady rhythm with some jitter."""
    count = min(count, days)
    return [
        rng.randrange(
            days * k // count, max(days * k // count + 1, days * (k + 1) // count)
        )
        for k in range(count)
    ]
