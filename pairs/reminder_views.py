"""Reminders in the app: the user's own list, and pausing a pair for holidays.

A mentor sees the reminders of their pairs; a head, deputy or curator also sees the
organisation's pairs that went quiet, passed their end or have overdue plan items.
Pause and resume are open to the pair's mentor and to the curator (a mentee is
refused, anybody else does not see the pair).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mentoring.lib.redirects import safe_next
from pairs.access import get_pair_for_user, role_in_pair
from pairs.models import Pair
from pairs.reminders import (
    CURATOR_PAGE_KINDS,
    long_date,
    only_kinds,
    pair_pause,
    pair_resume,
    pair_url,
    pairs_with_reminders,
    personal_reminders,
)
from people.access import without_tier
from people.audit import log_pairs_read


class PauseForm(forms.Form):
    until = forms.DateField(
        label=_("Pause until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)


def require_pause_role(request: HttpRequest, pk: int) -> tuple[Pair, str]:
    """The pair and the user's role in it, for its mentor or a curator; a mentee may
    see the pair but not pause it (403), anybody else gets 404."""
    pair = get_pair_for_user(request, pk)
    role = role_in_pair(request, pair)
    if role not in ("curator", "mentor"):
        raise PermissionDenied
    return pair, role


def back_to_pair(request: HttpRequest, pair: Pair, role: str) -> str:
    if role == "curator":
        default = reverse("pairs:detail", args=[pair.pk])
    else:
        default = pair_url(pair.pk) or reverse("reminders:mine")
    return safe_next(request, request.POST.get("next"), default)


def show_refusal(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    pair, role = require_pause_role(request, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
        return redirect(back_to_pair(request, pair, role))
    try:
        pair_pause(
            pair=pair,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            today=timezone.localdate(),
        )
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            gettext("The pair is paused until %(date)s: no reminders until then.")
            % {"date": long_date(pair.paused_until)},
        )
    return redirect(back_to_pair(request, pair, role))


@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    pair, role = require_pause_role(request, pk)
    try:
        pair_resume(pair=pair, by=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, gettext("The pause is over: reminders are on again."))
    return redirect(back_to_pair(request, pair, role))


def mine(request: HttpRequest) -> HttpResponse:
    """The current user's reminders of no pair (questionnaires to answer), then
    grouped by pair; for a curator, also the organisation's pairs that need
    attention."""
    today = timezone.localdate()
    access = request.access
    own = pairs_with_reminders(
        Pair.objects.open().for_mentor(request.user), today=today
    )
    organisation_pairs = []
    if access.is_manager and access.organisation is not None:
        organisation_pairs = only_kinds(
            pairs_with_reminders(
                without_tier(
                    request, Pair.objects.open().for_organisation(access.organisation)
                ),
                today=today,
            ),
            CURATOR_PAGE_KINDS,
        )
    log_pairs_read(
        request,
        [pair for pair, _found in [*own, *organisation_pairs]],
        gettext("Reminders"),
    )
    paused = (
        Pair.objects.open()
        .for_mentor(request.user)
        .filter(paused_until__gte=today)
        .named()
        .order_by("paused_until", "pk")
    )
    return render(
        request,
        "pairs/reminder_list.html",
        {
            "today": today,
            "personal": personal_reminders(today=today, user=request.user).get(
                request.user.pk, []
            ),
            "own": own,
            "organisation_pairs": organisation_pairs,
            "is_manager": access.is_manager,
            "paused": paused,
        },
    )
