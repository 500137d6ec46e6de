"""Who may see what: the user's organisations and roles.

Every view asks these helpers first; templates never filter by permission.
Objects of another organisation are 404 everywhere (views look rows up within
`request.access.organisation`); a page of a role the user does not hold is 403.
`tests/test_access_matrix.py` checks every named URL against this table.

| role | may |
|---|---|
| anonymous | nothing but the login page and a questionnaire link with its token |
| municipal coordinator | the coordinator home (roll-up of the organisations of the |
|   | municipality); the organisations' own pages are 403 (read-only roll-ups only) |
| head | everything of the organisation, social-risk data and the safeguarding |
|   | access log included |
| deputy head | everything of the organisation except the social-risk tier: |
|   | sensitive mentee categories and requests of the social-risk form are hidden |
| curator | everything of the organisation (all its programmes), social-risk data |
| person in charge of a form | reads the pairs list and pair cards of the forms |
|   | they lead (`Membership.forms`, `require_pairs_reader`), without the |
|   | curator's actions; other manager pages are 403 |
| social pedagogue | the home page; social-risk data wherever shown; safeguarding |
| psychologist | measurements (grid, dynamics, import); social-risk data; safeguarding |
| class teacher | proposes pupils of their class for the mentee base |
|   | (`people:mentee-propose`); manager pages are 403 |
| mentor | own pairs (journal, plan, feedback, questionnaires); another pair is 404; |
|   | the social-risk data of the mentees of own open pairs |
| mentee | own pair (journal, plan, feedback, questionnaires) |
| superuser | the whole admin |
| staff head, deputy, curator | the admin for their organisations' rows only |
|   | (`mentoring.lib.admin_scope`): catalogues and templates read-only, |
|   | safeguarding and django-axes hidden, the social-risk tier as on the site |

The social-risk tier (sensitive `MenteeCategory`, requests whose form is the
social-risk form, a preferred social-risk form) is shown only to those for whom
`sees_social_risk_of` holds; lists use `hides_social_risk`, `visible_categories`
and `visible_requests` so that any page built on them gets the rule for free.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from mentoring.models import MenteeCategory, MentoringForm, Organisation
from mentoring.tier import (  # noqa: F401 (the tier rules, for every app above)
    hides_tier,
    in_tier,
    limit_tier_choices,
    tier_condition,
    without_tier,
)
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
    for the mentor (or second mentor, or the substitute mentor during the
    substitution) of an open pair the participant is in. Everybody else sees the
    person without those fields. Every view that shows such data also writes an
    access-log row (safeguarding)."""
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
            | Q(pk__in=Pair.objects.substituted_by(request.user, timezone.localdate()))
        )
        .exists()
    )


def hides_social_risk(request) -> bool:
    """True when the user may not see the social-risk tier of the organisation as
    a whole (lists, maps, exports): everyone but the curator, social pedagogue,
    psychologist and head. A mentor sees it only for the mentees of own open
    pairs, through `sees_social_risk_of`."""
    return hides_tier(request)


def visible_categories(request, *, participant=None):
    """Mentee categories the user may see (of one participant: through
    `sees_social_risk_of`; else organisation-wide). Use it as the queryset of a
    `Prefetch("categories", ...)` or of a filter's choices."""
    categories = MenteeCategory.objects.all()
    hidden = (
        not sees_social_risk_of(request, participant)
        if participant is not None
        else hides_social_risk(request)
    )
    return categories.filter(is_sensitive=False) if hidden else categories


def visible_requests(request, queryset, *, participant=None):
    """Mentee requests without those of the social-risk form, unless the user
    may see them."""
    hidden = (
        not sees_social_risk_of(request, participant)
        if participant is not None
        else hides_social_risk(request)
    )
    if hidden:
        return queryset.exclude(form__is_social_risk=True)
    return queryset


def redact_mentee(mentee, *, hidden: bool):
    """Blank the preferred form of a row when it is the social-risk form and the
    user may not see it (the row is not saved; the page shows «—»)."""
    if hidden and mentee.preferred_form_id and mentee.preferred_form.is_social_risk:
        mentee.preferred_form = None
    return mentee


def limit_mentee_filters(request, filters):
    """Offer a user who may not see the social-risk tier neither sensitive
    categories nor the social-risk form in the mentee filters; a crafted query
    for them is then invalid and ignored, so no list reveals who is in them."""
    if not hides_social_risk(request):
        return filters
    limit_tier_choices(request, filters)  # categories, preferred form
    risky = {
        str(pk)
        for pk in MentoringForm.objects.filter(is_social_risk=True).values_list(
            "pk", flat=True
        )
    }
    fields = filters.fields
    if "request_form" in fields:  # a plain choice field: pruned by hand
        fields["request_form"].choices = [
            choice
            for choice in fields["request_form"].choices
            if choice[0] not in risky
        ]
    return filters


def require_class_teacher(request) -> Membership:
    """The class teacher's role in the current organisation, with their class; 403
    for anyone else (a class teacher without a class has nothing to propose from)."""
    require_organisation(request)
    membership = request.access.membership(Role.CLASS_TEACHER)
    if membership is None or membership.study_group_id is None:
        raise PermissionDenied
    return membership


def led_form_ids(request) -> set[int]:
    """The forms of mentoring the user is in charge of in the current organisation
    (a form lead's Membership.forms)."""
    membership = request.access.membership(Role.FORM_LEAD)
    if membership is None:
        return set()
    return set(membership.forms.values_list("pk", flat=True))


def require_pairs_reader(request):
    """(organisation, form ids or None) for the pairs pages: the managers read every
    pair (None: no limit); a form lead reads the pairs of the forms they lead;
    anybody else gets 403."""
    organisation = require_organisation(request)
    if request.access.is_manager:
        return organisation, None
    forms = led_form_ids(request)
    if not forms:
        raise PermissionDenied
    return organisation, forms
