"""The two bases read a chunk of people at a time (people/exports.py): every row
keeps its own requests, pairs and partners across the chunks, in the same order,
and the queries grow with the chunks, not with the rows."""

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mentoring.models import RequestArea
from people import exports
from people.models import MenteeRequest
from tests import factories as f


def download(client, identifier):
    response = client.get(reverse("export", args=[identifier, "xlsx"]))
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def signed_in(client, curator):
    client.force_login(curator)
    return client


def pupil(organisation, last_name: str):
    return f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name=last_name,
        participant__first_name="Анна",
        participant__middle_name="",
    )


def mentor(organisation, last_name: str):
    return f.MentorFactory(
        participant__organisation=organisation,
        participant__last_name=last_name,
        participant__first_name="Ольга",
        participant__middle_name="",
    )


@pytest.fixture
def base(organisation, programme):
    """Five mentees in name order, each with a request of its own; the second with
    two pairs (joined in the reverse of their mentors' names), the fourth with a
    closed request only; mentors Борисова and Васильева with a pair each."""
    area = RequestArea.objects.order_by("pk").first()
    start = date.today() - timedelta(days=90)
    mentees = [pupil(organisation, name) for name in ("Аа", "Бб", "Вв", "Гг", "Дд")]
    for mentee in mentees:
        MenteeRequest.objects.create(
            mentee=mentee,
            area=area,
            text=f"Запрос {mentee.participant.last_name}",
            status=(
                MenteeRequest.Status.CLOSED
                if mentee is mentees[3]
                else MenteeRequest.Status.OPEN
            ),
        )
    late, early = mentor(organisation, "Васильева"), mentor(organisation, "Борисова")
    for who, joined in ((late, start + timedelta(days=1)), (early, start)):
        pair = f.PairFactory(programme=programme, mentor=who, start_on=start)
        f.PairMenteeFactory(pair=pair, mentee=mentees[1], joined_on=joined)
    pair = f.PairFactory(
        programme=programme, mentor=late, start_on=start + timedelta(days=5)
    )
    f.PairMenteeFactory(pair=pair, mentee=mentees[4])
    return mentees


def test_mentee_rows_keep_their_requests_and_mentors_across_chunks(
    signed_in, base, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    rows = download(signed_in, "mentee-base")
    header = rows[0]
    name, request, partner = (
        header.index("ФИО наставляемого"),
        header.index("Ключевой запрос наставляемого"),
        header.index("ФИО наставника"),
    )
    assert [(row[name], row[request], row[partner]) for row in rows[1:]] == [
        ("Аа Анна", "Запрос Аа", None),
        ("Бб Анна", "Запрос Бб", "Борисова Ольга"),
        ("Бб Анна", "Запрос Бб", "Васильева Ольга"),
        ("Вв Анна", "Запрос Вв", None),
        ("Гг Анна", "Запрос Гг", None),
        ("Дд Анна", "Запрос Дд", "Васильева Ольга"),
    ]


def test_mentee_base_is_the_same_whatever_the_chunk(signed_in, base, monkeypatch):
    whole = download(signed_in, "mentee-base")
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    assert download(signed_in, "mentee-base") == whole


def test_mentor_rows_keep_their_pairs_and_mentees_across_chunks(
    signed_in, base, monkeypatch
):
    mentor(base[0].participant.organisation, "Яковлева")  # no pair: one row
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    rows = download(signed_in, "mentor-base")
    header = rows[0]
    name, partner = header.index("ФИО наставника"), header.index("ФИО наставляемого")
    assert [(row[name], row[partner]) for row in rows[1:]] == [
        ("Борисова Ольга", "Бб Анна"),
        ("Васильева Ольга", "Бб Анна"),
        ("Васильева Ольга", "Дд Анна"),
        ("Яковлева Ольга", None),
    ]


@pytest.mark.parametrize(
    ("identifier", "per_chunk"), [("mentee-base", 2), ("mentor-base", 2)]
)
def test_queries_grow_with_the_chunks_not_the_rows(
    signed_in, base, monkeypatch, identifier, per_chunk
):
    """Five mentees (two mentors) in chunks of one: the queries of one chunk
    more than in a single chunk are the chunk's own few, whatever it holds."""

    def queries(chunk_size: int) -> int:
        monkeypatch.setattr(exports, "CHUNK_SIZE", chunk_size)
        with CaptureQueriesContext(connection) as captured:
            download(signed_in, identifier)
        return len(captured)

    download(signed_in, identifier)  # warm caches (session, catalogues)
    people = 5 if identifier == "mentee-base" else 2
    assert queries(1) - queries(1000) == per_chunk * (people - 1)
