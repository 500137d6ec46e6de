"""Pages of concerns about a pair: raise one (from the pair's page), the list, a
concern with its resolution. Every view starts with a rule of
`safeguarding.concern_access`; a concern the user may not see is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring.lib.listing import paginate
from pairs.models import mentees_prefetch
from safeguarding.concern_access import (
    get_concern,
    handles_concerns,
    may_resolve,
    pair_to_report,
    visible_concerns,
)
from safeguarding.concern_forms import ConcernForm, ConcernResolveForm
from safeguarding.concern_services import concern_raise, concern_resolve, reporter_for
from safeguarding.models import Concern


def put_errors(error: ValidationError, form) -> None:
    for field, field_messages in getattr(error, "message_dict", {}).items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)


def concern_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair, role = pair_to_report(request, pk)
    staff = role == "staff"
    form = ConcernForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = concern_raise(
                pair=pair,
                reporter=data.get("reporter") or reporter_for(role),
                representative_name=data.get("representative_name", ""),
                text=data["text"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors(error, form)
        else:
            messages.success(
                request,
                _(
                    "The concern is passed to the curator; the pair's reminders "
                    "are paused until it is resolved."
                )
                if concern.paused_reminders
                else _("The concern is passed to the curator."),
            )
            return redirect("safeguarding:concern-detail", pk=concern.pk)
    return render(
        request,
        "safeguarding/concern_form.html",
        {"pair": pair, "form": form, "staff": staff},
    )


def concern_list(request: HttpRequest) -> HttpResponse:
    concerns = (
        visible_concerns(request)
        .select_related(
            "pair__programme",
            "pair__role_variant",
            "pair__mentor__participant",
            "raised_by",
        )
        .prefetch_related(mentees_prefetch("pair__memberships"))
        .order_by("status", "-raised_at", "-pk")  # "open" before "resolved"
    )
    page = paginate(request, concerns)
    return render(
        request,
        "safeguarding/concern_list.html",
        {
            "page_obj": page,
            "concerns": page.object_list,
            "handles": handles_concerns(request),
            "open_count": visible_concerns(request).open().count(),
        },
    )


def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern(request, pk)
    return render_detail(request, concern)


def render_detail(request, concern: Concern, form=None) -> HttpResponse:
    resolvable = concern.is_open and may_resolve(request, concern)
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "concern": concern,
            "pair": concern.pair,
            "resolve_form": (form or ConcernResolveForm()) if resolvable else None,
            "handles": handles_concerns(request),
        },
    )


@require_POST
def concern_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern(request, pk)
    if not may_resolve(request, concern):
        return render_detail(request, concern)
    form = ConcernResolveForm(request.POST)
    if form.is_valid():
        try:
            concern_resolve(
                concern=concern,
                resolution=form.cleaned_data["resolution"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors(error, form)
        else:
            messages.success(request, _("The concern is resolved."))
            return redirect("safeguarding:concern-detail", pk=concern.pk)
    return render_detail(request, concern, form)
