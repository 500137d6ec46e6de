"""Monitoring pages: access, empty states, the SWOT editor, query budgets."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentoring.models import SchoolYear
from monitoring import models as mo
from tests import factories as f

from .test_swot import answered, campaign_with, invite


@pytest.fixture
def year():
    return SchoolYear.for_date(date.today())


def urls(programme, year):
    return [
        reverse("monitoring:index"),
        reverse("monitoring:programme", args=[programme.pk]) + f"?year={year.pk}",
        reverse("monitoring:swot", args=[programme.pk]) + f"?year={year.pk}",
        reverse("monitoring:swot-print", args=[programme.pk]) + f"?year={year.pk}",
    ]


def test_curator_sees_every_page(client, curator, programme, year):
    client.force_login(curator)
    for url in urls(programme, year):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_participants_are_refused(client, request, programme, year, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in urls(programme, year):
        assert client.get(url).status_code == 403, url


def test_another_organisations_curator_gets_404(client, outsider, programme, year):
    client.force_login(outsider)
    for url in urls(programme, year)[1:]:
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, programme, year):
    for url in urls(programme, year):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_empty_page_says_what_to_do(client, curator, programme, year):
    client.force_login(curator)
    page = client.get(urls(programme, year)[1]).content.decode()
    assert "Запустите анкетирование" in page or "Launch the questionnaires" in page


def data(programme, size):
    for _index in range(size):
        campaign, question = campaign_with(programme)
        invite(campaign, 3, 2)
        answered(campaign, question, [8, 9, 7])
        f.PairFactory(programme=programme)
    mo.Swot.objects.get_or_create(programme=programme, school_year=campaign.school_year)


@pytest.mark.parametrize("size", [1, 6])
def test_query_budget(
    client, curator, programme, year, size, django_assert_max_num_queries
):
    data(programme, size)
    client.force_login(curator)
    with django_assert_max_num_queries(40):
        response = client.get(urls(programme, year)[1])
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_draft_then_edit_add_delete(client, curator, programme, year):
    campaign, question = campaign_with(programme, text="Комфорт общения")
    answered(campaign, question, [9, 9])
    client.force_login(curator)
    url = urls(programme, year)[2]
    response = client.post(url, {"action": "draft"})
    assert response.status_code == 302
    swot = mo.Swot.objects.get()
    drafted = swot.points.get(kind="high-item")
    page = client.get(url).content.decode()
    assert "Комфорт общения" in page
    form = {"conclusion": "Выводы куратора"}
    for code in "SWOT":
        points = list(swot.points.filter(quadrant=code))
        prefix = f"points-{code}"
        form[f"{prefix}-TOTAL_FORMS"] = len(points) + 1
        form[f"{prefix}-INITIAL_FORMS"] = len(points)
        for index, point in enumerate(points):
            form[f"{prefix}-{index}-id"] = point.pk
            form[f"{prefix}-{index}-swot"] = swot.pk
            form[f"{prefix}-{index}-text"] = point.text
            form[f"{prefix}-{index}-order"] = point.order
        form[f"{prefix}-{len(points)}-text"] = ""
        form[f"{prefix}-{len(points)}-order"] = 0
    form["points-S-0-text"] = "Комфорт общения высокий"  # edit → the curator's own
    form["points-O-0-text"] = "Новая возможность"  # add
    stale = swot.points.filter(kind="stale").first()
    response = client.post(url, form)
    assert response.status_code == 302, response.context and [
        fs.errors for fs in response.context["formsets"]
    ]
    drafted.refresh_from_db()
    assert drafted.kind == "" and drafted.text == "Комфорт общения высокий"
    assert swot.points.filter(quadrant="O", text="Новая возможность", kind="").exists()
    swot.refresh_from_db()
    assert swot.conclusion == "Выводы куратора"
    assert stale is None or mo.SwotPoint.objects.filter(pk=stale.pk).exists()


def test_invalid_formset_saves_nothing(client, curator, programme, year):
    swot = mo.Swot.objects.create(programme=programme, school_year=year)
    point = mo.SwotPoint.objects.create(swot=swot, quadrant="S", text="Было")
    client.force_login(curator)
    form = {"conclusion": "Новые выводы"}
    for code in "SWOT":
        form[f"points-{code}-TOTAL_FORMS"] = 1 if code == "S" else 0
        form[f"points-{code}-INITIAL_FORMS"] = 1 if code == "S" else 0
    form.update(
        {"points-S-0-id": point.pk, "points-S-0-text": "", "points-S-0-order": 0}
    )
    response = client.post(urls(programme, year)[2], form)
    assert response.status_code == 200
    swot.refresh_from_db()
    point.refresh_from_db()
    assert swot.conclusion == "" and point.text == "Было"


def test_pages_without_a_year_open_on_the_year_with_results(client, curator, programme):
    past = SchoolYear.for_date(date.today() - timedelta(days=366))
    SchoolYear.for_date(date.today())
    mo.Swot.objects.create(programme=programme, school_year=past)
    client.force_login(curator)
    index = client.get(reverse("monitoring:index")).content.decode()
    link = reverse("monitoring:programme", args=[programme.pk])
    assert f'href="{link}"' in index and past.title in index
    for name in ("monitoring:programme", "monitoring:swot", "monitoring:swot-print"):
        response = client.get(reverse(name, args=[programme.pk]))
        assert response.context["year"] == past, name


def test_the_index_leads_to_both_stages_and_the_report(client, curator, programme):
    client.force_login(curator)
    index = client.get(reverse("monitoring:index")).content.decode()
    for url in (
        reverse("questionnaires:campaign-list"),
        reverse("monitoring:swot", args=[programme.pk]),
        f"{reverse('measurements:grid')}?programme={programme.pk}",
        f"{reverse('measurements:dynamics')}?programme={programme.pk}",
        reverse("export", kwargs={"identifier": "monitoring-report", "fmt": "pdf"}),
    ):
        assert f'href="{url}' in index, url
    assert "Этап 1" in index and "Этап 2" in index
