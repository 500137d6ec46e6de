"""Filters of the two bases, read from the URL (GET), shared by the list pages and
the Excel exports (`people/exports.py`), so an export holds exactly the rows the
curator sees.

A value that does not parse (a stale link, a hand-edited URL) is ignored rather
than turned into an error page.
"""

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mentoring.lib.search import search
from mentoring.models import (
    MenteeCategory,
    MentorCategory,
    MentoringForm,
    Organisation,
    Programme,
    RequestArea,
)
from people.models import (
    Consent,
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    StudyGroup,
)

OPEN_PAIR_STATUSES = ("formed", "active")
YES_NO = [("", _("any")), ("yes", _("yes")), ("no", _("no"))]
NO_FORM = "none"


def select(widget_class=forms.Select):
    return widget_class(attrs={"class": "form-select form-select-sm"})


class FilterForm(forms.Form):
    """A GET form: every field optional; `values` holds the valid ones only."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "type": "search",
                "placeholder": _("Full name, phone or e-mail"),
            }
        ),
    )

    def __init__(self, data=None, *, organisation: Organisation | None = None):
        super().__init__(data or {})
        self.organisation = organisation
        for field in self.fields.values():
            field.required = False

    @property
    def values(self) -> dict:
        if not hasattr(self, "_values"):
            self.is_valid()
            self._values = {
                name: value
                for name, value in self.cleaned_data.items()
                if value not in (None, "", [])
            }
        return self._values

    @property
    def is_filtered(self) -> bool:
        return bool(self.values)


class MenteeFilterForm(FilterForm):
    group = forms.ModelChoiceField(
        label=_("class or group"),
        queryset=StudyGroup.objects.all(),
        empty_label=_("any"),
        widget=select(),
    )
    category = forms.ModelChoiceField(
        label=_("grounds for inclusion"),
        queryset=MenteeCategory.objects.filter(is_active=True),
        empty_label=_("any"),
        widget=select(),
    )
    preferred_form = forms.ModelChoiceField(
        label=_("preferred form of mentoring"),
        queryset=MentoringForm.objects.filter(is_active=True),
        empty_label=_("any"),
        widget=select(),
    )
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("any")), *MenteeProfile.Status.choices],
        widget=select(),
    )
    pair = forms.ChoiceField(
        label=_("in an open pair"),
        choices=YES_NO,
        widget=select(),
    )
    consent = forms.ChoiceField(
        label=_("consent to data processing"),
        choices=[("", _("any")), ("missing", _("missing"))],
        widget=select(),
    )
    programme = forms.ModelChoiceField(
        label=_("programme"),
        queryset=Programme.objects.all(),
        empty_label=_("any"),
        widget=select(),
    )
    area = forms.ModelChoiceField(
        label=_("request area"),
        queryset=RequestArea.objects.filter(is_active=True),
        empty_label=_("any"),
        widget=select(),
    )
    request_form = forms.ChoiceField(
        label=_("form in the request"), choices=[], widget=select()
    )
    request_status = forms.ChoiceField(
        label=_("request status"),
        choices=[("", _("any")), *MenteeRequest.Status.choices],
        widget=select(),
    )

    # Filters on requests apply together, to one and the same request.
    REQUEST_FIELDS = ("area", "request_form", "request_status")

    def __init__(self, data=None, *, organisation=None):
        super().__init__(data, organisation=organisation)
        if organisation is not None:
            self.fields["group"].queryset = StudyGroup.objects.filter(
                organisation=organisation
            )
            self.fields["programme"].queryset = Programme.objects.for_organisation(
                organisation
            )
        self.fields["request_form"].choices = [
            ("", _("any")),
            (NO_FORM, _("without a form")),
            *(
                (str(form.pk), form.name)
                for form in MentoringForm.objects.filter(is_active=True)
            ),
        ]

    def apply(self, queryset: QuerySet, *, ignore=()) -> QuerySet:
        values = {k: v for k, v in self.values.items() if k not in ignore}
        if "q" in values:
            queryset = search(queryset, values["q"], "participant__search_text")
        if "group" in values:
            queryset = queryset.filter(participant__study_group=values["group"])
        if "category" in values:
            queryset = queryset.filter(categories=values["category"])
        if "preferred_form" in values:
            queryset = queryset.filter(preferred_form=values["preferred_form"])
        if "status" in values:
            queryset = queryset.filter(status=values["status"])
        if "programme" in values:
            queryset = queryset.filter(programme=values["programme"])
        if "pair" in values:
            in_open_pair = MenteeProfile.objects.filter(
                pair_memberships__pair__status__in=OPEN_PAIR_STATUSES,
                pair_memberships__left_on__isnull=True,
            ).values("pk")
            if values["pair"] == "yes":
                queryset = queryset.filter(pk__in=in_open_pair)
            else:
                queryset = queryset.exclude(pk__in=in_open_pair)
        if values.get("consent") == "missing":
            consented = (
                Consent.objects.valid()
                .filter(scope=Consent.Scope.PROCESSING)
                .values("participant")
            )
            queryset = queryset.exclude(participant__in=consented)
        request_filter = Q()
        if "area" in values:
            request_filter &= Q(area=values["area"])
        if values.get("request_form") == NO_FORM:
            request_filter &= Q(form__isnull=True)
        elif "request_form" in values:
            request_filter &= Q(form_id=int(values["request_form"]))
        if "request_status" in values:
            request_filter &= Q(status=values["request_status"])
        if request_filter:
            matching = MenteeRequest.objects.filter(request_filter).values("mentee")
            queryset = queryset.filter(pk__in=matching)
        return queryset


class MentorFilterForm(FilterForm):
    category = forms.ModelChoiceField(
        label=_("mentor category"),
        queryset=MentorCategory.objects.filter(is_active=True),
        empty_label=_("any"),
        widget=select(),
    )
    contour = forms.ChoiceField(
        label=_("contour"),
        choices=[("", _("any")), *MentorCategory.Contour.choices],
        widget=select(),
    )
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("any")), *MentorProfile.Status.choices],
        widget=select(),
    )
    free = forms.ChoiceField(
        label=_("has free places"),
        choices=[("", _("any")), ("yes", _("yes"))],
        widget=select(),
    )
    bank = forms.ChoiceField(
        label=_("in the municipal mentor bank"),
        choices=YES_NO,
        widget=select(),
    )

    def apply(self, queryset: QuerySet, *, ignore=()) -> QuerySet:
        values = {k: v for k, v in self.values.items() if k not in ignore}
        if "q" in values:
            queryset = search(queryset, values["q"], "participant__search_text")
        if "category" in values:
            queryset = queryset.filter(category=values["category"])
        if "contour" in values:
            queryset = queryset.filter(category__contour=values["contour"])
        if "status" in values:
            queryset = queryset.filter(status=values["status"])
        if "bank" in values:
            queryset = queryset.filter(shared_in_bank=values["bank"] == "yes")
        if values.get("free") == "yes":
            if "load" not in queryset.query.annotations:
                queryset = queryset.with_load()
            queryset = queryset.filter(load__lt=F("capacity"))
        return queryset


def filter_mentees(queryset: QuerySet, params, organisation=None) -> QuerySet:
    return MenteeFilterForm(params, organisation=organisation).apply(queryset)


def filter_mentors(queryset: QuerySet, params, organisation=None) -> QuerySet:
    return MentorFilterForm(params, organisation=organisation).apply(queryset)
