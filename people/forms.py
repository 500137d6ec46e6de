"""Forms of the bases. They check the input only (types, choices of this
organisation); the rules live in `people/services.py`, whose errors the views put
back next to the fields.

Person and base forms take their fields from the models but are plain forms: a
ModelForm would also run the model's constraints, whose messages mean nothing to a
user, before the service could say what is wrong.
"""

from django import forms
from django.forms import fields_for_model, inlineformset_factory, model_to_dict
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import EVIDENCE_ACCEPT
from mentoring.models import (
    MenteeCategory,
    MentorCategory,
    MentoringForm,
    Organisation,
    Programme,
    RequestArea,
)
from people import services
from people.models import (
    MenteeProfile,
    MenteeRequest,
    MentorCertificate,
    MentorProfile,
    MentorTraining,
    Participant,
    StudyGroup,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ModelFieldsForm(forms.Form):
    """The fields `field_names` of `model`, initial values from `instance`."""

    model = None
    field_names: tuple[str, ...] = ()
    widgets: dict = {}
    help_texts: dict = {}

    def __init__(self, *args, instance=None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if instance is not None:
            initial = {**model_to_dict(instance, self.field_names), **initial}
        super().__init__(*args, initial=initial, **kwargs)
        self.instance = instance
        generated = fields_for_model(
            self.model,
            fields=self.field_names,
            widgets=self.widgets,
            help_texts=self.help_texts,
        )
        self.fields = {name: generated[name] for name in self.field_names}
        for field in self.fields.values():
            if isinstance(field, forms.TypedChoiceField):
                field.choices = capitalised(field.choices)


def capitalised(choices) -> list[tuple[str, str]]:
    """Model choices are lower case for use inside sentences; a select starts
    each option with a capital letter."""
    return [(value, capfirst(label)) for value, label in choices]


def kind_choices(kinds) -> list[tuple[str, str]]:
    labels = dict(Participant.Kind.choices)
    return capitalised((kind, labels[kind]) for kind in kinds)


PERSON_FIELDS = (
    "kind",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "study_group",
    "position",
    "workplace",
    "experience_years",
    "subjects",
    "phone",
    "email",
    "representative_name",
    "representative_phone",
)


class PersonForm(ModelFieldsForm):
    """The person's data; `kinds` limits who may be in the base."""

    model = Participant
    kinds: tuple = ()
    widgets = {"birth_date": DateInput()}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(self.kinds)
        self.fields["study_group"].queryset = StudyGroup.objects.filter(
            organisation=organisation
        )
        if "experience_years" in self.fields:
            self.fields["experience_years"].widget.attrs.update(min=0, max=60)
        for name in ("last_name", "first_name", "middle_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        if not self.is_bound:
            self.fields["last_name"].widget.attrs["autofocus"] = True


class MenteePersonForm(PersonForm):
    kinds = services.MENTEE_KINDS
    field_names = tuple(
        name for name in PERSON_FIELDS if name not in ("workplace", "subjects")
    )
    help_texts = {
        "study_group": _("Required for a pupil."),
        "representative_name": _("For a minor: who gives consents and is called."),
    }


class MentorPersonForm(PersonForm):
    kinds = services.MENTOR_KINDS
    field_names = tuple(
        name
        for name in PERSON_FIELDS
        if name not in ("representative_name", "representative_phone")
    )
    help_texts = {
        "study_group": _("For a pupil or student mentor."),
        "subjects": _("Separate with commas."),
    }


class MenteeProfileForm(ModelFieldsForm):
    model = MenteeProfile
    field_names = (
        "programme",
        "categories",
        "preferred_form",
        "proposed_by",
        "entered_on",
        "status",
        "interests",
        "achievements",
        "meeting_time",
        "results",
        "completion_mark",
        "case_link",
        "media_link",
    )
    widgets = {
        "entered_on": DateInput(),
        "categories": forms.CheckboxSelectMultiple,
        "interests": forms.Textarea(attrs={"rows": 2}),
        "achievements": forms.Textarea(attrs={"rows": 2}),
        "results": forms.Textarea(attrs={"rows": 2}),
    }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.for_organisation(organisation)
        self.fields["programme"].queryset = programmes
        self.fields["categories"].queryset = MenteeCategory.objects.filter(
            is_active=True
        )
        self.fields["preferred_form"].queryset = MentoringForm.objects.filter(
            is_active=True
        )
        if self.instance is None:
            today = timezone.localdate()
            self.initial.setdefault("entered_on", today)
            current = list(programmes.current(today)[:2])
            if len(current) == 1:
                self.initial.setdefault("programme", current[0].pk)


class MenteeRequestForm(forms.ModelForm):
    class Meta:
        model = MenteeRequest
        fields = ["area", "text", "form", "status"]
        widgets = {"text": forms.TextInput()}

    def __init__(self, *args, hide_tier: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = RequestArea.objects.filter(is_active=True)
        forms_offered = MentoringForm.objects.filter(is_active=True)
        if hide_tier:  # the editor may not see the social-risk tier
            forms_offered = forms_offered.exclude(is_social_risk=True)
        self.fields["form"].queryset = forms_offered
        self.fields["status"].choices = capitalised(self.fields["status"].choices)


RequestFormSet = inlineformset_factory(
    MenteeProfile,
    MenteeRequest,
    form=MenteeRequestForm,
    extra=2,
    can_delete=True,
)


def requests_data(formset) -> list[dict]:
    """The valid formset as the list `mentee_create`/`mentee_update` take."""
    items = []
    for form in formset.forms:
        if not form.instance.pk and not form.has_changed():
            continue
        data = {name: form.cleaned_data.get(name) for name in ("area", "text", "form")}
        data["status"] = form.cleaned_data.get("status") or MenteeRequest.Status.OPEN
        data["id"] = form.instance.pk
        data["delete"] = bool(form.cleaned_data.get("DELETE"))
        items.append(data)
    return items


class MentorProfileForm(ModelFieldsForm):
    model = MentorProfile
    field_names = (
        "category",
        "status",
        "mentor_type",
        "qualification_category",
        "capacity",
        "desired_age_min",
        "desired_age_max",
        "meeting_time",
        "entered_on",
        "shared_in_bank",
        "key_competencies",
        "achievements",
        "interests",
    )
    widgets = {
        "entered_on": DateInput(),
        "key_competencies": forms.Textarea(attrs={"rows": 2}),
        "achievements": forms.Textarea(attrs={"rows": 2}),
        "interests": forms.Textarea(attrs={"rows": 2}),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MentorCategory.objects.filter(is_active=True)
        self.fields["capacity"].widget.attrs.update(min=1, max=30)
        for name in ("desired_age_min", "desired_age_max"):
            self.fields[name].widget.attrs.update(min=1, max=100)
        if self.instance is not None:
            # The status moves on the mentor's card, where every move is recorded.
            del self.fields["status"]
        else:
            self.initial.setdefault("entered_on", timezone.localdate())


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MentorProfile.Status)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. interview passed")}),
    )

    def __init__(self, *args, mentor: MentorProfile, **kwargs):
        super().__init__(*args, **kwargs)
        path = MentorProfile.Status.values
        self.fields["status"].choices = capitalised(
            (value, label)
            for value, label in MentorProfile.Status.choices
            if value != mentor.status
        )
        if mentor.status in path[:-1]:
            self.initial.setdefault("status", path[path.index(mentor.status) + 1])


class TrainingForm(ModelFieldsForm):
    model = MentorTraining
    field_names = ("title", "provider", "completed_on", "hours", "document")
    widgets = {"completed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("completed_on", timezone.localdate())
        self.fields["hours"].widget.attrs.update(min=1, max=2000)


class CertificateForm(ModelFieldsForm):
    """«Справка об отсутствии судимости»: its number, dates and scan."""

    model = MentorCertificate
    field_names = ("number", "issued_on", "valid_until", "scan")
    widgets = {"issued_on": DateInput(), "valid_until": DateInput()}
    help_texts = {"scan": _("PDF, JPG, PNG, DOCX or XLSX, at most 5 MB.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].widget.attrs["accept"] = EVIDENCE_ACCEPT


class BulkForm(forms.Form):
    """Rows chosen on a list page and what to do with them."""

    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation


class MenteeBulkForm(BulkForm):
    STATUS, PROGRAMME = "status", "programme"

    mentees = forms.ModelMultipleChoiceField(
        queryset=MenteeProfile.objects.none(),
        error_messages={"required": _("Choose at least one mentee.")},
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (STATUS, _("Change status")),
            (PROGRAMME, _("Assign to a programme")),
        ],
    )
    status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[("", "—"), *MenteeProfile.Status.choices],
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), required=False, queryset=Programme.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentees"].queryset = MenteeProfile.objects.for_organisation(
            self.organisation
        )
        self.fields["programme"].queryset = Programme.objects.for_organisation(
            self.organisation
        )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.STATUS and not data.get("status"):
            self.add_error("status", _("Choose the new status."))
        if action == self.PROGRAMME and not data.get("programme"):
            self.add_error("programme", _("Choose the programme."))
        return data


class MentorBulkForm(BulkForm):
    mentors = forms.ModelMultipleChoiceField(
        queryset=MentorProfile.objects.none(),
        error_messages={"required": _("Choose at least one mentor.")},
    )
    status = forms.ChoiceField(label=_("New status"), choices=MentorProfile.Status)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = MentorProfile.objects.for_organisation(
            self.organisation
        )


class MenteeProposeForm(forms.Form):
    """A class teacher's proposal: a pupil of their class and the request."""

    pupil = forms.ModelChoiceField(
        label=_("pupil"), queryset=Participant.objects.none()
    )
    area = forms.ModelChoiceField(
        label=_("area"), queryset=RequestArea.objects.filter(is_active=True)
    )
    text = forms.CharField(
        label=_("request"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the pupil needs help with, in a sentence or two."),
    )

    def __init__(self, data=None, *, study_group):
        super().__init__(data)
        self.fields["pupil"].queryset = Participant.objects.filter(
            study_group=study_group,
            kind=Participant.Kind.PUPIL,
            left_on__isnull=True,
            mentee_profile__isnull=True,
        ).order_by("search_text")
