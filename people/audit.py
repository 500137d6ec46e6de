"""`log_access`: one row of the access log (`people.AccessLog`) per read or change
of the confidential social-risk tier — its records (safeguarding) and, wherever
else they are shown, a pupil's sensitive categories, requests of the social-risk
form and the pairs of that form (`log_tier_read`). The description names what was
read, never its contents."""

from django.conf import settings

from people.models import AccessLog

USER_AGENT_LENGTH = 255


def client_ip(request) -> str | None:
    """REMOTE_ADDR; the first address of X-Forwarded-For only when the setting
    SAFEGUARDING_TRUST_X_FORWARDED_FOR says a trusted proxy sets it (a client can
    write any X-Forwarded-For it likes)."""
    if getattr(settings, "SAFEGUARDING_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    request,
    action: str,
    obj=None,
    *,
    participant=None,
    description: str = "",
) -> AccessLog:
    """Write one row. `obj` is a record (its type, id, label and pupil are taken from
    it); without one, pass `participant` and/or `description` (a list page)."""
    if obj is not None:
        participant = participant or obj.participant
        description = description or obj.log_label()
    user = request.user if request.user.is_authenticated else None
    organisation = (
        participant.organisation
        if participant is not None
        else getattr(request.access, "organisation", None)
    )
    return AccessLog.objects.create(
        user=user,
        user_name=(user.get_full_name() or user.username) if user else "",
        organisation=organisation,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_pk=obj.pk if obj is not None else None,
        description=str(description)[:255],
        participant=participant,
        participant_name=participant.full_name[:255] if participant else "",
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
        path=request.get_full_path()[:500],
    )
