"""The figures of every organisation of a municipality for a school year: the
coordinator's dashboard, each organisation's summary, the municipal report and the
frozen snapshot all read them from here.

`organisation_rows(municipality, school_year)` runs a fixed number of grouped
queries whatever the number of organisations, pairs or people; `totals(rows)` adds
the rows up (shares are recomputed from the summed numerators and denominators,
never averaged); `masked(count)` is the one rule that hides small sensitive counts.

The rules (the school year is 1 September – 31 August, `monitoring.indicators`):
- a pair *works in the year* when it started on or before the year's end and did
  not end before its start (any status); it counts ONCE, in the organisation of
  its programme, even when its mentor comes from another organisation (the mentor
  bank);
- *pupils* are participants of kind pupil or student, *teachers* of kind teacher,
  who belong to the organisation in the year (not left before it began);
- a pupil *is involved* when they are a mentee in a pair of a programme of their
  own organisation working in the year, with their own membership overlapping the
  year (the rule of the indicator «доля обучающихся», against the national 70 %);
- a teacher *is involved* when they are a mentee like that, or the mentor or
  second mentor of a pair working in the year of any organisation of the
  municipality (a mentor of the bank is involved in their own organisation);
- *stale* pairs: the rule of the reminders (`pairs.reminders`): active, not
  paused today, no meeting held for more than the programme's `stale_after_days`
  (counted from the start when no meeting was ever held);
- *meetings of the last 30 days*: journal entries of the organisation's pairs held
  from today − 30 days to today (general meetings of a programme are left out);
- *monitoring*: the campaigns of the year of the organisation's programmes, the
  invitations sent and answered in them, and whether a SWOT of the year with at
  least one point exists;
- *indicators*: the target indicators of the organisation's programmes that have a
  target for the year; a computed one's actual is the portal's own value
  (`monitoring.indicators`), a typed one's actual is typed.

Sensitive counts: the pairs of the social-risk form (`MentoringForm.is_social_risk`)
and the involved pupils of a sensitive mentee category are shown through
`masked()` — «менее 5» for 1–4 — on every page and in every export.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from mentoring.models import (
    MentoringForm,
    Municipality,
    Organisation,
    Programme,
    SchoolYear,
)
from monitoring.indicators import (
    NATIONAL_PUPILS_TARGET,
    YOUNG_SPECIALIST_CATEGORY,
    YOUNG_SPECIALIST_MAX_YEARS,
    IndicatorRow,
    belongs_in_year,
    pair_in_year,
)
from monitoring.models import (
    Campaign,
    Computed,
    IndicatorValue,
    Invitation,
    Swot,
)
from pairs.models import Feedback, Meeting, Pair, PairMentee
from people.models import Membership, MenteeProfile, Participant, Role

SMALL = 5  # a sensitive count from 1 to SMALL - 1 is shown as «менее 5»
RECENT_DAYS = 30  # «meetings in the last 30 days»
STATUSES = [status for status, _label in Pair.Status.choices]


def masked(count: int) -> str | int:
    """A sensitive count as it may be shown: «менее 5» for 1–4, else the number
    (0 stays 0: nothing to hide). Pages and exports call this, never their own."""
    if 0 < count < SMALL:
        return gettext("fewer than %(count)d") % {"count": SMALL}
    return count


def with_masked_part(total: int, sensitive: int) -> str | int:
    """A total that includes a sensitive count: when that count is masked, the
    total reads «12 + менее 5», so that subtracting the other shown counts from
    it does not give the masked one back."""
    if 0 < sensitive < SMALL:
        return f"{total - sensitive} + {masked(sensitive)}"
    return total


def total_sort_key(total: int, sensitive: int) -> tuple[int, int]:
    """The key of a total shown through `with_masked_part`."""
    if 0 < sensitive < SMALL:
        return (total - sensitive, 1)
    return (total, 0)


def masked_sort_key(count: int) -> int:
    """The key a masked column sorts by: 1–4 sort alike, so that the order of
    rows tells no more than «менее 5» does."""
    return 1 if 0 < count < SMALL else count


def share(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100 to 0.1; None («нет данных») when whole is 0."""
    if not whole:
        return None
    return (Decimal(part * 100) / whole).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass
class FormRow:
    """Pairs of one form, as they may be shown (`masked` for the social-risk
    form): `count` and `by_status` hold str («менее 5») or int."""

    form: MentoringForm
    count: str | int
    by_status: dict[str, str | int]
    raw: int  # the real number, for sorting and for the chart's scale only


@dataclass
class IndicatorFigure:
    """One target indicator of one of the organisation's programmes."""

    programme: str
    name: str
    unit: str
    target: Decimal | None
    actual: Decimal | None
    reached: bool | None


@dataclass
class Figures:
    """The counts that add up across organisations (both a row and the totals).

    pupils / pupils_involved, teachers / teachers_involved: see the module's rules;
    pairs: pairs working in the year; pairs_formed: of them, started in the year;
    pairs_by_form: {MentoringForm: n} (forms with pairs only, in catalogue order);
    pairs_by_status: {Pair.Status value: n}; pairs_by_form_status:
    {MentoringForm: {status: n}}; social_risk_pairs: pairs of the social-risk form
    (show through `masked`); sensitive_mentees: involved pupils and teachers with
    a sensitive mentee category (show through `masked`); meetings_recent: meetings
    of the last 30 days; stale_pairs; campaigns, invited, answered: monitoring of
    the year. social_risk_formed / social_risk_stale: the social-risk pairs among
    pairs_formed / stale_pairs. Every count of pairs that includes social-risk
    pairs is shown through its `*_shown` property («12 + менее 5»).
    """

    pupils: int = 0
    pupils_involved: int = 0
    teachers: int = 0
    teachers_involved: int = 0
    pairs: int = 0
    pairs_formed: int = 0
    pairs_by_form: dict = field(default_factory=dict)
    pairs_by_status: dict = field(default_factory=dict)
    pairs_by_form_status: dict = field(default_factory=dict)
    social_risk_pairs: int = 0
    social_risk_formed: int = 0
    social_risk_stale: int = 0
    sensitive_mentees: int = 0
    meetings_recent: int = 0
    stale_pairs: int = 0
    campaigns: int = 0
    invited: int = 0
    answered: int = 0

    @property
    def pupils_share(self) -> Decimal | None:
        return share(self.pupils_involved, self.pupils)

    @property
    def teachers_share(self) -> Decimal | None:
        return share(self.teachers_involved, self.teachers)

    @property
    def pupils_target(self) -> Decimal:
        return NATIONAL_PUPILS_TARGET

    @property
    def pupils_target_reached(self) -> bool | None:
        value = self.pupils_share
        return None if value is None else value >= NATIONAL_PUPILS_TARGET

    @property
    def response_rate(self) -> Decimal | None:
        return share(self.answered, self.invited)

    @property
    def open_pairs(self) -> int:
        return self.pairs_by_status.get(
            Pair.Status.FORMED, 0
        ) + self.pairs_by_status.get(Pair.Status.ACTIVE, 0)

    @property
    def social_risk_shown(self) -> str | int:
        return masked(self.social_risk_pairs)

    @property
    def sensitive_mentees_shown(self) -> str | int:
        return masked(self.sensitive_mentees)

    @property
    def social_risk_by_status(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for form, statuses in self.pairs_by_form_status.items():
            if form.is_social_risk:
                for status, count in statuses.items():
                    counts[status] += count
        return counts

    @property
    def pairs_shown(self) -> str | int:
        return with_masked_part(self.pairs, self.social_risk_pairs)

    @property
    def pairs_formed_shown(self) -> str | int:
        return with_masked_part(self.pairs_formed, self.social_risk_formed)

    @property
    def stale_pairs_shown(self) -> str | int:
        return with_masked_part(self.stale_pairs, self.social_risk_stale)

    @property
    def open_pairs_shown(self) -> str | int:
        hidden = self.social_risk_by_status
        return with_masked_part(
            self.open_pairs, hidden[Pair.Status.FORMED] + hidden[Pair.Status.ACTIVE]
        )

    def status_totals_shown(self) -> list[str | int]:
        """Pairs of each status (in `STATUSES` order), as they may be shown."""
        hidden = self.social_risk_by_status
        return [
            with_masked_part(self.pairs_by_status.get(status, 0), hidden[status])
            for status in STATUSES
        ]

    def form_rows(self) -> list[FormRow]:
        """Pairs by form and status as they may be shown: the social-risk form's
        numbers through `masked`."""
        rows = []
        for form, count in self.pairs_by_form.items():
            statuses = self.pairs_by_form_status.get(form, {})
            hide = masked if form.is_social_risk else (lambda n: n)
            rows.append(
                FormRow(
                    form=form,
                    count=hide(count),
                    by_status={s: hide(statuses.get(s, 0)) for s in STATUSES},
                    raw=count,
                )
            )
        return rows

    def add(self, other: Figures) -> None:
        for name in (
            "pupils",
            "pupils_involved",
            "teachers",
            "teachers_involved",
            "pairs",
            "pairs_formed",
            "social_risk_pairs",
            "social_risk_formed",
            "social_risk_stale",
            "sensitive_mentees",
            "meetings_recent",
            "stale_pairs",
            "campaigns",
            "invited",
            "answered",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for form, count in other.pairs_by_form.items():
            self.pairs_by_form[form] = self.pairs_by_form.get(form, 0) + count
            mine = self.pairs_by_form_status.setdefault(form, {})
            for status, n in other.pairs_by_form_status.get(form, {}).items():
                mine[status] = mine.get(status, 0) + n
        for status, count in other.pairs_by_status.items():
            self.pairs_by_status[status] = self.pairs_by_status.get(status, 0) + count
        self.pairs_by_form = dict(
            sorted(self.pairs_by_form.items(), key=lambda item: _form_order(item[0]))
        )


@dataclass
class OrganisationFigures(Figures):
    """One organisation's row. `curators`: the names of its curators (staff, not
    pupils); `swot_done`: a SWOT of the year with points exists; `indicators`:
    the target indicators with a target for the year of its programmes running
    in the year (`IndicatorFigure`), `indicators_reached` how many reached it."""

    organisation: Organisation | None = None
    curators: list[str] = field(default_factory=list)
    swot_done: bool = False
    indicators: list[IndicatorFigure] = field(default_factory=list)

    @property
    def indicators_reached(self) -> int:
        return sum(1 for figure in self.indicators if figure.reached)

    @property
    def indicators_with_target(self) -> int:
        return len(self.indicators)

    @property
    def pk(self) -> int:
        return self.organisation.pk

    @property
    def name(self) -> str:
        return self.organisation.short_name

    @property
    def kind(self) -> str:
        return self.organisation.kind

    @property
    def kind_display(self) -> str:
        return self.organisation.get_kind_display()


@dataclass
class Totals(Figures):
    """The sums over the rows; `organisations`: how many rows, `swot_done`: how
    many of them have their SWOT of the year; `indicators_with_target` and
    `indicators_reached`: the organisations' target indicators added up."""

    organisations: int = 0
    swot_done: int = 0
    indicators_with_target: int = 0
    indicators_reached: int = 0


def _form_order(form: MentoringForm) -> tuple:
    return (form.order, form.name)


def totals(rows: list[OrganisationFigures]) -> Totals:
    """The sums over `rows`: every count is the sum of the rows' counts, every
    share is recomputed from the summed numerator and denominator."""
    result = Totals(organisations=len(rows))
    for row in rows:
        result.add(row)
        result.swot_done += int(row.swot_done)
        result.indicators_with_target += row.indicators_with_target
        result.indicators_reached += row.indicators_reached
    return result


def _membership_in_year(school_year: SchoolYear) -> Q:
    return (
        pair_in_year(school_year, "pair__")
        & Q(joined_on__lte=school_year.ends_on)
        & (Q(left_on__isnull=True) | Q(left_on__gte=school_year.starts_on))
    )


def organisation_rows(
    municipality: Municipality,
    school_year: SchoolYear,
    *,
    kind: str = "",
    only: Organisation | None = None,
    today: date | None = None,
) -> list[OrganisationFigures]:
    """The figures of each organisation of `municipality` (of type `kind`, or
    just `only`, if given), in name order, for `school_year`. Eleven queries,
    and one to three more per kind of computed indicator in use, whatever the
    number of organisations, programmes, pairs or people."""
    today = today or timezone.localdate()
    organisations = Organisation.objects.filter(municipality=municipality)
    if kind:
        organisations = organisations.filter(kind=kind)
    if only is not None:
        organisations = organisations.filter(pk=only.pk)
    rows = {
        organisation.pk: OrganisationFigures(organisation=organisation)
        for organisation in organisations.order_by("short_name")
    }
    if not rows:
        return []
    ids = list(rows)

    for membership in (
        Membership.objects.filter(organisation__in=ids, role=Role.CURATOR)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    ):
        user = membership.user
        name = user.get_full_name() or user.get_username()
        if name not in rows[membership.organisation_id].curators:
            rows[membership.organisation_id].curators.append(name)

    _add_people(rows, ids, school_year)
    _add_pairs(rows, ids, school_year)
    _add_activity(rows, ids, today)
    _add_monitoring(rows, ids, school_year)
    _add_indicators(rows, ids, school_year)
    return list(rows.values())


def _add_people(rows, ids, school_year) -> None:
    in_year = _membership_in_year(school_year)
    as_mentee = PairMentee.objects.filter(
        in_year,
        mentee__participant=OuterRef("pk"),
        pair__programme__organisation=OuterRef("organisation"),
    )
    # Two EXISTS, not one over «mentor or second mentor»: each finds its pairs by
    # an index instead of scanning every pair for every person.
    pairs_in_year = Pair.objects.filter(pair_in_year(school_year))
    as_mentor = Exists(
        pairs_in_year.filter(mentor__participant=OuterRef("pk"))
    ) | Exists(pairs_in_year.filter(co_mentor__participant=OuterRef("pk")))
    sensitive = MenteeProfile.categories.through.objects.filter(
        menteeprofile__participant=OuterRef("pk"), menteecategory__is_sensitive=True
    )
    pupil = Q(kind__in=[Participant.Kind.PUPIL, Participant.Kind.STUDENT])
    teacher = Q(kind=Participant.Kind.TEACHER)
    people = (
        Participant.objects.filter(organisation__in=ids)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=school_year.starts_on))
        .annotate(
            is_mentee=Exists(as_mentee),
            is_mentor=as_mentor,
            is_sensitive=Exists(sensitive),
        )
        .values("organisation")
        .annotate(
            pupils=Count("pk", filter=pupil),
            pupils_involved=Count("pk", filter=pupil & Q(is_mentee=True)),
            teachers=Count("pk", filter=teacher),
            teachers_involved=Count(
                "pk", filter=teacher & (Q(is_mentee=True) | Q(is_mentor=True))
            ),
            sensitive_mentees=Count(
                "pk",
                filter=(pupil | teacher) & Q(is_mentee=True, is_sensitive=True),
            ),
        )
        .order_by()
    )
    for line in people:
        row = rows[line["organisation"]]
        for name in (
            "pupils",
            "pupils_involved",
            "teachers",
            "teachers_involved",
            "sensitive_mentees",
        ):
            setattr(row, name, line[name])


def _add_pairs(rows, ids, school_year) -> None:
    forms = {form.pk: form for form in MentoringForm.objects.all()}
    counts = (
        Pair.objects.filter(pair_in_year(school_year), programme__organisation__in=ids)
        .values("programme__organisation", "form", "status")
        .annotate(
            count=Count("pk"),
            formed=Count(
                "pk",
                filter=Q(start_on__range=(school_year.starts_on, school_year.ends_on)),
            ),
        )
        .order_by()
    )
    for line in counts:
        row = rows[line["programme__organisation"]]
        form, status, count = forms[line["form"]], line["status"], line["count"]
        row.pairs += count
        row.pairs_formed += line["formed"]
        row.pairs_by_form[form] = row.pairs_by_form.get(form, 0) + count
        row.pairs_by_status[status] = row.pairs_by_status.get(status, 0) + count
        by_status = row.pairs_by_form_status.setdefault(form, {})
        by_status[status] = by_status.get(status, 0) + count
        if form.is_social_risk:
            row.social_risk_pairs += count
            row.social_risk_formed += line["formed"]
    for row in rows.values():
        row.pairs_by_form = dict(
            sorted(row.pairs_by_form.items(), key=lambda item: _form_order(item[0]))
        )


def _add_activity(rows, ids, today: date) -> None:
    recent = (
        Meeting.objects.filter(
            programme__organisation__in=ids,
            pair__isnull=False,
            held_on__range=(today - timedelta(days=RECENT_DAYS), today),
        )
        .values("programme__organisation")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for line in recent:
        rows[line["programme__organisation"]].meetings_recent = line["count"]

    # The reminders' rule (pairs.reminders.pair_reminders, STALE), one row per
    # active pair: the comparison needs each pair's own programme setting.
    active = (
        Pair.objects.filter(programme__organisation__in=ids, status=Pair.Status.ACTIVE)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=today))
        .annotate(
            last_held_on=Max(
                "meetings__held_on", filter=Q(meetings__held_on__lte=today)
            )
        )
        .values_list(
            "programme__organisation",
            "programme__stale_after_days",
            "start_on",
            "last_held_on",
            "form__is_social_risk",
        )
    )
    for organisation_id, stale_after, start_on, last_held_on, risky in active:
        if (today - (last_held_on or start_on)).days > stale_after:
            rows[organisation_id].stale_pairs += 1
            rows[organisation_id].social_risk_stale += int(risky)


def _add_monitoring(rows, ids, school_year) -> None:
    campaigns = (
        Campaign.objects.filter(
            school_year=school_year, programme__organisation__in=ids
        )
        .values("programme__organisation")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for line in campaigns:
        rows[line["programme__organisation"]].campaigns = line["count"]
    invitations = (
        Invitation.objects.filter(
            campaign__school_year=school_year,
            campaign__programme__organisation__in=ids,
        )
        .values("campaign__programme__organisation")
        .annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
        )
        .order_by()
    )
    for line in invitations:
        row = rows[line["campaign__programme__organisation"]]
        row.invited, row.answered = line["invited"], line["answered"]
    done = (
        Swot.objects.filter(school_year=school_year, programme__organisation__in=ids)
        .filter(points__isnull=False)
        .values_list("programme__organisation", flat=True)
        .distinct()
    )
    for organisation_id in done:
        rows[organisation_id].swot_done = True


def _add_indicators(rows, ids, school_year) -> None:
    """The target indicators with a target for the year of the programmes that
    run in the year; computed actuals from `computed_actuals` (grouped queries,
    the rules of `monitoring.indicators`), typed ones as typed."""
    values = list(
        IndicatorValue.objects.filter(
            school_year=school_year,
            target__isnull=False,
            indicator__programme__organisation__in=ids,
            indicator__programme__starts_on__lte=school_year.ends_on,
            indicator__programme__ends_on__gte=school_year.starts_on,
        )
        .select_related("indicator__programme")
        .order_by(
            "indicator__programme__starts_on",
            "indicator__programme",
            "indicator__order",
            "indicator__pk",
        )
    )
    if not values:
        return
    wanted = defaultdict(set)  # key -> programme ids
    for value in values:
        if value.indicator.computed:
            wanted[value.indicator.computed].add(value.indicator.programme_id)
    actuals = computed_actuals(wanted, school_year)
    for value in values:
        indicator = value.indicator
        if indicator.computed:
            actual = actuals.get((indicator.computed, indicator.programme_id))
        else:
            actual = value.actual
        row = IndicatorRow(
            indicator=indicator,
            baseline=value.baseline,
            target=value.target,
            actual=actual,
            is_computed=bool(indicator.computed),
        )
        rows[indicator.programme.organisation_id].indicators.append(
            IndicatorFigure(
                programme=indicator.programme.title,
                name=str(indicator.name),
                unit=indicator.unit,
                target=value.target,
                actual=actual,
                reached=row.reached,
            )
        )


def _round(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def computed_actuals(
    wanted: dict[str, set[int]], school_year: SchoolYear
) -> dict[tuple[str, int], Decimal | None]:
    """{(Computed key, programme id): value} for the keys and programmes in
    `wanted`: one or two grouped queries per key, whatever the number of
    programmes. The same values as `monitoring.indicators.computed_value`
    (tests/municipal/test_dashboard_rollup.py holds them together)."""
    result = {}
    year = (school_year.starts_on, school_year.ends_on)
    for key, programme_ids in wanted.items():
        ids = sorted(programme_ids)
        compute = _BULK.get(key)
        if compute is None:
            continue
        for programme_id, value in compute(ids, school_year, year).items():
            result[(key, programme_id)] = value
    return result


def _mentees_per_programme(ids, school_year, people: Q) -> dict[int, int]:
    """Distinct participants (matching `people`, through mentee__participant__)
    of the programme's organisation, mentees in a pair of it in the year."""
    lines = (
        PairMentee.objects.filter(
            _membership_in_year(school_year),
            people,
            belongs_in_year(school_year, "mentee__participant__"),
            pair__programme__in=ids,
            mentee__participant__organisation=F("pair__programme__organisation"),
        )
        .values("pair__programme")
        .annotate(count=Count("mentee__participant", distinct=True))
        .order_by()
    )
    return {line["pair__programme"]: line["count"] for line in lines}


def _people_per_programme(ids, school_year, people: Q) -> dict[int, int]:
    """Participants matching `people` who belong to the programme's
    organisation in the year, per programme."""
    programmes = dict(
        Programme.objects.filter(pk__in=ids).values_list("pk", "organisation")
    )
    lines = (
        Participant.objects.filter(
            people,
            belongs_in_year(school_year),
            organisation__in=set(programmes.values()),
        )
        .values("organisation")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    counts = {line["organisation"]: line["count"] for line in lines}
    return {pk: counts.get(organisation, 0) for pk, organisation in programmes.items()}


_PUPIL = Q(kind__in=[Participant.Kind.PUPIL, Participant.Kind.STUDENT])
_YOUNG_TEACHER = Q(kind=Participant.Kind.TEACHER) & (
    Q(experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS)
    | Q(mentee_profile__categories__code=YOUNG_SPECIALIST_CATEGORY)
)


def _prefixed(condition: Q, prefix: str) -> Q:
    """`condition` with every lookup behind `prefix`."""
    result = Q()
    result.connector, result.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            result.children.append(_prefixed(child, prefix))
        else:
            result.children.append((f"{prefix}{child[0]}", child[1]))
    return result


def _bulk_share(people: Q):
    def compute(ids, school_year, year):
        involved = _mentees_per_programme(
            ids, school_year, _prefixed(people, "mentee__participant__")
        )
        totals_ = _people_per_programme(ids, school_year, people)
        return {pk: share(involved.get(pk, 0), totals_[pk]) for pk in totals_}

    return compute


def _bulk_pairs(ids, school_year, year):
    lines = dict(
        Pair.objects.filter(programme__in=ids, start_on__range=year)
        .values_list("programme")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {pk: Decimal(lines.get(pk, 0)) for pk in ids}


def _closed(ids, year) -> dict[int, dict]:
    lines = (
        Pair.objects.filter(
            programme__in=ids,
            status__in=[Pair.Status.COMPLETED, Pair.Status.TERMINATED],
            ended_on__range=year,
        )
        .values("programme")
        .annotate(
            closed=Count("pk"),
            completed=Count("pk", filter=Q(status=Pair.Status.COMPLETED)),
            terminated=Count("pk", filter=Q(status=Pair.Status.TERMINATED)),
        )
        .order_by()
    )
    return {line["programme"]: line for line in lines}


def _bulk_closed_share(part: str):
    def compute(ids, school_year, year):
        lines = _closed(ids, year)
        empty = {"closed": 0, part: 0}
        return {
            pk: share(lines.get(pk, empty)[part], lines.get(pk, empty)["closed"])
            for pk in ids
        }

    return compute


def _bulk_satisfaction(ids, school_year, year):
    lines = dict(
        Feedback.objects.filter(
            Q(meeting__held_on__range=year)
            | Q(meeting__isnull=True, created_at__date__range=year),
            pair__programme__in=ids,
            role__in=[Feedback.Role.MENTOR, Feedback.Role.MENTEE],
        )
        .values_list("pair__programme")
        .annotate(mean=Avg("rating"))
        .order_by()
    )
    return {pk: _round(lines.get(pk)) for pk in ids}


def _bulk_meetings_per_pair(ids, school_year, year):
    pairs = dict(
        Pair.objects.filter(pair_in_year(school_year), programme__in=ids)
        .values_list("programme")
        .annotate(count=Count("pk"))
        .order_by()
    )
    meetings = dict(
        Meeting.objects.filter(
            pair_in_year(school_year, "pair__"),
            pair__programme__in=ids,
            held_on__range=year,
        )
        .values_list("pair__programme")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    return {
        pk: _round(Decimal(meetings.get(pk, 0)) / pairs[pk]) if pairs.get(pk) else None
        for pk in ids
    }


def _bulk_mentors(ids, school_year, year):
    mentors = defaultdict(set)
    for programme_id, mentor_id, co_mentor_id in Pair.objects.filter(
        pair_in_year(school_year), programme__in=ids
    ).values_list("programme", "mentor", "co_mentor"):
        mentors[programme_id].add(mentor_id)
        if co_mentor_id:
            mentors[programme_id].add(co_mentor_id)
    return {pk: Decimal(len(mentors[pk])) for pk in ids}


_BULK = {
    Computed.PUPILS_SHARE: _bulk_share(_PUPIL),
    Computed.YOUNG_TEACHERS_SHARE: _bulk_share(_YOUNG_TEACHER),
    Computed.PAIRS: _bulk_pairs,
    Computed.COMPLETED_SHARE: _bulk_closed_share("completed"),
    Computed.TERMINATED_SHARE: _bulk_closed_share("terminated"),
    Computed.SATISFACTION: _bulk_satisfaction,
    Computed.MEETINGS_PER_PAIR: _bulk_meetings_per_pair,
    Computed.MENTORS: _bulk_mentors,
}


__all__ = [
    "FormRow",
    "IndicatorFigure",
    "OrganisationFigures",
    "Totals",
    "masked",
    "masked_sort_key",
    "total_sort_key",
    "with_masked_part",
    "computed_actuals",
    "organisation_rows",
    "share",
    "totals",
]
