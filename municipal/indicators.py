"""The municipality's indicators: the list (a default one to start from), targets by
school year, organisations' values of the reported ones, the roll-up of a year and
its frozen copy sent to the region.

How an indicator rolls up (`indicator_rollup`; the roll-up page says it in a note):

- counts (чел., ед.) are summed over the organisations; «mentors working in pairs»
  counts each mentor once in the municipality (a mentor of the bank who works in
  two organisations' pairs is one person);
- shares (%) the portal computes are recomputed from their numerators and
  denominators — pupils in pairs ÷ all pupils of the municipality, young teachers
  with a mentor ÷ all young teachers, pairs completed (terminated early) ÷ pairs
  closed in the year — and so are the portal's means: the mean satisfaction is the
  mean of every rating given in the municipality, meetings per pair are all
  meetings ÷ all pairs that worked in the year;
- a reported share (%) is the mean of the organisations that typed a value.

An organisation's computed value follows the rules of monitoring/indicators.py
(see there) applied to all of its programmes at once: a pupil in pairs of two of
its programmes counts once, as a person does. For an organisation with one
programme it is exactly `computed_value(programme, year, key)`, the figure of the
programme's own monitoring page. Each computed indicator costs one query for the
whole municipality, whatever the number of organisations.

Aggregates only: nothing here reads a person's name or data; the counts are of
pairs, pupils, teachers, mentors, meetings and ratings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.exports import document_date
from mentoring.lib.grammar import organisation_genitive
from mentoring.models import Municipality, Organisation, SchoolYear
from monitoring.indicators import (
    LOWER_IS_BETTER,
    YOUNG_SPECIALIST_CATEGORY,
    YOUNG_SPECIALIST_MAX_YEARS,
    belongs_in_year,
    pair_in_year,
)
from monitoring.models import Computed, Unit
from municipal import checklist, rollup
from municipal.models import (
    MunicipalIndicator,
    MunicipalTarget,
    OrganisationIndicatorValue,
    RollupSnapshot,
)
from pairs.models import Feedback, Pair
from people.models import Participant

SOURCE_PORTAL = "Считаются порталом по парам, встречам и отзывам организаций"
SOURCE_CONCEPT = (
    "Концепция развития наставничества в Российской Федерации до 2030 года; "
    "региональный перечень показателей"
)

# The default list: the portal's П.1–П.8 (worded as the «portal-computed» template
# of fixtures/indicator_templates.json) and indicators the organisations report,
# worded as seeds 001 and 004 word theirs. (number, name, unit, computed, source)
DEFAULT_SET = [
    (
        "П.1",
        "Доля обучающихся, вовлечённых в наставничество в роли наставляемого",
        Unit.PERCENT,
        Computed.PUPILS_SHARE,
        SOURCE_PORTAL,
    ),
    (
        "П.2",
        "Доля молодых педагогов (стаж 0–3 года), у которых есть наставник",
        Unit.PERCENT,
        Computed.YOUNG_TEACHERS_SHARE,
        SOURCE_PORTAL,
    ),
    (
        "П.3",
        "Сформировано пар и групп наставничества за учебный год",
        Unit.PIECES,
        Computed.PAIRS,
        SOURCE_PORTAL,
    ),
    (
        "П.4",
        "Доля пар, успешно завершивших программу, среди закрытых за учебный год",
        Unit.PERCENT,
        Computed.COMPLETED_SHARE,
        SOURCE_PORTAL,
    ),
    (
        "П.5",
        "Доля пар, прекративших работу досрочно, среди закрытых за учебный год",
        Unit.PERCENT,
        Computed.TERMINATED_SHARE,
        SOURCE_PORTAL,
    ),
    (
        "П.6",
        "Средняя удовлетворённость участников (оценка от 1 до 5)",
        Unit.PIECES,
        Computed.SATISFACTION,
        SOURCE_PORTAL,
    ),
    (
        "П.7",
        "Встреч на одну пару за учебный год",
        Unit.PIECES,
        Computed.MEETINGS_PER_PAIR,
        SOURCE_PORTAL,
    ),
    (
        "П.8",
        "Наставников, работающих в парах и группах",
        Unit.PEOPLE,
        Computed.MENTORS,
        SOURCE_PORTAL,
    ),
    (
        "М.1",
        "Количество наставников, прошедших обучение по дополнительным "
        "профессиональным программам «Наставничество педагогических работников "
        "в образовательных организациях»",
        Unit.PEOPLE,
        "",
        SOURCE_CONCEPT,
    ),
    (
        "М.2",
        "Участие в профессиональных наставнических мероприятиях, программах обмена "
        "опытом и лучшими наставническими практиками",
        Unit.PIECES,
        "",
        SOURCE_CONCEPT,
    ),
    (
        "М.3",
        "Количество педагогов, планирующих стать наставниками и наставляемыми в "
        "ближайшем будущем",
        Unit.PEOPLE,
        "",
        SOURCE_CONCEPT,
    ),
    (
        "М.4",
        "Успешное прохождение молодыми (начинающими) специалистами процедур "
        "аттестации на соответствие занимаемой должности / на квалификационную "
        "категорию",
        Unit.PERCENT,
        "",
        SOURCE_CONCEPT,
    ),
]
# Targets the default list starts with, for the current school year: the national
# 70 % of pupils in mentoring and a mentor for every young teacher.
DEFAULT_TARGETS = {"П.1": Decimal(70), "П.2": Decimal(100)}

# How each indicator rolls up (see the module's docstring).
SUM, SHARE, MEAN, RATIO, DISTINCT = "sum", "share", "mean", "ratio", "distinct"
COMPUTED_RULES = {
    Computed.PUPILS_SHARE: SHARE,
    Computed.YOUNG_TEACHERS_SHARE: SHARE,
    Computed.PAIRS: SUM,
    Computed.COMPLETED_SHARE: SHARE,
    Computed.TERMINATED_SHARE: SHARE,
    Computed.SATISFACTION: RATIO,
    Computed.MEETINGS_PER_PAIR: RATIO,
    Computed.MENTORS: DISTINCT,
}
RULE_NOTES = {
    SUM: _("sum over the organisations"),
    SHARE: _("recomputed from the organisations' numerators and denominators"),
    MEAN: _("mean of the organisations that entered a value"),
    RATIO: _("recomputed from all the municipality's data"),
    DISTINCT: _("each person counted once"),
}


def rule_of(indicator: MunicipalIndicator) -> str:
    if indicator.computed:
        return COMPUTED_RULES[Computed(indicator.computed)]
    return MEAN if indicator.unit == Unit.PERCENT else SUM


def _round(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- The list of indicators ------------------------------------------------------


def _check_number(municipality, number: str, exclude_pk=None) -> None:
    if not number:
        return
    clash = MunicipalIndicator.objects.filter(municipality=municipality, number=number)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"number": _("The municipality already has an indicator with this number.")}
        )


def _check_computed(municipality, computed: str, unit: str, exclude_pk=None) -> None:
    if not computed:
        return
    clash = MunicipalIndicator.objects.filter(
        municipality=municipality, computed=computed
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"computed": _("The list already has an indicator computed this way.")}
        )
    shares = {k for k, rule in COMPUTED_RULES.items() if rule == SHARE}
    if (computed in shares) != (unit == Unit.PERCENT):
        raise ValidationError(
            {"unit": _("The unit does not match the value the portal computes.")}
        )


@transaction.atomic
def indicator_set_create_default(*, municipality: Municipality, by=None) -> list:
    """The default list for a municipality that has none: П.1–П.8 computed by the
    portal and four the organisations report; П.1 (70 %) and П.2 (100 %) get a
    target for the current school year. `by` is the coordinator who asked."""
    if MunicipalIndicator.objects.filter(municipality=municipality).exists():
        raise ValidationError(
            _("The municipality already has indicators: add them one by one.")
        )
    created = []
    for order, (number, name, unit, computed, source) in enumerate(DEFAULT_SET):
        indicator = MunicipalIndicator(
            municipality=municipality,
            number=number,
            order=(order + 1) * 10,
            name=name,
            unit=unit,
            computed=computed,
            source=source,
        )
        indicator.full_clean()
        indicator.save()
        created.append(indicator)
    year = SchoolYear.for_date(timezone.localdate())
    for indicator in created:
        if indicator.number in DEFAULT_TARGETS:
            MunicipalTarget.objects.create(
                indicator=indicator,
                school_year=year,
                target=DEFAULT_TARGETS[indicator.number],
            )
    return created


@transaction.atomic
def municipal_indicator_create(
    *,
    municipality: Municipality,
    name: str,
    unit: str,
    number: str = "",
    computed: str = "",
    source: str = "",
) -> MunicipalIndicator:
    """A new indicator at the end of the list."""
    _check_number(municipality, number)
    _check_computed(municipality, computed, unit)
    last = MunicipalIndicator.objects.filter(municipality=municipality).aggregate(
        last=Max("order")
    )["last"]
    indicator = MunicipalIndicator(
        municipality=municipality,
        number=number,
        order=(last or 0) + 10,
        name=name,
        unit=unit,
        computed=computed,
        source=source,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def municipal_indicator_update(
    *,
    indicator: MunicipalIndicator,
    name: str,
    unit: str,
    number: str = "",
    computed: str = "",
    source: str = "",
) -> MunicipalIndicator:
    """Change an indicator. It cannot turn from reported into computed (or change
    its unit) once organisations have typed values: they would be silently lost
    or misread; a new indicator is made instead."""
    municipality = indicator.municipality
    _check_number(municipality, number, exclude_pk=indicator.pk)
    _check_computed(municipality, computed, unit, exclude_pk=indicator.pk)
    if (computed != indicator.computed or unit != indicator.unit) and (
        indicator.values.exists()
    ):
        raise ValidationError(
            _(
                "Organisations have entered values of this indicator: its unit and "
                "how it is computed can no longer change. Deactivate it and add a "
                "new one."
            )
        )
    indicator.number, indicator.name, indicator.unit = number, name, unit
    indicator.computed, indicator.source = computed, source
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def municipal_indicator_set_active(
    *, indicator: MunicipalIndicator, is_active: bool
) -> MunicipalIndicator:
    """Deactivate an indicator (it leaves the roll-up and the organisations' form;
    its targets and values are kept, and sent roll-ups keep it) or use it again."""
    indicator.is_active = is_active
    indicator.save(update_fields=["is_active"])
    return indicator


@transaction.atomic
def municipal_indicator_move(
    *, indicator: MunicipalIndicator, up: bool
) -> MunicipalIndicator:
    """Swap the indicator with its neighbour above (or below) in the list; the
    list's order is renumbered 10, 20, … on the way."""
    indicators = list(
        MunicipalIndicator.objects.select_for_update()
        .filter(municipality=indicator.municipality)
        .order_by("order", "pk")
    )
    index = next(i for i, item in enumerate(indicators) if item.pk == indicator.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(indicators):
        indicators[index], indicators[other] = indicators[other], indicators[index]
    for position, item in enumerate(indicators):
        item.order = (position + 1) * 10
    MunicipalIndicator.objects.bulk_update(indicators, ["order"])
    indicator.refresh_from_db(fields=["order"])
    return indicator


def value_errors(unit: str, value: Decimal | None) -> list[str]:
    """Why a target or value cannot be stored (empty when it can): no negative
    values, a percentage at most 100."""
    if value is None:
        return []
    if value < 0:
        return [gettext("The value cannot be negative.")]
    if unit == Unit.PERCENT and value > 100:
        return [gettext("A percentage cannot be above 100.")]
    return []


@transaction.atomic
def municipal_targets_set(
    *,
    municipality: Municipality,
    school_year: SchoolYear,
    targets: dict[int, Decimal | None],
) -> int:
    """The targets of the year, indicator pk → target, all or nothing; an empty
    target removes that year's. Errors are keyed by the indicator's pk. Returns
    the number of targets stored."""
    indicators = {
        i.pk: i
        for i in MunicipalIndicator.objects.filter(
            municipality=municipality, pk__in=targets
        )
    }
    if len(indicators) != len(targets):
        raise ValidationError(_("An indicator of another municipality was sent."))
    errors = {
        str(pk): messages
        for pk, value in targets.items()
        if (messages := value_errors(indicators[pk].unit, value))
    }
    if errors:
        raise ValidationError(errors)
    stored = 0
    for pk, value in targets.items():
        if value is None:
            MunicipalTarget.objects.filter(
                indicator_id=pk, school_year=school_year
            ).delete()
            continue
        MunicipalTarget.objects.update_or_create(
            indicator=indicators[pk],
            school_year=school_year,
            defaults={"target": value},
        )
        stored += 1
    return stored


def reported_indicators(organisation: Organisation):
    """The indicators of the organisation's municipality that it types itself."""
    return MunicipalIndicator.objects.filter(
        municipality_id=organisation.municipality_id, is_active=True, computed=""
    ).order_by("order", "pk")


@transaction.atomic
def organisation_indicator_value_set(
    *,
    organisation: Organisation,
    indicator: MunicipalIndicator,
    school_year: SchoolYear,
    value: Decimal | None,
    by=None,
) -> OrganisationIndicatorValue | None:
    """The organisation's value of a reported indicator for the year; None removes
    it. Counts (чел., ед.) are whole numbers, shares 0–100."""
    if indicator.municipality_id != organisation.municipality_id:
        raise ValidationError(_("This indicator belongs to another municipality."))
    if indicator.computed:
        raise ValidationError(
            _("The portal computes this indicator: it is not typed in.")
        )
    if not indicator.is_active:
        raise ValidationError(_("This indicator is no longer in use."))
    existing = OrganisationIndicatorValue.objects.filter(
        indicator=indicator, organisation=organisation, school_year=school_year
    ).first()
    if value is None:
        if existing is not None:
            existing.delete()
        return None
    messages = value_errors(indicator.unit, value)
    if not messages and indicator.unit != Unit.PERCENT and value != int(value):
        messages = [gettext("A count is a whole number.")]
    if messages:
        raise ValidationError({"value": messages})
    row = existing or OrganisationIndicatorValue(
        indicator=indicator, organisation=organisation, school_year=school_year
    )
    row.value, row.entered_by = value, by
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def organisation_indicator_values_set(
    *,
    organisation: Organisation,
    school_year: SchoolYear,
    values: dict[int, Decimal | None],
    by=None,
) -> int:
    """Several values at once (indicator pk → value), all or nothing; errors keyed
    by the indicator's pk. Returns the number of values stored."""
    indicators = {
        i.pk: i for i in reported_indicators(organisation).filter(pk__in=values)
    }
    if len(indicators) != len(values):
        raise ValidationError(
            _("An indicator the organisation does not report was sent.")
        )
    errors, stored = {}, 0
    for pk, value in values.items():
        try:
            row = organisation_indicator_value_set(
                organisation=organisation,
                indicator=indicators[pk],
                school_year=school_year,
                value=value,
                by=by,
            )
        except ValidationError as error:
            errors[str(pk)] = error.messages
        else:
            stored += row is not None
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    return stored


# --- Computed values per organisation, one query per indicator ------------------


@dataclass
class Parts:
    """A value and what it is made of: `part` ÷ `whole` (× 100 for a share); a
    count has no whole; `people` is the set counted once («mentors»)."""

    part: Decimal = Decimal(0)
    whole: Decimal | None = None
    percent: bool = False
    people: set = field(default_factory=set)

    def value(self) -> Decimal | None:
        if self.whole is None:
            return Decimal(len(self.people)) if self.people else self.part
        if not self.whole:
            return None
        scale = 100 if self.percent else 1
        return _round(self.part * scale / self.whole)

    def __add__(self, other: Parts) -> Parts:
        return Parts(
            part=self.part + other.part,
            whole=None
            if self.whole is None and other.whole is None
            else (self.whole or 0) + (other.whole or 0),
            percent=self.percent or other.percent,
            people=self.people | other.people,
        )


def _mentee_of_own_pair(school_year) -> Q:
    """A Participant who is a mentee in a pair of one of their organisation's
    programmes, the pair and the membership overlapping the year."""
    prefix = "mentee_profile__pair_memberships__"
    return (
        Q(**{f"{prefix}pair__programme__organisation": F("organisation")})
        & pair_in_year(school_year, f"{prefix}pair__")
        & Q(**{f"{prefix}joined_on__lte": school_year.ends_on})
        & (
            Q(**{f"{prefix}left_on__isnull": True})
            | Q(**{f"{prefix}left_on__gte": school_year.starts_on})
        )
    )


def _people_share(people, school_year) -> dict[int, Parts]:
    rows = (
        people.filter(belongs_in_year(school_year))
        .values("organisation")
        .annotate(
            whole=Count("pk", distinct=True),
            part=Count("pk", filter=_mentee_of_own_pair(school_year), distinct=True),
        )
        .order_by()
    )
    return {
        row["organisation"]: Parts(
            Decimal(row["part"]), Decimal(row["whole"]), percent=True
        )
        for row in rows
    }


def _pupils_share(organisations, school_year):
    return _people_share(
        Participant.objects.filter(
            organisation__in=organisations,
            kind__in=[Participant.Kind.PUPIL, Participant.Kind.STUDENT],
        ),
        school_year,
    )


def _young_teachers_share(organisations, school_year):
    return _people_share(
        Participant.objects.filter(
            organisation__in=organisations, kind=Participant.Kind.TEACHER
        ).filter(
            Q(experience_years__lte=YOUNG_SPECIALIST_MAX_YEARS)
            | Q(mentee_profile__categories__code=YOUNG_SPECIALIST_CATEGORY)
        ),
        school_year,
    )


def _pairs(organisations, school_year):
    rows = (
        Pair.objects.filter(
            programme__organisation__in=organisations,
            start_on__range=(school_year.starts_on, school_year.ends_on),
        )
        .values("programme__organisation")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        row["programme__organisation"]: Parts(Decimal(row["count"])) for row in rows
    }


def _closed_share(status):
    def compute(organisations, school_year):
        rows = (
            Pair.objects.filter(
                programme__organisation__in=organisations,
                status__in=[Pair.Status.COMPLETED, Pair.Status.TERMINATED],
                ended_on__range=(school_year.starts_on, school_year.ends_on),
            )
            .values("programme__organisation")
            .annotate(whole=Count("pk"), part=Count("pk", filter=Q(status=status)))
            .order_by()
        )
        return {
            row["programme__organisation"]: Parts(
                Decimal(row["part"]), Decimal(row["whole"]), percent=True
            )
            for row in rows
        }

    return compute


def _satisfaction(organisations, school_year):
    year = (school_year.starts_on, school_year.ends_on)
    rows = (
        Feedback.objects.filter(
            Q(meeting__held_on__range=year)
            | Q(meeting__isnull=True, created_at__date__range=year),
            pair__programme__organisation__in=organisations,
            role__in=[Feedback.Role.MENTOR, Feedback.Role.MENTEE],
        )
        .values("pair__programme__organisation")
        .annotate(part=Sum("rating"), whole=Count("pk"))
        .order_by()
    )
    return {
        row["pair__programme__organisation"]: Parts(
            Decimal(row["part"]), Decimal(row["whole"])
        )
        for row in rows
    }


def _meetings_per_pair(organisations, school_year):
    rows = (
        Pair.objects.filter(
            pair_in_year(school_year), programme__organisation__in=organisations
        )
        .values("programme__organisation")
        .annotate(
            whole=Count("pk", distinct=True),
            part=Count(
                "meetings",
                filter=Q(
                    meetings__held_on__range=(
                        school_year.starts_on,
                        school_year.ends_on,
                    )
                ),
                distinct=True,
            ),
        )
        .order_by()
    )
    return {
        row["programme__organisation"]: Parts(
            Decimal(row["part"]), Decimal(row["whole"])
        )
        for row in rows
    }


def _mentors(organisations, school_year):
    people = defaultdict(set)
    for organisation, mentor, co_mentor in Pair.objects.filter(
        pair_in_year(school_year), programme__organisation__in=organisations
    ).values_list("programme__organisation", "mentor_id", "co_mentor_id"):
        people[organisation].add(mentor)
        if co_mentor:
            people[organisation].add(co_mentor)
    return {org: Parts(people=ids) for org, ids in people.items()}


COMPUTERS = {
    Computed.PUPILS_SHARE: _pupils_share,
    Computed.YOUNG_TEACHERS_SHARE: _young_teachers_share,
    Computed.PAIRS: _pairs,
    Computed.COMPLETED_SHARE: _closed_share(Pair.Status.COMPLETED),
    Computed.TERMINATED_SHARE: _closed_share(Pair.Status.TERMINATED),
    Computed.SATISFACTION: _satisfaction,
    Computed.MEETINGS_PER_PAIR: _meetings_per_pair,
    Computed.MENTORS: _mentors,
}
# What an organisation without any row has: no pairs, no mentors (zero is a fact);
# a share or a mean without a denominator has no value.
EMPTY = {
    Computed.PAIRS: lambda: Parts(),
    Computed.MENTORS: lambda: Parts(),
}


def organisation_parts(key: str, organisations, school_year) -> dict[int, Parts]:
    """organisation pk → Parts of a computed indicator, for every organisation."""
    key = Computed(key)
    found = COMPUTERS[key](organisations, school_year)
    empty = EMPTY.get(key, lambda: Parts(whole=Decimal(0)))
    return {o.pk: found.get(o.pk) or empty() for o in organisations}


# --- The roll-up -------------------------------------------------------------------


@dataclass
class RollupRow:
    indicator: MunicipalIndicator
    rule: str
    target: Decimal | None
    value: Decimal | None  # the municipality's
    values: list[Decimal | None]  # each organisation's, in the roll-up's order

    @property
    def reached(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        if self.indicator.computed in LOWER_IS_BETTER:
            return self.value <= self.target
        return self.value >= self.target


@dataclass
class Rollup:
    municipality: Municipality
    school_year: SchoolYear
    organisations: list[Organisation]
    rows: list[RollupRow]


def municipality_organisations(municipality) -> list[Organisation]:
    return list(
        Organisation.objects.filter(municipality=municipality).order_by(
            "short_name", "pk"
        )
    )


def indicator_rollup(municipality: Municipality, school_year: SchoolYear) -> Rollup:
    """Every active indicator of the municipality in its order, with the year's
    target, the municipality's value and each organisation's (the rules are in
    the module's docstring). A fixed number of queries: one per computed
    indicator, plus three."""
    organisations = municipality_organisations(municipality)
    indicators = list(
        MunicipalIndicator.objects.filter(
            municipality=municipality, is_active=True
        ).order_by("order", "pk")
    )
    targets = dict(
        MunicipalTarget.objects.filter(
            indicator__in=indicators, school_year=school_year
        ).values_list("indicator_id", "target")
    )
    typed = defaultdict(dict)
    for (
        indicator_id,
        organisation_id,
        value,
    ) in OrganisationIndicatorValue.objects.filter(
        indicator__in=indicators, school_year=school_year
    ).values_list("indicator_id", "organisation_id", "value"):
        typed[indicator_id][organisation_id] = value
    rows = []
    for indicator in indicators:
        rule = rule_of(indicator)
        if indicator.computed:
            parts = organisation_parts(indicator.computed, organisations, school_year)
            values = [parts[o.pk].value() for o in organisations]
            total = Parts() if rule in (SUM, DISTINCT) else Parts(whole=Decimal(0))
            for o in organisations:
                total = total + parts[o.pk]
            value = total.value()
        else:
            values = [typed[indicator.pk].get(o.pk) for o in organisations]
            present = [v for v in values if v is not None]
            if not present:
                value = None
            elif rule == MEAN:
                value = _round(sum(present) / len(present))
            else:
                value = sum(present)
        rows.append(
            RollupRow(
                indicator=indicator,
                rule=rule,
                target=targets.get(indicator.pk),
                value=value,
                values=values,
            )
        )
    return Rollup(municipality, school_year, organisations, rows)


def as_number(value: Decimal | None) -> int | float | None:
    """A figure for JSON and spreadsheets: a whole number as an int, else a float
    (values are rounded to 0.1 already)."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def rollup_data(rollup: Rollup) -> dict:
    """The roll-up as plain data (JSON): what the pages, the report and a frozen
    snapshot show."""
    return {
        "organisations": [o.short_name for o in rollup.organisations],
        "indicators": [
            {
                "number": row.indicator.number,
                "name": row.indicator.name,
                "unit": row.indicator.unit,
                "computed": bool(row.indicator.computed),
                "rule": row.rule,
                "rule_note": str(RULE_NOTES[row.rule]),
                "target": as_number(row.target),
                "value": as_number(row.value),
                "reached": row.reached,
                "values": [as_number(v) for v in row.values],
            }
            for row in rollup.rows
        ],
    }


def snapshot_title(municipality, school_year, day: date) -> str:
    """«Сводка Змеиногорского района за 2025/2026 учебный год, отправлена
    4 декабря 2026 г.»"""
    return gettext(
        "Summary of %(municipality)s for the %(year)s school year, sent on %(date)s"
    ) % {
        "municipality": organisation_genitive(municipality.name),
        "year": school_year.title,
        "date": document_date(day),
    }


# --- The municipal report and its frozen copy ------------------------------------

# The roll-up table of the report: (key in the data, header). Pairs read
# «12 + менее 5» when a few social-risk pairs are among them (rollup.masked).
ORGANISATION_COLUMNS = [
    ("pupils", _("Pupils")),
    ("pupils_involved", _("of them mentees")),
    ("pupils_share", _("Share of pupils, %")),
    ("teachers", _("Teachers")),
    ("teachers_involved", _("of them in mentoring")),
    ("teachers_share", _("Share of teachers, %")),
    ("pairs", _("Pairs and groups in the year")),
    ("pairs_formed", _("of them formed in the year")),
    ("stale_pairs", _("Pairs without meetings too long")),
    ("meetings_recent", _("Meetings in 30 days")),
    ("campaigns", _("Questionnaire campaigns")),
    ("response_rate", _("Questionnaires answered, %")),
    ("indicators", _("Programme indicators reached")),
]


def _figures(figures, *, organisations: int | None = None) -> dict:
    data = {
        "pupils": figures.pupils,
        "pupils_involved": figures.pupils_involved,
        "pupils_share": as_number(figures.pupils_share),
        "teachers": figures.teachers,
        "teachers_involved": figures.teachers_involved,
        "teachers_share": as_number(figures.teachers_share),
        "pairs": figures.pairs_shown,
        "pairs_formed": figures.pairs_formed_shown,
        "stale_pairs": figures.stale_pairs_shown,
        "meetings_recent": figures.meetings_recent,
        "campaigns": figures.campaigns,
        "response_rate": as_number(figures.response_rate),
        "indicators": gettext("%(reached)s of %(total)s")
        % {
            "reached": figures.indicators_reached,
            "total": figures.indicators_with_target,
        },
    }
    if organisations is not None:
        data["organisations"] = organisations
    return data


def report_data(
    municipality: Municipality, school_year: SchoolYear, *, today: date | None = None
) -> dict:
    """Everything the municipal report prints, as plain data (JSON): the roll-up
    of the organisations with its totals (municipal/rollup.py), the checklist's
    state per organisation (municipal/checklist.py) and the indicators against
    their targets. A submitted roll-up stores exactly this, so its report is
    printed from the stored data alone. Aggregates only: no person is named."""
    today = today or timezone.localdate()
    rows = rollup.organisation_rows(municipality, school_year, today=today)
    checklist_rows = checklist.checklist_rows([row.organisation for row in rows], today)
    item_totals = checklist.checklist_totals(checklist_rows)
    return {
        "municipality": municipality.name,
        "region": municipality.region,
        "school_year": school_year.title,
        "prepared_on": today.isoformat(),
        "columns": [[key, str(label)] for key, label in ORGANISATION_COLUMNS],
        "organisations": [
            {"name": row.name, "kind": str(row.kind_display), **_figures(row)}
            for row in rows
        ],
        "totals": _figures(rollup.totals(rows), organisations=len(rows)),
        "checklist": {
            "items": [str(total.label) for total in item_totals],
            "deadlines": [
                total.deadline.isoformat() if total.deadline else None
                for total in item_totals
            ],
            "rows": [
                {
                    "name": row.organisation.short_name,
                    "cells": [
                        {"state": cell.state, "overdue": cell.overdue}
                        for cell in row.cells
                    ],
                    "accepted": row.accepted,
                    "overdue": row.overdue,
                }
                for row in checklist_rows
            ],
            "totals": [
                {
                    "accepted": total.accepted,
                    "awaiting": total.awaiting,
                    "returned": total.returned,
                    "missing": total.missing,
                    "overdue": total.overdue,
                }
                for total in item_totals
            ],
        },
        "indicators": rollup_data(indicator_rollup(municipality, school_year)),
    }


@transaction.atomic
def rollup_snapshot_create(
    *, municipality: Municipality, school_year: SchoolYear, by=None
) -> RollupSnapshot:
    """Freeze the year's report as sent to the region today: its figures are
    copied into the snapshot, so later edits of values, targets or indicators
    never change what was sent."""
    today = timezone.localdate()
    data = report_data(municipality, school_year, today=today)
    data["submitted_on"] = today.isoformat()
    snapshot = RollupSnapshot(
        municipality=municipality,
        school_year=school_year,
        title=snapshot_title(municipality, school_year, today),
        data=data,
        submitted_by=by,
    )
    snapshot.full_clean()
    snapshot.save()
    return snapshot


# --- Showing the data ---------------------------------------------------------------


def shown(value) -> str:
    """A figure of the data as printed: «—» for none, «45,5», «12», or the text
    the data holds («12 + менее 5»)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


STATE_LABELS = {
    "accepted": _("accepted"),
    "submitted": _("awaiting review"),
    "returned": _("returned for correction"),
    "missing": _("not submitted"),
}


def report_view(data: dict) -> dict:
    """The data laid out for a page or a document: rows of printed cells."""
    keys = [key for key, _label in data["columns"]]
    indicators = data["indicators"]
    checklist_data = data["checklist"]
    return {
        "municipality": data["municipality"],
        "region": data.get("region", ""),
        "school_year": data["school_year"],
        "prepared_on": date.fromisoformat(data["prepared_on"]),
        "submitted_on": date.fromisoformat(data["submitted_on"])
        if data.get("submitted_on")
        else None,
        "columns": [label for _key, label in data["columns"]],
        "organisations": [
            {"name": row["name"], "cells": [shown(row[key]) for key in keys]}
            for row in data["organisations"]
        ],
        "totals": [shown(data["totals"][key]) for key in keys],
        "organisation_count": data["totals"]["organisations"],
        "checklist": {
            "items": checklist_data["items"],
            "deadlines": [
                date.fromisoformat(day) if day else None
                for day in checklist_data["deadlines"]
            ],
            "rows": [
                {
                    "name": row["name"],
                    "cells": [
                        {
                            "label": str(STATE_LABELS[cell["state"]]),
                            "state": cell["state"],
                            "overdue": cell["overdue"],
                        }
                        for cell in row["cells"]
                    ],
                    "accepted": row["accepted"],
                    "overdue": row["overdue"],
                }
                for row in checklist_data["rows"]
            ],
            "totals": checklist_data["totals"],
        },
        "indicator_organisations": indicators["organisations"],
        "indicators": indicators_shown(indicators),
    }


def indicators_shown(indicators: dict) -> list[dict]:
    """The indicators of `rollup_data` with their figures as printed."""
    return [
        {
            **row,
            "target_shown": shown(row["target"]),
            "value_shown": shown(row["value"]),
            "values_shown": [shown(v) for v in row["values"]],
        }
        for row in indicators["indicators"]
    ]
