"""Who may see what: the user's organisations and roles.

Every view asks these helpers first; templates never filter by permission.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from mentoring.models import Organisation
from people.models import Membership, Role

STAFF_ROLES = {
    Role.HEAD,
    Role.DEPUTY,
    Role.CURATOR,
    Role.FORM_LEAD,
    Role.SOCIAL_PEDAGOGUE,
    Role.PSYCHOLOGIST,
}
MANAGER_ROLES = {Role.HEAD, Role.DEPUTY, Role.CURATOR}
# Who sees the confidential social-risk tier of the whole organisation (issue 7:
# the curator, social pedagogue, psychologist and head — not the deputy, not a form
# lead, not a class teacher); a pair's own mentor sees it for that pair only.
SOCIAL_RISK_ROLES = {
    Role.HEAD,
    Role.CURATOR,
    Role.SOCIAL_PEDAGOGUE,
    Role.PSYCHOLOGIST,
}

# The order in which a home page is chosen when a user holds several roles.
ROLE_PRIORITY = [
    Role.HEAD,
    Role.DEPUTY,
    Role.CURATOR,
    Role.FORM_LEAD,
    Role.SOCIAL_PEDAGOGUE,
    Role.PSYCHOLOGIST,
    Role.CLASS_TEACHER,
    Role.MENTOR,
    Role.MENTEE,
]


@dataclass
class Access:
    """The user's place in the current organisation, computed once per request."""

    organisations: list[Organisation] = field(default_factory=list)
    organisation: Organisation | None = None
    roles: set[str] = field(default_factory=set)
    coordinated_municipalities: list[int] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinated_municipalities)

    @property
    def is_manager(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def sees_social_risk(self) -> bool:
        return bool(self.roles & SOCIAL_RISK_ROLES)

    @property
    def main_role(self) -> str | None:
        for role in ROLE_PRIORITY:
            if role in self.roles:
                return role
        if self.is_coordinator:
            return Role.MUNICIPAL_COORDINATOR
        return None

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def membership(self, role: str) -> Membership | None:
        for membership in self.memberships:
            if membership.role == role and membership.organisation_id == getattr(
                self.organisation, "pk", None
            ):
                return membership
        return None


def access_for(user, organisation_id: int | None) -> Access:
    if not user.is_authenticated:
        return Access()
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation", "municipality", "study_group")
        .order_by("organisation__short_name", "role")
    )
    coordinated = [m.municipality_id for m in memberships if m.municipality_id]
    organisations = {
        m.organisation.pk: m.organisation for m in memberships if m.organisation
    }
    if coordinated:
        for organisation in Organisation.objects.filter(
            municipality_id__in=coordinated
        ):
            organisations.setdefault(organisation.pk, organisation)
    ordered = sorted(organisations.values(), key=lambda o: o.short_name)
    current = organisations.get(organisation_id) or (ordered[0] if ordered else None)
    roles = {
        m.role
        for m in memberships
        if current is not None and m.organisation_id == current.pk
    }
    return Access(
        organisations=ordered,
        organisation=current,
        roles=roles,
        coordinated_municipalities=coordinated,
        memberships=memberships,
    )


def require_organisation(request) -> Organisation:
    """The current organisation, or 404 for a user who belongs to none."""
    organisation = request.access.organisation
    if organisation is None:
        raise Http404
    return organisation


def require_curator(request) -> Organisation:
    """The current organisation for a user who runs its mentoring (head, deputy,
    curator); 403 for anyone else. Objects are then looked up within this
    organisation only, so another organisation's objects are 404."""
    organisation = require_organisation(request)
    if not request.access.is_manager:
        raise PermissionDenied
    return organisation


def sees_social_risk_of(request, participant) -> bool:
    """May this user see the confidential social-risk data (sensitive mentee
    categories, safeguarding records) of this participant? Yes for the curator,
    social pedagogue, psychologist and head of the participant's organisation, and
    for the mentor (or second mentor) of an open pair the participant is in.
    Everybody else sees the person without those fields. Every view that shows
    such data also writes an access-log row (safeguarding)."""
    access = request.access
    if (
        access.organisation is None
        or participant.organisation_id != access.organisation.pk
    ):
        return False
    if access.sees_social_risk:
        return True
    if not request.user.is_authenticated:
        return False
    from pairs.models import Pair  # pairs builds on people: imported late

    return (
        Pair.objects.open()
        .filter(
            memberships__mentee__participant=participant,
            memberships__left_on__isnull=True,
        )
        .filter(
            Q(mentor__participant__user=request.user)
            | Q(co_mentor__participant__user=request.user)
        )
        .exists()
    )
