"""Writes of cohort matching: the curator's confirmed lot becomes pairs.

`pair_create` counts a mentor's load and refuses a mentor without a free place,
but two transactions may count the same last place at once. Here every mentor of
the lot is locked (`SELECT … FOR UPDATE`, in the order of their pks, so two lots
never wait on each other crosswise) before any load is counted, and each pair is
created with the mentor's load read afresh: a second curator confirming a lot for
the same last place waits for the first and is refused. One refusal refuses the
lot: nothing is created.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentoring.models import MentoringForm, Programme, RoleVariant
from pairs.models import Pair
from pairs.services import pair_create
from people.models import MenteeProfile, MentorProfile, User


def mentors_lock(mentor_ids) -> None:
    """Lock the mentors' rows until the end of the transaction."""
    list(
        MentorProfile.objects.select_for_update()
        .filter(pk__in=set(mentor_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def pairs_create_lot(
    *,
    programme: Programme,
    form: MentoringForm,
    role_variant: RoleVariant,
    assignments: Sequence[tuple[MentorProfile, MenteeProfile]],
    start_on,
    planned_end_on,
    by: User | None,
) -> list[Pair]:
    """A pair for every (mentor, mentee) of `assignments`, all or none. The
    refusal names each mentee whose pair was refused, with `pair_create`'s
    reasons."""
    if not assignments:
        raise ValidationError(_("No pair to form: every mentee is without a mentor."))
    mentors_lock(mentor.pk for mentor, _mentee in assignments)
    pairs, problems = [], []
    for mentor, mentee in assignments:
        # The load as it is now, under the lock (the annotation of the page that
        # proposed it may be stale, and grows with every pair of this lot).
        fresh = (
            MentorProfile.objects.with_load()
            .select_related("participant__organisation", "category")
            .get(pk=mentor.pk)
        )
        try:
            pair = pair_create(
                programme=programme,
                form=form,
                role_variant=role_variant,
                mentor=fresh,
                mentees=[mentee],
                start_on=start_on,
                planned_end_on=planned_end_on,
                by=by,
            )
        except ValidationError as error:
            problems.append(
                _("%(mentee)s — %(mentor)s: %(reasons)s")
                % {
                    "mentee": mentee.participant.short_name,
                    "mentor": fresh.participant.short_name,
                    "reasons": " ".join(error.messages),
                }
            )
        else:
            pairs.append(pair)
    if problems:
        raise ValidationError(
            [_("No pair was formed, because some were refused:"), *problems],
            code="lot_refused",
        )
    return pairs
