"""The mentee base and the mentor base as kinds of the import engine
(`mentoring.lib.importer`): which columns they read (the federal template layout
the portal's own exports write, the portal's template, and what schools write
instead), how a row becomes a person, and who in the base each row is.

People, not strings: a row is matched to someone already in the organisation by
full name, and only when nothing tells them apart — a different class, date of
birth or phone makes a namesake, never an update. A person who is in the
organisation but not in this base (a teacher who is a mentor, imported as a
mentee) keeps their record: the row adds them to the base. An empty cell keeps
what the base holds; it never erases.
"""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib import cleaning
from mentoring.lib.importer import (
    NEW,
    SAME,
    UPDATE,
    Column,
    Default,
    ImportKind,
    Known,
    Row,
    group_rows,
    settle_duplicates,
)
from mentoring.lib.search import normalize
from mentoring.models import (
    MenteeCategory,
    MentorCategory,
    MentoringForm,
    Organisation,
    RequestArea,
)
from mentoring.tier import tier_condition
from people.exports import place
from people.models import (
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    Participant,
    QualificationCategory,
    StudyGroup,
)

AUTO = "auto"
PLACE_TEXT = "place_text"  # the place as the file writes it (see clean_place)
BIRTH_EARLIEST = date(1920, 1, 1)
ENTRY_EARLIEST = date(2000, 1, 1)
REPRESENTATIVE = re.compile(r"^\s*(представитель|representative)\s*:\s*", re.I)
DIGITS = re.compile(r"\d")

# Headers schools write (besides the portal's own, which are the labels and are
# translated). Compared letters-and-digits only, case- and «ё»-insensitive.
NAME_HEADERS = (
    "ФИО",
    "Ф.И.О.",
    "Фамилия Имя Отчество",
    "Фамилия, имя, отчество",
    "ФИО полностью",
)
MENTEE_NAME_HEADERS = (
    "ФИО наставляемого",
    "ФИО обучающегося",
    "ФИО ученика",
    "ФИО учащегося",
    "ФИО студента",
    "ФИО педагога",
    "Наставляемый",
    "Обучающийся",
)
MENTOR_NAME_HEADERS = ("ФИО наставника", "Наставник", "ФИО педагога-наставника")


def common_columns(name_synonyms: tuple[str, ...]) -> tuple[Column, ...]:
    return (
        Column("id", "ID", ("Идентификатор", "Код")),
        Column(
            "full_name",
            _("Full name"),
            (*NAME_HEADERS, *name_synonyms),
            _("Surname, first name and patronymic in one cell."),
        ),
        Column("last_name", _("Last name"), ("Фамилия",)),
        Column("first_name", _("First name"), ("Имя",)),
        Column("middle_name", _("Patronymic"), ("Отчество",)),
        Column("kind", _("Who"), ("Категория участника", "Роль")),
        Column(
            "contacts",
            _("Contact details"),
            ("Контакты", "Контактные данные"),
            _("Phone and e-mail in one cell; for a minor, the representative's."),
        ),
        Column(
            "phone",
            _("Phone"),
            ("Телефон", "Тел.", "Мобильный телефон", "Номер телефона", "Сотовый"),
        ),
        Column(
            "email",
            _("E-mail"),
            ("Email", "E-mail", "Эл. почта", "Электронная почта", "Почта"),
        ),
        Column("organisation", _("Organisation"), ("Организация", "ОО", "Школа")),
        Column(
            "entered_on",
            _("Date of entering the programme"),
            ("Дата вхождения в программу", "Дата включения", "Дата вступления"),
        ),
        Column("status", _("Status"), ("Статус",)),
        Column("interests", _("Interests"), ("Интересы", "Увлечения", "Хобби")),
        Column(
            "meeting_time",
            _("Convenient time for meetings"),
            (
                "Время, когда удобно проводить встречи",
                "Удобное время для встреч",
                "Удобное время",
            ),
        ),
    )


PARTNER_REASON = _(
    "The partner and the pair of a base export: pairs are formed on the «Pairs» page."
)
# The pair's programme columns of both base exports (not loaded by either).
PROGRAMME_HEADERS = (
    "Место, где осуществляется программа",
    "Место реализации программы",
    "Срок осуществления программы",
    "Срок реализации программы",
    _("Place where the programme is carried out"),
    _("Period of the programme"),
)
RESULTS_REASON = _("Filled in at the end of the programme, in the pair's card.")


class PersonImport(ImportKind):
    """What the two bases share: the person's own columns and their matching."""

    profile_model: type = MenteeProfile
    required = (("full_name", "last_name"),)
    participant_fields = {
        # field key → Participant attribute
        "last_name": "last_name",
        "first_name": "first_name",
        "middle_name": "middle_name",
        "kind": "kind",
        "birth_date": "birth_date",
        "study_group": "study_group",
        "position": "position",
        "workplace": "workplace",
        "experience": "experience_years",
        "subjects": "subjects",
        "phone": "phone",
        "email": "email",
        "representative": "representative_name",
        "representative_phone": "representative_phone",
    }
    profile_fields: dict[str, str] = {}

    def key_of(self, attribute: str) -> str | None:
        """The field key a model field's error is shown on."""
        for fields in (self.participant_fields, self.profile_fields):
            for key, name in fields.items():
                if name == attribute:
                    return key
        return None

    @staticmethod
    def kind_default(auto_label: str) -> Default:
        """«Кто» for all rows: inferred (`auto_label` says how) or one kind."""
        kinds = tuple((key, str(label)) for key, label in Participant.Kind.choices)
        return Default("kind", _("Who"), ((AUTO, auto_label), *kinds), AUTO)

    # -- loading -------------------------------------------------------------------
    def prepare(self) -> None:
        organisation = self.organisation
        self.groups = {
            cleaning.class_key(group.name): group
            for group in StudyGroup.objects.filter(organisation=organisation)
        }
        self.missing_groups: dict[str, str] = {}  # key → name as it will be created
        participants = Participant.objects.filter(
            organisation=organisation
        ).select_related("study_group")
        self.people: dict[str, list[Participant]] = {}
        for person in participants:
            self.people.setdefault(normalize(person.full_name), []).append(person)
        profiles = self.profile_model.objects.filter(
            participant__organisation=organisation
        )
        self.profiles = {profile.participant_id: profile for profile in profiles}
        self.profiles_by_id = {profile.pk: profile for profile in profiles}
        self.names = {
            normalize(organisation.short_name),
            normalize(organisation.name),
        }

    # -- cleaning ------------------------------------------------------------------
    def clean_row(self, row: Row, defaults: dict) -> None:
        for key, value in row.raw.items():
            if value in (None, "") or key in row.errors:
                continue
            cleaner = getattr(self, f"clean_{key}", cleaning.text)
            try:
                cleaned = cleaner(value)
            except ValueError as error:
                row.error(key, str(error))
                continue
            except ValidationError as error:
                row.error(key, " ".join(error.messages))
                continue
            if cleaned not in (None, "", [], ()):
                row.values[key] = cleaned
        self.spread(row)
        self.finish(row, defaults)

    def spread(self, row: Row) -> None:
        """Composite cells into their fields; a field's own column wins."""
        values = row.values
        names = values.pop("full_name", None)
        if names:
            last, first, middle = names
            values.setdefault("last_name", last)
            values.setdefault("first_name", first)
            if middle:
                values.setdefault("middle_name", middle)
        contacts = values.pop("contacts", None)
        if contacts:
            for key, value in contacts.items():
                values.setdefault(key, value)
        place = values.pop("place", None)
        if place:
            for key, value in place.items():
                values.setdefault(key, value)
        named = values.get("last_name") and values.get("first_name")
        if not named and not {"full_name", "last_name"} & set(row.errors):
            key = "full_name" if "full_name" in row.raw else "last_name"
            row.error(key, gettext("A surname and a first name are needed."))

    def finish(self, row: Row, defaults: dict) -> None:
        """Values a row has from the choices for all rows or by inference."""

    def clean_id(self, value):
        return cleaning.whole_number(value, minimum=1)

    def clean_full_name(self, value):
        return cleaning.split_full_name(value)

    def clean_last_name(self, value):
        return self.name_part(value)

    clean_first_name = clean_last_name
    clean_middle_name = clean_last_name

    @staticmethod
    def name_part(value) -> str:
        text = cleaning.text(value)
        if text and (text.isupper() or text.islower()):
            text = "-".join(part.capitalize() for part in text.split("-"))
        return text

    def clean_kind(self, value):
        labels = {str(label): key for key, label in Participant.Kind.choices}
        return labels[cleaning.match_catalogue(value, labels)]

    def clean_phone(self, value):
        return cleaning.normalise_phone(value)

    clean_representative_phone = clean_phone

    def clean_email(self, value):
        return cleaning.clean_email(value)

    def clean_contacts(self, value) -> dict:
        """«+7 900 …, name@mail.ru» or «представитель: Иванова А. П., +7 900 …»
        (what the base export writes) into phone, e-mail or the representative."""
        text = cleaning.text(value)
        found: dict = {}
        representative = REPRESENTATIVE.match(text)
        parts = [
            p.strip()
            for p in re.split(
                r"[,;]", text[representative.end() :] if representative else text
            )
        ]
        names = []
        for part in filter(None, parts):
            if "@" in part:
                found["email"] = cleaning.clean_email(part)
            elif len(DIGITS.findall(part)) >= 6:
                key = "representative_phone" if representative else "phone"
                found[key] = cleaning.normalise_phone(part)
            elif representative:
                names.append(part)
            else:
                raise ValueError(
                    gettext(
                        "«%(value)s» is neither a phone nor an e-mail: give each its "
                        "own column, or separate them with a comma."
                    )
                    % {"value": part}
                )
        if names:
            found["representative"] = ", ".join(names)
        return found

    def clean_organisation(self, value):
        if normalize(cleaning.text(value)) not in self.names:
            raise ValueError(
                gettext(
                    "«%(value)s» is another organisation: this file can be imported "
                    "only into «%(current)s». Clear the column or exclude the row."
                )
                % {"value": value, "current": self.organisation.short_name}
            )
        return None  # the rows always go into the importer's organisation

    def clean_entered_on(self, value):
        return cleaning.parse_date(
            value,
            earliest=ENTRY_EARLIEST,
            latest=date.today() + timedelta(days=366),
        )

    def clean_birth_date(self, value):
        return cleaning.parse_date(value, earliest=BIRTH_EARLIEST, latest=date.today())

    def clean_experience(self, value):
        return cleaning.whole_number(value, minimum=0, maximum=70)

    def clean_study_group(self, value):
        name = cleaning.check_class(value)
        group = self.groups.get(cleaning.class_key(name))
        if group is None:
            self.missing_groups.setdefault(cleaning.class_key(name), name)
            raise ValueError(
                gettext(
                    "There is no class or group «%(name)s» in the organisation yet: "
                    "create it with the button above the table."
                )
                % {"name": name}
            )
        return group

    def clean_place(self, value) -> dict:
        """«Класс, группа или должность» (and the mentor's «Место работы/учёбы»):
        a class, else a position and a place of work, as the base export writes
        them («учитель математики, МБОУ СОШ № 5»: the place after the last
        comma). The text itself is kept, so a person whose place reads the same
        in the base is not changed."""
        text = cleaning.text(value)
        if cleaning.CLASS.match(text) or cleaning.class_key(text) in self.groups:
            return {"study_group": self.clean_study_group(text), PLACE_TEXT: text}
        position, _comma, workplace = text.rpartition(",")
        if not position:
            position, workplace = workplace, ""
        found = {"position": position.strip(), PLACE_TEXT: text}
        workplace = workplace.strip()
        if workplace and normalize(workplace) not in self.names:
            found["workplace"] = workplace
        return found

    def choice(self, value, choices):
        labels = {str(label): key for key, label in choices if key}
        return labels[cleaning.match_catalogue(value, labels)]

    # -- who is who ----------------------------------------------------------------
    @staticmethod
    def identity(row: Row) -> str:
        values = row.values
        return normalize(
            " ".join(
                values.get(k, "") for k in ("last_name", "first_name", "middle_name")
            )
        )

    @staticmethod
    def marks(values: dict) -> dict:
        """What tells namesakes apart."""
        group = values.get("study_group")
        phones = {values.get("phone"), values.get("representative_phone")} - {None, ""}
        return {
            "group": getattr(group, "pk", group),
            "birth_date": values.get("birth_date"),
            "phones": phones,
        }

    @classmethod
    def compatible_marks(cls, one: dict, other: dict) -> bool:
        for key in ("group", "birth_date"):
            if one[key] and other[key] and one[key] != other[key]:
                return False
        return not (
            one["phones"] and other["phones"] and not one["phones"] & other["phones"]
        )

    def compatible(self, row: Row, other: Row) -> bool:
        return self.compatible_marks(self.marks(row.values), self.marks(other.values))

    def conflicts(self, group: list[Row]) -> list[str]:
        labels = []
        keys = {key for row in group for key in row.values}
        for key in sorted(keys):
            seen = {self.comparable(row.values.get(key)) for row in group} - {None}
            if len(seen) > 1:
                labels.append(self.field_label(key))
        return labels

    @staticmethod
    def comparable(value):
        if value in (None, "", [], ()):
            return None
        if isinstance(value, list):
            return tuple(sorted(str(v) for v in value))
        return getattr(value, "pk", value)

    def field_label(self, key: str) -> str:
        if key in self.column_map:
            return self.label(key)
        return {
            "last_name": gettext("Last name"),
            "first_name": gettext("First name"),
            "middle_name": gettext("Patronymic"),
        }.get(key, key)

    def person_marks(self, person: Participant) -> dict:
        return self.marks(
            {
                "study_group": person.study_group,
                "birth_date": person.birth_date,
                "phone": cleaning_phone(person.phone),
                "representative_phone": cleaning_phone(person.representative_phone),
            }
        )

    def find(self, row: Row):
        """(participant, profile) already in the organisation, or an error."""
        if "id" in row.values:
            profile = self.profiles_by_id.get(row.values["id"])
            if profile is None:
                row.error(
                    "id",
                    gettext(
                        "There is no one with ID %(id)s in this base. Leave the ID "
                        "empty for a new person."
                    )
                    % {"id": row.values["id"]},
                )
                return None, None
            return profile.participant, profile
        marks = self.marks(row.values)
        candidates = [
            person
            for person in self.people.get(self.identity(row), [])
            if self.compatible_marks(marks, self.person_marks(person))
        ]
        if len(candidates) > 1:
            # The ones of this base first; then the best matched marks.
            in_base = [p for p in candidates if p.pk in self.profiles]
            candidates = in_base or candidates
        if len(candidates) > 1:
            row.row_errors.append(
                gettext(
                    "The organisation has %(count)s people named %(name)s and the row "
                    "does not say which: add the class, the date of birth or the phone."
                )
                % {"count": len(candidates), "name": self.display_name(row)}
            )
            return None, None
        if not candidates:
            return None, None
        person = candidates[0]
        return person, self.profiles.get(person.pk)

    @staticmethod
    def display_name(row: Row) -> str:
        return " ".join(
            row.values.get(k, "") for k in ("last_name", "first_name", "middle_name")
        ).strip()

    def plan(self, rows: list[Row], decisions: dict) -> None:
        for group in group_rows(rows, self.identity, self.compatible):
            for row in settle_duplicates(group, decisions, self.conflicts):
                self.plan_row(row)

    def plan_row(self, row: Row) -> None:
        person, profile = self.find(row)
        if row.has_errors:
            return
        row.existing = profile
        text = row.values.pop(PLACE_TEXT, None)
        same_place = text is not None and person is not None
        if same_place and normalize(text) == normalize(place(person)):
            for key in ("study_group", "position", "workplace"):
                if key not in row.raw:  # only what the place cell gave
                    row.values.pop(key, None)
        participant = (
            copy.copy(person) if person else Participant(organisation=self.organisation)
        )
        if profile is not None:
            profile = copy.copy(profile)
        else:
            profile = self.profile_model()
            if person is not None:
                row.notes.append(
                    gettext("already in the organisation: added to this base")
                )
        for key, attribute in self.participant_fields.items():
            if key in row.values and not (person and key in row.defaulted):
                self.assign(row, participant, attribute, key, row.values[key], person)
        for key, attribute in self.profile_fields.items():
            if key in row.values and not (row.existing and key in row.defaulted):
                self.assign(row, profile, attribute, key, row.values[key], row.existing)
        self.plan_extra(row, participant, profile)
        self.validate(row, participant, profile)
        row.objects = (participant, profile)
        if row.existing is None:
            row.status = NEW
        else:
            row.status = UPDATE if row.changes or row.notes else SAME

    def assign(self, row, obj, attribute, key, value, existing) -> None:
        try:
            current = getattr(obj, attribute)
        except ObjectDoesNotExist:  # a new profile's required relation
            current = None
        if self.same(current, value, attribute):
            return
        setattr(obj, attribute, value)
        if existing is not None:
            row.changes.append((self.field_label(key), shown(current), shown(value)))

    @staticmethod
    def same(current, value, attribute) -> bool:
        if attribute.endswith("phone"):
            return cleaning_phone(current) == value
        if isinstance(current, str) and isinstance(value, str):
            return normalize(current) == normalize(value) and current.strip() == value
        return getattr(current, "pk", current) == getattr(value, "pk", value)

    def plan_extra(self, row, participant, profile) -> None:
        """Anything beyond plain fields (many-to-many, requests)."""

    def validate(self, row: Row, participant, profile) -> None:
        # Relations are objects loaded by prepare(): not looked up again per row
        # (Django's check of a foreign key is a query).
        for obj, exclude in (
            (participant, ["organisation", "user", "study_group"]),
            (profile, ["participant", "category", "preferred_form", "programme"]),
        ):
            try:
                obj.full_clean(
                    exclude=exclude, validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    key = self.key_of(name)
                    message = " ".join(messages)
                    if key and key in row.raw:
                        row.error(key, message)
                    elif key == "last_name" and "full_name" in row.raw:
                        row.error("full_name", message)
                    else:
                        row.row_errors.append(
                            f"{self.field_label(key or name)}: {message}"
                        )

    # -- writing -------------------------------------------------------------------
    def save(self, rows: list[Row]) -> dict:
        counts = {NEW: 0, UPDATE: 0}
        for row in rows:
            participant, profile = row.objects
            participant.save()
            profile.participant = participant
            profile.save()
            self.save_extra(row, profile)
            counts[row.status] += 1
        return counts

    def save_extra(self, row: Row, profile) -> None:
        pass

    def extras(self, preview) -> dict:
        missing = sorted(
            self.missing_groups.values(),
            key=lambda name: (cleaning.class_grade(name) or 99, name),
        )
        return {
            "missing_groups": [
                (name, cleaning.class_grade(name) or "") for name in missing
            ]
        }


def cleaning_phone(value) -> str:
    if not value:
        return ""
    try:
        return cleaning.normalise_phone(value)
    except ValueError:
        return value


def shown(value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


class MenteeImport(PersonImport):
    slug = "mentees"
    title = _("Mentee base")
    profile_model = MenteeProfile
    columns = (
        *common_columns(MENTEE_NAME_HEADERS),
        Column(
            "birth_date",
            _("Date of birth"),
            ("Дата рождения", "Д.р.", "ДР", "Дата рожд."),
        ),
        Column(
            "study_group",
            _("Class or group"),
            ("Класс", "Кл.", "Группа", "Класс/группа", "Учебная группа"),
        ),
        Column(
            "place",
            _("Class, group or position"),
            ("Класс, группа или должность", "Класс/группа/должность"),
        ),
        Column("position", _("Position"), ("Должность",)),
        Column(
            "experience",
            _("Experience, years"),
            ("Стаж", "Стаж, лет", "Педагогический стаж"),
        ),
        Column(
            "representative",
            _("Legal representative"),
            (
                "Законный представитель",
                "ФИО законного представителя",
                "ФИО родителя",
                "Родитель",
                "Родители",
            ),
        ),
        Column(
            "representative_phone",
            _("Legal representative's phone"),
            (
                "Телефон законного представителя",
                "Телефон родителей",
                "Телефон родителя",
                "Тел. родителей",
            ),
        ),
        Column(
            "categories",
            _("Grounds for inclusion"),
            ("Основание включения", "Категория", "Категория наставляемого"),
            _("One or several values of the catalogue, separated by «;»."),
        ),
        Column(
            "form",
            _("Preferred form of mentoring"),
            ("Форма наставничества", "Желаемая форма", "Форма"),
        ),
        Column(
            "requests",
            _("Key request of the mentee"),
            ("Запрос", "Ключевой запрос", "Запрос наставляемого", "Карта запросов"),
            _("One or several requests, separated by «;»."),
        ),
        Column("proposed_by", _("Proposed by"), ("Кем предложен", "Кто предложил")),
        Column(
            "case_link",
            _("Link to a case or review of the mentee"),
            ("Ссылка на кейс/отзыв наставляемого", "Ссылка на кейс"),
        ),
        Column(
            "media_link",
            _("Link to photos or video"),
            ("Ссылка на фото/видео", "Фото/видео"),
        ),
    )
    known = (
        Known(
            (
                "Возраст",
                "Возраст наставляемого",
                _("Age of the mentee"),
            ),
            _("Worked out from the date of birth."),
        ),
        Known(
            (
                "ФИО наставника",
                "Место работы/учебы наставника",
                _("Full name of the mentor"),
                _("Place of work or study of the mentor"),
                *PROGRAMME_HEADERS,
            ),
            PARTNER_REASON,
        ),
        Known(
            (
                "Результаты программы",
                "Отметка о прохождении программы",
                _("Results of the programme"),
                _("Mark of completing the programme"),
            ),
            RESULTS_REASON,
        ),
    )
    profile_fields = {
        "proposed_by": "proposed_by",
        "interests": "interests",
        "meeting_time": "meeting_time",
        "entered_on": "entered_on",
        "status": "status",
        "case_link": "case_link",
        "media_link": "media_link",
    }

    def defaults(self) -> list[Default]:
        areas = tuple(
            (str(pk), name)
            for pk, name in RequestArea.objects.filter(is_active=True).values_list(
                "pk", "name"
            )
        )
        return [
            self.kind_default(gettext("by the class or the position")),
            Default(
                "request_area",
                _("Area of the requests"),
                areas,
                areas[0][0] if areas else "",
                when=("requests",),
            ),
        ]

    def prepare(self) -> None:
        super().prepare()
        self.categories = MenteeCategory.objects.filter(is_active=True)
        self.forms = MentoringForm.objects.filter(is_active=True)
        if self.hide_tier:
            self.categories = self.categories.exclude(tier_condition(MenteeCategory))
            self.forms = self.forms.exclude(tier_condition(MentoringForm))
        self.categories = {c.name: c for c in self.categories}
        self.forms = {f.name: f for f in self.forms}
        self.areas = {str(a.pk): a for a in RequestArea.objects.filter(is_active=True)}
        mentees = list(self.profiles.values())
        self.current_categories = {m.pk: set() for m in mentees}
        for mentee_id, category_id in MenteeProfile.categories.through.objects.filter(
            menteeprofile__in=mentees
        ).values_list("menteeprofile_id", "menteecategory_id"):
            self.current_categories[mentee_id].add(category_id)
        self.pair_forms: dict[int, set] = {}
        for mentee_id, form_id in MenteeProfile.objects.filter(
            pk__in=[m.pk for m in mentees], pair_memberships__isnull=False
        ).values_list("pk", "pair_memberships__pair__form_id"):
            self.pair_forms.setdefault(mentee_id, set()).add(form_id)
        self.current_requests: dict[int, set] = {}
        for mentee_id, text in MenteeRequest.objects.filter(
            mentee__in=mentees
        ).values_list("mentee_id", "text"):
            self.current_requests.setdefault(mentee_id, set()).add(normalize(text))

    def clean_status(self, value):
        return self.choice(value, MenteeProfile.Status.choices)

    def clean_categories(self, value):
        return [
            self.categories[cleaning.match_catalogue(name, self.categories)]
            for name in cleaning.split_list(value)
        ]

    def clean_form(self, value):
        return self.forms[cleaning.match_catalogue(value, self.forms)]

    def clean_requests(self, value):
        return cleaning.split_list(value)

    def finish(self, row: Row, defaults: dict) -> None:
        values = row.values
        if "kind" not in values and "kind" not in row.errors:
            chosen = defaults.get("kind", AUTO)
            if chosen in Participant.Kind.values:
                values["kind"] = chosen
            else:
                values["kind"] = self.infer_kind(values)
            row.defaulted.add("kind")

    def infer_kind(self, values: dict) -> str:
        if values.get("study_group"):
            if self.organisation.kind == Organisation.Kind.COLLEGE:
                return Participant.Kind.STUDENT
            return Participant.Kind.PUPIL
        if values.get("position") or values.get("experience") is not None:
            return Participant.Kind.TEACHER
        return Participant.Kind.PUPIL

    def plan_extra(self, row, participant, profile) -> None:
        existing = row.existing
        row.categories = None
        if "categories" in row.values:
            wanted = {c.pk for c in row.values["categories"]}
            current = self.current_categories.get(getattr(existing, "pk", None), set())
            visible = {c.pk for c in self.categories.values()}
            kept = current - visible  # what this user may not see stays as it is
            if wanted | kept != current:
                row.categories = wanted | kept
                if existing is not None:
                    names = {c.pk: c.name for c in self.categories.values()}
                    row.changes.append(
                        (
                            self.label("categories"),
                            "; ".join(names[pk] for pk in current & visible) or "—",
                            "; ".join(names[pk] for pk in wanted),
                        )
                    )
        form = row.values.get("form")
        if form is not None:
            in_pair = form.pk in self.pair_forms.get(getattr(existing, "pk", None), ())
            if not in_pair:
                self.assign(row, profile, "preferred_form", "form", form, existing)
        row.new_requests = []
        current = self.current_requests.get(getattr(existing, "pk", None), set())
        for text in row.values.get("requests", []):
            if normalize(text) in current or text in row.new_requests:
                continue
            if len(text) > MenteeRequest._meta.get_field("text").max_length:
                row.error(
                    "requests",
                    gettext("A request is longer than %(limit)s characters.")
                    % {"limit": MenteeRequest._meta.get_field("text").max_length},
                )
                continue
            row.new_requests.append(text)
            if existing is not None:
                row.notes.append(gettext("new request: %(text)s") % {"text": text})

    def save_extra(self, row: Row, profile) -> None:
        if row.categories is not None:
            profile.categories.set(row.categories)
        if row.new_requests:
            area = self.areas.get(self.request_area) or next(
                iter(self.areas.values()), None
            )
            MenteeRequest.objects.bulk_create(
                MenteeRequest(mentee=profile, area=area, text=text)
                for text in row.new_requests
            )

    def clean_row(self, row: Row, defaults: dict) -> None:
        self.request_area = defaults.get("request_area", "")
        super().clean_row(row, defaults)


class MentorImport(PersonImport):
    slug = "mentors"
    title = _("Mentor base")
    profile_model = MentorProfile
    columns = (
        *common_columns(MENTOR_NAME_HEADERS),
        Column(
            "category",
            _("Mentor category"),
            ("Категория наставника", "Категория", "Контур"),
        ),
        Column(
            "place",
            _("Place of work or study of the mentor"),
            ("Место работы/учебы наставника", "Место работы/учёбы"),
        ),
        Column(
            "workplace",
            _("Place of work or study"),
            ("Место работы", "Место учебы", "Организация-партнёр"),
        ),
        Column("study_group", _("Class or group"), ("Класс", "Кл.", "Группа")),
        Column("position", _("Position"), ("Должность",)),
        Column(
            "experience",
            _("Experience, years"),
            ("Стаж", "Стаж, лет", "Педагогический стаж", "Стаж работы"),
        ),
        Column(
            "subjects", _("Subjects"), ("Предмет", "Предметы", "Преподаваемый предмет")
        ),
        Column(
            "qualification",
            _("Qualification category"),
            ("Квалификационная категория", "Категория (квалификационная)"),
        ),
        Column(
            "key_competencies",
            _("Key competencies"),
            ("Ключевые компетенции", "Компетенции"),
        ),
        Column(
            "achievements",
            _("Achievements important for the programme"),
            ("Достижения", "Важные для программы достижения"),
        ),
        Column(
            "desired_age",
            _("Desired age of mentees"),
            ("Желаемый возраст наставляемых", "Возраст наставляемых"),
            _("One age or a range: «12–15»."),
        ),
        Column("desired_age_min", _("Desired mentee age, from"), ()),
        Column("desired_age_max", _("Desired mentee age, to"), ()),
        Column(
            "capacity",
            _("How many mentees"),
            ("Количество наставляемых", "Сколько наставляемых", "Нагрузка"),
        ),
        Column(
            "shared_in_bank",
            _("Consents to the municipal mentor bank"),
            ("Банк наставников", "Согласие на банк наставников"),
        ),
    )
    known = (
        Known(
            (
                "ФИО наставляемого",
                "Место работы/учебы наставляемого",
                "Форма наставничества",
                "Ссылка на кейс/отзыв",
                "Ссылка на фото/видео",
                _("Full name of the mentee"),
                _("Place of work or study of the mentee"),
                _("Form of mentoring"),
                _("Link to a case or review"),
                _("Link to photos or video"),
                *PROGRAMME_HEADERS,
            ),
            PARTNER_REASON,
        ),
        Known(
            ("Результаты программы", _("Results of the programme")),
            RESULTS_REASON,
        ),
    )
    profile_fields = {
        "category": "category",
        "qualification": "qualification_category",
        "key_competencies": "key_competencies",
        "achievements": "achievements",
        "interests": "interests",
        "desired_age_min": "desired_age_min",
        "desired_age_max": "desired_age_max",
        "meeting_time": "meeting_time",
        "capacity": "capacity",
        "status": "status",
        "shared_in_bank": "shared_in_bank",
        "entered_on": "entered_on",
    }
    KIND_BY_CATEGORY = {
        "pupil": Participant.Kind.PUPIL,
        "student": Participant.Kind.STUDENT,
        "teacher": Participant.Kind.TEACHER,
        "parent": Participant.Kind.PARENT,
    }

    def defaults(self) -> list[Default]:
        categories = tuple(
            (str(c.pk), c.name) for c in MentorCategory.objects.filter(is_active=True)
        )
        teacher = next(
            (str(c.pk) for c in MentorCategory.objects.filter(code="teacher")), ""
        )
        return [
            Default(
                "category",
                _("Mentor category"),
                categories,
                teacher or (categories[0][0] if categories else ""),
            ),
            self.kind_default(gettext("by the mentor category")),
        ]

    def prepare(self) -> None:
        super().prepare()
        self.categories = {
            c.name: c for c in MentorCategory.objects.filter(is_active=True)
        }
        self.categories_by_pk = {str(c.pk): c for c in self.categories.values()}

    def clean_category(self, value):
        return self.categories[cleaning.match_catalogue(value, self.categories)]

    def clean_status(self, value):
        return self.choice(value, MentorProfile.Status.choices)

    def clean_qualification(self, value):
        return self.choice(value, QualificationCategory.choices)

    def clean_capacity(self, value):
        return cleaning.whole_number(value, minimum=1, maximum=30)

    def clean_desired_age_min(self, value):
        return cleaning.whole_number(value, minimum=1, maximum=99)

    clean_desired_age_max = clean_desired_age_min

    def clean_desired_age(self, value):
        numbers = re.findall(r"\d+", cleaning.text(value))
        if not 1 <= len(numbers) <= 2:
            raise ValueError(
                gettext("«%(value)s» is not an age or a range like «12–15».")
                % {"value": value}
            )
        low, high = int(numbers[0]), int(numbers[-1])
        if low > high:
            low, high = high, low
        return {"desired_age_min": low, "desired_age_max": high}

    def plan_extra(self, row, participant, profile) -> None:
        # The model's constraint, checked here without a query per row.
        low, high = profile.desired_age_min, profile.desired_age_max
        if low is not None and high is not None and low > high:
            key = "desired_age" if "desired_age" in row.raw else "desired_age_min"
            row.error(
                key, gettext("The lowest desired age cannot be above the highest.")
            )

    def clean_shared_in_bank(self, value):
        return cleaning.yes_no(value)

    def spread(self, row: Row) -> None:
        ages = row.values.pop("desired_age", None)
        if ages:
            for key, value in ages.items():
                row.values.setdefault(key, value)
        super().spread(row)

    def finish(self, row: Row, defaults: dict) -> None:
        values = row.values
        if "category" not in values and "category" not in row.errors:
            category = self.categories_by_pk.get(defaults.get("category", ""))
            if category is None:
                row.error(
                    "category", gettext("Choose the mentor category for all rows.")
                )
                return
            values["category"] = category
            row.defaulted.add("category")
        if "kind" not in values and "kind" not in row.errors:
            chosen = defaults.get("kind", AUTO)
            if chosen in Participant.Kind.values:
                values["kind"] = chosen
            else:
                code = getattr(values.get("category"), "code", "")
                values["kind"] = self.KIND_BY_CATEGORY.get(
                    code, Participant.Kind.EXTERNAL
                )
            row.defaulted.add("kind")


KINDS = {kind.slug: kind for kind in (MenteeImport, MentorImport)}
