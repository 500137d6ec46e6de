"""Who may raise, see and resolve a concern about a pair («сообщить о проблеме»).

Raising: the pair's mentor or second mentor and a mentee with a login, on their
own pair; the organisation's curator, head, social pedagogue and psychologist on
any pair of the organisation (a legal representative without a login tells them,
and they record it on the representative's behalf).

Seeing: the curator, head, social pedagogue and psychologist of the pair's
organisation (the same people who see the social-risk tier, `Access.sees_social_risk`)
and whoever recorded the concern. Nobody else — not the deputy, not a form lead,
and never another mentor, the pair's own included: a mentee's concern may be about
them. For everybody else a concern does not exist (404).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from pairs.access import get_pair_for_user, role_in_pair
from pairs.models import Pair
from people.audit import log_pairs_read
from safeguarding.models import Concern


def handles_concerns(request, organisation_id: int | None = None) -> bool:
    """A curator, head, social pedagogue or psychologist of the current
    organisation (and, given `organisation_id`, that it is this one)."""
    access = request.access
    if access.organisation is None or not access.sees_social_risk:
        return False
    return organisation_id is None or access.organisation.pk == organisation_id


def pair_to_report(request, pk: int) -> tuple[Pair, str]:
    """The pair the user may raise a concern about, and as whom: "staff",
    "mentor" or "mentee"; 404 otherwise."""
    if handles_concerns(request):
        pair = get_object_or_404(
            Pair.objects.for_organisation(request.access.organisation).select_related(
                "programme", "form", "role_variant", "mentor__participant"
            ),
            pk=pk,
        )
        log_pairs_read(request, [pair], gettext("Pair or group"))
        return pair, "staff"
    pair = get_pair_for_user(request, pk)
    role = role_in_pair(request, pair)
    if role not in ("mentor", "mentee"):
        raise Http404
    return pair, role


def may_report(request, pair: Pair) -> bool:
    """The same rule as `pair_to_report`, for a button (no log row)."""
    if handles_concerns(request, pair.programme.organisation_id):
        return True
    return role_in_pair(request, pair) in ("mentor", "mentee")


def visible_concerns(request):
    """All concerns of the organisation for those who handle them; a user's own
    (recorded by them) for everybody else."""
    user = request.user
    if not user.is_authenticated:
        return Concern.objects.none()
    if handles_concerns(request):
        return Concern.objects.for_organisation(request.access.organisation)
    return Concern.objects.filter(raised_by=user)


def get_concern(request, pk: int) -> Concern:
    return get_object_or_404(
        visible_concerns(request).select_related(
            "pair__programme__organisation",
            "pair__form",
            "pair__role_variant",
            "pair__mentor__participant",
            "raised_by",
            "resolved_by",
        ),
        pk=pk,
    )


def may_resolve(request, concern: Concern) -> bool:
    return handles_concerns(request, concern.pair.programme.organisation_id)
