from datetime import date, timedelta

import pytest
from django.urls import reverse

from pairs.models import Plan, PlanItem
from pairs.plan_services import plan_create, plan_item_add
from people.models import Role
from tests import factories as f

TODAY = date.today()


def make_plan(pair, by, items=2):
    plan = plan_create(
        pair=pair,
        by=by,
        goal="Повысить успеваемость",
        starts_on=TODAY - timedelta(days=30),
        ends_on=TODAY + timedelta(days=60),
    )
    for number in range(items):
        plan_item_add(plan=plan, by=by, activity=f"Пункт {number}", deadline=TODAY)
    return plan


@pytest.fixture
def plan(pair, curator):
    return make_plan(pair, curator)


@pytest.fixture
def other_mentor(programme):
    other = f.PairFactory(programme=programme)
    user = f.UserFactory(username="other-mentor")
    other.mentor.participant.user = user
    other.mentor.participant.save()
    f.MembershipFactory(
        user=user, organisation=programme.organisation, role=Role.MENTOR
    )
    return user


@pytest.mark.parametrize("persona", ["curator", "head", "mentor", "mentee"])
def test_detail_allowed(client, request, plan, pair, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("plans:detail", args=[pair.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["other_mentor", "outsider"])
def test_detail_refused(client, request, plan, pair, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("plans:detail", args=[pair.pk])).status_code == 404
    item = plan.items.first()
    response = client.post(
        reverse("plans:item-status", args=[item.pk]), {"status": "done"}
    )
    assert response.status_code == 404


def test_empty_state_and_create(client, curator, pair):
    client.force_login(curator)
    assert client.get(reverse("plans:detail", args=[pair.pk])).status_code == 200
    assert client.get(reverse("plans:create", args=[pair.pk])).status_code == 200
    response = client.post(
        reverse("plans:create", args=[pair.pk]),
        {
            "goal": "Цель",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Plan.objects.filter(pair=pair).exists()


def test_mentee_cannot_edit(client, mentee, plan, pair):
    client.force_login(mentee)
    assert client.get(reverse("plans:update", args=[pair.pk])).status_code == 404
    assert client.get(reverse("plans:item-add", args=[pair.pk])).status_code == 404


def test_mentor_adds_and_edits_item(client, mentor, plan, pair):
    client.force_login(mentor)
    response = client.post(
        reverse("plans:item-add", args=[pair.pk]),
        {"activity": "Открытый урок", "deadline": TODAY.isoformat()},
    )
    assert response.status_code == 302
    item = plan.items.get(activity="Открытый урок")
    response = client.post(
        reverse("plans:item-update", args=[item.pk]),
        {
            "activity": "Открытый урок",
            "deadline": (plan.ends_on + timedelta(1)).isoformat(),
        },
    )
    assert response.status_code == 200  # refused: past the plan's end
    item.refresh_from_db()
    assert item.deadline == TODAY


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_tick_by_participants(client, request, plan, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    item = plan.items.first()
    url = reverse("plans:item-status", args=[item.pk])
    assert client.post(url, {"status": "done"}).status_code == 302
    item.refresh_from_db()
    assert item.status == PlanItem.Status.DONE and item.done_by == user
    assert client.post(url, {"status": "planned"}).status_code == 302
    item.refresh_from_db()
    assert item.status == PlanItem.Status.PLANNED and item.done_on is None


def test_evidence_served_only_to_the_pair(
    client, mentor, outsider, plan, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    item = plan.items.first()
    client.force_login(mentor)
    client.post(
        reverse("plans:item-update", args=[item.pk]),
        {
            "activity": item.activity,
            "deadline": item.deadline.isoformat(),
            "evidence_file": SimpleUploadedFile("итог.pdf", b"%PDF-1.4 test"),
        },
    )
    item.refresh_from_db()
    assert item.evidence_file
    url = reverse("plans:evidence", args=[item.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_list_for_curator_only(client, curator, mentor, outsider, plan):
    url = reverse("plans:list")
    client.force_login(curator)
    assert client.get(url).status_code == 200
    assert client.get(url, {"overdue": "on", "sort": "-progress"}).status_code == 200
    client.force_login(mentor)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert plan.pair not in list(response.context["pairs"])


def test_list_overdue_filter(client, curator, pair, plan, programme):
    other = f.PairFactory(programme=programme)
    make_plan(other, curator, items=0)
    item = plan.items.first()
    item.deadline = TODAY - timedelta(days=1)
    item.save()
    client.force_login(curator)
    response = client.get(reverse("plans:list"), {"overdue": "on"})
    assert [p.pk for p in response.context["pairs"]] == [pair.pk]


def test_list_query_budget(client, curator, programme, django_assert_max_num_queries):
    def count():
        client.force_login(curator)
        with django_assert_max_num_queries(12) as queries:
            client.get(reverse("plans:list"))
        return len(queries)

    for _ in range(2):
        make_plan(f.PairFactory(programme=programme), curator)
    small = count()
    for _ in range(5):
        make_plan(f.PairFactory(programme=programme), curator)
    assert count() == small


def test_mentee_home_links_to_the_plan(client, mentee, pair):
    client.force_login(mentee)
    body = client.get(reverse("home")).content.decode()
    assert reverse("plans:detail", args=[pair.pk]) in body
