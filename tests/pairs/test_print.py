import io
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pairs.plan_services import plan_create, plan_item_add
from people.models import Role
from tests import factories as f

TODAY = date.today()


def url(identifier, fmt, pair):
    return reverse("export", kwargs={"identifier": identifier, "fmt": fmt}) + (
        f"?pair={pair.pk}"
    )


def pdf_text(content: bytes) -> str:
    """The text of a PDF, lines joined and hyphenation at line ends undone."""
    text = (
        _pdf_text(content)
        .replace("\u00ad", "")
        .replace("-\n", "")
        .replace("\u2010\n", "")
    )
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any whitespace: a narrow table cell may break a word anywhere."""
    return "".join(text.split())


def _pdf_text(content: bytes) -> str:
    try:
        import pypdf
    except ImportError:
        return subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
    return "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages
    )


@pytest.fixture
def meetings(pair):
    return [
        f.MeetingFactory(pair=pair, topic="Знакомство и ожидания"),
        f.MeetingFactory(
            pair=pair, topic="Разбор контрольной работы", held_on=TODAY - timedelta(5)
        ),
    ]


@pytest.fixture
def plan(pair, curator):
    plan = plan_create(
        pair=pair,
        by=curator,
        goal="Повысить успеваемость",
        starts_on=TODAY - timedelta(30),
        ends_on=TODAY + timedelta(60),
    )
    plan_item_add(
        plan=plan, by=curator, activity="Диагностика пробелов", deadline=TODAY
    )
    return plan


def test_journal_xlsx(client, mentor, pair, meetings):
    client.force_login(mentor)
    response = client.get(url("pair-journal", "xlsx", pair))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert [row[5] for row in rows[1:]] == [
        "Знакомство и ожидания",
        "Разбор контрольной работы",
    ]


def test_journal_pdf(client, curator, pair, meetings):
    client.force_login(curator)
    response = client.get(url("pair-journal", "pdf", pair))
    assert response.status_code == 200
    text = squeezed(pdf_text(response.content))
    assert squeezed("Знакомство и ожидания") in text
    assert squeezed("Разбор контрольной работы") in text


def test_plan_xlsx_and_pdf(client, mentee, pair, plan):
    client.force_login(mentee)
    response = client.get(url("pair-plan", "xlsx", pair))
    rows = list(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[1][1] == "Диагностика пробелов"
    response = client.get(url("pair-plan", "pdf", pair))
    text = squeezed(pdf_text(response.content))
    assert squeezed("Повысить успеваемость") in text
    assert squeezed("Диагностика пробелов") in text


@pytest.mark.parametrize("identifier", ["pair-journal", "pair-plan"])
def test_refused(client, programme, outsider, pair, plan, identifier):
    other = f.PairFactory(programme=programme)
    user = f.UserFactory(username="other-mentor")
    other.mentor.participant.user = user
    other.mentor.participant.save()
    f.MembershipFactory(
        user=user, organisation=programme.organisation, role=Role.MENTOR
    )
    # A pair that is not yours does not exist for you: 404, as on its pages.
    for person in (user, outsider):
        client.force_login(person)
        assert client.get(url(identifier, "pdf", pair)).status_code == 404
        assert client.get(url(identifier, "xlsx", pair)).status_code == 404
