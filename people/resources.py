"""Excel import and export of the mentor base and the mentee base.

Columns carry Russian headers. A row describes a person (the Participant) and their
row in the base; both are validated together, so a broken row is reported with its
column and nothing of the file is saved.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from mentoring.lib.search import normalize
from mentoring.models import MenteeCategory, MentorCategory, MentoringForm, Organisation
from people.models import MenteeProfile, MentorProfile, Participant, StudyGroup


class ChoiceWidget(widgets.Widget):
    """Writes a choice's Russian label and reads back either the label or the value."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return ""
        text = normalize(str(value))
        for key, label in self.choices:
            if text in (normalize(str(label)), normalize(key)):
                return key
        allowed = ", ".join(f"«{label}»" for key, label in self.choices if key)
        raise ValueError(
            gettext("Unknown value «%(value)s». Allowed: %(allowed)s.")
            % {"value": value, "allowed": allowed}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class YesNoWidget(widgets.BooleanWidget):
    TRUE_VALUES = ["да", "Да", "ДА", "1", 1, True, "true", "True", "yes"]
    FALSE_VALUES = ["нет", "Нет", "НЕТ", "0", 0, False, "false", "False", "no"]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return gettext("yes") if value else gettext("no")


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a catalogue row up by its name and explains a miss in Russian."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                gettext("«%(value)s» is not in the catalogue «%(catalogue)s».")
                % {"value": value, "catalogue": self.model._meta.verbose_name_plural}
            ) from None


class DateWidget(widgets.DateWidget):
    """openpyxl reads date cells as datetimes; the models store dates."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        return super().clean(value, row, **kwargs)


DATE = DateWidget(format="%d.%m.%Y")


class PersonResource(resources.ModelResource):
    """A base row owns a Participant that is created or updated with it."""

    id = fields.Field(attribute="id", column_name="ID", widget=widgets.IntegerWidget())
    organisation = fields.Field(
        attribute="participant__organisation",
        column_name=_("Organisation"),
        widget=NamedForeignKeyWidget(Organisation, field="short_name"),
    )
    last_name = fields.Field(
        attribute="participant__last_name", column_name=_("Last name")
    )
    first_name = fields.Field(
        attribute="participant__first_name", column_name=_("First name")
    )
    middle_name = fields.Field(
        attribute="participant__middle_name", column_name=_("Patronymic")
    )
    kind = fields.Field(
        attribute="participant__kind",
        column_name=_("Who"),
        widget=ChoiceWidget(Participant.Kind.choices),
    )
    phone = fields.Field(attribute="participant__phone", column_name=_("Phone"))
    email = fields.Field(attribute="participant__email", column_name=_("E-mail"))
    person_fields = (
        "id",
        "organisation",
        "last_name",
        "first_name",
        "middle_name",
        "kind",
        "phone",
        "email",
    )

    def import_data(self, dataset, **kwargs):
        # One bad row means nothing of the file is saved, not "all but that row".
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def init_instance(self, row=None):
        return self._meta.model(participant=Participant())

    def before_import_row(self, row, **kwargs):
        # Spreadsheet cells left empty come back as None; text fields store "".
        for column, value in list(row.items()):
            if value is None:
                row[column] = ""
        # A person already in the base (same organisation and full name) is updated,
        # not doubled, even when the file has no ID column.
        if row.get("ID") not in (None, ""):
            return
        existing = self.find_existing(row)
        if existing is not None:
            row["ID"] = existing.pk

    def find_existing(self, row):
        names = [
            row.get(str(self.fields[name].column_name)) or ""
            for name in ("last_name", "first_name", "middle_name")
        ]
        key = normalize(" ".join(str(part) for part in names if part))
        organisation = row.get(str(self.fields["organisation"].column_name))
        if not key or not organisation:
            return None
        return (
            self._meta.model.objects.filter(
                participant__organisation__short_name=organisation,
            )
            .filter(
                Q(participant__search_text=key)
                | Q(participant__search_text__startswith=f"{key} ")
            )
            .first()
        )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # An empty cell in a new row keeps the model's default (status, entry date).
        attribute = field.attribute or ""
        if (
            instance.pk is None
            and "__" not in attribute
            and row.get(str(field.column_name)) in ("", None)
            and any(
                f.name == attribute and f.has_default()
                for f in instance._meta.concrete_fields
            )
        ):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        errors = dict(import_validation_errors or {})
        try:
            instance.participant.full_clean(validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        try:
            instance.full_clean(
                exclude=["participant"], validate_unique=validate_unique
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        # Dry runs happen inside a transaction that import-export rolls back.
        instance.participant.save()
        super().save_instance(instance, is_create, row, **kwargs)


class MentorResource(PersonResource):
    category = fields.Field(
        attribute="category",
        column_name=_("Mentor category"),
        widget=NamedForeignKeyWidget(MentorCategory, field="name"),
    )
    workplace = fields.Field(
        attribute="participant__workplace", column_name=_("Place of work or study")
    )
    position = fields.Field(
        attribute="participant__position", column_name=_("Position")
    )
    experience = fields.Field(
        attribute="participant__experience_years",
        column_name=_("Experience, years"),
        widget=widgets.IntegerWidget(),
    )
    subjects = fields.Field(
        attribute="participant__subjects", column_name=_("Subjects")
    )
    qualification = fields.Field(
        attribute="qualification_category",
        column_name=_("Qualification category"),
        widget=ChoiceWidget(
            MentorProfile._meta.get_field("qualification_category").choices
        ),
    )
    key_competencies = fields.Field(
        attribute="key_competencies", column_name=_("Key competencies")
    )
    achievements = fields.Field(
        attribute="achievements",
        column_name=_("Achievements important for the programme"),
    )
    interests = fields.Field(attribute="interests", column_name=_("Interests"))
    desired_age_min = fields.Field(
        attribute="desired_age_min",
        column_name=_("Desired mentee age, from"),
        widget=widgets.IntegerWidget(),
    )
    desired_age_max = fields.Field(
        attribute="desired_age_max",
        column_name=_("Desired mentee age, to"),
        widget=widgets.IntegerWidget(),
    )
    meeting_time = fields.Field(
        attribute="meeting_time", column_name=_("Convenient time for meetings")
    )
    capacity = fields.Field(
        attribute="capacity",
        column_name=_("How many mentees"),
        widget=widgets.IntegerWidget(),
    )
    status = fields.Field(
        attribute="status",
        column_name=_("Status"),
        widget=ChoiceWidget(MentorProfile.Status.choices),
    )
    shared_in_bank = fields.Field(
        attribute="shared_in_bank",
        column_name=_("Consents to the municipal mentor bank"),
        widget=YesNoWidget(),
    )
    entered_on = fields.Field(
        attribute="entered_on",
        column_name=_("Date of entering the programme"),
        widget=DATE,
    )

    class Meta:
        model = MentorProfile
        fields = (
            *PersonResource.person_fields,
            "category",
            "workplace",
            "position",
            "experience",
            "subjects",
            "qualification",
            "key_competencies",
            "achievements",
            "interests",
            "desired_age_min",
            "desired_age_max",
            "meeting_time",
            "capacity",
            "status",
            "shared_in_bank",
            "entered_on",
        )
        import_id_fields = ["id"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return MentorProfile.objects.select_related(
            "participant__organisation", "category"
        )


class StudyGroupWidget(widgets.Widget):
    """A class or group looked up by name within the row's organisation."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        name = str(value).strip().upper().replace(" ", "")
        organisation = (row or {}).get(str(_("Organisation")))
        group = StudyGroup.objects.filter(
            organisation__short_name=organisation, name__iexact=name
        ).first()
        if group is None:
            raise ValueError(
                gettext("There is no class or group «%(value)s» in this organisation.")
                % {"value": value}
            )
        return group

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class MenteeResource(PersonResource):
    birth_date = fields.Field(
        attribute="participant__birth_date", column_name=_("Date of birth"), widget=DATE
    )
    study_group = fields.Field(
        attribute="participant__study_group",
        column_name=_("Class or group"),
        widget=StudyGroupWidget(),
    )
    position = fields.Field(
        attribute="participant__position", column_name=_("Position")
    )
    experience = fields.Field(
        attribute="participant__experience_years",
        column_name=_("Experience, years"),
        widget=widgets.IntegerWidget(),
    )
    representative = fields.Field(
        attribute="participant__representative_name",
        column_name=_("Legal representative"),
    )
    representative_phone = fields.Field(
        attribute="participant__representative_phone",
        column_name=_("Legal representative's phone"),
    )
    categories = fields.Field(
        attribute="categories",
        column_name=_("Grounds for inclusion"),
        widget=widgets.ManyToManyWidget(MenteeCategory, field="name", separator=";"),
    )
    preferred_form = fields.Field(
        attribute="preferred_form",
        column_name=_("Preferred form of mentoring"),
        widget=NamedForeignKeyWidget(MentoringForm, field="name"),
    )
    proposed_by = fields.Field(attribute="proposed_by", column_name=_("Proposed by"))
    interests = fields.Field(attribute="interests", column_name=_("Interests"))
    meeting_time = fields.Field(
        attribute="meeting_time", column_name=_("Convenient time for meetings")
    )
    status = fields.Field(
        attribute="status",
        column_name=_("Status"),
        widget=ChoiceWidget(MenteeProfile.Status.choices),
    )
    entered_on = fields.Field(
        attribute="entered_on",
        column_name=_("Date of entering the programme"),
        widget=DATE,
    )

    class Meta:
        model = MenteeProfile
        fields = (
            *PersonResource.person_fields,
            "birth_date",
            "study_group",
            "position",
            "experience",
            "representative",
            "representative_phone",
            "categories",
            "preferred_form",
            "proposed_by",
            "interests",
            "meeting_time",
            "status",
            "entered_on",
        )
        import_id_fields = ["id"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return MenteeProfile.objects.select_related(
            "participant__organisation", "participant__study_group", "preferred_form"
        ).prefetch_related("categories")
