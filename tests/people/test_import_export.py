"""The mentor base goes out to xlsx from the admin and comes back with no changes;
a broken row is reported with its row and reason, and nothing of the file is saved."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from people.models import MentorProfile, Participant
from tests import factories as f


@pytest.fixture
def mentors(organisation):
    return [
        f.MentorFactory(participant__organisation=organisation, key_competencies=text)
        for text in ("Подготовка к ОГЭ по математике", "Проектная деятельность")
    ]


def export_xlsx(client) -> bytes:
    url = reverse("admin:people_mentorprofile_export")
    page = client.get(url)
    form = page.context["form"]
    data = {"format": "0", "resource": "0"}
    for name, field in form.fields.items():
        if name not in data and field.initial is not None:
            data[name] = "on" if field.initial is True else field.initial
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return response.content


def import_xlsx(client, content: bytes):
    url = reverse("admin:people_mentorprofile_import")
    upload = io.BytesIO(content)
    upload.name = "mentors.xlsx"
    return client.post(url, {"format": "0", "resource": "0", "import_file": upload})


def test_export_has_russian_headers_and_the_mentors(client, superuser, mentors):
    client.force_login(superuser)
    sheet = load_workbook(io.BytesIO(export_xlsx(client))).active
    rows = list(sheet.values)
    assert "Фамилия" in rows[0]
    assert "Ключевые компетенции" in rows[0]
    assert len(rows) == 3
    surnames = {row[rows[0].index("Фамилия")] for row in rows[1:]}
    assert surnames == {m.participant.last_name for m in mentors}


def test_exported_file_imports_back_with_no_changes(client, superuser, mentors):
    client.force_login(superuser)
    content = export_xlsx(client)
    before = list(MentorProfile.objects.values())
    response = import_xlsx(client, content)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 2
    assert result.totals["new"] == 0
    assert result.totals["update"] == 0
    assert list(MentorProfile.objects.values()) == before


def test_a_broken_row_is_reported_and_nothing_is_imported(client, superuser, mentors):
    client.force_login(superuser)
    workbook = load_workbook(io.BytesIO(export_xlsx(client)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    # a new mentor (no ID) that is fine, and a row with an unknown category
    new_row = list(sheet[2])
    values = [cell.value for cell in new_row]
    values[header.index("ID")] = None
    values[header.index("Фамилия")] = "Новикова"
    values[header.index("Имя")] = "Дарья"
    values[header.index("Отчество")] = "Игоревна"
    sheet.append(values)
    broken = list(values)
    broken[header.index("Фамилия")] = "Соколов"
    broken[header.index("Категория наставника")] = "Космонавт"
    sheet.append(broken)
    buffer = io.BytesIO()
    workbook.save(buffer)
    participants = Participant.objects.count()

    response = import_xlsx(client, buffer.getvalue())
    body = response.content.decode()
    result = response.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    assert "Космонавт" in body
    assert "нет в справочнике" in body
    assert response.context.get("confirm_form") is None  # nothing to confirm
    assert Participant.objects.count() == participants
    assert not Participant.objects.filter(last_name="Новикова").exists()


def test_a_person_already_in_the_base_is_not_doubled(client, superuser, mentors):
    client.force_login(superuser)
    workbook = load_workbook(io.BytesIO(export_xlsx(client)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        row[header.index("ID")].value = None
        row[header.index("Интересы")].value = "Шахматы"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = import_xlsx(client, buffer.getvalue())
    result = response.context["result"]
    assert result.totals["new"] == 0
    assert result.totals["update"] == 2


def test_mentee_import_rejects_an_unknown_class_and_saves_nothing(organisation):
    from tablib import Dataset

    from people.models import MenteeProfile
    from people.resources import MenteeResource

    f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)
    resource = MenteeResource()
    headers = [str(field.column_name) for field in resource.get_import_fields()]
    good = dict.fromkeys(headers, "")
    good |= {
        "Организация": organisation.short_name,
        "Фамилия": "Смирнова",
        "Имя": "Вера",
        "Кто": "обучающийся",
        "Класс или группа": "7б",
        "Дата рождения": "05.03.2013",
    }
    bad = good | {"Фамилия": "Орлов", "Имя": "Илья", "Класс или группа": "7Я"}
    dataset = Dataset(headers=headers)
    dataset.append([good[h] for h in headers])
    dataset.append([bad[h] for h in headers])

    result = resource.import_data(dataset, dry_run=False, raise_errors=False)

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "7Я" in str(invalid.error_dict)
    assert MenteeProfile.objects.count() == 0
