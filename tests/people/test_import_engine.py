"""The import engine with the two bases (`people.import_kinds`): the header found,
the columns mapped, cells cleaned and reported on their field, people matched
(namesakes kept apart, twins never made), and the write all or nothing."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.lib import importer
from mentoring.models import MenteeCategory, MentorCategory
from people.import_kinds import MenteeImport, MentorImport
from people.models import MenteeProfile, MentorProfile, Participant
from tests import factories as f
from tests.people.import_flow import MENTEES, column, make_xlsx, mentee_row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_7b(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


def mentee_file(*rows) -> bytes:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return make_xlsx(headers, rows)


def preview(organisation, content, *, name="база.xlsx", kind=MenteeImport, **state):
    return importer.build_preview(
        kind(organisation),
        content=content,
        filename=name,
        state=importer.ImportState(checked=True, **state),
    )


def apply(organisation, content, *, kind=MenteeImport, **state):
    return importer.apply(
        kind(organisation),
        content=content,
        filename="база.xlsx",
        state=importer.ImportState(**state),
    )


def vera(organisation, group, **values):
    """The person of `mentee_row()`, already in the base."""
    return f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Смирнова",
        participant__first_name="Вера",
        participant__middle_name="Олеговна",
        participant__study_group=group,
        participant__birth_date=date(2013, 3, 5),
        **values,
    )


def row(preview, number):
    return next(r for r in preview.rows if r.number == number)


# --- reading and mapping ----------------------------------------------------------


def test_the_portal_template_maps_every_column(organisation, group_7b):
    result = preview(organisation, mentee_file(mentee_row()))
    assert [c.field for c in result.columns] == [
        "last_name",
        "first_name",
        "middle_name",
        "kind",
        "study_group",
        "birth_date",
    ]
    assert result.is_clean and result.new == 1


def test_headers_are_matched_whatever_their_case_and_punctuation(
    organisation, group_7b
):
    content = xlsx(
        [["Ф.И.О.", "КЛ.", "д.р."], ["Смирнова Вера Олеговна", "7б", "5.3.13"]]
    )
    result = preview(organisation, content)
    assert [c.field for c in result.columns] == [
        "full_name",
        "study_group",
        "birth_date",
    ]
    assert result.is_clean
    assert row(result, 2).values["birth_date"] == date(2013, 3, 5)


def test_an_unknown_column_is_not_loaded_and_said_so(organisation, group_7b):
    content = xlsx([["ФИО", "Любимый цвет"], ["Смирнова Вера", "синий"]])
    result = preview(organisation, content)
    assert [c.field for c in result.columns] == ["full_name", ""]
    assert result.is_clean


def test_without_a_name_column_the_mapping_is_refused(organisation):
    content = xlsx([["Класс", "Дата рождения"], ["7Б", "05.03.2013"]])
    result = preview(organisation, content)
    assert result.mapping_errors
    assert not result.checked and not result.rows


def test_two_columns_into_one_field_are_refused(organisation):
    content = xlsx([["ФИО", "Ф.И.О."], ["Смирнова Вера", "Орлова Ия"]])
    result = preview(organisation, content, mapping=["full_name", "full_name"])
    assert any(
        "Столбцы A, B загружаются в одно поле «ФИО»" in e for e in result.mapping_errors
    ), result.mapping_errors
    assert not result.rows


def test_no_header_anywhere_is_a_clear_error(organisation):
    content = xlsx([["что-то"], ["ещё что-то"]])
    with pytest.raises(importer.ValidationError) as refused:
        preview(organisation, content)
    assert refused.value.code == "no_header"


def test_the_header_row_and_the_sheet_can_be_chosen(organisation, group_7b):
    content = xlsx([["Список"], ["ФИО", "Класс"], ["Смирнова Вера", "7Б"]])
    result = preview(organisation, content)
    assert result.header_row == 2
    chosen = preview(organisation, content, sheet="База", header=0)
    assert chosen.header_row == 1


def test_too_many_rows_are_refused(organisation, group_7b, settings):
    settings.IMPORT_MAX_ROWS = 2
    content = mentee_file(*(mentee_row(last_name=f"Смирнова{i}") for i in range(3)))
    with pytest.raises(importer.ValidationError) as refused:
        preview(organisation, content)
    assert refused.value.code == "too_many_rows"


# --- cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("birth_date", "31.02.2025", "28"),
        ("birth_date", "01.05.1850", "1920"),
        ("birth_date", datetime(2099, 5, 1), "2099"),
        ("entered_on", datetime(1990, 9, 1), "1990"),
        ("study_group", "7Я", "7Я"),
        ("kind", "инопланетянин", "инопланетянин"),
        ("status", "в космосе", "в космосе"),
        ("preferred_form", "Космонавт – ученик", "Космонавт"),
        ("categories", "Вновь прибывшие в школу учащиеся; Космонавты", "Космонавты"),
        ("experience", "пять", "пять"),
        ("email", "не почта", "не почта"),
        ("phone", "12-34", "12-34"),
    ],
)
def test_a_bad_cell_is_reported_on_its_field(
    organisation, group_7b, name, value, words
):
    content = mentee_file(mentee_row(), mentee_row(last_name="Орлова", **{name: value}))
    result = preview(organisation, content)
    assert row(result, 2).status == importer.NEW
    bad = row(result, 3)
    assert bad.status == importer.ERROR
    field = {"preferred_form": "form"}.get(name, name)
    assert list(bad.errors) == [field]
    assert words in bad.errors[field]
    with pytest.raises(importer.Rejected):
        apply(organisation, content)
    assert not Participant.objects.exists()


def test_a_formula_is_refused_on_its_cell_and_not_evaluated(organisation, group_7b):
    headers = list(mentee_row())
    content = make_xlsx(
        headers,
        [mentee_row()],
        formulas={(2, column(MENTEES, "middle_name")): '=CONCATENATE("Оле";"говна")'},
    )
    result = preview(organisation, content)
    assert "формул" in row(result, 2).errors["middle_name"]


def test_a_correction_on_the_page_replaces_the_cell(organisation, group_7b):
    content = mentee_file(mentee_row(study_group="7Я"))
    assert row(preview(organisation, content), 2).status == importer.ERROR
    fixed = preview(organisation, content, edits={(2, "study_group"): "7 б"})
    assert fixed.is_clean
    assert row(fixed, 2).values["study_group"] == group_7b


def test_values_as_people_write_them(organisation):
    for name in ("5В", "6А"):
        f.StudyGroupFactory(organisation=organisation, name=name, grade=int(name[0]))
    content = xlsx(
        [
            [
                "ФИО",
                "Класс",
                "Дата вхождения в программу",
                "Телефон родителей",
                "Форма",
            ],
            [
                "Ёлкина Алёна Петровна",
                "5«в»",
                "1.9.25",
                "8 (913) 555-12-34",
                "ученик-ученик",
            ],
            ["Иванов Пётр", '6 "а"', 45901, "+7 913 555 12 35", "УЧЕНИК — УЧЕНИК"],
        ]
    )
    result = preview(organisation, content)
    assert result.is_clean, [(r.number, r.errors) for r in result.rows]
    first, second = row(result, 2).values, row(result, 3).values
    assert (first["last_name"], first["first_name"]) == ("Ёлкина", "Алёна")
    assert first["study_group"].name == "5В" and second["study_group"].name == "6А"
    assert first["entered_on"] == second["entered_on"] == date(2025, 9, 1)
    assert first["representative_phone"] == "+7 913 555-12-34"
    assert first["form"] == second["form"]
    assert "middle_name" not in second


def test_missing_classes_are_listed_once(organisation):
    content = xlsx([["ФИО", "Класс"], ["А Б", "5в"], ["В Г", "5 В"], ["Д Е", "ТМ-21"]])
    result = preview(organisation, content)
    assert result.extras["missing_groups"] == [("5В", 5), ("ТМ-21", "")]


# --- people -----------------------------------------------------------------------


def test_namesakes_in_different_classes_are_two_people(organisation, group_7b):
    f.StudyGroupFactory(organisation=organisation, name="8Б", grade=8)
    content = mentee_file(mentee_row(), mentee_row(study_group="8Б"))
    result = preview(organisation, content)
    assert result.is_clean and result.new == 2
    apply(organisation, content)
    assert Participant.objects.filter(last_name="Смирнова").count() == 2


def test_identical_rows_are_one_person(organisation, group_7b):
    content = mentee_file(mentee_row(), mentee_row())
    result = preview(organisation, content)
    assert [r.status for r in result.rows] == [importer.NEW, importer.MERGED]
    assert result.is_clean
    apply(organisation, content)
    assert Participant.objects.count() == 1


def test_a_real_duplicate_waits_for_a_choice(organisation, group_7b):
    content = mentee_file(
        mentee_row(interests="Шахматы"), mentee_row(interests="Футбол")
    )
    result = preview(organisation, content)
    assert not result.is_clean
    assert row(result, 2).duplicates == [3]
    assert "Интересы" in " ".join(row(result, 2).row_errors)
    keep_second = preview(organisation, content, decisions={2: "3"})
    assert keep_second.is_clean
    assert [r.status for r in keep_second.rows] == [importer.EXCLUDED, importer.NEW]
    _preview, counts = apply(organisation, content, decisions={2: "3"})
    assert counts[importer.NEW] == 1
    assert MenteeProfile.objects.get().interests == "Футбол"
    two = preview(organisation, content, decisions={2: importer.DISTINCT})
    assert two.is_clean and two.new == 0  # both now match the one in the base


def test_someone_in_the_base_is_updated_with_old_and_new_values(organisation, group_7b):
    existing = vera(organisation, group_7b, participant__phone="", interests="Шахматы")
    content = mentee_file(
        mentee_row(interests="Шахматы, футбол", phone="89001234567"),
        mentee_row(last_name="Орлова"),
    )
    result = preview(organisation, content)
    first = row(result, 2)
    assert first.status == importer.UPDATE and first.existing == existing
    assert ("Интересы", "Шахматы", "Шахматы, футбол") in first.changes
    assert ("Телефон", "—", "+7 900 123-45-67") in first.changes
    _preview, counts = apply(organisation, content)
    assert (counts[importer.NEW], counts[importer.UPDATE]) == (1, 1)
    assert Participant.objects.filter(last_name="Смирнова").count() == 1
    existing.refresh_from_db()
    assert existing.interests == "Шахматы, футбол"
    again = preview(organisation, content)
    assert [r.status for r in again.rows] == [importer.SAME, importer.SAME]


def test_an_empty_cell_keeps_what_the_base_has(organisation, group_7b):
    existing = vera(organisation, group_7b, interests="Шахматы")
    result = preview(organisation, mentee_file(mentee_row(interests="")))
    assert row(result, 2).status == importer.SAME
    apply(organisation, mentee_file(mentee_row(interests="")))
    existing.refresh_from_db()
    assert existing.interests == "Шахматы"


def test_a_namesake_in_another_organisation_is_not_touched(
    organisation, other_organisation, group_7b
):
    stranger = f.MenteeFactory(
        participant__organisation=other_organisation,
        participant__last_name="Смирнова",
        participant__first_name="Вера",
        participant__middle_name="Олеговна",
    )
    apply(organisation, mentee_file(mentee_row()))
    assert MenteeProfile.objects.count() == 2
    stranger.refresh_from_db()
    assert stranger.participant.organisation == other_organisation


def test_a_row_naming_another_organisation_is_refused(
    organisation, other_organisation, group_7b
):
    content = mentee_file(mentee_row(organisation=other_organisation.short_name))
    result = preview(organisation, content)
    assert "organisation" in row(result, 2).errors


def test_the_id_of_someone_outside_the_base_is_refused(
    organisation, other_organisation, group_7b
):
    stranger = f.MenteeFactory(participant__organisation=other_organisation)
    content = mentee_file({"ID": stranger.pk, **mentee_row()})
    assert "id" in row(preview(organisation, content), 2).errors
    stranger.refresh_from_db()
    assert stranger.participant.last_name != "Смирнова"


def test_a_teacher_already_a_mentor_keeps_one_record(organisation):
    mentor = f.MentorFactory(
        participant__organisation=organisation,
        participant__last_name="Кузнецова",
        participant__first_name="Ольга",
        participant__middle_name="Ивановна",
        participant__birth_date=None,
    )
    content = xlsx([["ФИО", "Должность"], ["Кузнецова Ольга Ивановна", "учитель"]])
    result = preview(organisation, content)
    assert result.is_clean and result.new == 1
    apply(organisation, content)
    assert Participant.objects.filter(last_name="Кузнецова").count() == 1
    assert MenteeProfile.objects.get().participant == mentor.participant


def test_the_hidden_tier_is_neither_matched_nor_lost(organisation, group_7b):
    sensitive = MenteeCategory.objects.filter(is_sensitive=True).first()
    existing = vera(organisation, group_7b)
    existing.categories.add(sensitive)
    visible = MenteeCategory.objects.filter(is_sensitive=False).first()
    content = mentee_file(mentee_row(categories=visible.name))
    kind = MenteeImport(organisation, hide_tier=True)
    importer.apply(
        kind, content=content, filename="x.xlsx", state=importer.ImportState()
    )
    assert set(existing.categories.all()) == {sensitive, visible}
    refused = importer.build_preview(
        MenteeImport(organisation, hide_tier=True),
        content=mentee_file(mentee_row(categories=sensitive.name)),
        filename="x.xlsx",
        state=importer.ImportState(checked=True),
    )
    assert "categories" in row(refused, 2).errors


def test_a_mentor_file_without_a_category_takes_the_choice_for_all_rows(organisation):
    content = xlsx(
        [["ФИО наставника", "Должность"], ["Орлов Иван Петрович", "учитель"]]
    )
    employees = MentorCategory.objects.get(code="employee")
    result = preview(
        organisation,
        content,
        kind=MentorImport,
        defaults={"category": str(employees.pk)},
    )
    assert result.is_clean
    apply(
        organisation,
        content,
        kind=MentorImport,
        defaults={"category": str(employees.pk)},
    )
    mentor = MentorProfile.objects.get()
    assert mentor.category == employees
    assert mentor.participant.kind == Participant.Kind.EXTERNAL


def test_a_failed_write_leaves_nothing(organisation, group_7b, monkeypatch):
    content = mentee_file(mentee_row(), mentee_row(last_name="Орлова"))
    calls = []
    real = MenteeImport.save_extra

    def broken(self, row, profile):
        calls.append(row.number)
        if len(calls) == 2:
            raise RuntimeError("диск заполнен")
        real(self, row, profile)

    monkeypatch.setattr(MenteeImport, "save_extra", broken)
    with pytest.raises(RuntimeError):
        apply(organisation, content)
    assert calls == [2, 3]
    assert not Participant.objects.exists()


def test_preview_queries_do_not_grow_with_rows(
    organisation, group_7b, django_assert_max_num_queries
):
    few = mentee_file(*(mentee_row(last_name=f"Смирнова{i}") for i in range(2)))
    many = mentee_file(*(mentee_row(last_name=f"Смирнова{i}") for i in range(40)))
    with CaptureQueriesContext(connection) as small:
        preview(organisation, few)
    with django_assert_max_num_queries(len(small.captured_queries)):
        preview(organisation, many)
