"""Rules of the documents about who may mentor whom, shared by matching and services.

Only the social-risk form's rule blocks; the others are warnings (domain.md).
"""

from mentoring.lib.search import normalize
from people.models import MentorProfile, Role

SOCIAL_RISK_ROLES = {Role.SOCIAL_PEDAGOGUE, Role.CLASS_TEACHER}
SOCIAL_RISK_POSITIONS = ("социальн", "классн")


def social_risk_mentor_allowed(mentor: MentorProfile) -> bool:
    """For «Учащийся, находящийся в социально опасном положении – наставник» the mentor
    is a social pedagogue or a class teacher: by their role in the organisation, or
    by the position written in the base («социальный педагог», «классный
    руководитель»)."""
    participant = mentor.participant
    if participant.user_id:
        roles = {
            membership.role
            for membership in participant.user.memberships.all()
            if membership.organisation_id == participant.organisation_id
        }
        if roles & SOCIAL_RISK_ROLES:
            return True
    position = normalize(participant.position)
    return any(marker in position for marker in SOCIAL_RISK_POSITIONS)


def mentor_load(mentor: MentorProfile) -> int:
    """Mentees now in the mentor's open pairs and groups."""
    annotated = getattr(mentor, "load", None)
    if annotated is not None:
        return annotated
    return (
        MentorProfile.objects.with_load()
        .values_list("load", flat=True)
        .get(pk=mentor.pk)
    )


def free_places(mentor: MentorProfile) -> int:
    return max(mentor.capacity - mentor_load(mentor), 0)
