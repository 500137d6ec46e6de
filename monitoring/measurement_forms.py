"""Forms of the measurement pages: what the grid shows (GET), the grid itself
(one value field and one «clear» box per row, one date), the Excel upload, and
the dynamics filter."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.models import MentoringForm, Programme, RoleVariant, SchoolYear
from monitoring.measurement_services import (
    Cell,
    Entry,
    Slot,
    parse_value,
    show_value,
)
from monitoring.models import Measurement, Parameter
from pairs.models import Pair


def programme_pairs(organisation, programme_pk):
    """The organisation's pairs as a filter offers them: those of the chosen
    programme (`programme_pk` as the query string has it), all when none is."""
    pairs = Pair.objects.for_organisation(organisation).named()
    if str(programme_pk or "").isdigit():
        pairs = pairs.filter(programme_id=int(programme_pk))
    return pairs


class GridChoiceForm(forms.Form):
    """Which values the grid shows. Querysets are limited to the organisation, so
    another organisation's programme or pair is simply not a valid choice."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    parameter = forms.ModelChoiceField(
        label=_("Parameter"), queryset=Parameter.objects.none(), empty_label=None
    )
    moment = forms.ChoiceField(
        label=_("Moment"), choices=Measurement.Moment.choices, initial="entry"
    )
    form = forms.ModelChoiceField(
        label=_("Form of mentoring"),
        queryset=MentoringForm.objects.none(),
        required=False,
        empty_label=_("all forms"),
    )
    role_variant = forms.ModelChoiceField(
        label=_("Role variant"),
        queryset=RoleVariant.objects.none(),
        required=False,
        empty_label=_("all role variants"),
    )
    pair = forms.ModelChoiceField(
        label=_("Pair or group"),
        queryset=Pair.objects.none(),
        required=False,
        empty_label=_("all pairs"),
    )

    def __init__(self, data=None, *, organisation, **kwargs):
        programmes = Programme.objects.for_organisation(organisation)
        data = data.copy() if data is not None else {}
        if not data.get("programme"):
            default = programmes.default()
            if default is not None:
                data["programme"] = default.pk
        parameters = Parameter.objects.filter(is_active=True)
        if not data.get("parameter"):
            first = parameters.first()
            data["parameter"] = first.pk if first else ""
        if not data.get("moment"):
            data["moment"] = Measurement.Moment.ENTRY
        super().__init__(data, **kwargs)
        self.fields["programme"].queryset = Programme.objects.for_organisation(
            organisation
        ).order_by("-starts_on", "pk")
        self.fields["programme"].label_from_instance = lambda p: p.title
        self.fields["parameter"].queryset = parameters
        self.fields["form"].queryset = MentoringForm.objects.filter(is_active=True)
        self.fields["role_variant"].queryset = RoleVariant.objects.filter(
            is_active=True
        ).select_related("form")
        self.fields["role_variant"].label_from_instance = lambda v: (
            f"{v.form.name}: {v.name}"
        )
        self.fields["pair"].queryset = programme_pairs(
            organisation, data.get("programme")
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class GridForm(forms.Form):
    """One row per slot: `v_<participant>_<pair>` (the value as typed) and
    `c_<participant>_<pair>` (clear the stored value)."""

    measured_on = forms.DateField(
        label=_("Date of the measurement"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data=None, *, slots: list[Slot], parameter, moment, existing):
        super().__init__(data, initial={"measured_on": timezone.localdate()})
        self.slots, self.parameter, self.moment = slots, parameter, moment
        self.existing = existing
        for slot in slots:
            current = existing.get((slot.participant.pk, slot.pair.pk, moment))
            self.fields[f"v_{slot.key}"] = forms.CharField(
                label=slot.participant.full_name,
                required=False,
                max_length=20,
                initial=show_value(current.value) if current else "",
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "form-control form-control-sm measurement-input",
                        "size": 6,
                    }
                ),
            )
            self.fields[f"c_{slot.key}"] = forms.BooleanField(
                label=_("clear"), required=False
            )

    def clean(self):
        cleaned = super().clean()
        for slot in self.slots:
            name = f"v_{slot.key}"
            text = cleaned.get(name, "")
            if cleaned.get(f"c_{slot.key}"):
                cleaned[name] = None  # «clear» wins over a typed value
                continue
            if not text:
                cleaned[name] = None
                continue
            try:
                cleaned[name] = parse_value(text, self.parameter)
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def current(self, slot: Slot):
        return self.existing.get((slot.participant.pk, slot.pair.pk, self.moment))

    def rows(self) -> list[dict]:
        """What the template shows per row, with the bound fields (user input is
        kept when the form comes back with errors)."""
        rows = []
        for slot in self.slots:
            rows.append(
                {
                    "slot": slot,
                    "value": self[f"v_{slot.key}"],
                    "clear": self[f"c_{slot.key}"],
                    "current": self.current(slot),
                    "entry": self.existing.get(
                        (slot.participant.pk, slot.pair.pk, Measurement.Moment.ENTRY)
                    ),
                }
            )
        return rows

    def changes(self) -> list[tuple[Slot, object, bool]]:
        """(slot, value or None, clear) for the rows that ask for a change."""
        out = []
        for slot in self.slots:
            clear = bool(self.cleaned_data.get(f"c_{slot.key}"))
            value = self.cleaned_data.get(f"v_{slot.key}")
            if clear and self.current(slot) is not None:
                out.append((slot, None, True))
            elif value is not None and not clear:
                out.append((slot, value, False))
        return out


class DynamicsFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    school_year = forms.ModelChoiceField(
        label=_("School year"),
        queryset=SchoolYear.objects.all(),
        required=False,
        empty_label=_("all years"),
    )
    pair = forms.ModelChoiceField(
        label=_("Pair or group"),
        queryset=Pair.objects.none(),
        required=False,
        empty_label=_("all pairs"),
    )

    def __init__(self, data=None, *, organisation, **kwargs):
        programmes = Programme.objects.for_organisation(organisation)
        data = data.copy() if data is not None else {}
        if not data.get("programme"):
            default = programmes.default()
            if default is not None:
                data["programme"] = default.pk
        super().__init__(data, **kwargs)
        self.fields["programme"].queryset = programmes.order_by("-starts_on", "pk")
        self.fields["programme"].label_from_instance = lambda p: p.title
        # `?pair=` from a pair's page
        self.fields["pair"].queryset = programme_pairs(
            organisation, data.get("programme")
        ).order_by("mentor__participant__last_name", "pk")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class PairValuesForm(forms.Form):
    """A pair's card: every parameter, every person it measures, entry and exit,
    in one form. Each moment has one date for the values saved now; a stored
    value whose cell is emptied is removed."""

    entry_on = forms.DateField(
        label=_("Date of the entry values"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    exit_on = forms.DateField(
        label=_("Date of the exit values"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data=None, *, cells: list[Cell], people: list[tuple]):
        self.cells, self.order = cells, people
        initial = {}
        for moment in Measurement.Moment.values:
            dates = [
                c.current.measured_on for c in cells if c.current and c.moment == moment
            ]
            initial[f"{moment}_on"] = max(dates) if dates else timezone.localdate()
        super().__init__(data, initial=initial)
        for cell in cells:
            self.fields[cell.key] = forms.CharField(
                label=f"{cell.participant.full_name}: {cell.parameter.name}, "
                f"{Measurement.Moment(cell.moment).label}",
                required=False,
                max_length=20,
                initial=show_value(cell.current.value) if cell.current else "",
            )

    def clean(self):
        cleaned = super().clean()
        typed = set()
        for cell in self.cells:
            text = (cleaned.get(cell.key) or "").strip()
            if not text:
                cleaned[cell.key] = None
                continue
            try:
                cleaned[cell.key] = parse_value(text, cell.parameter)
            except ValidationError as error:
                self.add_error(cell.key, error)
                continue
            if cell.current is None or cell.current.value != cleaned[cell.key]:
                typed.add(cell.moment)
        for moment in typed:
            if not cleaned.get(f"{moment}_on") and f"{moment}_on" not in self.errors:
                self.add_error(
                    f"{moment}_on", gettext("Give the date of the values you typed.")
                )
        return cleaned

    def entries(self, pair) -> list[Entry]:
        """The changes the form asks for: new and changed values, and stored
        values whose cell was emptied."""
        out = []
        for cell in self.cells:
            value = self.cleaned_data.get(cell.key)
            if value is None and cell.current is None:
                continue
            if cell.current is not None and value == cell.current.value:
                continue
            out.append(
                Entry(
                    participant=cell.participant,
                    pair=pair,
                    parameter=cell.parameter,
                    moment=cell.moment,
                    value=value,
                    measured_on=self.cleaned_data.get(f"{cell.moment}_on"),
                    clear=value is None,
                )
            )
        return out

    def people(self) -> list[tuple]:
        """(participant, role) of the card's columns, in the pair's order."""
        seen = []
        for participant, role in self.order:
            if any(c.participant == participant and c.role == role for c in self.cells):
                seen.append((participant, role))
        return seen

    def table(self) -> list[dict]:
        """Rows of the card: one per parameter, a cell per person and moment
        (None where the parameter does not measure the person)."""
        rows = {}
        for cell in self.cells:
            row = rows.setdefault(
                cell.parameter.pk, {"parameter": cell.parameter, "cells": {}}
            )
            row["cells"][(cell.participant.pk, cell.role, cell.moment)] = {
                "cell": cell,
                "field": self[cell.key],
            }
        people = self.people()
        for row in rows.values():
            row["line"] = [
                row["cells"].get((participant.pk, role, moment))
                for participant, role in people
                for moment in Measurement.Moment.values
            ]
        return list(rows.values())
