"""Demo records of the confidential tier for `seed_demo`: the pupils of the demo's
social-risk pairs get a social diagnostics, an in-school register entry, a family
card, a rehabilitation programme with activities, a home-visit act and preventive
work, written by the social pedagogue (or the curator). Idempotent: a pupil who has
records is left alone. No access-log rows: nobody read anything yet."""

from __future__ import annotations

from datetime import date, timedelta

from pairs.models import Pair
from people.models import Membership, MentorCertificate, MentorProfile, Role
from people.screening import needs_certificate
from safeguarding.models import (
    DiagnosticsSource,
    FamilyCard,
    FamilyCategory,
    HomeVisitAct,
    PreventionRegistration,
    PreventiveWorkEntry,
    RehabilitationActivity,
    RehabilitationProgramme,
    SocialDiagnostics,
)


def author_for(organisation):
    membership = (
        Membership.objects.filter(
            organisation=organisation,
            role__in=[Role.SOCIAL_PEDAGOGUE, Role.CURATOR],
        )
        .order_by("-role")  # social_pedagogue before curator
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def seed_safeguarding(today: date, municipality: str):
    links = (
        Pair.objects.open()
        .filter(
            form__is_social_risk=True,
            programme__organisation__municipality__name=municipality,
        )
        .prefetch_related("memberships__mentee__participant")
        .select_related("programme__organisation", "mentor__participant")
        .order_by("pk")
    )
    for pair in links:
        by = author_for(pair.programme.organisation)
        mentor = pair.mentor.participant.short_name
        for link in pair.memberships.all():
            pupil = link.mentee.participant
            if SocialDiagnostics.objects.filter(participant=pupil).exists():
                continue
            start = max(
                link.joined_on - timedelta(days=21), today - timedelta(days=300)
            )
            common = {"participant": pupil, "created_by": by}
            SocialDiagnostics.objects.create(
                **common,
                conducted_on=start,
                sources=[
                    DiagnosticsSource.CLASS_TEACHER,
                    DiagnosticsSource.PSYCHOLOGIST,
                    DiagnosticsSource.PUPIL,
                    DiagnosticsSource.PARENTS,
                ],
                family_situation=(
                    "Мать воспитывает двоих детей одна, работает посменно; "
                    "после уроков ребёнок часто без присмотра."
                ),
                problems="Пропуски уроков без уважительной причины, конфликты со "
                "сверстниками, неуспеваемость по математике и русскому языку.",
                conclusion="Нуждается в индивидуальной профилактической работе и "
                "наставнике из числа педагогов.",
            )
            PreventionRegistration.objects.create(
                **common,
                register=PreventionRegistration.Register.SCHOOL,
                registered_on=start + timedelta(days=7),
                grounds="Систематические пропуски учебных занятий.",
                decision_number=f"Протокол совета профилактики № {pupil.pk % 9 + 1}",
            )
            FamilyCard.objects.create(
                **common,
                composition="Мать, 38 лет, продавец\nБрат, 4 года, детский сад",
                housing="Двухкомнатная квартира в муниципальном доме",
                income=FamilyCard.Income.AROUND,
                categories=[FamilyCategory.SINGLE_PARENT, FamilyCategory.LOW_INCOME],
            )
            programme = RehabilitationProgramme.objects.create(
                **common,
                starts_on=start + timedelta(days=10),
                ends_on=start + timedelta(days=190),
                goals="Вернуть регулярное посещение уроков; снизить число "
                "конфликтов; закрыть пробелы по математике.",
                methods="Еженедельные беседы с наставником, консультации "
                "педагога-психолога, занятия в кружке, посещение семьи.",
            )
            for days, activity, responsible, done in [
                (20, "Беседа с матерью о режиме дня", "Социальный педагог", True),
                (45, "Запись в кружок робототехники", mentor, True),
                (90, "Консультация педагога-психолога", "Педагог-психолог", True),
                (
                    150,
                    "Совет профилактики: итоги полугодия",
                    "Социальный педагог",
                    False,
                ),
            ]:
                deadline = programme.starts_on + timedelta(days=days)
                is_done = done and deadline < today
                RehabilitationActivity.objects.create(
                    programme=programme,
                    activity=activity,
                    deadline=deadline,
                    responsible=responsible,
                    status="done" if is_done else "planned",
                    done_on=deadline if is_done else None,
                    created_by=by,
                )
            HomeVisitAct.objects.create(
                **common,
                visited_on=min(start + timedelta(days=30), today),
                address=pupil.organisation.address or "г. Змеиногорск",
                visitors=f"Социальный педагог, классный руководитель ({mentor})",
                present="Мать",
                living_conditions="Квартира чистая, отопление есть, продукты питания "
                "в наличии.",
                study_place="Есть письменный стол",
                sleeping_place="Отдельная кровать",
                food="Питание регулярное",
                clothing="По сезону",
                findings="Условия удовлетворительные; контроль за выполнением "
                "домашних заданий недостаточный.",
                recommendations="Матери — проверять дневник ежедневно; продолжить "
                "занятия с наставником.",
            )
            for days, form, content in [
                (
                    14,
                    PreventiveWorkEntry.Form.CONVERSATION,
                    "Беседа о посещении уроков",
                ),
                (40, PreventiveWorkEntry.Form.LEISURE, "Вовлечение в кружок"),
                (70, PreventiveWorkEntry.Form.CONSULTATION, "Консультация психолога"),
            ]:
                held_on = start + timedelta(days=days)
                if held_on <= today:
                    PreventiveWorkEntry.objects.create(
                        **common,
                        held_on=held_on,
                        form_of_work=form,
                        content=content,
                        result="Проведено, ребёнок идёт на контакт.",
                        conducted_by=mentor,
                    )


# --- Screening of mentors from outside the school ---------------------------------


def outside_mentors(municipality: str) -> list[MentorProfile]:
    mentors = (
        MentorProfile.objects.filter(
            participant__organisation__municipality__name=municipality
        )
        .select_related("participant__organisation")
        .order_by("pk")
    )
    return [mentor for mentor in mentors if needs_certificate(mentor)]


def uncertified_demo_mentor(municipality: str) -> MentorProfile | None:
    """The demo's mentor from outside the school without a certificate: the first
    one ready to work who leads no pair (a curator who picks them for a pupil on
    the pair form is refused)."""
    for mentor in outside_mentors(municipality):
        leads = Pair.objects.open().filter(mentor=mentor).exists()
        if mentor.status == MentorProfile.Status.READY and not leads:
            return mentor
    return None


def seed_screening(today: date, municipality: str):
    """Every demo mentor from outside the school has a certificate of no criminal
    record in force, but one (`uncertified_demo_mentor`). Idempotent: a mentor who
    has a certificate is left alone."""
    left_out = uncertified_demo_mentor(municipality)
    for mentor in outside_mentors(municipality):
        if mentor == left_out or mentor.certificates.exists():
            continue
        issued = min(mentor.entered_on, today) - timedelta(days=30)
        MentorCertificate.objects.create(
            mentor=mentor,
            number=f"{issued:%y}/{mentor.pk:05d}-С",
            issued_on=issued,
            valid_until=issued + timedelta(days=3 * 365),
        )
