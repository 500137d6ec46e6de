"""A substitute mentor for a period: the curator names another mentor from one date
to another (the mentor's illness, holidays, a course). While the period is active
the substitute is a mentor of the pair for `pairs.access` and the journal services
(sees the journal, logs meetings); before and after, the pair does not exist for
them. The period stays in `PairSubstitute` and in the pair's history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pairs.models import Pair, PairEvent, PairSubstitute
from pairs.services import Refusal, check_mentor, long_date
from people.models import MentorProfile, User


def is_substitute(user: User, pair: Pair, day=None) -> bool:
    """Is `user` the pair's substitute mentor on `day` (today by default)?"""
    if not user.is_authenticated:
        return False
    day = day or timezone.localdate()
    return (
        pair.substitutes.active_on(day).filter(mentor__participant__user=user).exists()
    )


@transaction.atomic
def pair_substitute_name(
    *,
    pair: Pair,
    mentor: MentorProfile,
    starts_on,
    ends_on,
    reason: str,
    by: User | None,
) -> PairSubstitute:
    """Name `mentor` the substitute of an open pair from `starts_on` to `ends_on`
    (both included). Refused for the pair's own mentors, a mentor who may not be
    assigned (`check_mentor`, without counting a place: the mentees stay with
    their mentor), a period already over or overlapping another substitute's."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if not pair.is_open:
        raise ValidationError(_("This pair or group is already closed."), code="closed")
    refusal = Refusal()
    if mentor.pk in (pair.mentor_id, pair.co_mentor_id):
        refusal.add(
            "mentor",
            _("Choose another mentor: this one already leads the pair."),
            "same_mentor",
        )
    else:
        # The substitute works with the pair's current mentees from the first day
        # of the period: a mentor from outside needs a certificate in force then.
        current = [
            link.mentee
            for link in pair.memberships.filter(left_on__isnull=True).select_related(
                "mentee__participant"
            )
        ]
        check_mentor(
            refusal,
            "mentor",
            mentor=mentor,
            programme=pair.programme,
            form=pair.form,
            adding=0,
            allow_over_capacity=True,
            mentees=current,
            on=starts_on,
        )
    today = timezone.localdate()
    if starts_on is None:
        refusal.add("starts_on", _("Enter the start of the period."), "required")
    if ends_on is None:
        refusal.add("ends_on", _("Enter the end of the period."), "required")
    if starts_on and ends_on:
        if ends_on < starts_on:
            refusal.add(
                "ends_on", _("The period must end after it starts."), "end_before"
            )
        elif ends_on < today:
            refusal.add("ends_on", _("This period is already over."), "past")
        elif starts_on < pair.start_on:
            refusal.add(
                "starts_on",
                _("The period cannot start before the pair (%(start)s)."),
                "before_start",
                start=long_date(pair.start_on),
            )
        else:
            overlapping = pair.substitutes.filter(
                starts_on__lte=ends_on, ends_on__gte=starts_on
            ).select_related("mentor__participant")
            for other in overlapping:
                refusal.add(
                    "starts_on",
                    _(
                        "%(mentor)s already substitutes in this pair from %(start)s "
                        "to %(end)s."
                    ),
                    "overlap",
                    mentor=other.mentor,
                    start=long_date(other.starts_on),
                    end=long_date(other.ends_on),
                )
    reason = (reason or "").strip()
    if not reason:
        refusal.add("reason", _("Give the reason for the substitution."), "required")
    refusal.raise_if_any()

    substitute = PairSubstitute(
        pair=pair,
        mentor=mentor,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        by=by,
    )
    substitute.full_clean()
    substitute.save()
    note = gettext("from %(start)s to %(end)s: %(reason)s") % {
        "start": date_format(starts_on, "d.m.Y"),
        "end": date_format(ends_on, "d.m.Y"),
        "reason": reason,
    }
    PairEvent.objects.create(
        pair=pair,
        kind=PairEvent.Kind.SUBSTITUTE,
        by=by,
        on=starts_on,
        note=note,
        old_mentor=pair.mentor,
        new_mentor=mentor,
    )
    return substitute
