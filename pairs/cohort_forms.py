"""The dates of the pairs a confirmed cohort forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.forms import DateInput, default_planned_end


class CohortDatesForm(forms.Form):
    start_on = forms.DateField(label=_("Start"), widget=DateInput)
    planned_end_on = forms.DateField(label=_("Planned end"), widget=DateInput)

    def __init__(self, *args, programme=None, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "start_on": today,
                "planned_end_on": default_planned_end(today, programme),
            },
        )
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("planned_end_on")
        if start and end and end <= start:
            self.add_error(
                "planned_end_on", _("The planned end must be later than the start.")
            )
        return data
