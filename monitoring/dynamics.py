"""Stage 2: entry/exit values turned into dynamics — per participant, pair, role
variant and form, with the share who improved (direction-aware: for тревожность lower
is better). IMPLEMENTED BY THE MEASUREMENTS HELPER; the signatures below are the
contract the monitoring page and the report code against."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Change:
    """One participant × pair × parameter."""

    participant: object  # people.Participant
    pair: object  # pairs.Pair
    parameter: object  # monitoring.Parameter
    entry: Decimal | None
    exit: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        raise NotImplementedError

    @property
    def status(self) -> str:
        """ "improved", "worse", "same", "no_entry" (exit without entry: reported),
        "no_exit" (still in progress)."""
        raise NotImplementedError


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

    @property
    def share_improved(self) -> int | None:
        """Whole percent of `count` who improved; None when count is 0."""
        raise NotImplementedError


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


def programme_dynamics(programme, school_year=None) -> Dynamics:
    """All measurements of the programme's pairs (in the school year when given)."""
    raise NotImplementedError
