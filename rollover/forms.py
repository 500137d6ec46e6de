from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import SchoolYear


class RolloverStartForm(forms.Form):
    """Which school year ends and which grade (course) is the last: the preview is
    opened with them and the run is sent with them again."""

    year = forms.ModelChoiceField(
        label=_("School year that ends"),
        queryset=SchoolYear.objects.none(),
        empty_label=None,
    )
    last_grade = forms.IntegerField(
        label=_("Last grade or course"),
        min_value=1,
        max_value=11,
        help_text=_(
            "Its classes graduate: 11 for a school, 9 for a basic school, the last "
            "course for a college."
        ),
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = SchoolYear.objects.filter(
            pk__in=[year.pk for year in years]
        ).order_by("-starts_on")
