"""The curator's pages of pairs and groups: the list (with approval by an order),
forming a pair or group, its card, completing, terminating, replacing the mentor.

Every view starts with `require_curator` and looks objects up within the current
organisation, so another organisation's pair is a 404. Writes go through
`pairs.services`; a refusal is shown on the form in Russian.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from mentoring.lib.listing import paginate, querystring_without, sort_queryset
from mentoring.lib.redirects import safe_next
from mentoring.models import MeetingType
from pairs.forms import (
    PairApproveForm,
    PairCloseForm,
    PairCreateForm,
    PairFilterForm,
    PairReplaceMentorForm,
    PairSubstituteForm,
    PairTerminateForm,
    create_initial,
    integers,
)
from pairs.models import Meeting, Pair, PairEvent, PairMentee, PairSubstitute, Plan
from pairs.plan_services import plan_progress
from pairs.services import (
    OVER_CAPACITY,
    pair_close,
    pair_create,
    pair_replace_mentor,
    pair_terminate,
    pairs_approve,
)
from pairs.substitutes import pair_substitute_name
from people.access import (
    hides_social_risk,
    limit_tier_choices,
    require_curator,
    require_pairs_reader,
    without_tier,
)
from people.audit import log_pairs_read

SORT_COLUMNS = {
    "mentor": "mentor__participant__search_text",
    "form": ("form__order", "form__name"),
    "role_variant": ("role_variant__form__order", "role_variant__order"),
    "start": "start_on",
    "end": "planned_end_on",
    "status": "status",
    "order": ("order_date", "order_number"),
    "meetings": "meetings_count",
    "last_meeting": "last_meeting",
}


def memberships_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=PairMentee.objects.select_related(
            "mentee__participant__study_group"
        ).order_by("mentee__participant__search_text", "pk"),
    )


def apply_refusal(form, error: ValidationError) -> bool:
    """Put a service's refusal on the form, each message next to its field when
    the form has one. True when the mentor's capacity was among the reasons."""
    over_capacity = False
    if hasattr(error, "error_dict"):
        items = error.error_dict.items()
    else:
        items = [(NON_FIELD_ERRORS, error.error_list)]
    for field, errors in items:
        target = field if field in form.fields else None
        for item in errors:
            over_capacity |= item.code == OVER_CAPACITY
            form.add_error(target, item)
    return over_capacity


# --- List and approval -------------------------------------------------------


def pair_list(request: HttpRequest) -> HttpResponse:
    organisation, led_forms = require_pairs_reader(request)
    filters = limit_tier_choices(
        request, PairFilterForm(request.GET, organisation=organisation)
    )
    pairs = without_tier(request, Pair.objects.for_organisation(organisation))
    if led_forms is not None:  # a form lead: the pairs of their forms, read only
        pairs = pairs.filter(form__in=led_forms)
    counts = filters.filter(pairs, skip_status=True).aggregate(
        total=Count("pk"),
        **{
            status: Count("pk", filter=Q(status=status))
            for status in Pair.Status.values
        },
    )
    pairs = (
        filters.filter(pairs)
        .select_related(
            "mentor__participant",
            "co_mentor__participant",
            "form",
            "role_variant",
            "programme",
        )
        .prefetch_related(memberships_prefetch())
        .with_meeting_stats()
    )
    pairs, sort = sort_queryset(pairs, request, SORT_COLUMNS, default="-start")
    page_obj = paginate(request, pairs)
    log_pairs_read(request, page_obj.object_list, gettext("List of pairs and groups"))
    statuses = [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in Pair.Status.choices
    ]
    return render(
        request,
        "pairs/pair_list.html",
        {
            "organisation": organisation,
            "filters": filters,
            "page_obj": page_obj,
            "pairs": page_obj.object_list,
            "sort": sort,
            "querystring": querystring_without(request, "page"),
            "statuses": statuses,
            "counts": counts,
            "current_status": request.GET.get("status", ""),
            "approve_form": PairApproveForm(),
            "sees_tier": not hides_social_risk(request),
            "filtered": any(
                request.GET.get(name) for name in PairFilterForm.base_fields
            ),
        },
    )


@require_POST
def pair_approve(request: HttpRequest) -> HttpResponse:
    """Fix the chosen pairs by one order; back to the page the form came from."""
    organisation = require_curator(request)
    target = safe_next(request, request.POST.get("next"), reverse("pairs:list"))
    pairs = without_tier(request, Pair.objects.for_organisation(organisation)).filter(
        pk__in=integers(request.POST.getlist("pairs"))
    )
    form = PairApproveForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form[name].label}: {message}")
        return redirect(target)
    number, day = form.cleaned_data["order_number"], form.cleaned_data["order_date"]
    try:
        count = pairs_approve(
            pairs=pairs, order_number=number, order_date=day, by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s pair or group is approved by order No. %(number)s of "
                "%(date)s.",
                "%(count)s pairs and groups are approved by order No. %(number)s of "
                "%(date)s.",
                count,
            )
            % {"count": count, "number": number, "date": date_format(day, "j E Y")},
        )
    return redirect(target)


# --- Create -----------------------------------------------------------------


def pair_create_view(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    over_capacity = False
    if request.method == "POST":
        form = limit_tier_choices(
            request, PairCreateForm(request.POST, organisation=organisation)
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                pair = pair_create(
                    programme=data["programme"],
                    form=data["form"],
                    role_variant=data["role_variant"],
                    way=data["way"],
                    subprogramme=data["subprogramme"],
                    mentor=data["mentor"],
                    co_mentor=data["co_mentor"],
                    mentees=list(data["mentees"]),
                    title=data["title"],
                    start_on=data["start_on"],
                    planned_end_on=data["planned_end_on"],
                    allow_over_capacity=data["allow_over_capacity"],
                    by=request.user,
                )
            except ValidationError as error:
                over_capacity = apply_refusal(form, error)
            else:
                messages.success(
                    request,
                    gettext("The group is formed. Fix it by an order.")
                    if len(data["mentees"]) > 1
                    else gettext("The pair is formed. Fix it by an order."),
                )
                return redirect("pairs:detail", pk=pair.pk)
    else:
        form = limit_tier_choices(
            request,
            PairCreateForm(
                initial=create_initial(organisation, request.GET),
                organisation=organisation,
            ),
        )
    show_override = over_capacity or bool(
        form.is_bound and form.data.get("allow_over_capacity")
    )
    return render(
        request,
        "pairs/pair_form.html",
        {"form": form, "show_override": show_override},
    )


# --- Detail -----------------------------------------------------------------


def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, led_forms = require_pairs_reader(request)
    readable = without_tier(request, Pair.objects.for_organisation(organisation))
    if led_forms is not None:
        readable = readable.filter(form__in=led_forms)
    pair = get_object_or_404(
        readable.select_related(
            "programme",
            "form",
            "role_variant",
            "way",
            "subprogramme",
            "mentor__participant__organisation",
            "co_mentor__participant__organisation",
        ).prefetch_related(
            memberships_prefetch(),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("meeting_type").order_by(
                    "held_on", "pk"
                ),
            ),
            Prefetch(
                "events",
                queryset=PairEvent.objects.select_related(
                    "by", "old_mentor__participant", "new_mentor__participant"
                ),
            ),
            Prefetch(
                "substitutes",
                queryset=PairSubstitute.objects.select_related("mentor__participant"),
            ),
        ),
        pk=pk,
    )
    log_pairs_read(request, [pair], gettext("Pair or group"))
    plan = Plan.objects.filter(pair=pair).first()
    next_code = pair.next_meeting_code(timezone.localdate())
    next_meeting = (
        MeetingType.objects.filter(code=next_code).first() if next_code else None
    )
    return render(
        request,
        "pairs/pair_detail.html",
        {
            "pair": pair,
            "organisation": organisation,
            "memberships": pair.memberships.all(),
            "meetings": pair.meetings.all(),
            "events": pair.events.all(),
            "substitutes": pair.substitutes.all(),
            "today": timezone.localdate(),
            "next_meeting": next_meeting,
            "approve_form": PairApproveForm(),
            "plan_progress": plan_progress(plan) if plan else None,
        },
    )


# --- Complete, terminate, replace the mentor ---------------------------------------


def open_pair_or_redirect(request: HttpRequest, pk: int):
    """The open pair of the current organisation, or a redirect to its card with a
    warning when it is already closed."""
    organisation = require_curator(request)
    pair = get_object_or_404(
        without_tier(
            request, Pair.objects.for_organisation(organisation)
        ).select_related("programme", "form", "role_variant", "mentor__participant"),
        pk=pk,
    )
    if not pair.is_open:
        messages.warning(request, gettext("This pair or group is already closed."))
        return organisation, pair, redirect("pairs:detail", pk=pair.pk)
    log_pairs_read(request, [pair], gettext("Pair or group"))
    return organisation, pair, None


def pair_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class,
    service,
    arguments,
    template: str,
    success: str,
    form_kwargs=None,
) -> HttpResponse:
    """GET shows the form with its confirmation text; POST runs the service."""
    organisation, pair, refused = open_pair_or_redirect(request, pk)
    if refused:
        return refused
    extra = form_kwargs(pair, organisation) if form_kwargs else {}
    data = request.POST if request.method == "POST" else None
    form = form_class(data, **extra)
    over_capacity = False
    if form.is_valid():
        try:
            service(pair=pair, by=request.user, **arguments(form.cleaned_data))
        except ValidationError as error:
            over_capacity = apply_refusal(form, error)
            pair.refresh_from_db()
        else:
            messages.success(request, success)
            return redirect("pairs:detail", pk=pair.pk)
    show_override = over_capacity or bool(
        form.is_bound and form.data.get("allow_over_capacity")
    )
    memberships = pair.memberships.select_related("mentee__participant")
    return render(
        request,
        template,
        {
            "pair": pair,
            "form": form,
            "memberships": memberships,
            "show_override": show_override,
        },
    )


def pair_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return pair_action(
        request,
        pk,
        form_class=PairCloseForm,
        service=pair_close,
        arguments=lambda data: {
            "ended_on": data["ended_on"],
            "result": data["result"],
            "evidence": data["evidence"],
        },
        template="pairs/pair_close.html",
        success=gettext("The pair or group is completed."),
    )


def pair_terminate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return pair_action(
        request,
        pk,
        form_class=PairTerminateForm,
        service=pair_terminate,
        arguments=lambda data: {
            "ended_on": data["ended_on"],
            "reason": data["reason"],
            "end_reason": data["end_reason"],
        },
        template="pairs/pair_terminate.html",
        success=gettext("The pair or group is terminated; its mentees wait again."),
    )


def pair_substitute_view(request: HttpRequest, pk: int) -> HttpResponse:
    return pair_action(
        request,
        pk,
        form_class=PairSubstituteForm,
        form_kwargs=lambda pair, organisation: {
            "pair": pair,
            "organisation": organisation,
        },
        service=pair_substitute_name,
        arguments=lambda data: {
            "mentor": data["mentor"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "reason": data["reason"],
        },
        template="pairs/pair_substitute.html",
        success=gettext(
            "The substitute mentor is named: they see the journal and log meetings "
            "during the period only."
        ),
    )


def pair_replace_mentor_view(request: HttpRequest, pk: int) -> HttpResponse:
    return pair_action(
        request,
        pk,
        form_class=PairReplaceMentorForm,
        form_kwargs=lambda pair, organisation: {
            "pair": pair,
            "organisation": organisation,
        },
        service=pair_replace_mentor,
        arguments=lambda data: {
            "new_mentor": data["new_mentor"],
            "on": data["on"],
            "reason": data["reason"],
            "allow_over_capacity": data["allow_over_capacity"],
        },
        template="pairs/pair_replace_mentor.html",
        success=gettext("The mentor is replaced."),
    )
