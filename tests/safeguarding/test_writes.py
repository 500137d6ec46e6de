"""Adding, editing and deleting records: who may, what is validated, what is logged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import AccessLog
from safeguarding.models import (
    HomeVisitAct,
    PreventionRegistration,
    PreventiveWorkEntry,
    RehabilitationActivity,
)

from . import factories as sf


def create_url(pupil, kind):
    return reverse("safeguarding:record-create", kwargs={"pk": pupil.pk, "kind": kind})


VISIT = {
    "visited_on": "2026-03-12",
    "address": "ул. Ленина, 1",
    "visitors": "Социальный педагог",
    "living_conditions": "Квартира",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_social_pedagogue_adds_an_act_with_a_scan(
    client, social_pedagogue, pupil, media
):
    client.force_login(social_pedagogue)
    data = {**VISIT, "scan": SimpleUploadedFile("akt.pdf", b"%PDF-1.4")}
    response = client.post(create_url(pupil, "visit"), data)
    assert response.status_code == 302
    act = HomeVisitAct.objects.get()
    assert act.participant == pupil and act.created_by == social_pedagogue
    assert act.scan.name.endswith(".pdf")
    row = AccessLog.objects.get()
    assert (row.action, row.object_type, row.object_pk) == (
        "create",
        "homevisitact",
        act.pk,
    )
    assert row.description.startswith("Act of inspection") or "12.03.2026" in (
        row.description
    )
    assert "Квартира" not in row.description


@pytest.mark.parametrize(
    ("name", "size", "error"),
    [
        ("akt.exe", 10, "Приложите файл PDF, JPG, PNG, DOCX или XLSX."),
        ("akt.pdf", 5 * 1024 * 1024 + 1, "Файл больше 5 МБ."),
    ],
)
def test_scan_type_and_size_are_checked(
    client, curator, pupil, media, name, size, error
):
    client.force_login(curator)
    data = {**VISIT, "scan": SimpleUploadedFile(name, b"x" * size)}
    response = client.post(create_url(pupil, "visit"), data)
    assert response.status_code == 200
    assert error in str(response.context["form"].errors["scan"])
    assert not HomeVisitAct.objects.exists()
    # the form shown again is a view of the pupil's file: one view row
    assert list(AccessLog.objects.values_list("action", flat=True)) == ["view"]


def test_registration_dates_in_order(client, curator, pupil):
    client.force_login(curator)
    response = client.post(
        create_url(pupil, "registration"),
        {
            "register": "kdn",
            "registered_on": "2026-03-01",
            "removed_on": "2026-02-01",
            "grounds": "Постановление КДН",
        },
    )
    assert response.status_code == 200
    assert "removed_on" in response.context["form"].errors
    assert not PreventionRegistration.objects.exists()


def test_programme_dates_in_order(client, curator, pupil):
    client.force_login(curator)
    response = client.post(
        create_url(pupil, "programme"),
        {
            "target": "family",
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "goals": "Цели",
            "methods": "Методы",
        },
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors


def test_activity_done_needs_a_date(client, curator, pupil):
    programme = sf.ProgrammeFactory(participant=pupil)
    client.force_login(curator)
    url = reverse("safeguarding:activity-create", args=[programme.pk])
    data = {
        "activity": "Консультация психолога",
        "deadline": "2026-04-01",
        "responsible": "Психолог",
        "status": "done",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "done_on" in response.context["form"].errors
    response = client.post(url, {**data, "done_on": "2026-03-30"})
    assert response.status_code == 302
    assert RehabilitationActivity.objects.get().programme == programme


def test_mentor_adds_preventive_entries_and_edits_only_his_own(
    client, sr_mentor, pupil
):
    client.force_login(sr_mentor)
    response = client.post(
        create_url(pupil, "preventive"),
        {
            "held_on": "2026-03-20",
            "form_of_work": "conversation",
            "content": "Беседа",
            "conducted_by": "Наставник",
        },
    )
    assert response.status_code == 302
    own = PreventiveWorkEntry.objects.get()
    assert own.created_by == sr_mentor
    other = sf.PreventiveFactory(participant=pupil)
    edit = "safeguarding:record-update"
    ok = client.get(reverse(edit, kwargs={"kind": "preventive", "pk": own.pk}))
    assert ok.status_code == 200
    refused = client.get(reverse(edit, kwargs={"kind": "preventive", "pk": other.pk}))
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "kind", ["diagnostics", "programme", "visit", "family-card", "registration"]
)
def test_mentor_does_not_write_other_records(client, sr_mentor, pupil, kind):
    client.force_login(sr_mentor)
    assert client.get(create_url(pupil, kind)).status_code == 403
    assert client.post(create_url(pupil, kind), {}).status_code == 403
    assert not AccessLog.objects.exists()


def test_delete_is_logged_and_the_record_gone(client, psychologist, pupil):
    registration = sf.RegistrationFactory(participant=pupil)
    client.force_login(psychologist)
    url = reverse(
        "safeguarding:record-delete",
        kwargs={"kind": "registration", "pk": registration.pk},
    )
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not PreventionRegistration.objects.exists()
    assert list(AccessLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "view",
        "delete",
    ]


def test_second_family_card_opens_the_first(client, curator, pupil):
    card = sf.FamilyCardFactory(participant=pupil)
    client.force_login(curator)
    response = client.get(create_url(pupil, "family-card"))
    assert response.status_code == 302
    assert response.url == reverse(
        "safeguarding:record-update", kwargs={"kind": "family-card", "pk": card.pk}
    )


def test_unknown_kind_is_404(client, curator, pupil):
    client.force_login(curator)
    assert client.get(create_url(pupil, "nonsense")).status_code == 404
