"""Issue 17: a page or an export makes the same number of queries with 5 rows as
with 50 (no query per row). Counts, never wall time."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import RequestArea
from pairs.models import Pair
from people.models import MenteeRequest, Participant
from tests import factories as f

PAGES = [
    reverse("home"),
    reverse("people:mentee-list"),
    reverse("people:mentor-list"),
    reverse("pairs:list"),
    reverse("matching:request-map"),
]
EXPORTS = ["mentee-base", "mentor-base", "pairs", "request-map"]


def grow(programme, size: int) -> None:
    """`size` pairs: each a pupil mentor of a class with a pupil mentee of a class
    (the class is what the lists print), a request, and a meeting."""
    organisation = programme.organisation
    for index in range(size):
        group = f.StudyGroupFactory(
            organisation=organisation,
            name=f"{5 + index % 6}{'АБВГ'[index % 4]}{index}",
            grade=5 + index % 6,
        )
        mentor = f.MentorFactory(
            participant__organisation=organisation,
            participant__kind=Participant.Kind.PUPIL,
            participant__study_group=group,
            participant__position="",
        )
        pair = f.PairFactory(programme=programme, mentor=mentor)
        link = f.PairMenteeFactory(
            pair=pair,
            mentee__participant__organisation=organisation,
            mentee__participant__study_group=group,
        )
        MenteeRequest.objects.create(
            mentee=link.mentee,
            area=RequestArea.objects.order_by("pk").first(),
            text="Подтянуть математику",
        )
        f.MeetingFactory(pair=pair)


def counts(client) -> dict[str, int]:
    result = {}
    urls = PAGES + [
        reverse("export", args=[identifier, "xlsx"]) for identifier in EXPORTS
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = len(captured)
    return result


@pytest.mark.django_db
def test_lists_and_exports_do_not_query_per_row(client, curator, programme):
    client.force_login(curator)
    grow(programme, 5)
    small = counts(client)
    grow(programme, 45)
    large = counts(client)
    grown = {url: (small[url], large[url]) for url in small if large[url] != small[url]}
    assert not grown, grown


@pytest.mark.django_db
def test_meeting_stats_are_those_of_each_pair(programme, django_assert_num_queries):
    busy, idle = f.PairFactory(programme=programme), f.PairFactory(programme=programme)
    for days in (40, 10, 25):
        f.MeetingFactory(pair=busy, held_on=date.today() - timedelta(days=days))
    with django_assert_num_queries(1):
        stats = {
            pair.pk: (pair.meetings_count, pair.last_meeting)
            for pair in Pair.objects.filter(programme=programme).with_meeting_stats()
        }
    assert stats == {
        busy.pk: (3, date.today() - timedelta(days=10)),
        idle.pk: (0, None),
    }
