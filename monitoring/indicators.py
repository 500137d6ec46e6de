"""Target indicators: typed values and the ones the portal computes from its own data.

The monitoring page and the report read them through `indicator_rows`; the rules of
each computed indicator are in the docstrings of the `_compute_*` functions below.
A computed value is `None` when its denominator is zero: «нет данных», not 0 %.

Common rules of the school year (1 September – 31 August):
- a pair *works in the year* when it started on or before the year's end and did not
  end before the year's start (any status: formed, active, completed, terminated);
- a mentee *is in a pair in the year* when, in addition, their own membership
  (joined_on – left_on) overlaps the year;
- a person *belongs to the organisation in the year* unless they left it
  (`Participant.left_on`) before the year began.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

from mentoring.models import MentoringForm
from monitoring.models import Computed, Indicator, IndicatorValue
from pairs.models import Feedback, Pair
from people.models import MentorProfile, Participant

NATIONAL_PUPILS_TARGET = Decimal(70)  # % of pupils in mentoring, the national target

# The mentee category that marks a young specialist (fixtures/catalogues.json).
YOUNG_SPECIALIST_CATEGORY = "young-specialist"
YOUNG_SPECIALIST_MAX_YEARS = 3

# Computed indicators where less is better: reached means actual ≤ target.
LOWER_IS_BETTER = {Computed.TERMINATED_SHARE}


@dataclass
class IndicatorRow:
    indicator: object  # monitoring.Indicator
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None  # computed for a computed indicator, typed otherwise
    is_computed: bool
    comment: str = ""

    @property
    def reached(self) -> bool | None:
        """actual ≥ target (None when either is missing). For the share of pairs
        terminated early less is better, so there it is actual ≤ target."""
        if self.actual is None or self.target is None:
            return None
        if getattr(self.indicator, "computed", "") in LOWER_IS_BETTER:
            return self.actual <= self.target
        return self.actual >= self.target


def _round(value, places: str = "0.1") -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return _round(Decimal(part * 100) / whole)


def pair_in_year(school_year, prefix: str = "") -> Q:
    """The pair (reached through `prefix`) works in the school year (the rule of
    this module; the municipal roll-ups use it too)."""
    return Q(**{f"{prefix}start_on__lte": school_year.ends_on}) & (
        Q(**{f"{prefix}ended_on__isnull": True})
        | Q(**{f"{prefix}ended_on__gte": school_year.starts_on})
    )


def _mentee_in_pair(programme, school_year, prefix: str) -> Q:
    """Through `prefix` (a path to PairMentee): a membership of a pair of the
    programme, the pair and the membership both overlapping the year."""
    return (
        Q(**{f"{prefix}pair__programme": programme})
        & pair_in_year(school_year, f"{prefix}pair__")
        & Q(**{f"{prefix}joined_on__lte": school_year.ends_on})
        & (
            Q(**{f"{prefix}left_on__isnull": True})
            | Q(**{f"{prefix}left_on__gte": school_year.starts_on})
        )
    )


def belongs_in_year(school_year, prefix: str = "") -> Q:
    """The person (reached through `prefix`) had not left the organisation before
    the school year began."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(
        **{f"{prefix}left_on__gte": school_year.starts_on}
    )


def _in_organisation(programme, school_year) -> Q:
    return Q(organisation=programme.organisation) & belongs_in_year(school_year)


def _compute_pupils_share(programme, school_year) -> Decimal | None:
    """Pupils and students (Participant kind pupil or student) of the programme's
    organisation who are mentees in a pair of the programme in the year ÷ all its
    pupils and students who belong to it in the year × 100, to 0.1. Pupils who are
    mentors are not counted: the national target (70 %) is about pupils «в роли
    наставляемого»."""

    involved = _mentee_in_pair(
        programme, school_year, "mentee_profile__pair_memberships__"
    )
    row = Participant.objects.filter(
        _in_organisation(programme, school_year),
        kind__in=[Participant.Kind.PUPIL, Participant.Kind.STUDENT],
    ).aggregate(
        total=Count("pk", distinct=True),
        involved=Count("pk", filter=involved, distinct=True),
    )
    return _share(row["involved"], row["total"])


def _compute_young_teachers_share(programme, school_year) -> Decimal | None:
    """Young teachers with a mentor ÷ all young teachers × 100, to 0.1.

    A young teacher is a Participant of kind teacher of the organisation, belonging
    to it in the year, whose work experience is 0–3 years *or* whose mentee profile
    has the category «Молодые специалисты (стаж от 0 до 3 лет)» (`young-specialist`)
    — either source is enough, as curators fill one or the other. «With a mentor»
    means a mentee in a pair of this programme in the year. Experience is stored as
    a number of years today, not per year: past years use today's figure."""

    with_mentor = _mentee_in_pair(
        programme, school_year, "mentee_profile__pair_memberships__"
    )
    row = (
        Participant.objects.filter(
            _in_organisation(programme, school_year),
            kind=Participant.Kind.TEACHER,
        )
        .filter(
            Q(experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS)
            | Q(mentee_profile__categories__code=YOUNG_SPECIALIST_CATEGORY)
        )
        .aggregate(
            total=Count("pk", distinct=True),
            with_mentor=Count("pk", filter=with_mentor, distinct=True),
        )
    )
    return _share(row["with_mentor"], row["total"])


def _compute_pairs(programme, school_year) -> Decimal | None:
    """Pairs and groups of the programme formed in the year (start_on within it),
    whatever became of them later. Never None: zero pairs is a fact."""

    count = Pair.objects.filter(
        programme=programme,
        start_on__range=(school_year.starts_on, school_year.ends_on),
    ).count()
    return Decimal(count)


def _closed_counts(programme, school_year) -> dict:

    return Pair.objects.filter(
        programme=programme,
        status__in=[Pair.Status.COMPLETED, Pair.Status.TERMINATED],
        ended_on__range=(school_year.starts_on, school_year.ends_on),
    ).aggregate(
        closed=Count("pk"),
        completed=Count("pk", filter=Q(status=Pair.Status.COMPLETED)),
        terminated=Count("pk", filter=Q(status=Pair.Status.TERMINATED)),
    )


def _compute_completed_share(programme, school_year) -> Decimal | None:
    """Pairs completed ÷ pairs closed (completed or terminated, ended_on within the
    year) × 100, to 0.1. Pairs still working are left out: they have no outcome."""
    row = _closed_counts(programme, school_year)
    return _share(row["completed"], row["closed"])


def _compute_terminated_share(programme, school_year) -> Decimal | None:
    """Pairs terminated early ÷ pairs closed in the year × 100, to 0.1 (the
    complement of the completed share). Less is better."""
    row = _closed_counts(programme, school_year)
    return _share(row["terminated"], row["closed"])


def _compute_satisfaction(programme, school_year) -> Decimal | None:
    """Mean rating (1–5) of the feedback of mentors and mentees of the programme's
    pairs given in the year, to 0.1. Feedback after a meeting belongs to the year
    of the meeting; a final one without a meeting to the day it was given. The
    curator's own ratings are left out: this is the participants' satisfaction."""

    year = (school_year.starts_on, school_year.ends_on)
    row = Feedback.objects.filter(
        Q(meeting__held_on__range=year)
        | Q(meeting__isnull=True, created_at__date__range=year),
        pair__programme=programme,
        role__in=[Feedback.Role.MENTOR, Feedback.Role.MENTEE],
    ).aggregate(mean=Avg("rating"))
    return _round(row["mean"])


def _compute_meetings_per_pair(programme, school_year) -> Decimal | None:
    """Meetings of the programme's pairs held in the year ÷ pairs that worked in
    the year, to 0.1. The general meetings of the programme (no pair) are left out."""

    row = Pair.objects.filter(pair_in_year(school_year), programme=programme).aggregate(
        pairs=Count("pk", distinct=True),
        meetings=Count(
            "meetings",
            filter=Q(
                meetings__held_on__range=(school_year.starts_on, school_year.ends_on)
            ),
            distinct=True,
        ),
    )
    if not row["pairs"]:
        return None
    return _round(Decimal(row["meetings"]) / row["pairs"])


def _compute_mentors(programme, school_year) -> Decimal | None:
    """Distinct mentors (the mentor or the second mentor) of the programme's pairs
    that worked in the year. Never None."""

    pairs = Pair.objects.filter(pair_in_year(school_year), programme=programme)
    count = (
        MentorProfile.objects.filter(Q(pairs__in=pairs) | Q(co_pairs__in=pairs))
        .distinct()
        .count()
    )
    return Decimal(count)


COMPUTERS = {
    Computed.PUPILS_SHARE: _compute_pupils_share,
    Computed.YOUNG_TEACHERS_SHARE: _compute_young_teachers_share,
    Computed.PAIRS: _compute_pairs,
    Computed.COMPLETED_SHARE: _compute_completed_share,
    Computed.TERMINATED_SHARE: _compute_terminated_share,
    Computed.SATISFACTION: _compute_satisfaction,
    Computed.MEETINGS_PER_PAIR: _compute_meetings_per_pair,
    Computed.MENTORS: _compute_mentors,
}


def computed_value(programme, school_year, key: str) -> Decimal | None:
    """The value of a computed indicator (monitoring.models.Computed) for the year:
    one query each; None when its denominator is zero."""
    try:
        compute = COMPUTERS[Computed(key)]
    except ValueError as error:
        raise ValueError(f"Unknown computed indicator: {key!r}") from error
    return compute(programme, school_year)


def computed_values(
    programme, school_year, keys: Iterable[str]
) -> dict[str, Decimal | None]:
    """Several computed indicators at once, each key computed once."""
    return {key: computed_value(programme, school_year, key) for key in set(keys)}


def indicator_rows(programme, school_year) -> list[IndicatorRow]:
    """Every indicator of the programme with its values of the year, in order. A
    computed indicator's actual comes from the portal's data (a typed actual of it
    is ignored); its baseline and target are typed."""
    indicators = list(
        Indicator.objects.filter(programme=programme).order_by("order", "pk")
    )
    values = {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(
            indicator__programme=programme, school_year=school_year
        )
    }
    computed = computed_values(
        programme,
        school_year,
        [indicator.computed for indicator in indicators if indicator.computed],
    )
    rows = []
    for indicator in indicators:
        value = values.get(indicator.pk)
        is_computed = bool(indicator.computed)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                baseline=value.baseline if value else None,
                target=value.target if value else None,
                actual=computed[indicator.computed]
                if is_computed
                else (value.actual if value else None),
                is_computed=is_computed,
                comment=value.comment if value else "",
            )
        )
    return rows


def pairs_per_form(
    programme, school_year, *, hide_tier: bool = False
) -> list[tuple[object, int]]:
    """(MentoringForm, number of pairs formed in the year) for each form the
    programme runs, zeros included; a form the programme no longer lists but that
    has pairs in the year is added after them. `hide_tier`: without the row of
    the social-risk form (for a user who may not see the tier)."""
    counts = dict(
        Pair.objects.filter(
            programme=programme,
            start_on__range=(school_year.starts_on, school_year.ends_on),
        )
        .values_list("form_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    run = {form.pk for form in programme.forms.all()}
    forms = MentoringForm.objects.filter(Q(pk__in=run) | Q(pk__in=counts)).order_by(
        "order", "name"
    )
    if hide_tier:
        forms = forms.exclude(is_social_risk=True)
    listed = [form for form in forms if form.pk in run]
    extra = [form for form in forms if form.pk not in run]
    return [(form, counts.get(form.pk, 0)) for form in listed + extra]
