"""What a mentor (or curator) should be reminded of, and the pause that silences it.

The pages call `reminders_for_user` and show what it returns; the daily digest
(`manage.py send_reminders`) uses `pairs_with_reminders` for every open pair at once.
Reminders of no pair (a questionnaire waiting for an answer) come from the apps
above `pairs`, which must not be imported here: settings.REMINDER_SOURCES names
their functions (`personal_reminders`).
Everything is computed from the data, nothing is stored but the log of digests sent
(`ReminderSent`), so a reminder disappears as soon as the meeting is logged, the
item ticked or the pair paused. The number of queries does not grow with the pairs.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pairs.models import Meeting, Pair, PairMentee, PlanItem

# A formed pair should hold its introduction meeting within a week of its start.
INTRODUCTION_WITHIN_DAYS = 7
# A pause covers holidays or an illness, not a term: longer means the pair is over.
MAX_PAUSE_DAYS = 92

STALE = "stale"
OVERDUE_ITEM = "overdue_item"
PAST_END = "past_end"
NEXT_MEETING = "next_meeting"
QUESTIONNAIRE = "questionnaire"

ICONS = {
    STALE: "bi-hourglass-split",
    OVERDUE_ITEM: "bi-list-check",
    PAST_END: "bi-flag",
    NEXT_MEETING: "bi-people",
    QUESTIONNAIRE: "bi-ui-checks",
}

# What a curator is told about the pairs of their programmes.
CURATOR_MAIL_KINDS = (STALE, PAST_END)
CURATOR_PAGE_KINDS = (STALE, PAST_END, OVERDUE_ITEM)


@dataclass
class Reminder:
    kind: str  # "stale" | "overdue_item" | "past_end" | "next_meeting" | …
    text: str
    pair_id: int | None = None
    url: str = ""

    @property
    def icon(self) -> str:
        return ICONS.get(self.kind, "bi-bell")


def long_date(value: date) -> str:
    return date_format(value, "j E Y")


def pair_url(pair_id: int) -> str:
    """The mentor's page of the pair (the journal), if the site has it."""
    try:
        return reverse("journal:pair", args=[pair_id])
    except NoReverseMatch:
        return ""


def annotated_pairs(pairs, *, today: date) -> list[Pair]:
    """The open, not paused pairs among `pairs` (a queryset or an iterable of pairs),
    with what the reminders need: the last meeting up to `today`, whether the final
    meeting was held, the programme, the mentors and the mentees' names."""
    if isinstance(pairs, QuerySet):
        ids = pairs.values("pk")
    else:
        ids = [pair.pk for pair in pairs]
    held = Meeting.objects.filter(pair=OuterRef("pk"), held_on__lte=today)
    return list(
        Pair.objects.filter(pk__in=ids)
        .open()
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=today))
        .annotate(
            # A correlated subquery, not MAX over a join: no GROUP BY of every
            # meeting of the organisation's pairs before the few are kept.
            last_held_on=Subquery(held.order_by("-held_on").values("held_on")[:1]),
            final_held=Exists(held.filter(meeting_type__code="final")),
        )
        .select_related(
            "programme",
            "role_variant",
            "mentor__participant",
            "co_mentor__participant",
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=PairMentee.objects.filter(left_on__isnull=True)
                .select_related("mentee__participant")
                .order_by("mentee__participant__last_name", "pk"),
                to_attr="current_memberships",
            )
        )
        .order_by("programme__title", "mentor__participant__last_name", "pk")
    )


def pair_reminders(pair: Pair, items: list[PlanItem], *, today: date) -> list[Reminder]:
    """The reminders of one annotated pair (see `annotated_pairs`)."""
    url = pair_url(pair.pk)
    found = []
    if pair.planned_end_on < today and not pair.final_held:
        found.append(
            Reminder(
                PAST_END,
                gettext(
                    "The planned end was on %(date)s: time to hold the final "
                    "meeting and close the pair."
                )
                % {"date": long_date(pair.planned_end_on)},
                pair.pk,
                url,
            )
        )
    since = pair.last_held_on or pair.start_on
    quiet = (today - since).days
    if pair.status == Pair.Status.ACTIVE and quiet > pair.programme.stale_after_days:
        found.append(
            Reminder(
                STALE,
                ngettext(
                    "No meetings for %(count)d day.",
                    "No meetings for %(count)d days.",
                    quiet,
                )
                % {"count": quiet},
                pair.pk,
                url,
            )
        )
    if (
        pair.status == Pair.Status.FORMED
        and pair.last_held_on is None
        and quiet >= INTRODUCTION_WITHIN_DAYS
    ):
        found.append(
            Reminder(
                NEXT_MEETING,
                ngettext(
                    "Hold the introduction meeting: the pair started %(count)d "
                    "day ago.",
                    "Hold the introduction meeting: the pair started %(count)d "
                    "days ago.",
                    quiet,
                )
                % {"count": quiet},
                pair.pk,
                url,
            )
        )
    for item in items:
        found.append(
            Reminder(
                OVERDUE_ITEM,
                gettext("Overdue plan item «%(activity)s»: deadline %(date)s.")
                % {
                    "activity": Truncator(item.activity).chars(80),
                    "date": long_date(item.deadline),
                },
                pair.pk,
                url,
            )
        )
    return found


def pairs_with_reminders(pairs, *, today: date) -> list[tuple[Pair, list[Reminder]]]:
    """Each open, not paused pair among `pairs` that has something due, with its
    reminders. Two queries for the pairs, one for the mentees, one for the items."""
    annotated = annotated_pairs(pairs, today=today)
    items = defaultdict(list)
    overdue = PlanItem.objects.filter(
        plan__pair__in=[pair.pk for pair in annotated],
        status__in=[PlanItem.Status.PLANNED, PlanItem.Status.IN_PROGRESS],
        deadline__lt=today,
    ).select_related("plan")
    for item in overdue:
        items[item.plan.pair_id].append(item)
    result = []
    for pair in annotated:
        found = pair_reminders(pair, items[pair.pk], today=today)
        if found:
            result.append((pair, found))
    return result


def due_for_pairs(pairs, *, today: date) -> dict[int, list[Reminder]]:
    return {pair.pk: found for pair, found in pairs_with_reminders(pairs, today=today)}


def personal_reminders(*, today: date, user=None) -> dict[int, list[Reminder]]:
    """User id → the reminders of no pair (a questionnaire waiting for an answer),
    for everybody or for one `user`. Each function of settings.REMINDER_SOURCES
    takes the same arguments and returns the same mapping."""
    found: dict[int, list[Reminder]] = defaultdict(list)
    for path in getattr(settings, "REMINDER_SOURCES", ()):
        for user_id, reminders in import_string(path)(today=today, user=user).items():
            found[user_id].extend(reminders)
    return dict(found)


def reminders_for_user(user, *, today: date) -> list[Reminder]:
    """The reminders of the open pairs the user mentors (as mentor or second
    mentor), then the user's reminders of no pair (`personal_reminders`). A
    curator's view of their programmes is on the reminders page
    (`pairs.reminder_views.mine`)."""
    if not user.is_authenticated:
        return []
    pairs = Pair.objects.open().for_mentor(user)
    return [
        reminder
        for _pair, found in pairs_with_reminders(pairs, today=today)
        for reminder in found
    ] + personal_reminders(today=today, user=user).get(user.pk, [])


def only_kinds(
    grouped: list[tuple[Pair, list[Reminder]]], kinds
) -> list[tuple[Pair, list[Reminder]]]:
    result = []
    for pair, found in grouped:
        kept = [reminder for reminder in found if reminder.kind in kinds]
        if kept:
            result.append((pair, kept))
    return result


def mentee_names(pair: Pair) -> str:
    memberships = getattr(pair, "current_memberships", None)
    if memberships is None:
        memberships = pair.memberships.filter(left_on__isnull=True)
    return ", ".join(m.mentee.participant.short_name for m in memberships)


# --- The pause: holidays or illness, no reminders until a date ----------------------


@transaction.atomic
def pair_pause(*, pair: Pair, until: date, reason: str, by, today: date) -> Pair:
    """Pause an open pair until a date (inclusive): it yields no reminders meanwhile.
    `by` is who asked (kept for the history once it records pauses)."""
    errors = {}
    if not pair.is_open:
        errors["pair"] = _("Only an open pair or group can be paused.")
    if until is None or until <= today:
        errors["until"] = _("The pause must end after today.")
    elif until > today + timedelta(days=MAX_PAUSE_DAYS):
        errors["until"] = _(
            "A pause is for holidays or an illness: at most three months."
        )
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the pause.")
    if errors:
        raise ValidationError(errors)
    pair.paused_until = until
    pair.pause_reason = reason
    pair.full_clean()
    pair.save(update_fields=["paused_until", "pause_reason", "updated_at"])
    return pair


@transaction.atomic
def pair_resume(*, pair: Pair, by) -> Pair:
    """End the pause now: reminders are due again from the next run."""
    if pair.paused_until is None:
        raise ValidationError(_("This pair or group is not paused."))
    pair.paused_until = None
    pair.pause_reason = ""
    pair.full_clean()
    pair.save(update_fields=["paused_until", "pause_reason", "updated_at"])
    return pair


def attach_reminders(items: list[dict], user, *, today: date) -> list[Reminder]:
    """Give each workspace card (`{"pair": pair, …}`) its reminders; returns the
    reminders of no particular pair."""
    by_pair: dict[int | None, list[Reminder]] = {}
    for reminder in reminders_for_user(user, today=today):
        by_pair.setdefault(reminder.pair_id, []).append(reminder)
    for item in items:
        item["reminders"] = by_pair.get(item["pair"].pk, [])
    return by_pair.get(None, [])
