"""Forms of the consent register: its GET filters (shared with the Excel export),
recording a consent and revoking one. Checks live in `consent_services`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import EVIDENCE_ACCEPT
from mentoring.lib.search import search
from people.consent_services import Status
from people.filters import YES_NO, FilterForm, select
from people.models import Consent, Participant


class ConsentFilterForm(FilterForm):
    scope = forms.ChoiceField(
        label=_("scope"),
        choices=Consent.Scope.choices,
        widget=select(),
        help_text=_("The status filter and the counts refer to this scope."),
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("any")), *Status.choices], widget=select()
    )
    minors = forms.ChoiceField(label=_("minors"), choices=YES_NO, widget=select())
    pair = forms.ChoiceField(
        label=_("in an open pair"), choices=YES_NO, widget=select()
    )

    @property
    def scope_value(self) -> str:
        return self.values.get("scope", Consent.Scope.PROCESSING)

    def apply(self, queryset, ignore=()):
        """`queryset` comes from `consent_services.register_queryset`."""
        values = {k: v for k, v in self.values.items() if k not in ignore}
        if values.get("q"):
            queryset = search(queryset, values["q"])
        if values.get("status"):
            queryset = queryset.filter(
                **{f"{self.scope_value}_status": values["status"]}
            )
        for name in ("minors", "pair"):
            if values.get(name):
                field = "minor" if name == "minors" else "in_pair"
                queryset = queryset.filter(**{field: values[name] == "yes"})
        return queryset


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "scope",
            "given_by",
            "relation",
            "given_on",
            "valid_until",
            "document",
            "note",
        ]
        widgets = {
            "given_on": DateInput(),
            "valid_until": DateInput(),
            "document": forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        }
        help_texts = {
            "document": _("PDF, JPG, PNG, DOCX or XLSX, at most 5 MB."),
            "valid_until": _("Leave empty if the consent has no end date."),
        }

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["given_on"].initial = timezone.localdate()
        if participant.is_minor:
            # «self» stays a choice so that the service can say why it is wrong.
            self.fields["relation"].initial = Consent.Relation.MOTHER
            self.fields["given_by"].initial = participant.representative_name
        else:
            self.fields["relation"].initial = Consent.Relation.SELF
            self.fields["given_by"].initial = participant.full_name

    def _post_clean(self):
        # The service validates (and saves) the consent; the model is not
        # cleaned twice.
        pass


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label=_("revoked on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoked_on"].initial = timezone.localdate()
