"""Best practices («банк лучших практик»): the municipality's collection, a case's
page and its printable copy, the organisation's own cases (create — from a completed
pair too —, edit, publish, withdraw), the coordinator's featuring.

| who | may |
|---|---|
| head, deputy, curator | read the published cases of their municipality; keep their |
|   | organisation's own cases (drafts and withdrawn ones are theirs only) |
| municipal coordinator | read the published cases of their municipality, feature them |
| everybody else | 403; a case of another municipality (or another organisation's |
|   | draft) is 404 |

A published case shows the names of the people named who consented to
publication, and nothing else about anyone.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.lib.listing import paginate, querystring_without
from mentoring.lib.redirects import safe_next
from mentoring.models import Municipality
from municipal.access import require_coordinator
from municipal.models import Practice
from municipal.practice_forms import (
    OwnPracticeFilterForm,
    PracticeFilterForm,
    PracticeForm,
)
from municipal.practices import (
    consented_ids,
    describable_pairs,
    practice_create,
    practice_feature,
    practice_prefill,
    practice_publish,
    practice_update,
    practice_withdraw,
    shown_names,
)
from pairs.models import Pair
from pairs.views import apply_refusal
from people.access import require_curator, without_tier

Status = Practice.Status
SUGGESTED = 10


# --- Access --------------------------------------------------------------------------


def collection_municipality(request) -> Municipality:
    """The municipality whose collection the user reads: their organisation's for
    its head, deputy or curator, the coordinator's own; 403 for everyone else."""
    if request.access.is_manager:
        return request.access.organisation.municipality
    return require_coordinator(request)


def practices_of(queryset):
    """Cases with what their pages show, never one of a social-risk pair."""
    return queryset.exclude(pair__form__is_social_risk=True).select_related(
        "organisation", "programme", "pair__form", "pair__role_variant"
    )


def get_practice_for_reader(request, pk: int) -> Practice:
    """A published case of the reader's municipality, or a case of the reader's
    own organisation in any status; 404 for anything else."""
    municipality = collection_municipality(request)
    visible = Q(status=Status.PUBLISHED, organisation__municipality=municipality)
    if request.access.is_manager:
        visible |= Q(organisation=request.access.organisation)
    return get_object_or_404(practices_of(Practice.objects.filter(visible)), pk=pk)


def get_own_practice(request, pk: int):
    """(organisation, case) for the organisation's managers; another
    organisation's case is 404."""
    organisation = require_curator(request)
    practice = get_object_or_404(
        practices_of(Practice.objects.filter(organisation=organisation)), pk=pk
    )
    return organisation, practice


def is_own(request, practice: Practice) -> bool:
    access = request.access
    return access.is_manager and practice.organisation_id == access.organisation.pk


def may_feature(request, practice: Practice) -> bool:
    return (
        practice.status == Status.PUBLISHED
        and practice.organisation.municipality_id
        in request.access.coordinated_municipalities
    )


def named_with_consent(practice: Practice) -> list[tuple]:
    """(person, has a valid consent) for the organisation's own view."""
    named = list(practice.named.order_by("search_text", "pk"))
    consented = consented_ids(named)
    return [(person, person.pk in consented) for person in named]


# --- The collection ------------------------------------------------------------------

SORTS = {
    "": ("-featured", "-published_at", "-pk"),
    "new": ("-published_at", "-pk"),
    "title": ("title", "pk"),
    "organisation": ("organisation__short_name", "-published_at", "pk"),
}


def practice_list(request: HttpRequest) -> HttpResponse:
    municipality = collection_municipality(request)
    filters = PracticeFilterForm(request.GET)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else ""
    practices = filters.filter(
        practices_of(
            Practice.objects.filter(
                organisation__municipality=municipality, status=Status.PUBLISHED
            )
        )
    ).order_by(*SORTS[sort])
    page_obj = paginate(request, practices)
    return render(
        request,
        "municipal/practices/practice_list.html",
        {
            "municipality": municipality,
            "filters": filters,
            "filtered": filters.filtered,
            "sort": sort,
            "page_obj": page_obj,
            "practices": page_obj.object_list,
            "querystring": querystring_without(request, "page"),
            "sort_querystring": querystring_without(request, "page", "sort"),
            "is_coordinator": municipality.pk
            in request.access.coordinated_municipalities,
            "is_manager": request.access.is_manager,
        },
    )


def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_reader(request, pk)
    own = is_own(request, practice)
    return render(
        request,
        "municipal/practices/practice_detail.html",
        {
            "practice": practice,
            "own": own,
            "names": shown_names(practice),
            "named": named_with_consent(practice) if own else [],
            "may_feature": may_feature(request, practice),
        },
    )


def practice_print(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for_reader(request, pk)
    return render(
        request,
        "municipal/practices/print_practice.html",
        {
            "practice": practice,
            "organisation": practice.organisation,
            "names": shown_names(practice),
            "published_on": practice.published_at
            and timezone.localdate(practice.published_at),
        },
    )


@require_POST
def practice_feature_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request)
    practice = get_object_or_404(
        practices_of(
            Practice.objects.filter(
                organisation__municipality_id__in=(
                    request.access.coordinated_municipalities
                ),
                status=Status.PUBLISHED,
            )
        ),
        pk=pk,
    )
    featured = request.POST.get("featured") == "1"
    try:
        practice_feature(practice=practice, featured=featured, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("The case is featured in the collection.")
            if featured
            else gettext("The case is no longer featured."),
        )
    return redirect(
        safe_next(
            request,
            request.POST.get("next"),
            reverse("practices:detail", args=[practice.pk]),
        )
    )


# --- The organisation's own cases ----------------------------------------------------


def practice_mine(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    filters = OwnPracticeFilterForm(request.GET)
    practices = filters.filter(
        practices_of(Practice.objects.filter(organisation=organisation))
    ).order_by("status", "-updated_at", "-pk")
    page_obj = paginate(request, practices)
    described = Practice.objects.filter(
        organisation=organisation, pair__isnull=False
    ).values("pair")
    waiting = list(
        without_tier(request, describable_pairs(organisation))
        .exclude(pk__in=described)
        .select_related("mentor__participant")[: SUGGESTED + 1]
    )
    return render(
        request,
        "municipal/practices/practice_mine.html",
        {
            "organisation": organisation,
            "filters": filters,
            "filtered": bool(request.GET.get("status")),
            "page_obj": page_obj,
            "practices": page_obj.object_list,
            "querystring": querystring_without(request, "page"),
            "suggested": waiting[:SUGGESTED],
            "more_suggested": len(waiting) > SUGGESTED,
        },
    )


def prefill_for(request: HttpRequest, organisation) -> dict:
    """`?pair=<pk>` prefills the draft from a completed pair of the organisation
    (one the user may see); a refusal is shown as a message."""
    pk = request.GET.get("pair", "")
    if not pk.isdigit():
        return {}
    pair = (
        without_tier(request, Pair.objects.for_organisation(organisation))
        .select_related("programme", "form", "role_variant", "mentor", "co_mentor")
        .filter(pk=pk)
        .first()
    )
    if pair is None:
        return {}
    try:
        values = practice_prefill(organisation=organisation, pair=pair)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return {}
    values["named"] = [person.pk for person in values["named"]]
    return values


def practice_create_view(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    initial = {} if request.method == "POST" else prefill_for(request, organisation)
    form = PracticeForm(
        request.POST or None,
        organisation=organisation,
        initial=initial,
        include=initial.get("named", ()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            practice = practice_create(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "The draft is saved. Publish it when everyone named has "
                    "consented to publication."
                ),
            )
            return redirect("practices:detail", pk=practice.pk)
    return render(
        request,
        "municipal/practices/practice_form.html",
        {"organisation": organisation, "form": form, "practice": None},
    )


def practice_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, practice = get_own_practice(request, pk)
    named = list(practice.named.values_list("pk", flat=True))
    form = PracticeForm(
        request.POST or None,
        organisation=organisation,
        include=named,
        initial={
            "programme": practice.programme_id,
            "pair": practice.pair_id,
            "title": practice.title,
            "summary": practice.summary,
            "body": practice.body,
            "results": practice.results,
            "named": named,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            practice_update(
                practice=practice,
                organisation=organisation,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("The case is saved."))
            return redirect("practices:detail", pk=practice.pk)
    return render(
        request,
        "municipal/practices/practice_form.html",
        {"organisation": organisation, "form": form, "practice": practice},
    )


def practice_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    _organisation, practice = get_own_practice(request, pk)
    if practice.status == Status.PUBLISHED:
        messages.info(request, gettext("This case is already published."))
        return redirect("practices:detail", pk=practice.pk)
    named = named_with_consent(practice)
    errors = []
    if request.method == "POST":
        try:
            practice_publish(practice=practice, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                gettext("The case is published in the municipality's collection."),
            )
            return redirect("practices:detail", pk=practice.pk)
    return render(
        request,
        "municipal/practices/practice_publish.html",
        {
            "practice": practice,
            "named": named,
            "ready": all(consented for _person, consented in named),
            "errors": errors,
        },
    )


def practice_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    _organisation, practice = get_own_practice(request, pk)
    if practice.status != Status.PUBLISHED:
        messages.info(request, gettext("Only a published case can be withdrawn."))
        return redirect("practices:detail", pk=practice.pk)
    if request.method == "POST":
        practice_withdraw(practice=practice, by=request.user)
        messages.success(
            request,
            gettext(
                "The case is withdrawn from the collection. It stays with your "
                "organisation and may be published again."
            ),
        )
        return redirect("practices:detail", pk=practice.pk)
    return render(
        request,
        "municipal/practices/practice_withdraw.html",
        {"practice": practice},
    )
