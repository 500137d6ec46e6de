"""Demo data of the municipal tier (`seed_demo` calls these after the schools'
data): a second municipality with its own coordinator, so that one can see in the
browser that coordinators and curators of two municipalities see nothing of each
other."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from mentoring.models import (
    MenteeCategory,
    MentorCategory,
    MentoringForm,
    Municipality,
    Organisation,
    Programme,
    RoleVariant,
    SchoolYear,
)
from municipal.bank import (
    bank_queryset,
    bank_request_approve,
    bank_request_create,
    mentor_organisation,
)
from municipal.checklist import (
    checklist_deadline_set,
    checklist_entry_review,
    checklist_entry_submit,
)
from municipal.indicators import (
    indicator_set_create_default,
    organisation_indicator_value_set,
    reported_indicators,
    rollup_snapshot_create,
)
from municipal.models import BankRequest, ChecklistItem, Practice
from municipal.practices import (
    describable_pairs,
    practice_create,
    practice_feature,
    practice_prefill,
    practice_publish,
)
from pairs.models import Pair
from pairs.services import pair_create, pairs_approve
from people.models import (
    Consent,
    Membership,
    MenteeProfile,
    MentorProfile,
    Participant,
    Role,
    StudyGroup,
    User,
)

SECOND_MUNICIPALITY = "Курьинский район"
SECOND_REGION = "Алтайский край"
SECOND_SCHOOL = {
    "short_name": "МБОУ «Курьинская СОШ»",
    "name": (
        "Муниципальное бюджетное общеобразовательное учреждение "
        "«Курьинская средняя общеобразовательная школа»"
    ),
    "kind": Organisation.Kind.SCHOOL,
    "address": (
        "658320, Алтайский край, Курьинский район, с. Курья, ул. Советская, д. 9"
    ),
    "phone": "+7 (38576) 2-21-45",
    "email": "kurya-school@kurya-obr.example",
}
# username -> (last, first, middle), role
SECOND_USERS = {
    "coordinator2": (("Карпова", "Людмила", "Степановна"), Role.MUNICIPAL_COORDINATOR),
    "head4": (("Мельников", "Андрей", "Юрьевич"), Role.HEAD),
    "curator4": (("Рябова", "Светлана", "Олеговна"), Role.CURATOR),
}
# The rows the login table of `seed_demo` prints (role, username, password).
SECOND_LOGINS = [
    ("Муниципальный координатор, Курьинский район", "coordinator2", "demo12345"),
    ("Директор, МБОУ «Курьинская СОШ»", "head4", "demo12345"),
    ("Куратор, МБОУ «Курьинская СОШ»", "curator4", "demo12345"),
]
# (last, first, middle, kind, class, birth year, position)
SECOND_PEOPLE = [
    ("Кузнецова", "Валентина", "Петровна", "teacher", "", 1971, "учитель математики"),
    ("Лаптев", "Дмитрий", "Сергеевич", "teacher", "", 2000, "учитель физики"),
    ("Осипова", "Дарья", "Андреевна", "pupil", "9А", 2011, ""),
    ("Гришин", "Матвей", "Ильич", "pupil", "6Б", 2014, ""),
    ("Зайцева", "Полина", "Романовна", "pupil", "6Б", 2014, ""),
]


def second_municipality_loaded() -> bool:
    return Municipality.objects.filter(name=SECOND_MUNICIPALITY).exists()


@transaction.atomic
def seed_second_municipality(today: date, password: str) -> None:
    """One school of another municipality, with its coordinator, head, curator, a
    programme, two mentors, three mentees and two pairs fixed by an order.
    Idempotent: nothing happens when the municipality exists."""
    if second_municipality_loaded():
        return
    municipality = Municipality.objects.create(
        name=SECOND_MUNICIPALITY, region=SECOND_REGION
    )
    school = Organisation.objects.create(municipality=municipality, **SECOND_SCHOOL)
    users = {}
    for username, ((last, first, middle), role) in SECOND_USERS.items():
        user = User.objects.filter(username=username).first() or User(username=username)
        user.last_name, user.first_name, user.middle_name = last, first, middle
        user.email = f"{username}@kurya-obr.example"
        user.set_password(password)
        user.save()
        users[username] = user
        if role == Role.MUNICIPAL_COORDINATOR:
            Membership.objects.create(user=user, role=role, municipality=municipality)
        else:
            Membership.objects.create(user=user, role=role, organisation=school)
    school.head_name = users["head4"].get_full_name()
    school.save()
    year = SchoolYear.for_date(today)
    programme = Programme.objects.create(
        organisation=school,
        title=f"Программа наставничества {school.short_name} "
        f"на {year.starts_on.year}–{year.ends_on.year + 1} годы",
        goal="Раскрытие потенциала каждого обучающегося и поддержка молодых педагогов.",
        starts_on=year.starts_on,
        ends_on=year.ends_on.replace(year=year.ends_on.year + 1),
        approved_by="Директор",
        approval_order_number="37",
        approval_order_date=year.starts_on - timedelta(days=3),
    )
    forms = {
        code: MentoringForm.objects.get(code=code)
        for code in ("pupil-pupil", "teacher-teacher")
    }
    programme.forms.set(forms.values())
    programme.curators.set([users["curator4"]])
    groups = {}
    people = []
    for last, first, middle, kind, group, born, position in SECOND_PEOPLE:
        if group and group not in groups:
            groups[group] = StudyGroup.objects.create(
                organisation=school, name=group, grade=int(group[:-1])
            )
        people.append(
            Participant.objects.create(
                organisation=school,
                kind=kind,
                last_name=last,
                first_name=first,
                middle_name=middle,
                birth_date=date(born, 3, 15),
                study_group=groups.get(group),
                position=position,
            )
        )
    teacher, young, senior, pupil, second_pupil = people
    start = year.starts_on + timedelta(days=20)
    for person in people:
        minor = person.kind == Participant.Kind.PUPIL
        Consent.objects.create(
            participant=person,
            scope=Consent.Scope.PROCESSING,
            given_by=f"Родитель: {person.last_name}" if minor else person.full_name,
            relation=Consent.Relation.MOTHER if minor else Consent.Relation.SELF,
            given_on=start - timedelta(days=10),
        )
    mentors = {
        "teacher": MentorProfile.objects.create(
            participant=teacher,
            category=MentorCategory.objects.get(code="teacher"),
            key_competencies="Методика преподавания математики, подготовка к ГИА",
            capacity=2,
            status=MentorProfile.Status.READY,
            entered_on=start - timedelta(days=5),
        ),
        "pupil": MentorProfile.objects.create(
            participant=senior,
            category=MentorCategory.objects.get(code="pupil"),
            key_competencies="Призёр муниципальной олимпиады по математике",
            capacity=1,
            status=MentorProfile.Status.READY,
            entered_on=start - timedelta(days=5),
        ),
    }
    mentees = {}
    for key, person, category in [
        ("young", young, "young-specialist"),
        ("pupil", pupil, "low-results"),
        ("second", second_pupil, "low-results"),
    ]:
        profile = MenteeProfile.objects.create(
            participant=person,
            programme=programme,
            entered_on=start - timedelta(days=5),
        )
        profile.categories.set([MenteeCategory.objects.get(code=category)])
        mentees[key] = profile
    pairs = [
        pair_create(
            programme=programme,
            form=forms["teacher-teacher"],
            role_variant=RoleVariant.objects.get(code="tt-young"),
            mentor=mentors["teacher"],
            mentees=[mentees["young"]],
            start_on=start,
            planned_end_on=programme.ends_on,
            by=users["curator4"],
        ),
        pair_create(
            programme=programme,
            form=forms["pupil-pupil"],
            role_variant=RoleVariant.objects.get(code="pp-achiever"),
            mentor=mentors["pupil"],
            mentees=[mentees["pupil"]],
            start_on=start,
            planned_end_on=year.ends_on,
            by=users["curator4"],
        ),
    ]
    pairs_approve(
        pairs=pairs, order_number="52", order_date=start, by=users["curator4"]
    )


def delete_second_municipality(force_delete) -> None:
    """Remove the second municipality and its logins (`seed_demo --reset`);
    `force_delete` is the demo's deleter of protected rows."""
    municipality = Municipality.objects.filter(name=SECOND_MUNICIPALITY).first()
    if municipality:
        force_delete(Organisation.objects.filter(municipality=municipality))
        force_delete(Municipality.objects.filter(pk=municipality.pk))
    force_delete(User.objects.filter(username__in=list(SECOND_USERS)))


# --- The municipal tier of the first municipality ------------------------------------

# seed 001: the regulation by 1 August, published by 6 August (of the programme's
# first year); the rest by the start of the school year.
CHECKLIST_DEADLINES = {
    ChecklistItem.REGULATION_ADOPTED: (8, 1),
    ChecklistItem.REGULATION_PUBLISHED: (8, 6),
    ChecklistItem.CURATOR_APPOINTED: (9, 1),
    ChecklistItem.COUNCIL_CREATED: (9, 15),
    ChecklistItem.ROADMAP_ADOPTED: (9, 1),
    ChecklistItem.PROGRAMME_APPROVED: (9, 1),
}


def seed_checklist(today: date, municipality_name: str) -> None:
    """Deadlines for the municipality and, per organisation, a different state of
    the checklist: the first school all done and accepted but one awaiting
    review, the college half done with one entry returned, the third school only
    the regulation. Idempotent: a municipality with deadlines is left alone."""
    municipality = Municipality.objects.filter(name=municipality_name).first()
    if municipality is None or municipality.checklist_deadlines.exists():
        return
    coordinator = (
        User.objects.filter(
            memberships__municipality=municipality,
            memberships__role=Role.MUNICIPAL_COORDINATOR,
        )
        .order_by("pk")
        .first()
    )
    first_year = (
        Programme.objects.filter(organisation__municipality=municipality)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
        or today
    ).year
    for item, (month, day) in CHECKLIST_DEADLINES.items():
        checklist_deadline_set(
            municipality=municipality,
            item=item,
            due_on=date(first_year, month, day),
            by=coordinator,
        )
    organisations = list(
        Organisation.objects.filter(municipality=municipality).order_by("pk")
    )
    done = {
        0: list(ChecklistItem),
        1: list(ChecklistItem)[:4],
        2: list(ChecklistItem)[:1],
    }
    for index, organisation in enumerate(organisations[:3]):
        curator = (
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__role=Role.CURATOR,
            )
            .order_by("pk")
            .first()
        )
        for number, item in enumerate(done[index]):
            month, day = CHECKLIST_DEADLINES[item]
            done_on = min(date(first_year, month, day) - timedelta(days=2), today)
            entry = checklist_entry_submit(
                organisation=organisation,
                item=item,
                done_on=done_on,
                document=f"Приказ № {40 + number} от {done_on:%d.%m.%Y}",
                link="https://school.example/nastavnichestvo/polozhenie.pdf"
                if item == ChecklistItem.REGULATION_PUBLISHED
                else "",
                by=curator,
            )
            if index == 0 and item == ChecklistItem.COUNCIL_CREATED:
                continue  # awaiting review
            if index == 1 and item == ChecklistItem.REGULATION_PUBLISHED:
                checklist_entry_review(
                    entry=entry,
                    accept=False,
                    comment="Ссылка ведёт на главную страницу сайта, а не на "
                    "положение: дайте прямую ссылку на документ.",
                    by=coordinator,
                )
                continue
            checklist_entry_review(entry=entry, accept=True, by=coordinator)


def seed_practices(today: date, municipality_name: str) -> None:
    """A published and featured case of a completed pair whose people consented
    to publication, and a draft. Idempotent: a municipality with cases is left
    alone."""
    municipality = Municipality.objects.filter(name=municipality_name).first()
    if municipality is None:
        return
    organisations = Organisation.objects.filter(municipality=municipality)
    if Practice.objects.filter(organisation__in=organisations).exists():
        return
    coordinator = User.objects.filter(
        memberships__municipality=municipality,
        memberships__role=Role.MUNICIPAL_COORDINATOR,
    ).first()
    made = 0
    for organisation in organisations.order_by("pk"):
        pair = (
            describable_pairs(organisation)
            .filter(status=Pair.Status.COMPLETED)
            .order_by("pk")
            .first()
        )
        if pair is None:
            continue
        curator = pair.programme.curators.order_by("pk").first()
        values = practice_prefill(organisation=organisation, pair=pair)
        practice = practice_create(organisation=organisation, by=curator, **values)
        if made == 0:
            for person in practice.named.all():
                if not Consent.objects.valid().filter(
                    participant=person, scope=Consent.Scope.PUBLICATION
                ):
                    Consent.objects.create(
                        participant=person,
                        scope=Consent.Scope.PUBLICATION,
                        given_by=person.representative_name or person.full_name,
                        relation=Consent.Relation.MOTHER
                        if person.representative_name
                        else Consent.Relation.SELF,
                        given_on=min(pair.ended_on or today, today),
                    )
            practice_publish(practice=practice, by=curator)
            practice_feature(practice=practice, featured=True, by=coordinator)
        made += 1
        if made == 2:
            return


def seed_bank(today: date, municipality_name: str) -> None:
    """The mentor bank at work between the demo schools: a request of the first
    school approved by the mentor's curator (a cross-organisation pair), and one
    waiting for a decision. Idempotent: a municipality with requests is left
    alone."""
    organisations = list(
        Organisation.objects.filter(municipality__name=municipality_name).order_by("pk")
    )
    if (
        not organisations
        or BankRequest.objects.filter(organisation__in=organisations).exists()
    ):
        return
    asking = organisations[0]
    programme = Programme.objects.filter(organisation=asking).order_by("pk").first()
    curator = programme.curators.order_by("pk").first()
    waiting = MenteeProfile.objects.filter(
        participant__organisation=asking, status=MenteeProfile.Status.WAITING
    ).order_by("pk")
    variants = (
        RoleVariant.objects.filter(
            form__in=programme.forms.filter(is_social_risk=False)
        )
        .select_related("form")
        .order_by("form__order", "order", "pk")
    )
    made = []
    for mentor in bank_queryset(asking).order_by("pk"):
        if len(made) == 2:
            break
        # An adult mentor works in a form for adults: «учитель – …» first.
        fitting = sorted(
            variants,
            key=lambda v: (
                not v.form.code.startswith(
                    "pupil-" if mentor.participant.kind == "pupil" else "teacher-"
                )
            ),
        )
        for mentee, variant in ((m, v) for m in waiting for v in fitting):
            if mentee in [request.mentee for request in made]:
                continue
            try:
                with transaction.atomic():
                    request = bank_request_create(
                        organisation=asking,
                        mentor=mentor,
                        mentee=mentee,
                        programme=programme,
                        form=variant.form,
                        role_variant=variant,
                        message="Просим поддержать нашего наставляемого: в школе "
                        "нет педагога с нужным опытом.",
                        by=curator,
                    )
                    if not made:
                        owner = mentor_organisation(request)
                        decider = (
                            User.objects.filter(
                                memberships__organisation=owner,
                                memberships__role=Role.CURATOR,
                            )
                            .order_by("pk")
                            .first()
                        )
                        bank_request_approve(
                            request=request,
                            start_on=today - timedelta(days=14),
                            planned_end_on=programme.ends_on,
                            by=decider,
                        )
            except ValidationError:
                continue
            made.append(request)
            break


def seed_indicators(today: date, municipality_name: str) -> None:
    """The municipality's default indicators with the organisations' typed values
    for the year and one roll-up already sent to the region. Idempotent: a
    municipality with indicators is left alone."""
    municipality = Municipality.objects.filter(name=municipality_name).first()
    if municipality is None or municipality.indicators.exists():
        return
    coordinator = User.objects.filter(
        memberships__municipality=municipality,
        memberships__role=Role.MUNICIPAL_COORDINATOR,
    ).first()
    indicator_set_create_default(municipality=municipality, by=coordinator)
    year = SchoolYear.for_date(today)
    organisations = Organisation.objects.filter(municipality=municipality).order_by(
        "pk"
    )
    for index, organisation in enumerate(organisations):
        for number, indicator in enumerate(reported_indicators(organisation)):
            value = 4 + 3 * index + number if indicator.unit != "%" else 40 + 10 * index
            organisation_indicator_value_set(
                organisation=organisation,
                indicator=indicator,
                school_year=year,
                value=Decimal(value),
                by=coordinator,
            )
    rollup_snapshot_create(municipality=municipality, school_year=year, by=coordinator)
