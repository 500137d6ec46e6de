"""A pair's card of entry/exit values: every parameter for every person, entry
and exit, saved at once; errors keep everything; the tier stays hidden."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from mentoring.models import MentoringForm
from monitoring.models import Measurement, Parameter
from people.models import Role
from tests import factories as f
from tests.conftest import member

ENTRY, EXIT = Measurement.Moment.ENTRY, Measurement.Moment.EXIT


def parameter(code):
    return Parameter.objects.get(code=code)


def url(pair):
    return reverse("measurements:pair", args=[pair.pk])


def field(participant, code, moment):
    return f"v_{participant.pk}_{parameter(code).pk}_{moment}"


@pytest.fixture
def people(pair):
    return pair.memberships.get().mentee.participant, pair.mentor.participant


def test_the_card_holds_every_parameter_for_every_person_at_entry_and_exit(
    client, curator, pair, people
):
    mentee, mentor = people
    client.force_login(curator)
    response = client.get(url(pair))
    assert response.status_code == 200
    form = response.context["form"]
    rows = response.context["rows"]
    active = Parameter.objects.filter(is_active=True)
    assert [row["parameter"] for row in rows] == list(active)
    # grades are the mentee's only, engagement everyone's
    assert field(mentee, "grades", ENTRY) in form.fields
    assert field(mentor, "grades", ENTRY) not in form.fields
    for person in people:
        for moment in (ENTRY, EXIT):
            assert field(person, "engagement", moment) in form.fields
    page = response.content.decode()
    assert mentee.short_name in page and "Вход" in page and "Выход" in page


def test_entry_and_exit_of_all_parameters_are_saved_in_one_post(
    client, curator, pair, people
):
    mentee, mentor = people
    client.force_login(curator)
    response = client.post(
        url(pair),
        {
            "entry_on": "2026-09-15",
            "exit_on": "2027-05-20",
            field(mentee, "engagement", ENTRY): "4,5",
            field(mentee, "engagement", EXIT): "7",
            field(mentor, "engagement", ENTRY): "6",
            field(mentee, "grades", ENTRY): "3,4",
        },
    )
    assert response.status_code == 302
    saved = {
        (m.participant_id, m.parameter.code, m.moment): (m.value, m.measured_on)
        for m in Measurement.objects.filter(pair=pair).select_related("parameter")
    }
    assert saved == {
        (mentee.pk, "engagement", ENTRY): (Decimal("4.50"), date(2026, 9, 15)),
        (mentee.pk, "engagement", EXIT): (Decimal("7.00"), date(2027, 5, 20)),
        (mentor.pk, "engagement", ENTRY): (Decimal("6.00"), date(2026, 9, 15)),
        (mentee.pk, "grades", ENTRY): (Decimal("3.40"), date(2026, 9, 15)),
    }
    page = client.get(response.url)
    assert "Сохранено значений: 4." in page.content.decode()
    # the stored values come back into their cells
    assert page.context["form"][field(mentee, "engagement", EXIT)].value() == "7"


def test_an_emptied_cell_removes_its_value_and_the_others_stay(
    client, curator, pair, people
):
    mentee, mentor = people
    kept = f.MeasurementFactory(
        pair=pair, participant=mentee, parameter=parameter("engagement"), value=5
    )
    gone = f.MeasurementFactory(
        pair=pair, participant=mentor, parameter=parameter("engagement"), value=6
    )
    client.force_login(curator)
    form = client.get(url(pair)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data[field(mentor, "engagement", kept.moment)] = ""
    response = client.post(url(pair), data)
    assert response.status_code == 302
    assert Measurement.objects.filter(pk=kept.pk, value=Decimal("5")).exists()
    assert not Measurement.objects.filter(pk=gone.pk).exists()


def test_a_bad_value_saves_nothing_and_keeps_what_was_typed(
    client, curator, pair, people
):
    mentee, mentor = people
    client.force_login(curator)
    response = client.post(
        url(pair),
        {
            "entry_on": "2026-09-15",
            "exit_on": "2027-05-20",
            field(mentee, "engagement", ENTRY): "4",
            field(mentor, "engagement", ENTRY): "хорошо",
        },
    )
    assert response.status_code == 200
    assert not Measurement.objects.exists()
    page = response.content.decode()
    assert "«хорошо» — не число" in page
    assert 'value="хорошо"' in page and 'aria-invalid="true"' in page
    assert response.context["form"][field(mentee, "engagement", ENTRY)].value() == "4"


def test_a_typed_value_needs_the_date_of_its_moment(client, curator, pair, people):
    mentee, _mentor = people
    client.force_login(curator)
    response = client.post(
        url(pair),
        {"entry_on": "", "exit_on": "", field(mentee, "engagement", EXIT): "5"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "exit_on": ["Укажите дату введённых значений."]
    }
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_pair_members_are_refused(client, request, pair, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(pair)).status_code == 403
    assert client.post(url(pair), {}).status_code == 403


def test_another_organisation_does_not_find_the_pair(client, outsider, pair, people):
    client.force_login(outsider)
    assert client.get(url(pair)).status_code == 404
    mentee, _ = people
    response = client.post(
        url(pair), {"entry_on": "2026-09-15", field(mentee, "engagement", ENTRY): "4"}
    )
    assert response.status_code == 404
    assert not Measurement.objects.exists()


def test_the_deputy_does_not_find_a_pair_of_the_social_risk_form(
    client, organisation, programme, curator
):
    risk = MentoringForm.objects.filter(is_social_risk=True).first()
    pair = f.PairFactory(programme=programme, form=risk)
    f.PairMenteeFactory(pair=pair)
    deputy = member(organisation, Role.DEPUTY, "deputy")
    client.force_login(deputy)
    assert client.get(url(pair)).status_code == 404
    client.force_login(curator)
    assert client.get(url(pair)).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_a_group_card_costs_the_same_queries_for_any_size(
    client, curator, programme, size, django_assert_max_num_queries
):
    group = f.PairFactory(programme=programme)
    for _ in range(size):
        mentee = f.PairMenteeFactory(pair=group).mentee.participant
        f.MeasurementFactory(pair=group, participant=mentee)
    client.force_login(curator)
    with django_assert_max_num_queries(16):
        response = client.get(url(group))
    assert len(response.context["people"]) == size + 1


def test_the_psychologist_records_values_without_links_to_pair_pages(
    client, organisation, pair
):
    """She may not open the pairs' pages (403): the card does not send her there."""
    psychologist = member(organisation, Role.PSYCHOLOGIST, "psychologist")
    client.force_login(psychologist)
    page = client.get(url(pair)).content.decode()
    assert 'data-testid="pair-values"' in page
    assert reverse("pairs:detail", args=[pair.pk]) not in page
    assert f'href="{reverse("pairs:list")}"' not in page
