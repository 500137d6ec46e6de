"""One meeting per pair (or programme), date and type unless the author confirms a
second one: a double submit of the meeting form logs one meeting, and the refusal
keeps what was typed and offers the confirmation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pairs import journal_services as js
from pairs.models import Meeting
from tests import factories as f
from tests.pairs.test_journal_services import mtype, record

TODAY = timezone.localdate()
CONFIRM_LABEL = "Да, это отдельная встреча в тот же день"
ALREADY = "уже есть в журнале"


def general(programme, by, **kwargs):
    values = {"programme": programme, "by": by, "held_on": TODAY, "topic": "Общая"}
    return js.general_meeting_record(**(values | kwargs))


# --- the service -------------------------------------------------------------------


def test_the_same_meeting_twice_is_refused_and_writes_nothing(pair, mentor):
    record(pair, mentor)
    with pytest.raises(ValidationError) as caught:
        record(pair, mentor, summary="Второй раз")
    assert "confirm_same_day" in caught.value.message_dict
    assert pair.meetings.count() == 1


def test_the_refusal_names_the_date_and_the_type(pair, mentor):
    record(pair, mentor)
    with pytest.raises(ValidationError) as caught:
        record(pair, mentor)
    message = caught.value.message_dict["confirm_same_day"][0]
    assert TODAY.strftime("%d.%m.%Y") in message
    assert mtype("introduction").name in message


def test_a_confirmed_second_meeting_on_the_same_day_is_logged(pair, mentor):
    record(pair, mentor)
    record(pair, mentor, confirm_same_day=True)
    assert pair.meetings.count() == 2


def test_another_type_another_day_or_another_pair_is_no_duplicate(
    pair, mentor, curator, programme
):
    record(pair, mentor)
    record(pair, mentor, meeting_type=mtype("regular"))
    record(pair, mentor, held_on=TODAY - timedelta(days=1))
    other = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=other)
    record(other, curator)
    assert Meeting.objects.count() == 4


def test_correcting_an_entry_onto_another_meeting_needs_the_confirmation(pair, mentor):
    record(pair, mentor)
    other = record(pair, mentor, meeting_type=mtype("trial"), topic="Проба")
    correction = {
        "meeting": other,
        "by": mentor,
        "meeting_type": mtype("introduction"),
        "held_on": TODAY,
        "duration_minutes": 45,
        "format": other.format,
        "topic": "Проба",
    }
    with pytest.raises(ValidationError) as caught:
        js.meeting_update(**correction)
    assert "confirm_same_day" in caught.value.message_dict
    other.refresh_from_db()
    assert other.meeting_type == mtype("trial")
    js.meeting_update(**correction, confirm_same_day=True)
    other.refresh_from_db()
    assert other.meeting_type == mtype("introduction")


def test_correcting_an_entry_is_no_duplicate_of_itself(pair, mentor):
    meeting = record(pair, mentor)
    js.meeting_update(
        meeting=meeting,
        by=mentor,
        meeting_type=meeting.meeting_type,
        held_on=meeting.held_on,
        duration_minutes=60,
        format=meeting.format,
        topic=meeting.topic,
    )
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 60


def test_the_general_meeting_twice_is_refused_unless_confirmed(curator, programme):
    general(programme, curator)
    with pytest.raises(ValidationError) as caught:
        general(programme, curator)
    assert "confirm_same_day" in caught.value.message_dict
    assert Meeting.objects.filter(pair__isnull=True).count() == 1
    general(programme, curator, confirm_same_day=True)
    assert Meeting.objects.filter(pair__isnull=True).count() == 2


def test_general_meetings_of_other_programmes_do_not_count(
    curator, programme, organisation
):
    general(programme, curator)
    other = f.ProgrammeFactory(organisation=organisation)
    general(other, curator)
    assert Meeting.objects.filter(pair__isnull=True).count() == 2


# --- the pages ---------------------------------------------------------------------


def meeting_data(**extra):
    return {
        "meeting_type": mtype("introduction").pk,
        "held_on": TODAY.isoformat(),
        "duration_minutes": 50,
        "format": "in_person",
        "topic": "Знакомство и ожидания",
        "summary": "Обсудили цели на четверть",
    } | extra


def test_new_form_does_not_ask_for_the_confirmation(client, pair, mentor):
    client.force_login(mentor)
    body = client.get(reverse("journal:create", args=[pair.pk])).content.decode()
    assert CONFIRM_LABEL not in body


def test_a_double_post_logs_one_meeting_and_keeps_the_typed_data(client, pair, mentor):
    client.force_login(mentor)
    url = reverse("journal:create", args=[pair.pk])
    assert client.post(url, meeting_data()).status_code == 302
    response = client.post(url, meeting_data())
    assert response.status_code == 200
    assert pair.meetings.count() == 1
    body = response.content.decode()
    assert ALREADY in body
    assert CONFIRM_LABEL in body
    assert "Обсудили цели на четверть" in body  # nothing the user typed is lost
    assert 'value="Знакомство и ожидания"' in body
    assert 'value="50"' in body


def test_the_confirmed_second_meeting_is_logged(client, pair, mentor):
    client.force_login(mentor)
    url = reverse("journal:create", args=[pair.pk])
    client.post(url, meeting_data())
    response = client.post(url, meeting_data(confirm_same_day="on"))
    assert response.status_code == 302
    assert pair.meetings.count() == 2


def test_a_mentee_still_cannot_post_with_the_confirmation(client, pair, mentee):
    client.force_login(mentee)
    url = reverse("journal:create", args=[pair.pk])
    response = client.post(url, meeting_data(confirm_same_day="on"))
    assert response.status_code in (403, 404)
    assert not pair.meetings.exists()


def test_editing_a_meeting_shows_no_confirmation(client, pair, mentor):
    meeting = record(pair, mentor)
    client.force_login(mentor)
    url = reverse("journal:update", args=[meeting.pk])
    assert CONFIRM_LABEL not in client.get(url).content.decode()
    response = client.post(url, meeting_data(duration_minutes=30))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 30


def test_the_edit_page_offers_the_confirmation_when_the_entry_collides(
    client, pair, mentor
):
    record(pair, mentor)
    other = record(pair, mentor, meeting_type=mtype("trial"), topic="Проба")
    client.force_login(mentor)
    url = reverse("journal:update", args=[other.pk])
    response = client.post(url, meeting_data(topic="Проба"))
    assert response.status_code == 200
    body = response.content.decode()
    assert ALREADY in body and CONFIRM_LABEL in body
    other.refresh_from_db()
    assert other.meeting_type == mtype("trial")
    response = client.post(url, meeting_data(topic="Проба", confirm_same_day="on"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.meeting_type == mtype("introduction")


def test_a_double_post_of_the_general_meeting_logs_one(client, curator, programme):
    client.force_login(curator)
    url = reverse("journal:general")
    data = {
        "programme": programme.pk,
        "held_on": TODAY.isoformat(),
        "duration_minutes": 90,
        "topic": "Общая встреча наставников",
    }
    assert CONFIRM_LABEL not in client.get(url).content.decode()
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert ALREADY in body and CONFIRM_LABEL in body
    assert 'value="Общая встреча наставников"' in body
    assert Meeting.objects.filter(pair__isnull=True).count() == 1
    response = client.post(url, data | {"confirm_same_day": "on"})
    assert response.status_code == 302
    assert Meeting.objects.filter(pair__isnull=True).count() == 2


def test_editing_the_general_meeting_shows_no_confirmation(client, curator, programme):
    meeting = general(programme, curator)
    client.force_login(curator)
    url = reverse("journal:update", args=[meeting.pk])
    assert CONFIRM_LABEL not in client.get(url).content.decode()
    response = client.post(
        url,
        {"held_on": TODAY.isoformat(), "duration_minutes": 60, "topic": "Иная тема"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "Иная тема"


def test_the_general_meeting_page_refuses_a_mentor(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("journal:general")).status_code in (403, 404)
