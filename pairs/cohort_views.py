"""Cohort matching («подбор для всех»): the page that proposes a mentor for every
waiting mentee of a form, lets the curator lock or change rows and re-run for the
rest, and confirms the lot. The assignment is `pairs.cohort`, the writes
`pairs.cohort_services`.

Between the steps the page carries a signed state (the form, programme, role
variant and the proposal shown), so a re-run knows which rows the curator changed;
everything else is computed again from the database at every step, and the rules
are checked again on confirmation, whatever the browser sent."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentoring.models import MentoringForm, Programme
from pairs import cohort as algorithm
from pairs import matching
from pairs.cohort_forms import CohortDatesForm
from pairs.cohort_services import pairs_create_lot
from pairs.matching_views import (
    bank_request_url,
    pick,
    redact_bank_mentors,
    redact_social_risk,
)
from people.access import hides_social_risk, redact_mentee, require_curator
from people.audit import log_mentees_read
from people.models import MenteeProfile

STATE_SALT = "pairs.cohort.state"
STATE_MAX_AGE = 12 * 60 * 60  # a proposal older than a working day is run again


def cohort_form_choices(request, organisation) -> list[MentoringForm]:
    """Active forms the organisation's programmes run (all active forms when none
    is named yet); never the social-risk form to who may not see the tier."""
    forms = MentoringForm.objects.filter(is_active=True)
    running = forms.filter(programmes__organisation=organisation).distinct()
    if running.exists():
        forms = running
    if hides_social_risk(request):
        forms = forms.filter(is_social_risk=False)
    return list(forms.order_by("order", "pk"))


def programme_choices(organisation, form) -> list[Programme]:
    """The organisation's programmes that run `form` (or name no form yet)."""
    if form is None:
        return []
    return list(
        Programme.objects.for_organisation(organisation)
        .filter(Q(forms=form) | Q(forms__isnull=True))
        .distinct()
        .order_by("-starts_on", "pk")
    )


def choose(request, organisation, data):
    """The form, programme and role variant of `data` (GET, or the signed state),
    each one of those the user may choose; one programme or variant is preselected."""
    forms = cohort_form_choices(request, organisation)
    form = pick(forms, data.get("form"))
    if form is None and len(forms) == 1:
        form = forms[0]
    programmes = programme_choices(organisation, form)
    programme = pick(programmes, data.get("programme"))
    if programme is None and len(programmes) == 1:
        programme = programmes[0]
    variants = list(form.role_variants.filter(is_active=True)) if form else []
    variant = pick(variants, data.get("role_variant")) or next(iter(variants), None)
    return {
        "forms": forms,
        "form": form,
        "programmes": programmes,
        "programme": programme,
        "role_variants": variants,
        "role_variant": variant,
    }


def read_state(request, organisation) -> tuple[dict, dict[int, int | None]]:
    """The choice and the proposal (mentee pk → mentor pk) the page was given; a
    state that is not ours, too old, or names what the user may not choose is
    404, as a crafted URL would be."""
    try:
        state = signing.loads(
            request.POST.get("state", ""), salt=STATE_SALT, max_age=STATE_MAX_AGE
        )
    except signing.BadSignature as error:
        raise Http404 from error
    if state.get("organisation") != organisation.pk:
        raise Http404
    chosen = choose(request, organisation, state)
    wanted = (chosen["form"], chosen["programme"], chosen["role_variant"])
    if None in wanted or [o.pk for o in wanted] != [
        state.get("form"),
        state.get("programme"),
        state.get("role_variant"),
    ]:
        raise Http404
    proposal = {
        int(mentee): (int(mentor) if mentor else None)
        for mentee, mentor in state.get("proposal", {}).items()
    }
    return chosen, proposal


def write_state(organisation, chosen, cohort) -> str:
    return signing.dumps(
        {
            "organisation": organisation.pk,
            "form": chosen["form"].pk,
            "programme": chosen["programme"].pk,
            "role_variant": chosen["role_variant"].pk,
            "proposal": {str(row.mentee.pk): row.mentor.pk for row in cohort.rows},
        },
        salt=STATE_SALT,
    )


def selected(request, mentee_pk: int, proposed: int | None) -> int | None:
    """The mentor chosen in a row's list: a pk, None for «no mentor», or the
    proposed one when the field is missing or junk."""
    raw = request.POST.get(f"mentor_{mentee_pk}")
    if raw is None:
        return proposed
    if raw == "":
        return None
    return int(raw) if raw.isdigit() else proposed


def run(request, organisation, chosen, *, fixed=None, previous=None):
    mentees = algorithm.cohort_mentees(
        organisation, form=chosen["form"], programme=chosen["programme"]
    )
    return algorithm.cohort_match(
        mentees,
        organisation=organisation,
        form=chosen["form"],
        role_variant=chosen["role_variant"],
        today=date.today(),
        fixed=fixed,
        previous=previous,
    )


def show(request, organisation, chosen, cohort, *, dates=None, ran=True):
    hidden = hides_social_risk(request)
    mentees = [row.mentee for row in cohort.rows] + [
        item.mentee for item in cohort.unmatched
    ]
    matches = [option.match for row in cohort.rows for option in row.options]
    redact_social_risk(request, mentees, matches)
    redact_bank_mentors(matches, organisation)
    for row in cohort.rows:  # the row's match is one of its options, redacted
        row.match = next(
            (o.match for o in row.options if o.mentor.pk == row.mentor.pk), row.match
        )
        row.bank_url = (
            bank_request_url(row.mentor, [row.mentee], chosen["form"])
            if row.in_bank
            else None
        )
    for mentee in mentees:
        redact_mentee(mentee, hidden=hidden)
    if mentees:
        log_mentees_read(request, mentees, _("Cohort matching"), hidden=hidden)
    return render(
        request,
        "pairs/cohort.html",
        {
            **chosen,
            "ran": ran,
            "cohort": cohort,
            "state": write_state(organisation, chosen, cohort) if ran else "",
            "dates": dates or CohortDatesForm(programme=chosen["programme"]),
            "own_rows": sum(1 for row in cohort.rows if not row.in_bank),
            "rules_help": matching.rules_help(hide_tier=hidden),
        },
    )


def cohort(request: HttpRequest) -> HttpResponse:
    """GET: choose the form (and programme), «Подобрать» proposes. POST: re-run
    for the rows not locked or changed."""
    organisation = require_curator(request)
    if request.method == "POST":
        chosen, proposal = read_state(request, organisation)
        fixed = {}
        for mentee_pk, proposed in proposal.items():
            choice = selected(request, mentee_pk, proposed)
            if request.POST.get(f"lock_{mentee_pk}") or choice != proposed:
                fixed[mentee_pk] = choice
        result = run(request, organisation, chosen, fixed=fixed, previous=proposal)
        dates = CohortDatesForm(request.POST, programme=chosen["programme"])
        dates.is_valid()
        return show(request, organisation, chosen, result, dates=dates)
    chosen = choose(request, organisation, request.GET)
    ready = None not in (chosen["form"], chosen["programme"], chosen["role_variant"])
    if ready and request.GET.get("run"):
        return show(request, organisation, chosen, run(request, organisation, chosen))
    empty = algorithm.Cohort(rows=[], unmatched=[])
    return show(request, organisation, chosen, empty, ran=False)


@require_POST
def cohort_confirm(request: HttpRequest) -> HttpResponse:
    """Form the lot as shown (with the curator's changes): all pairs or none."""
    organisation = require_curator(request)
    chosen, proposal = read_state(request, organisation)
    fixed = {pk: selected(request, pk, mentor) for pk, mentor in proposal.items()}
    result = run(request, organisation, chosen, fixed=fixed, previous=proposal)
    # Only the rows the curator saw: a mentee who appeared since waits for a re-run.
    result.rows = [row for row in result.rows if row.fixed]
    dates = CohortDatesForm(request.POST, programme=chosen["programme"])
    # A row the curator saw with a mentor that the rules now refuse (a consent
    # revoked, a mentee paired meanwhile): the lot is refused, not silently cut.
    kept = {row.mentee.pk for row in result.rows}
    lost = [
        (item.mentee, item.reason)
        for item in result.unmatched
        if fixed.get(item.mentee.pk) is not None and item.mentee.pk not in kept
    ]
    listed = kept | {item.mentee.pk for item in result.unmatched}
    gone = [pk for pk, mentor in fixed.items() if mentor and pk not in listed]
    lost += [
        (mentee, _("no longer waits for a mentor in this form"))
        for mentee in MenteeProfile.objects.for_organisation(organisation)
        .filter(pk__in=gone)
        .select_related("participant")
    ]
    problems = [
        _("%(mentee)s: %(reason)s")
        % {"mentee": mentee.participant.short_name, "reason": reason}
        for mentee, reason in [*result.dropped, *lost]
    ] + [
        _("%(mentor)s has more mentees in this lot than free places.")
        % {"mentor": row.mentor.participant.short_name}
        for row in result.rows
        if row.over_capacity
    ]
    if not dates.is_valid():
        problems.append(_("Check the dates of the pairs."))
    if not problems:
        try:
            pairs = pairs_create_lot(
                programme=chosen["programme"],
                form=chosen["form"],
                role_variant=chosen["role_variant"],
                assignments=[
                    (row.mentor, row.mentee) for row in result.rows if not row.in_bank
                ],
                start_on=dates.cleaned_data["start_on"],
                planned_end_on=dates.cleaned_data["planned_end_on"],
                by=request.user,
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d pair formed. Tick the pairs below to print the "
                    "draft order.",
                    "%(count)d pairs formed. Tick the pairs below to print the "
                    "draft order.",
                    len(pairs),
                )
                % {"count": len(pairs)},
            )
            in_bank = sum(1 for row in result.rows if row.in_bank)
            if in_bank:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d mentee matched with a mentor of the municipal "
                        "bank: request the mentor through the bank.",
                        "%(count)d mentees matched with mentors of the municipal "
                        "bank: request the mentors through the bank.",
                        in_bank,
                    )
                    % {"count": in_bank},
                )
            query = urlencode(
                {
                    "form": chosen["form"].pk,
                    "programme": chosen["programme"].pk,
                    "status": "formed",
                    "order": "no",
                }
            )
            return redirect(f"{reverse('pairs:list')}?{query}")
    for problem in problems:
        messages.error(request, problem)
    return show(request, organisation, chosen, result, dates=dates)
