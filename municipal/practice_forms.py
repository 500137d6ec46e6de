"""Forms of the best practices. They validate input only; the services decide."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.models import MentoringForm, Organisation, Programme
from municipal.models import Practice
from municipal.practices import describable_pairs, nameable_people
from pairs.models import Pair
from people.models import Participant

# A case's status in words that agree with «практика» (the model's choices are
# shared words such as «отозван»).
STATUS_LABELS = {
    Practice.Status.DRAFT: pgettext_lazy("practice", "draft"),
    Practice.Status.PUBLISHED: pgettext_lazy("practice", "published"),
    Practice.Status.WITHDRAWN: pgettext_lazy("practice", "withdrawn"),
}


class PairChoiceField(forms.ModelChoiceField):
    """A completed pair by its form, role variant and end (the mentor's name is
    on the pair's own page)."""

    def label_from_instance(self, pair):
        ended = f"{pair.ended_on:%d.%m.%Y}" if pair.ended_on else ""
        return f"{pair.name_for(official=True)} ({ended})"


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        if person.study_group_id:
            return f"{person.full_name} ({person.study_group})"
        return person.full_name


class PracticeForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none()
    )
    pair = PairChoiceField(
        label=_("Pair or group"),
        queryset=Pair.objects.none(),
        required=False,
        help_text=_(
            "A completed pair or group; empty for a case of the whole programme."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("In short"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences that appear in the collection."),
    )
    body = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 10})
    )
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    named = PersonChoiceField(
        label=_("People named"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Everyone whose name the case gives. Each needs a valid consent to "
            "publication before the case is published; the collection shows their "
            "names only."
        ),
    )

    def __init__(self, *args, organisation: Organisation, include=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.for_organisation(
            organisation
        )
        self.fields["pair"].queryset = describable_pairs(organisation).select_related(
            "mentor__participant"
        )
        people = nameable_people(organisation)
        if include:
            people = (
                Participant.objects.filter(
                    Q(pk__in=people.values("pk")) | Q(pk__in=include)
                )
                .select_related("study_group")
                .order_by("search_text", "pk")
            )
        self.fields["named"].queryset = people


class PracticeFilterForm(forms.Form):
    """Filters of the municipality's collection: all in the URL."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    form = forms.ModelChoiceField(
        label=_("Form of mentoring"),
        queryset=MentoringForm.objects.filter(is_social_risk=False, is_active=True),
        required=False,
    )
    kind = forms.ChoiceField(label=_("Type of organisation"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].empty_label = gettext("all forms")
        self.fields["kind"].choices = [
            ("", gettext("all types")),
            *Organisation.Kind.choices,
        ]
        for name, field in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs["class"] = f"{css} {css}-sm"
        self.fields["q"].widget.attrs["placeholder"] = gettext(
            "Title, text or organisation"
        )

    @property
    def filtered(self) -> bool:
        self.is_valid()
        return any(getattr(self, "cleaned_data", {}).values())

    def filter(self, queryset):
        """`queryset` narrowed by the valid filters (invalid ones are ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for word in (data.get("q") or "").split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(body__icontains=word)
                | Q(results__icontains=word)
                | Q(organisation__short_name__icontains=word)
            )
        if data.get("form"):
            form = data["form"]
            # A pair's case by the pair's form; a programme's by the forms it runs.
            queryset = queryset.filter(
                Q(pair__form=form)
                | Q(pair__isnull=True, programme__in=form.programmes.all())
            )
        if data.get("kind"):
            queryset = queryset.filter(organisation__kind=data["kind"])
        return queryset


class OwnPracticeFilterForm(forms.Form):
    """Filters of the organisation's own cases."""

    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", gettext("all cases")),
            *STATUS_LABELS.items(),
        ]
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"

    def filter(self, queryset):
        self.is_valid()
        status = getattr(self, "cleaned_data", {}).get("status")
        return queryset.filter(status=status) if status else queryset
