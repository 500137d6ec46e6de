"""Forms of the implementation checklist: they only collect input; the rules live
in municipal/checklist.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import EVIDENCE_ACCEPT, validate_evidence_field
from mentoring.models import Organisation
from municipal.checklist import ITEMS
from municipal.models import ChecklistItem

OVERDUE = "overdue"
AWAITING = "awaiting"


class DateInput(forms.DateInput):
    """A native date picker (the value must be ISO for it)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ChecklistEntryForm(forms.Form):
    done_on = forms.DateField(label=_("Date of the document"), widget=DateInput)
    document = forms.CharField(
        label=_("Document"),
        max_length=255,
        required=False,
        help_text=_("For example «приказ № 45 от 29.08.2025»."),
    )
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where the document is published (the organisation's website)."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, item: str, **kwargs):
        super().__init__(*args, **kwargs)
        if item == ChecklistItem.REGULATION_PUBLISHED:
            self.fields["link"].help_text = _(
                "Required: the page of the organisation's website with the regulation."
            )

    def clean_evidence_file(self):
        file = self.cleaned_data.get("evidence_file")
        validate_evidence_field(file)
        return file


class ChecklistDeadlinesForm(forms.Form):
    """One date per item; an empty one removes the deadline."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in ITEMS:
            self.fields[item] = forms.DateField(
                label=ChecklistItem(item).label,
                required=False,
                widget=DateInput,
            )


class ChecklistReviewForm(forms.Form):
    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (RETURN, _("Return for correction"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment for the organisation"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: say what to correct."),
    )


class ChecklistMatrixFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Type of organisation"), required=False)
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("all organisations")),
            (OVERDUE, _("only overdue")),
            (AWAITING, _("only awaiting review")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All types")), *Organisation.Kind.choices]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"
        for name in ("kind", "show"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    @property
    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}

    @property
    def is_filtered(self) -> bool:
        return any(self.values.get(name) for name in ("q", "kind", "show"))
