"""The meeting topic follows the meeting type: the form offers the type's default
topic, each option carries its own for the browser (data-topic), and a topic left
at another type's default is saved as the chosen type's."""

import re

from django.urls import reverse

from pairs import journal_services as js
from tests.pairs.test_journal_services import mtype, record


def test_a_topic_left_at_another_types_default_becomes_the_chosen_types(pair, mentor):
    meeting = record(
        pair, mentor, meeting_type=mtype("trial"), topic=" Встреча-знакомство "
    )
    assert meeting.topic == "Пробная рабочая встреча"


def test_a_typed_topic_is_kept_whatever_the_type(pair, mentor):
    meeting = record(
        pair, mentor, meeting_type=mtype("trial"), topic="Разбор контрольной"
    )
    assert meeting.topic == "Разбор контрольной"


def test_the_chosen_types_own_default_is_kept(pair, mentor):
    meeting = record(
        pair, mentor, meeting_type=mtype("trial"), topic="Пробная рабочая встреча"
    )
    assert meeting.topic == "Пробная рабочая встреча"


def test_correcting_the_type_moves_a_default_topic_along(pair, mentor):
    meeting = record(pair, mentor, topic="Встреча-знакомство")
    js.meeting_update(
        meeting=meeting,
        by=mentor,
        meeting_type=mtype("planning"),
        held_on=meeting.held_on,
        duration_minutes=45,
        format=meeting.format,
        topic="Встреча-знакомство",
    )
    meeting.refresh_from_db()
    assert meeting.topic == "Встреча-планирование"


def test_a_renamed_type_in_the_catalogue_is_the_new_default(pair, mentor):
    trial = mtype("trial")
    trial.name = "Первая рабочая встреча"
    trial.save()
    meeting = record(pair, mentor, meeting_type=mtype("final"), topic=trial.name)
    assert meeting.topic == "Итоговая встреча"


def test_the_form_carries_each_types_topic_for_the_browser(client, pair, mentor):
    client.force_login(mentor)
    body = client.get(reverse("journal:create", args=[pair.pk])).content.decode()
    assert 'data-topic-from="id_meeting_type"' in body
    options = dict(re.findall(r'<option value="(\d+)"[^>]*data-topic="([^"]+)"', body))
    assert options[str(mtype("regular").pk)] == "Регулярная встреча"
    assert options[str(mtype("final").pk)] == "Итоговая встреча"
    # the next type due (the first meeting) and its topic are preselected
    assert 'value="Встреча-знакомство"' in body


def test_posting_another_type_with_the_old_default_saves_the_new_one(
    client, pair, mentor
):
    client.force_login(mentor)
    response = client.post(
        reverse("journal:create", args=[pair.pk]),
        {
            "meeting_type": mtype("trial").pk,
            "held_on": pair.start_on.isoformat(),
            "duration_minutes": 45,
            "format": "in_person",
            "topic": "Встреча-знакомство",
        },
    )
    assert response.status_code == 302
    assert pair.meetings.get().topic == "Пробная рабочая встреча"
