"""Forms of the questionnaire pages. They only collect input; the rules are in
monitoring/questionnaire_services.py."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.lib.forms import preselect_only_choice
from mentoring.models import MentoringForm, Programme
from monitoring.models import (
    AskedWhen,
    Audience,
    Campaign,
    Parameter,
    Question,
    Questionnaire,
)
from monitoring.questionnaire_services import QUESTION_FIELDS
from pairs.models import Pair

DEFAULT_DAYS_OPEN = 14


class QuestionnaireFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    audience = forms.ChoiceField(
        label=_("Who answers"),
        required=False,
        choices=[("", _("everybody"))] + list(Audience.choices),
    )
    moment = forms.ChoiceField(
        label=_("When it is asked"),
        required=False,
        choices=[("", _("any time"))] + list(AskedWhen.choices),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field, forms.ChoiceField)
                else "form-control"
            )
            field.widget.attrs["class"] = f"{css} form-{css.split('-')[1]}-sm"


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "description", "audience", "moment", "form", "is_anonymous"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = MentoringForm.objects.filter(is_active=True)
        self.fields["form"].empty_label = _("any form")


class QuestionForm(forms.ModelForm):
    scale_max = forms.TypedChoiceField(
        label=_("Scale up to"),
        choices=[("", "—"), (5, "5"), (10, "10")],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Question
        fields = QUESTION_FIELDS  # what a new version copies (the services)
        widgets = {"options": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parameter"].queryset = Parameter.objects.filter(is_active=True)
        self.fields["parameter"].required = False


class CampaignForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none()
    )
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.none()
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        required=False,
        help_text=_("Empty: the title of the questionnaire."),
    )
    scope = forms.ChoiceField(
        label=_("Who is asked"),
        choices=Campaign.Scope.choices,
        widget=forms.RadioSelect,
        initial=Campaign.Scope.ALL,
    )
    form = forms.ModelChoiceField(
        label=_("Form of mentoring"),
        queryset=MentoringForm.objects.none(),
        required=False,
    )
    pairs = forms.ModelMultipleChoiceField(
        label=_("Pairs and groups"),
        queryset=Pair.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    opens_on = forms.DateField(
        label=_("Opens on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, organisation, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + timedelta(days=DEFAULT_DAYS_OPEN)
        programmes = Programme.objects.for_organisation(organisation).order_by(
            "-starts_on"
        )
        self.fields["programme"].queryset = programmes
        self.fields["questionnaire"].queryset = questionnaires
        self.fields["form"].queryset = MentoringForm.objects.filter(
            programmes__in=programmes
        ).distinct()
        self.fields["pairs"].queryset = (
            Pair.objects.filter(programme__in=programmes)
            .select_related("programme", "mentor__participant", "form")
            .order_by("programme__title", "mentor__participant__last_name", "pk")
        )
        self.fields["pairs"].label_from_instance = pair_label
        preselect_only_choice(self, "programme", "questionnaire")

    def clean(self):
        data = super().clean()
        questionnaire = data.get("questionnaire")
        if questionnaire and not data.get("title"):
            data["title"] = questionnaire.title
        return data


def pair_label(pair: Pair) -> str:
    name = pair.title or pair.mentor.participant.short_name
    return f"{name} · {pair.form}"


class ExtendForm(forms.Form):
    closes_on = forms.DateField(
        label=_("New closing date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
