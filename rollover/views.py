"""Pages of «новый учебный год»: the organisation's rollovers, the preview with a
choice per pair, the confirmation, the run, and the undo with its own
confirmation. For the head, deputy and curator of the organisation; another
organisation's rollover is 404. The social-risk tier's pairs are left out of the
preview for those who may not see it (they take their default)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.tier import without_tier
from pairs.models import Pair
from people.access import require_curator
from people.audit import log_pairs_read
from rollover.forms import RolloverStartForm
from rollover.models import Rollover
from rollover.services import (
    CARRY,
    COMPLETE,
    default_ending_year,
    default_last_grade,
    ending_year_choices,
    rollover_plan,
    rollover_run,
    rollover_undo,
    undo_refusal,
)


def get_rollover(request: HttpRequest, pk: int) -> Rollover:
    organisation = require_curator(request)
    return get_object_or_404(
        Rollover.objects.select_related(
            "organisation", "ending_year", "new_year", "performed_by", "undone_by"
        ),
        pk=pk,
        organisation=organisation,
    )


def start_form(request: HttpRequest, organisation, data=None) -> RolloverStartForm:
    today = timezone.localdate()
    years = ending_year_choices(organisation, today)
    default = default_ending_year(today)
    initial_year = next((y for y in years if y.starts_on == default.starts_on), None)
    return RolloverStartForm(
        data,
        years=years,
        initial={
            "year": initial_year or (years[0] if years else None),
            "last_grade": default_last_grade(organisation),
        },
    )


def hidden_pairs(request: HttpRequest, organisation) -> set[int]:
    pairs = Pair.objects.for_organisation(organisation).open()
    visible = set(without_tier(request, pairs).values_list("pk", flat=True))
    return set(pairs.values_list("pk", flat=True)) - visible


def rollover_index(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    rollovers = (
        Rollover.objects.for_organisation(organisation)
        .select_related("ending_year", "new_year", "performed_by")
        .order_by("-performed_at", "-pk")
    )
    return render(
        request,
        "rollover/rollover_index.html",
        {"form": start_form(request, organisation), "rollovers": rollovers},
    )


def _plan_from(request: HttpRequest, organisation, data):
    """The plan for the year and last grade sent; without them, the defaults."""
    if not data:
        initial = start_form(request, organisation).initial
        year = initial["year"]
        data = {"year": year.pk if year else "", "last_grade": initial["last_grade"]}
    form = start_form(request, organisation, data)
    if not form.is_valid():
        return form, None
    plan = rollover_plan(
        organisation=organisation,
        ending_year=form.cleaned_data["year"],
        last_grade=form.cleaned_data["last_grade"],
        hidden_pair_ids=hidden_pairs(request, organisation),
    )
    return form, plan


def _choices(request: HttpRequest, plan) -> dict[int, str]:
    """The pair choices sent, for the pairs the user may see; others keep theirs."""
    chosen = {}
    for step in plan.pairs:
        value = request.POST.get(f"pair-{step.pair.pk}")
        if not step.hidden and not step.forced and value in (COMPLETE, CARRY):
            chosen[step.pair.pk] = value
    return chosen


def rollover_preview(request: HttpRequest) -> HttpResponse:
    """Everything the rollover would do; nothing is changed here."""
    organisation = require_curator(request)
    form, plan = _plan_from(request, organisation, request.GET)
    if plan is None:
        return render(request, "rollover/rollover_index.html", {"form": form})
    visible = [step for step in plan.pairs if not step.hidden]
    log_pairs_read(
        request,
        [step.pair for step in visible],
        gettext("Preview of the move to the next school year"),
    )
    return render(
        request,
        "rollover/rollover_preview.html",
        {
            "form": form,
            "plan": plan,
            "visible_pairs": visible,
            "has_hidden": any(step.hidden for step in plan.pairs),
        },
    )


@require_POST
def rollover_run_view(request: HttpRequest) -> HttpResponse:
    """The first POST shows the confirmation; the confirmed one runs."""
    organisation = require_curator(request)
    form, plan = _plan_from(request, organisation, request.POST)
    if plan is None:
        return render(request, "rollover/rollover_index.html", {"form": form})
    choices = _choices(request, plan)
    back = (
        reverse("rollover:preview")
        + "?"
        + urlencode({"year": plan.ending_year.pk, "last_grade": plan.last_grade})
    )
    if request.POST.get("confirmed") != "1":
        decided = [
            (step, COMPLETE if step.forced else choices.get(step.pair.pk, step.default))
            for step in plan.pairs
        ]
        return render(
            request,
            "rollover/rollover_confirm.html",
            {
                "form": form,
                "plan": plan,
                "choices": choices,
                "completed": sum(1 for _s, action in decided if action == COMPLETE),
                "carried": sum(1 for _s, action in decided if action == CARRY),
                "back": back,
            },
        )
    try:
        rollover = rollover_run(
            organisation=organisation,
            ending_year=plan.ending_year,
            last_grade=plan.last_grade,
            choices=choices,
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _done_message(rollover))
    return redirect("rollover:detail", rollover.pk)


def _done_message(rollover: Rollover) -> str:
    return gettext("The school year %(year)s is open.") % {
        "year": rollover.new_year.title
    }


def rollover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rollover = get_rollover(request, pk)
    return render(
        request,
        "rollover/rollover_detail.html",
        {
            "rollover": rollover,
            "refusal": undo_refusal(rollover) if rollover.is_live else None,
        },
    )


def rollover_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation (or why undo is no longer possible); POST: undo."""
    rollover = get_rollover(request, pk)
    refusal = undo_refusal(rollover)
    if request.method == "POST" and refusal is None:
        try:
            rollover_undo(rollover=rollover, by=request.user)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _undone_message(rollover))
            return redirect("rollover:detail", rollover.pk)
    return render(
        request,
        "rollover/rollover_undo.html",
        {"rollover": rollover, "refusal": refusal},
        status=409 if request.method == "POST" else 200,
    )


def _undone_message(rollover: Rollover) -> str:
    return gettext("The rollover to %(year)s is undone: everything is as before.") % {
        "year": rollover.new_year.title
    }
