"""The next meeting on the pair: set by the mentor when logging a meeting, shown on
the pair's pages and the mentor's cards, and offered as a calendar file (RFC 5545)
to the pair's members and managers only."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.lib import ical
from tests import factories as f
from tests.pairs.test_journal_services import mtype, record

TODAY = timezone.localdate()
NEXT = TODAY + timedelta(days=7)


def unfold(body: str) -> list[str]:
    """Content lines of an iCalendar text (continuation lines joined)."""
    return body.replace("\r\n ", "").split("\r\n")


def field(lines: list[str], name: str) -> str:
    matches = [line for line in lines if line.split(":", 1)[0].split(";")[0] == name]
    assert len(matches) == 1, (name, matches)
    return matches[0]


# --- the service -------------------------------------------------------------------


def test_logging_a_meeting_sets_the_next_one_on_the_pair(pair, mentor):
    record(pair, mentor, next_meeting_on=NEXT, next_meeting_time=time(15, 30))
    pair.refresh_from_db()
    assert (pair.next_meeting_on, pair.next_meeting_time) == (NEXT, time(15, 30))


def test_a_next_meeting_in_the_past_or_a_time_alone_is_refused(pair, mentor):
    for kwargs in (
        {"next_meeting_on": TODAY - timedelta(days=1)},
        {"next_meeting_time": time(10, 0)},
    ):
        with pytest.raises(ValidationError) as caught:
            record(pair, mentor, **kwargs)
        assert "next_meeting_on" in caught.value.message_dict
    assert not pair.meetings.exists()
    pair.refresh_from_db()
    assert pair.next_meeting_on is None


def test_the_meeting_that_reached_the_next_date_clears_it(pair, mentor):
    pair.next_meeting_on, pair.next_meeting_time = TODAY, time(9, 0)
    pair.save()
    record(pair, mentor)
    pair.refresh_from_db()
    assert pair.next_meeting_on is None and pair.next_meeting_time is None


def test_a_meeting_before_the_next_date_keeps_it(pair, mentor):
    pair.next_meeting_on = NEXT
    pair.save()
    record(pair, mentor)
    pair.refresh_from_db()
    assert pair.next_meeting_on == NEXT


# --- the pages ---------------------------------------------------------------------


def test_the_mentor_sets_it_on_the_form_and_sees_it_on_home_and_cards(
    client, pair, mentor
):
    client.force_login(mentor)
    response = client.post(
        reverse("journal:create", args=[pair.pk]),
        {
            "meeting_type": mtype("introduction").pk,
            "held_on": TODAY.isoformat(),
            "duration_minutes": 45,
            "format": "in_person",
            "topic": "Знакомство",
            "next_meeting_on": NEXT.isoformat(),
            "next_meeting_time": "16:45",
        },
    )
    assert response.status_code == 302
    ics = reverse("journal:next-meeting-ics", args=[pair.pk])
    for url in (
        reverse("home"),
        reverse("journal:mine"),
        reverse("journal:pair", args=[pair.pk]),
    ):
        body = client.get(url).content.decode()
        assert "Следующая встреча" in body, url
        assert "16:45" in body and ics in body, url


def test_the_curator_sees_it_on_the_pair_card(client, pair, curator):
    pair.next_meeting_on = NEXT
    pair.save()
    client.force_login(curator)
    body = client.get(reverse("pairs:detail", args=[pair.pk])).content.decode()
    assert "Следующая встреча" in body
    assert reverse("journal:next-meeting-ics", args=[pair.pk]) in body


def test_the_mentee_sees_it_in_their_workspace(client, pair, mentee):
    pair.next_meeting_on = NEXT
    pair.save()
    client.force_login(mentee)
    body = client.get(reverse("journal:my-pair")).content.decode()
    assert "Следующая встреча" in body
    assert reverse("journal:next-meeting-ics", args=[pair.pk]) in body


def test_the_correction_form_does_not_offer_the_next_meeting(client, pair, mentor):
    meeting = record(pair, mentor)
    client.force_login(mentor)
    body = client.get(reverse("journal:update", args=[meeting.pk])).content.decode()
    assert 'name="next_meeting_on"' not in body


# --- the calendar file -------------------------------------------------------------


def test_the_calendar_file_of_a_timed_meeting(client, pair, mentor):
    pair.title = "Проект; «Робототехника», 7Б"
    pair.next_meeting_on, pair.next_meeting_time = NEXT, time(15, 30)
    pair.save()
    client.force_login(mentor)
    response = client.get(reverse("journal:next-meeting-ics", args=[pair.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    body = raw.decode("utf-8")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "BEGIN:VEVENT" in lines
    assert field(lines, "DTSTART") == f"DTSTART:{NEXT:%Y%m%d}T153000"
    assert field(lines, "DTEND") == f"DTEND:{NEXT:%Y%m%d}T163000"
    assert field(lines, "DTSTAMP").endswith("Z")
    assert field(lines, "UID").startswith(f"UID:pair-{pair.pk}-")
    assert field(lines, "SUMMARY") == (
        "SUMMARY:Встреча наставничества: Проект\\; «Робототехника»\\, 7Б"
    )
    assert f"/journal/pair/{pair.pk}/" in field(lines, "DESCRIPTION")


def test_an_all_day_meeting_is_a_date(client, pair, mentee):
    pair.next_meeting_on = NEXT
    pair.save()
    client.force_login(mentee)
    response = client.get(reverse("journal:next-meeting-ics", args=[pair.pk]))
    assert response.status_code == 200
    lines = unfold(response.content.decode())
    assert field(lines, "DTSTART") == f"DTSTART;VALUE=DATE:{NEXT:%Y%m%d}"
    end = NEXT + timedelta(days=1)
    assert field(lines, "DTEND") == f"DTEND;VALUE=DATE:{end:%Y%m%d}"


def test_the_calendar_file_is_only_for_the_pair_and_its_managers(
    client, pair, mentor, mentee, curator, outsider, programme
):
    pair.next_meeting_on = NEXT
    pair.save()
    url = reverse("journal:next-meeting-ics", args=[pair.pk])
    for user in (mentor, mentee, curator):
        client.force_login(user)
        assert client.get(url).status_code == 200
    other = f.PairFactory(programme=programme)
    other_mentor = f.UserFactory(username="other-mentor")
    participant = other.mentor.participant
    participant.user = other_mentor
    participant.save()
    for user in (outsider, other_mentor):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_no_next_meeting_no_file(client, pair, mentor):
    client.force_login(mentor)
    url = reverse("journal:next-meeting-ics", args=[pair.pk])
    assert client.get(url).status_code == 404


# --- the writer --------------------------------------------------------------------


def test_text_is_escaped_and_long_lines_fold_between_characters():
    assert ical.escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    summary = "Встреча " * 30
    body = ical.calendar(
        [ical.Event(uid="x@test", start=date(2026, 12, 10), summary=summary)],
        product="-//test//RU",
        stamp=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )
    raw_lines = body.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in raw_lines)
    assert any(line.startswith(" ") for line in raw_lines)
    assert field(unfold(body), "SUMMARY") == "SUMMARY:" + summary
    assert "DTSTAMP:20261201T090000Z" in unfold(body)
