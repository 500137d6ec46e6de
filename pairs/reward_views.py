"""The rewards register («поощрения»): the list with completed pairs still waiting for
a reward, granting a reward, its card with the printable letter or certificate,
deleting a reward entered by mistake.

For the head, deputy and curator (`require_curator`); rewards are looked up within
the current organisation, so another organisation's reward is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.lib.listing import paginate, querystring_without
from pairs.models import Pair, Reward, mentees_prefetch
from pairs.reward_forms import RewardFilterForm, RewardForm
from pairs.reward_services import (
    default_basis,
    pairs_without_reward,
    reward_delete,
    reward_grant,
)
from pairs.views import apply_refusal
from people.access import require_curator

SUGGESTED = 10


def get_reward(organisation, pk: int) -> Reward:
    return get_object_or_404(
        Reward.objects.for_organisation(organisation).select_related(
            "person__study_group",
            "pair__mentor__participant",
            "pair__role_variant",
            "created_by",
        ),
        pk=pk,
    )


def reward_list(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    filters = RewardFilterForm(request.GET, organisation=organisation)
    rewards = (
        filters.filter(
            Reward.objects.for_organisation(organisation).select_related(
                "person__study_group",
                "pair__mentor__participant",
                "pair__role_variant",
            )
        )
        .prefetch_related(mentees_prefetch("pair__memberships"))
        .order_by("-awarded_on", "-pk")
    )
    page_obj = paginate(request, rewards)
    waiting = pairs_without_reward(organisation)
    suggested = list(waiting[: SUGGESTED + 1])
    return render(
        request,
        "pairs/reward_list.html",
        {
            "organisation": organisation,
            "filters": filters,
            "filtered": filters.filtered,
            "page_obj": page_obj,
            "rewards": page_obj.object_list,
            "querystring": querystring_without(request, "page"),
            "suggested": suggested[:SUGGESTED],
            "more_suggested": len(suggested) > SUGGESTED,
        },
    )


def initial_for(request: HttpRequest, organisation) -> dict:
    """Defaults of the form; `?pair=<pk>` prefills the completed pair's mentor."""
    initial = {"awarded_on": timezone.localdate(), "basis": default_basis()}
    pk = request.GET.get("pair", "")
    if pk.isdigit():
        pair = (
            Pair.objects.for_organisation(organisation)
            .filter(pk=pk, status=Pair.Status.COMPLETED)
            .select_related("mentor")
            .first()
        )
        if pair is not None:
            initial.update(
                pair=pair.pk,
                person=pair.mentor.participant_id,
                kind=Reward.Kind.GRATITUDE,
            )
    for name in ("person", "kind"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


def reward_create(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    form = RewardForm(
        request.POST or None,
        organisation=organisation,
        initial=initial_for(request, organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            reward = reward_grant(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("The reward is entered in the register."))
            return redirect("rewards:detail", pk=reward.pk)
    return render(
        request,
        "pairs/reward_form.html",
        {"organisation": organisation, "form": form},
    )


def reward_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    reward = get_reward(organisation, pk)
    return render(
        request,
        "pairs/reward_detail.html",
        {"organisation": organisation, "reward": reward},
    )


@require_POST
def reward_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    reward = get_reward(organisation, pk)
    reward_delete(reward=reward)
    messages.success(request, gettext("The reward is deleted from the register."))
    return redirect("rewards:list")
