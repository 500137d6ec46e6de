"""The entry/exit values import reads uploads through the same guard as the bases
(issue 13, finding 7): a huge unpacked part, a cell longer than Excel allows and a
preview over its time budget are refused through the page; nothing is written."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.lib import spreadsheets
from monitoring.models import Measurement
from tests.monitoring.test_measurement_import import HEADERS, make_xlsx
from tests.people.import_flow import step
from tests.people.test_upload_limits import Long, crafted_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def mentee_name(pair):
    return pair.memberships.get().mentee.participant.full_name


def url(programme) -> str:
    return f"{reverse('measurements:import')}?programme={programme.pk}"


def upload(client, programme, content):
    return client.post(
        url(programme),
        {"step": "upload", "file": SimpleUploadedFile("values.xlsx", content)},
    )


def refusal(response) -> str:
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert response.context["state"] is None
    return " ".join(response.context["file_errors"])


def test_the_crafted_workbook_is_read(client, curator, pair, mentee_name):
    rows = [HEADERS, [mentee_name, "engagement", "вход", "5", "05.03.2026"]]
    client.force_login(curator)
    response = upload(client, pair.programme, crafted_xlsx(rows))
    checked = step(client, response, "check", url=url(pair.programme))
    assert checked.context["preview"].is_clean


def test_a_huge_shared_string_is_refused(client, curator, pair, mentee_name):
    rows = [HEADERS, [Long(30 * 1024 * 1024), "engagement", "вход", "5", "05.03.2026"]]
    client.force_login(curator)
    message = refusal(upload(client, pair.programme, crafted_xlsx(rows)))
    assert "В распакованном виде часть xl/sharedStrings.xml книги занимает" in message
    assert not Measurement.objects.exists()


def test_a_cell_longer_than_excel_allows_is_refused(client, curator, pair, mentee_name):
    text = Long(spreadsheets.MAX_CELL_CHARS + 1, "очень ")
    rows = [HEADERS, [mentee_name, "engagement", "вход", text, "05.03.2026"]]
    client.force_login(curator)
    message = refusal(upload(client, pair.programme, crafted_xlsx(rows)))
    assert "Ячейка D2 (строка 2, столбец D)" in message
    assert not Measurement.objects.exists()


def test_a_preview_over_its_time_budget_stops(
    client, curator, pair, mentee_name, settings, monkeypatch
):
    settings.IMPORT_PREVIEW_SECONDS = 25
    ticks = itertools.count(0, 10)  # each reading of the clock 10 s after the last
    monkeypatch.setattr(spreadsheets, "clock", lambda: next(ticks))
    rows = [
        (mentee_name, "engagement", "вход", 5, f"{i + 1:02}.03.2026") for i in range(9)
    ]
    client.force_login(curator)
    message = refusal(upload(client, pair.programme, make_xlsx(rows)))
    assert "Файл слишком сложный" in message
    assert not Measurement.objects.exists()
