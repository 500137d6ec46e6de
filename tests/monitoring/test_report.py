"""The monitoring report: PDF and XLSX for the curator, refused to others, and no
name of an anonymous respondent anywhere."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from mentoring.models import SchoolYear
from monitoring import models as mo
from monitoring.swot import draft_swot
from tests import factories as f
from tests.files import pdf_text

from .test_swot import answered, campaign_with


@pytest.fixture
def year():
    return SchoolYear.for_date(date.today())


@pytest.fixture
def report_data(programme, year, curator):
    campaign, question = campaign_with(programme, text="Комфорт общения")
    campaign.title = "Итоговая анкета наставляемых"
    campaign.save()
    answered(campaign, question, [9, 8])
    anonymous, text_q = campaign_with(programme, kind="text", scale_max=None)
    anonymous.title = "Анонимная анкета"
    anonymous.save()
    anonymous.questionnaire.is_anonymous = True
    anonymous.questionnaire.save()
    # closed, and answered by enough people for its results to be shown
    anonymous.opens_on = date.today() - timedelta(days=10)
    anonymous.closes_on = date.today() - timedelta(days=1)
    anonymous.school_year = year
    anonymous.save()
    respondent = f.ParticipantFactory(
        organisation=programme.organisation, last_name="Засекреченная"
    )
    f.InvitationFactory(
        campaign=anonymous, participant=respondent, answered_on=anonymous.opens_on
    )
    for _number in range(4):
        f.InvitationFactory(campaign=anonymous, answered_on=anonymous.opens_on)
    answered(anonymous, text_q, ["Всё понравилось", "Хорошо", "Да", "Нет", "Ок"])
    draft_swot(programme, year, curator)
    return campaign


def url(fmt, programme, year):
    return f"/export/monitoring-report.{fmt}?programme={programme.pk}&year={year.pk}"


def test_pdf(client, curator, programme, year, report_data):
    client.force_login(curator)
    response = client.get(url("pdf", programme, year))
    assert response.status_code == 200
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Итоговая анкета наставляемых" in text
    assert "SWOT" in text
    assert "Всё понравилось" in text
    assert "Засекреченная" not in text


def test_xlsx(client, curator, programme, year, report_data):
    client.force_login(curator)
    response = client.get(url("xlsx", programme, year))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Анкетирование",
        "Вопросы",
        "Ожидания и результаты",
        "SWOT",
        "Вход-выход",
        "Индикаторы",
    ]
    campaigns = list(book["Анкетирование"].iter_rows(values_only=True))
    assert any(row[0] == "Итоговая анкета наставляемых" for row in campaigns)
    rows = list(book["Вопросы"].iter_rows(values_only=True))
    assert any(
        row[0] == "Итоговая анкета наставляемых" and row[4] == 8.5 for row in rows
    )
    everything = " ".join(
        str(cell)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
    )
    assert "Всё понравилось" in everything
    assert "Засекреченная" not in everything
    assert book["SWOT"].max_row >= 2  # the drafted SWOT points


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_refused_to_a_mentor(client, mentor, programme, year, fmt):
    client.force_login(mentor)
    assert client.get(url(fmt, programme, year)).status_code == 403


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_another_organisations_programme_is_404(client, outsider, programme, year, fmt):
    client.force_login(outsider)
    assert client.get(url(fmt, programme, year)).status_code == 404


def test_swot_sheet_lists_points_by_quadrant(client, head, programme, year):
    swot = mo.Swot.objects.create(
        programme=programme, school_year=year, conclusion="Итог"
    )
    mo.SwotPoint.objects.create(swot=swot, quadrant="W", text="=Формула")
    client.force_login(head)
    book = load_workbook(io.BytesIO(client.get(url("xlsx", programme, year)).content))
    rows = list(book["SWOT"].iter_rows(values_only=True))
    assert rows[1][2] == "=Формула"  # kept as text, as written, never run
    assert rows[-1][2] == "Итог"
