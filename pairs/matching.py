"""Matching help: which mentor suits a mentee (or a group), and why.

Every rule below looks at one thing the documents or the curator's practice care
about and returns reasons: a plus, a warning or a block, each with points and a
sentence the curator reads. The score is the sum of the points; higher is better.
Only the social-risk rule blocks (domain.md): every other rule warns, because the
curator knows the people and decides. The rules and their weights:

1. Request ↔ competencies: the words of the mentees' open requests and of their
   areas are looked up in the mentor's key competencies, achievements and subjects.
   +4 for each matched word, at most +20. Words are compared case- and
   «ё»-insensitively by their first five letters (four for words of four or five
   letters), so «математике» finds «математика»; words shorter than four letters
   are ignored except abbreviations in capitals (ОГЭ, ЕГЭ, ИКТ), and common words
   that say nothing about a subject («подготовка», «помощь», «навыки») are skipped.
2. Same subject: a «предметник» mentor (or the role variant «Опытный предметник –
   неопытный предметник») and a teacher mentee: a subject in common +10, none −10,
   subjects not filled in −3.
3. Stage of school: a pupil mentor of a pupil mentee should be of a higher stage
   (начальная 1–4, основная 5–9, средняя 10–11 класс): higher +8, not higher −10,
   class unknown −3. Not applied to «Равный – равному».
4. Experience of an adult mentor in the forms «Учитель – учитель», «Учитель –
   ученик», «Работодатель – ученик», «Работодатель – студент»: 5 years or more +6,
   less −10, not filled in −3.
5. Young specialist (category «молодой специалист» or a role variant «… – молодой
   специалист»): 0–3 years of experience +2, more −5, not filled in −3.
6. Free places: as many free places as mentees +2 per free place, at most +8; not
   enough −30 («занято N из M»).
7. Convenient time: a word in common in the mentor's and the mentees' meeting
   times (a weekday, «после уроков») +5.
8. Desired age: each mentee's age within the mentor's desired age +5; outside −5.
9. Organisation: the same organisation +5; a mentor of another organisation from
   the municipal mentor bank: a note, 0.
10. Form fit: the mentor is who the form expects (a pupil or student for «Ученик –
    ученик», a teacher for «Учитель – …», a person from an enterprise for
    «Работодатель – …», a student for «Студент – ученик») +5; otherwise −15.
11. Social-risk form: only a social pedagogue or a class teacher (by role or by the
    position written in the base) may mentor, +5; anyone else is blocked: shown
    last and never offered for a pair.

The functions read only what the objects carry: load candidates with
`mentor_queryset()` and mentees with `mentee_queryset()`, and nothing here queries
the database per candidate. `suggest_mentors` scores every candidate from plain
values (`candidate_rows()`, one query) and loads as instances only the mentors it
shows; the words of a text are computed once per text (`text_words()`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from types import SimpleNamespace

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.lib.search import normalize
from mentoring.models import MentoringForm, Organisation, RoleVariant
from pairs.models import Pair, PairMentee
from pairs.rules import free_places, mentor_load, social_risk_mentor_allowed
from people.models import (
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    Participant,
)

PLUS, WARNING, BLOCK, NOTE = "plus", "warning", "block", "note"

# Weights (the module docstring tells the same to the curator).
POINTS_PER_WORD, MAX_WORD_POINTS = 4, 20
SUBJECT_PLUS, SUBJECT_MINUS = 10, -10
STAGE_PLUS, STAGE_MINUS = 8, -10
EXPERIENCE_PLUS, EXPERIENCE_MINUS = 6, -10
YOUNG_PLUS, YOUNG_MINUS = 2, -5
UNKNOWN_MINUS = -3
POINTS_PER_FREE_PLACE, MAX_FREE_POINTS, FULL_MINUS = 2, 8, -30
TIME_PLUS = 5
AGE_PLUS, AGE_MINUS = 5, -5
SAME_ORGANISATION_PLUS = 5
FORM_FIT_PLUS, FORM_MISFIT_MINUS = 5, -15
SOCIAL_RISK_PLUS = 5

MIN_EXPERIENCE_YEARS = 5
YOUNG_SPECIALIST_MAX_YEARS = 3
EXPERIENCED_FORMS = {
    "teacher-teacher",
    "teacher-pupil",
    "employer-pupil",
    "employer-student",
}
YOUNG_SPECIALIST_CATEGORY = "young-specialist"
YOUNG_SPECIALIST_VARIANTS = ("tt-young", "tt-class-teacher")
SUBJECT_VARIANT = "tt-subject"
PEER_VARIANT = "pp-peer"

# Who each form of the catalogue expects as a mentor: participant kinds or mentor
# categories (a school may add forms; an unknown form has no expectation).
K = Participant.Kind
FORM_MENTORS: dict[str, tuple[set[str], set[str]]] = {
    "pupil-pupil": ({K.PUPIL, K.STUDENT}, {"pupil", "student"}),
    "teacher-teacher": ({K.TEACHER, K.STAFF}, {"teacher", "veteran"}),
    "teacher-pupil": (
        {K.TEACHER, K.STAFF, K.PARENT},
        {"teacher", "veteran", "graduate", "parent"},
    ),
    "employer-pupil": ({K.EXTERNAL}, {"employee", "entrepreneur", "partner"}),
    "employer-student": ({K.EXTERNAL}, {"employee", "entrepreneur", "partner"}),
    "student-pupil": ({K.STUDENT}, {"student"}),
}
ADULT_KINDS = {K.TEACHER, K.STAFF, K.PARENT, K.EXTERNAL}

# The curator's short version of the module docstring, shown on the pages.
RULES_HELP = [
    gettext_lazy(
        "Words of the open requests and their areas found in the mentor's key "
        "competencies, achievements and subjects: +4 per word, at most +20."
    ),
    gettext_lazy(
        "A subject mentor and a teacher mentee with a subject in common: +10; "
        "none: −10."
    ),
    gettext_lazy(
        "A pupil mentor of a higher stage of school than the pupil mentee: +8; "
        "not higher: −10."
    ),
    gettext_lazy(
        "Teacher and employer mentors with 5 or more years of experience: +6; "
        "less: −10."
    ),
    gettext_lazy(
        "A young specialist mentee has 0–3 years of experience: +2; more: −5."
    ),
    gettext_lazy(
        "Free places for every mentee: +2 per free place, at most +8; not enough "
        "places: −30."
    ),
    gettext_lazy("A convenient meeting time in common: +5."),
    gettext_lazy("The mentee's age within the mentor's desired age: +5; outside: −5."),
    gettext_lazy(
        "The same organisation: +5; a mentor from the municipal mentor bank: a note."
    ),
    gettext_lazy("The mentor is who the form expects: +5; otherwise −15."),
    SOCIAL_RISK_RULE_HELP := gettext_lazy(
        "In the social-risk form only a social pedagogue or a class teacher may "
        "mentor; anyone else is blocked."
    ),
    gettext_lazy("Missing data (experience, class, subjects): −3."),
]


def rules_help(*, hide_tier: bool) -> list:
    """The rules as the page explains them; the social-risk form's rule only to
    those who may see the tier (it names the form)."""
    return [
        rule for rule in RULES_HELP if not (hide_tier and rule is SOCIAL_RISK_RULE_HELP)
    ]


@dataclass(frozen=True)
class Reason:
    text: str
    points: int
    kind: str  # PLUS, WARNING, BLOCK, or NOTE (neutral, 0 points)


@dataclass
class Match:
    mentor: MentorProfile
    score: int
    blocked: bool
    reasons: list[Reason]
    mentees: list[MenteeProfile] = field(default_factory=list)
    form: MentoringForm | None = None
    role_variant: RoleVariant | None = None

    @property
    def load(self) -> int:
        return mentor_load(self.mentor)

    @property
    def capacity(self) -> int:
        return self.mentor.capacity


# --- Words -----------------------------------------------------------------------

WORD_RE = re.compile(r"[^\W\d_]+")
# First five (or four) letters of words that say nothing about a subject or a time.
STOP_WORDS = """
    более время выбор года годы день деяте жизни задач класс котор кроме любое любой
    любые менее может муниц навык новой новые новый новым новых нужен нужна нужно
    нужны обуче очень педаг перед подго помог помоч помощ после пробл работ разви
    своег свои своих свой свою также умеет услов учащи учени хотел хочет хочу через
    чтобы школе школы школь этого этому регио этап
"""
STOP_STEMS = frozenset(STOP_WORDS.split())


@dataclass(frozen=True)
class Word:
    key: str  # normalised
    shown: str  # as the person wrote it (lower case unless an abbreviation)


def words(text: str | None) -> list[Word]:
    """The meaningful words of `text`, in order, without repeats."""
    return list(text_words(text or ""))


# Texts repeat from one suggestion list to the next (every candidate's competencies
# are read for every mentee), so their words are kept by text: a changed text is a
# new key, never a stale one. Bounded: a few thousand candidates' texts fit.
TEXT_CACHE_SIZE = 16_384


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def text_words(text: str) -> tuple[Word, ...]:
    found: dict[str, Word] = {}
    for raw in WORD_RE.findall(text):
        key = normalize(raw)
        if len(key) >= 4:
            if key[:5] in STOP_STEMS or key[:4] in STOP_STEMS:
                continue
            shown = raw if raw.isupper() else raw.lower()
        elif len(raw) >= 2 and raw.isupper():
            shown = raw  # ОГЭ, ЕГЭ, ИКТ, ОВЗ
        else:
            continue
        found.setdefault(key, Word(key, shown))
    return tuple(found.values())


def same_word(a: str, b: str) -> bool:
    """Normalised words with a common beginning: five letters, four when one of
    them is short, so Russian endings do not matter; abbreviations whole."""
    if len(a) < 4 or len(b) < 4:
        return a == b
    length = 5 if min(len(a), len(b)) >= 6 else 4
    return a[:length] == b[:length]


class WordIndex:
    """`same_word` against every word of a text at once, by set lookups: a short
    word (under four letters) is found whole; a word of four or five letters by
    its first four letters; a longer word by its first five among long words or
    its first four among words of four or five letters."""

    def __init__(self, ours: Sequence[Word]):
        keys = [w.key for w in ours]
        self.whole = {k for k in keys if len(k) < 4}
        self.four = {k[:4] for k in keys if len(k) >= 4}
        self.four_of_short = {k[:4] for k in keys if 4 <= len(k) < 6}
        self.five_of_long = {k[:5] for k in keys if len(k) >= 6}

    def has(self, key: str) -> bool:
        if len(key) < 4:
            return key in self.whole
        if len(key) < 6:
            return key[:4] in self.four
        return key[:5] in self.five_of_long or key[:4] in self.four_of_short

    def common(self, theirs: Sequence[Word]) -> list[Word]:
        return [w for w in theirs if self.has(w.key)]


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def text_index(text: str) -> WordIndex:
    return WordIndex(text_words(text))


def common_words(ours: Sequence[Word], theirs: Sequence[Word]) -> list[Word]:
    """Words of `theirs` that one of `ours` matches (shown as `theirs` wrote them)."""
    return WordIndex(ours).common(theirs)


def join(items) -> str:
    return ", ".join(str(item) for item in items)


# --- What the objects carry (prefetched) --------------------------------------------


def once_per_prefetch(instance, relation: str, compute):
    """`compute()` of a prefetched relation of `instance`, kept on the instance
    until the relation is prefetched again: the rules ask for a mentee's requests
    and categories once per candidate mentor, thousands of times a page."""
    source = getattr(instance, "_prefetched_objects_cache", {}).get(relation)
    if source is None:
        return compute()
    kept = instance.__dict__.setdefault("_matching_kept", {})
    if relation not in kept or kept[relation][0] is not source:
        kept[relation] = (source, compute())
    return kept[relation][1]


def open_requests(mentee: MenteeProfile) -> list[MenteeRequest]:
    def compute():
        requests = [r for r in mentee.requests.all() if r.status == r.Status.OPEN]
        return tuple(sorted(requests, key=lambda r: (r.created_on, r.pk or 0)))

    return list(once_per_prefetch(mentee, "requests", compute))


def mentee_category_codes(mentee: MenteeProfile) -> set[str]:
    def compute():
        return frozenset(category.code for category in mentee.categories.all())

    return set(once_per_prefetch(mentee, "categories", compute))


def stage_of(participant: Participant) -> int | None:
    """1 начальная (1–4), 2 основная (5–9), 3 средняя (10–11) for a school pupil."""
    group = participant.study_group
    if group is None or participant.kind != Participant.Kind.PUPIL:
        return None
    if group.grade <= 4:
        return 1
    return 2 if group.grade <= 9 else 3


def default_form(mentee: MenteeProfile) -> MentoringForm | None:
    """The mentee's preferred form, else the form of their first open request,
    else the first form of their programme."""
    if mentee.preferred_form_id:
        return mentee.preferred_form
    for request in open_requests(mentee):
        if request.form_id:
            return request.form
    if mentee.programme_id:
        forms = [f for f in mentee.programme.forms.all() if f.is_active]
        if forms:
            return forms[0]
    return None


def name(participant: Participant) -> str:
    return participant.short_name


# --- The rules ----------------------------------------------------------------------
# Each rule: (mentor, mentees, *, form, role_variant, today) -> list[Reason].


def rule_request_competencies(mentor, mentees, *, form, role_variant, today):
    participant = mentor.participant
    theirs = text_words(
        " ".join([participant.subjects, mentor.key_competencies, mentor.achievements])
    )
    reasons, total, used = [], 0, set()
    for mentee in mentees:
        for request in open_requests(mentee):
            ours = text_index(f"{request.text} {request.area.name}")
            matched = [w for w in ours.common(theirs) if w.key not in used]
            if not matched:
                continue
            used.update(w.key for w in matched)
            points = min(POINTS_PER_WORD * len(matched), MAX_WORD_POINTS - total)
            total += points
            text = _("request “%(request)s” ↔ competencies: %(words)s") % {
                "request": Truncator(request.text).chars(80),
                "words": join(w.shown for w in matched),
            }
            reasons.append(Reason(text, points, PLUS))
    return reasons


def subjects_of(participant: Participant) -> tuple[Word, ...]:
    return text_words(participant.subjects)


def rule_same_subject(mentor, mentees, *, form, role_variant, today):
    is_subject_mentor = mentor.mentor_type == MentorProfile.MentorType.SUBJECT or (
        role_variant is not None and role_variant.code == SUBJECT_VARIANT
    )
    teachers = [m for m in mentees if m.participant.kind == Participant.Kind.TEACHER]
    if not is_subject_mentor or not teachers:
        return []
    theirs = subjects_of(mentor.participant)
    if not theirs:
        return [
            Reason(_("the mentor's subjects are not filled in"), UNKNOWN_MINUS, WARNING)
        ]
    shared, missing, unknown = [], [], []
    for mentee in teachers:
        if not subjects_of(mentee.participant):
            unknown.append(name(mentee.participant))
            continue
        common = text_index(mentee.participant.subjects).common(theirs)
        if common:
            shared.extend(w.shown for w in common if w.shown not in shared)
        else:
            missing.append(name(mentee.participant))
    reasons = []
    if missing:
        text = _("no subject in common with the mentor: %(names)s") % {
            "names": join(missing)
        }
        reasons.append(Reason(text, SUBJECT_MINUS, WARNING))
    elif shared:
        text = _("a subject in common: %(subjects)s") % {"subjects": join(shared)}
        reasons.append(Reason(text, SUBJECT_PLUS, PLUS))
    if unknown:
        text = _("subjects are not filled in: %(names)s") % {"names": join(unknown)}
        reasons.append(Reason(text, UNKNOWN_MINUS, WARNING))
    return reasons


def rule_higher_stage(mentor, mentees, *, form, role_variant, today):
    if mentor.participant.kind != Participant.Kind.PUPIL:
        return []
    if role_variant is not None and role_variant.code == PEER_VARIANT:
        return []
    pupils = [m for m in mentees if m.participant.kind == Participant.Kind.PUPIL]
    if not pupils:
        return []
    mentor_stage = stage_of(mentor.participant)
    if mentor_stage is None:
        text = _("the class is not filled in: %(names)s") % {
            "names": name(mentor.participant)
        }
        return [Reason(text, UNKNOWN_MINUS, WARNING)]
    mentor_group = mentor.participant.study_group.name
    lower, not_lower, unknown = [], [], []
    for mentee in pupils:
        stage = stage_of(mentee.participant)
        if stage is None:
            unknown.append(name(mentee.participant))
        elif stage < mentor_stage:
            lower.append(mentee.participant.study_group.name)
        else:
            not_lower.append(
                f"{name(mentee.participant)} ({mentee.participant.study_group.name})"
            )
    reasons = []
    if not_lower:
        text = _(
            "not a higher stage of school than %(names)s: the mentor is in %(group)s"
        ) % {"names": join(not_lower), "group": mentor_group}
        reasons.append(Reason(text, STAGE_MINUS, WARNING))
    elif lower:
        text = _("a higher stage of school: %(group)s → %(groups)s") % {
            "group": mentor_group,
            "groups": join(dict.fromkeys(lower)),
        }
        reasons.append(Reason(text, STAGE_PLUS, PLUS))
    if unknown:
        text = _("the class is not filled in: %(names)s") % {"names": join(unknown)}
        reasons.append(Reason(text, UNKNOWN_MINUS, WARNING))
    return reasons


def rule_mentor_experience(mentor, mentees, *, form, role_variant, today):
    participant = mentor.participant
    if form is None or form.code not in EXPERIENCED_FORMS:
        return []
    if participant.kind not in ADULT_KINDS:
        return []
    years = participant.experience_years
    if years is None:
        text = _("work experience is not filled in (the form expects 5 years or more)")
        return [Reason(text, UNKNOWN_MINUS, WARNING)]
    if years >= MIN_EXPERIENCE_YEARS:
        text = ngettext(
            "work experience %(years)d year",
            "work experience %(years)d years",
            years,
        ) % {"years": years}
        return [Reason(text, EXPERIENCE_PLUS, PLUS)]
    text = ngettext(
        "work experience %(years)d year: the form expects 5 years or more",
        "work experience %(years)d years: the form expects 5 years or more",
        years,
    ) % {"years": years}
    return [Reason(text, EXPERIENCE_MINUS, WARNING)]


def is_young_specialist(mentee: MenteeProfile, role_variant) -> bool:
    if role_variant is not None and role_variant.code.startswith(
        YOUNG_SPECIALIST_VARIANTS
    ):
        return True
    return YOUNG_SPECIALIST_CATEGORY in mentee_category_codes(mentee)


def rule_young_specialist(mentor, mentees, *, form, role_variant, today):
    reasons = []
    for mentee in mentees:
        if not is_young_specialist(mentee, role_variant):
            continue
        who, years = name(mentee.participant), mentee.participant.experience_years
        if years is None:
            text = _(
                "%(name)s: work experience is not filled in "
                "(a young specialist has 0–3 years)"
            ) % {"name": who}
            reasons.append(Reason(text, UNKNOWN_MINUS, WARNING))
        elif years <= YOUNG_SPECIALIST_MAX_YEARS:
            text = ngettext(
                "%(name)s: a young specialist, %(years)d year of experience",
                "%(name)s: a young specialist, %(years)d years of experience",
                years,
            ) % {"name": who, "years": years}
            reasons.append(Reason(text, YOUNG_PLUS, PLUS))
        else:
            text = ngettext(
                "%(name)s: %(years)d year of experience, "
                "a young specialist has 0–3 years",
                "%(name)s: %(years)d years of experience, "
                "a young specialist has 0–3 years",
                years,
            ) % {"name": who, "years": years}
            reasons.append(Reason(text, YOUNG_MINUS, WARNING))
    return reasons


def rule_free_places(mentor, mentees, *, form, role_variant, today):
    load, capacity = mentor_load(mentor), mentor.capacity
    free, needed = free_places(mentor), max(len(mentees), 1)
    numbers = {"load": load, "capacity": capacity, "free": free, "count": needed}
    if free == 0:
        text = _("no free places: %(load)d of %(capacity)d taken") % numbers
        return [Reason(text, FULL_MINUS, WARNING)]
    if free < needed:
        text = (
            ngettext(
                "only %(free)d free place for %(count)d mentees "
                "(%(load)d of %(capacity)d taken)",
                "only %(free)d free places for %(count)d mentees "
                "(%(load)d of %(capacity)d taken)",
                free,
            )
            % numbers
        )
        return [Reason(text, FULL_MINUS, WARNING)]
    points = min(POINTS_PER_FREE_PLACE * free, MAX_FREE_POINTS)
    text = (
        ngettext(
            "%(free)d free place (%(load)d of %(capacity)d taken)",
            "%(free)d free places (%(load)d of %(capacity)d taken)",
            free,
        )
        % numbers
    )
    return [Reason(text, points, PLUS)]


def rule_meeting_time(mentor, mentees, *, form, role_variant, today):
    theirs = text_words(mentor.meeting_time)
    times = [m.meeting_time for m in mentees if m.meeting_time]
    if not theirs or not times:
        return []
    common = theirs
    for time in times:
        common = text_index(time).common(common)
    if not common:
        return []
    text = _("a convenient time in common (%(words)s): “%(time)s”") % {
        "words": join(w.shown for w in common),
        "time": mentor.meeting_time,
    }
    return [Reason(text, TIME_PLUS, PLUS)]


def desired_age_label(mentor: MentorProfile) -> str:
    low, high = mentor.desired_age_min, mentor.desired_age_max
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return _("from %(age)d") % {"age": low}
    return _("up to %(age)d") % {"age": high}


def rule_desired_age(mentor, mentees, *, form, role_variant, today):
    low, high = mentor.desired_age_min, mentor.desired_age_max
    if low is None and high is None:
        return []
    inside, outside = [], []
    for mentee in mentees:
        age = mentee.participant.age_on(today)
        if age is None:
            continue
        if (low is None or age >= low) and (high is None or age <= high):
            inside.append(str(age))
        else:
            outside.append(f"{name(mentee.participant)} ({age})")
    numbers = {"range": desired_age_label(mentor)}
    if outside:
        text = _("age outside the desired %(range)s: %(names)s") % (
            numbers | {"names": join(outside)}
        )
        return [Reason(text, AGE_MINUS, WARNING)]
    if inside:
        text = _("age %(ages)s within the desired %(range)s") % (
            numbers | {"ages": join(dict.fromkeys(inside))}
        )
        return [Reason(text, AGE_PLUS, PLUS)]
    return []


def rule_organisation(mentor, mentees, *, form, role_variant, today):
    if not mentees:
        return []
    participant = mentor.participant
    if participant.organisation_id == mentees[0].participant.organisation_id:
        return [Reason(_("the same organisation"), SAME_ORGANISATION_PLUS, PLUS)]
    text = _("external mentor from the municipal mentor bank (%(organisation)s)") % {
        "organisation": participant.organisation.short_name
    }
    return [Reason(text, 0, NOTE)]


def rule_form_fit(mentor, mentees, *, form, role_variant, today):
    if form is None or form.code not in FORM_MENTORS:
        return []
    kinds, categories = FORM_MENTORS[form.code]
    who = mentor.category.name
    if mentor.participant.kind in kinds or mentor.category.code in categories:
        text = _("fits the form: %(who)s") % {"who": who}
        return [Reason(text, FORM_FIT_PLUS, PLUS)]
    text = _("%(who)s: not the mentor the form “%(form)s” expects") % {
        "who": who,
        "form": form.name,
    }
    return [Reason(text, FORM_MISFIT_MINUS, WARNING)]


def rule_social_risk(mentor, mentees, *, form, role_variant, today):
    if form is None or not form.is_social_risk:
        return []
    if social_risk_mentor_allowed(mentor):
        text = _("a social pedagogue or a class teacher: may mentor in this form")
        return [Reason(text, SOCIAL_RISK_PLUS, PLUS)]
    text = _("this form needs a social pedagogue or a class teacher as the mentor")
    return [Reason(text, 0, BLOCK)]


Rule = Callable[..., list[Reason]]
RULES: tuple[Rule, ...] = (
    rule_social_risk,
    rule_request_competencies,
    rule_form_fit,
    rule_same_subject,
    rule_higher_stage,
    rule_mentor_experience,
    rule_young_specialist,
    rule_free_places,
    rule_meeting_time,
    rule_desired_age,
    rule_organisation,
)


# --- Scoring and suggestions ----------------------------------------------------------


def score(
    mentor: MentorProfile,
    mentees: Sequence[MenteeProfile],
    *,
    form: MentoringForm | None,
    role_variant: RoleVariant | None = None,
    today: date,
) -> Match:
    """How well `mentor` suits `mentees` (one, or a group) in `form`."""
    mentees = list(mentees)
    reasons = [
        reason
        for rule in RULES
        for reason in rule(
            mentor, mentees, form=form, role_variant=role_variant, today=today
        )
    ]
    return Match(
        mentor=mentor,
        score=sum(reason.points for reason in reasons),
        blocked=any(reason.kind == BLOCK for reason in reasons),
        reasons=reasons,
        mentees=mentees,
        form=form,
        role_variant=role_variant,
    )


def mentor_queryset():
    """Mentors with everything the rules read, and their load, in two queries."""
    return (
        MentorProfile.objects.with_load()
        .select_related(
            "category",
            "participant__organisation",
            "participant__study_group",
            "participant__user",
        )
        .prefetch_related("participant__user__memberships")
    )


def mentee_queryset():
    """Mentees with everything the rules read (requests oldest first)."""
    return MenteeProfile.objects.select_related(
        "participant__organisation",
        "participant__study_group",
        "preferred_form",
        "programme",
    ).prefetch_related(
        "categories",
        "programme__forms",
        Prefetch(
            "requests",
            queryset=MenteeRequest.objects.select_related("area", "form").order_by(
                "created_on", "pk"
            ),
        ),
    )


def candidates(queryset, organisation: Organisation):
    """Ready mentors (or already in a pair) of the organisation, and those of other
    organisations of the municipality who consented to the mentor bank."""
    return (
        queryset.ready()
        .filter(
            Q(participant__organisation=organisation)
            | Q(
                shared_in_bank=True,
                participant__organisation__municipality_id=(
                    organisation.municipality_id
                ),
            )
        )
        .filter(participant__left_on__isnull=True)
    )


def candidate_mentors(organisation: Organisation):
    """The candidates as model instances, with everything the rules read."""
    return candidates(mentor_queryset(), organisation)


# --- Candidates as plain values ----------------------------------------------------
# Building 2 000 mentors with their participant, class, organisation and category
# as model instances costs more than scoring them. The rules read a few dozen
# values, so every candidate is scored from one values() row shaped like the
# objects (`mentor.participant.study_group.grade`), and only the mentors shown are
# loaded as instances afterwards.


def open_load():
    """Mentees now in the mentor's open pairs (as `with_load()`), by a correlated
    subquery rather than a GROUP BY over every candidate's columns."""
    memberships = (
        PairMentee.objects.filter(
            pair__mentor=OuterRef("pk"),
            pair__status__in=[Pair.Status.FORMED, Pair.Status.ACTIVE],
            left_on__isnull=True,
        )
        .order_by()
        .values("pair__mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(memberships, output_field=IntegerField()), 0)


class Row(SimpleNamespace):
    """A candidate, its participant or a related row, as plain values."""


class PersonRow(Row):
    short_name = Participant.short_name  # the same property, on the same values


class Roles(list):
    """The memberships of a candidate's login, read as `user.memberships.all()`."""

    def all(self):
        return self


MENTOR_VALUES = (
    "pk",
    "participant_id",
    "mentor_type",
    "key_competencies",
    "achievements",
    "meeting_time",
    "capacity",
    "desired_age_min",
    "desired_age_max",
    "load",
)
PERSON_VALUES = (
    "kind",
    "last_name",
    "first_name",
    "middle_name",
    "subjects",
    "position",
    "experience_years",
    "organisation_id",
    "study_group_id",
    "user_id",
    "search_text",
)
RELATED_VALUES = (
    "category__code",
    "category__name",
    "participant__organisation__short_name",
    "participant__study_group__name",
    "participant__study_group__grade",
    "participant__user__memberships__role",
    "participant__user__memberships__organisation_id",
)


def candidate_rows(organisation: Organisation, *, exclude=()) -> list[Row]:
    """Every candidate (but the participants `exclude`) as a `Row` that the rules
    read like a `MentorProfile` loaded with `mentor_queryset()`, in one query (a
    login with several roles gives several rows of the same candidate)."""
    values = (
        candidates(MentorProfile.objects.annotate(load=open_load()), organisation)
        .exclude(participant_id__in=exclude)
        .order_by()
        .values_list(
            *MENTOR_VALUES,
            *(f"participant__{name}" for name in PERSON_VALUES),
            *RELATED_VALUES,
        )
    )
    person_at = len(MENTOR_VALUES)
    related_at = person_at + len(PERSON_VALUES)
    rows: dict[int, Row] = {}
    for record in values:
        (
            category_code,
            category_name,
            organisation_name,
            group_name,
            grade,
            role,
            role_organisation_id,
        ) = record[related_at:]
        found = rows.get(record[0])  # the pk, first of MENTOR_VALUES
        if found is None:
            mentor = dict(zip(MENTOR_VALUES, record[:person_at], strict=True))
            person = PersonRow(
                pk=mentor["participant_id"],
                **dict(zip(PERSON_VALUES, record[person_at:related_at], strict=True)),
            )
            person.organisation = Row(
                pk=person.organisation_id, short_name=organisation_name
            )
            person.study_group = (
                None
                if person.study_group_id is None
                else Row(pk=person.study_group_id, name=group_name, grade=grade)
            )
            person.user = (
                None
                if person.user_id is None
                else Row(pk=person.user_id, memberships=Roles())
            )
            found = rows[record[0]] = Row(
                **mentor,
                category=Row(code=category_code, name=category_name),
                participant=person,
            )
        if role is not None:
            found.participant.user.memberships.append(
                Row(role=role, organisation_id=role_organisation_id)
            )
    return list(rows.values())


def sort_key(match: Match, person: Participant):
    return (match.blocked, -match.score, person.search_text, person.pk)


def suggest_mentors(
    mentees: Sequence[MenteeProfile],
    *,
    organisation: Organisation,
    form: MentoringForm | None,
    role_variant: RoleVariant | None = None,
    today: date,
    limit: int = 20,
) -> list[Match]:
    """The best mentors for `mentees` (prefetched with `mentee_queryset()`), blocked
    ones last."""
    mentees = list(mentees)
    themselves = [mentee.participant_id for mentee in mentees]
    matches = [
        score(row, mentees, form=form, role_variant=role_variant, today=today)
        for row in candidate_rows(organisation, exclude=themselves)
    ]
    matches.sort(key=lambda match: sort_key(match, match.mentor.participant))
    matches = matches[:limit]
    # The same scores and reasons, about the model instances the page shows.
    mentors = MentorProfile.objects.select_related(
        "category", "participant__organisation", "participant__study_group"
    ).in_bulk([match.mentor.pk for match in matches])
    shown = []
    for match in matches:
        mentor = mentors.get(match.mentor.pk)
        if mentor is not None:  # else deleted since the first query
            mentor.load = match.mentor.load
            shown.append(replace(match, mentor=mentor))
    return shown


def suggest_mentees(
    mentor: MentorProfile,
    *,
    organisation: Organisation,
    today: date,
    limit: int = 30,
) -> list[Match]:
    """Waiting mentees of the organisation for `mentor` (loaded with
    `mentor_queryset()`), each scored alone in their own form."""
    mentees = (
        mentee_queryset()
        .for_organisation(organisation)
        .waiting()
        .exclude(participant_id=mentor.participant_id)
    )
    matches = [
        score(mentor, [mentee], form=default_form(mentee), today=today)
        for mentee in mentees
    ]
    matches.sort(key=lambda match: sort_key(match, match.mentees[0].participant))
    return matches[:limit]
