"""Writes of the personalised mentoring programme of a pair («персонализированная
программа наставничества»): create it (blank or from a template), edit it, add and
edit its items, tick them.

Refusals are `ValidationError`s keyed by the argument at fault, so a form shows them
next to the field; a refusal changes nothing. Who may call which service (curator
and mentor edit, the mentee only ticks) is checked by the views.
"""

import calendar
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import validate_evidence_file
from mentoring.models import MeetingType
from pairs.models import Meeting, Pair, Plan, PlanItem, PlanTemplate
from people.models import User

TEACHER_MIN_MONTHS, TEACHER_MAX_MONTHS = 3, 12
OPEN_ITEM_STATUSES = (PlanItem.Status.PLANNED, PlanItem.Status.IN_PROGRESS)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def is_teacher_pair(pair: Pair) -> bool:
    """The mentee is a teacher: the plan of a teacher lasts 3 months to 1 year
    (распоряжение Правительства № 3273-р, п. 33)."""
    return pair.form.code == "teacher-teacher" or (
        getattr(pair.form, "mentee_audience", "") == "teachers"
    )


def _check_period(pair: Pair, starts_on: date, ends_on: date | None) -> None:
    if ends_on is None:
        raise ValidationError({"ends_on": _("Enter the end of the plan.")})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The plan must end after it starts.")})


def period_warning(plan: Plan) -> str:
    """The documents set a teacher's programme at 3 months to 1 year: outside it the
    plan is kept, and the page warns (the curator may have a reason)."""
    if is_teacher_pair(plan.pair) and not (
        add_months(plan.starts_on, TEACHER_MIN_MONTHS)
        <= plan.ends_on
        <= add_months(plan.starts_on, TEACHER_MAX_MONTHS)
    ):
        return str(_("For teachers the programme lasts from 3 months to 1 year."))
    return ""


def _check_deadline(plan: Plan, deadline: date) -> None:
    if not plan.starts_on <= deadline <= plan.ends_on:
        raise ValidationError(
            {
                "deadline": gettext(
                    "The deadline must be within the plan period: %(start)s – %(end)s."
                )
                % {
                    "start": plan.starts_on.strftime("%d.%m.%Y"),
                    "end": plan.ends_on.strftime("%d.%m.%Y"),
                }
            }
        )


def item_deadline(starts_on: date, ends_on: date, due_week: int) -> date:
    """A template item's deadline: the start plus its weeks, never past the end."""
    return min(starts_on + timedelta(weeks=due_week), ends_on)


@transaction.atomic
def plan_create(
    *,
    pair: Pair,
    by: User,
    goal: str = "",
    difficulties: str = "",
    directions: str = "",
    starts_on: date,
    ends_on: date | None = None,
    template: PlanTemplate | None = None,
) -> Plan:
    """The plan of a pair; from a template, its texts fill the blanks, its length
    gives the end when none is given, and its items are copied with deadlines counted
    in weeks from the start."""
    if Plan.objects.filter(pair=pair).exists():
        raise ValidationError(_("This pair already has a personalised plan."))
    if template is not None:
        if template.form_id and template.form_id != pair.form_id:
            raise ValidationError(
                {"template": _("This template is made for another form of mentoring.")}
            )
        goal = goal or template.goal
        difficulties = difficulties or template.difficulties
        directions = directions or template.directions
        if ends_on is None:
            ends_on = add_months(starts_on, template.duration_months)
            if is_teacher_pair(pair):
                ends_on = min(ends_on, add_months(starts_on, TEACHER_MAX_MONTHS))
    if not goal.strip():
        raise ValidationError({"goal": _("State the goal of the plan.")})
    _check_period(pair, starts_on, ends_on)
    plan = Plan(
        pair=pair,
        template=template,
        goal=goal.strip(),
        difficulties=difficulties.strip(),
        directions=directions.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    plan.full_clean()
    plan.save()
    if template is not None:
        items = [
            PlanItem(
                plan=plan,
                order=template_item.order,
                activity=template_item.activity,
                reporting_form=template_item.reporting_form,
                meeting_type_id=template_item.meeting_type_id,
                deadline=item_deadline(starts_on, ends_on, template_item.due_week),
            )
            for template_item in template.items.all()
        ]
        for item in items:
            item.full_clean(exclude=["plan"])
        PlanItem.objects.bulk_create(items)
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    by: User,
    goal: str,
    difficulties: str = "",
    directions: str = "",
    starts_on: date,
    ends_on: date,
) -> Plan:
    if not goal.strip():
        raise ValidationError({"goal": _("State the goal of the plan.")})
    _check_period(plan.pair, starts_on, ends_on)
    outside = plan.items.exclude(deadline__range=(starts_on, ends_on)).count()
    if outside:
        raise ValidationError(
            {
                "ends_on": gettext(
                    "Deadlines of %(count)s items fall outside the new period: "
                    "move them first."
                )
                % {"count": outside}
            }
        )
    plan.goal, plan.difficulties, plan.directions = (
        goal.strip(),
        difficulties.strip(),
        directions.strip(),
    )
    plan.starts_on, plan.ends_on = starts_on, ends_on
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_item_add(
    *,
    plan: Plan,
    by: User,
    activity: str,
    deadline: date,
    reporting_form: str = "",
    evidence_note: str = "",
    evidence_file=None,
    meeting_type: MeetingType | None = None,
) -> PlanItem:
    _check_deadline(plan, deadline)
    validate_evidence_file(evidence_file)
    last = plan.items.order_by("-order").values_list("order", flat=True).first()
    item = PlanItem(
        plan=plan,
        order=(last or 0) + 1,
        activity=activity.strip(),
        deadline=deadline,
        reporting_form=reporting_form.strip(),
        evidence_note=evidence_note.strip(),
        meeting_type=meeting_type,
    )
    if evidence_file:
        item.evidence_file = evidence_file
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_item_update(
    *,
    item: PlanItem,
    by: User,
    activity: str,
    deadline: date,
    reporting_form: str = "",
    evidence_note: str = "",
    evidence_file=None,
    meeting_type: MeetingType | None = None,
) -> PlanItem:
    _check_deadline(item.plan, deadline)
    validate_evidence_file(evidence_file)
    item.activity = activity.strip()
    item.deadline = deadline
    item.reporting_form = reporting_form.strip()
    item.evidence_note = evidence_note.strip()
    item.meeting_type = meeting_type
    if evidence_file:
        item.evidence_file = evidence_file
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_item_set_status(
    *,
    item: PlanItem,
    status: str,
    by: User,
    done_on: date | None = None,
    evidence_note: str = "",
    evidence_file=None,
) -> PlanItem:
    """Tick an item (done needs the date, today by default, never in the future) or
    untick it; other statuses clear the date and who ticked."""
    if status not in PlanItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    validate_evidence_file(evidence_file)
    if status == PlanItem.Status.DONE:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise ValidationError(
                {"done_on": _("The date it was done cannot be in the future.")}
            )
        item.done_on, item.done_by = done_on, by
    else:
        item.done_on, item.done_by, item.meeting = None, None, None
    item.status = status
    if evidence_note.strip():
        item.evidence_note = evidence_note.strip()
    if evidence_file:
        item.evidence_file = evidence_file
    item.full_clean()
    item.save()
    return item


def plan_item_done_by_meeting(*, meeting: Meeting, by: User) -> PlanItem | None:
    """A logged meeting ticks the plan: the earliest open item of its type (by
    deadline) is done on the meeting's date, linked to it. Items without a type
    are ticked by hand. Called by `meeting_record` in its transaction."""
    if meeting.pair_id is None:
        return None
    item = (
        PlanItem.objects.select_for_update()
        .filter(
            plan__pair_id=meeting.pair_id,
            meeting_type_id=meeting.meeting_type_id,
            status__in=OPEN_ITEM_STATUSES,
        )
        .order_by("deadline", "order", "pk")
        .first()
    )
    if item is None:
        return None
    item.status = PlanItem.Status.DONE
    item.done_on, item.done_by, item.meeting = meeting.held_on, by, meeting
    item.full_clean()
    item.save(update_fields=["status", "done_on", "done_by", "meeting", "updated_at"])
    return item


def plan_progress(plan: Plan, today: date | None = None) -> dict:
    """Counts of the plan's items (cancelled ones left out). Reads
    `plan.items.all()`, so a prefetch serves it."""
    today = today or timezone.localdate()
    items = [i for i in plan.items.all() if i.status != PlanItem.Status.CANCELLED]
    done = sum(1 for i in items if i.status == PlanItem.Status.DONE)
    overdue = sum(1 for i in items if i.is_overdue(today))
    total = len(items)
    return {
        "done": done,
        "total": total,
        "overdue": overdue,
        "percent": round(done * 100 / total) if total else 0,
    }
