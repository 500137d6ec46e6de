"""Screening of mentors from outside the school: the certificate of no criminal
record («справка об отсутствии судимости»), required to work with minors.

Who needs it: a parent, an external person (an employer, a graduate, a veteran,
a partner) and a student of another institution — everyone who is not the
organisation's own staff or pupil. A college's own students mentoring younger
students of the same college are its learners, not people from outside, so they
need none; in a school, kindergarten or club a «student» is from a college or a
university. The pair rules (`pairs.services.check_mentor`) ask
`certificate_missing`; the mentor's page shows the same answer.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models import Organisation
from people.models import MentorCertificate, MentorProfile, Participant, User

OUTSIDE_KINDS = {Participant.Kind.PARENT, Participant.Kind.EXTERNAL}


def needs_certificate(mentor: MentorProfile) -> bool:
    """A mentor from outside the organisation (see the module's docstring)."""
    participant = mentor.participant
    if participant.kind in OUTSIDE_KINDS:
        return True
    return (
        participant.kind == Participant.Kind.STUDENT
        and participant.organisation.kind != Organisation.Kind.COLLEGE
    )


def is_minor_on(participant: Participant, day: date) -> bool:
    """Under 18 on `day`; a pupil whose date of birth is unknown counts as a minor."""
    age = participant.age_on(day)
    if age is None:
        return participant.kind == Participant.Kind.PUPIL
    return age < 18


def valid_certificate(mentor: MentorProfile, on: date) -> MentorCertificate | None:
    return mentor.certificates.valid(on).order_by("-issued_on", "-pk").first()


def certificate_missing(mentor: MentorProfile, mentees, on: date | None) -> list:
    """The minor mentees `mentor` may not work with on `on` for want of a
    certificate in force: none when the mentor needs no certificate or has one."""
    on = on or timezone.localdate()
    minors = [mentee for mentee in mentees if is_minor_on(mentee.participant, on)]
    if not minors or not needs_certificate(mentor):
        return []
    if valid_certificate(mentor, on) is not None:
        return []
    return minors


def without_certificate(mentor_ids, on: date) -> set[int]:
    """Of the mentors `mentor_ids`, those who need a certificate (as
    `needs_certificate` says) and have none in force on `on`: one query, for
    matching a whole cohort."""
    outside = Q(participant__kind__in=OUTSIDE_KINDS) | (
        Q(participant__kind=Participant.Kind.STUDENT)
        & ~Q(participant__organisation__kind=Organisation.Kind.COLLEGE)
    )
    in_force = MentorCertificate.objects.valid(on).filter(mentor=OuterRef("pk"))
    return set(
        MentorProfile.objects.filter(pk__in=list(mentor_ids))
        .filter(outside)
        .exclude(Exists(in_force))
        .values_list("pk", flat=True)
    )


@transaction.atomic
def mentor_certificate_add(
    *,
    mentor: MentorProfile,
    number: str,
    issued_on: date,
    valid_until: date | None = None,
    scan=None,
    by: User | None,
) -> MentorCertificate:
    """Record a certificate the mentor brought (a newer one does not delete the
    older: the record of screening is kept)."""
    certificate = MentorCertificate(
        mentor=mentor,
        number=(number or "").strip(),
        issued_on=issued_on,
        valid_until=valid_until,
        scan=scan or "",
        recorded_by=by,
    )
    errors = {}
    if not certificate.number:
        errors["number"] = [_("Enter the number of the certificate.")]
    if issued_on is None:
        errors["issued_on"] = [_("Enter the date of issue.")]
    elif issued_on > timezone.localdate():
        errors["issued_on"] = [_("The date cannot be in the future.")]
    elif valid_until is not None and valid_until < issued_on:
        errors["valid_until"] = [_("A certificate cannot expire before it was issued.")]
    if errors:
        raise ValidationError(errors)
    certificate.full_clean()
    certificate.save()
    return certificate
