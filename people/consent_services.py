"""Consents under 152-ФЗ: recording and revoking them, the register's statuses, and
whether a person's name may be published.

A minor's consent is given by a legal representative; an adult signs their own.
The scan of the signed document is kept as a private file (served only by
`consents:document`). People does not import pairs: open pairs are reached through
the reverse relations of the two profiles.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import validate_evidence_file
from people.models import Consent, MenteeProfile, MentorProfile, Participant

OPEN_PAIR_STATUSES = ("formed", "active")

# Models of the higher app `pairs`, reached through this app's reverse relations.
PairMentee = MenteeProfile.pair_memberships.rel.related_model
Pair = MentorProfile.pairs.rel.related_model


class Status:
    """The state of one scope of consent of one person on a day."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    MISSING = "missing"

    choices = [
        (VALID, _("valid")),
        (EXPIRED, _("expired")),
        (REVOKED, _("revoked")),
        (MISSING, _("missing")),
    ]
    values = [value for value, _label in choices]
    labels = dict(choices)


def adult_birth_cutoff(on: date) -> date:
    """People born after this day are under 18 on `on`."""
    try:
        return on.replace(year=on.year - 18)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 18, day=28)


def minor_q(on: date, prefix: str = "") -> Q:
    """Participant.is_minor as a query: under 18, or a pupil without a birth date."""
    return Q(**{f"{prefix}birth_date__gt": adult_birth_cutoff(on)}) | Q(
        **{f"{prefix}birth_date__isnull": True, f"{prefix}kind": Participant.Kind.PUPIL}
    )


def in_open_pair_q(on: date | None = None) -> Q:
    """The participant is a mentee, a mentor or a second mentor of an open pair."""
    as_mentee = PairMentee.objects.filter(
        mentee__participant=OuterRef("pk"),
        pair__status__in=OPEN_PAIR_STATUSES,
        left_on__isnull=True,
    )
    # Mentor and second mentor in two EXISTS: each finds its pairs by an index
    # (one EXISTS over «mentor or second mentor» scans every pair for every row).
    open_pairs = Pair.objects.filter(status__in=OPEN_PAIR_STATUSES)
    as_mentor = open_pairs.filter(mentor__participant=OuterRef("pk"))
    as_co_mentor = open_pairs.filter(co_mentor__participant=OuterRef("pk"))
    return Q(Exists(as_mentee)) | Q(Exists(as_mentor)) | Q(Exists(as_co_mentor))


def is_in_open_pair(participant: Participant) -> bool:
    return (
        Participant.objects.filter(pk=participant.pk).filter(in_open_pair_q()).exists()
    )


def with_consent_status(queryset: QuerySet, on: date | None = None) -> QuerySet:
    """Annotate participants with, for each scope: `<scope>_status` (one of
    `Status.values`), `<scope>_until` (end of the valid consent, None = no end
    date) and `<scope>_revoked` (the date the latest consent was revoked).

    Valid wins over everything; otherwise the latest consent given says whether
    it was revoked or has expired; no consent given at all is «missing»."""
    on = on or timezone.localdate()
    annotations = {}
    for scope in Consent.Scope.values:
        valid = Consent.objects.valid(on).filter(
            participant=OuterRef("pk"), scope=scope
        )
        given = Consent.objects.filter(
            participant=OuterRef("pk"), scope=scope, given_on__lte=on
        )
        latest = given.order_by("-given_on", "-pk")
        annotations[f"{scope}_until"] = Subquery(
            valid.order_by(F("valid_until").desc(nulls_first=True)).values(
                "valid_until"
            )[:1]
        )
        annotations[f"{scope}_revoked"] = Subquery(latest.values("revoked_on")[:1])
        annotations[f"{scope}_status"] = Case(
            When(Exists(valid), then=Value(Status.VALID)),
            When(**{f"{scope}_revoked__lte": on}, then=Value(Status.REVOKED)),
            When(Exists(given), then=Value(Status.EXPIRED)),
            default=Value(Status.MISSING),
            output_field=CharField(),
        )
    return queryset.annotate(**annotations)


def register_queryset(organisation, on: date | None = None) -> QuerySet:
    """Everyone of the organisation in the mentee or the mentor base, with their
    consent statuses and whether they are a minor and in an open pair."""
    on = on or timezone.localdate()
    queryset = Participant.objects.for_organisation(organisation).filter(
        Q(mentee_profile__isnull=False) | Q(mentor_profile__isnull=False)
    )
    return with_consent_status(queryset, on).annotate(
        minor=Case(When(minor_q(on), then=Value(True)), default=Value(False)),
        in_pair=Case(When(in_open_pair_q(), then=Value(True)), default=Value(False)),
    )


# --- Publication ---------------------------------------------------------------


def may_publish(participant: Participant, on: date | None = None) -> bool:
    """Has the person (or their legal representative) a valid consent to the
    publication of cases, photos and videos on `on` (today by default)?"""
    return (
        Consent.objects.valid(on or timezone.localdate())
        .filter(participant=participant, scope=Consent.Scope.PUBLICATION)
        .exists()
    )


def publishable(queryset: QuerySet, on: date | None = None) -> QuerySet:
    """The participants of `queryset` whose names may be published."""
    consent = Consent.objects.valid(on or timezone.localdate()).filter(
        participant=OuterRef("pk"), scope=Consent.Scope.PUBLICATION
    )
    return queryset.filter(Exists(consent))


# --- Writes ----------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    participant: Participant,
    scope: str,
    given_by: str,
    relation: str,
    given_on: date,
    valid_until: date | None = None,
    document=None,
    note: str = "",
    today: date | None = None,
) -> Consent:
    today = today or timezone.localdate()
    errors = {}
    if participant.is_minor and relation == Consent.Relation.SELF:
        errors["relation"] = _(
            "For a minor the consent is given by a legal representative."
        )
    if given_on and given_on > today:
        errors["given_on"] = _("A consent cannot be given in the future.")
    if valid_until and given_on and valid_until <= given_on:
        errors["valid_until"] = _("The end of validity must be after the date given.")
    try:
        validate_evidence_file(document)
    except ValidationError as error:
        errors["document"] = error.messages
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        participant=participant,
        scope=scope,
        given_by=" ".join(given_by.split()),
        relation=relation,
        given_on=given_on,
        valid_until=valid_until,
        note=note.strip(),
    )
    if document:
        consent.document = document
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_revoke(*, consent: Consent, revoked_on: date, today=None) -> Consent:
    today = today or timezone.localdate()
    if consent.revoked_on is not None:
        raise ValidationError(_("This consent has already been revoked."))
    if revoked_on < consent.given_on:
        raise ValidationError(
            {"revoked_on": _("A consent cannot be revoked before it was given.")}
        )
    if revoked_on > today:
        raise ValidationError(
            {"revoked_on": _("The date of revocation cannot be in the future.")}
        )
    consent.revoked_on = revoked_on
    consent.full_clean()
    consent.save(update_fields=["revoked_on"])
    return consent


def leaves_minor_in_pair_without_consent(consent: Consent) -> bool:
    """Revoking this consent leaves a child in an open pair without a consent to
    processing (the curator decides whether to end the pair)."""
    participant = consent.participant
    if consent.scope != Consent.Scope.PROCESSING or not participant.is_minor:
        return False
    if not is_in_open_pair(participant):
        return False
    others = (
        Consent.objects.valid()
        .filter(participant=participant, scope=Consent.Scope.PROCESSING)
        .exclude(pk=consent.pk)
    )
    return not others.exists()
