"""Matching help for the curator: mentors for a mentee or a group, mentees for a
mentor, and the request map. The scoring is in `pairs.matching`, the map in
`people.request_map`; these views only read the URL and lay the results out."""

from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from mentoring.models import MentoringForm, Programme
from pairs import matching
from pairs.rules import mentor_load
from people.access import (
    hides_social_risk,
    redact_mentee,
    require_curator,
    visible_categories,
)
from people.audit import log_mentees_read
from people.models import MenteeProfile, MentorProfile
from people.request_map import BY_AREA, BY_CATEGORY, build_request_map


def pick(items, raw):
    """The item of `items` whose pk is the GET value `raw`, or None."""
    try:
        wanted = int(raw)
    except (TypeError, ValueError):
        return None
    return next((item for item in items if item.pk == wanted), None)


def pks(values) -> list[int]:
    """Distinct integer pks from repeated GET values, in order; junk is ignored."""
    found = []
    for value in values:
        if value.isdigit() and int(value) not in found:
            found.append(int(value))
    return found


def form_choices(organisation) -> tuple[list[MentoringForm], list[MentoringForm]]:
    """Active forms: those the organisation's programmes run, and the others (a
    curator may still match in a form the programmes do not name yet)."""
    forms = list(MentoringForm.objects.filter(is_active=True))
    running = set(
        MentoringForm.objects.filter(programmes__organisation=organisation).values_list(
            "pk", flat=True
        )
    )
    return (
        [form for form in forms if form.pk in running],
        [form for form in forms if form.pk not in running],
    )


def create_pair_url(mentor, mentees, form=None, role_variant=None) -> str:
    params = [("mentor", mentor.pk)]
    params += [("mentee", mentee.pk) for mentee in mentees]
    if form is not None:
        params.append(("form", form.pk))
    if role_variant is not None:
        params.append(("role_variant", role_variant.pk))
    return f"{reverse('pairs:create')}?{urlencode(params)}"


def bank_request_url(mentor, mentees, form=None, role_variant=None) -> str | None:
    """The municipal mentor bank's request form, prefilled: a mentor of another
    organisation is asked for, never assigned (one mentee per request, so none for
    a group)."""
    if len(mentees) != 1:
        return None
    params = [("mentee", mentees[0].pk)]
    if form is not None:
        params.append(("form", form.pk))
    if role_variant is not None:
        params.append(("role_variant", role_variant.pk))
    url = reverse("bank:request", kwargs={"pk": mentor.pk})
    return f"{url}?{urlencode(params)}"


def ranked(matches: list, url, organisation=None, bank_url=None) -> list[dict]:
    """Rows for the template: rank, the match, its «create a pair» link (or, for a
    mentor of another organisation, the bank's «request» link), and the mark of
    the best suggestion (the first one, unless it is blocked)."""
    rows = []
    for rank, match in enumerate(matches, start=1):
        in_bank = (
            organisation is not None
            and match.mentor.participant.organisation_id != organisation.pk
        )
        rows.append(
            {
                "rank": rank,
                "match": match,
                "in_bank": in_bank,
                "create_url": None if match.blocked or in_bank else url(match),
                "bank_url": bank_url(match)
                if in_bank and bank_url and not match.blocked
                else None,
                "is_best": rank == 1 and not match.blocked,
            }
        )
    return rows


def redact_social_risk(request, mentees, matches) -> None:
    """For a user who may not see the social-risk tier (the deputy): the scores
    stay as computed, but the page shows no sensitive category, no request of the
    social-risk form and no reason quoting such a request."""
    if not hides_social_risk(request):
        return
    hidden = [
        request_
        for mentee in mentees
        for request_ in matching.open_requests(mentee)
        if request_.form_id and request_.form.is_social_risk
    ]
    for mentee in mentees:
        getattr(mentee, "_prefetched_objects_cache", {}).pop("categories", None)
    prefetch_related_objects(
        mentees, Prefetch("categories", queryset=visible_categories(request))
    )
    quoted = [Truncator(r.text).chars(80) for r in hidden]
    if not quoted:
        return
    confidential = _("a confidential request matches the competencies")
    for match in matches:
        match.reasons = [
            replace(reason, text=confidential)
            if any(quote in reason.text for quote in quoted)
            else reason
            for reason in match.reasons
        ]


def redact_bank_mentors(matches, organisation) -> None:
    """A mentor of another organisation is seen through the bank's fields only
    (name, organisation, competencies, subjects, experience, free places): a reason
    quoting anything else of their record (the meeting time, the desired age, the
    class, the position) keeps its points but not the quote."""
    private = _("matches by the mentor's data the bank does not show")
    for match in matches:
        mentor = match.mentor
        participant = mentor.participant
        if participant.organisation_id == organisation.pk:
            continue
        quotes = [
            mentor.meeting_time,
            participant.position,
            participant.study_group.name if participant.study_group else "",
            matching.desired_age_label(mentor)
            if mentor.desired_age_min is not None or mentor.desired_age_max is not None
            else "",
        ]
        quotes = [quote for quote in quotes if quote]
        match.reasons = [
            replace(reason, text=private)
            if any(quote in reason.text for quote in quotes)
            else reason
            for reason in match.reasons
        ]


def shown_requests(request, mentee) -> list:
    requests = matching.open_requests(mentee)
    if hides_social_risk(request):
        requests = [r for r in requests if not (r.form_id and r.form.is_social_risk)]
    return requests


def for_mentee(request: HttpRequest, pk: int) -> HttpResponse:
    """Ranked mentors for a mentee, or for a group (`?mentee=<pk>` repeated)."""
    organisation = require_curator(request)
    mentees_in_organisation = matching.mentee_queryset().for_organisation(organisation)
    main = get_object_or_404(mentees_in_organisation, pk=pk)
    others = [other for other in pks(request.GET.getlist("mentee")) if other != pk]
    found = mentees_in_organisation.in_bulk(others)
    if len(found) != len(others):
        raise Http404
    mentees = [main] + [found[other] for other in others]

    running_forms, other_forms = form_choices(organisation)
    default = matching.default_form(main)
    if hides_social_risk(request):
        # Neither offered nor preselected: the form would tell the pupil's tier.
        running_forms = [form for form in running_forms if not form.is_social_risk]
        other_forms = [form for form in other_forms if not form.is_social_risk]
        if default is not None and default.is_social_risk:
            default = None
    forms = running_forms + other_forms
    form = (
        pick(forms, request.GET.get("form"))
        or default
        or next(iter(running_forms or forms), None)
    )
    role_variants = list(form.role_variants.filter(is_active=True)) if form else []
    role_variant = pick(role_variants, request.GET.get("role_variant"))

    matches = matching.suggest_mentors(
        mentees,
        organisation=organisation,
        form=form,
        role_variant=role_variant,
        today=date.today(),
    )
    redact_social_risk(request, mentees, matches)
    redact_bank_mentors(matches, organisation)
    for mentee in mentees:
        redact_mentee(mentee, hidden=hides_social_risk(request))
    log_mentees_read(request, mentees, _("Matching"), hidden=hides_social_risk(request))
    rows = ranked(
        matches,
        lambda match: create_pair_url(match.mentor, mentees, form, role_variant),
        organisation,
        lambda match: bank_request_url(match.mentor, mentees, form, role_variant),
    )
    addable = (
        MenteeProfile.objects.for_organisation(organisation)
        .waiting()
        .exclude(pk__in=[mentee.pk for mentee in mentees])
        .select_related("participant__study_group")
    )
    group = [
        {
            "mentee": mentee,
            "requests": shown_requests(request, mentee),
            "remove_query": urlencode(
                [("mentee", m.pk) for m in mentees[1:] if m.pk != mentee.pk]
                + ([("form", form.pk)] if form else [])
                + ([("role_variant", role_variant.pk)] if role_variant else [])
            ),
        }
        for mentee in mentees
    ]
    return render(
        request,
        "pairs/matching_for_mentee.html",
        {
            "main": main,
            "mentees": mentees,
            "group": group,
            "others": mentees[1:],
            "running_forms": running_forms,
            "other_forms": other_forms,
            "selected_form": form,
            "role_variants": role_variants,
            "selected_role_variant": role_variant,
            "rows": rows,
            "addable": addable,
            "rules_help": matching.rules_help(hide_tier=hides_social_risk(request)),
        },
    )


def for_mentor(request: HttpRequest, pk: int) -> HttpResponse:
    """Waiting mentees of the organisation ranked for a mentor."""
    organisation = require_curator(request)
    mentor = get_object_or_404(
        matching.mentor_queryset().for_organisation(organisation), pk=pk
    )
    matches = matching.suggest_mentees(
        mentor, organisation=organisation, today=date.today()
    )
    if hides_social_risk(request):
        # A match in the social-risk form would tell the pupil's tier.
        matches = [m for m in matches if not (m.form and m.form.is_social_risk)]
        for match in matches:
            for mentee in match.mentees:
                redact_mentee(mentee, hidden=True)
    redact_social_risk(
        request, [mentee for match in matches for mentee in match.mentees], matches
    )
    log_mentees_read(
        request,
        [mentee for match in matches for mentee in match.mentees],
        _("Matching"),
        hidden=hides_social_risk(request),
    )
    rows = ranked(
        matches,
        lambda match: create_pair_url(mentor, match.mentees, match.form),
    )
    return render(
        request,
        "pairs/matching_for_mentor.html",
        {
            "mentor": mentor,
            "load": mentor_load(mentor),
            "is_ready": mentor.status
            in (MentorProfile.Status.READY, MentorProfile.Status.IN_PAIR),
            "rows": rows,
            "rules_help": matching.rules_help(hide_tier=hides_social_risk(request)),
        },
    )


def request_map(request: HttpRequest) -> HttpResponse:
    """The request map: requests by area or category and form, with links to the
    mentees behind every number."""
    organisation = require_curator(request)
    by = request.GET.get("by")
    if by not in (BY_AREA, BY_CATEGORY):
        by = BY_AREA
    programmes = list(Programme.objects.for_organisation(organisation))
    programme = pick(programmes, request.GET.get("programme"))
    return render(
        request,
        "pairs/request_map.html",
        {
            "request_map": build_request_map(
                organisation,
                by=by,
                programme=programme,
                hide_social_risk=hides_social_risk(request),
            ),
            "by": by,
            "programmes": programmes,
            "selected_programme": programme,
            "mentee_list_url": reverse("people:mentee-list"),
        },
    )
