"""Forms of the roadmap: they only collect input; the rules live in
mentoring/roadmap_services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import EVIDENCE_ACCEPT
from mentoring.models import ProgrammeStage, RoadmapItem, RoadmapTemplate
from mentoring.roadmap_services import responsible_candidates

ACCEPT = EVIDENCE_ACCEPT
OVERDUE = "overdue"


class DateInput(forms.DateInput):
    """A native date picker (the value must be ISO for it)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def stages():
    return ProgrammeStage.objects.filter(is_active=True).order_by("number")


class RoadmapFilterForm(forms.Form):
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        queryset=ProgrammeStage.objects.none(),
        required=False,
        empty_label=_("All stages"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    responsible = forms.ModelChoiceField(
        label=_("Responsible"),
        queryset=responsible_candidates(None).none(),
        required=False,
        empty_label=_("Anyone"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = ProgrammeStage.objects.order_by("number")
        self.fields["status"].choices = [
            ("", _("Any status")),
            *RoadmapItem.Status.choices,
            (OVERDUE, _("overdue")),
        ]
        self.fields["responsible"].queryset = responsible_candidates(organisation)
        self.fields["responsible"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class RoadmapItemForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=ProgrammeStage.objects)
    number = forms.CharField(
        label=_("No."), max_length=20, required=False, help_text=_("e.g. 2.1")
    )
    activity = forms.CharField(
        label=_("Activity"), widget=forms.Textarea(attrs={"rows": 2})
    )
    content = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    due_from = forms.DateField(label=_("From"), widget=DateInput, required=False)
    due_to = forms.DateField(label=_("To"), widget=DateInput, required=False)
    due_text = forms.CharField(
        label=_("Deadline in words"),
        max_length=255,
        required=False,
        help_text=_("e.g. «ежегодно, сентябрь», «в течение года»"),
    )
    responsible = UserChoiceField(
        label=_("Responsible people"),
        queryset=responsible_candidates(None).none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    responsible_text = forms.CharField(
        label=_("Responsible (as written)"),
        max_length=500,
        required=False,
        help_text=_("e.g. «Заместитель директора (МР)»"),
    )
    expected_result = forms.CharField(
        label=_("Expected result"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    evidence_note = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("What shows that it is done: an order, minutes, a report."),
    )
    evidence_link = forms.URLField(
        label=_("Evidence link"), max_length=500, required=False
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, up to 5 MB."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages()
        self.fields["responsible"].queryset = responsible_candidates(organisation)


class RoadmapItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RoadmapItem.Status.choices)
    done_on = forms.DateField(required=False, widget=DateInput)


class RoadmapFromTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=RoadmapTemplate.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    replace = forms.BooleanField(
        label=_("Replace the current roadmap (its rows and marks are deleted)"),
        required=False,
    )
