"""The Excel import pages: who may use them, upload → preview → confirm, the token
that carries the file between the two requests, and the downloadable template."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from people import importing
from people.models import MenteeProfile, MentorProfile, Participant
from tests import factories as f
from tests.people.test_import_checks import (
    MENTEES,
    MENTORS,
    column,
    make_xlsx,
    mentee_row,
    mentor_row,
    rows_file,
)

# Personas are requested by name inside tests: pytest-django cannot see that they
# need the database, so mark it here (keeps these tests before the browser tests).
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def group_7b(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


def upload_url(kind="mentees"):
    return reverse("imports:upload", args=[kind])


def confirm_url(kind="mentees"):
    return reverse("imports:confirm", args=[kind])


def template_url(kind="mentees"):
    return reverse("imports:template", args=[kind])


def post_file(client, content: bytes, kind="mentees", name="база.xlsx"):
    return client.post(upload_url(kind), {"file": SimpleUploadedFile(name, content)})


def stashed_files(media_root) -> list[Path]:
    directory = Path(media_root) / importing.TMP_DIRNAME
    return sorted(directory.iterdir()) if directory.exists() else []


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["mentees", "mentors"])
@pytest.mark.parametrize("persona", ["curator", "head"])
def test_managers_see_the_upload_page(client, request, persona, kind):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(upload_url(kind))
    assert response.status_code == 200
    assert response.context["kind"] is importing.KINDS[kind]
    assert 'accept=".xlsx"' in response.content.decode()
    assert "data-wait" in response.content.decode()


@pytest.mark.parametrize("persona", ["mentor", "mentee", "social_pedagogue"])
@pytest.mark.parametrize("name", ["upload", "template", "confirm"])
def test_other_roles_are_refused(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(f"imports:{name}", args=["mentees"])
    response = client.post(url) if name == "confirm" else client.get(url)
    assert response.status_code == 403


def test_refused_roles_cannot_post_a_file(client, mentor, group_7b):
    client.force_login(mentor)
    response = post_file(client, rows_file(mentee_row()))
    assert response.status_code == 403
    assert MenteeProfile.objects.count() == 1  # the pair's mentee only


def test_an_anonymous_user_is_sent_to_log_in(client, db):
    response = client.get(upload_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["upload", "template", "confirm"])
def test_an_unknown_kind_is_404(client, curator, name):
    client.force_login(curator)
    url = reverse(f"imports:{name}", args=["pairs"])
    response = client.post(url) if name == "confirm" else client.get(url)
    assert response.status_code == 404


def test_confirm_accepts_only_post(client, curator):
    client.force_login(curator)
    assert client.get(confirm_url()).status_code == 405


# --- upload → preview → confirm -------------------------------------------------------


def test_upload_preview_confirm_saves_the_rows(
    client, curator, organisation, group_7b, media_root
):
    client.force_login(curator)
    content = rows_file(mentee_row(), mentee_row(last_name="Орлова", first_name="Ия"))

    response = post_file(client, content)

    assert response.status_code == 200
    assert response.templates[0].name == "people/import_preview.html"
    report = response.context["report"]
    assert report.is_clean
    assert (report.new, report.updated) == (2, 0)
    assert MenteeProfile.objects.count() == 0  # the preview saves nothing
    token = response.context["token"]
    assert token
    assert f'value="{token}"' in response.content.decode()
    assert len(stashed_files(media_root)) == 1

    response = client.post(confirm_url(), {"token": token})

    assert response.status_code == 302
    assert response["Location"] == reverse("people:mentee-list")
    assert MenteeProfile.objects.count() == 2
    assert set(
        MenteeProfile.objects.values_list("participant__organisation", flat=True)
    ) == {organisation.pk}
    assert stashed_files(media_root) == []  # deleted after confirming
    [message] = list(response.wsgi_request._messages)
    assert message.message == gettext("Imported: %(new)s new, %(updated)s updated.") % {
        "new": 2,
        "updated": 0,
    }


def test_mentors_are_imported_into_the_mentor_base(client, curator, organisation):
    client.force_login(curator)
    content = rows_file(mentor_row())
    response = post_file(client, content, kind="mentors")
    assert response.context["report"].is_clean
    response = client.post(confirm_url("mentors"), {"token": response.context["token"]})
    assert response["Location"] == reverse("people:mentor-list")
    mentor = MentorProfile.objects.get()
    assert mentor.participant.organisation == organisation


def test_a_person_already_in_the_base_is_shown_and_updated(
    client, curator, organisation, group_7b
):
    existing = f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Смирнова",
        participant__first_name="Вера",
        participant__middle_name="Олеговна",
    )
    client.force_login(curator)
    response = post_file(client, rows_file(mentee_row(interests="Рисование")))
    [row] = response.context["report"].rows
    assert row.status == importing.UPDATE
    body = response.content.decode()
    assert reverse("people:mentee-detail", args=[existing.pk]) in body
    assert existing.participant.full_name in body

    response = client.post(confirm_url(), {"token": response.context["token"]})
    assert response.status_code == 302
    assert MenteeProfile.objects.count() == 1
    existing.refresh_from_db()
    assert existing.interests == "Рисование"
    [message] = list(response.wsgi_request._messages)
    assert message.message == gettext("Imported: %(new)s new, %(updated)s updated.") % {
        "new": 0,
        "updated": 1,
    }


def test_a_file_with_errors_gets_no_confirmation(client, curator, group_7b, media_root):
    client.force_login(curator)
    content = rows_file(
        mentee_row(), mentee_row(last_name="Орлова", birth_date="31.02.2025")
    )
    response = post_file(client, content)
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.is_clean
    assert response.context["token"] == ""
    body = response.content.decode()
    assert confirm_url() not in body
    assert 'data-row="3"' in body
    assert "31.02.2025" in body
    assert column(MENTEES, "birth_date") in body
    # the page offers the upload form again
    assert response.context["form"] is not None
    assert 'enctype="multipart/form-data"' in body
    assert stashed_files(media_root) == []
    assert Participant.objects.filter(last_name="Смирнова").count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("база.csv", "Фамилия;Имя\nСмирнова;Вера\n".encode()),
        ("база.xlsx", "Фамилия;Имя\nСмирнова;Вера\n".encode()),
        ("база.xlsx", b""),
    ],
)
def test_a_refused_file_is_reported_on_the_form(client, curator, name, content):
    client.force_login(curator)
    response = post_file(client, content, name=name)
    assert response.status_code == 200
    assert response.templates[0].name == "people/import_upload.html"
    assert response.context["form"].errors["file"]
    assert Participant.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, curator):
    client.force_login(curator)
    big = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)
    response = post_file(client, big)
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error


def test_file_errors_are_shown_on_the_form(client, curator):
    client.force_login(curator)
    content = make_xlsx([*mentee_row(), "Любимый цвет"], [])
    response = post_file(client, content)
    errors = response.context["form"].errors["file"]
    assert any("Любимый цвет" in error for error in errors)
    assert any(column(MENTEES, "entered_on") in error for error in errors)


# --- the token ------------------------------------------------------------------------


def preview_token(client, content, kind="mentees") -> str:
    response = post_file(client, content, kind=kind)
    token = response.context["token"]
    assert token
    return token


def test_a_tampered_token_is_refused(client, curator, group_7b, media_root):
    client.force_login(curator)
    token = preview_token(client, rows_file(mentee_row()))
    for bad in (token[:-2] + "xx", "", "../../etc/passwd", token + "a"):
        response = client.post(confirm_url(), {"token": bad})
        assert response.status_code == 302
        assert response["Location"] == upload_url()
    assert MenteeProfile.objects.count() == 0
    assert len(stashed_files(media_root)) == 1  # the genuine one is still there


def test_a_forged_token_for_a_path_is_refused(client, curator, organisation):
    from django.core import signing

    client.force_login(curator)
    forged = signing.dumps(
        {"f": "../../../settings", "k": "mentees", "o": organisation.pk, "u": 0},
        salt=importing.TOKEN_SALT,
    )
    response = client.post(confirm_url(), {"token": forged})
    assert response.status_code == 302
    assert MenteeProfile.objects.count() == 0


def test_a_token_for_the_other_base_is_refused(client, curator, group_7b):
    client.force_login(curator)
    token = preview_token(client, rows_file(mentee_row()))
    response = client.post(confirm_url("mentors"), {"token": token})
    assert response["Location"] == upload_url("mentors")
    assert MentorProfile.objects.count() == 0
    assert MenteeProfile.objects.count() == 0


def test_a_token_of_another_user_is_refused(
    client, curator, head, organisation, group_7b
):
    client.force_login(curator)
    token = preview_token(client, rows_file(mentee_row()))
    client.force_login(head)  # same organisation, another person
    response = client.post(confirm_url(), {"token": token})
    assert response.status_code == 302
    assert MenteeProfile.objects.count() == 0


def test_a_token_is_used_once(client, curator, group_7b):
    client.force_login(curator)
    token = preview_token(client, rows_file(mentee_row()))
    assert client.post(confirm_url(), {"token": token})["Location"] == reverse(
        "people:mentee-list"
    )
    assert client.post(confirm_url(), {"token": token})["Location"] == upload_url()
    assert MenteeProfile.objects.count() == 1


def test_an_expired_token_is_refused(client, curator, group_7b, monkeypatch):
    client.force_login(curator)
    token = preview_token(client, rows_file(mentee_row()))
    monkeypatch.setattr(importing, "TOKEN_MAX_AGE", -1)
    response = client.post(confirm_url(), {"token": token})
    assert response["Location"] == upload_url()
    assert MenteeProfile.objects.count() == 0


def test_a_file_that_went_bad_before_confirming_saves_nothing(
    client, curator, group_7b
):
    client.force_login(curator)
    token = preview_token(client, rows_file(mentee_row(), mentee_row(last_name="Ия")))
    group_7b.delete()  # the class disappears between the preview and the confirmation
    response = client.post(confirm_url(), {"token": token})
    assert response.status_code == 200
    assert not response.context["report"].is_clean
    assert Participant.objects.count() == 0


# --- organisations --------------------------------------------------------------------


def test_an_outsider_cannot_import_into_the_first_organisation(
    client, outsider, organisation, other_organisation
):
    client.force_login(outsider)
    row = mentor_row(organisation=organisation.short_name)
    response = post_file(client, make_xlsx(list(row), [row]), kind="mentors")
    assert response.status_code == 200
    assert not response.context["report"].is_clean
    assert response.context["token"] == ""
    assert not Participant.objects.filter(organisation=organisation).exists()

    # without the column, the rows go to the outsider's own organisation
    token = preview_token(client, rows_file(mentor_row()), kind="mentors")
    client.post(confirm_url("mentors"), {"token": token})
    assert not Participant.objects.filter(organisation=organisation).exists()
    assert MentorProfile.objects.get().participant.organisation == other_organisation


def test_an_outsider_cannot_confirm_a_curators_import(
    client, curator, outsider, group_7b
):
    client.force_login(curator)
    token = preview_token(client, rows_file(mentee_row()))
    client.force_login(outsider)
    response = client.post(confirm_url(), {"token": token})
    assert response.status_code == 302
    assert Participant.objects.filter(last_name="Смирнова").count() == 0


def test_an_outsider_cannot_update_the_first_organisations_people_by_id(
    client, outsider, organisation
):
    victim = f.MentorFactory(
        participant__organisation=organisation, key_competencies="Своё"
    )
    client.force_login(outsider)
    row = mentor_row(id=victim.pk, key_competencies="Чужое")
    response = post_file(client, make_xlsx(list(row), [row]), kind="mentors")
    assert not response.context["report"].is_clean
    victim.refresh_from_db()
    assert victim.key_competencies == "Своё"


# --- the template ---------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "spec"), [("mentees", MENTEES), ("mentors", MENTORS)])
def test_the_template_has_the_headers_the_import_expects(
    client, curator, organisation, group_7b, kind, spec
):
    client.force_login(curator)
    response = client.get(template_url(kind))
    assert response.status_code == 200
    assert response["Content-Type"] == importing.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    expected = [c.header for c in importing.column_specs(spec, organisation)]
    assert headers == expected
    assert column(spec, "last_name") in headers
    assert "ID" not in headers
    assert column(spec, "organisation") not in headers
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.max_row == 1  # no example row that could be imported by mistake
    lists = workbook[gettext("Reference lists")]
    list_columns = {
        cell.value: [c.value for c in col[1:] if c.value]
        for col in lists.iter_cols()
        for cell in col[:1]
    }
    assert set(list_columns[column(spec, "kind")]) == {
        str(label) for key, label in spec.resource_class.fields["kind"].widget.choices
    }
    if kind == "mentees":
        assert list_columns[column(spec, "study_group")] == ["7Б"]


def test_the_template_lists_only_this_organisations_classes(
    client, curator, organisation, other_organisation, group_7b
):
    f.StudyGroupFactory(organisation=other_organisation, name="11Ж", grade=11)
    client.force_login(curator)
    workbook = load_workbook(io.BytesIO(client.get(template_url()).content))
    values = {
        cell.value
        for row in workbook[gettext("Reference lists")].iter_rows()
        for cell in row
    }
    assert "7Б" in values
    assert "11Ж" not in values


@pytest.mark.parametrize("kind", ["mentees", "mentors"])
def test_a_filled_template_imports_cleanly(
    client, curator, organisation, group_7b, kind
):
    client.force_login(curator)
    workbook = load_workbook(io.BytesIO(client.get(template_url(kind)).content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = mentee_row() if kind == "mentees" else mentor_row()
    sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = post_file(client, buffer.getvalue(), kind=kind)

    report = response.context["report"]
    assert report.is_clean, [row.errors for row in report.rows]
    assert [row.status for row in report.rows] == [importing.NEW]
    response = client.post(confirm_url(kind), {"token": response.context["token"]})
    assert response.status_code == 302
    model = MenteeProfile if kind == "mentees" else MentorProfile
    person = model.objects.get(participant__last_name=row[column(MENTEES, "last_name")])
    assert person.participant.organisation == organisation
