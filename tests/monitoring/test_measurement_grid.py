"""The entry/exit grid: audience, one transaction, errors kept per row."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.measurement_services import parse_value, programme_slots
from monitoring.models import Measurement, Parameter
from people.models import Participant
from tests import factories as f

ENTRY, EXIT = Measurement.Moment.ENTRY, Measurement.Moment.EXIT


def parameter(code):
    return Parameter.objects.get(code=code)


def url(programme, code="engagement", moment=ENTRY, **extra):
    query = f"programme={programme.pk}&parameter={parameter(code).pk}&moment={moment}"
    for key, value in extra.items():
        query += f"&{key}={value}"
    return f"{reverse('measurements:grid')}?{query}"


def key(participant, pair):
    return f"{participant.pk}_{pair.pk}"


@pytest.fixture
def people(pair):
    return pair.memberships.get().mentee.participant, pair.mentor.participant


def test_audience_mentees_teachers_all(pair, people):
    mentee, mentor = people
    pupil_mentor_pair = f.PairFactory(
        programme=pair.programme,
        mentor__participant__kind=Participant.Kind.STUDENT,
    )
    f.PairMenteeFactory(pair=pupil_mentor_pair)
    programme = pair.programme

    def who(code):
        return {s.participant for s in programme_slots(programme, parameter(code))}

    assert mentor not in who("grades") and mentee in who("grades")
    assert who("professional") == {mentor}  # the only teacher
    everyone = who("engagement")
    assert {mentee, mentor, pupil_mentor_pair.mentor.participant} <= everyone
    assert len(everyone) == 4


@pytest.mark.parametrize(
    ("text", "value"), [("4,5", "4.50"), ("4.5", "4.50"), (" 7 ", "7.00"), (3, "3.00")]
)
def test_parse_value_accepts_comma(text, value):
    assert parse_value(text, parameter("engagement")) == Decimal(value)


@pytest.mark.parametrize("text", ["хорошо", "11", "0", "4,555", "1e3", "NaN"])
def test_parse_value_refuses(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_value(text, parameter("engagement"))


def test_grid_saves_all_rows_with_comma_decimal(client, curator, pair, people):
    mentee, mentor = people
    client.force_login(curator)
    response = client.post(
        url(pair.programme),
        {
            "measured_on": "2026-03-05",
            f"v_{key(mentee, pair)}": "4,5",
            f"v_{key(mentor, pair)}": "8",
        },
    )
    assert response.status_code == 302
    values = {m.participant: m for m in Measurement.objects.all()}
    assert values[mentee].value == Decimal("4.5")
    assert values[mentee].measured_on == date(2026, 3, 5)
    assert values[mentee].source == Measurement.Source.GRID
    assert values[mentee].recorded_by == curator
    assert values[mentor].value == 8
    page = client.get(response.url)
    assert "Сохранено значений: 2" in page.content.decode() or (
        "Values saved: 2" in page.content.decode()
    )


@pytest.mark.parametrize("bad", ["хорошо", "11", "0,5"])
def test_a_bad_row_saves_nothing_and_keeps_the_input(
    client, curator, pair, people, bad
):
    mentee, mentor = people
    client.force_login(curator)
    response = client.post(
        url(pair.programme),
        {
            "measured_on": "2026-03-05",
            f"v_{key(mentee, pair)}": "6",
            f"v_{key(mentor, pair)}": bad,
        },
    )
    assert response.status_code == 200
    assert not Measurement.objects.exists()
    html = response.content.decode()
    assert f'value="{bad}"' in html and 'value="6"' in html
    row = next(r for r in response.context["rows"] if r["slot"].participant == mentor)
    assert row["value"].errors


def test_empty_input_changes_nothing_and_clear_deletes(client, curator, pair, people):
    mentee, mentor = people
    kept = f.MeasurementFactory(pair=pair, participant=mentee, value=5)
    gone = f.MeasurementFactory(pair=pair, participant=mentor, value=6)
    client.force_login(curator)
    response = client.post(
        url(pair.programme),
        {
            "measured_on": "2026-03-05",
            f"v_{key(mentee, pair)}": "",
            f"v_{key(mentor, pair)}": "6",
            f"c_{key(mentor, pair)}": "on",
        },
    )
    assert response.status_code == 302
    assert Measurement.objects.get(pk=kept.pk).value == 5
    assert not Measurement.objects.filter(pk=gone.pk).exists()


def test_unchanged_value_keeps_its_date_and_source(client, curator, pair, people):
    mentee, _mentor = people
    stored = f.MeasurementFactory(
        pair=pair,
        participant=mentee,
        value=5,
        source=Measurement.Source.QUESTIONNAIRE,
    )
    client.force_login(curator)
    client.post(
        url(pair.programme),
        {"measured_on": "2026-03-05", f"v_{key(mentee, pair)}": "5"},
    )
    stored.refresh_from_db()
    assert stored.source == Measurement.Source.QUESTIONNAIRE
    assert stored.measured_on != date(2026, 3, 5)


def test_exit_grid_shows_entry_read_only_and_questionnaire_mark(
    client, curator, pair, people
):
    mentee, _mentor = people
    f.MeasurementFactory(
        pair=pair,
        participant=mentee,
        value=Decimal("4.5"),
        source=Measurement.Source.QUESTIONNAIRE,
    )
    client.force_login(curator)
    response = client.get(url(pair.programme, moment=EXIT))
    html = response.content.decode()
    assert "data-entry" in html and "4,5" in html
    assert "bi-ui-checks" in html
    assert f'name="v_{key(mentee, pair)}"' in html
    assert 'name="e_' not in html  # the entry is not an input


def test_filter_by_pair(client, curator, pair, people):
    other = f.PairFactory(programme=pair.programme)
    f.PairMenteeFactory(pair=other)
    client.force_login(curator)
    response = client.get(url(pair.programme, pair=pair.pk))
    assert {r["slot"].pair for r in response.context["rows"]} == {pair}


@pytest.mark.parametrize("pairs", [2, 10])
def test_grid_query_budget(
    client, curator, programme, pairs, django_assert_max_num_queries
):
    for _ in range(pairs):
        pair = f.PairFactory(programme=programme)
        mentee = f.PairMenteeFactory(pair=pair).mentee.participant
        f.MeasurementFactory(pair=pair, participant=mentee)
    client.force_login(curator)
    with django_assert_max_num_queries(17):
        response = client.get(url(programme, moment=EXIT))
    assert len(response.context["rows"]) == pairs * 2
    data = {"measured_on": "2026-03-05"}
    for row in response.context["rows"]:
        data[row["value"].html_name] = "7"
    with django_assert_max_num_queries(20):
        response = client.post(url(programme, moment=EXIT), data)
    assert response.status_code == 302
    assert Measurement.objects.filter(moment=EXIT).count() == pairs * 2
