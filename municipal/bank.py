"""The shared mentor bank of a municipality: what a curator of another organisation
may see of a consenting mentor, and the requests that end in a cross-organisation
pair.

A mentor's own curator keeps the say: a curator of the asking organisation
requests the mentor for one of their mentees (`bank_request_create`); the mentor's
curator approves it, and the pair is created in the asking organisation's
programme (`bank_request_approve`), or declines it with a reason. The mentor's
capacity counts their pairs in both organisations (`pairs.rules.mentor_load`
counts every open pair the mentor leads), and an approval locks the mentor's row
so that two approvals cannot take the same last place.

Each side sees only its own people's personal data: the asking side sees of the
mentor the bank's fields (`BankMentor`) and what a pair page needs (the name); the
mentor's side sees the mentee only as «наставляемый <организация>».
"""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models import MentoringForm, Organisation, Programme, RoleVariant
from municipal.models import BankRequest
from pairs.models import Pair
from pairs.rules import free_places, mentor_load
from pairs.services import pair_create
from people.access import MANAGER_ROLES
from people.models import Membership, MenteeProfile, MentorProfile, User

READY = (MentorProfile.Status.READY, MentorProfile.Status.IN_PAIR)


@dataclass(frozen=True)
class BankMentor:
    """Everything of a mentor the bank shows to another organisation: nothing else
    of their record (contacts, birth date, notes…) ever reaches its pages."""

    pk: int
    full_name: str
    organisation: str
    organisation_pk: int
    category: str
    key_competencies: str
    subjects: str
    experience_years: int | None
    capacity: int
    load: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)


def bank_entry(mentor: MentorProfile) -> BankMentor:
    participant = mentor.participant
    return BankMentor(
        pk=mentor.pk,
        full_name=participant.full_name,
        organisation=participant.organisation.short_name,
        organisation_pk=participant.organisation_id,
        category=mentor.category.name,
        key_competencies=mentor.key_competencies,
        subjects=participant.subjects,
        experience_years=participant.experience_years,
        capacity=mentor.capacity,
        load=mentor_load(mentor),
    )


def bank_queryset(organisation: Organisation):
    """Consenting mentors of the OTHER organisations of the municipality, ready to
    work or in a pair, still there, with their load (all their open pairs)."""
    return (
        MentorProfile.objects.filter(
            shared_in_bank=True,
            status__in=READY,
            participant__left_on__isnull=True,
            participant__organisation__municipality_id=organisation.municipality_id,
        )
        .exclude(participant__organisation=organisation)
        .with_load()
        .select_related("participant__organisation", "category")
        .order_by("participant__search_text", "pk")
    )


def bank_mentors(organisation: Organisation) -> list[BankMentor]:
    """The bank as another organisation sees it: mentors with free places, limited
    fields only."""
    return [
        bank_entry(mentor)
        for mentor in bank_queryset(organisation).filter(load__lt=F("capacity"))
    ]


def bank_organisations(organisation: Organisation):
    """The other organisations of the municipality (the bank's filter)."""
    return Organisation.objects.filter(
        municipality_id=organisation.municipality_id
    ).exclude(pk=organisation.pk)


def is_manager_of(user: User | None, organisation: Organisation) -> bool:
    return (
        user is not None
        and Membership.objects.filter(
            user=user, organisation=organisation, role__in=MANAGER_ROLES
        ).exists()
    )


def mentor_organisation(request: BankRequest) -> Organisation:
    return request.mentor.participant.organisation


# --- Services ----------------------------------------------------------------------


@transaction.atomic
def bank_request_create(
    *,
    organisation: Organisation,
    mentor: MentorProfile,
    mentee: MenteeProfile,
    programme: Programme,
    form: MentoringForm,
    role_variant: RoleVariant,
    message: str,
    by: User | None,
) -> BankRequest:
    """A curator asks the mentor's curator for a mentor of the bank for one of their
    own mentees, in their own programme."""
    errors: dict[str, list] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    participant = mentor.participant
    if (
        participant.organisation_id == organisation.pk
        or participant.organisation.municipality_id != organisation.municipality_id
        or not mentor.shared_in_bank
    ):
        refuse(
            "mentor",
            _("This mentor is not in the mentor bank of your municipality."),
        )
    elif mentor.status not in READY or participant.left_on is not None:
        refuse("mentor", _("This mentor is not ready to take mentees now."))
    elif free_places(mentor) < 1:
        refuse("mentor", _("This mentor has no free places."))
    if mentee.participant.organisation_id != organisation.pk:
        refuse("mentee", _("Choose a mentee of your organisation."))
    if programme.organisation_id != organisation.pk:
        refuse("programme", _("Choose a programme of your organisation."))
    elif programme.forms.exists() and not programme.forms.filter(pk=form.pk).exists():
        refuse(
            "form",
            _("The programme «%(programme)s» does not run the form «%(form)s».")
            % {"programme": programme, "form": form},
        )
    if form.is_social_risk:
        refuse(
            "form",
            _(
                "The social-risk form is confidential: its mentor is a social "
                "pedagogue or a class teacher of your own organisation."
            ),
        )
    if role_variant.form_id != form.pk:
        refuse("role_variant", _("This role variant belongs to another form."))
    if errors:
        raise ValidationError(errors)
    request = BankRequest(
        mentor=mentor,
        mentee=mentee,
        organisation=organisation,
        programme=programme,
        form=form,
        role_variant=role_variant,
        message=(message or "").strip(),
        requested_by=by,
    )
    request.full_clean()
    request.save()
    return request


def pending_for_update(request: BankRequest) -> BankRequest:
    """The request's row, locked, still awaiting a decision."""
    locked = (
        BankRequest.objects.select_for_update()
        .select_related("mentor__participant__organisation", "organisation")
        .get(pk=request.pk)
    )
    if locked.status != BankRequest.Status.PENDING:
        raise ValidationError(
            _("This request has already been decided or withdrawn."), code="decided"
        )
    return locked


def anonymous_refusal(error: ValidationError) -> ValidationError:
    """`pair_create` names the mentees it refuses; the mentor's side must not read
    the name, so what is about the mentee is said without it."""
    if not hasattr(error, "error_dict"):
        return error
    messages = {}
    for field, items in error.error_dict.items():
        if field in ("mentees", "form", "role_variant", "subprogramme"):
            messages.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(
                    _(
                        "The mentee cannot join a pair in this form now (already in "
                        "such a pair, without a consent, or the programme does not "
                        "run the form): decline the request and say so, the asking "
                        "curator will sort it out."
                    ),
                    code="mentee",
                )
            )
        else:
            messages.setdefault(field, []).extend(items)
    return ValidationError(messages)


@transaction.atomic
def bank_request_approve(
    *, request: BankRequest, start_on, planned_end_on, by: User | None
) -> Pair:
    """The mentor's curator approves: the pair is created in the asking
    organisation's programme, with the mentor's capacity checked while the
    mentor's row is locked (two approvals for the last place: the second one is
    refused)."""
    request = pending_for_update(request)
    if not is_manager_of(by, mentor_organisation(request)):
        raise ValidationError(
            _("Only the mentor's own curator decides on this request."),
            code="not_mentor_side",
        )
    mentor = MentorProfile.objects.select_for_update().get(pk=request.mentor_id)
    mentor = (
        MentorProfile.objects.with_load()
        .select_related("participant__organisation", "category")
        .get(pk=mentor.pk)
    )
    try:
        pair = pair_create(
            programme=request.programme,
            form=request.form,
            role_variant=request.role_variant,
            mentor=mentor,
            mentees=[request.mentee],
            start_on=start_on,
            planned_end_on=planned_end_on,
            by=by,
            bank_approved=True,
        )
    except ValidationError as error:
        raise anonymous_refusal(error) from error
    request.status = BankRequest.Status.APPROVED
    request.pair = pair
    request.decided_by = by
    request.decided_at = timezone.now()
    request.full_clean()
    request.save(update_fields=["status", "pair", "decided_by", "decided_at"])
    return pair


@transaction.atomic
def bank_request_decline(
    *, request: BankRequest, reason: str, by: User | None
) -> BankRequest:
    """The mentor's curator declines, saying why (the asking curator reads it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the request is declined.")}, code="required"
        )
    request = pending_for_update(request)
    if not is_manager_of(by, mentor_organisation(request)):
        raise ValidationError(
            _("Only the mentor's own curator decides on this request."),
            code="not_mentor_side",
        )
    request.status = BankRequest.Status.DECLINED
    request.reason = reason
    request.decided_by = by
    request.decided_at = timezone.now()
    request.full_clean()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return request


@transaction.atomic
def bank_request_cancel(*, request: BankRequest, by: User | None) -> BankRequest:
    """The asking side withdraws its request while it awaits a decision."""
    request = pending_for_update(request)
    if not is_manager_of(by, request.organisation):
        raise ValidationError(
            _("Only the asking organisation withdraws its request."),
            code="not_asking_side",
        )
    request.status = BankRequest.Status.CANCELLED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.full_clean()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return request


# --- Reads of the pages --------------------------------------------------------------


def incoming_requests(organisation: Organisation):
    """Requests for the organisation's mentors."""
    return BankRequest.objects.filter(
        mentor__participant__organisation=organisation
    ).select_related(
        "mentor__participant", "organisation", "form", "role_variant", "programme"
    )


def outgoing_requests(organisation: Organisation):
    """Requests the organisation sent."""
    return BankRequest.objects.filter(organisation=organisation).select_related(
        "mentor__participant__organisation",
        "mentee__participant",
        "form",
        "role_variant",
        "programme",
        "pair",
    )


def our_mentors_elsewhere(organisation: Organisation):
    """Pairs of other organisations' programmes led by the organisation's
    mentors."""
    return (
        Pair.objects.filter(mentor__participant__organisation=organisation)
        .exclude(programme__organisation=organisation)
        .select_related(
            "mentor__participant", "programme__organisation", "form", "role_variant"
        )
        .annotate(
            meetings_count=Count("meetings", distinct=True),
            mentees_count=Count(
                "memberships",
                filter=Q(memberships__left_on__isnull=True),
                distinct=True,
            ),
        )
        .order_by("-start_on", "-pk")
    )
