"""Forms of the target indicators: they only collect input; the rules live in
monitoring/indicator_services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import Programme, SchoolYear
from monitoring.indicator_services import value_errors
from monitoring.models import Computed, Indicator, IndicatorTemplate, Unit


class DecimalCommaField(forms.DecimalField):
    """A number typed the Russian way («12,5», «1 200») or the English one."""

    default_error_messages = {"invalid": _("Enter a number, for example 12,5.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "decimal"
        return attrs


class IndicatorFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    year = forms.ModelChoiceField(
        label=_("School year"), queryset=SchoolYear.objects.none(), empty_label=None
    )

    def __init__(self, *args, programmes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["year"].queryset = years
        for field in self.fields.values():
            field.widget.attrs.update(
                {"class": "form-select form-select-sm", "data-autosubmit": ""}
            )


class IndicatorFromTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=IndicatorTemplate.objects.order_by("name"),
        empty_label=None,
        widget=forms.RadioSelect,
    )


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["group", "number", "name", "unit", "computed", "order"]
        widgets = {"name": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "group": _("The task the indicator belongs to; rows are grouped by it."),
            "computed": _(
                "Choose one only if the portal should compute the actual value from "
                "pairs, meetings and feedback."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["unit"].choices = Unit.choices
        self.fields["computed"].choices = [("", _("No, typed in")), *Computed.choices]


class IndicatorValueForm(forms.Form):
    """One row of the grid: the values of an indicator in the year. A computed
    indicator has no actual to type."""

    baseline = DecimalCommaField(label=_("Baseline"))
    target = DecimalCommaField(label=_("Target"))
    actual = DecimalCommaField(label=_("Actual"))
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.computed:
            del self.fields["actual"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        for name in ("baseline", "target", "actual"):
            if name in self.fields and name not in self.errors:
                for message in value_errors(self.indicator.unit, data.get(name)):
                    self.add_error(name, message)
        return data

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs["class"]:
                    attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"
