"""Services of the meeting journal: every refusal changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from mentoring.models import MeetingType
from pairs import journal_services as js
from pairs.models import Feedback, Meeting, MeetingAttendance, MeetingComment, Pair
from tests import factories as f

TODAY = timezone.localdate()


def mtype(code):
    return MeetingType.objects.get(code=code)


def record(pair, by, **kwargs):
    values = {
        "pair": pair,
        "by": by,
        "meeting_type": mtype("introduction"),
        "held_on": TODAY,
        "topic": "Знакомство",
    }
    return js.meeting_record(**(values | kwargs))


def refused(call, field=None):
    """The call raises ValidationError (on `field`) and writes nothing."""
    counts = (
        Meeting.objects.count(),
        MeetingAttendance.objects.count(),
        Feedback.objects.count(),
        MeetingComment.objects.count(),
    )
    with pytest.raises(ValidationError) as caught:
        call()
    if field:
        assert field in caught.value.message_dict
    assert counts == (
        Meeting.objects.count(),
        MeetingAttendance.objects.count(),
        Feedback.objects.count(),
        MeetingComment.objects.count(),
    )
    return caught.value


@pytest.fixture
def group(programme):
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair)
    f.PairMenteeFactory(pair=pair)
    f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def group_mentor(group):
    user = f.UserFactory(username="groupmentor")
    participant = group.mentor.participant
    participant.user = user
    participant.save()
    return user


# --- meeting_record -----------------------------------------------------------------


def test_mentor_logs_a_meeting(pair, mentor):
    meeting = record(pair, mentor, summary="Поговорили", next_step="План")
    assert meeting.pair == pair
    assert meeting.programme == pair.programme
    assert meeting.author == mentor
    assert meeting.duration_minutes == 45
    assert not meeting.attendance.exists()


def test_curator_logs_a_meeting(pair, curator):
    assert record(pair, curator).author == curator


def test_group_meeting_saves_attendance(group, group_mentor):
    mentees = list(group.memberships.values_list("mentee_id", flat=True))
    meeting = record(
        group, group_mentor, format=Meeting.Format.GROUP, present=mentees[:2]
    )
    marks = dict(meeting.attendance.values_list("mentee_id", "present"))
    assert marks == {mentees[0]: True, mentees[1]: True, mentees[2]: False}


def test_attendance_only_for_mentees_of_the_pair(group, group_mentor, pair):
    stranger = pair.memberships.get().mentee_id
    refused(lambda: record(group, group_mentor, present=[stranger]), "present")


def test_future_date_is_refused(pair, mentor):
    refused(lambda: record(pair, mentor, held_on=TODAY + timedelta(days=1)), "held_on")


def test_today_argument_decides_what_is_future(pair, mentor):
    refused(
        lambda: record(pair, mentor, held_on=TODAY, today=TODAY - timedelta(days=1)),
        "held_on",
    )


def test_date_before_the_pair_start_is_refused(pair, mentor):
    before = pair.start_on - timedelta(days=1)
    refused(lambda: record(pair, mentor, held_on=before), "held_on")


def test_date_after_the_end_of_a_closed_pair_is_refused(pair, curator):
    Pair.objects.filter(pk=pair.pk).update(
        status=Pair.Status.COMPLETED, ended_on=TODAY - timedelta(days=10)
    )
    pair.refresh_from_db()
    refused(lambda: record(pair, curator, held_on=TODAY), "held_on")
    meeting = record(pair, curator, held_on=TODAY - timedelta(days=11))
    assert meeting.pk


@pytest.mark.parametrize("minutes", [0, 4, 481, 1000])
def test_duration_out_of_range_is_refused(pair, mentor, minutes):
    refused(lambda: record(pair, mentor, duration_minutes=minutes), "duration_minutes")


@pytest.mark.parametrize("minutes", [5, 480])
def test_duration_bounds_are_allowed(pair, mentor, minutes):
    assert record(pair, mentor, duration_minutes=minutes).duration_minutes == minutes


def test_empty_topic_is_refused(pair, mentor):
    refused(lambda: record(pair, mentor, topic="  "), "topic")


def test_general_type_is_refused_for_a_pair(pair, mentor):
    refused(lambda: record(pair, mentor, meeting_type=mtype("general")), "meeting_type")


def test_closed_pair_refuses_the_mentor_but_not_the_curator(pair, mentor, curator):
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.COMPLETED, ended_on=TODAY)
    pair.refresh_from_db()
    refused(lambda: record(pair, mentor), "pair")
    assert record(pair, curator).pk


def test_mentee_and_outsider_cannot_log(pair, mentee, outsider):
    refused(lambda: record(pair, mentee))
    refused(lambda: record(pair, outsider))


# --- meeting_update: the edit window --------------------------------------------------


def update(meeting, by, **kwargs):
    values = {
        "meeting": meeting,
        "by": by,
        "meeting_type": meeting.meeting_type,
        "held_on": meeting.held_on,
        "duration_minutes": 60,
        "format": meeting.format,
        "topic": "Исправлено",
    }
    return js.meeting_update(**(values | kwargs))


@override_settings(MEETING_EDIT_DAYS=7)
def test_author_edits_within_the_window(pair, mentor):
    meeting = record(pair, mentor)
    update(meeting, mentor, today=TODAY + timedelta(days=7))
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.duration_minutes) == ("Исправлено", 60)


@override_settings(MEETING_EDIT_DAYS=7)
def test_author_cannot_edit_after_the_window(pair, mentor):
    meeting = record(pair, mentor)
    refused(lambda: update(meeting, mentor, today=TODAY + timedelta(days=8)))
    meeting.refresh_from_db()
    assert meeting.topic == "Знакомство"


@override_settings(MEETING_EDIT_DAYS=7)
def test_curator_edits_any_time(pair, mentor, curator):
    meeting = record(pair, mentor)
    update(meeting, curator, today=TODAY + timedelta(days=400))
    meeting.refresh_from_db()
    assert meeting.topic == "Исправлено"


def test_another_user_cannot_edit(pair, mentor, mentee):
    meeting = record(pair, mentor)
    refused(lambda: update(meeting, mentee))


def test_edit_validates_like_logging(pair, mentor):
    meeting = record(pair, mentor)
    refused(lambda: update(meeting, mentor, duration_minutes=3), "duration_minutes")
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 45


def test_edit_rewrites_attendance(group, group_mentor):
    mentees = list(group.memberships.values_list("mentee_id", flat=True))
    meeting = record(group, group_mentor, present=mentees)
    update(meeting, group_mentor, present=[mentees[0]])
    assert meeting.attendance.filter(present=True).count() == 1
    assert meeting.attendance.count() == 3


# --- general meeting ---------------------------------------------------------------


def test_curator_logs_the_general_meeting(programme, curator):
    meeting = js.general_meeting_record(
        programme=programme, by=curator, held_on=TODAY, topic="Общая встреча"
    )
    assert meeting.pair is None
    assert meeting.meeting_type.is_general
    assert meeting.format == Meeting.Format.GROUP


def test_general_meeting_refused_for_others(programme, mentor, outsider):
    for user in (mentor, outsider):
        refused(
            lambda user=user: js.general_meeting_record(
                programme=programme, by=user, held_on=TODAY, topic="Общая"
            )
        )


def test_general_meeting_validates(programme, curator):
    refused(
        lambda: js.general_meeting_record(
            programme=programme,
            by=curator,
            held_on=TODAY + timedelta(days=1),
            topic="Общая",
        ),
        "held_on",
    )


# --- comments ------------------------------------------------------------------------


def test_curator_and_mentor_comment(pair, mentor, curator):
    meeting = record(pair, mentor)
    js.meeting_comment_add(meeting=meeting, by=curator, text="Хорошо")
    js.meeting_comment_add(meeting=meeting, by=mentor, text="Спасибо")
    assert meeting.comments.count() == 2


def test_mentee_and_outsider_cannot_comment(pair, mentor, mentee, outsider):
    meeting = record(pair, mentor)
    refused(lambda: js.meeting_comment_add(meeting=meeting, by=mentee, text="Я"))
    refused(lambda: js.meeting_comment_add(meeting=meeting, by=outsider, text="Я"))
    refused(lambda: js.meeting_comment_add(meeting=meeting, by=mentor, text=" "))


# --- feedback ---------------------------------------------------------------------


def test_mentor_and_mentee_rate_a_meeting_once(pair, mentor, mentee):
    meeting = record(pair, mentor)
    mine = js.feedback_leave(meeting=meeting, by=mentor, rating=5)
    theirs = js.feedback_leave(meeting=meeting, by=mentee, rating=2, comment="Скучно")
    assert (mine.role, theirs.role) == (Feedback.Role.MENTOR, Feedback.Role.MENTEE)
    assert theirs.is_low
    refused(lambda: js.feedback_leave(meeting=meeting, by=mentee, rating=4), "rating")


@pytest.mark.parametrize("rating", [0, 6])
def test_rating_out_of_range_is_refused(pair, mentor, rating):
    meeting = record(pair, mentor)
    refused(
        lambda: js.feedback_leave(meeting=meeting, by=mentor, rating=rating), "rating"
    )


def test_curator_and_outsider_do_not_rate_meetings(pair, mentor, curator, outsider):
    meeting = record(pair, mentor)
    refused(lambda: js.feedback_leave(meeting=meeting, by=curator, rating=5))
    refused(lambda: js.feedback_leave(meeting=meeting, by=outsider, rating=5))


def test_general_meeting_is_not_rated(programme, curator, mentor):
    meeting = js.general_meeting_record(
        programme=programme, by=curator, held_on=TODAY, topic="Общая"
    )
    refused(lambda: js.feedback_leave(meeting=meeting, by=mentor, rating=5))


def test_final_feedback_opens_near_the_end(pair, mentor, mentee, curator):
    early = pair.planned_end_on - timedelta(days=15)
    near = pair.planned_end_on - timedelta(days=14)
    refused(
        lambda: js.final_feedback_leave(pair=pair, by=mentor, rating=5, today=early),
        "pair",
    )
    for user, role in ((mentor, "mentor"), (mentee, "mentee"), (curator, "curator")):
        feedback = js.final_feedback_leave(pair=pair, by=user, rating=4, today=near)
        assert (feedback.kind, feedback.role) == (Feedback.Kind.FINAL, role)
    refused(
        lambda: js.final_feedback_leave(pair=pair, by=mentee, rating=3, today=near),
        "rating",
    )


def test_final_feedback_of_a_closed_pair(pair, mentor, outsider):
    Pair.objects.filter(pk=pair.pk).update(
        status=Pair.Status.TERMINATED, ended_on=TODAY, termination_reason="Переезд"
    )
    pair.refresh_from_db()
    assert js.final_feedback_leave(pair=pair, by=mentor, rating=3, today=TODAY).pk
    refused(lambda: js.final_feedback_leave(pair=pair, by=outsider, rating=3))
