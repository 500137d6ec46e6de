"""Writes of pairs and groups: form, approve by an order, complete, terminate,
replace the mentor.

Each service keeps the two bases in step with the pair (statuses of mentees and
mentors, the mentees' requests) and writes a line of the pair's history
(`PairEvent`), so a pair's story is never lost. Refusals are `ValidationError`s keyed
by the argument at fault, so a form can show them next to the field; a refusal
changes nothing.
"""

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    MentoringForm,
    MentoringWay,
    Programme,
    RoleVariant,
    Subprogramme,
)
from mentoring.roadmap_services import roadmap_order_approved
from pairs.models import Pair, PairEvent, PairMentee, PairOrder, validate_order_scan
from pairs.rules import mentor_load, social_risk_mentor_allowed
from people.models import (
    Consent,
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    MentorStatusChange,
    User,
)
from people.screening import certificate_missing

OPEN_STATUSES = (Pair.Status.FORMED, Pair.Status.ACTIVE)
ASSIGNABLE_MENTOR_STATUSES = (MentorProfile.Status.READY, MentorProfile.Status.IN_PAIR)

# The code of the refusal a curator may override («Закрепить сверх нагрузки»).
OVER_CAPACITY = "over_capacity"


class Refusal:
    """Collects every problem of a request, keyed by argument, then refuses once."""

    def __init__(self):
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message, code: str, **params) -> None:
        error = ValidationError(message, code=code, params=params or None)
        self.errors.setdefault(field, []).append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def names(objects: Iterable) -> str:
    return ", ".join(str(obj) for obj in objects)


def long_date(value) -> str:
    return date_format(value, "j E Y")


# --- Checks shared by pair_create and pair_replace_mentor ------------------------


def check_mentor(
    refusal: Refusal,
    field: str,
    *,
    mentor: MentorProfile,
    programme: Programme,
    form: MentoringForm,
    adding: int,
    allow_over_capacity: bool,
    bank_approved: bool = False,
    mentees: Iterable[MenteeProfile] = (),
    on=None,
) -> None:
    """The mentor rules: of the organisation, or of the municipal bank once their
    own curator approved the request (`bank_approved`, said only by the bank's
    approval), ready to work, allowed for the social-risk form, with room for
    `adding` more mentees, and — a mentor from outside the school with minor
    `mentees` — a certificate of no criminal record in force `on` the day the
    mentor starts (`people.screening`)."""
    organisation = programme.organisation
    participant = mentor.participant
    if participant.organisation_id != organisation.pk:
        in_bank = (
            mentor.shared_in_bank
            and participant.organisation.municipality_id == organisation.municipality_id
        )
        if not in_bank:
            refusal.add(
                field,
                _(
                    "%(mentor)s belongs to another organisation and is not in the "
                    "municipal mentor bank."
                ),
                "foreign_mentor",
                mentor=mentor,
            )
        elif not bank_approved:
            refusal.add(
                field,
                _(
                    "%(mentor)s works in another organisation: request this mentor "
                    "through the municipal mentor bank, their curator decides."
                ),
                "bank_request_needed",
                mentor=mentor,
            )
    if mentor.status not in ASSIGNABLE_MENTOR_STATUSES:
        refusal.add(
            field,
            _(
                "%(mentor)s has the status «%(status)s»: only a mentor who is ready "
                "to work or already in a pair can be assigned."
            ),
            "mentor_status",
            mentor=mentor,
            status=mentor.get_status_display(),
        )
    if form.is_social_risk and not social_risk_mentor_allowed(mentor):
        refusal.add(
            field,
            _(
                "In the form «%(form)s» the mentor is a social pedagogue or a class "
                "teacher; %(mentor)s is neither."
            ),
            "social_risk",
            form=form,
            mentor=mentor,
        )
    minors = certificate_missing(mentor, mentees, on)
    if minors:
        refusal.add(
            field,
            _(
                "%(mentor)s is a mentor from outside the school and has no "
                "certificate of no criminal record in force on %(date)s: a pair "
                "with a minor (%(names)s) cannot start without it. Record the "
                "certificate on the mentor's page."
            ),
            "no_certificate",
            mentor=mentor,
            date=long_date(on or timezone.localdate()),
            names=names(minor.participant.short_name for minor in minors),
        )
    if adding and not allow_over_capacity:
        load = mentor_load(mentor)
        if load + adding > mentor.capacity:
            refusal.add(
                field,
                _(
                    "%(mentor)s has not enough free places: %(load)s of "
                    "%(capacity)s taken, %(adding)s more needed."
                ),
                OVER_CAPACITY,
                mentor=mentor,
                load=load,
                capacity=mentor.capacity,
                adding=adding,
            )


def check_mentees(
    refusal: Refusal,
    *,
    mentees: list[MenteeProfile],
    programme: Programme,
    form: MentoringForm,
) -> None:
    if not mentees:
        refusal.add("mentees", _("Choose at least one mentee."), "required")
        return
    foreign = [
        mentee
        for mentee in mentees
        if mentee.participant.organisation_id != programme.organisation_id
    ]
    if foreign:
        refusal.add(
            "mentees",
            _("These mentees belong to another organisation: %(names)s."),
            "foreign_mentee",
            names=names(foreign),
        )
    busy = (
        PairMentee.objects.filter(
            mentee__in=mentees,
            left_on__isnull=True,
            pair__status__in=OPEN_STATUSES,
            pair__form=form,
        )
        .select_related("mentee__participant")
        .order_by("mentee__participant__search_text")
    )
    busy_mentees = list(dict.fromkeys(link.mentee for link in busy))
    if busy_mentees:
        refusal.add(
            "mentees",
            _("Already in an open pair or group of the form «%(form)s»: %(names)s."),
            "mentee_busy",
            form=form,
            names=names(busy_mentees),
        )
    minors = [mentee for mentee in mentees if mentee.participant.is_minor]
    if minors:
        consented = set(
            Consent.objects.valid()
            .filter(
                participant__in=[mentee.participant for mentee in minors],
                scope=Consent.Scope.PROCESSING,
            )
            .values_list("participant_id", flat=True)
        )
        missing = [
            mentee for mentee in minors if mentee.participant_id not in consented
        ]
        if missing:
            refusal.add(
                "mentees",
                _(
                    "No valid consent of a legal representative to the processing "
                    "of personal data: %(names)s."
                ),
                "no_consent",
                names=names(missing),
            )


def check_closing(refusal: Refusal, *, pair: Pair, ended_on) -> None:
    if not pair.is_open:
        raise ValidationError(_("This pair or group is already closed."), code="closed")
    if ended_on is None:
        refusal.add("ended_on", _("Enter the end date."), "required")
    elif ended_on < pair.start_on:
        refusal.add(
            "ended_on",
            _("The end date cannot be earlier than the start (%(start)s)."),
            "before_start",
            start=long_date(pair.start_on),
        )
    elif ended_on > timezone.localdate():
        refusal.add("ended_on", _("The end date cannot be in the future."), "future")


# --- Effects on the bases ----------------------------------------------------


def pair_comment(pair: Pair) -> str:
    """The note of a status change the pair caused: the pair without its mentees'
    names (a bank mentor's history is read by the mentor's own school)."""
    return gettext("Pair or group: %(pair)s") % {
        "pair": pair.name_for(official=True, mentees=False)
    }


def mentor_status_set(
    mentor: MentorProfile, status: str, *, by: User | None, comment: str
) -> None:
    """Move the mentor to `status`, recorded in the status history; no-op if there."""
    if mentor.status == status:
        return
    MentorStatusChange.objects.create(
        mentor=mentor,
        status_from=mentor.status,
        status_to=status,
        changed_by=by,
        comment=comment[:500],
    )
    mentor.status = status
    mentor.save(update_fields=["status", "updated_at"])


def mentor_release(mentor: MentorProfile, *, by: User | None, comment: str) -> None:
    """A mentor «in a pair» with no other open pair is ready to work again."""
    if mentor.status != MentorProfile.Status.IN_PAIR:
        return
    still_busy = (
        Pair.objects.open().filter(Q(mentor=mentor) | Q(co_mentor=mentor)).exists()
    )
    if not still_busy:
        mentor_status_set(mentor, MentorProfile.Status.READY, by=by, comment=comment)


def mentees_release(
    pair: Pair,
    *,
    ended_on,
    mentee_status: str,
    requests_from: str,
    requests_to: str,
) -> None:
    """The pair's mentees leave it on `ended_on`. Those with no other open pair take
    `mentee_status`; the requests this pair covered move `requests_from` →
    `requests_to` (a request without a form only when no other pair covers it)."""
    links = list(pair.memberships.filter(left_on__isnull=True))
    for link in links:
        link.left_on = max(ended_on, link.joined_on)
        link.full_clean()
        link.save(update_fields=["left_on"])
    mentee_ids = [link.mentee_id for link in links]
    still_busy = set(
        PairMentee.objects.filter(
            mentee__in=mentee_ids,
            left_on__isnull=True,
            pair__status__in=OPEN_STATUSES,
        ).values_list("mentee_id", flat=True)
    )
    free = [pk for pk in mentee_ids if pk not in still_busy]
    MenteeProfile.objects.filter(pk__in=free).exclude(
        status=MenteeProfile.Status.LEFT
    ).update(status=mentee_status, updated_at=timezone.now())
    MenteeRequest.objects.filter(mentee__in=mentee_ids, status=requests_from).filter(
        Q(form=pair.form) | Q(form__isnull=True, mentee__in=free)
    ).update(status=requests_to)


# --- Services ------------------------------------------------------------------


@transaction.atomic
def pair_create(
    *,
    programme: Programme,
    form: MentoringForm,
    role_variant: RoleVariant,
    mentor: MentorProfile,
    mentees: Iterable[MenteeProfile],
    start_on,
    planned_end_on,
    by: User | None,
    way: MentoringWay | None = None,
    subprogramme: Subprogramme | None = None,
    co_mentor: MentorProfile | None = None,
    title: str = "",
    allow_over_capacity: bool = False,
    bank_approved: bool = False,
) -> Pair:
    """Form a pair (one mentee) or a group (several): status «formed» until an
    order fixes it. A mentor of another organisation only with `bank_approved`:
    the municipal bank's approval by the mentor's own curator says so."""
    mentees = list(dict.fromkeys(mentees))
    # The mentor's row is locked until the pair is saved: two curators forming
    # pairs for the mentor's last free place at once leave one pair, not two
    # (the second waits here, then counts the first one's pair in the load).
    MentorProfile.objects.select_for_update().filter(pk=mentor.pk).first()
    refusal = Refusal()
    programme_forms = programme.forms.all()
    if programme_forms.exists() and not programme_forms.filter(pk=form.pk).exists():
        refusal.add(
            "form",
            _("The programme «%(programme)s» does not run the form «%(form)s»."),
            "form_not_in_programme",
            programme=programme,
            form=form,
        )
    if role_variant.form_id != form.pk:
        refusal.add(
            "role_variant",
            _("This role variant belongs to another form."),
            "role_variant_form",
        )
    if subprogramme is not None and subprogramme.form_id != form.pk:
        refusal.add(
            "subprogramme",
            _("This subprogramme belongs to another form."),
            "subprogramme_form",
        )
    if start_on and planned_end_on and planned_end_on <= start_on:
        refusal.add(
            "planned_end_on",
            _("The planned end must be later than the start."),
            "end_before_start",
        )
    check_mentor(
        refusal,
        "mentor",
        mentor=mentor,
        programme=programme,
        form=form,
        adding=len(mentees),
        allow_over_capacity=allow_over_capacity,
        bank_approved=bank_approved,
        mentees=mentees,
        on=start_on,
    )
    if co_mentor is not None:
        if co_mentor.pk == mentor.pk:
            refusal.add(
                "co_mentor",
                _("The second mentor must be another person."),
                "same_mentor",
            )
        else:
            check_mentor(
                refusal,
                "co_mentor",
                mentor=co_mentor,
                programme=programme,
                form=form,
                adding=0,
                allow_over_capacity=True,
                mentees=mentees,
                on=start_on,
            )
    check_mentees(refusal, mentees=mentees, programme=programme, form=form)
    refusal.raise_if_any()

    pair = Pair(
        programme=programme,
        form=form,
        role_variant=role_variant,
        way=way,
        subprogramme=subprogramme,
        mentor=mentor,
        co_mentor=co_mentor,
        title=title.strip(),
        start_on=start_on,
        planned_end_on=planned_end_on,
        status=Pair.Status.FORMED,
    )
    pair.full_clean()
    pair.save()
    for mentee in mentees:
        link = PairMentee(pair=pair, mentee=mentee, joined_on=start_on)
        link.full_clean()
        link.save()
    MenteeProfile.objects.filter(pk__in=[mentee.pk for mentee in mentees]).update(
        status=MenteeProfile.Status.IN_PAIR, updated_at=timezone.now()
    )
    for mentee in mentees:
        mentee.status = MenteeProfile.Status.IN_PAIR
    MenteeRequest.objects.filter(
        mentee__in=mentees, status=MenteeRequest.Status.OPEN
    ).filter(Q(form=form) | Q(form__isnull=True)).update(
        status=MenteeRequest.Status.COVERED
    )
    comment = pair_comment(pair)
    for person in (mentor, co_mentor):
        if person is not None:
            mentor_status_set(
                person, MentorProfile.Status.IN_PAIR, by=by, comment=comment
            )
    PairEvent.objects.create(pair=pair, kind=PairEvent.Kind.CREATED, by=by, on=start_on)
    return pair


@transaction.atomic
def pairs_approve(
    *, pairs: Iterable[Pair], order_number: str, order_date, by: User | None
) -> int:
    """Fix several formed pairs by one order («приказ о закреплении»): they become
    active. One pair that is not awaiting an order refuses the whole batch."""
    pairs = list(
        Pair.objects.select_for_update()
        .filter(pk__in=[pair.pk for pair in pairs])
        .select_related("mentor__participant", "role_variant", "programme")
        .order_by("pk")
    )
    order_number = (order_number or "").strip()
    refusal = Refusal()
    if not pairs:
        refusal.add(
            NON_FIELD_ERRORS, _("Choose at least one pair or group."), "required"
        )
    if not order_number:
        refusal.add("order_number", _("Enter the order number."), "required")
    if order_date is None:
        refusal.add("order_date", _("Enter the order date."), "required")
    elif order_date > timezone.localdate():
        refusal.add(
            "order_date", _("The order cannot be dated in the future."), "future"
        )
    not_formed = [pair for pair in pairs if pair.status != Pair.Status.FORMED]
    if not_formed:
        refusal.add(
            NON_FIELD_ERRORS,
            _(
                "Only pairs and groups awaiting an order can be approved; these are "
                "not: %(names)s."
            ),
            "not_formed",
            names=names(not_formed),
        )
    refusal.raise_if_any()

    note = gettext("approved by order No. %(number)s of %(date)s") % {
        "number": order_number,
        "date": date_format(order_date, "d.m.Y"),
    }
    for pair in pairs:
        pair.status = Pair.Status.ACTIVE
        pair.order_number = order_number
        pair.order_date = order_date
        pair.full_clean()
        pair.save(update_fields=["status", "order_number", "order_date", "updated_at"])
        PairEvent.objects.create(
            pair=pair, kind=PairEvent.Kind.APPROVED, by=by, on=order_date, note=note
        )
    # Each programme's roadmap row about fixing pairs by an order is done with it.
    for programme in {pair.programme for pair in pairs}:
        roadmap_order_approved(
            programme=programme, number=order_number, order_date=order_date, by=by
        )
    return len(pairs)


@transaction.atomic
def pair_close(
    *, pair: Pair, ended_on, result: str, evidence: str = "", by: User | None
) -> Pair:
    """Complete a pair: its mentees completed the programme (unless in another open
    pair), the requests it covered are closed, the mentors are free again."""
    refusal = Refusal()
    check_closing(refusal, pair=pair, ended_on=ended_on)
    result = (result or "").strip()
    if not result:
        refusal.add("result", _("Describe the result of the pair."), "required")
    refusal.raise_if_any()

    pair.status = Pair.Status.COMPLETED
    pair.ended_on = ended_on
    pair.result = result
    pair.evidence = evidence or ""
    pair.full_clean()
    pair.save(update_fields=["status", "ended_on", "result", "evidence", "updated_at"])
    mentees_release(
        pair,
        ended_on=ended_on,
        mentee_status=MenteeProfile.Status.COMPLETED,
        requests_from=MenteeRequest.Status.COVERED,
        requests_to=MenteeRequest.Status.CLOSED,
    )
    mentors_release(pair, by=by)
    PairEvent.objects.create(
        pair=pair, kind=PairEvent.Kind.COMPLETED, by=by, on=ended_on, note=result
    )
    return pair


@transaction.atomic
def pair_terminate(
    *,
    pair: Pair,
    ended_on,
    reason: str,
    by: User | None,
    end_reason: str = "",
) -> Pair:
    """Decline or stop a pair before its end, for a cause from the short list
    (`Pair.EndReason`) and a text: the mentees wait for a mentor again and their
    requests are open again. The pair, its mentees and meetings are kept."""
    refusal = Refusal()
    check_closing(refusal, pair=pair, ended_on=ended_on)
    reason = (reason or "").strip()
    if end_reason not in Pair.EndReason.values:
        refusal.add("end_reason", _("Choose the cause of the termination."), "required")
    if not reason:
        refusal.add("reason", _("Give the reason for the termination."), "required")
    refusal.raise_if_any()

    pair.status = Pair.Status.TERMINATED
    pair.ended_on = ended_on
    pair.termination_reason = reason
    pair.end_reason = end_reason
    pair.full_clean()
    pair.save(
        update_fields=[
            "status",
            "ended_on",
            "termination_reason",
            "end_reason",
            "updated_at",
        ]
    )
    mentees_release(
        pair,
        ended_on=ended_on,
        mentee_status=MenteeProfile.Status.WAITING,
        requests_from=MenteeRequest.Status.COVERED,
        requests_to=MenteeRequest.Status.OPEN,
    )
    mentors_release(pair, by=by)
    PairEvent.objects.create(
        pair=pair, kind=PairEvent.Kind.TERMINATED, by=by, on=ended_on, note=reason
    )
    return pair


def mentors_release(pair: Pair, *, by: User | None) -> None:
    comment = pair_comment(pair)
    for person in (pair.mentor, pair.co_mentor):
        if person is not None:
            mentor_release(person, by=by, comment=comment)


@transaction.atomic
def pair_replace_mentor(
    *,
    pair: Pair,
    new_mentor: MentorProfile,
    on,
    reason: str,
    by: User | None,
    allow_over_capacity: bool = False,
) -> Pair:
    """A substitute mentor takes over an open pair; the history keeps both. When
    the second mentor takes over, the pair has no second mentor any more."""
    if not pair.is_open:
        raise ValidationError(_("This pair or group is already closed."), code="closed")
    old_mentor = pair.mentor
    refusal = Refusal()
    if new_mentor.pk == old_mentor.pk:
        refusal.add(
            "new_mentor",
            _("Choose another mentor: this one already leads the pair."),
            "same_mentor",
        )
    else:
        current = [
            link.mentee
            for link in pair.memberships.filter(left_on__isnull=True).select_related(
                "mentee__participant"
            )
        ]
        check_mentor(
            refusal,
            "new_mentor",
            mentor=new_mentor,
            programme=pair.programme,
            form=pair.form,
            adding=len(current),
            allow_over_capacity=allow_over_capacity,
            mentees=current,
            on=on,
        )
    if on is None:
        refusal.add("on", _("Enter the date of the replacement."), "required")
    elif on < pair.start_on:
        refusal.add(
            "on",
            _("The replacement cannot be earlier than the start (%(start)s)."),
            "before_start",
            start=long_date(pair.start_on),
        )
    elif on > timezone.localdate():
        refusal.add("on", _("The replacement cannot be dated in the future."), "future")
    reason = (reason or "").strip()
    if not reason:
        refusal.add("reason", _("Give the reason for the replacement."), "required")
    refusal.raise_if_any()

    pair.mentor = new_mentor
    if pair.co_mentor_id == new_mentor.pk:
        pair.co_mentor = None
    pair.full_clean()
    pair.save(update_fields=["mentor", "co_mentor", "updated_at"])
    comment = pair_comment(pair)
    mentor_status_set(new_mentor, MentorProfile.Status.IN_PAIR, by=by, comment=comment)
    mentor_release(old_mentor, by=by, comment=comment)
    PairEvent.objects.create(
        pair=pair,
        kind=PairEvent.Kind.MENTOR_REPLACED,
        by=by,
        on=on,
        note=reason,
        old_mentor=old_mentor,
        new_mentor=new_mentor,
    )
    return pair


@transaction.atomic
def pair_order_approve(
    *,
    organisation,
    pairs: Iterable[Pair],
    confidential: bool,
    number: str,
    order_date,
    by: User | None,
) -> PairOrder:
    """A draft order is signed: the pairs it lists are fixed by it
    (`pairs_approve`, which also marks each programme's roadmap row about fixing
    pairs by an order done on its date), and the order gets its row (for the
    scan)."""
    pairs_approve(pairs=pairs, order_number=number, order_date=order_date, by=by)
    order, _created = PairOrder.objects.get_or_create(
        organisation=organisation,
        number=number.strip(),
        date=order_date,
        confidential=confidential,
    )
    return order


@transaction.atomic
def pair_order_scan_attach(
    *, organisation, number: str, order_date, confidential: bool, scan, by
) -> PairOrder:
    """The signed scan of an approved order (a new one replaces the old). Refused
    for an order no pair of the organisation carries."""
    carried = Pair.objects.for_organisation(organisation).filter(
        order_number=number, order_date=order_date, form__is_social_risk=confidential
    )
    if not carried.exists():
        raise ValidationError(_("No pair or group is fixed by this order."))
    validate_order_scan(scan)
    order, _created = PairOrder.objects.select_for_update().get_or_create(
        organisation=organisation,
        number=number,
        date=order_date,
        confidential=confidential,
    )
    if order.scan:
        order.scan.delete(save=False)
    order.scan = scan
    order.scan_uploaded_by = by
    order.scan_uploaded_at = timezone.now()
    order.full_clean(exclude=["scan"])
    order.save()
    return order
