"""`log_access`: one row of the access log (`people.AccessLog`) per read or change
of the confidential social-risk tier — its records (safeguarding) and, wherever
else they are shown, a pupil's sensitive categories, requests of the social-risk
form and the pairs of that form (`log_tier_read`). The description names what was
read, never its contents."""

from django.conf import settings
from django.db.models import Q, QuerySet

from mentoring.lib.client import client_address
from people.models import AccessLog, MenteeProfile, Participant

USER_AGENT_LENGTH = 255


def client_ip(request) -> str | None:
    """REMOTE_ADDR; the client's address from X-Forwarded-For only when the
    setting SAFEGUARDING_TRUST_X_FORWARDED_FOR says a trusted proxy sets it (a
    client can write any X-Forwarded-For it likes): see `client_address`."""
    if getattr(settings, "SAFEGUARDING_TRUST_X_FORWARDED_FOR", False):
        return client_address(request, max(settings.PROXY_COUNT, 1))
    return client_address(request, 0)


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


# --- reads of the tier outside its own pages -----------------------------------------

TIER_OF_MENTEE = (
    Q(categories__is_sensitive=True)
    | Q(requests__form__is_social_risk=True)
    | Q(preferred_form__is_social_risk=True)
    | Q(pair_memberships__pair__form__is_social_risk=True)
)


def log_tier_read(
    request, participants, description: str, action: str = AccessLog.Action.VIEW
) -> int:
    """One row per pupil whose tier data a page or a file showed (a list of 25 with
    two pupils of the tier writes two rows, so the head finds every read of a
    pupil by the pupil's name). Returns the number of rows written."""
    people = {participant.pk: participant for participant in participants}
    if not people:
        return 0
    user = request.user if request.user.is_authenticated else None
    common = {
        "user": user,
        "user_name": (user.get_full_name() or user.username) if user else "",
        "action": action,
        "description": str(description)[:255],
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
        "path": request.get_full_path()[:500],
    }
    AccessLog.objects.bulk_create(
        AccessLog(
            **common,
            organisation_id=participant.organisation_id,
            object_type=participant._meta.model_name,
            object_pk=participant.pk,
            participant=participant,
            participant_name=participant.full_name[:255],
        )
        for participant in people.values()
    )
    return len(people)


def log_mentees_read(request, mentees, description: str, *, hidden: bool) -> int:
    """The pupils among `mentees` (profiles shown on a page or in a file) who have
    data of the tier — a sensitive category, a request of the social-risk form, that
    form preferred, a pair of it — logged as read, unless the tier was hidden from
    the viewer (`hidden`: nothing of it was shown, nothing is logged). `mentees`:
    profiles, ids, or a queryset (used as a subquery: a whole export is not loaded
    twice)."""
    if hidden:
        return 0
    ids = _ids(mentees)
    if isinstance(ids, list) and not ids:
        return 0
    participants = Participant.objects.filter(
        pk__in=MenteeProfile.objects.filter(pk__in=ids)
        .filter(TIER_OF_MENTEE)
        .values("participant_id")
    )
    return log_tier_read(request, participants, description)


def log_pairs_read(request, pairs, description: str) -> int:
    """The pupils of the social-risk pairs among `pairs` (shown on a page or in a
    file: only those the viewer may see ever get here) logged as read. Pairs, ids
    or a queryset (a subquery); pairs loaded with their form cost no query when
    none is of the tier."""
    if _whole(pairs):
        ids = pairs.filter(form__is_social_risk=True).values("pk")
        pairs = ()
    else:
        ids = set()
    for pair in pairs:
        form = getattr(pair, "_state", None) and pair._state.fields_cache.get("form")
        if form is not None and not form.is_social_risk:
            continue  # known not to be of the tier: no query
        ids.add(getattr(pair, "pk", pair))
    if isinstance(ids, set) and not ids:
        return 0
    participants = Participant.objects.filter(
        mentee_profile__pair_memberships__pair__in=ids,
        mentee_profile__pair_memberships__pair__form__is_social_risk=True,
    ).distinct()
    return log_tier_read(request, participants, description)


def _whole(rows) -> bool:
    """A queryset that can serve as a subquery (a page of one is sliced: read)."""
    return isinstance(rows, QuerySet) and not rows.query.is_sliced


def _ids(rows):
    """A queryset's pks as a subquery; else the pks (or ids) of the rows."""
    if _whole(rows):
        return rows.values("pk")
    return [getattr(row, "pk", row) for row in rows]
