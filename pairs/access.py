"""Which pairs a user may open: the access helper every pair-level view starts with."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from pairs.models import Pair
from people.access import without_tier
from people.audit import log_pairs_read


def visible_pairs(request):
    """Pairs of the current organisation the user may see: all of them for the
    head, deputy and curator; their own for a mentor (or second mentor) and for a
    mentee; none for anybody else. The social-risk pairs only for those who may
    see the tier (`people.access.without_tier`): for a deputy they do not exist.
    A substitute mentor (`PairSubstitute`) has the pair only during the period."""
    organisation = request.access.organisation
    if organisation is None:
        return Pair.objects.none()
    pairs = Pair.objects.for_organisation(organisation)
    if request.access.is_manager:
        return without_tier(request, pairs)
    if not request.user.is_authenticated:
        return Pair.objects.none()
    # A mentor of the organisation also leads the pairs of another organisation's
    # programme that the municipal mentor bank gave them.
    today = timezone.localdate()
    leading = Pair.objects.for_mentor(request.user) | Pair.objects.substituted_by(
        request.user, today
    )
    mine = leading.filter(
        Q(programme__organisation=organisation)
        | Q(mentor__participant__organisation=organisation)
        | Q(co_mentor__participant__organisation=organisation)
        | Q(substitutes__mentor__participant__organisation=organisation)
    ).values("pk")
    theirs = pairs.for_mentee(request.user).values("pk")
    return Pair.objects.filter(Q(pk__in=mine) | Q(pk__in=theirs))


def get_pair_for_user(request, pk: int) -> Pair:
    """The pair if the user may see it, else 404 (never 403: a pair that is not
    yours does not exist for you). Opening a pair of the social-risk form is a
    read of the tier: it is logged (people.audit)."""
    pair = get_object_or_404(visible_pairs(request), pk=pk)
    log_pairs_read(request, [pair], gettext("Pair or group"))
    return pair


def role_in_pair(request, pair: Pair) -> str | None:
    """ "curator", "mentor" or "mentee": how the user takes part in this pair."""
    user = request.user
    if request.access.is_manager:
        return "curator"
    if user.is_authenticated:
        mentors = {pair.mentor.participant.user_id}
        if pair.co_mentor_id:
            mentors.add(pair.co_mentor.participant.user_id)
        if user.pk in mentors:
            return "mentor"
        substitute = pair.substitutes.active_on(timezone.localdate()).filter(
            mentor__participant__user=user
        )
        if substitute.exists():
            return "mentor"
        if pair.memberships.filter(mentee__participant__user=user).exists():
            return "mentee"
    return None


def require_pair_role(request, pair: Pair, *roles: str) -> str:
    role = role_in_pair(request, pair)
    if role not in roles:
        raise Http404
    return role
