"""Who may see and write the confidential tier.

Reading: `people.access.sees_social_risk_of` (the curator, social pedagogue,
psychologist and head of the pupil's organisation; the mentor or second mentor of
an open pair the pupil is in). For everybody else the records do not exist: 404,
and nothing is logged (a refused request leaves no row: the log records access to
data, and a 404 gave none).

Writing: the organisation's curator, social pedagogue, psychologist and head write
every record. The pair's mentor reads everything and adds entries to the card of
individual preventive work (his conversations and visits are the work itself), and
edits or deletes only the entries he wrote.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from people.access import sees_social_risk_of
from people.models import Participant, Role
from safeguarding.models import PreventiveWorkEntry

MENTOR_KINDS = {"preventive"}


def get_participant(request, pk: int) -> Participant:
    participant = get_object_or_404(
        Participant.objects.select_related("organisation", "study_group"), pk=pk
    )
    if not sees_social_risk_of(request, participant):
        raise Http404
    return participant


def writes_all(request, participant: Participant) -> bool:
    """A specialist of the pupil's organisation (not just the pair's mentor)."""
    access = request.access
    return bool(
        access.organisation is not None
        and participant.organisation_id == access.organisation.pk
        and access.sees_social_risk
    )


def may_create(request, participant: Participant, kind: str) -> bool:
    return writes_all(request, participant) or kind in MENTOR_KINDS


def may_change(request, record) -> bool:
    if writes_all(request, record.participant):
        return True
    return (
        isinstance(record, PreventiveWorkEntry)
        and record.created_by_id == request.user.pk
    )


def require_specialist(request):
    """The organisation for the list page: only its specialists (404 otherwise)."""
    access = request.access
    if access.organisation is None or not access.sees_social_risk:
        raise Http404
    return access.organisation


def is_head(request) -> bool:
    return request.access.organisation is not None and request.access.has(Role.HEAD)
