"""Excel exports of the bases (federal layout), the pairs and the request map."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pairs.models import Pair
from people.models import MenteeRequest
from tests import factories as f


def download(client, identifier, **params):
    response = client.get(reverse("export", args=[identifier, "xlsx"]), params)
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows, header):
    return rows[0].index(header)


@pytest.fixture
def signed_in(client, curator):
    client.force_login(curator)
    return client


def test_mentee_base_has_one_row_per_relationship(signed_in, programme, organisation):
    mentee = f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Ёлкина",
        participant__first_name="Анна",
        participant__middle_name="",
    )
    first = f.PairMenteeFactory(pair__programme=programme, mentee=mentee).pair
    second = f.PairMenteeFactory(pair__programme=programme, mentee=mentee).pair
    f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Зайцева",
        participant__first_name="Вера",
        participant__middle_name="",
    )
    rows = download(signed_in, "mentee-base")
    mentor = column(rows, "ФИО наставника")
    by_name = {}
    for row in rows[1:]:
        by_name.setdefault(row[0], []).append(row[mentor])
    assert sorted(by_name["Ёлкина Анна"]) == sorted(
        [first.mentor.participant.full_name, second.mentor.participant.full_name]
    )
    assert by_name["Зайцева Вера"] == [None]


def test_mentee_base_follows_the_list_filters(signed_in, organisation):
    f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Иванова",
        participant__first_name="Ольга",
    )
    f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Петрова",
        participant__first_name="Ирина",
    )
    rows = download(signed_in, "mentee-base", q="иванова")
    assert [row[0].split()[0] for row in rows[1:]] == ["Иванова"]


def test_mentee_base_never_shows_another_organisation(signed_in, other_organisation):
    f.MenteeFactory(participant__organisation=other_organisation)
    assert download(signed_in, "mentee-base")[1:] == []


def test_mentee_base_dates_are_dates(signed_in, organisation):
    f.MenteeFactory(participant__organisation=organisation)
    rows = download(signed_in, "mentee-base")
    entered = rows[1][column(rows, "Дата вхождения в программу")]
    assert entered.year >= 2000  # a datetime read back from a date cell


def test_mentor_base_lists_each_mentee_of_a_group(signed_in, programme):
    pair = f.PairFactory(programme=programme)
    mentees = [f.PairMenteeFactory(pair=pair).mentee for _ in range(2)]
    rows = download(signed_in, "mentor-base")
    partner = column(rows, "ФИО наставляемого")
    assert sorted(row[partner] for row in rows[1:]) == sorted(
        m.participant.full_name for m in mentees
    )
    assert {row[0] for row in rows[1:]} == {pair.mentor.participant.full_name}


def test_pairs_export_filters_by_status(signed_in, programme):
    active = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=active)
    f.PairFactory(programme=programme, status=Pair.Status.FORMED)
    rows = download(signed_in, "pairs", status="active")
    assert len(rows) == 2
    assert rows[1][column(rows, "ФИО наставника")] == (
        active.mentor.participant.full_name
    )


def test_request_map_export_counts_match_the_map(signed_in, organisation, programme):
    from mentoring.models import MentoringForm, RequestArea

    form = MentoringForm.objects.get(code="teacher-pupil")
    programme.forms.add(form)
    area = RequestArea.objects.order_by("pk").first()
    mentee = f.MenteeFactory(participant__organisation=organisation)
    for status in (
        MenteeRequest.Status.OPEN,
        MenteeRequest.Status.OPEN,
        MenteeRequest.Status.COVERED,
    ):
        MenteeRequest.objects.create(
            mentee=mentee, area=area, form=form, text="Запрос", status=status
        )
    rows = download(signed_in, "request-map")
    row = next(row for row in rows if row[0] == area.name)
    first = rows[0].index(f"{form.name}: без пары")
    assert row[first : first + 2] == [2, 1]
    assert rows[-1][-2:] == [2, 1]


@pytest.mark.parametrize(
    "identifier", ["mentee-base", "mentor-base", "pairs", "request-map"]
)
def test_exports_refuse_mentors_and_mentees(client, mentor, mentee, identifier):
    for user in (mentor, mentee):
        client.force_login(user)
        url = reverse("export", args=[identifier, "xlsx"])
        assert client.get(url).status_code == 403
