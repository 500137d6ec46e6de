"""Excel import and export of the mentor base and the mentee base.

Columns carry Russian headers. A row describes a person (the Participant) and their
row in the base; both are validated together, so a broken row is reported with its
column and nothing of the file is saved.

A resource made with `organisation=` (the curator's import pages) is scoped to it:
rows always land in that organisation, people are looked up only there, and a row
naming another organisation or the ID of someone outside it is refused. Without it
(the admin, for superusers) the «Организация» column decides.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import dateformat
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

    def clean(self, value, row=None, **kwargs):
        # An empty cell means "no"; anything else unknown is an error, not a "no".
        if value is None or str(value).strip() == "":
            return False
        text = value.strip() if isinstance(value, str) else value
        if text in self.TRUE_VALUES or normalize(str(text)) in ("да", "yes", "true"):
            return True
        if text in self.FALSE_VALUES or normalize(str(text)) in ("нет", "no", "false"):
            return False
        raise ValueError(
            gettext("Unknown value «%(value)s». Allowed: %(allowed)s.")
            % {
                "value": value,
                "allowed": f"«{gettext('yes')}», «{gettext('no')}»",
            }
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return gettext("yes") if value else gettext("no")


def not_in_catalogue(value, model) -> ValueError:
    return ValueError(
        gettext("«%(value)s» is not in the catalogue «%(catalogue)s».")
        % {"value": value, "catalogue": model._meta.verbose_name_plural}
    )


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a catalogue row up by its name (case- and «ё»-insensitive) and explains
    a miss in Russian."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        value = str(value).strip()
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            wanted = normalize(value)
            for item in self.get_queryset(value, row, **kwargs):
                if normalize(str(getattr(item, self.field))) == wanted:
                    return item
            raise not_in_catalogue(value, self.model) from None


class NamedManyToManyWidget(widgets.ManyToManyWidget):
    """Several catalogue names in one cell; a name that is not in the catalogue is
    an error (the stock widget silently drops it)."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return self.model.objects.none()
        names = [name.strip() for name in str(value).split(self.separator)]
        known = {
            normalize(str(getattr(item, self.field))): item.pk
            for item in self.model.objects.all()
        }
        missing = [name for name in names if name and normalize(name) not in known]
        if missing:
            raise not_in_catalogue("; ".join(missing), self.model)
        pks = [known[normalize(name)] for name in names if name]
        return self.model.objects.filter(pk__in=pks)


class WholeNumberWidget(widgets.IntegerWidget):
    """An integer cell; text or a fraction is explained in Russian."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if isinstance(value, bool):
            raise self.error(value)
        try:
            number = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise self.error(value) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise self.error(value)
        if abs(number) > 10**9:
            raise self.error(value)
        return int(number)

    @staticmethod
    def error(value) -> ValueError:
        return ValueError(
            gettext("«%(value)s» is not a whole number.") % {"value": value}
        )


def long_date(day: date) -> str:
    return dateformat.format(day, "j E Y")


class DateWidget(widgets.DateWidget):
    """A date cell, or text in ДД.ММ.ГГГГ; openpyxl reads date cells as datetimes.

    `earliest` and `future_days` bound what is plausible, so 1850 or 2099 typed by
    mistake is reported instead of saved."""

    INPUT_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")

    def __init__(self, format=None, earliest=None, future_days=None, **kwargs):
        self.earliest = earliest
        self.future_days = future_days
        super().__init__(format=format, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            day = self.parse(str(value).strip())
        self.check_range(day)
        return day

    def parse(self, text: str) -> date:
        for input_format in self.INPUT_FORMATS:
            try:
                return datetime.strptime(text, input_format).date()
            except ValueError:
                continue
        raise ValueError(
            gettext(
                "«%(value)s» is not a date. Write the date as DD.MM.YYYY, "
                "for example 05.03.2013."
            )
            % {"value": text}
        )

    def check_range(self, day: date) -> None:
        latest = (
            date.today() + timedelta(days=self.future_days)
            if self.future_days is not None
            else None
        )
        if (self.earliest and day < self.earliest) or (latest and day > latest):
            raise ValueError(
                gettext(
                    "The date %(date)s is not plausible here: expected from "
                    "%(earliest)s to %(latest)s."
                )
                % {
                    "date": day.strftime("%d.%m.%Y"),
                    "earliest": long_date(self.earliest) if self.earliest else "…",
                    "latest": long_date(latest) if latest else "…",
                }
            )


BIRTH_DATE = DateWidget(format="%d.%m.%Y", earliest=date(1920, 1, 1), future_days=0)
ENTRY_DATE = DateWidget(format="%d.%m.%Y", earliest=date(2000, 1, 1), future_days=366)


class PersonResource(resources.ModelResource):
    """A base row owns a Participant that is created or updated with it."""

    id = fields.Field(attribute="id", column_name="ID", widget=WholeNumberWidget())
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

    def __init__(self, organisation: Organisation | None = None, **kwargs):
        super().__init__(**kwargs)
        self.organisation = organisation
        for field in self.fields.values():
            if isinstance(field.widget, StudyGroupWidget):
                field.widget.organisation = organisation

    def scoped(self, queryset):
        if self.organisation is None:
            return queryset
        return queryset.filter(participant__organisation=self.organisation)

    def import_data(self, dataset, **kwargs):
        # One bad row means nothing of the file is saved, not "all but that row".
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def init_instance(self, row=None):
        return self._meta.model(participant=Participant(organisation=self.organisation))

    def before_import_row(self, row, **kwargs):
        # Spreadsheet cells left empty come back as None; text fields store "".
        for column, value in list(row.items()):
            if value is None:
                row[column] = ""
        if row.get("ID") not in (None, ""):
            self.check_id(row["ID"])
            return
        # A person already in the base (same organisation and full name) is updated,
        # not doubled, even when the file has no ID column.
        existing = self.find_existing(row)
        if existing is not None:
            row["ID"] = existing.pk

    def check_id(self, value) -> None:
        """In a scoped import an ID must be someone of this organisation's base:
        anything else would update (or overwrite) a row of another organisation."""
        if self.organisation is None:
            return
        try:
            pk = self.fields["id"].widget.clean(value)
        except ValueError as error:
            raise ValidationError({"id": [str(error)]}) from None
        if not self.get_queryset().filter(pk=pk).exists():
            raise ValidationError(
                {
                    "id": [
                        gettext(
                            "There is no one with ID %(id)s in the base of this "
                            "organisation. Leave the ID empty for a new person."
                        )
                        % {"id": value}
                    ]
                }
            )

    def find_existing(self, row):
        names = [
            row.get(str(self.fields[name].column_name)) or ""
            for name in ("last_name", "first_name", "middle_name")
        ]
        key = normalize(" ".join(str(part) for part in names if part))
        if not key:
            return None
        if self.organisation is not None:
            people = self._meta.model.objects.filter(
                participant__organisation=self.organisation
            )
        else:
            organisation = row.get(str(self.fields["organisation"].column_name))
            if not organisation:
                return None
            people = self._meta.model.objects.filter(
                participant__organisation__short_name=organisation,
            )
        return people.filter(
            Q(participant__search_text=key)
            | Q(participant__search_text__startswith=f"{key} ")
        ).first()

    def import_instance(self, instance, row, **kwargs):
        # Many-to-many cells are saved after the row; check them now so that a bad
        # value is reported with its column like any other.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if not isinstance(field.widget, widgets.ManyToManyWidget):
                continue
            if field.column_name not in row:
                continue
            try:
                field.clean(row)
            except ValueError as error:
                errors.setdefault(field.attribute, []).append(str(error))
        if errors:
            raise ValidationError(errors)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if self.organisation is not None and field is self.fields["organisation"]:
            # The organisation is the importer's own; the column may only repeat it.
            self.check_organisation(row.get(str(field.column_name)))
            return
        # Fields with a default cannot be empty (status, entry date, capacity): an
        # empty cell keeps the default in a new row and the current value in an
        # existing one.
        attribute = field.attribute or ""
        if (
            "__" not in attribute
            and row.get(str(field.column_name)) in ("", None)
            and any(
                f.name == attribute and f.has_default()
                for f in instance._meta.concrete_fields
            )
        ):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def check_organisation(self, value) -> None:
        if value is None or str(value).strip() == "":
            return
        names = {
            normalize(self.organisation.short_name),
            normalize(self.organisation.name),
        }
        if normalize(str(value)) not in names:
            raise ValueError(
                gettext(
                    "«%(value)s» is another organisation: this file can be imported "
                    "only into «%(current)s». Clear the column or remove the row."
                )
                % {"value": value, "current": self.organisation.short_name}
            )

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        errors = dict(import_validation_errors or {})
        # A cell that could not be read is reported once, not again as "required".
        failed = [name.split("__")[-1] for name in errors]
        try:
            instance.participant.full_clean(exclude=failed, validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        try:
            instance.full_clean(
                exclude=["participant", *failed], validate_unique=validate_unique
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
        widget=WholeNumberWidget(),
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
        widget=WholeNumberWidget(),
    )
    desired_age_max = fields.Field(
        attribute="desired_age_max",
        column_name=_("Desired mentee age, to"),
        widget=WholeNumberWidget(),
    )
    meeting_time = fields.Field(
        attribute="meeting_time", column_name=_("Convenient time for meetings")
    )
    capacity = fields.Field(
        attribute="capacity",
        column_name=_("How many mentees"),
        widget=WholeNumberWidget(),
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
        widget=ENTRY_DATE,
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
        return self.scoped(
            MentorProfile.objects.select_related(
                "participant__organisation", "category"
            )
        )


class StudyGroupWidget(widgets.Widget):
    """A class or group looked up by name within the importing organisation (a
    scoped resource sets `organisation`), or else the row's «Организация»."""

    organisation = None

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        name = str(value).strip().upper().replace(" ", "")
        if self.organisation is not None:
            groups = StudyGroup.objects.filter(organisation=self.organisation)
        else:
            groups = StudyGroup.objects.filter(
                organisation__short_name=(row or {}).get(str(_("Organisation")))
            )
        group = next(
            (g for g in groups if g.name.upper().replace(" ", "") == name), None
        )
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
        attribute="participant__birth_date",
        column_name=_("Date of birth"),
        widget=BIRTH_DATE,
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
        widget=WholeNumberWidget(),
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
        widget=NamedManyToManyWidget(MenteeCategory, field="name", separator=";"),
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
        widget=ENTRY_DATE,
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
        return self.scoped(
            MenteeProfile.objects.select_related(
                "participant__organisation",
                "participant__study_group",
                "preferred_form",
            ).prefetch_related("categories")
        )
