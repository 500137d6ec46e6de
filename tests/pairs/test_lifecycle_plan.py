"""Plans linked to the journal: a logged meeting of a type marks the plan's
earliest open item of that type done, with a link to the meeting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pairs.models import PlanItem, PlanTemplate, PlanTemplateItem
from pairs.plan_services import plan_create, plan_item_add, plan_item_set_status
from tests.pairs.test_journal_services import mtype, record

TODAY = timezone.localdate()


@pytest.fixture
def plan(pair, curator):
    return plan_create(
        pair=pair,
        by=curator,
        goal="Подтянуть математику",
        starts_on=pair.start_on,
        ends_on=pair.planned_end_on,
    )


def item(plan, by, activity, days, code=None):
    return plan_item_add(
        plan=plan,
        by=by,
        activity=activity,
        deadline=plan.starts_on + timedelta(days=days),
        meeting_type=mtype(code) if code else None,
    )


def test_a_meeting_ticks_the_earliest_open_item_of_its_type(plan, curator, mentor):
    later = item(plan, curator, "Вторая регулярная", 40, "regular")
    earlier = item(plan, curator, "Первая регулярная", 20, "regular")
    untyped = item(plan, curator, "Без типа", 10)
    meeting = record(
        plan.pair, mentor, meeting_type=mtype("regular"), topic="Разбор", held_on=TODAY
    )
    earlier.refresh_from_db(), later.refresh_from_db(), untyped.refresh_from_db()
    assert earlier.status == PlanItem.Status.DONE
    assert earlier.meeting == meeting
    assert earlier.done_on == meeting.held_on
    assert earlier.done_by == mentor
    assert later.status == PlanItem.Status.PLANNED
    assert untyped.status == PlanItem.Status.PLANNED

    record(
        plan.pair,
        mentor,
        meeting_type=mtype("regular"),
        topic="Ещё",
        held_on=TODAY - timedelta(days=1),
    )
    later.refresh_from_db()
    assert later.status == PlanItem.Status.DONE


def test_done_and_cancelled_items_are_not_ticked_again(plan, curator, mentor):
    done = item(plan, curator, "Сделано", 5, "planning")
    plan_item_set_status(item=done, status=PlanItem.Status.DONE, by=curator)
    cancelled = item(plan, curator, "Отменено", 6, "planning")
    plan_item_set_status(item=cancelled, status=PlanItem.Status.CANCELLED, by=curator)
    meeting = record(plan.pair, mentor, meeting_type=mtype("planning"), topic="План")
    assert not meeting.plan_items.exists()
    done.refresh_from_db()
    assert done.meeting is None


def test_a_meeting_of_another_type_or_pair_ticks_nothing(
    plan, curator, mentor, programme
):
    final = item(plan, curator, "Итоговая", 30, "final")
    record(plan.pair, mentor, meeting_type=mtype("regular"), topic="Разбор")
    final.refresh_from_db()
    assert final.status == PlanItem.Status.PLANNED


def test_unticking_an_item_drops_its_meeting(plan, curator, mentor):
    trial = item(plan, curator, "Проба", 5, "trial")
    record(plan.pair, mentor, meeting_type=mtype("trial"), topic="Проба")
    trial.refresh_from_db()
    plan_item_set_status(item=trial, status=PlanItem.Status.PLANNED, by=curator)
    trial.refresh_from_db()
    assert trial.meeting is None and trial.done_on is None


def test_a_pair_without_a_plan_logs_meetings_as_before(pair, mentor):
    meeting = record(pair, mentor)
    assert not meeting.plan_items.exists()


def test_template_items_carry_their_meeting_type_into_the_plan(pair, curator):
    template = PlanTemplate.objects.create(code="t-typed", name="С типами")
    PlanTemplateItem.objects.create(
        template=template,
        activity="Итоговая встреча",
        due_week=2,
        meeting_type=mtype("final"),
    )
    plan = plan_create(
        pair=pair, by=curator, starts_on=pair.start_on, template=template, goal="Цель"
    )
    assert plan.items.get().meeting_type == mtype("final")


def test_logging_page_says_which_item_is_done_and_the_plan_links_the_meeting(
    client, plan, curator, mentor
):
    item(plan, curator, "Провести пробную встречу", 5, "trial")
    client.force_login(mentor)
    response = client.post(
        reverse("journal:create", args=[plan.pair.pk]),
        {
            "meeting_type": mtype("trial").pk,
            "held_on": TODAY.isoformat(),
            "duration_minutes": 45,
            "format": "in_person",
            "topic": "Проба",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Пункт плана «Провести пробную встречу» отмечен выполненным" in body
    meeting = plan.pair.meetings.get()
    page = client.get(reverse("plans:detail", args=[plan.pair.pk])).content.decode()
    assert f"#meeting-{meeting.pk}" in page
    assert "выполняется встречей «Пробная рабочая встреча»" in page


def test_the_item_form_offers_the_meeting_type(client, plan, curator):
    client.force_login(curator)
    url = reverse("plans:item-add", args=[plan.pair.pk])
    response = client.post(
        url,
        {
            "activity": "Итоговая встреча с защитой проекта",
            "deadline": (plan.starts_on + timedelta(days=30)).isoformat(),
            "meeting_type": mtype("final").pk,
        },
    )
    assert response.status_code == 302
    assert plan.items.get().meeting_type == mtype("final")
