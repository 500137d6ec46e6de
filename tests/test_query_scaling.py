"""Issue 17: a page or an export makes the same number of queries with 5 rows as
with 50 (no query per row), and no more than its budget. Counts, never wall time.

The other tests/test_query_scaling_*.py modules measure the pages of one role each
with `measure` and `assert_flat` of this module."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import RequestArea
from pairs.models import Pair
from people.models import MenteeRequest, Participant, Role
from safeguarding.models import PreventiveWorkEntry
from tests import factories as f
from tests.conftest import member
from tests.files import pdf_text


def export_url(identifier: str, fmt: str = "xlsx", **query) -> str:
    url = reverse("export", args=[identifier, fmt])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def content_size(response) -> int:
    """How much a page or file shows: a PDF's text (its bytes carry a timestamp
    and font subsets, which need not grow with the rows), else its bytes."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        return len(pdf_text(b"".join(response)))
    return len(response.content)


def measure(client, urls: dict[str, str], budgets=None, assert_max=None):
    """{name: (queries, bytes)} of a GET of every URL (each must answer 200), by
    `client` or, for a (client, url) pair, by that client. With
    `budgets` and pytest-django's `django_assert_max_num_queries`, each request is
    made under its budget; the pages over it are returned apart, to be reported
    with the grown ones in one assertion."""
    counts, over = {}, {}
    for name, target in urls.items():
        # a (client, url) pair: the page of another persona than `client`'s
        who, url = target if isinstance(target, tuple) else (client, target)
        if budgets is None:
            with CaptureQueriesContext(connection) as captured:
                response = who.get(url)
        else:
            try:
                with assert_max(budgets[name]) as captured:
                    response = who.get(url)
            except pytest.fail.Exception:
                over[name] = (len(captured), budgets[name])
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = (len(captured), content_size(response))
    return counts, over


def assert_flat(client, urls, grow, budgets, assert_max, *, small=5, large=50):
    """Grow the world to `small` rows, count every page; grow it to `large`, count
    again under each page's budget. Every page must list more at `large` (its
    rows are on it, so the test can fail) with the same number of queries."""
    grow(small)
    measure(client, urls)  # a first visit may write once (a school year, a session)
    before, _over = measure(client, urls)
    grow(large - small)
    after, over = measure(client, urls, budgets, assert_max)
    grown = {
        name: (before[name][0], after[name][0])
        for name in urls
        if before[name][0] != after[name][0]
    }
    empty = [name for name in urls if after[name][1] <= before[name][1]]
    assert (grown, over, empty) == ({}, {}, []), (
        f"queries grown with rows (5 → 50): {grown}; over budget (made, budget): "
        f"{over}; pages that do not list more rows at 50: {empty}"
    )
    assert set(budgets) == set(urls)


def base_urls() -> dict[str, str]:
    """The bases, the pairs and the request map, and their exports."""
    pages = ["home", "people:mentee-list", "people:mentor-list", "pairs:list"]
    urls = {name: reverse(name) for name in [*pages, "matching:request-map"]}
    for identifier in ("mentee-base", "mentor-base", "pairs", "request-map"):
        urls[f"export:{identifier}"] = export_url(identifier)
    return urls


# Queries of each page at 50 rows (and at 5): a query more fails the test.
BASE_BUDGETS = {
    "home": 14,
    "people:mentee-list": 17,
    "people:mentor-list": 7,
    "pairs:list": 10,
    "matching:request-map": 7,
    "export:mentee-base": 8,
    "export:mentor-base": 10,
    "export:pairs": 7,
    "export:request-map": 6,
}
STAFF_BUDGETS = {
    "home (head)": 14,
    "home (social pedagogue)": 10,
    "safeguarding:list (social pedagogue)": 7,
    "home (class teacher)": 4,
    "people:mentee-propose": 6,
}


def grow(programme, size: int) -> None:
    """`size` pairs: each a pupil mentor of a class with a pupil mentee of a class
    (the class is what the lists print), a request, and a meeting."""
    organisation = programme.organisation
    areas = list(RequestArea.objects.order_by("pk"))
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
            area=areas[index % len(areas)],
            text=f"Подтянуть математику, тема {index}",
        )
        f.MeetingFactory(pair=pair)


def test_lists_and_exports_do_not_query_per_row(
    client, curator, programme, django_assert_max_num_queries
):
    client.force_login(curator)
    assert_flat(
        client,
        base_urls(),
        lambda size: grow(programme, size),
        BASE_BUDGETS,
        django_assert_max_num_queries,
    )


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


def test_staff_homes_do_not_query_per_row(
    client,
    head,
    social_pedagogue,
    organisation,
    programme,
    django_assert_max_num_queries,
):
    """The head's, the social pedagogue's and a class teacher's pages: the base
    world's pairs, and pupils of the class teacher's class (every second in the
    mentee base) with a preventive-work entry each."""
    group = f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)
    teacher = member(
        organisation, Role.CLASS_TEACHER, "classteacher", study_group=group
    )

    def grow_class(size: int) -> None:
        grow(programme, size)
        for index in range(size):
            pupil = f.ParticipantFactory(organisation=organisation, study_group=group)
            if index % 2:
                f.MenteeFactory(participant=pupil)
            PreventiveWorkEntry.objects.create(
                participant=pupil,
                created_by=social_pedagogue,
                held_on=date.today(),
                form_of_work=PreventiveWorkEntry.Form.CONVERSATION,
                content="Беседа",
                conducted_by="Социальный педагог",
            )

    clients = {user: Client() for user in (head, social_pedagogue, teacher)}
    for user, each in clients.items():
        each.force_login(user)
    urls = {
        "home (head)": (clients[head], reverse("home")),
        "home (social pedagogue)": (clients[social_pedagogue], reverse("home")),
        "safeguarding:list (social pedagogue)": (
            clients[social_pedagogue],
            reverse("safeguarding:list"),
        ),
        "home (class teacher)": (clients[teacher], reverse("home")),
        "people:mentee-propose": (clients[teacher], reverse("people:mentee-propose")),
    }
    assert_flat(client, urls, grow_class, STAFF_BUDGETS, django_assert_max_num_queries)
