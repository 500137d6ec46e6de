"""Writes of a programme's target indicators: fill them from a template, add, edit
and delete one, and save the values of a school year in one go.

Refusals are `ValidationError`s with translated messages; a refusal changes nothing.
Who may call them (head, deputy, curator of the programme's organisation) is checked
by the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from mentoring.models import Programme, SchoolYear
from monitoring.models import (
    Indicator,
    IndicatorTemplate,
    IndicatorValue,
    Unit,
)

VALUE_FIELDS = ("baseline", "target", "actual")


def value_errors(unit: str, value: Decimal | None) -> list[str]:
    """Why a baseline, target or actual cannot be stored (empty when it can): no
    negative values, and a percentage is at most 100."""
    if value is None:
        return []
    if value < 0:
        return [_("The value cannot be negative.")]
    if unit == Unit.PERCENT and value > 100:
        return [_("A percentage cannot be above 100.")]
    return []


@transaction.atomic
def indicators_from_template(
    *,
    programme: Programme,
    template: IndicatorTemplate,
    school_year: SchoolYear | None = None,
) -> list[Indicator]:
    """The template's rows added to the programme's indicators, after those it has;
    a row whose number the programme already uses is skipped (so filling twice adds
    nothing). A row's target, when the template gives one, becomes the target of
    `school_year`."""
    existing = set(programme.indicators.values_list("number", flat=True))
    offset = programme.indicators.aggregate(last=Max("order"))["last"] or 0
    rows = [
        row
        for row in template.items.order_by("order", "pk")
        if row.number not in existing
    ]
    if not rows:
        raise ValidationError(
            {
                "template": _(
                    "The programme already has every indicator of this template."
                )
            }
        )
    indicators = []
    for row in rows:
        indicator = Indicator(
            programme=programme,
            group=row.group,
            number=row.number,
            order=offset + row.order,
            name=row.name,
            unit=row.unit,
            computed=row.computed,
        )
        indicator.full_clean(exclude=["programme"])
        indicators.append(indicator)
    created = Indicator.objects.bulk_create(indicators)
    if school_year is not None:
        targets = {row.number: row.target for row in rows if row.target is not None}
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                school_year=school_year,
                target=targets[indicator.number],
            )
            for indicator in created
            if indicator.number in targets
        )
    return created


def _check_number(programme: Programme, number: str, exclude_pk=None) -> None:
    if not number:
        return
    clash = programme.indicators.filter(number=number)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"number": _("The programme already has an indicator with this number.")}
        )


@transaction.atomic
def indicator_create(
    *,
    programme: Programme,
    group: str = "",
    number: str = "",
    name: str,
    unit: str,
    computed: str = "",
    order: int | None = None,
) -> Indicator:
    """A new indicator, at the end of the list unless an order is given."""
    _check_number(programme, number)
    if order is None:
        last = programme.indicators.aggregate(last=Max("order"))["last"] or 0
        order = last + 10
    indicator = Indicator(
        programme=programme,
        group=group,
        number=number,
        order=order,
        name=name,
        unit=unit,
        computed=computed,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    group: str = "",
    number: str = "",
    name: str,
    unit: str,
    computed: str = "",
    order: int | None = None,
) -> Indicator:
    _check_number(indicator.programme, number, exclude_pk=indicator.pk)
    indicator.group, indicator.number, indicator.name = group, number, name
    indicator.unit, indicator.computed = unit, computed
    if order is not None:
        indicator.order = order
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator) -> int:
    """Delete the indicator with its values of every year; the number of values
    deleted with it."""
    values = indicator.values.count()
    indicator.delete()
    return values


@dataclass
class ValueInput:
    """What the grid sends for one indicator of the year."""

    indicator: Indicator
    baseline: Decimal | None = None
    target: Decimal | None = None
    actual: Decimal | None = None
    comment: str = ""

    @property
    def is_empty(self) -> bool:
        return (
            all(getattr(self, name) is None for name in VALUE_FIELDS)
            and not self.comment.strip()
        )


@transaction.atomic
def indicator_values_save(
    *,
    programme: Programme,
    school_year: SchoolYear,
    rows: list[ValueInput],
) -> int:
    """Store the baseline, target, actual and comment of each row for the year, all
    or nothing. The actual of a computed indicator is the portal's, so a typed one
    is not stored. A row left empty removes that year's values. Errors are keyed
    `"<indicator pk>-<field>"`, so the grid shows them on their row. Returns the
    number of rows stored."""
    errors: dict[str, list] = {}
    for row in rows:
        if row.indicator.programme_id != programme.pk:
            raise ValidationError(_("An indicator of another programme was sent."))
        if row.indicator.computed:
            row.actual = None
        for name in VALUE_FIELDS:
            messages = value_errors(row.indicator.unit, getattr(row, name))
            if messages:
                errors[f"{row.indicator.pk}-{name}"] = messages
    if errors:
        raise ValidationError(errors)
    existing = {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(
            indicator__in=[row.indicator for row in rows], school_year=school_year
        )
    }
    stored = 0
    for row in rows:
        value = existing.get(row.indicator.pk)
        if row.is_empty:
            if value is not None:
                value.delete()
            continue
        if value is None:
            value = IndicatorValue(indicator=row.indicator, school_year=school_year)
        value.baseline, value.target, value.actual = (
            row.baseline,
            row.target,
            row.actual,
        )
        value.comment = row.comment.strip()
        value.full_clean(exclude=["indicator", "school_year"], validate_unique=False)
        value.save()
        stored += 1
    return stored
