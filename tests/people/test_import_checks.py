"""What the Excel import of the bases refuses, and how it reports it: every bad input
gets an error that names the row (as in Excel) and the column, and nothing is saved.

Files are real .xlsx workbooks built with openpyxl; headers come from the resources
so the tests do not depend on the wording of the translation."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from people import importing
from people.models import MenteeProfile, MentorProfile, Participant
from people.resources import MenteeResource
from tests import factories as f

MENTEES = importing.KINDS["mentees"]
MENTORS = importing.KINDS["mentors"]


# --- helpers (also used by test_import_pages.py) ------------------------------------


def column(kind, name: str) -> str:
    """The header of a resource field, as the import expects it."""
    return str(kind.resource_class.fields[name].column_name)


def make_xlsx(headers, rows=(), *, formulas=None) -> bytes:
    """A workbook: headers in row 1, then rows (lists or dicts keyed by header).
    `formulas` maps (row, header) to a formula string written as such."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        if isinstance(row, dict):
            row = [row.get(header) for header in headers]
        sheet.append(list(row))
    for (number, header), formula in (formulas or {}).items():
        sheet.cell(row=number, column=list(headers).index(header) + 1, value=formula)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def mentee_row(**values) -> dict:
    row = {
        column(MENTEES, "last_name"): "Смирнова",
        column(MENTEES, "first_name"): "Вера",
        column(MENTEES, "middle_name"): "Олеговна",
        column(MENTEES, "kind"): "обучающийся",
        column(MENTEES, "study_group"): "7Б",
        column(MENTEES, "birth_date"): "05.03.2013",
    }
    row.update({column(MENTEES, name): value for name, value in values.items()})
    return row


def mentor_row(**values) -> dict:
    row = {
        column(MENTORS, "last_name"): "Кузнецова",
        column(MENTORS, "first_name"): "Ольга",
        column(MENTORS, "middle_name"): "Петровна",
        column(MENTORS, "kind"): "педагог",
        column(MENTORS, "category"): "Педагоги и специалисты",
        column(MENTORS, "capacity"): 2,
    }
    row.update({column(MENTORS, name): value for name, value in values.items()})
    return row


def rows_file(*rows) -> bytes:
    """A workbook whose headers are every column any of the rows has."""
    headers = list(dict.fromkeys(header for row in rows for header in row))
    return make_xlsx(headers, rows)


mentee_file = rows_file


def upload(content: bytes, name: str = "база.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def codes(error: ValidationError) -> set:
    return {item.code for item in error.error_list}


def errors_of(report, number: int) -> list:
    [row] = [row for row in report.rows if row.number == number]
    return row.errors


@pytest.fixture
def group_7b(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


# --- the file itself ----------------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("база.csv", "Фамилия;Имя\nСмирнова;Вера\n".encode()),
        ("база.docx", docx_bytes()),
        ("база.txt", "Смирнова Вера".encode()),
    ],
)
def test_a_file_that_is_not_xlsx_by_name_is_refused(name, content):
    with pytest.raises(ValidationError) as caught:
        importing.read_upload(upload(content, name))
    assert codes(caught.value) == {"not_xlsx"}
    assert name in caught.value.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        "Фамилия;Имя\nСмирнова;Вера\n".encode(),  # a text/CSV file renamed
        docx_bytes(),  # a Word document renamed: a zip, but not a workbook
        b"PK\x03\x04 broken zip",
    ],
)
def test_the_content_is_checked_not_only_the_name(content):
    with pytest.raises(ValidationError) as caught:
        importing.read_upload(upload(content, "база.xlsx"))
    assert codes(caught.value) == {"not_xlsx"}


def test_an_old_xls_file_is_refused_with_its_own_message():
    content = importing.OLE2_MAGIC + b"\0" * 512
    with pytest.raises(ValidationError) as caught:
        importing.read_upload(upload(content, "база.xls"))
    assert codes(caught.value) == {"xls"}


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        importing.read_upload(upload(b"", "база.xlsx"))
    assert codes(caught.value) == {"empty"}


def test_a_file_over_the_limit_is_refused_before_it_is_read(monkeypatch, settings):
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024

    def must_not_parse(*args, **kwargs):
        raise AssertionError("a file over the limit must not be parsed")

    monkeypatch.setattr(importing, "load_workbook", must_not_parse)
    monkeypatch.setattr(importing, "check_content", must_not_parse)
    big = upload(b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), "база.xlsx")
    with pytest.raises(ValidationError) as caught:
        importing.read_upload(big)
    assert codes(caught.value) == {"too_large"}


def test_the_limit_comes_from_the_settings(settings):
    content = mentee_file(mentee_row())
    settings.IMPORT_MAX_BYTES = len(content) - 1
    with pytest.raises(ValidationError) as caught:
        importing.read_upload(upload(content))
    assert codes(caught.value) == {"too_large"}
    settings.IMPORT_MAX_BYTES = len(content)
    assert importing.read_upload(upload(content)) == content


def test_a_good_file_passes_the_upload_checks():
    content = mentee_file(mentee_row())
    assert importing.read_upload(upload(content)) == content


# --- the sheet ----------------------------------------------------------------------


def preview(content, organisation, kind=MENTEES):
    return importing.import_preview(
        kind=kind, organisation=organisation, content=content
    )


def test_headers_without_rows_are_refused(organisation):
    content = make_xlsx(list(mentee_row()), [])
    with pytest.raises(ValidationError) as caught:
        preview(content, organisation)
    assert codes(caught.value) == {"no_rows"}


def test_an_empty_first_row_is_refused(organisation):
    workbook = Workbook()
    workbook.active["A2"] = "Смирнова"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ValidationError) as caught:
        preview(buffer.getvalue(), organisation)
    assert codes(caught.value) == {"no_header"}


def test_unknown_columns_are_listed_with_the_expected_ones(organisation):
    headers = [*mentee_row(), "Любимый цвет", "Рост"]
    content = make_xlsx(headers, [[*mentee_row().values(), "синий", 150]])
    with pytest.raises(ValidationError) as caught:
        preview(content, organisation)
    assert codes(caught.value) == {"unknown_columns"}
    [message] = caught.value.messages
    assert "«Любимый цвет»" in message
    assert "«Рост»" in message
    for name in ("last_name", "birth_date", "categories", "entered_on"):
        assert f"«{column(MENTEES, name)}»" in message


def test_missing_required_columns_are_named(organisation):
    row = mentee_row()
    del row[column(MENTEES, "first_name")]
    del row[column(MENTEES, "kind")]
    content = make_xlsx(list(row), [row])
    with pytest.raises(ValidationError) as caught:
        preview(content, organisation)
    assert codes(caught.value) == {"missing_columns"}
    [message] = caught.value.messages
    assert f"«{column(MENTEES, 'first_name')}»" in message
    assert f"«{column(MENTEES, 'kind')}»" in message
    assert f"«{column(MENTEES, 'last_name')}»" not in message


def test_mentors_require_a_category_column(organisation):
    row = mentor_row()
    del row[column(MENTORS, "category")]
    with pytest.raises(ValidationError) as caught:
        preview(make_xlsx(list(row), [row]), organisation, MENTORS)
    assert f"«{column(MENTORS, 'category')}»" in caught.value.messages[0]


def test_headers_are_matched_regardless_of_case_and_spaces(organisation, group_7b):
    row = mentee_row()
    headers = [f"  {header.upper()} " for header in row]
    report = preview(make_xlsx(headers, [list(row.values())]), organisation)
    assert report.is_clean


def test_a_repeated_column_is_refused(organisation):
    headers = [*mentee_row(), column(MENTEES, "last_name")]
    content = make_xlsx(headers, [[*mentee_row().values(), "Иванова"]])
    with pytest.raises(ValidationError) as caught:
        preview(content, organisation)
    assert codes(caught.value) == {"repeated_column"}
    assert column(MENTEES, "last_name") in caught.value.messages[0]


def test_values_under_no_header_are_refused(organisation):
    headers = list(mentee_row())
    content = make_xlsx(headers, [[*mentee_row().values(), "лишнее"]])
    with pytest.raises(ValidationError) as caught:
        preview(content, organisation)
    assert codes(caught.value) == {"no_header"}


def test_too_many_rows_are_refused(organisation, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [mentee_row(last_name=name) for name in ("Орлова", "Зайцева", "Волкова")]
    with pytest.raises(ValidationError) as caught:
        preview(mentee_file(*rows), organisation)
    assert codes(caught.value) == {"too_many_rows"}


def test_formulas_are_reported_by_row_and_column_and_not_evaluated(
    organisation, group_7b
):
    headers = list(mentee_row())
    birth = column(MENTEES, "birth_date")
    last = column(MENTEES, "last_name")
    content = make_xlsx(
        headers,
        [mentee_row(), mentee_row(last_name="Орлова")],
        formulas={(3, birth): "=DATE(2013,3,5)", (2, last): '=CONCAT("Смир","нова")'},
    )
    report = preview(content, organisation)
    assert not report.is_clean
    [error] = errors_of(report, 2)
    assert error.column == last
    assert "CONCAT" in error.message
    [error] = errors_of(report, 3)
    assert error.column == birth
    assert "=DATE(2013,3,5)" in error.message
    assert Participant.objects.count() == 0


def test_excel_error_cells_are_reported(organisation, group_7b):
    headers = list(mentee_row())
    content = make_xlsx(headers, [mentee_row(birth_date="#DIV/0!")])
    report = preview(content, organisation)
    [error] = errors_of(report, 2)
    assert error.column == column(MENTEES, "birth_date")
    assert "#DIV/0!" in error.message


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_excel(
    organisation, group_7b
):
    headers = list(mentee_row())
    content = make_xlsx(
        headers,
        [mentee_row(), [None] * len(headers), mentee_row(last_name="Орлова", kind="?")],
    )
    report = preview(content, organisation)
    assert [row.number for row in report.rows] == [2, 4]
    assert report.rows[1].status == importing.ERROR


# --- rows -----------------------------------------------------------------------------


def test_a_clean_file_previews_every_row_as_new_and_saves_nothing(
    organisation, group_7b
):
    content = mentee_file(mentee_row(), mentee_row(last_name="Орлова", first_name="Ия"))
    report = preview(content, organisation)
    assert report.is_clean
    assert [row.status for row in report.rows] == [importing.NEW, importing.NEW]
    assert [row.number for row in report.rows] == [2, 3]
    assert report.rows[0].name == "Смирнова Вера Олеговна"
    assert Participant.objects.count() == 0
    assert MenteeProfile.objects.count() == 0


def test_the_same_person_twice_in_the_file_names_both_rows(organisation, group_7b):
    content = mentee_file(
        mentee_row(),
        mentee_row(last_name="Орлова"),
        mentee_row(last_name=" смирнова ", birth_date="06.03.2013"),
    )
    report = preview(content, organisation)
    assert not report.is_clean
    for number in (2, 4):
        [error] = errors_of(report, number)
        assert error.column == ""
        assert "2" in error.message
        assert "4" in error.message
    assert errors_of(report, 3) == []
    with pytest.raises(importing.ImportRejected):
        importing.import_apply(kind=MENTEES, organisation=organisation, content=content)
    assert Participant.objects.count() == 0


def test_a_person_already_in_the_base_is_updated_never_doubled(organisation, group_7b):
    existing = f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Смирнова",
        participant__first_name="Вера",
        participant__middle_name="Олеговна",
        interests="",
    )
    content = mentee_file(
        mentee_row(interests="Шахматы"), mentee_row(last_name="Орлова")
    )
    report = preview(content, organisation)
    assert report.is_clean
    [first, second] = report.rows
    assert first.status == importing.UPDATE
    assert first.existing_id == existing.pk
    assert first.existing_name == existing.participant.full_name
    assert second.status == importing.NEW

    result = importing.import_apply(
        kind=MENTEES, organisation=organisation, content=content
    )
    assert (result.new, result.updated) == (1, 1)
    assert MenteeProfile.objects.count() == 2
    assert Participant.objects.filter(last_name="Смирнова").count() == 1
    existing.refresh_from_db()
    assert existing.interests == "Шахматы"


def test_a_namesake_in_another_organisation_is_not_updated(
    organisation, other_organisation, group_7b
):
    stranger = f.MenteeFactory(
        participant__organisation=other_organisation,
        participant__last_name="Смирнова",
        participant__first_name="Вера",
        participant__middle_name="Олеговна",
    )
    report = preview(mentee_file(mentee_row()), organisation)
    assert [row.status for row in report.rows] == [importing.NEW]
    importing.import_apply(
        kind=MENTEES, organisation=organisation, content=mentee_file(mentee_row())
    )
    assert MenteeProfile.objects.count() == 2
    stranger.refresh_from_db()
    assert stranger.participant.organisation == other_organisation


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("birth_date", "31.02.2025"),  # text that is no date
        ("birth_date", "2013"),
        ("birth_date", datetime(1850, 5, 1)),  # a real date cell, but absurd
        ("birth_date", datetime(2099, 5, 1)),
        ("entered_on", datetime(1990, 9, 1)),
        ("study_group", "7Я"),  # a class the organisation does not have
        ("kind", "инопланетянин"),  # a choice label that does not exist
        ("status", "в космосе"),
        ("preferred_form", "Космонавт – ученик"),  # not in the catalogue
        ("categories", "вновь прибывшие; Космонавты"),
        ("experience", "пять"),
        ("email", "не почта"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(
    organisation, group_7b, name, value
):
    content = mentee_file(mentee_row(), mentee_row(last_name="Орлова", **{name: value}))
    report = preview(content, organisation)
    assert not report.is_clean
    assert errors_of(report, 2) == []
    errors = errors_of(report, 3)
    assert [error.column for error in errors] == [column(MENTEES, name)]
    assert errors[0].message
    with pytest.raises(importing.ImportRejected):
        importing.import_apply(kind=MENTEES, organisation=organisation, content=content)
    assert Participant.objects.count() == 0


def test_the_date_message_says_how_to_write_a_date(organisation, group_7b):
    report = preview(mentee_file(mentee_row(birth_date="31.02.2025")), organisation)
    [error] = errors_of(report, 2)
    assert "31.02.2025" in error.message
    assert "05.03.2013" in error.message


def test_an_unknown_class_is_named_in_the_message(organisation, group_7b):
    report = preview(mentee_file(mentee_row(study_group="7Я")), organisation)
    [error] = errors_of(report, 2)
    assert "7Я" in error.message


def test_dates_and_lists_in_their_accepted_forms(organisation, group_7b):
    model = MenteeResource.fields["categories"].widget.model
    categories = importing.catalogue_names(model)
    content = mentee_file(
        mentee_row(
            birth_date=datetime(2013, 3, 5),
            study_group="7 б",
            kind="Обучающийся",
            categories=f"{categories[0].upper()}; {categories[1]}",
        )
    )
    importing.import_apply(kind=MENTEES, organisation=organisation, content=content)
    mentee = MenteeProfile.objects.get()
    assert mentee.participant.birth_date == date(2013, 3, 5)
    assert mentee.participant.study_group == group_7b
    assert mentee.participant.organisation == organisation
    assert sorted(mentee.categories.values_list("name", flat=True)) == sorted(
        categories[:2]
    )


def test_a_mentor_row_with_bad_values(organisation):
    headers = list(mentor_row())
    content = make_xlsx(
        headers,
        [
            mentor_row(),
            mentor_row(last_name="Орлов", category="Космонавт"),
            mentor_row(last_name="Зайцев", kind="робот"),
            mentor_row(last_name="Волков", capacity="два"),
        ],
    )
    report = preview(content, organisation, MENTORS)
    assert errors_of(report, 2) == []
    assert [e.column for e in errors_of(report, 3)] == [column(MENTORS, "category")]
    assert "Космонавт" in errors_of(report, 3)[0].message
    assert [e.column for e in errors_of(report, 4)] == [column(MENTORS, "kind")]
    assert [e.column for e in errors_of(report, 5)] == [column(MENTORS, "capacity")]
    with pytest.raises(importing.ImportRejected):
        importing.import_apply(kind=MENTORS, organisation=organisation, content=content)
    assert MentorProfile.objects.count() == 0


def test_a_required_cell_left_empty(organisation, group_7b):
    report = preview(mentee_file(mentee_row(first_name=None)), organisation)
    [error] = errors_of(report, 2)
    assert error.column == column(MENTEES, "first_name")


# --- the organisation -----------------------------------------------------------------


def test_rows_go_into_the_importing_organisation(organisation, other_organisation):
    row = mentor_row(organisation=organisation.short_name)
    content = make_xlsx(list(row), [row, mentor_row(last_name="Орлов")])
    importing.import_apply(kind=MENTORS, organisation=organisation, content=content)
    assert MentorProfile.objects.count() == 2
    assert {m.participant.organisation for m in MentorProfile.objects.all()} == {
        organisation
    }


def test_a_row_naming_another_organisation_is_refused(organisation, other_organisation):
    row = mentor_row(organisation=other_organisation.short_name)
    content = make_xlsx(list(row), [row])
    report = preview(content, organisation, MENTORS)
    [error] = errors_of(report, 2)
    assert error.column == column(MENTORS, "organisation")
    assert other_organisation.short_name in error.message
    with pytest.raises(importing.ImportRejected):
        importing.import_apply(kind=MENTORS, organisation=organisation, content=content)
    assert not Participant.objects.filter(organisation=other_organisation).exists()
    assert MentorProfile.objects.count() == 0


def test_the_id_of_someone_in_another_organisation_is_refused(
    organisation, other_organisation
):
    stranger = f.MentorFactory(
        participant__organisation=other_organisation, key_competencies="Своё"
    )
    row = mentor_row(id=stranger.pk, key_competencies="Чужое")
    content = make_xlsx(list(row), [row])
    report = preview(content, organisation, MENTORS)
    [error] = errors_of(report, 2)
    assert error.column == "ID"
    with pytest.raises(importing.ImportRejected):
        importing.import_apply(kind=MENTORS, organisation=organisation, content=content)
    stranger.refresh_from_db()
    assert stranger.key_competencies == "Своё"
    assert stranger.participant.last_name != "Кузнецова"
    assert MentorProfile.objects.count() == 1


def test_the_id_of_someone_in_the_base_updates_them(organisation):
    mine = f.MentorFactory(participant__organisation=organisation)
    row = mentor_row(id=mine.pk, key_competencies="Проектная деятельность")
    report = importing.import_apply(
        kind=MENTORS, organisation=organisation, content=make_xlsx(list(row), [row])
    )
    assert (report.new, report.updated) == (0, 1)
    mine.refresh_from_db()
    assert mine.key_competencies == "Проектная деятельность"
    assert mine.participant.last_name == "Кузнецова"


def test_a_broken_workbook_is_unreadable(organisation):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all")
    content = buffer.getvalue()
    assert importing.read_upload(upload(content)) == content  # looks like one
    with pytest.raises(ValidationError) as caught:
        preview(content, organisation)
    assert codes(caught.value) == {"unreadable"}


def test_an_unknown_yes_no_value_is_an_error(organisation):
    row = mentor_row(shared_in_bank="может быть")
    report = preview(rows_file(row), organisation, MENTORS)
    [error] = errors_of(report, 2)
    assert error.column == column(MENTORS, "shared_in_bank")
    assert "может быть" in error.message


def test_an_empty_cell_keeps_what_cannot_be_empty(organisation):
    mine = f.MentorFactory(
        participant__organisation=organisation,
        participant__last_name="Кузнецова",
        participant__first_name="Ольга",
        participant__middle_name="Петровна",
        status=MentorProfile.Status.READY,
        capacity=3,
    )
    row = mentor_row(status=None, capacity=None, interests="Туризм")
    report = importing.import_apply(
        kind=MENTORS, organisation=organisation, content=rows_file(row)
    )
    assert report.updated == 1
    mine.refresh_from_db()
    assert (mine.status, mine.capacity, mine.interests) == (
        MentorProfile.Status.READY,
        3,
        "Туризм",
    )
