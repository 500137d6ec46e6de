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

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from mentoring.models import MentoringForm, Municipality, Organisation, SchoolYear
from monitoring.indicators import NATIONAL_PUPILS_TARGET, indicator_rows
from monitoring.models import Campaign, Invitation, Swot
from pairs.models import Meeting, Pair, PairMentee
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
    filled only by `organisation_indicators` (the organisation's page)."""

    organisation: Organisation | None = None
    curators: list[str] = field(default_factory=list)
    swot_done: bool = False
    indicators: list[IndicatorFigure] = field(default_factory=list)

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
    many of them have their SWOT of the year."""

    organisations: int = 0
    swot_done: int = 0


def _form_order(form: MentoringForm) -> tuple:
    return (form.order, form.name)


def totals(rows: list[OrganisationFigures]) -> Totals:
    """The sums over `rows`: every count is the sum of the rows' counts, every
    share is recomputed from the summed numerator and denominator."""
    result = Totals(organisations=len(rows))
    for row in rows:
        result.add(row)
        result.swot_done += int(row.swot_done)
    return result


def _pair_in_year(school_year: SchoolYear, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_on__lte": school_year.ends_on}) & (
        Q(**{f"{prefix}ended_on__isnull": True})
        | Q(**{f"{prefix}ended_on__gte": school_year.starts_on})
    )


def _membership_in_year(school_year: SchoolYear) -> Q:
    return (
        _pair_in_year(school_year, "pair__")
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
    just `only`, if given), in name order, for `school_year`. Ten queries,
    whatever the number of organisations, pairs or people."""
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
    return list(rows.values())


def _add_people(rows, ids, school_year) -> None:
    in_year = _membership_in_year(school_year)
    as_mentee = PairMentee.objects.filter(
        in_year,
        mentee__participant=OuterRef("pk"),
        pair__programme__organisation=OuterRef("organisation"),
    )
    as_mentor = Pair.objects.filter(_pair_in_year(school_year)).filter(
        Q(mentor__participant=OuterRef("pk")) | Q(co_mentor__participant=OuterRef("pk"))
    )
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
            is_mentor=Exists(as_mentor),
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
        Pair.objects.filter(_pair_in_year(school_year), programme__organisation__in=ids)
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


def organisation_indicators(
    organisation: Organisation, school_year: SchoolYear
) -> list[IndicatorFigure]:
    """The target indicators with a target for the year of the organisation's
    programmes that run in the year (for one organisation's page: a few queries
    per programme, `monitoring.indicators.indicator_rows`)."""
    programmes = organisation.programmes.filter(
        starts_on__lte=school_year.ends_on, ends_on__gte=school_year.starts_on
    ).order_by("starts_on", "pk")
    figures = []
    for programme in programmes:
        for row in indicator_rows(programme, school_year):
            if row.target is None:
                continue
            figures.append(
                IndicatorFigure(
                    programme=programme.title,
                    name=str(row.indicator.name),
                    unit=row.indicator.unit,
                    target=row.target,
                    actual=row.actual,
                    reached=row.reached,
                )
            )
    return figures


def pairs_by_form_chart_bars(figures: Figures) -> list[tuple[str, int | None]]:
    """(label, value) of the chart of pairs by form: a masked form's bar has no
    value (drawn as «нет данных») so that its length tells nothing."""
    bars = []
    for row in figures.form_rows():
        value = row.count if isinstance(row.count, int) else None
        bars.append((row.form.name, value))
    return bars


__all__ = [
    "FormRow",
    "IndicatorFigure",
    "OrganisationFigures",
    "Totals",
    "masked",
    "masked_sort_key",
    "total_sort_key",
    "with_masked_part",
    "organisation_indicators",
    "organisation_rows",
    "share",
    "totals",
]
