"""Forms of the confidential records and the filters of the list pages. The rules
(date order, file type and size) live on the models; the forms only collect."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import EVIDENCE_ACCEPT
from people.forms import DateInput
from people.models import AccessLog
from safeguarding.models import (
    DiagnosticsSource,
    FamilyCard,
    FamilyCategory,
    HomeVisitAct,
    PreventionRegistration,
    PreventiveWorkEntry,
    RehabilitationActivity,
    RehabilitationProgramme,
    SocialDiagnostics,
)


def text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class SocialDiagnosticsForm(forms.ModelForm):
    sources = forms.MultipleChoiceField(
        label=_("Sources consulted"),
        choices=DiagnosticsSource.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SocialDiagnostics
        fields = [
            "conducted_on",
            "sources",
            "other_sources",
            "family_situation",
            "problems",
            "conclusion",
        ]
        widgets = {
            "conducted_on": DateInput,
            "family_situation": text(),
            "problems": text(),
            "conclusion": text(),
        }


class RehabilitationProgrammeForm(forms.ModelForm):
    class Meta:
        model = RehabilitationProgramme
        fields = ["target", "starts_on", "ends_on", "goals", "methods"]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "goals": text(4),
            "methods": text(4),
        }


class RehabilitationActivityForm(forms.ModelForm):
    class Meta:
        model = RehabilitationActivity
        fields = ["activity", "deadline", "responsible", "status", "done_on", "note"]
        widgets = {"deadline": DateInput, "done_on": DateInput}


class HomeVisitActForm(forms.ModelForm):
    class Meta:
        model = HomeVisitAct
        fields = [
            "visited_on",
            "address",
            "visitors",
            "present",
            "living_conditions",
            "study_place",
            "sleeping_place",
            "food",
            "clothing",
            "findings",
            "recommendations",
            "scan",
        ]
        widgets = {
            "visited_on": DateInput,
            "living_conditions": text(4),
            "findings": text(),
            "recommendations": text(),
            "scan": forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        }


class FamilyCardForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Category of the family"),
        choices=FamilyCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = FamilyCard
        fields = ["composition", "housing", "income", "categories", "notes"]
        widgets = {"composition": text(5), "housing": text(), "notes": text()}


class PreventiveWorkEntryForm(forms.ModelForm):
    class Meta:
        model = PreventiveWorkEntry
        fields = ["held_on", "form_of_work", "content", "result", "conducted_by"]
        widgets = {"held_on": DateInput, "content": text(4), "result": text()}


class PreventionRegistrationForm(forms.ModelForm):
    class Meta:
        model = PreventionRegistration
        fields = [
            "register",
            "registered_on",
            "decision_number",
            "grounds",
            "removed_on",
            "removal_grounds",
        ]
        widgets = {
            "registered_on": DateInput,
            "removed_on": DateInput,
            "grounds": text(),
            "removal_grounds": text(2),
        }


class BootstrapFilterForm(forms.Form):
    """Filters are laid out by hand (a row of small fields), not by crispy."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)


class IndexFilterForm(BootstrapFilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    register = forms.ChoiceField(
        label=_("On the register"),
        choices=[("", _("any"))] + PreventionRegistration.Register.choices,
        required=False,
    )


class LogFilterForm(BootstrapFilterForm):
    # The choices are the names the rows keep (snapshots): a deleted user or
    # pupil is still found by the name they had.
    user = forms.TypedChoiceField(
        label=_("User"), coerce=int, empty_value=None, required=False
    )
    participant = forms.TypedChoiceField(
        label=_("Pupil"), coerce=int, empty_value=None, required=False
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("any"))] + AccessLog.Action.choices,
        required=False,
    )
    date_from = forms.DateField(label=_("From"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("To"), widget=DateInput, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        rows = AccessLog.objects.filter(organisation=organisation).order_by()
        for name in ("user", "participant"):
            named = (
                rows.exclude(**{f"{name}_id": None})
                .values_list(f"{name}_id", f"{name}_name")
                .distinct()
            )
            names = {}
            for pk, label in named:
                names.setdefault(pk, label)  # one name per id
            self.fields[name].choices = [("", _("any"))] + sorted(
                names.items(), key=lambda item: item[1]
            )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["user"]:
            queryset = queryset.filter(user_id=data["user"])
        if data["participant"]:
            queryset = queryset.filter(participant_id=data["participant"])
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        if data["date_from"]:
            queryset = queryset.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(at__date__lte=data["date_to"])
        return queryset
