"""Forms of the classes and groups page. What is refused (names taken, grades out of
range, letters that are not a parallel) is decided in `people.services`; the forms
only read the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.lib.cleaning import class_grade, class_name

# The list page holds both forms: distinct ids keep each label on its own field.
GROUP_IDS = "group-%s"
PARALLEL_IDS = "parallel-%s"


def grade_input(**attrs):
    # No min/max validators here: the service's message names the wrong grade.
    return forms.NumberInput(attrs={"min": 1, "max": 11, **attrs})


class GroupSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("Class or group, such as 5В or ТМ-21"),
            }
        ),
    )

    @property
    def query(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""


class StudyGroupForm(forms.Form):
    """One class or group; the grade of a school class is read from its name."""

    # Longer than the model's 30: «5 «В» класс» is shortened by the spelling.
    name = forms.CharField(
        label=_("Class or group"),
        max_length=60,
        help_text=_(
            "«5 «в»», «5-в» and «5в» are saved as 5В; a group such as «ТМ-21» "
            "keeps its spelling."
        ),
    )
    grade = forms.IntegerField(
        label=_("Grade or course"),
        required=False,
        widget=grade_input(),
        help_text=_("May be left empty when the name starts with the grade."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", GROUP_IDS)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("name") and "grade" in data and data["grade"] is None:
            grade = class_grade(class_name(data["name"]))
            if grade is None:
                self.add_error(
                    "grade",
                    _("The name does not start with a grade: write the grade."),
                )
            else:
                data["grade"] = grade
        return data


class ParallelForm(forms.Form):
    """A whole parallel: a grade and the letters of its classes."""

    grade = forms.IntegerField(label=_("Grade"), widget=grade_input())
    letters = forms.CharField(
        label=_("Letters"),
        max_length=100,
        help_text=_("«АБВГ», «А–Г» or «А, Б, В»."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", PARALLEL_IDS)
        super().__init__(*args, **kwargs)
