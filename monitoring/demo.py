"""Monitoring demo data for `seed_demo`: a year of two-stage monitoring in the demo
programmes — entry and exit questionnaires with answers (stage 1), entry and exit
values of the parameters (stage 2), the programme's indicators, a SWOT draft — and a
campaign open now with part of the answers in, so every monitoring page has
something to show. Deterministic (fixed random seed) and idempotent: a programme
that has campaigns is left alone."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from mentoring.models import Programme, SchoolYear
from monitoring.models import (
    Answer,
    AskedWhen,
    Audience,
    Campaign,
    Indicator,
    IndicatorTemplate,
    IndicatorValue,
    Invitation,
    Measurement,
    Parameter,
    Question,
    Questionnaire,
    Response,
)
from pairs.models import Pair, PairMentee
from people.models import Participant

SEED = 20251001

# Mean result at exit by question topic (the entry expectation is about 8.5):
# clarity of tasks falls short, support is above what was expected.
EXIT_MEANS = {
    "comfort": 8.8,
    "usefulness": 8.1,
    "clarity": 6.3,
    "support": 9.1,
    "request": 7.4,
    "frequency": 7.0,
}
ENTRY_MEAN = 8.4

TEXTS = [
    "Больше всего помогли разборы заданий на встречах.",
    "Хотелось бы встречаться чаще и в удобное время.",
    "Наставник всегда на связи, это очень поддерживает.",
    "Не всегда было понятно, что нужно подготовить к встрече.",
    "Полезно было вместе готовиться к олимпиаде.",
    "Стал увереннее отвечать у доски.",
    "Мало времени из-за расписания кружков.",
]

# How the mentees of each role variant change (mean change on a 1–10 scale; for
# тревожность the same number is a decrease): «успевающий – неуспевающий» works
# best in the demo, as the seeds expect a comparison to show.
VARIANT_GAIN = {
    "pp-achiever": 1.6,
    "pp-leader": 0.9,
    "pp-peer": 0.7,
    "pp-adapted": 1.1,
    "tp-professional": 0.8,
    "tp-colleague": 0.5,
    "tt-young": 1.2,
    "tt-subject": 0.6,
}


def clamp(value: float, parameter: Parameter) -> Decimal:
    low, high = float(parameter.scale_min), float(parameter.scale_max)
    step = Decimal("0.1") if parameter.code == "grades" else Decimal("1")
    return Decimal(str(min(max(value, low), high))).quantize(step)


def fits(parameter: Parameter, participant: Participant) -> bool:
    teacher = participant.kind == Participant.Kind.TEACHER
    if parameter.audience == Parameter.Audience.MENTEES:
        return not teacher
    if parameter.audience == Parameter.Audience.TEACHERS:
        return teacher
    return True


def start_value(parameter: Parameter, rng: random.Random) -> float:
    code = parameter.code
    if code == "grades":
        return rng.uniform(3.0, 4.1)
    if code == "attendance":
        return rng.uniform(78, 94)
    if code == "contests":
        return rng.randint(0, 2)
    if code == "anxiety":
        return rng.uniform(5, 8)
    return rng.uniform(3.5, 6.5)


def exit_value(parameter: Parameter, entry: float, gain: float, rng) -> float:
    code = parameter.code
    change = gain + rng.uniform(-1.2, 0.8)
    if code == "grades":
        return entry + change * 0.25
    if code == "attendance":
        return entry + change * 3
    if code == "contests":
        return entry + max(0, round(change))
    if parameter.direction == Parameter.Direction.LOWER:
        return entry - change
    return entry + change


def seed_measurements(programme: Programme, rng: random.Random, today: date):
    """Entry values at each pair's start; exit values for the pairs that ended and
    for the pairs that finished the first school year (measured on 25 May). One
    exit value is left without its entry value, as happens in real schools, so the
    warning shows."""
    if Measurement.objects.filter(pair__programme=programme).exists():
        return
    parameters = list(Parameter.objects.filter(is_active=True))
    links = (
        PairMentee.objects.filter(pair__programme=programme)
        .exclude(pair__status=Pair.Status.FORMED)
        .select_related("pair__role_variant", "mentee__participant")
        .order_by("pair_id", "pk")
    )
    rows = []
    skipped_entry = False
    for link in links:
        pair = link.pair
        participant = link.mentee.participant
        entry_day = link.joined_on + timedelta(days=7)
        if entry_day > today:
            continue
        exit_day = pair.ended_on or link.left_on
        if exit_day is None:
            first_may = date(SchoolYear.bounds_for(link.joined_on)[1].year, 5, 25)
            if link.joined_on < first_may - timedelta(days=120) and first_may < today:
                exit_day = first_may
        gain = VARIANT_GAIN.get(pair.role_variant.code, 0.7)
        for parameter in parameters:
            if not fits(parameter, participant):
                continue
            entry = start_value(parameter, rng)
            drop_entry = exit_day and not skipped_entry and parameter.code == "activity"
            if drop_entry:
                skipped_entry = True
            else:
                rows.append(
                    Measurement(
                        participant=participant,
                        pair=pair,
                        parameter=parameter,
                        moment=Measurement.Moment.ENTRY,
                        value=clamp(entry, parameter),
                        measured_on=entry_day,
                        school_year=SchoolYear.for_date(entry_day),
                        source=Measurement.Source.GRID,
                    )
                )
            if exit_day and exit_day <= today:
                rows.append(
                    Measurement(
                        participant=participant,
                        pair=pair,
                        parameter=parameter,
                        moment=Measurement.Moment.EXIT,
                        value=clamp(exit_value(parameter, entry, gain, rng), parameter),
                        measured_on=exit_day,
                        school_year=SchoolYear.for_date(exit_day),
                        source=Measurement.Source.GRID,
                    )
                )
    Measurement.objects.bulk_create(rows)


def answer_for(question: Question, response: Response, mean: float, rng) -> Answer:
    answer = Answer(response=response, question=question)
    if question.kind == Question.Kind.SCALE:
        top = question.scale_max or 10
        value = mean * top / 10 + rng.uniform(-1.5, 1.5) * top / 10
        answer.number = int(min(max(round(value), 1), top))
    elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        options = question.option_list
        if options:
            count = 1 if question.kind == Question.Kind.SINGLE else rng.randint(1, 2)
            answer.choices = rng.sample(options, min(count, len(options)))
    else:
        answer.text = rng.choice(TEXTS) if rng.random() < 0.6 else ""
    return answer


def people_asked(audience: str, pairs) -> list[tuple[Participant | None, Pair]]:
    asked: dict[int, tuple[Participant, Pair]] = {}
    for pair in pairs:
        if audience == Audience.MENTOR:
            for mentor in (pair.mentor, pair.co_mentor):
                if mentor is not None:
                    asked.setdefault(mentor.participant_id, (mentor.participant, pair))
        else:
            for link in pair.memberships.all():
                participant = link.mentee.participant
                asked.setdefault(participant.pk, (participant, pair))
    return list(asked.values())


def make_campaign(
    programme,
    questionnaire,
    title,
    opens_on,
    closes_on,
    pairs,
    answered_share,
    rng,
    today,
):
    campaign = Campaign.objects.create(
        programme=programme,
        questionnaire=questionnaire,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        school_year=SchoolYear.for_date(opens_on),
        created_by=programme.curators.first(),
    )
    questions = list(questionnaire.questions.all())
    moment = questionnaire.moment
    answers = []
    for participant, pair in people_asked(questionnaire.audience, pairs):
        invitation = Invitation.objects.create(
            campaign=campaign,
            participant=participant,
            pair=pair,
            token=secrets.token_urlsafe(24),
        )
        if rng.random() > answered_share:
            continue
        day = min(opens_on + timedelta(days=rng.randint(0, 6)), closes_on, today)
        invitation.answered_on = day
        invitation.save(update_fields=["answered_on"])
        if questionnaire.is_anonymous:  # as questionnaire_services.response_submit
            response = Response.objects.create(
                campaign=campaign, role=questionnaire.audience
            )
        else:
            response = Response.objects.create(
                campaign=campaign,
                invitation=invitation,
                participant=participant,
                pair=pair,
                role=questionnaire.audience,
                form=pair.form,
                submitted_on=day,
                via=Response.Via.WORKSPACE
                if participant.user_id
                else Response.Via.LINK,
            )
        for question in questions:
            if moment == AskedWhen.ENTRY:
                mean = ENTRY_MEAN
            else:
                mean = EXIT_MEANS.get(question.topic, 8.0)
            answers.append(answer_for(question, response, mean, rng))
    Answer.objects.bulk_create(answers)
    return campaign


def shipped(audience: str, moment: str) -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(
            organisation__isnull=True,
            audience=audience,
            moment=moment,
            is_active=True,
            superseded_by__isnull=True,
        )
        .order_by("is_anonymous", "pk")
        .first()
    )


def seed_campaigns(programme: Programme, rng: random.Random, today: date):
    """Stage 1 of the first school year (entry questionnaires in the autumn, exit in
    May, both for mentees and mentors) and an exit questionnaire of mentees open now
    with about half of the answers in."""
    if programme.campaigns.exists():
        return
    first_year = SchoolYear.for_date(programme.starts_on)
    pairs = Pair.objects.filter(programme=programme).prefetch_related(
        "memberships__mentee__participant"
    )
    pairs = pairs.select_related("mentor__participant", "co_mentor__participant")
    autumn = date(first_year.starts_on.year, 10, 1)
    may = date(first_year.ends_on.year, 5, 12)
    early = [p for p in pairs if p.start_on <= autumn + timedelta(days=40)]
    for audience in (Audience.MENTEE, Audience.MENTOR):
        entry = shipped(audience, AskedWhen.ENTRY)
        exit_ = shipped(audience, AskedWhen.EXIT)
        who = "наставляемых" if audience == Audience.MENTEE else "наставников"
        if entry and early and autumn + timedelta(days=14) < today:
            make_campaign(
                programme,
                entry,
                f"Входное анкетирование {who} {first_year.title}",
                autumn,
                autumn + timedelta(days=14),
                early,
                0.9,
                rng,
                today,
            )
        if exit_ and early and may + timedelta(days=14) < today:
            make_campaign(
                programme,
                exit_,
                f"Итоговое анкетирование {who} {first_year.title}",
                may,
                may + timedelta(days=14),
                early,
                0.75 if audience == Audience.MENTEE else 0.95,
                rng,
                today,
            )
    now_open = shipped(Audience.MENTEE, AskedWhen.OTHER) or shipped(
        Audience.MENTEE, AskedWhen.EXIT
    )
    current = [p for p in pairs if p.status in (Pair.Status.ACTIVE, Pair.Status.FORMED)]
    if now_open and current:
        year = SchoolYear.for_date(today)
        make_campaign(
            programme,
            now_open,
            f"Промежуточное анкетирование наставляемых {year.title}",
            today - timedelta(days=5),
            today + timedelta(days=9),
            current,
            0.45,
            rng,
            today,
        )


# Baseline and target of the typed indicators of seed 004 in the demo college.
COLLEGE_VALUES = {
    "1.1": (12, 18, 15),
    "1.2": (4, 8, 6),
    "1.3": (1, 3, 2),
    "1.4": (2, 5, 4),
    "1.5": (3, 6, 5),
    "1.6": (2, 4, 4),
    "2.1": (5, 7, 7),
    "2.2": (68, 75, 72),
    "2.3": (2, 0, 0),
    "2.4": (1, 4, 3),
    "3.1": (3, 8, 6),
    "3.2": (60, 100, 80),
    "4.1": (2, 4, 3),
    "4.2": (25, 40, 37),
    "4.3": (4, 8, 6),
    "4.4": (18, 30, 26),
    "5.1": (3, 6, 5),
    "5.2": (10, 20, 16),
    "5.3": (55, 70, 63),
}


def add_indicators(programme: Programme, code: str, values: dict, years):
    template = IndicatorTemplate.objects.filter(code=code).first()
    if template is None:
        return
    for item in template.items.order_by("order", "pk"):
        indicator = Indicator.objects.create(
            programme=programme,
            group=item.group,
            number=item.number,
            order=item.order,
            name=item.name,
            unit=item.unit,
            computed=item.computed,
        )
        baseline, target, actual = values.get(item.number, (None, item.target, None))
        for index, year in enumerate(years):
            IndicatorValue.objects.create(
                indicator=indicator,
                school_year=year,
                baseline=baseline,
                target=target,
                actual=None if item.computed or index else actual,
            )


def seed_indicators(programme: Programme, today: date):
    """The portal's computed indicators for every demo programme; the college also
    gets seed 004's nineteen with baseline, target and the first year's actual."""
    if programme.indicators.exists():
        return
    years = [SchoolYear.for_date(programme.starts_on)]
    current = SchoolYear.for_date(today)
    if current != years[0]:
        years.append(current)
    add_indicators(programme, "portal-computed", {}, years)
    if programme.organisation.kind == "college":
        add_indicators(programme, "seed-004", COLLEGE_VALUES, years)


def seed_monitoring(today: date, municipality: str):
    rng = random.Random(SEED)
    programmes = Programme.objects.filter(
        Q(organisation__municipality__name=municipality)
    ).order_by("pk")
    for programme in programmes:
        seed_measurements(programme, rng, today)
        seed_campaigns(programme, rng, today)
        seed_indicators(programme, today)
        try:
            from monitoring.swot import draft_swot
        except ImportError:  # pragma: no cover - while the SWOT module is absent
            continue
        year = SchoolYear.for_date(programme.starts_on)
        if not programme.swots.filter(school_year=year).exists():
            draft_swot(programme, year, programme.curators.first())
