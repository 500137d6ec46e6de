"""Forms of the rewards register. They validate input only; the services decide."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.search import search
from mentoring.models import Organisation
from pairs.forms import DateInput
from pairs.models import Pair, Reward
from people.models import Participant


def rewardable_people(organisation: Organisation):
    """The organisation's mentors and mentees, and the mentors (from the municipal
    bank too) of its pairs."""
    pairs = Pair.objects.for_organisation(organisation)
    return (
        Participant.objects.filter(
            Q(organisation=organisation, mentor_profile__isnull=False)
            | Q(organisation=organisation, mentee_profile__isnull=False)
            | Q(mentor_profile__pairs__in=pairs)
            | Q(mentor_profile__co_pairs__in=pairs)
        )
        .select_related("study_group")
        .distinct()
        .order_by("search_text", "pk")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.study_group_id:
            return f"{obj.full_name} ({obj.study_group})"
        return obj.full_name


class PairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        ended = f"{obj.ended_on:%d.%m.%Y}" if obj.ended_on else ""
        return f"{obj.mentor.participant.full_name} — {obj.role_variant} ({ended})"


class RewardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reward"), choices=Reward.Kind.choices)
    person = PersonChoiceField(
        label=_("Who is rewarded"), queryset=Participant.objects.none()
    )
    pair = PairChoiceField(
        label=_("Pair or group"),
        queryset=Pair.objects.none(),
        required=False,
        help_text=_("The completed pair or group the reward is for."),
    )
    awarded_on = forms.DateField(label=_("Date"), widget=DateInput())
    basis = forms.CharField(
        label=_("For what"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. for successfully completing the mentoring programme"),
    )
    number = forms.CharField(label=_("Document No."), max_length=50, required=False)
    addressee = forms.CharField(
        label=_("Addressee"),
        max_length=500,
        required=False,
        help_text=_(
            "For a letter: the parents' names or the employer's organisation. "
            "Empty: the legal representative or the place of work on record."
        ),
    )
    text = forms.CharField(
        label=_("Text of the letter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Leave empty to get the standard text."),
    )
    signed_by = forms.CharField(
        label=_("Signed by"),
        max_length=255,
        required=False,
        help_text=_("Position and full name; the head of the organisation if empty."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = rewardable_people(organisation)
        self.fields["pair"].queryset = (
            Pair.objects.for_organisation(organisation)
            .filter(status=Pair.Status.COMPLETED)
            .select_related("mentor__participant", "role_variant")
            .order_by("-ended_on", "-pk")
        )
        self.fields["awarded_on"].widget.attrs["max"] = (
            f"{timezone.localdate():%Y-%m-%d}"
        )


class RewardFilterForm(forms.Form):
    """Filters of the register (and of its export): all in the URL."""

    q = forms.CharField(
        label=_("Who is rewarded"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Reward"), required=False)
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", gettext("all rewards")),
            *Reward.Kind.choices,
        ]
        years = Reward.objects.for_organisation(organisation).dates(
            "awarded_on", "year", order="DESC"
        )
        self.fields["year"].choices = [
            ("", gettext("all years")),
            *((day.year, day.year) for day in years),
        ]
        for name, field in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs["class"] = f"{css} {css}-sm"
        self.fields["q"].widget.attrs["placeholder"] = gettext("Last name")

    @property
    def filtered(self) -> bool:
        self.is_valid()
        return any(getattr(self, "cleaned_data", {}).values())

    def filter(self, queryset):
        """`queryset` narrowed by the valid filters (invalid ones are ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        query = (data.get("q") or "").strip()
        if query:
            queryset = search(queryset, query, "person__search_text")
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("year"):
            queryset = queryset.filter(awarded_on__year=data["year"])
        return queryset
