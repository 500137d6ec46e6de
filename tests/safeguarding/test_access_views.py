"""Every page of the confidential tier: the allowed personas get it and leave exactly
one access-log row; everybody else gets 404 (403 for the log page), sees none of the
data, and leaves no row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import AccessLog

from .conftest import ALLOWED, REFUSED, SPECIALISTS

SECRET = "СЕКРЕТНАЯ-ПРОБЛЕМА"


def urls(records, pupil):
    visit = records["visit"]
    return {
        "participant": reverse("safeguarding:participant", args=[pupil.pk]),
        "print": reverse("safeguarding:participant-print", args=[pupil.pk]),
        "update": reverse(
            "safeguarding:record-update",
            kwargs={"kind": "diagnostics", "pk": records["diagnostics"].pk},
        ),
        "create": reverse(
            "safeguarding:record-create",
            kwargs={"pk": pupil.pk, "kind": "preventive"},
        ),
        "scan": reverse("safeguarding:visit-scan", args=[visit.pk]),
    }


@pytest.fixture
def scanned(records, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit = records["visit"]
    visit.scan = SimpleUploadedFile("akt.pdf", b"%PDF-1.4 test")
    visit.save()
    return records


@pytest.mark.parametrize("persona", ALLOWED)
@pytest.mark.parametrize("page", ["participant", "update", "create", "scan"])
def test_allowed_personas_see_the_page_and_leave_one_row(
    client, request, persona, page, scanned, pupil
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(urls(scanned, pupil)[page], REMOTE_ADDR="10.0.0.7")
    if persona == "sr_mentor" and page == "update":
        # the mentor reads the diagnostics but does not edit them
        assert response.status_code == 403
        assert not AccessLog.objects.exists()
        return
    assert response.status_code == 200
    rows = list(AccessLog.objects.all())
    assert len(rows) == 1
    row = rows[0]
    assert row.user == user
    assert row.participant == pupil
    assert row.ip_address == "10.0.0.7"
    assert row.action == ("export" if page == "scan" else "view")
    assert SECRET not in row.description
    if page in ("participant", "update"):
        assert SECRET in response.content.decode()


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("page", ["participant", "print", "update", "create", "scan"])
def test_refused_personas_get_404_and_leave_no_row(
    client, request, persona, page, scanned, pupil
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(urls(scanned, pupil)[page])
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_refused_personas_cannot_post(client, request, persona, records, pupil):
    client.force_login(request.getfixturevalue(persona))
    url = urls(records, pupil)["create"]
    response = client.post(url, {"held_on": "2026-03-20"})
    assert response.status_code == 404
    delete = reverse(
        "safeguarding:record-delete",
        kwargs={"kind": "registration", "pk": records["registration"].pk},
    )
    assert client.post(delete).status_code == 404
    assert not AccessLog.objects.exists()


def test_print_is_a_pdf_and_an_export_row(client, curator, records, pupil):
    client.force_login(curator)
    response = client.get(reverse("safeguarding:participant-print", args=[pupil.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert list(AccessLog.objects.values_list("action", flat=True)) == ["export"]


def test_anonymous_is_sent_to_login_or_refused(client, records, pupil):
    response = client.get(reverse("safeguarding:participant", args=[pupil.pk]))
    assert response.status_code in (302, 404)
    assert not AccessLog.objects.exists()


def test_a_closed_pair_no_longer_opens_the_file_to_its_mentor(
    client, sr_mentor, sr_pair, records, pupil
):
    sr_pair.status = "completed"
    sr_pair.ended_on = sr_pair.start_on
    sr_pair.save()
    client.force_login(sr_mentor)
    response = client.get(reverse("safeguarding:participant", args=[pupil.pk]))
    assert response.status_code == 404


# --- the list of pupils ------------------------------------------------------------


@pytest.mark.parametrize("persona", SPECIALISTS)
def test_specialists_see_the_list(client, request, persona, records, pupil):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("safeguarding:list"))
    assert response.status_code == 200
    assert pupil.full_name in response.content.decode()
    assert AccessLog.objects.get().action == "view"


def test_another_organisations_curator_sees_only_their_own_list(
    client, outsider, records, pupil
):
    client.force_login(outsider)
    response = client.get(reverse("safeguarding:list"))
    assert response.status_code == 200
    assert pupil.full_name not in response.content.decode()


@pytest.mark.parametrize(
    "persona", [p for p in REFUSED if p != "outsider"] + ["sr_mentor"]
)
def test_nobody_else_sees_the_list(client, request, persona, records, pupil):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("safeguarding:list"))
    assert response.status_code == 404
    assert pupil.full_name not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_list_search_and_register_filter(client, curator, records, pupil, programme):
    from tests import factories as f

    from . import factories as sf

    other = f.ParticipantFactory(organisation=pupil.organisation, last_name="Яковлева")
    sf.DiagnosticsFactory(participant=other)
    stranger = f.ParticipantFactory(
        organisation=pupil.organisation, last_name="Шишкина"
    )
    client.force_login(curator)
    content = client.get(reverse("safeguarding:list")).content.decode()
    assert pupil.last_name in content and "Яковлева" in content
    assert "Шишкина" not in content and stranger.first_name
    content = client.get(reverse("safeguarding:list"), {"register": "vshk"}).content
    assert pupil.last_name in content.decode() and "Яковлева" not in content.decode()
    content = client.get(reverse("safeguarding:list"), {"q": "яковлева"}).content
    assert "Яковлева" in content.decode() and pupil.full_name not in content.decode()


# --- the access log ----------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["curator", "social_pedagogue", "psychologist", "sr_mentor", *REFUSED]
)
def test_only_the_head_sees_the_log(client, request, persona, records):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("safeguarding:log")).status_code == 403
    export = reverse(
        "export", kwargs={"identifier": "safeguarding-access-log", "fmt": "xlsx"}
    )
    assert client.get(export).status_code == 403
    assert not AccessLog.objects.exists()


def test_head_sees_filters_and_exports_the_log(
    client, head, curator, social_pedagogue, records, pupil
):
    import io

    from openpyxl import load_workbook

    for user in (curator, social_pedagogue):
        client.force_login(user)
        client.get(reverse("safeguarding:participant", args=[pupil.pk]))
    client.force_login(head)
    response = client.get(reverse("safeguarding:log"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2
    response = client.get(reverse("safeguarding:log"), {"user": curator.pk})
    assert [row.user for row in response.context["page_obj"]] == [curator]
    assert not AccessLog.objects.filter(user=head).exists()  # reading the log: no row

    export = reverse(
        "export", kwargs={"identifier": "safeguarding-access-log", "fmt": "xlsx"}
    )
    response = client.get(export, {"user": curator.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # header and the curator's row
    assert rows[1][1] == curator.get_full_name()
    assert pupil.full_name in rows[1]
    assert SECRET not in str(rows)
    export_row = AccessLog.objects.get(user=head)
    assert export_row.action == "export"


def test_log_of_another_organisation_is_not_shown(
    client, head, outsider, other_organisation
):
    from people.models import AccessLog as Log

    Log.objects.create(
        user=outsider,
        user_name="Чужой",
        organisation=other_organisation,
        action="view",
        description="Чужая запись",
    )
    client.force_login(head)
    response = client.get(reverse("safeguarding:log"))
    assert "Чужая запись" not in response.content.decode()
