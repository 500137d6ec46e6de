"""Stage 2: entry/exit values turned into dynamics — per participant, pair, role
variant and form, with the share who improved (direction-aware: for тревожность lower
is better). The page of the dynamics in detail and the SWOT draft code against
`Change`, `Group`, `Dynamics` and `programme_dynamics()`, the monitoring page and
the report against `Summary` and `programme_summary()`; keep their names and fields.

`programme_dynamics()` reads every measurement of the programme in one query, with
its participant and pair, and keeps a `Change` per participant × pair × parameter:
what the page in detail lists. `programme_summary()` gives the groups alone (by
parameter, role variant and form), counted by the database in one query: at the
size of a district (12 000 measurements of a school) it builds a few dozen objects
instead of a hundred thousand. Neither costs more queries with more pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import (
    Count,
    DecimalField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils.translation import gettext, ngettext

from mentoring.models import MentoringForm, RoleVariant
from monitoring.models import Measurement, Parameter
from pairs.models import mentees_prefetch

IMPROVED, WORSE, SAME, NO_ENTRY, NO_EXIT = (
    "improved",
    "worse",
    "same",
    "no_entry",
    "no_exit",
)
CENT = Decimal("0.01")


def better(parameter, before: Decimal, after: Decimal) -> str:
    """IMPROVED, WORSE or SAME for a move from `before` to `after` of `parameter`."""
    if after == before:
        return SAME
    went_up = after > before
    lower_is_better = getattr(parameter, "direction", "higher") == "lower"
    return IMPROVED if went_up != lower_is_better else WORSE


@dataclass
class Change:
    """One participant × pair × parameter."""

    participant: object  # people.Participant
    pair: object  # pairs.Pair
    parameter: object  # monitoring.Parameter
    entry: Decimal | None
    exit: Decimal | None
    # Added by the measurements helper (defaults keep the contract's constructor).
    entry_on: object = None  # date of the entry value
    exit_on: object = None
    entry_year_id: int | None = None  # school years of the two values
    exit_year_id: int | None = None

    @property
    def delta(self) -> Decimal | None:
        if self.entry is None or self.exit is None:
            return None
        return self.exit - self.entry

    @property
    def status(self) -> str:
        """ "improved", "worse", "same", "no_entry" (exit without entry: reported),
        "no_exit" (still in progress)."""
        if self.entry is None:
            return NO_ENTRY
        if self.exit is None:
            return NO_EXIT
        return better(self.parameter, self.entry, self.exit)

    @property
    def is_complete(self) -> bool:
        return self.entry is not None and self.exit is not None


@dataclass
class Group:
    """Complete changes (entry and exit) of one parameter within a group of
    participants (a pair, a role variant, a form, the whole programme)."""

    label: str
    parameter: object
    count: int = 0
    improved: int = 0
    worse: int = 0
    mean_entry: Decimal | None = None
    mean_exit: Decimal | None = None
    # Added: the pair, role variant or form grouped on (None for the programme).
    subject: object = None

    @property
    def same(self) -> int:
        return self.count - self.improved - self.worse

    @property
    def share_improved(self) -> int | None:
        """Whole percent of `count` who improved; None when count is 0."""
        if not self.count:
            return None
        return int(
            (Decimal(self.improved) * 100 / self.count).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )

    @property
    def trend(self) -> str | None:
        """How the mean moved, direction-aware: "improved", "worse", "same"."""
        if self.mean_entry is None or self.mean_exit is None:
            return None
        return better(self.parameter, self.mean_entry, self.mean_exit)

    @property
    def went_up(self) -> bool | None:
        if self.mean_entry is None or self.mean_exit is None:
            return None
        if self.mean_exit == self.mean_entry:
            return None
        return self.mean_exit > self.mean_entry


@dataclass
class Dynamics:
    changes: list[Change] = field(default_factory=list)
    by_parameter: list[Group] = field(default_factory=list)
    by_pair: list[Group] = field(default_factory=list)
    by_role_variant: list[Group] = field(default_factory=list)
    by_form: list[Group] = field(default_factory=list)

    @property
    def missing_entry(self) -> list[Change]:
        """Exit values without an entry value: shown as a warning, never dropped."""
        return [c for c in self.changes if c.status == "no_entry"]

    @property
    def parameters(self) -> list:
        seen = {}
        for change in self.changes:
            seen.setdefault(change.parameter.pk, change.parameter)
        return list(seen.values())

    def role_variant_matrix(self) -> tuple[list, list[dict]]:
        return role_variant_matrix(self.by_parameter, self.by_role_variant)

    def for_parameter(self, parameter) -> dict:
        """Everything the page shows for one parameter."""
        pk = parameter.pk

        def of(groups):
            return [g for g in groups if g.parameter.pk == pk]

        overall = of(self.by_parameter)
        by_role_variant = of(self.by_role_variant)
        return {
            "parameter": parameter,
            "overall": overall[0] if overall else None,
            "by_role_variant": by_role_variant,
            "by_form": of(self.by_form),
            "by_pair": of(self.by_pair),
            "changes": [c for c in self.changes if c.parameter.pk == pk],
            "best": best_sentence(parameter, by_role_variant),
        }


def role_variant_matrix(
    by_parameter: list[Group], by_role_variant: list[Group]
) -> tuple[list, list[dict]]:
    """Role variants (rows) × parameters (columns), each cell the variant's
    Group for the parameter, each row with the share improved over all its
    complete changes; the rows in the order of that share, best first — the
    seeds' question «which way of forming pairs works best» at a glance."""
    parameters = [g.parameter for g in by_parameter if g.count]
    cells: dict[tuple, Group] = {}
    variants: dict = {}
    for group in by_role_variant:
        variants.setdefault(group.subject.pk, group.subject)
        cells[(group.subject.pk, group.parameter.pk)] = group
    rows = []
    for pk, variant in variants.items():
        groups = [cells.get((pk, parameter.pk)) for parameter in parameters]
        count = sum(g.count for g in groups if g)
        if not count:
            continue
        improved = sum(g.improved for g in groups if g)
        rows.append(
            {
                "variant": variant,
                "groups": groups,
                "count": count,
                "improved": improved,
                "share": round(improved * 100 / count) if count else None,
            }
        )
    rows.sort(key=lambda row: -1 if row["share"] is None else -row["share"])
    return parameters, rows


def mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def summarise(label: str, parameter, changes: list[Change], subject=None) -> Group:
    complete = [c for c in changes if c.is_complete]
    return Group(
        label=label,
        parameter=parameter,
        count=len(complete),
        improved=sum(1 for c in complete if c.status == IMPROVED),
        worse=sum(1 for c in complete if c.status == WORSE),
        mean_entry=mean([c.entry for c in complete]),
        mean_exit=mean([c.exit for c in complete]),
        subject=subject,
    )


def group_by(changes: list[Change], key) -> list[Group]:
    """Groups per parameter × key(change) → (sort key, label, subject); the order
    is parameter order, then the key's own order."""
    buckets: dict = {}
    for change in changes:
        sort_key, label, subject = key(change)
        bucket = buckets.setdefault(
            (change.parameter.pk, getattr(subject, "pk", None)),
            (change.parameter, sort_key, label, subject, []),
        )
        bucket[4].append(change)
    ordered = sorted(
        buckets.values(), key=lambda b: (b[0].order, b[0].name, b[1], b[2])
    )
    return [
        summarise(label, parameter, items, subject)
        for parameter, _sort, label, subject, items in ordered
    ]


def programme_measurements(programme, *, hide_tier=False):
    """The measurements of the programme's pairs; `hide_tier`: without the pairs
    of the social-risk form."""
    measurements = Measurement.objects.filter(pair__programme=programme)
    if hide_tier:
        measurements = measurements.exclude(pair__form__is_social_risk=True)
    return measurements.order_by()


def of_year(entry_year_id, exit_year_id, school_year) -> bool:
    """A change belongs to the year of its exit value — its entry may have been
    measured a year before (a pair that began in the spring) — or, while it has
    no exit yet, to the year of its entry."""
    return (exit_year_id or entry_year_id) == school_year.pk


def change_order(change: Change) -> tuple:
    return (
        change.parameter.order,
        change.parameter.name,
        str(change.pair),
        change.pair.pk,
        change.participant.search_text,
        change.participant.pk,
    )


def programme_dynamics(
    programme, school_year=None, *, hide_tier=False, pair=None
) -> Dynamics:
    """All measurements of the programme's pairs (or of one `pair`); with a school
    year, the changes of that year: exit measured in it (the entry may be of the
    year before), or only an entry measured in it. `hide_tier`: without the pairs
    of the social-risk form."""
    from monitoring.models import Measurement

    measurements = Measurement.objects.filter(pair__programme=programme)
    if pair is not None:
        measurements = measurements.filter(pair=pair)
    if hide_tier:
        measurements = measurements.exclude(pair__form__is_social_risk=True)
    measurements = measurements.select_related(
        "participant",
        "parameter",
        "pair__form",
        "pair__role_variant",
        "pair__mentor__participant",
    ).prefetch_related(mentees_prefetch("pair__memberships"))
    by_key: dict[tuple, Change] = {}
    for m in measurements:
        change = by_key.get((m.participant_id, m.pair_id, m.parameter_id))
        if change is None:
            change = Change(m.participant, m.pair, m.parameter, None, None)
            by_key[(m.participant_id, m.pair_id, m.parameter_id)] = change
        if m.moment == Measurement.Moment.ENTRY:
            change.entry, change.entry_on = m.value, m.measured_on
            change.entry_year_id = m.school_year_id
        else:
            change.exit, change.exit_on = m.value, m.measured_on
            change.exit_year_id = m.school_year_id
    if school_year is not None:
        by_key = {
            key: change
            for key, change in by_key.items()
            if of_year(change.entry_year_id, change.exit_year_id, school_year)
        }
    changes = sorted(by_key.values(), key=change_order)
    return Dynamics(
        changes=changes,
        by_parameter=group_by(changes, lambda c: (0, str(c.parameter), None)),
        by_pair=group_by(changes, lambda c: (c.pair.pk, str(c.pair), c.pair)),
        by_role_variant=group_by(
            changes,
            lambda c: (
                (c.pair.form.order, c.pair.role_variant.order),
                str(c.pair.role_variant),
                c.pair.role_variant,
            ),
        ),
        by_form=group_by(
            changes, lambda c: (c.pair.form.order, str(c.pair.form), c.pair.form)
        ),
    )


@dataclass
class Summary:
    """The groups of `Dynamics` without its changes — by parameter, role variant
    and form, the same figures in the same order — and the exit values without an
    entry value: counted, and read with their pairs only when listed."""

    by_parameter: list[Group] = field(default_factory=list)
    by_role_variant: list[Group] = field(default_factory=list)
    by_form: list[Group] = field(default_factory=list)
    missing_entry_count: int = 0
    missing_entry_values: QuerySet | None = None  # of Measurement (exit values)

    @cached_property
    def missing_entry(self) -> list[Change]:
        """`Dynamics.missing_entry`, in its order: one query (none when there are
        none), and one for the mentees of their pairs' names."""
        if not self.missing_entry_count:
            return []
        measurements = self.missing_entry_values.select_related(
            "participant",
            "parameter",
            "pair__form",
            "pair__role_variant",
            "pair__mentor__participant",
        ).prefetch_related(mentees_prefetch("pair__memberships"))
        changes = [
            Change(
                m.participant,
                m.pair,
                m.parameter,
                None,
                m.value,
                exit_on=m.measured_on,
                exit_year_id=m.school_year_id,
            )
            for m in measurements
        ]
        return sorted(changes, key=change_order)

    def role_variant_matrix(self) -> tuple[list, list[dict]]:
        return role_variant_matrix(self.by_parameter, self.by_role_variant)


@dataclass
class _Tally:
    """What `summarise` counts, added up over rows of the database's counts."""

    count: int = 0
    improved: int = 0
    worse: int = 0
    entries: Decimal = Decimal(0)  # the sum of the entry values counted
    exits: Decimal = Decimal(0)

    def add(self, row: dict) -> None:
        self.count += row["count"]
        self.improved += row["improved"]
        self.worse += row["worse"]
        self.entries += row["entries"] or 0
        self.exits += row["exits"] or 0

    def group(self, label: str, parameter, subject=None) -> Group:
        def mean_of(total: Decimal) -> Decimal | None:
            if not self.count:
                return None
            return (total / self.count).quantize(CENT, ROUND_HALF_UP)

        return Group(
            label=label,
            parameter=parameter,
            count=self.count,
            improved=self.improved,
            worse=self.worse,
            mean_entry=mean_of(self.entries),
            mean_exit=mean_of(self.exits),
            subject=subject,
        )


# The catalogue rows a group is of, under the names of their ids in the query of
# the counts: each column a subquery, read once per group, so that the database
# groups by three ids, not by every column of three tables (four times faster on
# SQLite than selecting the columns through joins).
CATALOGUES = (
    (Parameter, "parameter"),
    (MentoringForm, "form"),
    (RoleVariant, "variant"),
)
# A sum of values: more digits than one value has (SQLite sums in floating point;
# the converter rounds the sum back to the cents it is made of).
TOTAL = DecimalField(max_digits=20, decimal_places=2)


def _same_change(moment: str) -> FilteredRelation:
    """The value of `moment` of the same participant, pair and parameter."""
    return FilteredRelation(
        "pair__measurements",
        condition=Q(
            pair__measurements__participant=F("participant"),
            pair__measurements__parameter=F("parameter"),
            pair__measurements__moment=moment,
        ),
    )


def _catalogue_columns(model, key: str) -> dict:
    """Every column of the row of `model` that `key` points to, each a subquery
    named `<model>_<column>`."""
    row = model.objects.filter(pk=OuterRef(key)).order_by()
    return {
        f"{model._meta.model_name}_{f.attname}": Subquery(row.values(f.attname))
        for f in model._meta.concrete_fields
    }


def _catalogue_row(model, row: dict, db: str, found: dict):
    """The instance of `model` made of `row`'s columns (`_catalogue_columns`),
    one per primary key in `found`."""
    fields, name = model._meta.concrete_fields, model._meta.model_name
    key = (model, row[f"{name}_id"])
    if key not in found:
        found[key] = model.from_db(
            db,
            [f.attname for f in fields],
            [row[f"{name}_{f.attname}"] for f in fields],
        )
    return found[key]


def programme_summary(programme, school_year=None, *, hide_tier=False) -> Summary:
    """`programme_dynamics()`'s groups by parameter, role variant and form, for the
    monitoring page and the report, counted by the database: a row per parameter ×
    form × role variant, with the three, in one query whatever the number of
    pairs and measurements."""
    # A change is its exit value, else its entry value (so that row's school year
    # is the change's: `of_year`); each row is joined to both values of its change.
    changes = (
        programme_measurements(programme, hide_tier=hide_tier)
        .alias(
            entry_of=_same_change(Measurement.Moment.ENTRY),
            exit_of=_same_change(Measurement.Moment.EXIT),
        )
        .filter(Q(moment=Measurement.Moment.EXIT) | Q(exit_of__isnull=True))
    )
    if school_year is not None:
        changes = changes.filter(school_year=school_year)
    entry, exit = F("entry_of__value"), F("exit_of__value")
    complete = Q(entry_of__isnull=False, exit_of__isnull=False)
    up, down = Q(exit_of__value__gt=entry), Q(exit_of__value__lt=entry)
    lower = Q(parameter__direction=Parameter.Direction.LOWER)
    columns = {}
    for model, key in CATALOGUES:
        columns.update(_catalogue_columns(model, key))
    rows = (
        # The ids named without «__»: Django takes an outer reference with «__»
        # for a join to many rows and would group by the subquery itself.
        changes.values(
            "parameter", form=F("pair__form"), variant=F("pair__role_variant")
        )
        .annotate(
            count=Count("pk", filter=complete),
            improved=Count("pk", filter=(up & ~lower) | (down & lower)),
            worse=Count("pk", filter=(down & ~lower) | (up & lower)),
            entries=Sum(entry, filter=complete, output_field=TOTAL),
            exits=Sum(exit, filter=complete, output_field=TOTAL),
            missing=Count("pk", filter=Q(entry_of__isnull=True)),
        )
        .annotate(**columns)  # after the counts: not grouped by
        .order_by()
    )

    found: dict = {}
    overall: dict[int, tuple] = {}
    by_variant: dict[tuple, tuple] = {}
    by_form: dict[tuple, tuple] = {}
    missing = 0
    for row in rows:
        parameter, form, variant = (
            _catalogue_row(model, row, rows.db, found) for model, _key in CATALOGUES
        )
        for groups, key, order, subject in (
            (overall, parameter.pk, 0, None),
            (
                by_variant,
                (parameter.pk, variant.pk),
                (form.order, variant.order),
                variant,
            ),
            (by_form, (parameter.pk, form.pk), form.order, form),
        ):
            if key not in groups:
                groups[key] = (order, parameter, subject, _Tally())
            groups[key][3].add(row)
        missing += row["missing"]

    def ordered(groups: dict) -> list[Group]:
        """`group_by`'s order: parameter, then the subject's own order and label;
        ties of equal orders and names, which `group_by` leaves to the names of
        the pairs, by primary key."""
        made = [
            (order, tally.group(str(subject or parameter), parameter, subject))
            for order, parameter, subject, tally in groups.values()
        ]
        made.sort(
            key=lambda item: (
                item[1].parameter.order,
                item[1].parameter.name,
                item[0],
                item[1].label,
                item[1].parameter.pk,
                getattr(item[1].subject, "pk", 0),
            )
        )
        return [group for _order, group in made]

    return Summary(
        by_parameter=ordered(overall),
        by_role_variant=ordered(by_variant),
        by_form=ordered(by_form),
        missing_entry_count=missing,
        missing_entry_values=changes.filter(entry_of__isnull=True),
    )


def best_role_variants(groups: list[Group]) -> tuple[list[Group], int] | None:
    """The role variants with the highest share improved, when at least two have
    complete data (one variant alone answers nothing about «which works best»)."""
    with_data = [g for g in groups if g.count]
    if len(with_data) < 2:
        return None
    top = max(g.share_improved for g in with_data)
    return [g for g in with_data if g.share_improved == top], top


def best_sentence(parameter, groups: list[Group]) -> str:
    """«Лучшая динамика по параметру «Вовлеченность» — у варианта «…» (улучшились
    80 % участников)», the answer to the seeds' question for one parameter."""
    best = best_role_variants(groups)
    if best is None:
        return ""
    winners, share = best
    names = ", ".join(f"«{g.label}»" for g in winners)
    return ngettext(
        "The best dynamics of «%(parameter)s» is in the role variant %(names)s "
        "(%(share)s %% of participants improved).",
        "The best dynamics of «%(parameter)s» is in the role variants %(names)s "
        "(%(share)s %% of participants improved).",
        len(winners),
    ) % {"parameter": parameter.name, "names": names, "share": share}


def no_variant_sentence() -> str:
    return gettext(
        "At least two role variants with entry and exit values are needed to "
        "compare them."
    )
