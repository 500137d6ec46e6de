"""The SWOT editor: one formset of points per quadrant and the conclusions."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from monitoring.models import Swot, SwotPoint


class SwotPointForm(forms.ModelForm):
    class Meta:
        model = SwotPoint
        fields = ["text", "order"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "order": forms.NumberInput(attrs={"min": 0, "class": "form-control-sm"}),
        }
        labels = {"text": _("Point"), "order": _("Order")}


class QuadrantFormSet(BaseInlineFormSet):
    """The points of one quadrant; `quadrant` is also the formset's prefix."""

    def __init__(self, *args, quadrant: str, **kwargs):
        self.quadrant = quadrant
        instance = kwargs.get("instance")
        kwargs.setdefault("prefix", f"points-{quadrant}")
        kwargs["queryset"] = SwotPoint.objects.filter(
            swot=instance, quadrant=quadrant
        ).order_by("order", "pk")
        super().__init__(*args, **kwargs)

    @property
    def quadrant_label(self):
        return SwotPoint.Quadrant(self.quadrant).label


SwotPointFormSet = inlineformset_factory(
    Swot,
    SwotPoint,
    form=SwotPointForm,
    formset=QuadrantFormSet,
    extra=1,
    can_delete=True,
)


class ConclusionForm(forms.ModelForm):
    class Meta:
        model = Swot
        fields = ["conclusion"]
        widgets = {"conclusion": forms.Textarea(attrs={"rows": 5})}


def quadrant_formsets(swot: Swot, data=None) -> list[QuadrantFormSet]:
    return [
        SwotPointFormSet(data, instance=swot, quadrant=code)
        for code in SwotPoint.Quadrant.values
    ]
