"""The roadmap as PDF (A4 landscape, approval block, rows by stage) and XLSX (one
row per item, dates as date cells); refused to participants and to other
organisations."""

import io
import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from mentoring.models import RoadmapTemplate
from mentoring.roadmap_services import roadmap_from_template, roadmap_item_set_status
from people.models import Role
from tests import factories as f


def pdf_text(content: bytes) -> str:
    try:
        import pypdf
    except ImportError:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
    else:
        text = "\n".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages
        )
    # without whitespace and the hyphens of words broken across lines
    return "".join(text.split()).replace("\u2010", "").replace("\u00ad", "")


def url(fmt, programme=None):
    base = reverse("export", kwargs={"identifier": "roadmap", "fmt": fmt})
    return f"{base}?programme={programme.pk}" if programme else base


@pytest.fixture
def roadmap(programme, curator):
    call_command("loaddata", "roadmap_templates", verbosity=0)
    template = RoadmapTemplate.objects.get(code="sosnovka-2023-2025")
    items = roadmap_from_template(programme=programme, template=template, by=curator)
    roadmap_item_set_status(
        item=items[0], by=curator, status="done", done_on=date(2025, 9, 20)
    )
    return items


def test_pdf(client, curator, programme, roadmap):
    client.force_login(curator)
    response = client.get(url("pdf", programme))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in [
        programme.title,
        "УТВЕРЖДАЮ",
        "Рассмотрено".upper(),
        "Формирование базы наставляемых",  # a stage
        roadmap[5].activity,
        "1 сентября 2025 г.",  # doc_date
    ]:
        assert "".join(expected.split()) in text, expected
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    assert len(reader.pages) > 1


def test_xlsx(client, head, programme, roadmap):
    client.force_login(head)
    response = client.get(url("xlsx", programme))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == len(roadmap) == 35
    first = rows[1]
    assert first[1] == "1.1"
    assert "Подготовка условий" in first[0]
    assert isinstance(first[4], datetime) and first[4].date() == date(2025, 9, 1)
    assert isinstance(first[11], datetime) and first[11].date() == date(2025, 9, 20)


def test_default_programme_is_the_organisations_first(client, curator, roadmap):
    client.force_login(curator)
    response = client.get(url("xlsx"))
    assert response.status_code == 200
    assert len(list(load_workbook(io.BytesIO(response.content)).active.rows)) == 36


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_refused_to_a_mentor(client, mentor, programme, roadmap, fmt):
    client.force_login(mentor)
    assert client.get(url(fmt, programme)).status_code == 403


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_refused_to_the_head_of_another_organisation(
    client, other_organisation, programme, roadmap, fmt
):
    other_head = f.UserFactory(username="other-head")
    f.MembershipFactory(
        user=other_head, organisation=other_organisation, role=Role.HEAD
    )
    f.ProgrammeFactory(organisation=other_organisation)
    client.force_login(other_head)
    assert client.get(url(fmt, programme)).status_code == 404


def test_overdue_rows_are_marked_in_the_xlsx(client, curator, programme, roadmap):
    late = roadmap[3]
    late.due_from = late.due_to = date.today() - timedelta(days=2)
    late.save()
    client.force_login(curator)
    response = client.get(url("xlsx", programme))
    rows = list(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[4][10]
    assert not rows[1][10]  # done


def test_admin_action_prints_the_selected_programme_roadmap(
    client, superuser, programme
):
    import io

    from openpyxl import load_workbook

    from mentoring.models import ProgrammeStage, RoadmapItem

    RoadmapItem.objects.create(
        programme=programme,
        stage=ProgrammeStage.objects.get(number=1),
        number="1.1",
        activity="Издание приказа о внедрении целевой модели",
    )
    client.force_login(superuser)
    response = client.post(
        reverse("admin:mentoring_programme_changelist"),
        {"action": "export_roadmap_xlsx", "_selected_action": [programme.pk]},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Издание приказа о внедрении целевой модели" in values
