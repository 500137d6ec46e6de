"""Who sees what at the municipal tier.

| who | may |
|---|---|
| municipal coordinator | the municipality's pages: the roll-up of its organisations |
|   | and each organisation's read-only summary (aggregates only, no one's name or |
|   | personal data; sensitive counts under 5 as «менее 5»), the checklist (sets |
|   | deadlines, accepts or returns entries), the best practices (features them), |
|   | the indicators and the roll-ups; nothing of another municipality (404) |
| head, deputy, curator | their organisation's checklist entries; the mentor bank of |
|   | their municipality (limited fields of consenting mentors of other |
|   | organisations), their own requests and the requests for their mentors; the |
|   | practices of their municipality; their organisation's values of reported |
|   | indicators |
| everybody else | 403 |
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mentoring.models import Municipality, Organisation
from people.access import require_curator  # noqa: F401 (the organisation side)


def require_coordinator(request) -> Municipality:
    """The municipality the coordinator works in now: the current organisation's,
    if they coordinate it, else the first they coordinate; 403 for everyone else."""
    access = request.access
    if not access.is_coordinator:
        raise PermissionDenied
    current = access.organisation
    if current is not None and current.municipality_id in (
        access.coordinated_municipalities
    ):
        return current.municipality
    return Municipality.objects.get(pk=access.coordinated_municipalities[0])


def coordinated_organisations(request):
    """The organisations of the municipalities the user coordinates (none for
    anyone else)."""
    return Organisation.objects.filter(
        municipality_id__in=request.access.coordinated_municipalities
    )


def require_coordinated_organisation(request, pk: int) -> Organisation:
    """One organisation of the coordinator's municipalities; 404 for another's."""
    require_coordinator(request)
    organisation = coordinated_organisations(request).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation
