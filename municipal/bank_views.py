"""The municipal mentor bank's pages, for the head, deputy and curator of an
organisation (`require_curator`): the bank of the other organisations' consenting
mentors, a mentor's card, the request form, the outgoing and incoming requests with
the decisions, and «our mentors in other organisations».

A request is looked up from the side that may act on it (outgoing: the asking
organisation; incoming: the mentor's), so anyone else's request is a 404; a mentor
outside the bank of the user's municipality is a 404 too. The pages show of the
other side's people only what `municipal.bank` lets through.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.lib.listing import paginate, querystring_without
from mentoring.lib.search import normalize
from municipal.bank import (
    bank_entry,
    bank_mentors,
    bank_queryset,
    bank_request_approve,
    bank_request_cancel,
    bank_request_create,
    bank_request_decline,
    incoming_requests,
    our_mentors_elsewhere,
    outgoing_requests,
)
from municipal.bank_forms import (
    BankApproveForm,
    BankDeclineForm,
    BankRequestForm,
    BankSearchForm,
)
from municipal.models import BankRequest
from pairs.models import Pair
from pairs.views import apply_refusal
from people.access import require_curator


def matches(entry, words: list[str]) -> bool:
    text = normalize(f"{entry.full_name} {entry.key_competencies} {entry.subjects}")
    return all(word in text for word in words)


def bank_list(request: HttpRequest) -> HttpResponse:
    """The bank: consenting mentors of the other organisations of the municipality
    with free places; searched in Python, because the bank of a municipality is
    small and its competencies are not kept normalised for the database."""
    organisation = require_curator(request)
    filters = BankSearchForm(request.GET, organisation=organisation)
    values = filters.values
    entries = bank_mentors(organisation)
    if values["organisation"] is not None:
        entries = [e for e in entries if e.organisation_pk == values["organisation"].pk]
    words = normalize(values["q"]).split()
    if words:
        entries = [e for e in entries if matches(e, words)]
    page = paginate(request, entries)
    return render(
        request,
        "municipal/bank/bank_list.html",
        {
            "organisation": organisation,
            "filters": filters,
            "page_obj": page,
            "entries": page.object_list,
            "querystring": querystring_without(request, "page"),
        },
    )


def get_bank_mentor(organisation, pk: int):
    return get_object_or_404(bank_queryset(organisation), pk=pk)


def mentor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    mentor = get_bank_mentor(organisation, pk)
    return render(
        request,
        "municipal/bank/mentor_detail.html",
        {
            "organisation": organisation,
            "entry": bank_entry(mentor),
            "requests": outgoing_requests(organisation).filter(mentor=mentor),
        },
    )


def initial_request(request: HttpRequest) -> dict:
    """`?mentee=&form=&role_variant=` from the matching page prefill the form."""
    return {
        name: request.GET[name]
        for name in ("mentee", "form", "role_variant", "programme")
        if request.GET.get(name, "").isdigit()
    }


def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    mentor = get_bank_mentor(organisation, pk)
    form = BankRequestForm(
        request.POST or None,
        organisation=organisation,
        initial=initial_request(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            bank_request_create(
                organisation=organisation,
                mentor=mentor,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "The request is sent. The mentor's curator will approve or "
                    "decline it; the decision appears in «Outgoing requests»."
                ),
            )
            return redirect("bank:outgoing")
    return render(
        request,
        "municipal/bank/request_form.html",
        {"organisation": organisation, "entry": bank_entry(mentor), "form": form},
    )


def status_filter(request: HttpRequest, queryset):
    """The `?status=` of a request list; unknown values show every request."""
    status = request.GET.get("status", "")
    if status in BankRequest.Status.values:
        return queryset.filter(status=status), status
    return queryset, ""


def request_list(request: HttpRequest, *, incoming: bool) -> HttpResponse:
    organisation = require_curator(request)
    queryset = (incoming_requests if incoming else outgoing_requests)(organisation)
    pending = queryset.filter(status=BankRequest.Status.PENDING).count()
    queryset, status = status_filter(request, queryset)
    page = paginate(request, queryset.order_by("-requested_at", "-pk"))
    return render(
        request,
        "municipal/bank/request_list.html",
        {
            "organisation": organisation,
            "incoming": incoming,
            "page_obj": page,
            "requests": page.object_list,
            "status": status,
            "statuses": BankRequest.Status.choices,
            "pending": pending,
            "querystring": querystring_without(request, "page"),
        },
    )


def outgoing(request: HttpRequest) -> HttpResponse:
    return request_list(request, incoming=False)


def incoming(request: HttpRequest) -> HttpResponse:
    return request_list(request, incoming=True)


def get_incoming(organisation, pk: int) -> BankRequest:
    return get_object_or_404(incoming_requests(organisation), pk=pk)


def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve with the pair's dates (the page asks to confirm)."""
    organisation = require_curator(request)
    bank_request = get_incoming(organisation, pk)
    form = BankApproveForm(request.POST or None, programme=bank_request.programme)
    if request.method == "POST" and form.is_valid():
        try:
            bank_request_approve(
                request=bank_request, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "The request is approved: the pair is created in the programme "
                    "of %(organisation)s."
                )
                % {"organisation": bank_request.organisation.short_name},
            )
            return redirect("bank:our-mentors")
    return render(
        request,
        "municipal/bank/request_decide.html",
        {
            "organisation": organisation,
            "bank_request": bank_request,
            "form": form,
            "approving": True,
        },
    )


def decline(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    bank_request = get_incoming(organisation, pk)
    form = BankDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_request_decline(
                request=bank_request, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("The request is declined."))
            return redirect("bank:incoming")
    return render(
        request,
        "municipal/bank/request_decide.html",
        {
            "organisation": organisation,
            "bank_request": bank_request,
            "form": form,
            "approving": False,
        },
    )


@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    bank_request = get_object_or_404(outgoing_requests(organisation), pk=pk)
    try:
        bank_request_cancel(request=bank_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The request is withdrawn."))
    return redirect("bank:outgoing")


def our_mentors(request: HttpRequest) -> HttpResponse:
    """«Our mentors in other organisations»: the cross-organisation pairs our
    mentors lead. The mentee is «a mentee of <organisation>», never named."""
    organisation = require_curator(request)
    pairs = our_mentors_elsewhere(organisation)
    status = request.GET.get("status", "")
    if status in Pair.Status.values:
        pairs = pairs.filter(status=status)
    else:
        status = ""
    page = paginate(request, pairs)
    return render(
        request,
        "municipal/bank/our_mentors.html",
        {
            "organisation": organisation,
            "page_obj": page,
            "pairs": page.object_list,
            "status": status,
            "statuses": Pair.Status.choices,
            "querystring": querystring_without(request, "page"),
        },
    )
