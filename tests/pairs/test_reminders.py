"""What is due: stale pairs, overdue plan items, past the end, no introduction;
the pause that silences a pair; the reminders page and the pause buttons."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MeetingType
from pairs.models import Pair, Plan, PlanItem
from pairs.reminders import (
    due_for_pairs,
    pair_pause,
    pair_resume,
    pairs_with_reminders,
    reminders_for_user,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)
TODAY = timezone.localdate()


def make_pair(programme, *, start_on, status=Pair.Status.ACTIVE, **kwargs):
    pair = f.PairFactory(
        programme=programme,
        start_on=start_on,
        planned_end_on=kwargs.pop("planned_end_on", start_on + timedelta(days=270)),
        status=status,
        **kwargs,
    )
    f.PairMenteeFactory(pair=pair)
    return pair


def meet(pair, held_on, code="regular"):
    return f.MeetingFactory(
        pair=pair, held_on=held_on, meeting_type=MeetingType.objects.get(code=code)
    )


def kinds(pair, today=DAY):
    return [
        reminder.kind
        for reminder in due_for_pairs([pair], today=today).get(pair.pk, [])
    ]


def add_item(
    pair, *, deadline, status=PlanItem.Status.PLANNED, activity="Открытый урок"
):
    plan, _created = Plan.objects.get_or_create(
        pair=pair,
        defaults={
            "goal": "Адаптация",
            "starts_on": pair.start_on,
            "ends_on": pair.planned_end_on,
        },
    )
    return PlanItem.objects.create(
        plan=plan,
        activity=activity,
        deadline=deadline,
        status=status,
        done_on=deadline if status == PlanItem.Status.DONE else None,
    )


# --- What is due --------------------------------------------------------------------


def test_active_pair_without_meetings_for_longer_than_the_programme_allows(programme):
    pair = make_pair(programme, start_on=DAY - timedelta(days=60))
    meet(pair, DAY - timedelta(days=17))
    [reminder] = due_for_pairs([pair], today=DAY)[pair.pk]
    assert reminder.kind == "stale"
    assert reminder.pair_id == pair.pk
    assert "17" in reminder.text


def test_stale_counts_from_the_start_when_no_meeting_was_held(programme):
    pair = make_pair(programme, start_on=DAY - timedelta(days=15))
    assert kinds(pair) == ["stale"]
    assert kinds(pair, today=DAY - timedelta(days=1)) == []  # 14 days: not yet


def test_the_programme_sets_how_long_is_too_quiet(programme):
    programme.stale_after_days = 30
    programme.save()
    pair = make_pair(programme, start_on=DAY - timedelta(days=60))
    meet(pair, DAY - timedelta(days=20))
    assert kinds(pair) == []


def test_a_meeting_after_the_day_does_not_count_on_a_catch_up_run(programme):
    pair = make_pair(programme, start_on=DAY - timedelta(days=60))
    meet(pair, DAY - timedelta(days=20))
    meet(pair, DAY + timedelta(days=1))
    assert kinds(pair) == ["stale"]


def test_overdue_plan_items_only_open_ones_before_today(programme):
    pair = make_pair(programme, start_on=DAY - timedelta(days=30))
    meet(pair, DAY - timedelta(days=2))
    add_item(pair, deadline=DAY - timedelta(days=1), activity="Посетить урок")
    add_item(pair, deadline=DAY - timedelta(days=1), status=PlanItem.Status.DONE)
    add_item(pair, deadline=DAY - timedelta(days=1), status=PlanItem.Status.CANCELLED)
    add_item(pair, deadline=DAY)
    [reminder] = due_for_pairs([pair], today=DAY)[pair.pk]
    assert reminder.kind == "overdue_item"
    assert "Посетить урок" in reminder.text


def test_past_the_planned_end_without_the_final_meeting(programme):
    pair = make_pair(
        programme,
        start_on=DAY - timedelta(days=200),
        planned_end_on=DAY - timedelta(days=3),
    )
    meet(pair, DAY - timedelta(days=5))
    assert kinds(pair) == ["past_end"]
    meet(pair, DAY - timedelta(days=1), code="final")
    assert kinds(pair) == []


def test_formed_pair_is_asked_for_the_introduction_meeting_after_a_week(programme):
    pair = make_pair(
        programme, start_on=DAY - timedelta(days=7), status=Pair.Status.FORMED
    )
    assert kinds(pair) == ["next_meeting"]
    assert kinds(pair, today=DAY - timedelta(days=1)) == []
    # a formed pair is never "stale", however long ago it started
    assert kinds(pair, today=DAY + timedelta(days=60)) == ["next_meeting"]
    meet(pair, DAY - timedelta(days=2), code="introduction")
    assert kinds(pair) == []


def test_paused_and_closed_pairs_yield_nothing(programme):
    paused = make_pair(
        programme,
        start_on=DAY - timedelta(days=60),
        paused_until=DAY,
        pause_reason="каникулы",
    )
    assert kinds(paused) == []
    assert kinds(paused, today=DAY + timedelta(days=1)) == ["stale"]
    closed = make_pair(
        programme,
        start_on=DAY - timedelta(days=60),
        status=Pair.Status.COMPLETED,
        ended_on=DAY - timedelta(days=1),
    )
    assert kinds(closed) == []


def test_reminders_for_the_mentor_and_the_second_mentor_only(pair, mentor, curator):
    pair.start_on = DAY - timedelta(days=60)
    pair.planned_end_on = DAY + timedelta(days=100)
    pair.save()
    assert [r.kind for r in reminders_for_user(mentor, today=DAY)] == ["stale"]
    co_mentor_user = f.UserFactory()
    pair.co_mentor = f.MentorFactory(
        participant__organisation=pair.programme.organisation,
        participant__user=co_mentor_user,
    )
    pair.save()
    assert len(reminders_for_user(co_mentor_user, today=DAY)) == 1
    assert reminders_for_user(curator, today=DAY) == []
    assert reminders_for_user(f.UserFactory(), today=DAY) == []


def test_the_number_of_queries_does_not_grow_with_the_pairs(programme):
    def count(n):
        for _ in range(n):
            pair = make_pair(programme, start_on=DAY - timedelta(days=60))
            meet(pair, DAY - timedelta(days=20))
            add_item(pair, deadline=DAY - timedelta(days=3))
        with CaptureQueriesContext(connection) as queries:
            grouped = pairs_with_reminders(Pair.objects.all(), today=DAY)
        return len(queries), len(grouped)

    few, pairs_few = count(1)
    many, pairs_many = count(5)
    assert (pairs_few, pairs_many) == (1, 6)
    assert few == many <= 4


# --- The pause ----------------------------------------------------------------------


def test_pause_and_resume(pair, mentor):
    pair_pause(
        pair=pair,
        until=DAY + timedelta(days=10),
        reason=" каникулы ",
        by=mentor,
        today=DAY,
    )
    pair.refresh_from_db()
    assert pair.paused_until == DAY + timedelta(days=10)
    assert pair.pause_reason == "каникулы"
    pair_resume(pair=pair, by=mentor)
    pair.refresh_from_db()
    assert pair.paused_until is None
    assert pair.pause_reason == ""


@pytest.mark.parametrize(
    ("until", "reason", "field"),
    [
        (DAY, "каникулы", "until"),
        (DAY - timedelta(days=1), "каникулы", "until"),
        (DAY + timedelta(days=93), "каникулы", "until"),
        (DAY + timedelta(days=10), "  ", "reason"),
    ],
)
def test_pause_refusals(pair, mentor, until, reason, field):
    with pytest.raises(ValidationError) as refused:
        pair_pause(pair=pair, until=until, reason=reason, by=mentor, today=DAY)
    assert field in refused.value.message_dict
    pair.refresh_from_db()
    assert pair.paused_until is None


def test_a_closed_pair_cannot_be_paused_and_an_unpaused_one_cannot_resume(pair, mentor):
    with pytest.raises(ValidationError):
        pair_resume(pair=pair, by=mentor)
    pair.status = Pair.Status.COMPLETED
    pair.ended_on = pair.start_on + timedelta(days=1)
    pair.save()
    with pytest.raises(ValidationError):
        pair_pause(
            pair=pair, until=DAY + timedelta(days=5), reason="x", by=mentor, today=DAY
        )


# --- Pages ---------------------------------------------------------------------------


def pause_data(**kwargs):
    data = {"until": (TODAY + timedelta(days=14)).isoformat(), "reason": "каникулы"}
    data.update(kwargs)
    return data


def test_the_mentor_pauses_a_pair(client, pair, mentor):
    client.force_login(mentor)
    response = client.post(reverse("reminders:pause", args=[pair.pk]), pause_data())
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.paused_until == TODAY + timedelta(days=14)


def test_the_curator_pauses_and_resumes_from_the_pair_card(client, pair, curator):
    client.force_login(curator)
    card = reverse("pairs:detail", args=[pair.pk])
    response = client.post(
        reverse("reminders:pause", args=[pair.pk]), pause_data(next=card)
    )
    assert response["Location"] == card
    response = client.get(card)
    assert reverse("reminders:resume", args=[pair.pk]) in response.content.decode()
    assert "каникулы" in response.content.decode()
    response = client.post(reverse("reminders:resume", args=[pair.pk]))
    assert response["Location"] == card
    pair.refresh_from_db()
    assert pair.paused_until is None
    response = client.get(card)
    assert reverse("reminders:pause", args=[pair.pk]) in response.content.decode()


def test_a_refused_pause_changes_nothing_and_says_why(client, pair, curator):
    client.force_login(curator)
    response = client.post(
        reverse("reminders:pause", args=[pair.pk]),
        pause_data(until=(TODAY + timedelta(days=200)).isoformat()),
        follow=True,
    )
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    pair.refresh_from_db()
    assert pair.paused_until is None


def test_a_mentee_may_not_pause_and_an_outsider_does_not_see_the_pair(
    client, pair, mentee, outsider
):
    client.force_login(mentee)
    url = reverse("reminders:pause", args=[pair.pk])
    assert client.post(url, pause_data()).status_code == 403
    client.force_login(outsider)
    assert client.post(url, pause_data()).status_code == 404
    assert client.post(reverse("reminders:resume", args=[pair.pk])).status_code == 404
    pair.refresh_from_db()
    assert pair.paused_until is None


def test_pause_is_post_only(client, pair, mentor):
    client.force_login(mentor)
    assert client.get(reverse("reminders:pause", args=[pair.pk])).status_code == 405


def test_the_mentor_sees_own_reminders(client, pair, mentor):
    client.force_login(mentor)
    response = client.get(reverse("reminders:mine"))
    assert response.status_code == 200
    [(shown, found)] = response.context["own"]
    assert shown == pair
    assert [r.kind for r in found] == ["stale"]
    assert response.context["organisation_pairs"] == []


def test_the_curator_sees_the_organisations_pairs_in_constant_queries(
    client, programme, pair, curator, django_assert_max_num_queries
):
    for _ in range(4):
        make_pair(programme, start_on=TODAY - timedelta(days=40))
    client.force_login(curator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reminders:mine"))
    assert response.status_code == 200
    assert len(response.context["organisation_pairs"]) == 5
    assert reverse("pairs:detail", args=[pair.pk]) in response.content.decode()


def test_the_reminders_page_needs_a_login(client):
    response = client.get(reverse("reminders:mine"))
    assert response.status_code == 302
