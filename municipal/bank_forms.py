"""Forms of the mentor bank's pages. They validate input only; `municipal.bank`
decides."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models import MentoringForm, Organisation, Programme, RoleVariant
from municipal.bank import bank_organisations
from pairs.forms import (
    DateInput,
    default_planned_end,
    default_programme,
    grouped_by_form,
    mentee_queryset,
)
from people.models import MenteeProfile


class BankSearchForm(forms.Form):
    """The bank's search and filter, all in the URL."""

    q = forms.CharField(
        label=_("Name, competence or subject"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control form-control-sm"}
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("all organisations"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = bank_organisations(organisation)

    @property
    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "organisation": None}
        return self.cleaned_data

    @property
    def is_filtered(self) -> bool:
        values = self.values
        return bool(values["q"] or values["organisation"])


class BankRequestForm(forms.Form):
    mentee = forms.ModelChoiceField(
        label=_("Mentee"), queryset=MenteeProfile.objects.none()
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none()
    )
    form = forms.ModelChoiceField(
        label=_("Form of mentoring"), queryset=MentoringForm.objects.none()
    )
    role_variant = forms.ModelChoiceField(
        label=_("Role variant"), queryset=RoleVariant.objects.none()
    )
    message = forms.CharField(
        label=_("Message to the mentor's curator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the mentee needs and when meetings could take place. The mentor's "
            "curator does not see the mentee's name: do not write it here."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentee_queryset(organisation)
        self.fields["mentee"].label_from_instance = label_mentee
        programmes = Programme.objects.for_organisation(organisation)
        self.fields["programme"].queryset = programmes
        if not self.is_bound and "programme" not in self.initial:
            self.initial["programme"] = default_programme(organisation)
        forms_run = MentoringForm.objects.filter(
            programmes__organisation=organisation
        ).distinct()
        if not forms_run.exists() or programmes.filter(forms__isnull=True).exists():
            forms_run = MentoringForm.objects.filter(is_active=True)
        # The social-risk form's mentor is the organisation's own (confidential).
        forms_run = forms_run.filter(is_social_risk=False)
        self.fields["form"].queryset = forms_run
        variants = RoleVariant.objects.filter(
            form__in=forms_run, is_active=True
        ).select_related("form")
        self.fields["role_variant"].queryset = variants
        self.fields["role_variant"].choices = grouped_by_form(variants)

    def clean(self):
        data = super().clean()
        form, variant = data.get("form"), data.get("role_variant")
        if form and variant and variant.form_id != form.pk:
            self.add_error(
                "role_variant", _("This role variant belongs to another form.")
            )
        return data


def label_mentee(mentee) -> str:
    participant = mentee.participant
    detail = participant.study_group.name if participant.study_group else ""
    detail = detail or participant.position
    return f"{participant.full_name}, {detail}" if detail else participant.full_name


class BankApproveForm(forms.Form):
    start_on = forms.DateField(
        label=_("Start of the pair"), widget=DateInput, initial=timezone.localdate
    )
    planned_end_on = forms.DateField(label=_("Planned end"), widget=DateInput)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "planned_end_on", default_planned_end(timezone.localdate(), programme)
            )


class BankDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The asking curator reads it."),
    )
