"""Writes of the two bases: a person and their row in the base change together.

Every function validates the whole change first and saves nothing when any part is
wrong; the errors come back as one ValidationError keyed by field name, so a form
can show each message next to its field.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.cleaning import class_key, class_name
from mentoring.models import MentorCategory, Organisation, Programme
from people.models import (
    MenteeProfile,
    MenteeRequest,
    MentorProfile,
    MentorStatusChange,
    MentorTraining,
    Participant,
    StudyGroup,
    User,
)

MENTEE_KINDS = (
    Participant.Kind.PUPIL,
    Participant.Kind.STUDENT,
    Participant.Kind.TEACHER,
    Participant.Kind.STAFF,
)
MENTOR_KINDS = (
    Participant.Kind.TEACHER,
    Participant.Kind.STAFF,
    Participant.Kind.PUPIL,
    Participant.Kind.STUDENT,
    Participant.Kind.PARENT,
    Participant.Kind.EXTERNAL,
)
# People of the organisation itself belong to the internal contour (domain.md).
INTERNAL_KINDS = (
    Participant.Kind.PUPIL,
    Participant.Kind.STUDENT,
    Participant.Kind.TEACHER,
    Participant.Kind.STAFF,
    Participant.Kind.PARENT,
)
MIN_AGE, MAX_AGE = 5, 100
MAX_EXPERIENCE_YEARS = 60
MIN_CAPACITY, MAX_CAPACITY = 1, 30

PARTICIPANT_FIELDS = {
    "kind",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "study_group",
    "position",
    "workplace",
    "experience_years",
    "subjects",
    "phone",
    "email",
    "representative_name",
    "representative_phone",
    "notes",
}
MENTEE_FIELDS = {
    "programme",
    "preferred_form",
    "proposed_by",
    "interests",
    "achievements",
    "meeting_time",
    "entered_on",
    "status",
    "results",
    "completion_mark",
    "case_link",
    "media_link",
}
MENTOR_FIELDS = {
    "category",
    "mentor_type",
    "qualification_category",
    "key_competencies",
    "achievements",
    "interests",
    "desired_age_min",
    "desired_age_max",
    "meeting_time",
    "capacity",
    "status",
    "shared_in_bank",
    "entered_on",
}
REQUEST_FIELDS = {"area", "text", "form", "status"}


class Errors(dict):
    """Field name → messages, collected across the models of one change."""

    def add(self, field: str | None, message) -> None:
        self.setdefault(field or "__all__", []).append(message)

    def absorb(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.setdefault(field, []).extend(messages)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def assign(instance, data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(instance, name, value)


def today() -> date:
    return timezone.localdate()


# --- Participants -------------------------------------------------------------


def check_participant(
    participant: Participant, *, kinds: Sequence[str], errors: Errors
) -> None:
    """The rules of the documents and common sense about a person's data."""
    if participant.kind and participant.kind not in kinds:
        errors.add("kind", _("This kind of participant cannot be in this base."))
    birth_date = participant.birth_date
    if birth_date is not None:
        if birth_date > today():
            errors.add("birth_date", _("The date of birth cannot be in the future."))
        else:
            age = participant.age_on(today())
            if not MIN_AGE <= age <= MAX_AGE:
                errors.add(
                    "birth_date",
                    gettext("Check the date of birth: the age would be %(age)s years.")
                    % {"age": age},
                )
    if participant.kind == Participant.Kind.PUPIL and not participant.study_group_id:
        errors.add("study_group", _("Choose the class of the pupil."))
    experience = participant.experience_years
    if experience is not None and not 0 <= experience <= MAX_EXPERIENCE_YEARS:
        errors.add(
            "experience_years",
            gettext("Work experience is from 0 to %(max)s years.")
            % {"max": MAX_EXPERIENCE_YEARS},
        )
    try:
        participant.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.absorb(error)


def check_programme(
    programme: Programme | None, organisation: Organisation, errors: Errors
) -> None:
    if programme is not None and programme.organisation_id != organisation.pk:
        errors.add("programme", _("This programme belongs to another organisation."))


def check_entered_on(entered_on: date | None, errors: Errors) -> None:
    if entered_on is not None and entered_on > today():
        errors.add("entered_on", _("The date of entering cannot be in the future."))


# --- Mentees --------------------------------------------------------------------


def prepare_requests(
    mentee: MenteeProfile, requests: Iterable[Mapping[str, Any]], errors: Errors
) -> tuple[list[MenteeRequest], list[MenteeRequest]]:
    """Requests to save and to delete. Each item holds the request fields, and
    optionally `id` (an existing request of this mentee) and `delete`."""
    existing = {}
    if mentee.pk:
        existing = {request.pk: request for request in mentee.requests.all()}
    to_save, to_delete = [], []
    for number, item in enumerate(requests, start=1):
        item = dict(item)
        pk = item.pop("id", None)
        pk = getattr(pk, "pk", pk)
        delete = item.pop("delete", False)
        if pk is not None and pk not in existing:
            errors.add("requests", _("This request belongs to another mentee."))
            continue
        if delete:
            if pk is not None:
                to_delete.append(existing[pk])
            continue
        request = existing.get(pk) or MenteeRequest(mentee=mentee)
        assign(request, item, REQUEST_FIELDS)
        try:
            request.full_clean(exclude=["mentee"])
        except ValidationError as error:
            for messages in error.message_dict.values():
                for message in messages:
                    errors.add(
                        "requests",
                        gettext("Request %(number)s: %(message)s")
                        % {"number": number, "message": message},
                    )
        to_save.append(request)
    return to_save, to_delete


def save_mentee(
    *,
    organisation: Organisation,
    mentee: MenteeProfile,
    participant: Mapping[str, Any],
    profile: Mapping[str, Any],
    requests: Iterable[Mapping[str, Any]],
    tier_hidden: bool = False,
) -> MenteeProfile:
    person = mentee.participant
    profile = dict(profile)
    categories = profile.pop("categories", None)
    if tier_hidden and mentee.pk:
        # The editor was not shown the social-risk tier: what they could not
        # see stays as it was (sensitive categories, a social-risk preferred
        # form; the requests of that form were not in their list at all).
        if categories is not None:
            categories = [
                *categories,
                *mentee.categories.filter(is_sensitive=True),
            ]
        if (
            profile.get("preferred_form") is None
            and mentee.preferred_form_id
            and mentee.preferred_form.is_social_risk
        ):
            profile["preferred_form"] = mentee.preferred_form
    assign(person, participant, PARTICIPANT_FIELDS)
    assign(mentee, profile, MENTEE_FIELDS)
    errors = Errors()
    check_participant(person, kinds=MENTEE_KINDS, errors=errors)
    check_programme(mentee.programme, organisation, errors)
    check_entered_on(mentee.entered_on, errors)
    try:
        mentee.full_clean(exclude=["participant"])
    except ValidationError as error:
        errors.absorb(error)
    to_save, to_delete = prepare_requests(mentee, requests, errors)
    errors.raise_if_any()

    person.save()
    mentee.participant = person
    mentee.save()
    if categories is not None:
        mentee.categories.set(categories)
    for request in to_delete:
        request.delete()
    for request in to_save:
        request.mentee = mentee
        request.save()
    return mentee


@transaction.atomic
def mentee_create(
    *,
    organisation: Organisation,
    participant: Mapping[str, Any],
    profile: Mapping[str, Any],
    requests: Iterable[Mapping[str, Any]] = (),
) -> MenteeProfile:
    """A new person in the mentee base, with their requests (карта запросов).
    `profile` may hold `categories` (grounds for inclusion)."""
    mentee = MenteeProfile(participant=Participant(organisation=organisation))
    return save_mentee(
        organisation=organisation,
        mentee=mentee,
        participant=participant,
        profile=profile,
        requests=requests,
    )


@transaction.atomic
def mentee_update(
    *,
    mentee: MenteeProfile,
    participant: Mapping[str, Any],
    profile: Mapping[str, Any],
    requests: Iterable[Mapping[str, Any]] = (),
    tier_hidden: bool = False,
) -> MenteeProfile:
    """Change a mentee, their person data and requests; an item of `requests` with
    an `id` changes that request, with `delete` removes it, without `id` adds one.
    `tier_hidden`: the editor may not see the social-risk tier, which then stays
    as it was (nothing they were not shown is lost)."""
    return save_mentee(
        organisation=mentee.participant.organisation,
        mentee=mentee,
        participant=participant,
        profile=profile,
        requests=requests,
        tier_hidden=tier_hidden,
    )


def own_rows(model, organisation: Organisation, rows: Iterable) -> list[int]:
    pks = sorted({getattr(row, "pk", row) for row in rows})
    if not pks:
        raise ValidationError(_("Choose at least one row."))
    found = model.objects.for_organisation(organisation).filter(pk__in=pks).count()
    if found != len(pks):
        raise ValidationError(
            _("Some of the chosen rows belong to another organisation.")
        )
    return pks


@transaction.atomic
def mentees_set_status(
    *, organisation: Organisation, mentees: Iterable[MenteeProfile], status: str
) -> int:
    """Move several mentees to `status`; returns how many changed."""
    if status not in MenteeProfile.Status.values:
        raise ValidationError(_("Unknown status."))
    pks = own_rows(MenteeProfile, organisation, mentees)
    return (
        MenteeProfile.objects.filter(pk__in=pks)
        .exclude(status=status)
        .update(status=status, updated_at=timezone.now())
    )


@transaction.atomic
def mentees_assign_programme(
    *,
    organisation: Organisation,
    mentees: Iterable[MenteeProfile],
    programme: Programme,
) -> int:
    """Put several mentees into a programme of the organisation; returns how many
    changed."""
    if programme.organisation_id != organisation.pk:
        raise ValidationError(_("This programme belongs to another organisation."))
    pks = own_rows(MenteeProfile, organisation, mentees)
    return (
        MenteeProfile.objects.filter(pk__in=pks)
        .exclude(programme=programme)
        .update(programme=programme, updated_at=timezone.now())
    )


# --- Mentors --------------------------------------------------------------------


def check_mentor(mentor: MentorProfile, errors: Errors) -> bool:
    """Rules about the mentor row; True when the database constraints hold."""
    constraints_hold = True
    low, high = mentor.desired_age_min, mentor.desired_age_max
    if low is not None and high is not None and low > high:
        errors.add(
            "desired_age_max",
            _("The upper age cannot be lower than the lower age."),
        )
        constraints_hold = False
    if mentor.capacity is None or not MIN_CAPACITY <= mentor.capacity <= MAX_CAPACITY:
        errors.add(
            "capacity",
            gettext("A mentor can take from %(min)s to %(max)s mentees.")
            % {"min": MIN_CAPACITY, "max": MAX_CAPACITY},
        )
        constraints_hold = False
    category: MentorCategory | None = mentor.category if mentor.category_id else None
    if (
        category is not None
        and mentor.participant.kind in INTERNAL_KINDS
        and category.contour == MentorCategory.Contour.EXTERNAL
    ):
        errors.add(
            "category",
            _(
                "People of the organisation (pupils, students, staff, parents) are "
                "in the internal contour: choose an internal category."
            ),
        )
    check_entered_on(mentor.entered_on, errors)
    return constraints_hold


def save_mentor(
    *,
    mentor: MentorProfile,
    participant: Mapping[str, Any],
    profile: Mapping[str, Any],
) -> MentorProfile:
    person = mentor.participant
    assign(person, participant, PARTICIPANT_FIELDS)
    assign(mentor, profile, MENTOR_FIELDS)
    errors = Errors()
    check_participant(person, kinds=MENTOR_KINDS, errors=errors)
    constraints_hold = check_mentor(mentor, errors)
    try:
        # The constraints' own messages say nothing to a user; ours above do.
        mentor.full_clean(
            exclude=["participant"], validate_constraints=constraints_hold
        )
    except ValidationError as error:
        errors.absorb(error)
    errors.raise_if_any()
    person.save()
    mentor.participant = person
    mentor.save()
    return mentor


@transaction.atomic
def mentor_create(
    *,
    organisation: Organisation,
    participant: Mapping[str, Any],
    profile: Mapping[str, Any],
    by: User | None = None,
) -> MentorProfile:
    """A new person in the mentor base; the first step of the selection path is
    recorded in the status history."""
    mentor = MentorProfile(participant=Participant(organisation=organisation))
    mentor = save_mentor(mentor=mentor, participant=participant, profile=profile)
    MentorStatusChange.objects.create(
        mentor=mentor, status_from="", status_to=mentor.status, changed_by=by
    )
    return mentor


@transaction.atomic
def mentor_update(
    *,
    mentor: MentorProfile,
    participant: Mapping[str, Any],
    profile: Mapping[str, Any],
) -> MentorProfile:
    """Change a mentor and their person data. The status moves only through
    `mentor_set_status`, so that every move is in the history."""
    if "status" in profile and profile["status"] != mentor.status:
        raise TypeError("Use mentor_set_status() to change the status.")
    return save_mentor(mentor=mentor, participant=participant, profile=profile)


@transaction.atomic
def mentor_set_status(
    *,
    mentor: MentorProfile,
    status: str,
    by: User | None,
    comment: str = "",
) -> MentorStatusChange:
    """Move a mentor along the selection path (any step, forwards or back) and
    record who did it, when and why."""
    if status not in MentorProfile.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == mentor.status:
        raise ValidationError({"status": _("The mentor already has this status.")})
    change = MentorStatusChange(
        mentor=mentor,
        status_from=mentor.status,
        status_to=status,
        changed_by=by,
        changed_at=timezone.now(),
        comment=comment.strip(),
    )
    change.full_clean()
    mentor.status = status
    mentor.save(update_fields=["status", "updated_at"])
    change.save()
    return change


@transaction.atomic
def mentors_set_status(
    *,
    organisation: Organisation,
    mentors: Iterable[MentorProfile],
    status: str,
    by: User | None,
    comment: str = "",
) -> int:
    """`mentor_set_status` for several mentors; those already there are skipped.
    Returns how many moved."""
    if status not in MentorProfile.Status.values:
        raise ValidationError(_("Unknown status."))
    pks = own_rows(MentorProfile, organisation, mentors)
    moved = 0
    for mentor in MentorProfile.objects.filter(pk__in=pks).exclude(status=status):
        mentor_set_status(mentor=mentor, status=status, by=by, comment=comment)
        moved += 1
    return moved


@transaction.atomic
def mentor_training_add(
    *,
    mentor: MentorProfile,
    title: str,
    completed_on: date,
    provider: str = "",
    hours: int | None = None,
    document: str = "",
) -> MentorTraining:
    """Record a course or training the mentor completed."""
    training = MentorTraining(
        mentor=mentor,
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        hours=hours,
        document=document.strip(),
    )
    errors = Errors()
    if completed_on is not None and completed_on > today():
        errors.add("completed_on", _("The date cannot be in the future."))
    hours_fit = hours is None or 1 <= hours <= 2000
    if not hours_fit:
        errors.add("hours", _("From 1 to 2000 hours."))
    try:
        training.full_clean(validate_constraints=hours_fit)
    except ValidationError as error:
        errors.absorb(error)
    errors.raise_if_any()
    training.save()
    return training


@transaction.atomic
def mentee_propose(
    *, participant: Participant, proposed_by: str, area, text: str
) -> MenteeProfile:
    """A class teacher proposes a pupil of their class for the mentee base: the
    pupil's row (waiting for a mentor) with the request; the curator completes it."""
    if MenteeProfile.objects.filter(participant=participant).exists():
        raise ValidationError({"pupil": _("This pupil is already in the mentee base.")})
    return save_mentee(
        organisation=participant.organisation,
        mentee=MenteeProfile(participant=participant),
        participant={},
        profile={"proposed_by": proposed_by},
        requests=[{"area": area, "text": text}],
    )


# --- Classes and groups -------------------------------------------------------

MIN_GRADE, MAX_GRADE = 1, 11
NAME_LENGTH = StudyGroup._meta.get_field("name").max_length
# A school class in the portal's spelling (`class_name`): the grade, one letter.
SCHOOL_CLASS = re.compile(r"(\d{1,2})[^\W\d_]")
# Letters a range of parallel classes («А–Г») runs through: schools do not name
# classes Ё, Й, Ъ, Ы or Ь (a list may still name them one by one).
PARALLEL_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
AROUND_DASH = re.compile(r"\s*[-‐‑‒–—―]\s*")
LETTER_SEPARATORS = re.compile(r"[\s,;]+")
LETTER_TOKEN = re.compile(r"(?:[А-ЯЁ](?:-[А-ЯЁ])?)+")
LETTER_ITEM = re.compile(r"([А-ЯЁ])(?:-([А-ЯЁ]))?")


def check_grade(grade, errors: Errors, *, name: str = "") -> bool:
    if isinstance(grade, bool) or not isinstance(grade, int):
        errors.add("grade", _("Write the grade or course: a number from 1 to 11."))
        return False
    if MIN_GRADE <= grade <= MAX_GRADE:
        return True
    if name:
        message = gettext(
            "«%(name)s»: the grade or course must be from 1 to 11, not %(grade)d."
        )
    else:
        message = gettext("The grade or course must be from 1 to 11, not %(grade)d.")
    errors.add("grade", message % {"name": name, "grade": grade})
    return False


def check_study_group(name: str, grade, errors: Errors) -> bool:
    """Collect what is wrong with one class or group (`name` is already in the
    portal's spelling); True when nothing is."""
    if not name:
        errors.add("name", _("Write the name of the class or group."))
        check_grade(grade, errors)
        return False
    if len(name) > NAME_LENGTH:
        errors.add(
            "name",
            gettext("«%(name)s» is longer than %(length)d characters.")
            % {"name": name, "length": NAME_LENGTH},
        )
        check_grade(grade, errors, name=name)
        return False
    if not check_grade(grade, errors, name=name):
        return False
    school_class = SCHOOL_CLASS.fullmatch(name)
    if school_class and int(school_class[1]) != grade:
        errors.add(
            "grade",
            gettext("«%(name)s» is a class of grade %(expected)d, not %(grade)d.")
            % {"name": name, "expected": int(school_class[1]), "grade": grade},
        )
        return False
    return True


@transaction.atomic
def create_study_groups(
    organisation: Organisation, groups: Iterable[tuple[str, int]]
) -> list[StudyGroup]:
    """Create the (name, grade) pairs, all or none. Names are spelled the portal's
    way («5 «в»» → «5В»); a class the organisation already has (in any spelling)
    is skipped, so the same list may be given twice. Returns the groups created."""
    # One writer at a time per organisation: a second click waits, then skips.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    taken = {
        class_key(name)
        for name in StudyGroup.objects.filter(organisation=organisation).values_list(
            "name", flat=True
        )
    }
    errors = Errors()
    new = []
    for raw_name, grade in groups:
        name = class_name(raw_name)
        if not check_study_group(name, grade, errors):
            continue
        key = class_key(name)
        if key in taken:
            continue
        taken.add(key)
        new.append(StudyGroup(organisation=organisation, name=name, grade=grade))
    errors.raise_if_any()
    for group in new:
        group.full_clean()
        group.save()
    return new


def parallel_letters(letters: str) -> list[str]:
    """«АБВГ», «А-Г», «А, Б, В», «а–в, д» → the letters in order, each once."""
    text = AROUND_DASH.sub("-", (letters or "").strip().upper())
    found: list[str] = []
    for token in LETTER_SEPARATORS.split(text):
        if not token:
            continue
        if not LETTER_TOKEN.fullmatch(token):
            raise ValidationError(
                {
                    "letters": gettext(
                        "«%(value)s»: write Russian letters, one after another "
                        "(«АБВГ»), separated by commas («А, Б, В») or as a range "
                        "(«А–Г»)."
                    )
                    % {"value": token}
                }
            )
        for start, end in LETTER_ITEM.findall(token):
            if not end:
                found.append(start)
                continue
            first = PARALLEL_LETTERS.find(start)
            last = PARALLEL_LETTERS.find(end)
            if first < 0 or last < 0 or first > last:
                raise ValidationError(
                    {
                        "letters": gettext(
                            "«%(value)s»: a range runs from an earlier letter to "
                            "a later one, such as «А–Г» (Ё, Й, Ъ, Ы and Ь are "
                            "not used in ranges)."
                        )
                        % {"value": f"{start}–{end}"}
                    }
                )
            found.extend(PARALLEL_LETTERS[first : last + 1])
    if not found:
        raise ValidationError(
            {"letters": _("Write the letters of the classes, such as «АБВГ» or «А–Г».")}
        )
    return list(dict.fromkeys(found))


def create_parallel(
    organisation: Organisation, grade: int, letters: str
) -> list[StudyGroup]:
    """A whole parallel at once: grade 5 and «А–Г» → 5А, 5Б, 5В, 5Г (those the
    organisation already has are skipped)."""
    errors = Errors()
    try:
        found = parallel_letters(letters)
    except ValidationError as error:
        errors.absorb(error)
        found = []
    check_grade(grade, errors)
    errors.raise_if_any()
    return create_study_groups(
        organisation, [(f"{grade}{letter}", grade) for letter in found]
    )


@transaction.atomic
def rename_study_group(*, study_group: StudyGroup, name: str, grade: int) -> StudyGroup:
    """Change the name and the grade (a new school year: «5А» becomes «6А»)."""
    name = class_name(name)
    errors = Errors()
    if check_study_group(name, grade, errors):
        clash = (
            StudyGroup.objects.filter(organisation_id=study_group.organisation_id)
            .exclude(pk=study_group.pk)
            .values_list("name", flat=True)
        )
        if any(class_key(other) == class_key(name) for other in clash):
            errors.add(
                "name",
                gettext("The organisation already has «%(name)s».") % {"name": name},
            )
    errors.raise_if_any()
    study_group.name, study_group.grade = name, grade
    study_group.full_clean()
    study_group.save(update_fields=["name", "grade"])
    return study_group


@transaction.atomic
def delete_study_group(*, study_group: StudyGroup) -> None:
    """Delete an empty class or group. One with participants (those who left the
    organisation included) is refused: a pupil is never left without a class by
    accident. A class teacher's role just loses the link to the class."""
    count = study_group.participants.count()
    if not count:
        try:
            study_group.delete()
            return
        except ProtectedError:  # a participant was put in it meanwhile
            count = study_group.participants.count()
    raise ValidationError(delete_refusal(study_group, count))


def delete_refusal(study_group: StudyGroup, count: int) -> str:
    """Why a class with `count` participants stays (the confirmation page says it
    before the curator tries)."""
    return ngettext(
        "«%(name)s» cannot be deleted: %(count)d participant is still in it. "
        "Move them to another class or group first.",
        "«%(name)s» cannot be deleted: %(count)d participants are still in it. "
        "Move them to another class or group first.",
        count,
    ) % {"name": study_group.name, "count": count}
