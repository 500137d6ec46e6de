"""Forms of the personalised plan: they only collect input; the rules live in
pairs/plan_services.py."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import EVIDENCE_ACCEPT
from mentoring.models import MeetingType, MentoringForm
from pairs.forms import DateInput
from pairs.models import Pair, PlanItem, PlanTemplate
from pairs.plan_services import (
    TEACHER_MAX_MONTHS,
    add_months,
    is_teacher_pair,
)

ACCEPT = EVIDENCE_ACCEPT


def templates_for(pair: Pair):
    """Active templates of the pair's form, those of its role variant first."""
    return (
        PlanTemplate.objects.filter(is_active=True)
        .filter(Q(form=pair.form) | Q(form__isnull=True))
        .select_related("role_variant")
        .order_by("name")
    )


class PlanFieldsForm(forms.Form):
    goal = forms.CharField(
        label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    difficulties = forms.CharField(
        label=_("Difficulties or request of the mentee"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    directions = forms.CharField(
        label=_("Directions of work"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    starts_on = forms.DateField(label=_("Start"), widget=DateInput)
    ends_on = forms.DateField(label=_("End"), widget=DateInput, required=False)


class PlanCreateForm(PlanFieldsForm):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=PlanTemplate.objects.none(),
        required=False,
        empty_label=_("Blank plan"),
        help_text=_(
            "The template's goal and items are copied; empty fields are filled "
            "from it, and the end from its length."
        ),
    )
    field_order = ["template", "goal", "difficulties", "directions"]

    def __init__(self, *args, pair: Pair, **kwargs):
        super().__init__(*args, **kwargs)
        templates = templates_for(pair)
        self.fields["template"].queryset = templates
        suited = [t for t in templates if t.role_variant_id == pair.role_variant_id]
        starts_on = max(pair.start_on, timezone.localdate())
        ends_on = pair.planned_end_on
        if is_teacher_pair(pair):
            ends_on = min(ends_on, add_months(starts_on, TEACHER_MAX_MONTHS))
        self.initial.setdefault("starts_on", starts_on)
        self.initial.setdefault("ends_on", ends_on if ends_on > starts_on else None)
        if suited:
            self.initial.setdefault("template", suited[0].pk)


class PlanUpdateForm(PlanFieldsForm):
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}))
    ends_on = forms.DateField(label=_("End"), widget=DateInput)


class PlanItemForm(forms.Form):
    activity = forms.CharField(
        label=_("Activity"), widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)
    reporting_form = forms.CharField(
        label=_("Form of reporting"), max_length=255, required=False
    )
    meeting_type = forms.ModelChoiceField(
        label=_("Done by the meeting"),
        queryset=MeetingType.objects.filter(is_general=False, is_active=True),
        required=False,
        empty_label=_("ticked by hand"),
        help_text=_(
            "Logging a meeting of this type in the journal marks the item done."
        ),
    )
    evidence_note = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("What shows that it is done: a link, a document, a note."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, up to 5 MB."),
    )


class PlanItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PlanItem.Status.choices)
    done_on = forms.DateField(required=False, widget=DateInput)


class PlanListFilterForm(forms.Form):
    form = forms.ModelChoiceField(
        label=_("Form of mentoring"),
        queryset=MentoringForm.objects.filter(is_active=True).order_by("order"),
        required=False,
        empty_label=_("All forms"),
    )
    overdue = forms.BooleanField(label=_("With overdue items"), required=False)
    sort = forms.ChoiceField(
        choices=[("progress", "progress"), ("-progress", "-progress")],
        required=False,
    )
