"""The mentor's card of a pair says how long since the last meeting — and, before
the first one, that there has been none, never «0 дней с последней встречи»
(issue 19)."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests import factories as f


def days_line(client) -> str:
    page = client.get(reverse("home")).content.decode()
    match = re.search(r'data-testid="days-since">(.*?)</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        (0, "Встреч ещё не было: пара начинает работу"),
        (-5, "Встреч ещё не было: пара начинает работу"),
        (3, "Встреч ещё не было: пара начала работу 3 дня назад"),
        (21, "Встреч ещё не было: пара начала работу 21 день назад"),
    ],
)
def test_a_pair_without_meetings(client, mentor, pair, started, expected):
    pair.start_on = date.today() - timedelta(days=started)
    pair.save()
    client.force_login(mentor)
    assert days_line(client) == expected


def test_a_pair_with_a_meeting_counts_from_it(client, mentor, pair):
    f.MeetingFactory(pair=pair, held_on=date.today() - timedelta(days=5))
    client.force_login(mentor)
    assert days_line(client) == "5 дней с последней встречи"
