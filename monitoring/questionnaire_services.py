"""The rules of questionnaires and campaigns (stage 1 of the monitoring): copying and
versioning a questionnaire, launching a campaign with its invitations, and saving an
answer. Views only call these; every refusal is a ValidationError with a translated
message.

Versioning: once a questionnaire has answers it never changes under them. An edit
makes a copy with the next version number, the old one points to it
(`superseded_by`) and the campaigns that collected the answers keep the old one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mentoring.models import SchoolYear
from monitoring import stats
from monitoring.models import (
    Answer,
    AskedWhen,
    Audience,
    Campaign,
    Invitation,
    Measurement,
    Question,
    Questionnaire,
    Response,
)
from pairs.models import Pair, PairMentee
from pairs.reminders import QUESTIONNAIRE, Reminder

QUESTION_FIELDS = [
    "section",
    "text",
    "help_text",
    "kind",
    "is_required",
    "options",
    "scale_max",
    "topic",
    "parameter",
]
QUESTIONNAIRE_FIELDS = ["title", "description", "audience", "moment", "form"]


def long_date(value: date) -> str:
    return date_format(value, "j E Y")


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- Questionnaires -------------------------------------------------------------


def has_responses(questionnaire: Questionnaire) -> bool:
    return Response.objects.filter(campaign__questionnaire=questionnaire).exists()


def _copy(
    questionnaire: Questionnaire, *, organisation, version: int, copied_from, by
) -> Questionnaire:
    copy = Questionnaire(
        organisation=organisation,
        code="",
        title=questionnaire.title,
        description=questionnaire.description,
        audience=questionnaire.audience,
        moment=questionnaire.moment,
        form=questionnaire.form,
        is_anonymous=questionnaire.is_anonymous,
        version=version,
        copied_from=copied_from,
        is_active=True,
        created_by=by,
    )
    copy.full_clean()
    copy.save()
    Question.objects.bulk_create(
        Question(
            questionnaire=copy,
            order=question.order,
            **{name: getattr(question, name) for name in QUESTION_FIELDS},
        )
        for question in questionnaire.questions.all()
    )
    return copy


@transaction.atomic
def questionnaire_copy(
    *, questionnaire: Questionnaire, organisation, by=None
) -> Questionnaire:
    """The organisation's own copy (version 1) of a shipped or own questionnaire."""
    copy = _copy(
        questionnaire,
        organisation=organisation,
        version=1,
        copied_from=questionnaire,
        by=by,
    )
    if questionnaire.organisation_id == organisation.pk:
        copy.title = str(_("%(title)s (copy)") % {"title": questionnaire.title})[:255]
        copy.save(update_fields=["title"])
    return copy


def _check_editable(questionnaire: Questionnaire) -> None:
    if questionnaire.is_shipped:
        raise ValidationError(
            _("The questionnaires shipped with the portal are read-only: copy one.")
        )
    if questionnaire.superseded_by_id:
        raise ValidationError(
            _("This is an old version of the questionnaire: edit the current one.")
        )


def editable_version(*, questionnaire: Questionnaire, by=None) -> Questionnaire:
    """The questionnaire itself while nobody has answered it, else a new version
    (old.superseded_by = new). Call inside a transaction."""
    _check_editable(questionnaire)
    if not has_responses(questionnaire):
        return questionnaire
    new = _copy(
        questionnaire,
        organisation=questionnaire.organisation,
        version=questionnaire.version + 1,
        copied_from=questionnaire.copied_from,
        by=by,
    )
    questionnaire.superseded_by = new
    questionnaire.save(update_fields=["superseded_by", "updated_at"])
    return new


def _same_question(old: Questionnaire, new: Questionnaire, question: Question):
    """The question of the new version that stands where `question` stood."""
    if old.pk == new.pk:
        return question
    old_ids = list(old.questions.values_list("pk", flat=True))
    new_questions = list(new.questions.all())
    return new_questions[old_ids.index(question.pk)]


@transaction.atomic
def questionnaire_update(
    *, questionnaire: Questionnaire, data: dict, by=None
) -> Questionnaire:
    """Apply title/description/audience/moment/form/anonymous; returns the
    questionnaire that holds the edit (a new version when it had answers)."""
    target = editable_version(questionnaire=questionnaire, by=by)
    for name in [*QUESTIONNAIRE_FIELDS, "is_anonymous"]:
        if name in data:
            setattr(target, name, data[name])
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def questionnaire_create(*, organisation, data: dict, by=None) -> Questionnaire:
    questionnaire = Questionnaire(organisation=organisation, created_by=by)
    for name in [*QUESTIONNAIRE_FIELDS, "is_anonymous"]:
        if name in data:
            setattr(questionnaire, name, data[name])
    questionnaire.full_clean()
    questionnaire.save()
    return questionnaire


def question_check(question: Question) -> None:
    errors = {}
    if question.kind == Question.Kind.SCALE:
        if question.scale_max not in (5, 10):
            errors["scale_max"] = _("A scale goes up to 5 or to 10.")
    else:
        question.scale_max = None
        if question.parameter_id:
            errors["parameter"] = _("Only a scale answer can record a parameter.")
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(question.option_list) < 2:
            errors["options"] = _("Give at least two options, one per line.")
        elif len(set(question.option_list)) != len(question.option_list):
            errors["options"] = _("The options repeat.")
    else:
        question.options = ""
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def question_save(
    *,
    questionnaire: Questionnaire,
    data: dict,
    question: Question | None = None,
    by=None,
) -> Question:
    """Add a question (at the end) or edit one; in a new version when the
    questionnaire has answers. Returns the saved question (of that version)."""
    target = editable_version(questionnaire=questionnaire, by=by)
    if question is None:
        last = target.questions.aggregate(last=Max("order"))["last"]
        question = Question(questionnaire=target, order=(last or 0) + 1)
    else:
        question = _same_question(questionnaire, target, question)
    for name in QUESTION_FIELDS:
        if name in data:
            setattr(question, name, data[name])
    question_check(question)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(
    *, questionnaire: Questionnaire, question: Question, by=None
) -> Questionnaire:
    target = editable_version(questionnaire=questionnaire, by=by)
    _same_question(questionnaire, target, question).delete()
    return target


@transaction.atomic
def question_move(
    *, questionnaire: Questionnaire, question: Question, up: bool, by=None
) -> Questionnaire:
    """Swap the question with its neighbour; orders are renumbered 1…n."""
    target = editable_version(questionnaire=questionnaire, by=by)
    question = _same_question(questionnaire, target, question)
    questions = list(target.questions.all())
    index = [q.pk for q in questions].index(question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for number, item in enumerate(questions, start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])
    return target


@transaction.atomic
def questionnaire_delete(*, questionnaire: Questionnaire) -> None:
    if questionnaire.is_shipped:
        raise ValidationError(
            _("The questionnaires shipped with the portal cannot be deleted.")
        )
    if questionnaire.campaigns.exists():
        raise ValidationError(
            _(
                "The questionnaire was used in campaigns and cannot be deleted: "
                "take it out of use instead."
            )
        )
    questionnaire.delete()


@transaction.atomic
def questionnaire_set_active(
    *, questionnaire: Questionnaire, active: bool
) -> Questionnaire:
    if questionnaire.is_shipped:
        raise ValidationError(
            _("The questionnaires shipped with the portal are read-only: copy one.")
        )
    questionnaire.is_active = active
    questionnaire.save(update_fields=["is_active", "updated_at"])
    return questionnaire


# --- Campaigns -------------------------------------------------------------------


def scope_pairs(*, programme, scope: str, form=None, pairs=None):
    """The pairs a campaign asks: the open pairs of the programme, of one form, or
    the chosen ones."""
    if scope == Campaign.Scope.PAIRS:
        return Pair.objects.filter(
            programme=programme, pk__in=[p.pk for p in pairs or []]
        )
    found = Pair.objects.filter(programme=programme).open()
    if scope == Campaign.Scope.FORM:
        found = found.filter(form=form)
    return found


@dataclass
class Invitee:
    participant_id: int | None = None
    user_id: int | None = None
    pair_id: int | None = None


def invitees(*, questionnaire: Questionnaire, programme, pairs) -> list[Invitee]:
    """Who is asked: every current mentee of the pairs (once, even in two pairs),
    the mentors and second mentors, or the programme's curators."""
    found: dict[tuple, Invitee] = {}
    pair_ids = sorted(p.pk for p in pairs)
    if questionnaire.audience == Audience.CURATOR:
        for user_id in programme.curators.order_by("pk").values_list("pk", flat=True):
            found[("u", user_id)] = Invitee(user_id=user_id)
    elif questionnaire.audience == Audience.MENTEE:
        rows = (
            PairMentee.objects.filter(pair_id__in=pair_ids, left_on__isnull=True)
            .order_by("pair_id", "pk")
            .values_list("mentee__participant_id", "pair_id")
        )
        for participant_id, pair_id in rows:
            found.setdefault(
                ("p", participant_id), Invitee(participant_id, None, pair_id)
            )
    else:
        rows = (
            Pair.objects.filter(pk__in=pair_ids)
            .order_by("pk")
            .values_list("pk", "mentor__participant_id", "co_mentor__participant_id")
        )
        for pair_id, mentor_id, co_mentor_id in rows:
            for participant_id in (mentor_id, co_mentor_id):
                if participant_id:
                    found.setdefault(
                        ("p", participant_id), Invitee(participant_id, None, pair_id)
                    )
    return list(found.values())


def suitable_questionnaires(organisation):
    return (
        Questionnaire.objects.for_organisation(organisation)
        .current()
        .select_related("form")
    )


@transaction.atomic
def campaign_create(
    *,
    programme,
    questionnaire: Questionnaire,
    title: str,
    scope: str,
    opens_on: date,
    closes_on: date,
    form=None,
    pairs=None,
    by=None,
) -> Campaign:
    """Launch a questionnaire for a programme and invite everybody in scope."""
    errors: dict[str, list] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    organisation = programme.organisation
    if not suitable_questionnaires(organisation).filter(pk=questionnaire.pk).exists():
        refuse("questionnaire", _("Choose a current questionnaire that is in use."))
    if opens_on and closes_on and closes_on < opens_on:
        refuse("closes_on", _("The campaign must close on or after the day it opens."))
    pairs = list(pairs or [])
    is_curator = questionnaire.audience == Audience.CURATOR
    if not is_curator:
        if scope == Campaign.Scope.FORM:
            if form is None:
                refuse("form", _("Choose the form of mentoring."))
            elif not programme.forms.filter(pk=form.pk).exists():
                refuse("form", _("The programme does not run this form of mentoring."))
        if scope == Campaign.Scope.PAIRS:
            if not pairs:
                refuse("pairs", _("Choose the pairs and groups to ask."))
            elif any(pair.programme_id != programme.pk for pair in pairs):
                refuse("pairs", _("Choose pairs and groups of this programme only."))
        if questionnaire.form_id and not errors:
            chosen = scope_pairs(
                programme=programme, scope=scope, form=form, pairs=pairs
            )
            if (scope == Campaign.Scope.FORM and form.pk != questionnaire.form_id) or (
                chosen.exclude(form_id=questionnaire.form_id).exists()
            ):
                refuse(
                    "questionnaire",
                    _(
                        "This questionnaire is for the form «%(form)s»: ask only "
                        "the pairs of that form."
                    )
                    % {"form": questionnaire.form},
                )
    if errors:
        raise ValidationError(errors)
    if is_curator:
        scope, form, pairs = Campaign.Scope.ALL, None, []
        chosen = Pair.objects.none()
    else:
        if scope != Campaign.Scope.FORM:
            form = None
        chosen = list(
            scope_pairs(programme=programme, scope=scope, form=form, pairs=pairs)
        )
    people = invitees(questionnaire=questionnaire, programme=programme, pairs=chosen)
    if not people:
        if is_curator:
            raise ValidationError(
                _("The programme has no curators: add them to the programme first.")
            )
        raise ValidationError(
            {"scope": _("Nobody to ask: there are no pairs or mentees in this scope.")}
        )
    campaign = Campaign(
        programme=programme,
        questionnaire=questionnaire,
        title=(title or "").strip() or questionnaire.title,
        scope=scope,
        form=form,
        opens_on=opens_on,
        closes_on=closes_on,
        school_year=SchoolYear.for_date(opens_on),
        created_by=by,
    )
    campaign.full_clean()
    campaign.save()
    if scope == Campaign.Scope.PAIRS:
        campaign.pairs.set(chosen)
    Invitation.objects.bulk_create(
        Invitation(
            campaign=campaign,
            participant_id=person.participant_id,
            user_id=person.user_id,
            pair_id=person.pair_id,
            token=new_token(),
        )
        for person in people
    )
    return campaign


def campaign_status(campaign: Campaign, today: date) -> str:
    if today < campaign.opens_on:
        return "planned"
    if today > campaign.closes_on:
        return "closed"
    return "open"


@transaction.atomic
def campaign_close(*, campaign: Campaign, today: date) -> Campaign:
    """Close an open campaign now: nobody can answer from today on."""
    if not campaign.is_open(today):
        raise ValidationError(_("Only an open campaign can be closed."))
    campaign.closes_on = max(campaign.opens_on, date.fromordinal(today.toordinal() - 1))
    if campaign.closes_on >= today:
        # Opened today and closed today: nothing sensible but a zero-day window.
        campaign.opens_on = campaign.closes_on = date.fromordinal(today.toordinal() - 1)
    campaign.full_clean()
    campaign.save(update_fields=["opens_on", "closes_on"])
    return campaign


@transaction.atomic
def campaign_extend(*, campaign: Campaign, closes_on: date, today: date) -> Campaign:
    if closes_on is None or closes_on < today:
        raise ValidationError({"closes_on": _("Choose a date from today on.")})
    if not stats.can_reopen(campaign, today=today):
        raise ValidationError(
            {
                "closes_on": _(
                    "The results of this anonymous questionnaire have been shown: "
                    "reopening it would let a late answer be told apart. Launch a "
                    "new campaign instead."
                )
            }
        )
    if closes_on < campaign.opens_on:
        raise ValidationError(
            {"closes_on": _("The campaign must close on or after the day it opens.")}
        )
    campaign.closes_on = closes_on
    campaign.full_clean()
    campaign.save(update_fields=["closes_on"])
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    if (
        campaign.responses.exists()
        or campaign.invitations.filter(answered_on__isnull=False).exists()
    ):
        raise ValidationError(
            _("The campaign already has answers and cannot be deleted.")
        )
    campaign.delete()


# --- Answering ---------------------------------------------------------------------


class AlreadyAnswered(ValidationError):
    """The invitation was used: a double click, a reused link, a second tab."""


class NotOpen(ValidationError):
    """The campaign is closed or not yet open."""


def open_check(campaign: Campaign, today: date) -> None:
    if today > campaign.closes_on:
        raise NotOpen(
            _("The questionnaire closed on %(date)s.")
            % {"date": long_date(campaign.closes_on)}
        )
    if today < campaign.opens_on:
        raise NotOpen(
            _("The questionnaire opens on %(date)s.")
            % {"date": long_date(campaign.opens_on)}
        )


def answers_clean(
    questions: list[Question], raw: dict[int, list[str]]
) -> dict[int, dict]:
    """Question id → the Answer fields, from the raw POSTed values; a dict of
    errors keyed "q<id>" when something is missing or not allowed."""
    cleaned: dict[int, dict] = {}
    errors: dict[str, str] = {}
    for question in questions:
        values = [v.strip() for v in raw.get(question.pk, []) if v and v.strip()]
        key = f"q{question.pk}"
        if not values:
            if question.is_required:
                errors[key] = _("Answer this question.")
            continue
        if question.kind == Question.Kind.SCALE:
            top = question.scale_max or 10
            try:
                number = int(values[0])
            except ValueError:
                errors[key] = _("Choose a number from 1 to %(max)d.") % {"max": top}
                continue
            if len(values) > 1 or not 1 <= number <= top:
                errors[key] = _("Choose a number from 1 to %(max)d.") % {"max": top}
                continue
            cleaned[question.pk] = {"number": number}
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            options = question.option_list
            if any(value not in options for value in values) or (
                question.kind == Question.Kind.SINGLE and len(values) > 1
            ):
                errors[key] = _("Choose from the options offered.")
                continue
            chosen = [option for option in options if option in values]
            cleaned[question.pk] = {"choices": chosen}
        else:
            text = "\n".join(values)
            if len(text) > 5000:
                errors[key] = _("The answer is too long (at most 5000 characters).")
                continue
            cleaned[question.pk] = {"text": text}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def response_submit(
    *,
    invitation: Invitation,
    answers: dict[int, list[str]],
    via: str,
    today: date,
    by=None,
) -> Response:
    """Save one filled questionnaire. The invitation is locked first, so a second
    submit (double click, reused link, another tab) creates nothing."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("campaign__questionnaire", "pair")
        .get(pk=invitation.pk)
    )
    if invitation.answered_on:
        raise AlreadyAnswered(
            _("This questionnaire has already been answered. Thank you!")
        )
    campaign = invitation.campaign
    open_check(campaign, today)
    questionnaire = campaign.questionnaire
    questions = list(questionnaire.questions.select_related("parameter"))
    cleaned = answers_clean(questions, answers)
    anonymous = questionnaire.is_anonymous
    pair = invitation.pair
    if anonymous:
        # The curator sees who answered, on which day, in which pair: the answer
        # keeps none of it (see Response).
        response = Response.objects.create(
            campaign=campaign, role=questionnaire.audience
        )
    else:
        response = Response.objects.create(
            campaign=campaign,
            invitation=invitation,
            participant=invitation.participant,
            pair=pair,
            role=questionnaire.audience,
            form=pair.form if pair else None,
            submitted_on=today,
            via=via,
        )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=question_id, **fields)
        for question_id, fields in cleaned.items()
    )
    invitation.answered_on = today
    invitation.save(update_fields=["answered_on"])
    if not anonymous:
        record_measurements(
            invitation=invitation, questions=questions, cleaned=cleaned, by=by
        )
    return response


MOMENTS = {
    AskedWhen.ENTRY: Measurement.Moment.ENTRY,
    AskedWhen.EXIT: Measurement.Moment.EXIT,
}


def record_measurements(
    *, invitation: Invitation, questions: list[Question], cleaned: dict, by=None
) -> list[Measurement]:
    """Scale answers to questions tied to a parameter become the respondent's entry
    or exit value; a value entered by hand or imported is kept."""
    campaign = invitation.campaign
    moment = MOMENTS.get(campaign.questionnaire.moment)
    if moment is None or not invitation.participant_id or not invitation.pair_id:
        return []
    written = []
    for question in questions:
        parameter = question.parameter
        number = cleaned.get(question.pk, {}).get("number")
        if parameter is None or number is None:
            continue
        if not parameter.scale_min <= number <= parameter.scale_max:
            continue
        existing = Measurement.objects.filter(
            participant_id=invitation.participant_id,
            pair_id=invitation.pair_id,
            parameter=parameter,
            moment=moment,
        ).first()
        if existing and existing.source != Measurement.Source.QUESTIONNAIRE:
            continue
        measurement = existing or Measurement(
            participant_id=invitation.participant_id,
            pair_id=invitation.pair_id,
            parameter=parameter,
            moment=moment,
        )
        measurement.value = number
        measurement.measured_on = invitation.answered_on
        measurement.school_year = campaign.school_year
        measurement.recorded_by = by
        measurement.source = Measurement.Source.QUESTIONNAIRE
        measurement.save()
        written.append(measurement)
    return written


def _waiting(today: date):
    return Invitation.objects.filter(
        answered_on__isnull=True,
        campaign__opens_on__lte=today,
        campaign__closes_on__gte=today,
    )


def waiting_invitations(user, *, today: date):
    """The user's unanswered invitations in open campaigns (for the home page block
    and the reminders)."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        _waiting(today)
        .filter(Q(participant__user=user) | Q(user=user))
        .select_related("campaign__questionnaire", "campaign__programme")
        .order_by("campaign__closes_on", "pk")
    )


def questionnaire_reminders(*, today: date, user=None) -> dict[int, list[Reminder]]:
    """User id → «a questionnaire is waiting for your answer», for every mentor,
    mentee with a login and curator asked in an open campaign (or only for `user`).
    A source of settings.REMINDER_SOURCES: the reminders page, the workspace and the
    daily digest show these next to the reminders about pairs. One query."""
    if user is not None:
        if not user.is_authenticated:
            return {}
        invitations = _waiting(today).filter(Q(participant__user=user) | Q(user=user))
    else:
        invitations = _waiting(today).filter(
            Q(participant__user__isnull=False) | Q(user__isnull=False)
        )
    rows = invitations.order_by("campaign__closes_on", "pk").values_list(
        "campaign_id",
        "campaign__title",
        "campaign__closes_on",
        "participant__user_id",
        "user_id",
    )
    found: dict[int, list[Reminder]] = {}
    for campaign_id, title, closes_on, participant_user_id, user_id in rows:
        reminder = Reminder(
            QUESTIONNAIRE,
            _("A questionnaire is waiting for your answer: %(title)s (until %(date)s).")
            % {"title": title, "date": long_date(closes_on)},
            url=reverse("questionnaires:answer", args=[campaign_id]),
        )
        for someone in {participant_user_id, user_id} - {None}:
            if user is None or someone == user.pk:
                found.setdefault(someone, []).append(reminder)
    return found
