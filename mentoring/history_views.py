"""History of changes of one record (django-simple-history), for the managers of
its organisation.

`/history/<app_label>.<model>/<pk>/` lists who changed what and when, field by
field (`diff_against` of consecutive historical rows). Each model names how its
row is found for the user (`LOOKUPS`): the same access helpers as the record's own
page, so another organisation's record is 404 and a mentor or a mentee gets 403.
The apps above `mentoring` are imported inside the lookups, at request time, so
that `mentoring` still imports no higher app when it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.tier import in_tier

# Bookkeeping columns never shown as a change.
SKIPPED_FIELDS = {"id", "search_text", "created_at", "updated_at"}
HIDDEN = pgettext_lazy("history", "hidden")


def _organisation(request):
    from people.access import require_curator

    return require_curator(request)


def _participant(request, pk):
    from people.models import Participant

    obj = get_object_or_404(Participant, pk=pk, organisation=_organisation(request))
    return obj, obj


def _mentor(request, pk):
    from people.models import MentorProfile

    obj = get_object_or_404(
        MentorProfile.objects.select_related("participant"),
        pk=pk,
        participant__organisation=_organisation(request),
    )
    return obj, obj.participant


def _mentee(request, pk):
    from people.models import MenteeProfile

    obj = get_object_or_404(
        MenteeProfile.objects.select_related("participant"),
        pk=pk,
        participant__organisation=_organisation(request),
    )
    return obj, obj.participant


def _mentee_request(request, pk):
    from people.models import MenteeRequest

    obj = get_object_or_404(
        MenteeRequest.objects.select_related("mentee__participant"),
        pk=pk,
        mentee__participant__organisation=_organisation(request),
    )
    return obj, obj.mentee.participant


def _consent(request, pk):
    from people.models import Consent

    obj = get_object_or_404(
        Consent.objects.select_related("participant"),
        pk=pk,
        participant__organisation=_organisation(request),
    )
    return obj, obj.participant


def _managed_pair(request, pk):
    from pairs.access import get_pair_for_user, role_in_pair

    _organisation(request)
    pair = get_pair_for_user(request, pk)
    if role_in_pair(request, pair) != "curator":
        raise PermissionDenied
    return pair


def _pair(request, pk):
    return _managed_pair(request, pk), None


def _pair_mentee(request, pk):
    from pairs.models import PairMentee

    organisation = _organisation(request)
    obj = get_object_or_404(
        PairMentee.objects.select_related("mentee__participant"),
        pk=pk,
        pair__programme__organisation=organisation,
    )
    _managed_pair(request, obj.pair_id)
    return obj, obj.mentee.participant


def _meeting(request, pk):
    from pairs.models import Meeting

    obj = get_object_or_404(
        Meeting, pk=pk, programme__organisation=_organisation(request)
    )
    if obj.pair_id:
        _managed_pair(request, obj.pair_id)
    return obj, None


def _measurement(request, pk):
    from monitoring.models import Measurement

    obj = get_object_or_404(
        Measurement.objects.select_related("participant"),
        pk=pk,
        participant__organisation=_organisation(request),
    )
    if obj.pair_id:
        _managed_pair(request, obj.pair_id)
    return obj, obj.participant


# "app_label.model" -> lookup(request, pk) -> (object, participant whose
# social-risk data the record may hold, or None).
LOOKUPS = {
    "people.participant": _participant,
    "people.mentorprofile": _mentor,
    "people.menteeprofile": _mentee,
    "people.menteerequest": _mentee_request,
    "people.consent": _consent,
    "pairs.pair": _pair,
    "pairs.pairmentee": _pair_mentee,
    "pairs.meeting": _meeting,
    "monitoring.measurement": _measurement,
}


# The record's own page, for the link back.
PAGES = {
    "people.mentorprofile": "people:mentor-detail",
    "people.menteeprofile": "people:mentee-detail",
    "pairs.pair": "pairs:detail",
}


def model_label(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def has_history(obj) -> bool:
    return model_label(obj) in LOOKUPS


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class Entry:
    when: object
    who: object
    action: str
    changes: list[Change]
    reason: str = ""


ACTIONS = {
    "+": pgettext_lazy("history", "created"),
    "~": pgettext_lazy("history", "changed"),
    "-": pgettext_lazy("history", "deleted"),
}


def _risky(field: models.Field, value) -> bool:
    """A value of the social-risk tier: the social-risk mentoring form."""
    if value is None or not field.is_relation:
        return False
    related = field.related_model
    if related._meta.label_lower != "mentoring.mentoringform":
        return False
    return related.objects.filter(pk=value, is_social_risk=True).exists()


def _display(field: models.Field, value, cache: dict):
    if value is None or value == "":
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.is_relation and field.related_model is not None:
        key = (field.related_model, value)
        if key not in cache:
            try:
                cache[key] = str(field.related_model._default_manager.get(pk=value))
            except ObjectDoesNotExist:
                cache[key] = f"#{value}"
        return cache[key]
    if isinstance(field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return value


def history_entries(obj, *, hide_risk: bool) -> list[Entry]:
    """Newest first; each change of a record against the record before it."""
    records = list(
        obj.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
    )
    fields = {
        field.attname: field
        for field in obj._meta.concrete_fields
        if field.attname not in SKIPPED_FIELDS and field.name not in SKIPPED_FIELDS
    }
    names = {field.name: attname for attname, field in fields.items()}
    cache: dict = {}
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type != "-":
            delta = record.diff_against(previous)
            for change in delta.changes:
                attname = names.get(change.field, change.field)
                field = fields.get(attname)
                if field is None:
                    continue
                old, new = change.old, change.new
                if hide_risk and (_risky(field, old) or _risky(field, new)):
                    old = new = HIDDEN
                else:
                    old = _display(field, old, cache)
                    new = _display(field, new, cache)
                changes.append(Change(str(field.verbose_name), old, new))
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user,
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    return entries


def history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    label = label.lower()
    lookup = LOOKUPS.get(label)
    if lookup is None:
        raise Http404
    obj, participant = lookup(request, pk)
    from people.access import sees_social_risk_of

    hide_risk = participant is not None and not sees_social_risk_of(
        request, participant
    )
    # A request of the social-risk form does not exist for this user
    # (people.access.visible_requests).
    if (
        hide_risk
        and label == "people.menteerequest"
        and obj.form_id
        and obj.form.is_social_risk
    ):
        raise Http404
    log_history_read(request, label, obj, participant, hide_risk=hide_risk)
    return render(
        request,
        "mentoring/history.html",
        {
            "object": obj,
            "model_name": obj._meta.verbose_name,
            "entries": history_entries(obj, hide_risk=hide_risk),
            "back_url": reverse(PAGES[label], args=[obj.pk]) if label in PAGES else "",
        },
    )


def log_history_read(request, label: str, obj, participant, *, hide_risk: bool):
    """The history of a record of the social-risk tier is a read of it: logged as
    its own pages are (people.audit); a record of a pair is logged when the pair
    is looked up."""
    from people.audit import log_mentees_read, log_tier_read

    description = _("History of changes")
    if label.startswith("pairs.") or getattr(obj, "pair_id", None):
        return  # the pair's lookup (get_pair_for_user) has logged it
    if label == "people.menteerequest":
        if not hide_risk and in_tier(obj):
            log_tier_read(request, [participant], description)
    elif participant is not None and hasattr(participant, "mentee_profile"):
        log_mentees_read(
            request, [participant.mentee_profile], description, hidden=hide_risk
        )
