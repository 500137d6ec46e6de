"""Completed is not terminated: ending early (or declining) needs a cause from the
short list and a text; after the «итоговая встреча» the mentor is sent to the
pair's final feedback."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pairs import services
from pairs.journal_services import final_feedback_open
from pairs.models import Feedback, Pair, PairEvent
from tests.pairs.test_journal_services import mtype, record

TODAY = timezone.localdate()


def terminate(pair, by, **kwargs):
    values = {
        "pair": pair,
        "ended_on": TODAY,
        "reason": "Семья переехала в другой город",
        "by": by,
        "end_reason": Pair.EndReason.MENTEE_LEFT,
    }
    return services.pair_terminate(**(values | kwargs))


@pytest.mark.parametrize("end_reason", ["", "moved_to_mars"])
def test_ending_without_a_cause_from_the_list_is_refused(pair, curator, end_reason):
    with pytest.raises(ValidationError) as caught:
        terminate(pair, curator, end_reason=end_reason)
    assert "end_reason" in caught.value.message_dict
    pair.refresh_from_db()
    assert pair.is_open and pair.end_reason == ""
    assert not pair.events.filter(kind=PairEvent.Kind.TERMINATED).exists()


def test_ending_without_a_text_is_refused_even_with_a_cause(pair, curator):
    with pytest.raises(ValidationError) as caught:
        terminate(pair, curator, reason="  ")
    assert set(caught.value.message_dict) == {"reason"}
    pair.refresh_from_db()
    assert pair.is_open


def test_a_terminated_pair_keeps_its_cause_and_text(pair, curator):
    terminate(pair, curator, end_reason=Pair.EndReason.MENTEE_DECLINED)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.TERMINATED
    assert pair.end_reason == Pair.EndReason.MENTEE_DECLINED
    assert pair.termination_reason == "Семья переехала в другой город"
    event = pair.events.get(kind=PairEvent.Kind.TERMINATED)
    assert event.note == "Семья переехала в другой город"


def test_a_completed_pair_is_not_terminated_and_has_no_cause(pair, curator):
    services.pair_close(pair=pair, ended_on=TODAY, result="Защитил проект", by=curator)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.COMPLETED
    assert pair.end_reason == "" and pair.termination_reason == ""
    assert pair.events.filter(kind=PairEvent.Kind.COMPLETED).exists()
    assert not pair.events.filter(kind=PairEvent.Kind.TERMINATED).exists()


def test_the_terminate_page_asks_for_the_cause_and_shows_it(client, pair, curator):
    client.force_login(curator)
    url = reverse("pairs:terminate", args=[pair.pk])
    body = client.get(url).content.decode()
    assert "наставляемый отказался" in body
    assert 'name="end_reason"' in body
    data = {"ended_on": TODAY.isoformat(), "reason": "Не сложилось общение"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "end_reason" in response.context["form"].errors
    pair.refresh_from_db()
    assert pair.is_open
    response = client.post(url, data | {"end_reason": "no_contact"})
    assert response.status_code == 302
    detail = client.get(reverse("pairs:detail", args=[pair.pk])).content.decode()
    assert "Пара не сложилась" in detail
    assert "Не сложилось общение" in detail


def test_the_terminate_page_refuses_the_mentor(client, pair, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("pairs:terminate", args=[pair.pk]),
        {"ended_on": TODAY.isoformat(), "reason": "x", "end_reason": "other"},
    )
    assert response.status_code in (403, 404)
    pair.refresh_from_db()
    assert pair.is_open


# --- the final feedback after the final meeting ----------------------------------


def final_meeting_data(**extra):
    return {
        "meeting_type": mtype("final").pk,
        "held_on": TODAY.isoformat(),
        "duration_minutes": 45,
        "format": "in_person",
        "topic": "Итоговая встреча",
    } | extra


def test_the_final_meeting_opens_the_final_feedback_early(pair, mentor):
    assert (pair.planned_end_on - TODAY).days > 14
    assert not final_feedback_open(pair, today=TODAY)
    record(pair, mentor, meeting_type=mtype("regular"), topic="Разбор")
    assert not final_feedback_open(pair, today=TODAY)
    record(pair, mentor, meeting_type=mtype("final"), topic="Итоги")
    assert final_feedback_open(pair, today=TODAY)


def test_the_mentor_is_sent_to_the_final_feedback_after_the_final_meeting(
    client, pair, mentor
):
    client.force_login(mentor)
    response = client.post(
        reverse("journal:create", args=[pair.pk]), final_meeting_data()
    )
    assert response.status_code == 302
    assert response.url == reverse("journal:final-feedback", args=[pair.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "оставьте итоговый отзыв" in page.content.decode()
    response = client.post(response.url, {"rating": 5, "comment": "Всё получилось"})
    assert response.status_code == 302
    feedback = Feedback.objects.get(pair=pair, kind=Feedback.Kind.FINAL)
    assert (feedback.author, feedback.role) == (mentor, Feedback.Role.MENTOR)


def test_no_second_prompt_once_the_final_feedback_is_given(client, pair, mentor):
    record(pair, mentor, meeting_type=mtype("final"), topic="Итоги")
    Feedback.objects.create(
        pair=pair, kind=Feedback.Kind.FINAL, author=mentor, role="mentor", rating=4
    )
    client.force_login(mentor)
    response = client.post(
        reverse("journal:create", args=[pair.pk]),
        final_meeting_data(
            held_on=(TODAY - timedelta(days=1)).isoformat(), topic="Ещё итоги"
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("journal:mine")


def test_a_regular_meeting_does_not_prompt(client, pair, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("journal:create", args=[pair.pk]),
        final_meeting_data(meeting_type=mtype("regular").pk, topic="Разбор"),
    )
    assert response.url == reverse("journal:mine")
