"""The import pages of the two bases: who may use them, the steps (upload →
columns → rows → import), the token that carries the file between the steps,
and the downloadable template."""

import io
from pathlib import Path

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from mentoring.lib import importer
from people import importing
from people.import_kinds import MentorImport
from people.models import MenteeProfile, MentorProfile, Participant
from tests import factories as f
from tests.people.import_flow import (
    MENTEES,
    MENTORS,
    column,
    form_data,
    mentee_row,
    mentor_row,
    rows_file,
    step,
    upload,
    upload_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def group_7b(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


def template_url(kind="mentees"):
    return reverse("imports:template", args=[kind])


def stashed_files(media_root) -> list[Path]:
    directory = Path(media_root) / importer.TMP_DIRNAME
    return sorted(directory.iterdir()) if directory.exists() else []


def checked_page(client, content, kind="mentees"):
    return step(client, upload(client, content, kind=kind), "check", kind=kind)


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["mentees", "mentors"])
@pytest.mark.parametrize("persona", ["curator", "head"])
def test_managers_see_the_upload_page(client, request, persona, kind):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(upload_url(kind))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'accept=".xlsx,.xls,.ods,.csv"' in page
    assert "data-wait" in page


@pytest.mark.parametrize("persona", ["mentor", "mentee", "social_pedagogue"])
@pytest.mark.parametrize("name", ["upload", "template"])
def test_other_roles_are_refused(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(f"imports:{name}", args=["mentees"]))
    assert response.status_code == 403


def test_refused_roles_cannot_post_a_file(client, mentor, group_7b):
    client.force_login(mentor)
    response = upload(client, rows_file(mentee_row()))
    assert response.status_code == 403
    assert MenteeProfile.objects.count() == 1  # the pair's mentee only


def test_an_anonymous_user_is_sent_to_log_in(client, db):
    response = client.get(upload_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["upload", "template"])
def test_an_unknown_kind_is_404(client, curator, name):
    client.force_login(curator)
    assert client.get(reverse(f"imports:{name}", args=["pairs"])).status_code == 404


# --- the steps ------------------------------------------------------------------------


def test_upload_columns_rows_import(
    client, curator, organisation, group_7b, media_root
):
    client.force_login(curator)
    content = rows_file(mentee_row(), mentee_row(last_name="Орлова", first_name="Ия"))
    page = upload(client, content)
    assert page.context["preview"].checked is False  # the columns first
    assert len(stashed_files(media_root)) == 1
    checked = step(client, page, "check")
    preview = checked.context["preview"]
    assert preview.is_clean and preview.new == 2
    assert not Participant.objects.exists()  # nothing before the confirmation
    done = step(client, checked, "apply")
    assert done["Location"] == reverse("people:mentee-list")
    assert (
        MenteeProfile.objects.filter(participant__organisation=organisation).count()
        == 2
    )
    assert stashed_files(media_root) == []
    message = client.get(done["Location"]).content.decode()
    assert "Добавлено 2, обновлено 0, пропущено 0." in message


def test_mentors_are_imported_into_the_mentor_base(client, curator, organisation):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentor_row()), kind="mentors")
    assert checked.context["preview"].is_clean
    step(client, checked, "apply", kind="mentors")
    mentor = MentorProfile.objects.get()
    assert mentor.participant.organisation == organisation
    assert mentor.capacity == 2


def test_errors_get_no_import_button_and_the_file_stays(
    client, curator, group_7b, media_root
):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentee_row(study_group="7Я")))
    page = checked.content.decode()
    assert 'data-testid="apply"' not in page
    assert 'name="edit-2-study_group"' in page and 'value="7Я"' in page
    assert len(stashed_files(media_root)) == 1  # checking again needs no upload
    fixed = step(client, checked, "check", edits={(2, "study_group"): "7Б"})
    assert fixed.context["preview"].is_clean


def test_applying_with_errors_writes_nothing(client, curator, group_7b):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentee_row(), mentee_row(last_name="Ия")))
    group_7b.delete()  # the class disappears between the check and the import
    response = step(client, checked, "apply")
    assert response.status_code == 200
    assert not response.context["preview"].is_clean
    assert not Participant.objects.exists()
    # the file is kept: fixing and importing needs no new upload
    fixed = step(client, response, "check", exclude=[2, 3])
    assert fixed.status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("список.docx", b"PK\x03\x04 not really", "не таблица"),
        ("фото.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "не таблица"),
        ("пусто.xlsx", b"", "пуст"),
    ],
)
def test_a_refused_file_is_reported_and_not_kept(
    client, curator, media_root, name, content, words
):
    client.force_login(curator)
    response = upload(client, content, name)
    assert response.status_code == 200
    assert response.context["preview"] is None
    errors = " ".join(
        [
            *response.context["file_errors"],
            *response.context["form"].errors.get("file", []),
        ]
    )
    assert words in errors
    assert stashed_files(media_root) == []


def test_a_file_over_the_limit_is_refused(client, curator, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(curator)
    response = upload(client, rows_file(mentee_row()))
    assert "больше допустимых" in " ".join(response.context["form"].errors["file"])


# --- the token ------------------------------------------------------------------------


def test_a_tampered_token_is_refused(client, curator, group_7b, media_root):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentee_row()))
    token = checked.context["state"].token
    for bad in (token[:-2] + "xx", "", "../../etc/passwd", token + "a"):
        data = form_data(checked)
        data.update(step="apply", token=bad)
        response = client.post(upload_url(), data)
        assert response.status_code == 302
        assert response["Location"] == upload_url()
    assert not MenteeProfile.objects.exists()
    assert len(stashed_files(media_root)) == 1  # the genuine one is still there


def test_a_forged_token_for_a_path_is_refused(client, curator, organisation):
    client.force_login(curator)
    forged = signing.dumps(
        {
            "f": "../../../settings",
            "n": "x.xlsx",
            "k": "mentees",
            "o": organisation.pk,
            "u": curator.pk,
        },
        salt=importer.TOKEN_SALT,
    )
    response = client.post(upload_url(), {"step": "apply", "token": forged})
    assert response.status_code == 302
    assert not MenteeProfile.objects.exists()


def test_a_token_for_the_other_base_is_refused(client, curator, group_7b):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentee_row()))
    response = step(client, checked, "apply", kind="mentors")
    assert response["Location"] == upload_url("mentors")
    assert not MentorProfile.objects.exists() and not MenteeProfile.objects.exists()


@pytest.mark.parametrize("persona", ["head", "outsider"])
def test_a_token_of_another_user_is_refused(
    client, request, curator, group_7b, persona
):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentee_row()))
    client.force_login(request.getfixturevalue(persona))
    response = step(client, checked, "apply")
    assert response.status_code == 302
    assert not Participant.objects.filter(last_name="Смирнова").exists()


def test_an_import_confirmed_twice_imports_once(client, curator, group_7b):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentee_row()))
    assert step(client, checked, "apply")["Location"] == reverse("people:mentee-list")
    again = step(client, checked, "apply")
    assert again.status_code == 302
    assert MenteeProfile.objects.count() == 1


def test_an_expired_token_is_refused(client, curator, group_7b, monkeypatch):
    client.force_login(curator)
    checked = checked_page(client, rows_file(mentee_row()))
    monkeypatch.setattr(importer, "TOKEN_MAX_AGE", -1)
    assert step(client, checked, "apply")["Location"] == upload_url()
    assert not MenteeProfile.objects.exists()


def test_the_mapping_is_remembered_for_the_organisation(client, curator, group_7b):
    client.force_login(curator)
    content = rows_file({"Фамилия ученика": "Смирнова", "Имя": "Вера", "Класс": "7Б"})
    page = upload(client, content)
    assert page.context["preview"].columns[0].field == ""
    checked = step(client, page, "check", mapping={0: "last_name"})
    assert checked.context["preview"].is_clean
    again = upload(client, content)
    first = again.context["preview"].columns[0]
    assert (first.field, first.remembered) == ("last_name", True)


def test_an_outsider_cannot_update_another_organisations_people_by_id(
    client, outsider, organisation
):
    victim = f.MentorFactory(
        participant__organisation=organisation, key_competencies="Своё"
    )
    client.force_login(outsider)
    checked = checked_page(
        client, rows_file(mentor_row(id=victim.pk, key_competencies="Чужое")), "mentors"
    )
    assert not checked.context["preview"].is_clean
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
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [c.header for c in importing.column_specs(spec, organisation)]
    assert column(spec, "last_name") in headers
    assert sheet.max_row == 1
    lists = workbook[gettext("Reference lists")]
    values = {cell.value for row in lists.iter_rows() for cell in row}
    if kind == "mentees":
        assert "7Б" in values


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
    page = upload(client, buffer.getvalue(), kind=kind)
    assert all(c.field for c in page.context["preview"].columns)  # every column known
    checked = step(client, page, "check", kind=kind)
    preview = checked.context["preview"]
    assert preview.is_clean, [(r.errors, r.row_errors) for r in preview.rows]
    assert step(client, checked, "apply", kind=kind).status_code == 302
    model = MenteeProfile if kind == "mentees" else MentorProfile
    assert model.objects.get().participant.organisation == organisation


def test_a_file_with_nothing_new_offers_no_import(client, curator, group_7b):
    client.force_login(curator)
    content = rows_file(mentee_row())
    step(client, checked_page(client, content), "apply")
    again = checked_page(client, content)
    page = again.content.decode()
    assert 'data-testid="nothing-to-write"' in page
    assert 'data-testid="apply"' not in page
    assert MenteeProfile.objects.count() == 1


def test_a_choice_for_all_rows_not_sent_keeps_its_initial_value(organisation):
    content = rows_file({"ФИО наставника": "Орлов Иван Петрович"})
    result = importer.build_preview(
        MentorImport(organisation),
        content=content,
        filename="x.xlsx",
        state=importer.ImportState(checked=True),
    )
    assert result.is_clean
    assert result.rows[0].values["category"].code == "teacher"
