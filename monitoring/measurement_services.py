"""Entry and exit values of stage 2: who is measured on a parameter, reading a
typed value, and saving many values at once (the grid, the Excel import).

Who is measured («audience» of the parameter):
- mentees: the mentees of the programme's pairs;
- teachers: mentees and mentors (co-mentors included) whose participant kind is
  «teacher»;
- all: mentees, mentors and co-mentors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy

from mentoring.models import SchoolYear
from monitoring.models import Measurement, Parameter
from pairs.models import Pair, PairMentee
from people.models import Participant

MENTEE, MENTOR, CO_MENTOR = "mentee", "mentor", "co_mentor"
ROLE_LABELS = {
    MENTEE: pgettext_lazy("role in a pair", "mentee"),
    MENTOR: pgettext_lazy("role in a pair", "mentor"),
    CO_MENTOR: pgettext_lazy("role in a pair", "co-mentor"),
}


@dataclass
class Slot:
    """A participant of a pair who may get a value of a parameter."""

    participant: Participant
    pair: Pair
    role: str

    @property
    def key(self) -> str:
        return f"{self.participant.pk}_{self.pair.pk}"

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


def fits(parameter: Parameter, participant: Participant, role: str) -> bool:
    if parameter.audience == Parameter.Audience.MENTEES:
        return role == MENTEE
    if parameter.audience == Parameter.Audience.TEACHERS:
        return participant.kind == Participant.Kind.TEACHER
    return True


def programme_pairs(
    programme, *, form=None, role_variant=None, pair=None, hide_tier=False
):
    """`hide_tier`: without the pairs of the social-risk form (for a user who may
    not see the tier)."""
    pairs = (
        Pair.objects.filter(programme=programme)
        .select_related(
            "form", "role_variant", "mentor__participant", "co_mentor__participant"
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=PairMentee.objects.select_related("mentee__participant"),
            )
        )
        .order_by("form__order", "role_variant__order", "pk")
    )
    if form is not None:
        pairs = pairs.filter(form=form)
    if role_variant is not None:
        pairs = pairs.filter(role_variant=role_variant)
    if pair is not None:
        pairs = pairs.filter(pk=pair.pk)
    if hide_tier:
        pairs = pairs.exclude(form__is_social_risk=True)
    return pairs


def pair_people(pair: Pair) -> list[tuple[Participant, str]]:
    people = [(m.mentee.participant, MENTEE) for m in pair.memberships.all()]
    people.sort(key=lambda item: item[0].search_text)
    people.append((pair.mentor.participant, MENTOR))
    if pair.co_mentor_id:
        people.append((pair.co_mentor.participant, CO_MENTOR))
    return people


def programme_slots(
    programme, parameter: Parameter | None = None, **filters
) -> list[Slot]:
    """Everyone measured on `parameter` (everyone when None) in the programme's
    pairs, pair by pair: mentees first, then the mentor. Two queries."""
    slots = []
    for pair in programme_pairs(programme, **filters):
        for participant, role in pair_people(pair):
            if parameter is None or fits(parameter, participant, role):
                slots.append(Slot(participant=participant, pair=pair, role=role))
    return slots


def existing_values(slots: list[Slot], parameter: Parameter) -> dict:
    """{(participant_id, pair_id, moment): Measurement} for the slots. One query."""
    if not slots:
        return {}
    pair_ids = {slot.pair.pk for slot in slots}
    participant_ids = {slot.participant.pk for slot in slots}
    found = Measurement.objects.filter(
        parameter=parameter, pair_id__in=pair_ids, participant_id__in=participant_ids
    )
    return {(m.participant_id, m.pair_id, m.moment): m for m in found}


def show_value(value: Decimal | None) -> str:
    """4.50 → «4,5» (Russian comma, no trailing zeros)."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return number_format(Decimal(text)) if "." in text else text


def parse_value(text, parameter: Parameter) -> Decimal:
    """A typed or imported value: «4,5» and «4.5» are the same; out of the
    parameter's scale or not a number is refused with a message for the user."""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        raw = str(text)
    else:
        raw = str(text or "").strip().replace("\u00a0", "").replace(" ", "")
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            gettext("«%(value)s» is not a number; write it like 4 or 4,5.")
            % {"value": str(text).strip()[:40]},
            code="not_a_number",
        )
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise ValidationError(
            gettext("At most two digits after the comma."), code="precision"
        )
    value = value.quantize(Decimal("0.01"))
    if not parameter.scale_min <= value <= parameter.scale_max:
        raise ValidationError(
            gettext("%(value)s is outside the scale of «%(name)s»: %(min)s–%(max)s.")
            % {
                "value": show_value(value),
                "name": parameter.name,
                "min": show_value(parameter.scale_min),
                "max": show_value(parameter.scale_max),
            },
            code="out_of_scale",
        )
    return value


@dataclass
class Entry:
    """One value to write: `value` None with `clear` removes the stored value."""

    participant: Participant
    pair: Pair
    parameter: Parameter
    moment: str
    value: Decimal | None = None
    measured_on: date | None = None
    clear: bool = False


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0

    @property
    def saved(self) -> int:
        return self.created + self.updated


@transaction.atomic
def measurements_record(
    *, entries: list[Entry], by, source: str = Measurement.Source.GRID
) -> Written:
    """Write the values all at once (or none): new ones created, changed ones
    updated (date, source and author follow the new value), unchanged ones left
    alone, cleared ones deleted. A constant number of queries for any number of
    rows."""
    written = Written()
    if not entries:
        return written
    errors = []
    for entry in entries:
        if entry.moment not in Measurement.Moment.values:
            errors.append(gettext("Unknown moment «%s».") % entry.moment)
        if entry.clear:
            continue
        if entry.value is None or entry.measured_on is None:
            errors.append(gettext("A value and its date are required."))
            continue
        try:
            parse_value(entry.value, entry.parameter)
        except ValidationError as error:
            errors.append(f"{entry.participant}: {error.messages[0]}")
    if errors:
        raise ValidationError(errors)

    keys = {(e.participant.pk, e.pair.pk, e.parameter.pk, e.moment) for e in entries}
    if len(keys) != len(entries):
        raise ValidationError(
            gettext("The same person has two values of one parameter and moment."),
            code="repeated",
        )
    existing = {
        (m.participant_id, m.pair_id, m.parameter_id, m.moment): m
        for m in Measurement.objects.filter(
            pair_id__in={e.pair.pk for e in entries},
            participant_id__in={e.participant.pk for e in entries},
            parameter_id__in={e.parameter.pk for e in entries},
        )
    }
    years: dict[tuple, SchoolYear] = {}
    to_create, to_update, to_delete = [], [], []
    for entry in entries:
        key = (entry.participant.pk, entry.pair.pk, entry.parameter.pk, entry.moment)
        current = existing.get(key)
        if entry.clear:
            if current is not None:
                to_delete.append(current.pk)
            continue
        bounds = SchoolYear.bounds_for(entry.measured_on)
        if bounds not in years:
            years[bounds] = SchoolYear.for_date(entry.measured_on)
        year = years[bounds]
        if current is not None:
            if current.value == entry.value:
                written.unchanged += 1
                continue
            current.value = entry.value
            current.measured_on = entry.measured_on
            current.school_year = year
            current.recorded_by = by
            current.source = source
            check(current)
            to_update.append(current)
            continue
        measurement = Measurement(
            participant=entry.participant,
            pair=entry.pair,
            parameter=entry.parameter,
            moment=entry.moment,
            value=entry.value,
            measured_on=entry.measured_on,
            school_year=year,
            recorded_by=by,
            source=source,
        )
        check(measurement)
        to_create.append(measurement)
    if to_delete:
        Measurement.objects.filter(pk__in=to_delete).delete()
    if to_update:
        Measurement.objects.bulk_update(
            to_update,
            ["value", "measured_on", "school_year", "recorded_by", "source"],
            batch_size=500,
        )
    if to_create:
        Measurement.objects.bulk_create(to_create, batch_size=500)
    written.created, written.updated = len(to_create), len(to_update)
    written.cleared = len(to_delete)
    return written


def check(measurement: Measurement) -> None:
    """Field checks without a query per row (the keys were checked above, the
    unique constraint is the database's)."""
    measurement.full_clean(
        exclude=["participant", "pair", "parameter", "school_year", "recorded_by"],
        validate_unique=False,
        validate_constraints=False,
    )


@dataclass
class Cell:
    """One value of a pair's card: a person, a parameter and a moment."""

    participant: Participant
    role: str
    parameter: Parameter
    moment: str
    current: Measurement | None

    @property
    def key(self) -> str:
        return f"v_{self.participant.pk}_{self.parameter.pk}_{self.moment}"


def pair_cells(pair: Pair, parameters: list[Parameter]) -> list[Cell]:
    """Every value the pair's card holds: for each active parameter, each person
    it measures, entry and exit, with what is stored. One query (the pair comes
    with its people, as `programme_pairs` fetches it)."""
    stored = {
        (m.participant_id, m.parameter_id, m.moment): m
        for m in Measurement.objects.filter(pair=pair)
    }
    cells = []
    for parameter in parameters:
        for participant, role in pair_people(pair):
            if not fits(parameter, participant, role):
                continue
            for moment in Measurement.Moment.values:
                cells.append(
                    Cell(
                        participant=participant,
                        role=role,
                        parameter=parameter,
                        moment=moment,
                        current=stored.get((participant.pk, parameter.pk, moment)),
                    )
                )
    return cells
