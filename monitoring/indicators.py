"""Target indicators: typed values and the ones the portal computes from its own data.
IMPLEMENTED BY THE INDICATORS HELPER; the signatures below are the contract the
monitoring page and the report code against."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

NATIONAL_PUPILS_TARGET = Decimal(70)  # % of pupils in mentoring, the national target


@dataclass
class IndicatorRow:
    indicator: object  # monitoring.Indicator
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None  # computed for a computed indicator, typed otherwise
    is_computed: bool

    @property
    def reached(self) -> bool | None:
        """actual ≥ target (None when either is missing)."""
        raise NotImplementedError


def computed_value(programme, school_year, key: str) -> Decimal | None:
    """The value of a computed indicator (monitoring.models.Computed) for the year."""
    raise NotImplementedError


def indicator_rows(programme, school_year) -> list[IndicatorRow]:
    """Every indicator of the programme with its values of the year, in order."""
    raise NotImplementedError


def pairs_per_form(programme, school_year) -> list[tuple[object, int]]:
    """(MentoringForm, number of pairs formed in the year) for each form the
    programme runs, zeros included."""
    raise NotImplementedError
