"""Retention of personal data (152-ФЗ, art. 5 p. 7): people who left the
programme more than N years ago are anonymised.

When a person left
    The latest of these dates: `Participant.left_on`; the end (`ended_on`) of
    every pair they mentored or co-mentored; for a mentee, the day they left each
    pair (`PairMentee.left_on`, else the pair's `ended_on`). When none of these
    dates is known, the day their finished profile was last changed (`updated_at`;
    a mentee «completed» or «left», a mentor «archived») — only as a fallback, as
    any later edit of the card moves it. A person counts as having left only when
    `left_on` is set, or when every profile they have is finished; a person with
    no `left_on` and no profile never does. Whoever is in an open pair (formed or
    active; as a mentee who has not left it, or as a mentor) is never a leaver,
    whatever the dates say.

What anonymising does
    Names become «Участник №<pk>»; birth date, class, contacts, the legal
    representative, position, workplace, subjects and notes are cleared; the free
    texts of the profiles (interests, achievements, competencies, results, links,
    who proposed them), of their requests (the area stays, for the request map)
    and of mentor status changes and training certificates; consents keep scope
    and dates but lose who signed them, the note and the scan (files deleted
    after the transaction commits); a letter's text and addressee of their
    rewards; the login is deactivated and its username, e-mail and name cleared.
    Rows of the simple-history tables of Participant, both profiles, requests and
    consents are deleted. Kept: kind, organisation, `left_on`, experience in years
    and mentee categories (the indicators count them), pairs, meetings,
    measurements, questionnaire answers — all linked to the anonymised record, so
    counts and indicators do not change.

An anonymised person is recognised by the name, so running again changes nothing.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from people.consent_services import in_open_pair_q
from people.models import (
    Consent,
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    MentorStatusChange,
    MentorTraining,
    Participant,
    User,
)

# Stored data in the school's language, not an interface string.
ANONYMOUS_LAST_NAME = "Участник"
CLEARED_TEXT = "—"

FINISHED_MENTEE = (MenteeProfile.Status.COMPLETED, MenteeProfile.Status.LEFT)
FINISHED_MENTOR = (MentorProfile.Status.ARCHIVED,)


def anonymous_first_name(pk: int) -> str:
    return f"№{pk}"


def is_anonymised(participant: Participant) -> bool:
    return participant.last_name == ANONYMOUS_LAST_NAME and (
        participant.first_name == anonymous_first_name(participant.pk)
    )


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def left_on(participant: Participant) -> date | None:
    """The day the person left (see the module's docstring), or None."""
    mentee = getattr(participant, "mentee_profile", None)
    mentor = getattr(participant, "mentor_profile", None)
    finished = [
        profile
        for profile, statuses in ((mentee, FINISHED_MENTEE), (mentor, FINISHED_MENTOR))
        if profile is not None and profile.status in statuses
    ]
    profiles = [profile for profile in (mentee, mentor) if profile is not None]
    if participant.left_on is None and (not profiles or finished != profiles):
        return None
    dates = [participant.left_on]
    if mentee is not None:
        for link in mentee.pair_memberships.all():
            dates.append(link.left_on or link.pair.ended_on)
    if mentor is not None:
        dates += [pair.ended_on for pair in mentor.pairs.all()]
        dates += [pair.ended_on for pair in mentor.co_pairs.all()]
    dates = [day for day in dates if day is not None]
    if not dates:  # nothing but a finished profile: when it was last changed
        dates = [timezone.localdate(profile.updated_at) for profile in finished]
    return max(dates) if dates else None


@dataclass
class Plan:
    participants: list[Participant] = field(default_factory=list)

    def counts(self) -> Counter:
        """(organisation, base) → number of people; no names."""
        counter = Counter()
        for person in self.participants:
            bases = [
                label
                for label, attr in (
                    ("mentee", "mentee_profile"),
                    ("mentor", "mentor_profile"),
                )
                if hasattr(person, attr)
            ] or ["other"]
            counter[(person.organisation.short_name, "+".join(bases))] += 1
        return counter


def leavers(years: int, today: date | None = None) -> Plan:
    """Who would be anonymised: left more than `years` years before `today`, not
    in an open pair, not anonymised yet."""
    today = today or timezone.localdate()
    cutoff = years_before(today, years)
    candidates = (
        Participant.objects.filter(
            Q(left_on__isnull=False)
            | Q(mentee_profile__status__in=FINISHED_MENTEE)
            | Q(mentor_profile__status__in=FINISHED_MENTOR)
        )
        .exclude(in_open_pair_q())
        .exclude(
            last_name=ANONYMOUS_LAST_NAME,
            first_name=Concat(Value("№"), Cast("pk", CharField())),
        )
        .select_related("organisation", "mentee_profile", "mentor_profile")
        .prefetch_related(
            "mentee_profile__pair_memberships__pair",
            "mentor_profile__pairs",
            "mentor_profile__co_pairs",
        )
        .order_by("pk")
    )
    plan = Plan()
    for person in candidates:
        day = left_on(person)
        if day is not None and day < cutoff and not is_anonymised(person):
            plan.participants.append(person)
    return plan


@transaction.atomic
def anonymise(participants: list[Participant]) -> int:
    """Anonymise these people (see the module's docstring); returns how many.
    Writes go through `update()`: no new history rows are made, and the old ones
    are deleted."""
    pks = [person.pk for person in participants]
    if not pks:
        return 0
    files = set()
    consents = Consent.objects.filter(participant__in=pks)
    files |= set(consents.exclude(document="").values_list("document", flat=True))
    files |= set(
        Consent.history.filter(participant_id__in=pks)
        .exclude(document="")
        .values_list("document", flat=True)
    )
    user_ids = [person.user_id for person in participants if person.user_id]

    for person in participants:
        name = anonymous_first_name(person.pk)
        Participant.objects.filter(pk=person.pk).update(
            last_name=ANONYMOUS_LAST_NAME,
            first_name=name,
            middle_name="",
            search_text=f"{ANONYMOUS_LAST_NAME.casefold()} {name}",
        )
    Participant.objects.filter(pk__in=pks).update(
        birth_date=None,
        study_group=None,
        position="",
        workplace="",
        subjects="",
        phone="",
        email="",
        representative_name="",
        representative_phone="",
        notes="",
    )
    mentees = MenteeProfile.objects.filter(participant__in=pks)
    mentors = MentorProfile.objects.filter(participant__in=pks)
    mentee_ids = list(mentees.values_list("pk", flat=True))
    mentor_ids = list(mentors.values_list("pk", flat=True))
    mentees.update(
        proposed_by="",
        interests="",
        achievements="",
        meeting_time="",
        results="",
        completion_mark="",
        case_link="",
        media_link="",
    )
    mentors.update(
        key_competencies="",
        achievements="",
        interests="",
        meeting_time="",
        shared_in_bank=False,
    )
    MenteeRequest.objects.filter(mentee__in=mentee_ids).update(text=CLEARED_TEXT)
    MentorStatusChange.objects.filter(mentor__in=mentor_ids).update(comment="")
    MentorTraining.objects.filter(mentor__in=mentor_ids).update(document="")
    consents.update(given_by="", note="", document="")
    # Rewards live in `pairs`: reached through the reverse relation.
    Reward = Participant.rewards.rel.related_model
    Reward.objects.filter(person__in=pks).update(text="", addressee="")
    User.objects.filter(pk__in=user_ids).update(
        is_active=False,
        username=Concat(Value("anonymised-"), Cast("pk", CharField())),
        email="",
        first_name="",
        last_name="",
        middle_name="",
        password="!",  # unusable
    )

    Participant.history.filter(id__in=pks).delete()
    MenteeProfile.history.filter(id__in=mentee_ids).delete()
    MentorProfile.history.filter(id__in=mentor_ids).delete()
    MenteeRequest.history.filter(mentee_id__in=mentee_ids).delete()
    Consent.history.filter(participant_id__in=pks).delete()

    transaction.on_commit(lambda: delete_files(files))
    return len(pks)


def delete_files(names) -> None:
    storage = Consent._meta.get_field("document").storage
    for name in names:
        if name:
            storage.delete(name)
