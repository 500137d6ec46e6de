"""Best practices («банк лучших практик»): a curator describes a completed pair's or
a programme's case, publishes it to the municipality's collection once everyone
named in it has a valid consent to publication, withdraws it; the municipal
coordinator features some of them.

The collection is read by the managers of every organisation of the municipality
and by its coordinator: a published case shows the names of the people who
consented and nothing else about them. A pair of the confidential social-risk form
is never a case (seed 002: its data stays with the curator, social pedagogue,
psychologist and the pair's mentor), and a prefilled case never mentions a
mentee's category.

Refusals are `ValidationError`s keyed by the argument at fault, so the form shows
each next to its field; a refusal changes nothing.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from mentoring.models import Organisation, Programme
from municipal.models import Practice
from pairs.models import Pair
from people.models import Consent, Membership, Participant, Role, User

Status = Practice.Status


# --- Reads ---------------------------------------------------------------------------


def describable_pairs(organisation: Organisation) -> QuerySet:
    """The organisation's completed pairs a case may be about: never one of the
    social-risk form."""
    return (
        Pair.objects.for_organisation(organisation)
        .filter(status=Pair.Status.COMPLETED, form__is_social_risk=False)
        .select_related("form", "role_variant", "programme")
        .order_by("-ended_on", "-pk")
    )


def nameable_people(organisation: Organisation) -> QuerySet:
    """Who a case of the organisation may name: the mentors and mentees of its
    pairs (a mentor from the municipal bank included) — of pairs outside the
    social-risk form, so that the list never hints at who is in one."""
    pairs = Pair.objects.for_organisation(organisation).exclude(
        form__is_social_risk=True
    )
    return (
        Participant.objects.filter(
            Q(mentor_profile__pairs__in=pairs)
            | Q(mentor_profile__co_pairs__in=pairs)
            | Q(mentee_profile__pair_memberships__pair__in=pairs)
        )
        .select_related("study_group")
        .distinct()
        .order_by("search_text", "pk")
    )


def consented_ids(people: Iterable[Participant], on=None) -> set[int]:
    """The people among `people` with a valid consent to publication (today)."""
    ids = [person.pk for person in people]
    return set(
        Consent.objects.valid(on)
        .filter(scope=Consent.Scope.PUBLICATION, participant_id__in=ids)
        .values_list("participant_id", flat=True)
    )


def without_consent(practice: Practice) -> list[Participant]:
    """The people named in the case who have no valid consent to publication."""
    named = list(practice.named.order_by("search_text", "pk"))
    consented = consented_ids(named)
    return [person for person in named if person.pk not in consented]


def shown_names(practice: Practice) -> list[str]:
    """The names a published case shows: of those named who consented (a consent
    revoked since takes the name off the page)."""
    named = list(practice.named.all())
    consented = consented_ids(named)
    return sorted(
        (person.full_name for person in named if person.pk in consented),
        key=str.casefold,
    )


def is_coordinator_of(user: User, practice: Practice) -> bool:
    return Membership.objects.filter(
        user=user,
        role=Role.MUNICIPAL_COORDINATOR,
        municipality_id=practice.organisation.municipality_id,
    ).exists()


# --- The prefill from a completed pair ------------------------------------------------


def refuse_social_risk(pair: Pair) -> None:
    if pair.form.is_social_risk:
        raise ValidationError(
            {
                "pair": gettext(
                    "A pair of the confidential social-risk form cannot be "
                    "described as a best practice."
                )
            }
        )


def practice_prefill(*, organisation: Organisation, pair: Pair) -> dict:
    """A draft's values from a completed pair: its programme, its mentor and
    mentees as the people named, its form and role variant (in the names
    participants read), the dates and topics of its meetings and its result.
    Nothing from the mentees' records (categories, classes, requests)."""
    if pair.programme.organisation_id != organisation.pk:
        raise ValidationError(
            {"pair": gettext("This pair is of another organisation.")}
        )
    refuse_social_risk(pair)
    if pair.status != Pair.Status.COMPLETED:
        raise ValidationError(
            {"pair": gettext("Only a completed pair can be described as a case.")}
        )
    form = pair.form.name_for(official=False)
    variant = pair.role_variant.name_for(official=False)
    mentees = [
        link.mentee.participant
        for link in pair.memberships.select_related("mentee__participant")
    ]
    named = [pair.mentor.participant]
    if pair.co_mentor_id:
        named.append(pair.co_mentor.participant)
    named += mentees

    summary = gettext(
        "Form of mentoring: %(form)s; role variant: %(variant)s. "
        "The work lasted from %(start)s to %(end)s."
    ) % {
        "form": form,
        "variant": variant,
        "start": date_format(pair.start_on, "j E Y"),
        "end": date_format(pair.ended_on or pair.planned_end_on, "j E Y"),
    }
    summary += " " + ngettext(
        "A mentor and %(count)d mentee.",
        "A mentor and %(count)d mentees.",
        len(mentees),
    ) % {"count": len(mentees)}

    meetings = list(pair.meetings.order_by("held_on", "pk"))
    if meetings:
        body = ngettext(
            "%(count)d meeting was held, from %(first)s to %(last)s.",
            "%(count)d meetings were held, from %(first)s to %(last)s.",
            len(meetings),
        ) % {
            "count": len(meetings),
            "first": date_format(meetings[0].held_on, "j E Y"),
            "last": date_format(meetings[-1].held_on, "j E Y"),
        }
        topics = "\n".join(
            f"— {date_format(meeting.held_on, 'j E Y')}: {meeting.topic}"
            for meeting in meetings
        )
        body += "\n" + gettext("Topics of the meetings:") + "\n" + topics
    else:
        body = gettext("No meetings are logged in the journal.")

    results = pair.result.strip()
    if pair.evidence:
        results += ("\n" if results else "") + gettext(
            "The result was presented as: %(evidence)s."
        ) % {"evidence": pair.get_evidence_display()}
    return {
        "programme": pair.programme,
        "pair": pair,
        "title": pair.title or f"{variant} ({form})",
        "summary": summary,
        "body": body,
        "results": results,
        "named": named,
    }


# --- Writes --------------------------------------------------------------------------


def _check(
    *,
    organisation: Organisation,
    programme: Programme,
    pair: Pair | None,
    named: Iterable[Participant],
) -> None:
    if programme.organisation_id != organisation.pk:
        raise ValidationError(
            {"programme": gettext("This programme is of another organisation.")}
        )
    if pair is not None:
        if pair.programme_id != programme.pk:
            raise ValidationError(
                {"pair": gettext("This pair is of another programme.")}
            )
        refuse_social_risk(pair)
        if pair.status != Pair.Status.COMPLETED:
            raise ValidationError(
                {"pair": gettext("Only a completed pair can be described as a case.")}
            )
    pair_mentors = set()
    if pair is not None:
        pair_mentors = {pair.mentor.participant_id}
        if pair.co_mentor_id:
            pair_mentors.add(pair.co_mentor.participant_id)
    strangers = [
        person
        for person in named
        if person.organisation_id != organisation.pk and person.pk not in pair_mentors
    ]
    if strangers:
        raise ValidationError(
            {
                "named": gettext(
                    "Only people of the organisation (and the mentor of the pair) "
                    "may be named: %(names)s."
                )
                % {"names": ", ".join(person.full_name for person in strangers)}
            }
        )


def _refuse_without_consent(named: list[Participant]) -> None:
    consented = consented_ids(named)
    missing = sorted(
        (person.full_name for person in named if person.pk not in consented),
        key=str.casefold,
    )
    if missing:
        raise ValidationError(
            {
                "named": ngettext(
                    "No valid consent to publication: %(names)s. Record the "
                    "consent or take the person out of the case.",
                    "No valid consent to publication: %(names)s. Record their "
                    "consents or take them out of the case.",
                    len(missing),
                )
                % {"names": ", ".join(missing)}
            }
        )


@transaction.atomic
def practice_create(
    *,
    organisation: Organisation,
    programme: Programme,
    pair: Pair | None,
    title: str,
    summary: str,
    body: str,
    results: str = "",
    named: Iterable[Participant] = (),
    by: User | None,
) -> Practice:
    """A draft case of the organisation."""
    named = list(named)
    _check(organisation=organisation, programme=programme, pair=pair, named=named)
    practice = Practice(
        organisation=organisation,
        programme=programme,
        pair=pair,
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        results=results.strip(),
        created_by=by,
    )
    practice.full_clean()
    practice.save()
    practice.named.set(named)
    return practice


@transaction.atomic
def practice_update(
    *,
    practice: Practice,
    organisation: Organisation,
    programme: Programme,
    pair: Pair | None,
    title: str,
    summary: str,
    body: str,
    results: str = "",
    named: Iterable[Participant] = (),
    by: User | None,
) -> Practice:
    """Edit a case of the organisation. A published one stays published only if
    everyone it names still has a valid consent to publication."""
    if practice.organisation_id != organisation.pk:
        raise ValidationError(gettext("This case is of another organisation."))
    named = list(named)
    _check(organisation=organisation, programme=programme, pair=pair, named=named)
    if practice.status == Status.PUBLISHED:
        _refuse_without_consent(named)
    practice.programme, practice.pair = programme, pair
    practice.title, practice.summary = title.strip(), summary.strip()
    practice.body, practice.results = body.strip(), results.strip()
    practice.full_clean()
    practice.save()
    practice.named.set(named)
    return practice


@transaction.atomic
def practice_publish(*, practice: Practice, by: User | None) -> Practice:
    """Put the case in the municipality's collection: refused, with the names,
    unless everyone named has a valid consent to publication today."""
    if practice.status == Status.PUBLISHED:
        raise ValidationError(gettext("This case is already published."))
    named = list(practice.named.all())
    _check(
        organisation=practice.organisation,
        programme=practice.programme,
        pair=practice.pair,
        named=named,
    )
    _refuse_without_consent(named)
    practice.status = Status.PUBLISHED
    practice.published_at = timezone.now()
    practice.full_clean()
    practice.save(update_fields=["status", "published_at", "updated_at"])
    return practice


@transaction.atomic
def practice_withdraw(*, practice: Practice, by: User | None) -> Practice:
    """Take a published case out of the collection (it stays with the
    organisation and may be published again)."""
    if practice.status != Status.PUBLISHED:
        raise ValidationError(gettext("Only a published case can be withdrawn."))
    practice.status = Status.WITHDRAWN
    practice.featured = False
    practice.full_clean()
    practice.save(update_fields=["status", "featured", "updated_at"])
    return practice


@transaction.atomic
def practice_feature(*, practice: Practice, featured: bool, by: User) -> Practice:
    """The coordinator of the case's municipality puts it first in the collection
    (or takes the mark off)."""
    if not is_coordinator_of(by, practice):
        raise ValidationError(
            gettext("Only the municipality's coordinator features cases.")
        )
    if featured and practice.status != Status.PUBLISHED:
        raise ValidationError(gettext("Only a published case can be featured."))
    practice.featured = featured
    practice.save(update_fields=["featured", "updated_at"])
    return practice
