"""Pages of the target indicators: access for every view, the grid, filling from a
template, deleting, query budgets."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from mentoring.models import SchoolYear
from monitoring.models import (
    Computed,
    Indicator,
    IndicatorTemplate,
    IndicatorValue,
    Unit,
)
from tests import factories as f


@pytest.fixture
def year(db):
    return SchoolYear.for_date(date(2025, 10, 1))


@pytest.fixture
def indicator(programme):
    return Indicator.objects.create(
        programme=programme,
        group="1. Задача",
        number="1.1",
        name="Количество договоров о целевом обучении",
        unit=Unit.PIECES,
    )


def login(client, user):
    client.force_login(user)
    return client


def page_urls(programme, indicator):
    return [
        reverse("indicators:list") + f"?programme={programme.pk}",
        reverse("indicators:values", args=[programme.pk]),
        reverse("indicators:from-template", args=[programme.pk]),
        reverse("indicators:create", args=[programme.pk]),
        reverse("indicators:update", args=[indicator.pk]),
        reverse("indicators:delete", args=[indicator.pk]),
    ]


@pytest.mark.parametrize("persona", ["head", "curator"])
def test_managers_see_every_page(client, request, persona, programme, indicator):
    login(client, request.getfixturevalue(persona))
    for url in page_urls(programme, indicator):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_mentors_and_mentees_are_refused(
    client, request, persona, programme, indicator
):
    login(client, request.getfixturevalue(persona))
    for url in page_urls(programme, indicator):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("indicators:delete", args=[indicator.pk])).status_code
        == 403
    )
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_another_organisation_gets_404(client, outsider, programme, indicator):
    f.ProgrammeFactory(organisation=outsider.memberships.get().organisation)
    login(client, outsider)
    for url in page_urls(programme, indicator):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("indicators:delete", args=[indicator.pk])).status_code
        == 404
    )
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_anonymous_is_sent_to_login(client, programme, indicator):
    for url in page_urls(programme, indicator):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_empty_state_offers_templates(client, curator, programme, year):
    call_command("loaddata", "indicator_templates", verbosity=0)
    response = login(client, curator).get(
        reverse("indicators:list") + f"?programme={programme.pk}&year={year.pk}"
    )
    body = response.content.decode()
    assert "Заполнить из шаблона" in body or "template" in body
    seed = IndicatorTemplate.objects.get(code="seed-004")
    assert f"template={seed.pk}" in body


def test_list_shows_values_and_reached(client, curator, programme, indicator, year):
    IndicatorValue.objects.create(
        indicator=indicator, school_year=year, baseline=1, target=3, actual=4
    )
    Indicator.objects.create(
        programme=programme,
        number="П.3",
        name="Сформировано пар",
        unit=Unit.PIECES,
        computed=Computed.PAIRS,
    )
    response = login(client, curator).get(
        reverse("indicators:list") + f"?programme={programme.pk}&year={year.pk}"
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].reached is True
    assert rows[1].is_computed
    assert response.context["pairs_per_form"]
    assert "✓" in response.content.decode()


def test_grid_saves_with_a_decimal_comma(client, curator, programme, indicator, year):
    url = reverse("indicators:values", args=[programme.pk])
    response = login(client, curator).post(
        url,
        {
            "year": year.pk,
            f"i{indicator.pk}-baseline": "1,5",
            f"i{indicator.pk}-target": "3",
            f"i{indicator.pk}-actual": "",
            f"i{indicator.pk}-comment": "по договорам",
        },
    )
    assert response.status_code == 302
    saved = IndicatorValue.objects.get(indicator=indicator, school_year=year)
    assert (str(saved.baseline), saved.target, saved.comment) == (
        "1.50",
        3,
        "по договорам",
    )


def test_grid_refuses_bad_values_and_saves_nothing(
    client, curator, programme, indicator, year
):
    share = Indicator.objects.create(
        programme=programme, number="2.2", name="Доля", unit=Unit.PERCENT
    )
    url = reverse("indicators:values", args=[programme.pk])
    response = login(client, curator).post(
        url,
        {
            "year": year.pk,
            f"i{indicator.pk}-baseline": "-2",
            f"i{indicator.pk}-target": "5",
            f"i{share.pk}-target": "120,5",
            f"i{share.pk}-actual": "abc",
        },
    )
    assert response.status_code == 200
    assert not IndicatorValue.objects.exists()
    body = response.content.decode()
    assert 'value="120,5"' in body  # input kept
    forms = [form for group in response.context["groups"] for form in group["forms"]]
    errors = {form.indicator.number: form.errors for form in forms}
    assert "baseline" in errors["1.1"]
    assert set(errors["2.2"]) == {"target", "actual"}
    assert "отрицательным" in body or "negative" in body


def test_fill_from_template(client, curator, programme, indicator, year):
    call_command("loaddata", "indicator_templates", verbosity=0)
    seed = IndicatorTemplate.objects.get(code="seed-004")
    url = reverse("indicators:from-template", args=[programme.pk])
    response = login(client, curator).post(
        url, {"template": seed.pk, "year": year.pk}, follow=True
    )
    assert programme.indicators.count() == 19  # 1.1 existed
    assert programme.indicators.get(number="1.1") == indicator
    assert "18" in str(list(response.context["messages"])[0])
    response = client.post(url, {"template": seed.pk, "year": year.pk})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert programme.indicators.count() == 19


def test_create_update_delete(client, curator, programme, indicator, year):
    login(client, curator)
    data = {"group": "1. Задача", "number": "1.2", "name": "Дуальное", "unit": "ед."}
    response = client.post(reverse("indicators:create", args=[programme.pk]), data)
    assert response.status_code == 302
    created = programme.indicators.get(number="1.2")
    response = client.post(
        reverse("indicators:update", args=[created.pk]), {**data, "number": "1.1"}
    )
    assert response.status_code == 200  # the number is taken
    assert response.context["form"].errors["number"]
    response = client.post(
        reverse("indicators:update", args=[created.pk]), {**data, "unit": "%"}
    )
    assert response.status_code == 302
    IndicatorValue.objects.create(indicator=indicator, school_year=year, target=3)
    url = reverse("indicators:delete", args=[indicator.pk])
    confirm = client.get(url)
    assert str(year) in confirm.content.decode()
    assert client.post(url).status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not IndicatorValue.objects.exists()


def make_indicators(programme, year, size):
    for number in range(size):
        indicator = Indicator.objects.create(
            programme=programme,
            group=f"{number % 3 + 1}. Задача",
            number=f"{number % 3 + 1}.{number}",
            name=f"Показатель {number}",
            unit=Unit.PIECES,
        )
        IndicatorValue.objects.create(
            indicator=indicator, school_year=year, target=5, actual=number
        )
    for key in Computed.values:
        Indicator.objects.create(
            programme=programme, name=key, unit=Unit.PERCENT, computed=key
        )
    for _ in range(size // 3):
        pair = f.PairFactory(programme=programme, start_on=date(2025, 10, 1))
        f.PairMenteeFactory(pair=pair, joined_on=pair.start_on)
        f.MeetingFactory(pair=pair, held_on=date(2025, 10, 5))


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_budget(
    client, curator, programme, year, size, django_assert_max_num_queries
):
    make_indicators(programme, year, size)
    login(client, curator)
    url = reverse("indicators:list") + f"?programme={programme.pk}&year={year.pk}"
    client.get(url)  # school years created on the first visit
    with django_assert_max_num_queries(26):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_grid_query_budget(
    client, curator, programme, year, size, django_assert_max_num_queries
):
    make_indicators(programme, year, size)
    login(client, curator)
    url = reverse("indicators:values", args=[programme.pk]) + f"?year={year.pk}"
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
