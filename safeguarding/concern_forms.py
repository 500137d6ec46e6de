"""Forms of concerns about a pair: input only; the rules are in
`safeguarding/concern_services.py`."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from safeguarding.models import Concern


class ConcernForm(forms.Form):
    """A mentor or a mentee writes the text; the staff also say who raised it
    (`staff=True`): a legal representative by name, or the mentor or a mentee who
    told them."""

    reporter = forms.ChoiceField(
        label=_("Who raises the concern"),
        choices=[(value, capfirst(label)) for value, label in Concern.Reporter.choices][
            ::-1
        ],
        initial=Concern.Reporter.REPRESENTATIVE,
    )
    representative_name = forms.CharField(
        label=_("Legal representative (full name)"),
        max_length=255,
        required=False,
    )
    text = forms.CharField(
        label=_("What is wrong"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Only the curator, the head, the social pedagogue and the psychologist "
            "read it, and you."
        ),
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["reporter"]
            del self.fields["representative_name"]


class ConcernResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
