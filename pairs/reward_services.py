"""Writes of the rewards register: grant a reward, delete one; and the reads the
register page needs (completed pairs still waiting for a reward).

Refusals are `ValidationError`s keyed by the argument at fault, so the form shows
each next to its field; a refusal changes nothing.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from mentoring.lib.grammar import decline_name, organisation_genitive
from mentoring.models import Organisation
from pairs.models import Pair, Reward
from people.models import Participant, User

Kind = Reward.Kind


def default_signed_by(organisation: Organisation) -> str:
    """«Директор Петрова Анна Сергеевна»: the head signs unless told otherwise."""
    return " ".join(
        part for part in (organisation.head_title, organisation.head_name) if part
    )


def default_basis() -> str:
    return gettext("for successfully completing the mentoring programme")


def default_addressee(*, kind: str, person: Participant) -> str:
    """The parents for a letter to the parents, the employer for a letter to the
    employer, nobody but «the award commission» for a nomination, the person
    themselves for any other letter."""
    if kind == Kind.NOMINATION:
        return ""
    if kind == Kind.LETTER_PARENTS:
        return person.representative_name
    if kind == Kind.LETTER_EMPLOYER:
        return person.workplace if person.kind == Participant.Kind.EXTERNAL else ""
    return person.full_name


def default_text(
    *, kind: str, person: Participant, basis: str, organisation: Organisation
) -> str:
    """The standard body of a letter (the curator may rewrite it): «Администрация
    <the organisation, in the genitive> выражает …»; the person's name agrees
    with the word it stands by («… наставника Ковалёва Петра Сергеевича»)."""
    values = {
        "organisation": organisation_genitive(
            organisation.name or organisation.short_name
        ),
        "name": decline_name(person.full_name, "gent"),
        "basis": basis.strip().rstrip("."),
    }
    if kind == Kind.LETTER_PARENTS:
        message = gettext(
            "The administration of %(organisation)s sincerely thanks you for "
            "bringing up a responsive and responsible person, %(name)s, a "
            "participant of the mentoring programme. Your child is commended "
            "%(basis)s.\n"
            "We wish your family health, well-being and new successes!"
        )
    elif kind == Kind.LETTER_EMPLOYER:
        message = gettext(
            "The administration of %(organisation)s sincerely thanks you for "
            "supporting the mentoring programme. We especially note the work of "
            "your employee %(name)s as a mentor — %(basis)s.\n"
            "We hope for further cooperation."
        )
    elif kind == Kind.NOMINATION:
        message = gettext(
            "The administration of %(organisation)s petitions for an award to "
            "the mentor %(name)s %(basis)s."
        )
    elif kind in Reward.LETTER_KINDS:
        message = gettext(
            "The administration of %(organisation)s sincerely thanks you "
            "%(basis)s.\n"
            "We wish you health, inspiration and new professional successes!"
        )
    else:
        return ""
    return message % values


def organisation_pairs_of(organisation: Organisation, person: Participant):
    """The organisation's pairs in which `person` is a mentor or a mentee."""
    return Pair.objects.for_organisation(organisation).filter(
        Q(mentor__participant=person)
        | Q(co_mentor__participant=person)
        | Q(memberships__mentee__participant=person)
    )


def person_in_pair(person: Participant, pair: Pair) -> bool:
    return (
        pair.mentor.participant_id == person.pk
        or (pair.co_mentor_id and pair.co_mentor.participant_id == person.pk)
        or pair.memberships.filter(mentee__participant=person).exists()
    )


@transaction.atomic
def reward_grant(
    *,
    organisation: Organisation,
    person: Participant,
    kind: str,
    awarded_on: date,
    basis: str,
    by: User | None,
    pair: Pair | None = None,
    number: str = "",
    signed_by: str = "",
    addressee: str = "",
    text: str = "",
) -> Reward:
    """Enter a reward in the register. A mentor from the municipal bank may be
    rewarded by the organisation whose pair they led."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if (
        person.organisation_id != organisation.pk
        and not Pair.objects.for_organisation(organisation)
        .filter(Q(mentor__participant=person) | Q(co_mentor__participant=person))
        .exists()
    ):
        refuse(
            "person",
            gettext(
                "This person is neither in the organisation nor a mentor of its pairs."
            ),
        )
    if pair is not None:
        if pair.programme.organisation_id != organisation.pk:
            refuse("pair", gettext("This pair belongs to another organisation."))
        elif pair.status != Pair.Status.COMPLETED:
            refuse("pair", gettext("A reward can be given for a completed pair only."))
        elif not person_in_pair(person, pair):
            refuse("pair", gettext("The rewarded person is not in this pair."))
    if kind == Kind.BEST_PAIR and pair is None:
        refuse("pair", gettext("Choose the completed pair that is the best one."))

    addressee = addressee.strip()
    if not addressee and kind in Reward.LETTER_KINDS:
        addressee = default_addressee(kind=kind, person=person)
    if kind == Kind.LETTER_PARENTS:
        if not person.is_minor:
            refuse(
                "kind",
                gettext("A letter to the parents is for a minor mentee or mentor."),
            )
        elif not addressee:
            refuse(
                "addressee",
                gettext(
                    "Enter the parents' names: the pupil has no legal "
                    "representative on record."
                ),
            )
    if kind == Kind.LETTER_EMPLOYER and not addressee:
        refuse(
            "addressee",
            gettext(
                "Enter the employer's organisation: the person is not an external "
                "mentor with a place of work on record."
            ),
        )
    if errors:
        raise ValidationError(errors)

    basis = basis.strip()
    reward = Reward(
        organisation=organisation,
        person=person,
        kind=kind,
        awarded_on=awarded_on,
        basis=basis,
        pair=pair,
        number=number.strip(),
        signed_by=signed_by.strip() or default_signed_by(organisation),
        addressee=addressee,
        text=text.strip()
        or default_text(
            kind=kind, person=person, basis=basis, organisation=organisation
        ),
        created_by=by,
    )
    reward.full_clean()
    reward.save()
    return reward


@transaction.atomic
def reward_delete(*, reward: Reward) -> None:
    """Take a reward off the register (entered by mistake); nothing depends on it."""
    reward.delete()


def pairs_without_reward(organisation: Organisation):
    """Completed pairs of the organisation nobody has been rewarded for yet, the
    latest first: the register page suggests rewarding them."""
    return (
        Pair.objects.for_organisation(organisation)
        .filter(status=Pair.Status.COMPLETED, rewards__isnull=True)
        .named()
        .select_related("form")
        .order_by("-ended_on", "-pk")
    )
