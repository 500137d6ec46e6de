"""Writes of the meeting journal: log and edit a meeting, the general meeting of a
programme, comments, feedback after a meeting and at the end of a pair.

Each service decides who may write from the rows themselves (the pair's mentors and
mentees, the organisation's head, deputy and curator), so a page that forgot a
check still cannot write what it must not. `today` is an argument, so the edit
window and the end of a pair are tested without freezing the clock. A refusal is a
`ValidationError` keyed by the argument at fault and changes nothing.
"""

from collections.abc import Collection
from datetime import date, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mentoring.models import MeetingType, Programme
from pairs.models import Feedback, Meeting, MeetingAttendance, MeetingComment, Pair
from pairs.plan_services import plan_item_done_by_meeting
from people.models import Membership, Role, User

MANAGER_ROLES = (Role.HEAD, Role.DEPUTY, Role.CURATOR)
FINAL_FEEDBACK_DAYS = 14
MIN_DURATION, MAX_DURATION = 5, 480


def is_manager(user: User, organisation_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role__in=MANAGER_ROLES
    ).exists()


def role_of(user: User, pair: Pair, today: date | None = None) -> str | None:
    """How `user` takes part in `pair`: "mentor", "mentee", "curator" or None.
    A mentor who is also a curator writes as the mentor of their own pair; the
    substitute mentor is a mentor during the period only."""
    mentor_users = {pair.mentor.participant.user_id}
    if pair.co_mentor_id:
        mentor_users.add(pair.co_mentor.participant.user_id)
    if user.pk in mentor_users:
        return Feedback.Role.MENTOR
    substitute = pair.substitutes.active_on(today or timezone.localdate())
    if substitute.filter(mentor__participant__user=user).exists():
        return Feedback.Role.MENTOR
    if pair.memberships.filter(mentee__participant__user=user).exists():
        return Feedback.Role.MENTEE
    if is_manager(user, pair.programme.organisation_id):
        return Feedback.Role.CURATOR
    return None


def _check_meeting_fields(
    errors: dict,
    *,
    held_on: date,
    duration_minutes: int,
    topic: str,
    today: date,
    pair: Pair | None = None,
) -> None:
    if held_on > today:
        errors.setdefault("held_on", []).append(
            _("The meeting cannot be dated in the future.")
        )
    if pair is not None and held_on < pair.start_on:
        errors.setdefault("held_on", []).append(
            _("The meeting cannot be earlier than the pair's start.")
        )
    if pair is not None and pair.ended_on and held_on > pair.ended_on:
        errors.setdefault("held_on", []).append(
            _("The meeting cannot be later than the end of the pair.")
        )
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        errors.setdefault("duration_minutes", []).append(
            _("A meeting lasts from 5 to 480 minutes.")
        )
    if not topic.strip():
        errors.setdefault("topic", []).append(_("Write the topic of the meeting."))


def meeting_type_topic(meeting_type: MeetingType) -> str:
    """The default topic of a meeting of this type: the type's name in the
    catalogue («Встреча-знакомство»), which a school may edit."""
    return meeting_type.name


def topic_following_type(meeting_type: MeetingType, topic: str) -> str:
    """The topic to save: a topic left at another type's default (the mentor
    changed the type and kept the old default) becomes this type's default; a
    topic the mentor typed is kept."""
    topic = topic.strip()
    others = MeetingType.objects.exclude(pk=meeting_type.pk)
    if topic and others.filter(name=topic).exists():
        return meeting_type_topic(meeting_type)
    return topic


def _check_attendance(errors: dict, *, pair: Pair, present: Collection[int] | None):
    if present is None:
        return
    mentees = set(pair.memberships.values_list("mentee_id", flat=True))
    if set(present) - mentees:
        errors.setdefault("present", []).append(
            _("Attendance can be marked only for mentees of this pair or group.")
        )


def _check_same_day(
    errors: dict,
    *,
    same_day: QuerySet,
    message,
    meeting_type: MeetingType,
    held_on: date,
    confirmed: bool,
) -> None:
    """One meeting per pair (or programme), date and type unless the author confirms
    a second one: a double submit of the form is refused, while a real second
    meeting on the same day stays one tick away (so no database constraint)."""
    if (
        not confirmed
        and same_day.filter(meeting_type=meeting_type, held_on=held_on).exists()
    ):
        errors.setdefault("confirm_same_day", []).append(
            ValidationError(
                message,
                params={
                    "type": meeting_type.name,
                    "date": date_format(held_on, "SHORT_DATE_FORMAT"),
                },
            )
        )


SAME_DAY_MESSAGE = _(
    "The meeting «%(type)s» of %(date)s is already in the journal of this "
    "pair. If this is a separate meeting on the same day, tick the box below "
    "and save again."
)


def _check_next_meeting(errors: dict, *, on, at, today: date) -> None:
    if on is not None and on < today:
        errors.setdefault("next_meeting_on", []).append(
            _("The next meeting cannot be in the past.")
        )
    if on is None and at is not None:
        errors.setdefault("next_meeting_on", []).append(
            _("Enter the date of the next meeting for its time.")
        )


def _set_next_meeting(pair: Pair, *, on, at, held_on: date) -> None:
    if on is None:
        if pair.next_meeting_on is None or pair.next_meeting_on > held_on:
            return
        at = None
    pair.next_meeting_on, pair.next_meeting_time = on, at
    pair.full_clean()
    pair.save(update_fields=["next_meeting_on", "next_meeting_time", "updated_at"])


def _lock(queryset: QuerySet, pk: int) -> None:
    """Hold the row of the pair (or programme) until the meeting is saved, so two
    submits of one form at the same moment are checked one after the other."""
    list(queryset.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def _save_attendance(meeting: Meeting, present: Collection[int] | None) -> None:
    """One row per mentee of the pair: present or absent."""
    if present is None:
        return
    present = set(present)
    meeting.attendance.all().delete()
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(
            meeting=meeting, mentee_id=mentee_id, present=mentee_id in present
        )
        for mentee_id in meeting.pair.memberships.values_list("mentee_id", flat=True)
    )


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_record(
    *,
    pair: Pair,
    by: User,
    meeting_type: MeetingType,
    held_on: date,
    duration_minutes: int = 45,
    format: str = Meeting.Format.IN_PERSON,  # noqa: A002 (the model's field name)
    topic: str,
    summary: str = "",
    result: str = "",
    next_step: str = "",
    present: Collection[int] | None = None,
    confirm_same_day: bool = False,
    next_meeting_on: date | None = None,
    next_meeting_time: time | None = None,
    today: date | None = None,
) -> Meeting:
    """Log a meeting of a pair or group with its attendance (`present`: the ids of
    the mentees who came; None for a pair where attendance is not kept). A second
    meeting of the same type on the same day needs `confirm_same_day`. The plan's
    earliest open item of the meeting's type is done with it. The date (and
    time) of the next meeting goes on the pair; without one, a next date this
    meeting reached is cleared."""
    today = today or timezone.localdate()
    topic = topic_following_type(meeting_type, topic)
    role = role_of(by, pair, today)
    if role not in (Feedback.Role.MENTOR, Feedback.Role.CURATOR):
        raise ValidationError(
            _("Only the mentor of the pair or the curator can log its meetings.")
        )
    errors: dict = {}
    if not pair.is_open and role != Feedback.Role.CURATOR:
        errors.setdefault("pair", []).append(
            _("The pair is closed: only the curator can add meetings to its journal.")
        )
    if meeting_type.is_general:
        errors.setdefault("meeting_type", []).append(
            _("The general meeting is logged for the programme, not for a pair.")
        )
    _check_meeting_fields(
        errors,
        held_on=held_on,
        duration_minutes=duration_minutes,
        topic=topic,
        today=today,
        pair=pair,
    )
    _check_attendance(errors, pair=pair, present=present)
    _check_next_meeting(errors, on=next_meeting_on, at=next_meeting_time, today=today)
    _lock(Pair.objects.all(), pair.pk)
    _check_same_day(
        errors,
        same_day=pair.meetings.all(),
        message=SAME_DAY_MESSAGE,
        meeting_type=meeting_type,
        held_on=held_on,
        confirmed=confirm_same_day,
    )
    _refuse(errors)
    meeting = Meeting(
        programme=pair.programme,
        pair=pair,
        meeting_type=meeting_type,
        held_on=held_on,
        duration_minutes=duration_minutes,
        format=format,
        topic=topic.strip(),
        summary=summary,
        result=result,
        next_step=next_step,
        author=by,
    )
    meeting.full_clean()
    meeting.save()
    _save_attendance(meeting, present)
    plan_item_done_by_meeting(meeting=meeting, by=by)
    _set_next_meeting(pair, on=next_meeting_on, at=next_meeting_time, held_on=held_on)
    return meeting


def can_edit(
    meeting: Meeting, user: User, *, today: date, manager: bool | None = None
) -> bool:
    """The curator may always edit; the author within MEETING_EDIT_DAYS of logging.
    A list passes `manager` (known once for the page) to save a query per row."""
    if manager is None:
        manager = is_manager(user, meeting.programme.organisation_id)
    if manager:
        return True
    logged_on = timezone.localdate(meeting.created_at)
    return meeting.author_id == user.pk and (today - logged_on) <= timedelta(
        days=settings.MEETING_EDIT_DAYS
    )


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    meeting_type: MeetingType,
    held_on: date,
    duration_minutes: int,
    format: str,  # noqa: A002
    topic: str,
    summary: str = "",
    result: str = "",
    next_step: str = "",
    present: Collection[int] | None = None,
    confirm_same_day: bool = False,
    today: date | None = None,
) -> Meeting:
    """Correct an entry; moving it onto the date and type of another meeting of
    the pair needs `confirm_same_day`, as logging a second one does."""
    today = today or timezone.localdate()
    if not can_edit(meeting, by, today=today):
        if meeting.author_id == by.pk:
            raise ValidationError(
                _(
                    "A meeting can be corrected within %(days)s days of logging it; "
                    "ask the curator to correct it now."
                ),
                params={"days": settings.MEETING_EDIT_DAYS},
            )
        raise ValidationError(
            _("Only the author of the entry or the curator can correct it.")
        )
    topic = topic_following_type(meeting_type, topic)
    errors: dict = {}
    if meeting.pair_id and meeting_type.is_general:
        errors.setdefault("meeting_type", []).append(
            _("The general meeting is logged for the programme, not for a pair.")
        )
    if not meeting.pair_id and not meeting_type.is_general:
        errors.setdefault("meeting_type", []).append(
            _("Choose the pair: only a general meeting has no pair.")
        )
    _check_meeting_fields(
        errors,
        held_on=held_on,
        duration_minutes=duration_minutes,
        topic=topic,
        today=today,
        pair=meeting.pair,
    )
    if meeting.pair_id:
        _check_attendance(errors, pair=meeting.pair, present=present)
        _lock(Pair.objects.all(), meeting.pair_id)
        _check_same_day(
            errors,
            same_day=meeting.pair.meetings.exclude(pk=meeting.pk),
            message=SAME_DAY_MESSAGE,
            meeting_type=meeting_type,
            held_on=held_on,
            confirmed=confirm_same_day,
        )
    _refuse(errors)
    meeting.meeting_type = meeting_type
    meeting.held_on = held_on
    meeting.duration_minutes = duration_minutes
    meeting.format = format
    meeting.topic = topic.strip()
    meeting.summary, meeting.result, meeting.next_step = summary, result, next_step
    meeting.full_clean()
    meeting.save()
    if meeting.pair_id:
        _save_attendance(meeting, present)
    return meeting


@transaction.atomic
def general_meeting_record(
    *,
    programme: Programme,
    by: User,
    held_on: date,
    duration_minutes: int = 60,
    topic: str,
    summary: str = "",
    result: str = "",
    next_step: str = "",
    confirm_same_day: bool = False,
    today: date | None = None,
) -> Meeting:
    """The general meeting of all mentors and mentees of a programme (no pair); a
    second one on the same day needs `confirm_same_day`."""
    today = today or timezone.localdate()
    if not is_manager(by, programme.organisation_id):
        raise ValidationError(_("Only the curator can log the general meeting."))
    errors: dict = {}
    _check_meeting_fields(
        errors,
        held_on=held_on,
        duration_minutes=duration_minutes,
        topic=topic,
        today=today,
    )
    meeting_type = MeetingType.objects.filter(is_general=True).order_by("order")[0]
    _lock(Programme.objects.all(), programme.pk)
    _check_same_day(
        errors,
        same_day=programme.meetings.filter(pair__isnull=True),
        message=_(
            "The general meeting of %(date)s is already in the journal of this "
            "programme. If this is a separate meeting on the same day, tick the box "
            "below and save again."
        ),
        meeting_type=meeting_type,
        held_on=held_on,
        confirmed=confirm_same_day,
    )
    _refuse(errors)
    meeting = Meeting(
        programme=programme,
        pair=None,
        meeting_type=meeting_type,
        held_on=held_on,
        duration_minutes=duration_minutes,
        format=Meeting.Format.GROUP,
        topic=topic.strip(),
        summary=summary,
        result=result,
        next_step=next_step,
        author=by,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_comment_add(*, meeting: Meeting, by: User, text: str) -> MeetingComment:
    """The curator's (or the pair's mentor's) remark on a journal entry."""
    if meeting.pair_id:
        allowed = role_of(by, meeting.pair) in (
            Feedback.Role.MENTOR,
            Feedback.Role.CURATOR,
        )
    else:
        allowed = is_manager(by, meeting.programme.organisation_id)
    if not allowed:
        raise ValidationError(
            _("Only the curator and the mentor can comment on the journal.")
        )
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    comment = MeetingComment(meeting=meeting, author=by, text=text.strip())
    comment.full_clean()
    comment.save()
    return comment


def _check_feedback(errors: dict, *, rating: int) -> None:
    if not 1 <= rating <= 5:
        errors.setdefault("rating", []).append(_("The rating is from 1 to 5."))


@transaction.atomic
def feedback_leave(
    *, meeting: Meeting, by: User, rating: int, comment: str = ""
) -> Feedback:
    """A rating after a meeting from the pair's mentor or one of its mentees, once."""
    if meeting.pair_id is None:
        raise ValidationError(_("The general meeting is not rated."))
    role = role_of(by, meeting.pair)
    if role not in (Feedback.Role.MENTOR, Feedback.Role.MENTEE):
        raise ValidationError(
            _("Only the mentor and the mentees of the pair rate its meetings.")
        )
    errors: dict = {}
    _check_feedback(errors, rating=rating)
    if Feedback.objects.filter(meeting=meeting, author=by).exists():
        errors.setdefault("rating", []).append(
            _("You have already rated this meeting.")
        )
    _refuse(errors)
    feedback = Feedback(
        pair=meeting.pair,
        meeting=meeting,
        kind=Feedback.Kind.MEETING,
        author=by,
        role=role,
        rating=rating,
        comment=comment.strip(),
    )
    feedback.full_clean()
    feedback.save()
    return feedback


FINAL_MEETING = "final"


def final_feedback_open(pair: Pair, *, today: date) -> bool:
    """Final feedback is asked at the end: the pair is closed, its planned end is
    at most two weeks away, or its «итоговая встреча» is in the journal."""
    return (
        not pair.is_open
        or (pair.planned_end_on - today).days <= FINAL_FEEDBACK_DAYS
        or pair.meetings.filter(meeting_type__code=FINAL_MEETING).exists()
    )


@transaction.atomic
def final_feedback_leave(
    *,
    pair: Pair,
    by: User,
    rating: int,
    comment: str = "",
    today: date | None = None,
) -> Feedback:
    today = today or timezone.localdate()
    role = role_of(by, pair)
    if role is None:
        raise ValidationError(
            _("Only the mentor, the mentees and the curator give the final feedback.")
        )
    errors: dict = {}
    if not final_feedback_open(pair, today=today):
        errors.setdefault("pair", []).append(
            _("The final feedback opens two weeks before the planned end of the pair.")
        )
    _check_feedback(errors, rating=rating)
    if Feedback.objects.filter(pair=pair, author=by, kind=Feedback.Kind.FINAL).exists():
        errors.setdefault("rating", []).append(
            _("You have already left the final feedback on this pair.")
        )
    _refuse(errors)
    feedback = Feedback(
        pair=pair,
        meeting=None,
        kind=Feedback.Kind.FINAL,
        author=by,
        role=role,
        rating=rating,
        comment=comment.strip(),
    )
    feedback.full_clean()
    feedback.save()
    return feedback
