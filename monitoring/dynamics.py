"""Stage 2: entry/exit values turned into dynamics — per participant, pair, role
variant and form, with the share who improved (direction-aware: for тревожность lower
is better). The monitoring page and the report code against `Change`, `Group`,
`Dynamics` and `programme_dynamics()`; keep their names and fields.

One query reads every measurement of the programme with what the groups need; the
grouping is done in Python, so the cost does not grow with the number of pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, ngettext

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
        """Role variants (rows) × parameters (columns), each cell the variant's
        Group for the parameter, each row with the share improved over all its
        complete changes; the rows in the order of that share, best first — the
        seeds' question «which way of forming pairs works best» at a glance."""
        parameters = [g.parameter for g in self.by_parameter if g.count]
        cells: dict[tuple, Group] = {}
        variants: dict = {}
        for group in self.by_role_variant:
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


def programme_dynamics(programme, school_year=None, *, hide_tier=False) -> Dynamics:
    """All measurements of the programme's pairs; with a school year, the changes of
    that year: exit measured in it (the entry may be of the year before), or only an
    entry measured in it. `hide_tier`: without the pairs of the social-risk form."""
    from monitoring.models import Measurement

    measurements = Measurement.objects.filter(pair__programme=programme)
    if hide_tier:
        measurements = measurements.exclude(pair__form__is_social_risk=True)
    measurements = measurements.select_related(
        "participant",
        "parameter",
        "pair__form",
        "pair__role_variant",
        "pair__mentor__participant",
    ).order_by()
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
        # A change belongs to the year of its exit value — its entry may have been
        # measured a year before (a pair that began in the spring) — or, while it
        # has no exit yet, to the year of its entry.
        by_key = {
            key: change
            for key, change in by_key.items()
            if (change.exit_year_id or change.entry_year_id) == school_year.pk
        }
    changes = sorted(
        by_key.values(),
        key=lambda c: (
            c.parameter.order,
            c.parameter.name,
            str(c.pair),
            c.pair.pk,
            c.participant.search_text,
            c.participant.pk,
        ),
    )
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
