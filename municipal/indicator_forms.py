"""Forms of the municipal indicators: they only collect input; the rules live in
municipal/indicators.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import SchoolYear
from monitoring.indicator_forms import DecimalCommaField
from monitoring.models import Computed, Unit
from municipal.models import MunicipalIndicator


class YearForm(forms.Form):
    year = forms.ModelChoiceField(
        label=_("School year"), queryset=SchoolYear.objects.none(), empty_label=None
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years
        self.fields["year"].widget.attrs.update(
            {"class": "form-select form-select-sm", "data-autosubmit": ""}
        )


class MunicipalIndicatorForm(forms.ModelForm):
    class Meta:
        model = MunicipalIndicator
        fields = ["number", "name", "unit", "computed", "source"]
        widgets = {"name": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "computed": _(
                "Choose one only if the portal should compute the value from the "
                "organisations' pairs, meetings and feedback; otherwise each "
                "organisation types its value."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = Unit.choices
        self.fields["computed"].choices = [("", _("No, typed in")), *Computed.choices]


class FiguresForm(forms.Form):
    """One number per indicator (a target, or an organisation's value), named
    `i<pk>`; an empty field means none."""

    def __init__(self, *args, indicators, initial_values: dict, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            name = f"i{indicator.pk}"
            self.fields[name] = DecimalCommaField(
                label=label, initial=initial_values.get(indicator.pk)
            )
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

    def rows(self):
        return [(indicator, self[f"i{indicator.pk}"]) for indicator in self.indicators]

    def values(self) -> dict:
        return {
            indicator.pk: self.cleaned_data.get(f"i{indicator.pk}")
            for indicator in self.indicators
        }

    def add_errors(self, error_dict: dict) -> None:
        for key, messages in error_dict.items():
            name = f"i{key}"
            self.add_error(name if name in self.fields else None, messages)
