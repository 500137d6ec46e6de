"""Forms of the pair pages. They validate input only; the services decide."""

import calendar
from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.lib.search import search
from mentoring.models import (
    MentoringForm,
    MentoringWay,
    Organisation,
    Programme,
    RoleVariant,
    Subprogramme,
)
from pairs.models import Pair
from people.models import MenteeProfile, MentorProfile

EMPTY_LABEL = "---------"


class DateInput(forms.DateInput):
    """A native date picker: keyboard-usable and in the browser's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def default_planned_end(start_on: date, programme: Programme | None) -> date:
    """Nine months after the start, or the programme's end when that is earlier."""
    end = add_months(start_on, 9)
    if programme is not None and start_on < programme.ends_on < end:
        return programme.ends_on
    return end


def default_programme(organisation: Organisation) -> Programme | None:
    programmes = Programme.objects.for_organisation(organisation).order_by(
        "starts_on", "pk"
    )
    return programmes.default()


def grouped_by_form(objects) -> list:
    """Choices grouped under the name of their form (role variants, subprogrammes)."""
    groups: dict[str, list] = {}
    for obj in objects:
        groups.setdefault(obj.form.name, []).append((obj.pk, obj.name))
    return [("", EMPTY_LABEL), *groups.items()]


# --- Mentors and mentees as choices -------------------------------------------


def mentor_queryset(organisation: Organisation, include=()):
    """Mentors of the organisation ready to work or in a pair, with their load;
    `include` adds chosen ones whatever their status (the service then says what is
    wrong with them). A mentor of another organisation is not offered: the municipal
    mentor bank's request (/bank/) asks their own curator instead."""
    wanted = Q(status__in=[MentorProfile.Status.READY, MentorProfile.Status.IN_PAIR])
    if include:
        wanted |= Q(pk__in=include)
    return (
        MentorProfile.objects.filter(participant__organisation=organisation)
        .filter(wanted)
        .with_load()
        .select_related("participant__organisation")
        .order_by("participant__search_text", "pk")
    )


class MentorChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, organisation: Organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def label_from_instance(self, mentor: MentorProfile) -> str:
        participant = mentor.participant
        label = participant.full_name
        if participant.position:
            label += f", {participant.position}"
        label += " — " + gettext("%(load)s of %(capacity)s") % {
            "load": mentor.load,
            "capacity": mentor.capacity,
        }
        if mentor.status not in (
            MentorProfile.Status.READY,
            MentorProfile.Status.IN_PAIR,
        ):
            label += f" ({mentor.get_status_display()})"
        return label

    def grouped_choices(self) -> list:
        """The organisation's own mentors (a mentor of the municipal bank comes
        only through the bank's approved request)."""
        own = [
            (mentor.pk, self.label_from_instance(mentor)) for mentor in self.queryset
        ]
        choices = [("", EMPTY_LABEL)]
        if own:
            choices.append((gettext("Mentors of the organisation"), own))
        return choices


class MenteeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, mentee: MenteeProfile) -> str:
        participant = mentee.participant
        label = participant.full_name
        detail = participant.study_group.name if participant.study_group else ""
        detail = detail or participant.position
        if detail:
            label += f", {detail}"
        if mentee.status != MenteeProfile.Status.WAITING:
            label += f" ({mentee.get_status_display()})"
        return label


def mentee_queryset(organisation: Organisation, include=()):
    wanted = Q(status=MenteeProfile.Status.WAITING)
    if include:
        wanted |= Q(pk__in=include)
    return (
        MenteeProfile.objects.for_organisation(organisation)
        .filter(wanted)
        .select_related("participant__study_group")
        .order_by("participant__search_text", "pk")
    )


def integers(values) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()]


# --- Create ------------------------------------------------------------------


class PairCreateForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none()
    )
    form = forms.ModelChoiceField(
        label=_("Form of mentoring"), queryset=MentoringForm.objects.none()
    )
    role_variant = forms.ModelChoiceField(
        label=_("Role variant"), queryset=RoleVariant.objects.none()
    )
    way = forms.ModelChoiceField(
        label=_("Way of mentoring"),
        queryset=MentoringWay.objects.filter(is_active=True),
        required=False,
    )
    subprogramme = forms.ModelChoiceField(
        label=_("Subprogramme"), queryset=Subprogramme.objects.none(), required=False
    )
    mentor = forms.Field(label=_("Mentor"))  # replaced in __init__
    co_mentor = forms.Field(label=_("Second mentor"), required=False)
    mentees = MenteeChoiceField(
        label=_("Mentees"),
        queryset=MenteeProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One mentee makes a pair, several make a group."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        required=False,
        help_text=_("For a group, e.g. its project."),
    )
    start_on = forms.DateField(label=_("Start"), widget=DateInput)
    planned_end_on = forms.DateField(label=_("Planned end"), widget=DateInput)
    allow_over_capacity = forms.BooleanField(
        label=_("Assign beyond the mentor's capacity"), required=False
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        chosen_mentors = integers(
            [self.data.get("mentor"), self.data.get("co_mentor")]
            if self.is_bound
            else [self.initial.get("mentor"), self.initial.get("co_mentor")]
        )
        chosen_mentees = integers(
            self.data.getlist("mentees")
            if self.is_bound
            else self.initial.get("mentees", [])
        )
        programmes = Programme.objects.for_organisation(organisation)
        self.fields["programme"].queryset = programmes
        forms_run = MentoringForm.objects.filter(
            programmes__organisation=organisation
        ).distinct()
        if not forms_run.exists() or programmes.filter(forms__isnull=True).exists():
            forms_run = MentoringForm.objects.filter(is_active=True)
        self.fields["form"].queryset = forms_run
        variants = RoleVariant.objects.filter(form__in=forms_run, is_active=True)
        variants = variants.select_related("form")
        self.fields["role_variant"].queryset = variants
        self.fields["role_variant"].choices = grouped_by_form(variants)
        subprogrammes = Subprogramme.objects.filter(
            form__in=forms_run, is_active=True
        ).select_related("form")
        self.fields["subprogramme"].queryset = subprogrammes
        self.fields["subprogramme"].choices = grouped_by_form(subprogrammes)
        mentors = mentor_queryset(organisation, include=chosen_mentors)
        for name, required in (("mentor", True), ("co_mentor", False)):
            field = MentorChoiceField(
                label=self.fields[name].label,
                queryset=mentors,
                required=required,
                organisation=organisation,
            )
            field.choices = field.grouped_choices()
            self.fields[name] = field
        self.fields["co_mentor"].help_text = _("Optional.")
        self.fields["mentees"].queryset = mentee_queryset(
            organisation, include=chosen_mentees
        )

    def clean(self):
        data = super().clean()
        form, variant = data.get("form"), data.get("role_variant")
        if form and variant and variant.form_id != form.pk:
            self.add_error(
                "role_variant", _("This role variant belongs to another form.")
            )
        subprogramme = data.get("subprogramme")
        if form and subprogramme and subprogramme.form_id != form.pk:
            self.add_error(
                "subprogramme", _("This subprogramme belongs to another form.")
            )
        return data


def create_initial(organisation: Organisation, params) -> dict:
    """Defaults of the create form, prefilled from the GET parameters of the matching
    pages (mentor, mentee repeated, form, role_variant)."""
    today = timezone.localdate()
    programme = default_programme(organisation)
    initial = {
        "programme": programme.pk if programme else None,
        "start_on": today,
        "planned_end_on": default_planned_end(today, programme),
    }
    mentor = integers([params.get("mentor", "")])
    if mentor:
        initial["mentor"] = mentor[0]
    mentees = integers(params.getlist("mentee"))
    if mentees:
        initial["mentees"] = mentees
    variant = (
        RoleVariant.objects.filter(pk__in=integers([params.get("role_variant", "")]))
        .only("pk", "form_id")
        .first()
    )
    form_ids = integers([params.get("form", "")])
    if form_ids:
        initial["form"] = form_ids[0]
    elif variant is not None:
        initial["form"] = variant.form_id
    if variant is not None:
        initial["role_variant"] = variant.pk
    if "form" not in initial and len(mentees) == 1:
        preferred = (
            MenteeProfile.objects.for_organisation(organisation)
            .filter(pk=mentees[0])
            .values_list("preferred_form", flat=True)
            .first()
        )
        if preferred:
            initial["form"] = preferred
    return initial


# --- Approve, close, terminate, replace ------------------------------------


class PairApproveForm(forms.Form):
    order_number = forms.CharField(label=_("Order No."), max_length=50)
    order_date = forms.DateField(
        label=_("Order date"), widget=DateInput, initial=timezone.localdate
    )


class PairCloseForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Completed on"), widget=DateInput, initial=timezone.localdate
    )
    result = forms.CharField(
        label=_("Result"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the mentee achieved: a project, grades, a lesson, a plan."),
    )
    evidence = forms.ChoiceField(
        label=_("Form of presenting the result"),
        choices=Pair.Evidence.choices,
        required=False,
    )


class PairTerminateForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Terminated on"), widget=DateInput, initial=timezone.localdate
    )
    end_reason = forms.ChoiceField(
        label=_("Cause"),
        choices=[("", "---------"), *Pair.EndReason.choices],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for termination"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, in a few words: it stays in the pair's history."),
    )


class PairReplaceMentorForm(forms.Form):
    new_mentor = forms.Field(label=_("New mentor"))  # replaced in __init__
    on = forms.DateField(
        label=_("Replaced on"), widget=DateInput, initial=timezone.localdate
    )
    reason = forms.CharField(
        label=_("Reason for the replacement"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    allow_over_capacity = forms.BooleanField(
        label=_("Assign beyond the mentor's capacity"), required=False
    )

    def __init__(self, *args, pair: Pair, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = integers([self.data.get("new_mentor")] if self.is_bound else [])
        field = MentorChoiceField(
            label=self.fields["new_mentor"].label,
            queryset=mentor_queryset(organisation, include=chosen).exclude(
                pk=pair.mentor_id
            ),
            organisation=organisation,
        )
        field.choices = field.grouped_choices()
        self.fields["new_mentor"] = field


class PairSubstituteForm(forms.Form):
    mentor = forms.Field(label=_("Substitute mentor"))  # replaced in __init__
    starts_on = forms.DateField(
        label=_("From"), widget=DateInput, initial=timezone.localdate
    )
    ends_on = forms.DateField(label=_("To"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason for the substitution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the mentor's sick leave or a course"),
    )

    def __init__(self, *args, pair: Pair, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = integers([self.data.get("mentor")] if self.is_bound else [])
        field = MentorChoiceField(
            label=self.fields["mentor"].label,
            queryset=mentor_queryset(organisation, include=chosen).exclude(
                pk__in=[pk for pk in (pair.mentor_id, pair.co_mentor_id) if pk]
            ),
            organisation=organisation,
        )
        field.choices = field.grouped_choices()
        self.fields["mentor"] = field


# --- The list's filters --------------------------------------------------------


class PairFilterForm(forms.Form):
    """Filters of the pair list (and of its export): all in the URL."""

    ORDER_CHOICES = [
        ("", _("with or without an order")),
        ("yes", _("with an order")),
        ("no", _("awaiting an order")),
    ]

    q = forms.CharField(
        label=_("Mentor or mentee"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    form = forms.ModelChoiceField(
        label=_("Form of mentoring"),
        queryset=MentoringForm.objects.all(),
        required=False,
        empty_label=_("all forms"),
    )
    role_variant = forms.ModelChoiceField(
        label=_("Role variant"),
        queryset=RoleVariant.objects.select_related("form"),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all statuses")), *Pair.Status.choices],
        required=False,
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("all programmes"),
    )
    order = forms.ChoiceField(
        label=pgettext_lazy("document", "Order"), choices=ORDER_CHOICES, required=False
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.for_organisation(
            organisation
        )
        variants = self.fields["role_variant"].queryset
        choices = grouped_by_form(variants)
        choices[0] = ("", gettext("all role variants"))
        self.fields["role_variant"].choices = choices
        for name, field in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs["class"] = f"{css} {css}-sm"
        self.fields["q"].widget.attrs["placeholder"] = gettext("Last name")

    def filter(self, queryset, *, skip_status: bool = False):
        """`queryset` narrowed by the valid filters (invalid ones are ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        query = data.get("q", "").strip()
        if query:
            found = search(
                Pair.objects.all(),
                query,
                "mentor__participant__search_text",
                "co_mentor__participant__search_text",
                "memberships__mentee__participant__search_text",
            )
            queryset = queryset.filter(pk__in=found.values("pk"))
        for name in ("form", "role_variant", "programme"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("status") and not skip_status:
            queryset = queryset.filter(status=data["status"])
        if data.get("order") == "yes":
            queryset = queryset.exclude(order_number="")
        elif data.get("order") == "no":
            queryset = queryset.filter(order_number="")
        return queryset
