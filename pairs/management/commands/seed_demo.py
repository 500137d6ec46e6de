"""Load realistic demo data: a municipality, three organisations and their programmes.

    python manage.py seed_demo          # load once; a second run changes nothing
    python manage.py seed_demo --reset  # delete the demo rows and load them again
    python manage.py seed_demo --quiet  # no output

Who is who lives in `_demo_specs.py`, the Russian texts in `_demo_texts.py`.

The catalogues come from `fixtures/catalogues.json` (loaded first, by natural keys).
Everything else is generated from a fixed random seed, so the data is the same on
every run; dates are laid out relative to today (no meeting is in the future).
Every object is validated with `full_clean()` before it is saved.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

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
from mentoring.roadmap_services import (
    roadmap_from_template,
    roadmap_item_set_status,
    roadmap_template_for,
)
from monitoring.demo import seed_monitoring
from municipal.demo import (
    SECOND_LOGINS,
    delete_second_municipality,
    seed_bank,
    seed_checklist,
    seed_indicators,
    seed_practices,
    seed_second_municipality,
)
from pairs.management.commands import _demo_texts as texts
from pairs.management.commands._demo_specs import (
    EXTERNALS,
    MENTORS,
    NAMED_PUPILS,
    PAIRS,
    SUBPROGRAMMES,
    TEACHERS,
    MentorSpec,
    PairSpec,
    PupilSpec,
)
from pairs.models import (
    Meeting,
    MeetingAttendance,
    Pair,
    PairEvent,
    PairMentee,
    Plan,
    PlanItem,
    PlanTemplate,
    Reward,
)
from pairs.plan_services import plan_create, plan_item_set_status
from pairs.reward_services import reward_grant
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
from safeguarding.demo import seed_safeguarding, seed_screening

SEED = 2026
DEMO_PASSWORD = "demo12345"
ADMIN_PASSWORD = "admin12345"
EMAIL_DOMAIN = "shkola-nastavnichestva.example"

PROGRAMME_START = date(2025, 9, 1)
PROGRAMME_END = date(2027, 8, 31)
FIRST_PAIR_DAY = date(2025, 9, 15)  # a Monday: pairs start on or after it
GENERAL_MEETING_DAY = date(2025, 9, 10)
LONG_PAIR_END = date(2027, 5, 28)  # pairs planned for the whole programme
MIN_PAIR_AGE_DAYS = 21  # the youngest pair started three weeks ago

# Pupils and students who are in the mentee base, per organisation.
MENTEE_TARGET = {"sosh1": 50, "college": 28, "oktyabr": 22}
NO_CONSENT_WAITING = {"sosh1": 3, "oktyabr": 2}

MENTOR_PATH = [
    MentorProfile.Status.CANDIDATE,
    MentorProfile.Status.QUESTIONNAIRE,
    MentorProfile.Status.INTERVIEW,
    MentorProfile.Status.TRAINED,
    MentorProfile.Status.READY,
]
PATH_COMMENTS = {
    "candidate": "Предложен(а) в базу наставников",
    "questionnaire": "Анкета наставника заполнена",
    "interview": "Собеседование с куратором проведено",
    "trained": "Обучение наставников пройдено",
    "ready": "Допущен(а) к работе наставником",
}


# --- Helpers --------------------------------------------------------------------


def save(obj):
    """Validate, then save: every demo row passes the model's own checks (its
    fields' and `clean()`). What the database enforces itself — a foreign key's
    row, unique and check constraints — is left to it: asking for each of them
    first took a third of the seeding time, and a violation still fails."""
    foreign_keys = [
        field.name for field in obj._meta.concrete_fields if field.is_relation
    ]
    obj.clean_fields(exclude=foreign_keys)
    obj.clean()
    obj.save()
    return obj


def is_break(day: date) -> bool:
    """Summer holidays and the New Year break: nobody meets then."""
    return (
        day.month in (6, 7, 8)
        or (day.month, day.day) >= (12, 29)
        or (day.month == 1 and day.day <= 11)
    )


def next_school_day(day: date) -> date:
    while True:
        if day.month in (6, 7, 8):
            day = date(day.year, 9, 8)
        elif is_break(day):
            day = date(day.year + (1 if day.month == 12 else 0), 1, 12)
        if day.weekday() < 5:
            return day
        day += timedelta(days=7 - day.weekday())


def weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def school_day_on_or_before(day: date) -> date:
    """The last working day before a holiday, or the day itself."""
    while is_break(day) or day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def clamp(day: date, lowest: date, highest: date) -> date:
    return max(lowest, min(day, highest))


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class Catalogues:
    """Catalogue rows by code; a missing code is a broken fixture, said plainly."""

    MODELS = {
        "form": MentoringForm,
        "variant": RoleVariant,
        "way": MentoringWay,
        "meeting_type": MeetingType,
        "mentee_category": MenteeCategory,
        "mentor_category": MentorCategory,
        "area": RequestArea,
    }

    def __init__(self):
        self.rows = {
            name: {row.code: row for row in model.objects.all()}
            for name, model in self.MODELS.items()
        }

    def get(self, name: str, code: str):
        try:
            return self.rows[name][code]
        except KeyError:
            model = self.MODELS[name]._meta.label
            raise CommandError(
                f"Catalogue row {model} «{code}» is missing: "
                "check fixtures/catalogues.json"
            ) from None

    def subprogramme(self, variant: RoleVariant) -> Subprogramme | None:
        code = SUBPROGRAMMES.get(variant.code)
        if not code:
            return None
        return Subprogramme.objects.filter(code=code, form=variant.form).first()


@dataclass
class PlannedPair:
    """A pair spec resolved to people and dates, before anything is saved."""

    spec: PairSpec
    programme: Programme
    mentees: list[Participant]
    start: date
    planned_end: date
    ended: date | None
    order_number: str = ""
    order_date: date | None = None
    pair: Pair | None = None
    links: list[PairMentee] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.spec.status in ("formed", "active")


# --- The builder ----------------------------------------------------------------


class DemoBuilder:
    def __init__(self, today: date, log):
        self.today = today
        self.rng = random.Random(SEED)
        self.log = log
        self.year_start = SchoolYear.bounds_for(today)[0]  # 1 Sep of this school year
        self.latest_start = max(
            FIRST_PAIR_DAY, today - timedelta(days=MIN_PAIR_AGE_DAYS)
        )
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Organisation] = {}
        self.programmes: dict[str, Programme] = {}
        self.groups: dict[tuple[str, str], StudyGroup] = {}
        self.people: dict[str, Participant] = {}  # named participants by key
        self.relation: dict[int, str] = {}  # participant pk -> representative relation
        self.free_pupils: dict[tuple[str, str], list[Participant]] = defaultdict(list)
        self.used_names: set[tuple[str, str, str]] = set()
        self.mentors: dict[str, MentorProfile] = {}
        self.mentees: dict[int, MenteeProfile] = {}  # by participant pk
        self.plans: list[PlannedPair] = []
        self.no_consent: set[int] = set()
        self.left: dict[int, date] = {}  # participant pk -> day they left

    # -- entry point --

    def build(self):
        self.cat = Catalogues()
        steps = [
            ("school years", self.create_school_years),
            ("municipality and organisations", self.create_organisations),
            ("users", self.create_staff_users),
            ("programmes", self.create_programmes),
            ("teachers and external mentors", self.create_adults),
            ("pupils and students", self.create_pupils),
            ("pair plan", self.plan_pairs),
            ("mentor base", self.create_mentor_base),
            ("pairs and groups", self.create_pairs),
            ("mentee base", self.create_waiting_mentees),
            ("statuses", self.finalise_mentee_statuses),
            ("meetings", self.create_meetings),
            ("consents", self.create_consents),
            ("memberships", self.create_memberships),
        ]
        for label, step in steps:
            self.log(f"  · {label}")
            step()

    # -- random helpers --

    def phone(self) -> str:
        rng = self.rng
        return (
            f"+7 {rng.choice(texts.PHONE_PREFIXES)} {rng.randint(100, 999)}-"
            f"{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        )

    def random_day(self, lowest: date, highest: date) -> date:
        if highest <= lowest:
            return lowest
        return lowest + timedelta(days=self.rng.randint(0, (highest - lowest).days))

    def adult_name(self, sex: str, surname: str | None = None) -> tuple[str, str, str]:
        rng = self.rng
        while True:
            last = surname or rng.choice(texts.SURNAMES)
            father = rng.choice(sorted(texts.PATRONYMICS))
            if sex == "m":
                name = (
                    last,
                    rng.choice(texts.MALE_NAMES_ADULT),
                    texts.PATRONYMICS[father][0],
                )
            else:
                name = (
                    texts.feminine_surname(last),
                    rng.choice(texts.FEMALE_NAMES_ADULT),
                    texts.PATRONYMICS[father][1],
                )
            if name not in self.used_names or surname:
                self.used_names.add(name)
                return name

    def child_name(self, sex: str) -> tuple[tuple[str, str, str], str]:
        """A child's name and the father's first name (the patronymic agrees)."""
        rng = self.rng
        while True:
            surname = rng.choice(texts.SURNAMES)
            father = rng.choice(texts.MALE_NAMES_ADULT)
            if sex == "m":
                first = rng.choice(texts.MALE_NAMES_CHILD)
                name = (surname, first, texts.PATRONYMICS[father][0])
            else:
                first = rng.choice(texts.FEMALE_NAMES_CHILD)
                name = (
                    texts.feminine_surname(surname),
                    first,
                    texts.PATRONYMICS[father][1],
                )
            if name not in self.used_names:
                self.used_names.add(name)
                return name, father

    def birth_date_for_grade(self, grade: int) -> date:
        """Born so that the pupil is in `grade` this school year (1 Sep cut-off)."""
        year = self.year_start.year
        return self.random_day(
            date(year - 6 - grade, 9, 1), date(year - 5 - grade, 8, 31)
        )

    def birth_date_for_age(self, age: int) -> date:
        """A birthday that makes the person exactly `age` years old today."""
        latest = date(self.today.year - age, self.today.month, min(self.today.day, 28))
        return latest - timedelta(days=self.rng.randint(0, 364))

    def representative(self, surname_male: str, father: str) -> tuple[str, str]:
        """(full name, relation) of a minor's legal representative."""
        roll = self.rng.random()
        if roll < 0.62:
            name = self.adult_name("f", surname_male)
            relation = Consent.Relation.MOTHER
        elif roll < 0.92:
            last, _first, middle = self.adult_name("m", surname_male)
            name = (last, father, middle)
            relation = Consent.Relation.FATHER
        else:
            name = self.adult_name("f", surname_male)
            relation = Consent.Relation.GUARDIAN
        return " ".join(name), relation

    # -- steps --

    def create_school_years(self):
        SchoolYear.for_date(PROGRAMME_START)
        SchoolYear.for_date(self.today)

    def create_organisations(self):
        self.municipality = save(
            Municipality(name=texts.MUNICIPALITY, region=texts.REGION)
        )
        for key, data in texts.ORGANISATIONS.items():
            self.orgs[key] = save(
                Organisation(
                    municipality=self.municipality,
                    name=data["name"],
                    short_name=data["short_name"],
                    kind=data["kind"],
                    address=data["address"],
                    phone=data["phone"],
                    email=data["email"],
                )
            )
            for name, grade, _count in texts.STUDY_GROUPS[key]:
                self.groups[key, name] = save(
                    StudyGroup(organisation=self.orgs[key], name=name, grade=grade)
                )

    def make_user(
        self, username: str, name: tuple[str, str, str], *, staff=False, superuser=False
    ) -> User:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.last_name, user.first_name, user.middle_name = name
        user.email = f"{username}@{EMAIL_DOMAIN}"
        user.is_staff = staff or superuser
        user.is_superuser = superuser
        user.is_active = True
        user.set_password(ADMIN_PASSWORD if superuser else DEMO_PASSWORD)
        self.users[username] = save(user)
        return user

    def create_staff_users(self):
        for username, (
            last,
            first,
            middle,
            staff,
            superuser,
        ) in texts.STAFF_USERS.items():
            self.make_user(
                username, (last, first, middle), staff=staff, superuser=superuser
            )
            self.used_names.add((last, first, middle))
        for index, key in enumerate(self.orgs, start=1):
            org = self.orgs[key]
            org.head_name = self.users[f"head{index}"].get_full_name()
            org.head_title = "Директор"
            save(org)

    def create_programmes(self):
        for index, (key, data) in enumerate(texts.ORGANISATIONS.items(), start=1):
            org = self.orgs[key]
            programme = save(
                Programme(
                    organisation=org,
                    title=(
                        f"Программа наставничества {org.short_name} "
                        f"на {PROGRAMME_START.year}–{PROGRAMME_END.year} годы"
                    ),
                    goal=data["goal"].format(org=org.short_name),
                    starts_on=PROGRAMME_START,
                    ends_on=PROGRAMME_END,
                    approved_by=data.get("approved_by", "Директор"),
                    approval_order_number=data["approval_order_number"],
                    approval_order_date=date(*data["approval_order_date"]),
                )
            )
            programme.forms.set([self.cat.get("form", code) for code in data["forms"]])
            programme.curators.set([self.users[f"curator{index}"]])
            self.programmes[key] = programme

    def create_adults(self):
        for spec in TEACHERS + EXTERNALS:
            name = spec.name or self.adult_name(spec.sex)
            self.used_names.add(name)
            age = spec.age or 22 + (spec.experience or 0) + self.rng.randint(0, 4)
            participant = Participant(
                organisation=self.orgs[spec.org],
                kind=spec.kind,
                last_name=name[0],
                first_name=name[1],
                middle_name=name[2],
                birth_date=self.birth_date_for_age(age),
                position=spec.position,
                workplace=spec.workplace,
                experience_years=spec.experience,
                subjects=spec.subjects,
                phone=self.phone(),
            )
            if spec.username:
                participant.user = self.make_user(spec.username, name)
            self.people[spec.key] = save(participant)

    def create_pupils(self):
        named = defaultdict(list)
        for spec in NAMED_PUPILS:
            named[spec.org, spec.group].append(spec)
        for org_key, groups in texts.STUDY_GROUPS.items():
            org = self.orgs[org_key]
            kind = (
                Participant.Kind.STUDENT
                if org.kind == "college"
                else Participant.Kind.PUPIL
            )
            for group_name, grade, count in groups:
                group = self.groups[org_key, group_name]
                specs = named[org_key, group_name]
                for index in range(count):
                    spec = specs[index] if index < len(specs) else None
                    sex = spec.sex if spec else self.rng.choice("mf")
                    participant = self.make_pupil(org, kind, group, grade, sex, spec)
                    if spec:
                        self.people[spec.key] = participant
                    else:
                        self.free_pupils[org_key, group_name].append(participant)

    def make_pupil(self, org, kind, group, grade, sex, spec: PupilSpec | None):
        if spec and spec.name:
            name = spec.name
            self.used_names.add(name)
            father = next(
                first for first, forms in texts.PATRONYMICS.items() if name[2] in forms
            )
        else:
            name, father = self.child_name(sex)
        school_grade = grade + 9 if kind == Participant.Kind.STUDENT else grade
        participant = Participant(
            organisation=org,
            kind=kind,
            last_name=name[0],
            first_name=name[1],
            middle_name=name[2],
            birth_date=self.birth_date_for_grade(school_grade),
            study_group=group,
        )
        if school_grade >= 7 and self.rng.random() < 0.7:
            participant.phone = self.phone()
        if participant.age_on(self.today) < 18:
            surname = name[0] if sex == "m" else self.male_surname(name[0])
            participant.representative_name, relation = self.representative(
                surname, father
            )
            participant.representative_phone = self.phone()
        else:
            relation = Consent.Relation.SELF
        if spec and spec.username:
            participant.user = self.make_user(spec.username, name)
        save(participant)
        self.relation[participant.pk] = relation
        return participant

    @staticmethod
    def male_surname(female: str) -> str:
        for surname in texts.SURNAMES:
            if texts.feminine_surname(surname) == female:
                return surname
        return female

    # -- pairs: plan first, so mentor statuses and dates can be derived --

    def resolve_start(self, start: tuple[str, int]) -> date:
        kind, days = start
        if kind == "y1":
            day = FIRST_PAIR_DAY + timedelta(days=days)
        elif kind == "y2":
            day = date(self.year_start.year, 9, 15) + timedelta(days=days)
        else:
            day = self.today - timedelta(days=days)
        return weekday_on_or_before(clamp(day, FIRST_PAIR_DAY, self.latest_start))

    def resolve_planned_end(self, spec: PairSpec, start: date) -> date:
        if spec.plan == "programme":
            end = LONG_PAIR_END
        elif spec.plan == "short":
            end = start + timedelta(days=112)
        else:
            end = date(SchoolYear.bounds_for(start)[0].year + 1, 5, 29)
        end = school_day_on_or_before(clamp(end, start, PROGRAMME_END))
        return max(end, start + timedelta(days=14))

    def pick_mentee(self, org_key: str, selector: str) -> Participant:
        if selector.startswith("@"):
            return self.people[selector[1:]]
        pool = self.free_pupils[org_key, selector]
        if not pool:
            raise CommandError(f"No free pupil left in {org_key} {selector}")
        return pool.pop(self.rng.randrange(len(pool)))

    def plan_pairs(self):
        for spec in PAIRS:
            start = self.resolve_start(spec.start)
            planned_end = self.resolve_planned_end(spec, start)
            ended = None
            if spec.ended:
                ended = weekday_on_or_before(
                    clamp(
                        spec.ended,
                        start + timedelta(days=1),
                        self.today - timedelta(days=1),
                    )
                )
                ended = max(ended, start)
                planned_end = max(planned_end, ended + timedelta(days=1))
            self.plans.append(
                PlannedPair(
                    spec=spec,
                    programme=self.programmes[spec.org],
                    mentees=[self.pick_mentee(spec.org, s) for s in spec.mentees],
                    start=start,
                    planned_end=planned_end,
                    ended=ended,
                )
            )
        self.assign_orders()

    def assign_orders(self):
        """One order per organisation and start date: «№ 112-о от 12.09.2025»."""
        for key, data in texts.ORGANISATIONS.items():
            approved = sorted(
                (
                    p
                    for p in self.plans
                    if p.spec.org == key and p.spec.status != "formed"
                ),
                key=lambda p: (p.start, p.spec.key),
            )
            number = data["first_order_number"]
            orders: dict[date, tuple[str, date]] = {}
            for plan in approved:
                if plan.start not in orders:
                    if orders:
                        number += self.rng.randint(3, 11)
                    order_date = weekday_on_or_before(plan.start - timedelta(days=3))
                    orders[plan.start] = (
                        f"{number}{data['order_suffix']}",
                        order_date,
                    )
                plan.order_number, plan.order_date = orders[plan.start]

    # -- mentor base --

    def create_mentor_base(self):
        for spec in MENTORS:
            participant = self.people[spec.key]
            plans = [p for p in self.plans if p.spec.mentor == spec.key]
            status = self.mentor_status(spec, plans)
            entered_on = self.mentor_entered_on(participant, spec, plans)
            profile = save(
                MentorProfile(
                    participant=participant,
                    category=self.cat.get("mentor_category", spec.category),
                    mentor_type=spec.mentor_type,
                    qualification_category=spec.qualification,
                    key_competencies=spec.competencies
                    or self.competencies(participant),
                    achievements=spec.achievements or self.achievements(participant),
                    interests=spec.interests
                    or self.rng.choice(self.interest_pool(participant)),
                    desired_age_min=spec.ages[0] if spec.ages else None,
                    desired_age_max=spec.ages[1] if spec.ages else None,
                    meeting_time=self.rng.choice(
                        texts.MEETING_TIMES_ADULT
                        if participant.kind in ("teacher", "external")
                        else texts.MEETING_TIMES_PUPIL
                    ),
                    capacity=spec.capacity,
                    status=status,
                    shared_in_bank=spec.shared,
                    entered_on=entered_on,
                )
            )
            self.mentors[spec.key] = profile
            self.create_mentor_history(profile, spec, plans)
            if spec.status == MentorProfile.Status.ARCHIVED and plans:
                participant.left_on = max(p.ended for p in plans if p.ended)
                save(participant)

    def mentor_status(self, spec: MentorSpec, plans: list[PlannedPair]) -> str:
        if spec.status == MentorProfile.Status.ARCHIVED:
            return spec.status
        if any(p.is_open for p in plans):
            return MentorProfile.Status.IN_PAIR
        if plans:
            return MentorProfile.Status.READY
        return spec.status or MentorProfile.Status.READY

    def mentor_entered_on(self, participant, spec, plans) -> date:
        rng = self.rng
        if plans:
            first_start = min(p.start for p in plans)
            if (
                participant.kind in ("pupil", "student")
                and first_start >= self.year_start
            ):
                base = self.year_start
            else:
                base = PROGRAMME_START
            day = base + timedelta(days=rng.randint(0, 10))
            return min(day, first_start - timedelta(days=5))
        if spec.status == MentorProfile.Status.CANDIDATE:
            return self.today - timedelta(days=rng.randint(5, 25))
        return clamp(
            self.year_start + timedelta(days=rng.randint(0, 20)),
            PROGRAMME_START,
            self.today - timedelta(days=30),
        )

    def competencies(self, participant: Participant) -> str:
        if participant.kind == "pupil":
            return self.rng.choice(texts.PUPIL_MENTOR_COMPETENCIES)
        if participant.kind == "student":
            return self.rng.choice(texts.STUDENT_MENTOR_COMPETENCIES)
        text = f"{participant.subjects} {participant.position}".lower()
        for stem, competence in texts.TEACHER_COMPETENCIES:
            if stem in text:
                return competence
        return "Классное руководство; проектная деятельность; работа с родителями"

    def achievements(self, participant: Participant) -> str:
        if participant.kind == "pupil":
            return self.rng.choice(texts.PUPIL_MENTOR_ACHIEVEMENTS)
        if participant.kind == "student":
            return self.rng.choice(texts.STUDENT_MENTOR_ACHIEVEMENTS)
        return "; ".join(self.rng.sample(texts.TEACHER_ACHIEVEMENTS, 2))

    def interest_pool(self, participant: Participant) -> list[str]:
        if participant.kind in ("pupil", "student"):
            return texts.PUPIL_INTERESTS
        return texts.TEACHER_INTERESTS

    def create_mentor_history(self, profile, spec, plans):
        """The selection path, then «in a pair» / «ready» for each stretch of pairs."""
        path_end = (
            spec.status if not plans and spec.status else MentorProfile.Status.READY
        )
        steps = MENTOR_PATH[: MENTOR_PATH.index(path_end) + 1]
        if plans:
            last_path_day = min(p.start for p in plans) - timedelta(days=1)
        else:
            last_path_day = min(profile.entered_on + timedelta(days=40), self.today)
        span = max((last_path_day - profile.entered_on).days, len(steps))
        gap = max(span // len(steps), 1)
        curator = self.programmes[self.org_key(profile.participant)].curators.first()
        changes = []
        previous = ""
        for index, status in enumerate(steps):
            day = min(profile.entered_on + timedelta(days=index * gap), last_path_day)
            changes.append((previous, status, day, PATH_COMMENTS[status]))
            previous = status
        for start, end, order in self.busy_stretches(plans):
            comment = (
                f"Закреплён(а) за парой приказом {order}"
                if order
                else "Пара сформирована"
            )
            changes.append((previous, MentorProfile.Status.IN_PAIR, start, comment))
            previous = MentorProfile.Status.IN_PAIR
            if end:
                final = (
                    MentorProfile.Status.ARCHIVED
                    if spec.status == MentorProfile.Status.ARCHIVED
                    else MentorProfile.Status.READY
                )
                comment = (
                    "Выбыл(а) из программы: переезд в другой регион"
                    if final == MentorProfile.Status.ARCHIVED
                    else "Работа пары завершена"
                )
                changes.append((previous, final, end, comment))
                previous = final
        for index, (status_from, status_to, day, comment) in enumerate(changes):
            change = save(
                MentorStatusChange(
                    mentor=profile,
                    status_from=status_from,
                    status_to=status_to,
                    changed_by=curator,
                    comment=comment,
                )
            )
            # changed_at is auto_now_add: date it afterwards; distinct hours keep order
            MentorStatusChange.objects.filter(pk=change.pk).update(
                changed_at=aware(day, hour=8 + index % 10)
            )
        trained_day = next(
            (day for _f, status, day, _c in changes if status == "trained"), None
        )
        if trained_day and self.rng.random() < 0.8:
            self.create_training(profile, trained_day)

    @staticmethod
    def busy_stretches(plans):
        """Merge the mentor's pairs into stretches of work: (start, end|None, order)."""
        stretches = []
        for plan in sorted(plans, key=lambda p: p.start):
            end = None if plan.is_open else plan.ended
            if stretches and (
                stretches[-1][1] is None or stretches[-1][1] >= plan.start
            ):
                start, previous_end, order = stretches[-1]
                merged_end = (
                    None
                    if previous_end is None or end is None
                    else max(previous_end, end)
                )
                stretches[-1] = (start, merged_end, order)
            else:
                stretches.append((plan.start, end, plan.order_number))
        return stretches

    def create_training(self, profile: MentorProfile, day: date):
        participant = profile.participant
        if participant.kind in ("pupil", "student"):
            title, _provider, hours = texts.TRAINING_PUPIL
            provider = participant.organisation.short_name
            document = ""
        else:
            title, provider, hours = (
                texts.TRAINING_TEACHER
                if self.rng.random() < 0.6
                else texts.TRAINING_TEACHER_SHORT
            )
            document = f"Удостоверение № 2225-{self.rng.randint(1000, 9999)}"
        save(
            MentorTraining(
                mentor=profile,
                title=title,
                provider=provider,
                completed_on=day,
                hours=hours,
                document=document,
            )
        )

    def org_key(self, participant: Participant) -> str:
        return next(
            k for k, org in self.orgs.items() if org.pk == participant.organisation_id
        )

    # -- pairs --

    def create_pairs(self):
        for plan in self.plans:
            spec = plan.spec
            variant = self.cat.get("variant", spec.variant)
            plan.pair = save(
                Pair(
                    programme=plan.programme,
                    form=self.cat.get("form", spec.form),
                    role_variant=variant,
                    way=self.cat.get("way", spec.way),
                    subprogramme=(
                        self.cat.subprogramme(variant)
                        if self.orgs[spec.org].kind == Organisation.Kind.SCHOOL
                        else None
                    ),
                    mentor=self.mentors[spec.mentor],
                    title=spec.title,
                    start_on=plan.start,
                    planned_end_on=plan.planned_end,
                    status=spec.status,
                    ended_on=plan.ended,
                    termination_reason=spec.reason,
                    order_number=plan.order_number,
                    order_date=plan.order_date,
                    result=spec.result,
                    evidence=spec.evidence,
                )
            )
            for index, participant in enumerate(plan.mentees):
                self.add_pair_mentee(plan, index, participant)
            self.add_events(plan.pair)

    def add_events(self, pair: Pair):
        """The pair's history as the services would have written it."""

        def event(kind, on, note=""):
            at = timezone.make_aware(datetime.combine(on, time(15, 0)))
            save(PairEvent(pair=pair, kind=kind, on=on, at=at, note=note))

        event(PairEvent.Kind.CREATED, pair.start_on)
        if pair.order_number:
            event(PairEvent.Kind.APPROVED, pair.order_date, pair.order_number)
        if pair.status == Pair.Status.COMPLETED:
            event(PairEvent.Kind.COMPLETED, pair.ended_on, pair.result)
        elif pair.status == Pair.Status.TERMINATED:
            event(PairEvent.Kind.TERMINATED, pair.ended_on, pair.termination_reason)

    def add_pair_mentee(self, plan: PlannedPair, index: int, participant: Participant):
        spec = plan.spec
        joined = plan.start
        if spec.late_joiner and index == len(plan.mentees) - 1:
            joined = min(plan.start + timedelta(days=14), self.latest_start)
        left = plan.ended
        if spec.group_leaver and index == 0:
            left = clamp(spec.group_leaver, joined, self.today - timedelta(days=1))
            self.left[participant.pk] = left
        if spec.mentee_leaves:
            self.left[participant.pk] = plan.ended
        if spec.no_consent:
            self.no_consent.add(participant.pk)
        profile = self.mentee_for_pair(plan, participant, joined)
        plan.links.append(
            save(
                PairMentee(
                    pair=plan.pair, mentee=profile, joined_on=joined, left_on=left
                )
            )
        )

    def mentee_for_pair(self, plan, participant, joined) -> MenteeProfile:
        spec = plan.spec
        entered = clamp(
            joined - timedelta(days=self.rng.randint(7, 25)), PROGRAMME_START, joined
        )
        profile = self.create_mentee(
            participant,
            programme=plan.programme,
            categories=spec.categories,
            form_code=spec.form,
            entered_on=entered,
            proposed_by="социальный педагог" if spec.form == "social-risk" else None,
        )
        if spec.status == "completed":
            profile.results = spec.result
            profile.completion_mark = "Программа пройдена; выдан сертификат участника"
            if spec.evidence in ("business_plan", "open_lesson"):
                profile.case_link = (
                    f"https://{self.org_slug(participant)}.example/nastavnichestvo/"
                    f"keys-{plan.spec.key.lower()}"
                )
            save(profile)
        leaving = participant.pk in self.left
        if spec.status == "completed" or leaving:
            status = MenteeRequest.Status.CLOSED
        elif plan.is_open:
            status = MenteeRequest.Status.COVERED
        else:
            status = MenteeRequest.Status.OPEN  # terminated: waits for another mentor
        self.add_request(profile, spec.request, spec.form, status, entered)
        if spec.extra_request:
            self.add_request(profile, spec.extra_request, spec.form, status, entered)
        elif self.rng.random() < 0.25:
            self.add_random_requests(profile, 1, exclude={spec.request[1]})
        return profile

    def org_slug(self, participant: Participant) -> str:
        return {
            "sosh1": "sosh1-zmeinogorsk",
            "college": "zpk-college",
            "oktyabr": "oktyabr-school",
        }[self.org_key(participant)]

    def create_mentee(
        self,
        participant,
        *,
        programme,
        categories,
        form_code,
        entered_on,
        proposed_by=None,
    ) -> MenteeProfile:
        rng = self.rng
        is_teacher = participant.kind == Participant.Kind.TEACHER
        if proposed_by is None:
            if is_teacher:
                proposed_by = rng.choice(texts.PROPOSED_BY_TEACHER)
            elif participant.kind == Participant.Kind.STUDENT:
                proposed_by = rng.choice(texts.PROPOSED_BY_STUDENT)
            else:
                proposed_by = rng.choice(texts.PROPOSED_BY_PUPIL)
            if proposed_by == "классный руководитель" and participant.study_group:
                proposed_by = f"классный руководитель {participant.study_group.name}"
        profile = save(
            MenteeProfile(
                participant=participant,
                programme=programme,
                preferred_form=self.cat.get("form", form_code),
                proposed_by=proposed_by,
                interests=rng.choice(
                    texts.TEACHER_INTERESTS if is_teacher else texts.PUPIL_INTERESTS
                ),
                meeting_time=rng.choice(
                    texts.MEETING_TIMES_ADULT
                    if is_teacher
                    else texts.MEETING_TIMES_PUPIL
                ),
                entered_on=entered_on,
                status=MenteeProfile.Status.WAITING,
            )
        )
        profile.categories.set(
            [
                self.cat.get("mentee_category", code)
                for code in dict.fromkeys(categories)
            ]
        )
        self.mentees[participant.pk] = profile
        return profile

    def add_request(self, profile, request, form_code, status, created_on):
        area, text = request
        save(
            MenteeRequest(
                mentee=profile,
                area=self.cat.get("area", area),
                text=text,
                form=self.cat.get("form", form_code),
                status=status,
                created_on=created_on,
            )
        )

    def request_pool(self, participant: Participant) -> list[tuple]:
        org_key = self.org_key(participant)
        forms = set(texts.ORGANISATIONS[org_key]["forms"])
        grade = participant.study_group.grade if participant.study_group else 0
        if participant.kind == Participant.Kind.TEACHER:
            pool = texts.TEACHER_REQUESTS
        elif participant.kind == Participant.Kind.STUDENT:
            pool = texts.STUDENT_REQUESTS
        elif "employer-pupil" in forms:
            pool = texts.EMPLOYER_REQUESTS
        else:
            pool = texts.PUPIL_REQUESTS
        return [r for r in pool if r[3] in forms and r[4] <= grade <= r[5]]

    def add_random_requests(self, profile, count, exclude=frozenset()) -> list[tuple]:
        pool = [
            r for r in self.request_pool(profile.participant) if r[1] not in exclude
        ]
        chosen = self.rng.sample(pool, min(count, len(pool)))
        for area, text, _cats, form_code, _lo, _hi in chosen:
            self.add_request(
                profile,
                (area, text),
                form_code,
                MenteeRequest.Status.OPEN,
                profile.entered_on,
            )
        return chosen

    # -- the rest of the mentee base: waiting for a mentor --

    def create_waiting_mentees(self):
        for org_key, target in MENTEE_TARGET.items():
            in_pairs = sum(
                1
                for pk in self.mentees
                if self.org_key_by_pk(pk) == org_key and not self.is_teacher_pk(pk)
            )
            pool = [
                participant
                for (key, _group), pupils in self.free_pupils.items()
                if key == org_key
                for participant in pupils
                if self.request_pool(participant)
            ]
            chosen = self.rng.sample(pool, max(target - in_pairs, 0))
            chosen.sort(key=lambda p: p.pk)
            for participant in chosen:
                self.create_waiting_mentee(org_key, participant)
            minors = [p for p in chosen if p.is_minor]
            for participant in self.rng.sample(
                minors, NO_CONSENT_WAITING.get(org_key, 0)
            ):
                self.no_consent.add(participant.pk)

    def create_waiting_mentee(self, org_key: str, participant: Participant):
        pool = self.request_pool(participant)
        first = self.rng.choice(pool)
        if self.rng.random() < 0.4:
            entered = self.random_day(
                PROGRAMME_START + timedelta(days=3), date(2025, 11, 28)
            )
        else:
            entered = self.random_day(self.year_start + timedelta(days=2), self.today)
        entered = min(entered, self.today)
        profile = self.create_mentee(
            participant,
            programme=self.programmes[org_key],
            categories=first[2],
            form_code=first[3],
            entered_on=entered,
        )
        self.add_request(profile, (first[0], first[1]), first[3], "open", entered)
        if self.rng.random() < 0.35:
            extra = self.add_random_requests(profile, 1, exclude={first[1]})
            codes = [*first[2], *(c for r in extra for c in r[2])]
            profile.categories.set(
                [self.cat.get("mentee_category", c) for c in dict.fromkeys(codes)]
            )

    def org_key_by_pk(self, participant_pk: int) -> str:
        return self.org_key(self.mentees[participant_pk].participant)

    def is_teacher_pk(self, participant_pk: int) -> bool:
        return self.mentees[participant_pk].participant.kind == Participant.Kind.TEACHER

    def finalise_mentee_statuses(self):
        """in_pair in an open pair, completed after a completed one, left if gone."""
        status_by_pk: dict[int, str] = {}
        for plan in self.plans:
            for link in plan.links:
                pk = link.mentee.participant_id
                if plan.is_open and link.left_on is None:
                    status_by_pk[pk] = MenteeProfile.Status.IN_PAIR
                elif plan.spec.status == "completed":
                    status_by_pk.setdefault(pk, MenteeProfile.Status.COMPLETED)
        for pk, profile in self.mentees.items():
            if pk in self.left:
                status = MenteeProfile.Status.LEFT
                participant = profile.participant
                participant.left_on = self.left[pk]
                save(participant)
            else:
                status = status_by_pk.get(pk, MenteeProfile.Status.WAITING)
            if profile.status != status:
                profile.status = status
                save(profile)

    # -- meetings --

    def create_meetings(self):
        general = self.cat.get("meeting_type", "general")
        title, summary, result, next_step = texts.GENERAL_MEETING
        for programme in self.programmes.values():
            save(
                Meeting(
                    programme=programme,
                    meeting_type=general,
                    held_on=min(GENERAL_MEETING_DAY, self.today),
                    duration_minutes=90,
                    format=Meeting.Format.GROUP,
                    topic=title,
                    summary=summary,
                    result=result,
                    next_step=next_step,
                    author=programme.curators.first(),
                )
            )
        for plan in self.plans:
            if plan.spec.status != "formed" and plan.spec.meetings != "none":
                self.create_pair_meetings(plan)

    def meeting_days(self, plan: PlannedPair) -> tuple[list[date], date | None]:
        """Dates of the pair's meetings (every 1–3 weeks) and of the final one."""
        rng = self.rng
        spec = plan.spec
        yesterday = self.today - timedelta(days=1)
        final_day = None
        if spec.status == "completed":
            final_day = plan.ended
            until = plan.ended - timedelta(days=5)
        elif spec.status == "terminated":
            until = plan.ended - timedelta(days=rng.randint(7, 14))
        elif spec.meetings == "stale":
            until = self.today - timedelta(days=rng.randint(33, 48))
        else:
            until = yesterday
        days = []
        day = next_school_day(plan.start + timedelta(days=rng.randint(0, 4)))
        while day <= until:
            days.append(day)
            gap = (
                rng.choice([7, 10])
                if len(days) < 3
                else rng.choice([7, 7, 10, 14, 14, 21])
            )
            day = next_school_day(day + timedelta(days=gap))
        if spec.meetings == "fresh" and plan.is_open and not is_break(self.today):
            recent = weekday_on_or_before(
                self.today - timedelta(days=rng.randint(1, 5))
            )
            if (not days or days[-1] < self.today - timedelta(days=10)) and (
                recent >= plan.start and (not days or recent > days[-1])
            ):
                days.append(recent)
        if final_day and (not days or final_day > days[-1]):
            return days, final_day
        return days, None

    def create_pair_meetings(self, plan: PlannedPair):
        days, final_day = self.meeting_days(plan)
        spec = plan.spec
        org_kind = self.orgs[spec.org].kind
        topics = self.topics_for(spec, org_kind)
        deck: list[tuple[str, str, str]] = []
        author = plan.pair.mentor.participant.user or plan.programme.curators.first()
        trial = texts.TRIAL[spec.form]
        for index, day in enumerate(days):
            if index == 0:
                code, (topic, summary, result, next_step) = (
                    "introduction",
                    self.rng.choice(texts.INTRODUCTION),
                )
            elif index == 1:
                code, (topic, summary, result) = "trial", trial
                next_step = "Провести встречу-планирование и составить план работы."
            elif index == 2:
                code, (topic, summary, result, next_step) = "planning", texts.PLANNING
            else:
                if not deck:
                    deck = self.rng.sample(topics, len(topics))
                topic, summary, next_step, _tag = deck.pop()
                code, result = "regular", self.rng.choice(texts.REGULAR_RESULTS)
            self.save_meeting(
                plan, code, day, topic, summary, result, next_step, author
            )
        if final_day:
            topic, summary, next_step = texts.FINAL
            self.save_meeting(
                plan, "final", final_day, topic, summary, spec.result, next_step, author
            )

    @staticmethod
    def topics_for(spec: PairSpec, org_kind: str) -> list[tuple[str, str, str, str]]:
        """Regular topics that fit the pair's request, plus the general ones."""
        topics = texts.REGULAR.get(f"{spec.form}:{org_kind}", texts.REGULAR[spec.form])
        request = spec.request[1].lower()
        tag = next(
            (tag for stem, tag in texts.TOPIC_TAGS if stem.lower() in request), ""
        )
        fitting = [t for t in topics if t[3] in ("", tag)]
        return fitting if len(fitting) >= 4 else topics

    def save_meeting(self, plan, code, day, topic, summary, result, next_step, author):
        spec = plan.spec
        is_group = len(plan.mentees) > 1
        if is_group:
            meeting_format = Meeting.Format.GROUP
        elif spec.way == "virtual" or self.rng.random() < 0.1:
            meeting_format = Meeting.Format.REMOTE
        else:
            meeting_format = Meeting.Format.IN_PERSON
        if code == "regular":
            duration = self.rng.choice(
                [40, 45, 45, 60, 90]
                if spec.form == "employer-pupil"
                else [30, 40, 45, 45, 60]
            )
        else:
            duration = {"introduction": 40, "trial": 45, "planning": 45, "final": 60}[
                code
            ]
        meeting = save(
            Meeting(
                programme=plan.programme,
                pair=plan.pair,
                meeting_type=self.cat.get("meeting_type", code),
                held_on=day,
                duration_minutes=duration,
                format=meeting_format,
                topic=topic,
                summary=summary,
                result=result,
                next_step=next_step,
                author=author,
            )
        )
        if is_group:
            for link in plan.links:
                if link.joined_on <= day and (
                    link.left_on is None or link.left_on >= day
                ):
                    save(
                        MeetingAttendance(
                            meeting=meeting,
                            mentee=link.mentee,
                            present=self.rng.random() > 0.12,
                        )
                    )

    # -- consents --

    def create_consents(self):
        participants = Participant.objects.filter(
            organisation__in=self.orgs.values()
        ).order_by("pk")
        publications = 0
        for participant in participants:
            if participant.pk in self.no_consent:
                continue
            given_on = self.consent_day(participant)
            minor = participant.age_on(given_on) < 18 and bool(
                participant.representative_name
            )
            given_by = (
                participant.representative_name if minor else participant.full_name
            )
            relation = self.relation.get(participant.pk, "self") if minor else "self"
            valid_until = PROGRAMME_END if participant.kind == "external" else None
            revoked_on = self.left.get(participant.pk) if minor else None
            save(
                Consent(
                    participant=participant,
                    scope=Consent.Scope.PROCESSING,
                    given_by=given_by,
                    relation=relation,
                    given_on=given_on,
                    valid_until=valid_until,
                    revoked_on=revoked_on
                    if revoked_on and revoked_on >= given_on
                    else None,
                    note="Отозвано в связи с выбытием из организации"
                    if revoked_on
                    else "",
                )
            )
            if self.in_programme(participant) and self.rng.random() < 0.3:
                publications += 1
                revoke = publications == 5  # one publication consent was withdrawn
                save(
                    Consent(
                        participant=participant,
                        scope=Consent.Scope.PUBLICATION,
                        given_by=given_by,
                        relation=relation,
                        given_on=given_on,
                        valid_until=valid_until,
                        revoked_on=(
                            min(given_on + timedelta(days=60), self.today)
                            if revoke
                            else None
                        ),
                        note="Отозвано: просьба не публиковать фотографии"
                        if revoke
                        else "",
                    )
                )

    def consent_day(self, participant: Participant) -> date:
        profile = self.mentees.get(participant.pk)
        if profile and profile.entered_on >= self.year_start > PROGRAMME_START:
            lowest = self.year_start
            highest = profile.entered_on
        else:
            lowest, highest = PROGRAMME_START, PROGRAMME_START + timedelta(days=18)
        return min(self.random_day(lowest, highest), self.today)

    def in_programme(self, participant: Participant) -> bool:
        return participant.pk in self.mentees or any(
            m.participant_id == participant.pk for m in self.mentors.values()
        )

    # -- memberships --

    def create_memberships(self):
        org1, org2, org3 = (self.orgs[k] for k in ("sosh1", "college", "oktyabr"))
        save(
            Membership(
                user=self.users["coordinator"],
                role=Role.MUNICIPAL_COORDINATOR,
                municipality=self.municipality,
            )
        )
        roles = [
            ("head1", org1, Role.HEAD),
            ("deputy1", org1, Role.DEPUTY),
            ("head2", org2, Role.HEAD),
            ("head3", org3, Role.HEAD),
            ("curator1", org1, Role.CURATOR),
            ("curator2", org2, Role.CURATOR),
            ("curator3", org3, Role.CURATOR),
            ("formlead1", org1, Role.FORM_LEAD),
            ("socped1", org1, Role.SOCIAL_PEDAGOGUE),
            ("socped1", org1, Role.MENTOR),
            ("psych1", org1, Role.PSYCHOLOGIST),
            ("classteacher1", org1, Role.CLASS_TEACHER),
            ("classteacher1", org1, Role.MENTOR),
            ("mentor1", org1, Role.MENTOR),
            ("pupilmentor1", org1, Role.MENTOR),
            ("pupilmentor2", org1, Role.MENTOR),
            ("employer1", org3, Role.MENTOR),
            ("youngteacher1", org1, Role.MENTEE),
            ("pupil1", org1, Role.MENTEE),
        ]
        for username, org, role in roles:
            membership = Membership(
                user=self.users[username], organisation=org, role=role
            )
            if role == Role.CLASS_TEACHER:
                membership.study_group = self.groups["sosh1", "7Б"]
            save(membership)
            if role == Role.FORM_LEAD:
                membership.forms.set([self.cat.get("form", "teacher-teacher")])


# --- Reset ----------------------------------------------------------------------


def force_delete(queryset, depth: int = 0):
    """Delete rows and, first, whatever protects them (those rows are demo rows too)."""
    if depth > 10:
        raise CommandError(
            "Could not delete the demo data: protected rows keep coming back."
        )
    for _attempt in range(20):
        try:
            with transaction.atomic():
                queryset.delete()
            return
        except ProtectedError as exc:
            blockers = exc.protected_objects
        except RestrictedError as exc:
            blockers = exc.restricted_objects
        by_model = defaultdict(set)
        for obj in blockers:
            by_model[type(obj)].add(obj.pk)
        for model, pks in by_model.items():
            force_delete(model._default_manager.filter(pk__in=pks), depth + 1)
    raise CommandError("Could not delete the demo data.")


def delete_demo_data():
    municipality = Municipality.objects.filter(name=texts.MUNICIPALITY).first()
    if municipality:
        orgs = Organisation.objects.filter(municipality=municipality)
        for queryset in [
            Meeting.objects.filter(programme__organisation__in=orgs),
            Reward.objects.filter(organisation__in=orgs),
            Pair.objects.filter(programme__organisation__in=orgs),
            MenteeProfile.objects.filter(participant__organisation__in=orgs),
            MentorProfile.objects.filter(participant__organisation__in=orgs),
            Participant.objects.filter(organisation__in=orgs),
            Programme.objects.filter(organisation__in=orgs),
            orgs,
            Municipality.objects.filter(pk=municipality.pk),
        ]:
            force_delete(queryset)
    usernames = [username for _role, username, _password in texts.LOGIN_TABLE]
    force_delete(User.objects.filter(username__in=usernames))


def seed_rewards(today: date):
    """A reward of every kind in each demo organisation, so that every letter and
    certificate can be printed right away: a letter of thanks, the «Лучший
    наставник» certificate, «Наставник года», «Наставник+», a nomination and a
    bonus for teachers, a letter to a minor's parents, a letter to an external
    mentor's employer and the best pair's certificate (where the organisation has
    such people). Idempotent: a kind the organisation already has is left alone."""
    Kind = Reward.Kind
    for organisation in Organisation.objects.filter(
        municipality__name=texts.MUNICIPALITY
    ).order_by("pk"):
        mentors = MentorProfile.objects.filter(
            participant__organisation=organisation
        ).select_related("participant")
        teachers = [
            mentor.participant
            for mentor in mentors.filter(
                participant__kind=Participant.Kind.TEACHER
            ).order_by("pk")[:2]
        ]
        external = (
            mentors.filter(participant__kind=Participant.Kind.EXTERNAL)
            .exclude(participant__workplace="")
            .first()
        )
        minor = (
            MenteeProfile.objects.filter(participant__organisation=organisation)
            .exclude(participant__representative_name="")
            .select_related("participant")
            .first()
        )
        best = (
            Pair.objects.filter(
                programme__organisation=organisation, status=Pair.Status.COMPLETED
            )
            .exclude(form__is_social_risk=True)
            .select_related("mentor__participant")
            .first()
        )
        grants = []
        if teachers:
            first, second = teachers[0], teachers[-1]
            grants += [
                (Kind.GRATITUDE, first, None),
                (Kind.CERTIFICATE, first, None),
                (Kind.MENTOR_OF_YEAR, second, None),
                (Kind.MENTOR_PLUS, second, None),
                (Kind.NOMINATION, second, None),
                (Kind.BONUS, first, None),
            ]
        if minor:
            grants.append((Kind.LETTER_PARENTS, minor.participant, None))
        if external:
            grants.append((Kind.LETTER_EMPLOYER, external.participant, None))
        if best:
            grants.append((Kind.BEST_PAIR, best.mentor.participant, best))
        given = set(
            Reward.objects.filter(organisation=organisation).values_list(
                "kind", flat=True
            )
        )
        for number, (kind, person, pair) in enumerate(grants, start=1):
            if kind in given:
                continue
            reward_grant(
                organisation=organisation,
                person=person,
                kind=kind,
                awarded_on=today - timedelta(days=7),
                basis=texts.REWARD_BASIS,
                by=None,
                pair=pair,
                number=f"{number}-н",
            )


def seed_plans(today: date):
    """Give the first open pairs of the forms that have a template a plan made from
    it, with the items whose deadline passed ticked. Idempotent: the same pairs (by
    pk) are chosen every time and a pair that has a plan is left alone."""
    for template in PlanTemplate.objects.filter(
        code__in=["young-teacher-first-year", "achiever-low-achiever"]
    ):
        pairs = Pair.objects.open().filter(
            programme__organisation__municipality__name=texts.MUNICIPALITY,
            role_variant=template.role_variant,
        )
        for pair in pairs.order_by("pk")[:2]:
            if Plan.objects.filter(pair=pair).exists():
                continue
            by = pair.mentor.participant.user
            plan = plan_create(
                pair=pair, by=by, starts_on=pair.start_on, template=template
            )
            for item in plan.items.filter(deadline__lt=today - timedelta(days=7))[1:]:
                plan_item_set_status(
                    item=item,
                    status=PlanItem.Status.DONE,
                    by=by,
                    done_on=min(item.deadline, today),
                )


ROADMAP_EVIDENCE = [
    "Протокол педагогического совета",
    "Приказ директора",
    "Справка по итогам анкетирования",
    "Протокол совещания при заместителе директора",
]


def seed_roadmaps(today: date):
    """Give each demo programme the roadmap its type of organisation calls for (a
    school seed 002's, a college seed 004's action plan; months counted from the
    programme's start): rows that ended more than a week ago are done with evidence,
    except every fourth, left overdue for the home page; rows under way are in
    progress. Idempotent: a programme that has a roadmap is left alone."""
    programmes = (
        Programme.objects.filter(organisation__municipality__name=texts.MUNICIPALITY)
        .select_related("organisation")
        .prefetch_related("curators")
    )
    for programme in programmes.order_by("pk"):
        template = roadmap_template_for(programme.organisation)
        if template is None or programme.roadmap_items.exists():
            continue
        by = programme.curators.first()
        items = roadmap_from_template(programme=programme, template=template, by=by)
        for index, item in enumerate(items):
            if item.due_to and item.due_to < today - timedelta(days=7):
                if index % 4 == 3:
                    continue
                item.evidence_note = (
                    f"{ROADMAP_EVIDENCE[index % len(ROADMAP_EVIDENCE)]} "
                    f"№ {index + 1} от {item.due_to:%d.%m.%Y}"
                )
                if index % 3 == 0:
                    item.evidence_link = f"https://school.example/mentoring/{index + 1}"
                item.save(update_fields=["evidence_note", "evidence_link"])
                roadmap_item_set_status(
                    item=item,
                    by=by,
                    status=RoadmapItem.Status.DONE,
                    done_on=min(item.due_to, today),
                )
            elif item.due_from and item.due_from <= today:
                roadmap_item_set_status(
                    item=item, by=by, status=RoadmapItem.Status.IN_PROGRESS
                )


def demo_loaded() -> bool:
    return Organisation.objects.filter(
        municipality__name=texts.MUNICIPALITY,
        short_name=texts.ORGANISATIONS["sosh1"]["short_name"],
    ).exists()


COUNTED_MODELS = [
    Municipality,
    Organisation,
    Programme,
    StudyGroup,
    User,
    Membership,
    Participant,
    MentorProfile,
    MentorStatusChange,
    MentorTraining,
    MenteeProfile,
    MenteeRequest,
    Consent,
    Pair,
    PairMentee,
    Meeting,
    MeetingAttendance,
]


class Command(BaseCommand):
    help = (
        "Load the demo data of «Школа наставничества» (Змеиногорский район: three "
        "organisations, bases, pairs, meetings, consents and demo logins). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo municipality, its organisations and logins first.",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing (errors still raise)."
        )

    def handle(self, *args, **options):
        self.quiet = options["quiet"] or options["verbosity"] == 0
        self.load_catalogues()
        with transaction.atomic():
            if options["reset"]:
                self.say("Deleting the demo data…")
                delete_demo_data()
                delete_second_municipality(force_delete)
            if demo_loaded():
                self.say(
                    "The demo data are already loaded: nothing to do "
                    "(use --reset to load them again)."
                )
            else:
                self.say("Loading the demo data…")
                DemoBuilder(date.today(), self.say).build()
                self.print_counts()
            seed_plans(date.today())
            seed_roadmaps(date.today())
            seed_rewards(date.today())
            seed_monitoring(date.today(), texts.MUNICIPALITY)
            seed_safeguarding(date.today(), texts.MUNICIPALITY)
            seed_screening(date.today(), texts.MUNICIPALITY)
            seed_second_municipality(date.today(), DEMO_PASSWORD)
            seed_checklist(date.today(), texts.MUNICIPALITY)
            seed_bank(date.today(), texts.MUNICIPALITY)
            seed_indicators(date.today(), texts.MUNICIPALITY)
            seed_practices(date.today(), texts.MUNICIPALITY)
        self.print_logins()

    def load_catalogues(self):
        """`loaddata catalogues`; by path when fixtures/ is not among FIXTURE_DIRS."""
        path = settings.BASE_DIR / "fixtures" / "catalogues.json"
        dirs = {str(d) for d in getattr(settings, "FIXTURE_DIRS", [])}
        fixture = (
            str(path)
            if path.exists() and str(path.parent) not in dirs
            else "catalogues"
        )
        try:
            call_command("loaddata", fixture, verbosity=0 if self.quiet else 1)
            call_command("loaddata", "plan_templates", verbosity=0)
            call_command("loaddata", "roadmap_templates", verbosity=0)
            call_command("loaddata", "questionnaires", verbosity=0)
            call_command("loaddata", "indicator_templates", verbosity=0)
        except CommandError as exc:
            raise CommandError(
                f"Cannot load the catalogues ({fixture}): {exc}"
            ) from exc

    def say(self, message: str):
        if not self.quiet:
            self.stdout.write(message)

    def print_counts(self):
        if self.quiet:
            return
        self.stdout.write("Rows in the database now:")
        for model in COUNTED_MODELS:
            self.stdout.write(f"  {model._meta.label:<28} {model.objects.count():>5}")

    def print_logins(self):
        if self.quiet:
            return
        rows = [("Роль", "Логин", "Пароль"), *texts.LOGIN_TABLE, *SECOND_LOGINS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        line = "-+-".join("-" * w for w in widths)
        self.stdout.write("")
        for index, row in enumerate(rows):
            cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=True)]
            self.stdout.write(" | ".join(cells).rstrip())
            if index == 0:
                self.stdout.write(line)
