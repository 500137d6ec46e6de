"""The consent register (152-ФЗ) and the pages that record and revoke consents.

Every view starts with `require_curator`: the head, deputy and curator of the
current organisation; rows are looked up within it, so another organisation's
participant or consent is a 404. Scans are handed out only by `consent_document`,
never through MEDIA_URL.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.lib.files import stored_file_response
from mentoring.lib.listing import paginate, querystring_without, sort_queryset
from mentoring.lib.redirects import safe_next
from people import consent_services as services
from people.access import require_curator
from people.consent_forms import ConsentFilterForm, ConsentForm, RevokeForm
from people.models import Consent, Participant
from people.views import attach_errors

SORTS = {
    "name": "search_text",
    "age": ("birth_date", "search_text"),
}


def register(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    filters = ConsentFilterForm(request.GET, organisation=organisation)
    base = services.register_queryset(organisation)
    queryset = filters.apply(base).select_related(
        "study_group", "mentee_profile", "mentor_profile"
    )
    queryset, sort = sort_queryset(queryset, request, SORTS, default="name")
    page = paginate(request, queryset)
    scope = filters.scope_value
    totals = dict(
        filters.apply(base, ignore={"status"})
        .order_by()
        .values_list(f"{scope}_status")
        .annotate(count=Count("pk"))
    )
    return render(
        request,
        "people/consents/register.html",
        {
            "organisation": organisation,
            "filters": filters,
            "page_obj": page,
            "people": page.object_list,
            "sort": sort,
            "scope": scope,
            "querystring": querystring_without(request, "page"),
            "minors_in_pairs_without_consent": base.filter(minor=True, in_pair=True)
            .exclude(processing_status=services.Status.VALID)
            .count(),
            "status_counts": [
                {"value": value, "label": label, "count": totals.get(value, 0)}
                for value, label in services.Status.choices
            ],
        },
    )


def get_participant(organisation, pk: int) -> Participant:
    return get_object_or_404(
        Participant.objects.for_organisation(organisation).select_related(
            "mentee_profile", "mentor_profile", "study_group"
        ),
        pk=pk,
    )


def get_consent(organisation, pk: int) -> Consent:
    return get_object_or_404(
        Consent.objects.filter(participant__organisation=organisation).select_related(
            "participant__mentee_profile", "participant__mentor_profile"
        ),
        pk=pk,
    )


def card_url(participant: Participant) -> str:
    """The mentee or mentor card of the person, else their consents page."""
    if hasattr(participant, "mentee_profile"):
        return reverse("people:mentee-detail", args=[participant.mentee_profile.pk])
    if hasattr(participant, "mentor_profile"):
        return reverse("people:mentor-detail", args=[participant.mentor_profile.pk])
    return reverse("consents:participant", args=[participant.pk])


def participant_consents(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    participant = get_participant(organisation, pk)
    return render(
        request,
        "people/consents/participant.html",
        {
            "organisation": organisation,
            "participant": participant,
            "consents": participant.consents.order_by("scope", "-given_on", "-pk"),
            "card_url": card_url(participant),
        },
    )


def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    participant = get_participant(organisation, pk)
    default = reverse("consents:participant", args=[participant.pk])
    target = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), default
    )
    form = ConsentForm(
        request.POST or None, request.FILES or None, participant=participant
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                participant=participant,
                scope=data["scope"],
                given_by=data["given_by"],
                relation=data["relation"],
                given_on=data["given_on"],
                valid_until=data["valid_until"],
                document=data["document"] or None,
                note=data["note"],
            )
        except ValidationError as error:
            errors = attach_errors(error, form)
        else:
            messages.success(
                request,
                _("The consent of %(name)s is recorded.")
                % {"name": participant.full_name},
            )
            return redirect(target)
    return render(
        request,
        "people/consents/consent_form.html",
        {
            "organisation": organisation,
            "participant": participant,
            "form": form,
            "errors": errors,
            "next": target,
            "card_url": card_url(participant),
        },
    )


def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    consent = get_consent(organisation, pk)
    participant = consent.participant
    default = reverse("consents:participant", args=[participant.pk])
    target = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), default
    )
    if consent.revoked_on is not None:
        messages.info(request, _("This consent has already been revoked."))
        return redirect(target)
    warn = services.leaves_minor_in_pair_without_consent(consent)
    form = RevokeForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_revoke(
                consent=consent, revoked_on=form.cleaned_data["revoked_on"]
            )
        except ValidationError as error:
            errors = attach_errors(error, form)
        else:
            messages.success(request, _("The consent is revoked."))
            if warn:
                messages.warning(request, warning_text())
            return redirect(target)
    return render(
        request,
        "people/consents/consent_revoke.html",
        {
            "organisation": organisation,
            "consent": consent,
            "participant": participant,
            "form": form,
            "errors": errors,
            "warning": warning_text() if warn else "",
            "next": target,
            "today": timezone.localdate(),
        },
    )


def warning_text() -> str:
    return _(
        "The child stays in the pair without a consent: decide whether to end the pair."
    )


def consent_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan, only to the managers of the participant's organisation."""
    organisation = require_curator(request)
    consent = get_consent(organisation, pk)
    response = stored_file_response(consent.document)
    response["Cache-Control"] = "private, no-store"
    return response
