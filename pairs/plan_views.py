"""Pages of the personalised plan of a pair: the plan, creating and editing it and its
items, ticking items, the evidence files, and the curator's list of progress."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.lib.files import stored_file_response
from pairs.access import get_pair_for_user, require_pair_role, visible_pairs
from pairs.models import Pair, PairMentee, Plan, PlanItem
from pairs.plan_forms import (
    PlanCreateForm,
    PlanItemForm,
    PlanItemStatusForm,
    PlanListFilterForm,
    PlanUpdateForm,
    templates_for,
)
from pairs.plan_services import (
    OPEN_ITEM_STATUSES,
    period_warning,
    plan_create,
    plan_item_add,
    plan_item_set_status,
    plan_item_update,
    plan_progress,
    plan_update,
)
from people.access import limit_tier_choices, require_curator, without_tier
from people.audit import log_pairs_read

EDITORS = ("curator", "mentor")
TICKERS = ("curator", "mentor", "mentee")


def pair_queryset(request):
    return visible_pairs(request).select_related(
        "programme__organisation",
        "form",
        "role_variant",
        "mentor__participant",
        "co_mentor__participant",
    )


def get_plan_pair(request: HttpRequest, pk: int) -> Pair:
    """The pair (404 when it is not yours) with its mentees."""
    get_pair_for_user(request, pk)
    return get_object_or_404(
        pair_queryset(request).prefetch_related(
            Prefetch(
                "memberships",
                queryset=PairMentee.objects.select_related("mentee__participant"),
            )
        ),
        pk=pk,
    )


def get_item_for_user(request: HttpRequest, pk: int) -> PlanItem:
    """An item of a plan of a pair the user may see, else 404."""
    item = get_object_or_404(
        PlanItem.objects.select_related(
            "plan__pair__form",
            "plan__pair__mentor__participant",
            "plan__pair__co_mentor__participant",
        ),
        pk=pk,
        plan__pair__in=visible_pairs(request),
    )
    log_pairs_read(request, [item.plan.pair], gettext("Personalised plan"))
    return item


def get_plan_or_404(pair: Pair) -> Plan:
    plan = Plan.objects.filter(pair=pair).first()
    if plan is None:
        raise Http404
    plan.pair = pair
    return plan


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_plan_pair(request, pk)
    role = require_pair_role(request, pair, *TICKERS)
    plan = (
        Plan.objects.filter(pair=pair)
        .select_related("template")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.select_related(
                    "done_by", "meeting_type", "meeting"
                ),
            )
        )
        .first()
    )
    context = {
        "pair": pair,
        "plan": plan,
        "role": role,
        "can_edit": role in EDITORS,
        "today": timezone.localdate(),
    }
    if plan is not None:
        plan.pair = pair
        context["progress"] = plan_progress(plan)
        context["period_warning"] = period_warning(plan)
        context["items"] = plan.items.all()
    else:
        context["templates"] = templates_for(pair)
    return render(request, "pairs/plan_detail.html", context)


def plan_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_plan_pair(request, pk)
    require_pair_role(request, pair, *EDITORS)
    if Plan.objects.filter(pair=pair).exists():
        return redirect("plans:detail", pk=pair.pk)
    initial = {}
    if request.GET.get("template", "").isdigit():
        initial["template"] = int(request.GET["template"])
    form = PlanCreateForm(request.POST or None, pair=pair, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_create(
                pair=pair,
                by=request.user,
                goal=data["goal"],
                difficulties=data["difficulties"],
                directions=data["directions"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                template=data["template"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The personalised plan is created."))
            return redirect("plans:detail", pk=pair.pk)
    return render(request, "pairs/plan_form.html", {"pair": pair, "form": form})


def plan_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_plan_pair(request, pk)
    require_pair_role(request, pair, *EDITORS)
    plan = get_plan_or_404(pair)
    form = PlanUpdateForm(
        request.POST or None,
        initial={
            "goal": plan.goal,
            "difficulties": plan.difficulties,
            "directions": plan.directions,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The plan is saved."))
            return redirect("plans:detail", pk=pair.pk)
    return render(
        request, "pairs/plan_form.html", {"pair": pair, "plan": plan, "form": form}
    )


def plan_item_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_plan_pair(request, pk)
    require_pair_role(request, pair, *EDITORS)
    plan = get_plan_or_404(pair)
    form = PlanItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_item_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The item is added to the plan."))
            return redirect("plans:detail", pk=pair.pk)
    return render(
        request,
        "pairs/plan_item_form.html",
        {"pair": pair, "plan": plan, "form": form},
    )


def plan_item_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request, pk)
    pair = item.plan.pair
    require_pair_role(request, pair, *EDITORS)
    form = PlanItemForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "activity": item.activity,
            "deadline": item.deadline,
            "reporting_form": item.reporting_form,
            "meeting_type": item.meeting_type_id,
            "evidence_note": item.evidence_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["evidence_file"] is False:  # «clear» ticked: keep the file
            data["evidence_file"] = None
        try:
            plan_item_update(item=item, by=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The item is saved."))
            return redirect("plans:detail", pk=pair.pk)
    return render(
        request,
        "pairs/plan_item_form.html",
        {"pair": pair, "plan": item.plan, "item": item, "form": form},
    )


@require_POST
def plan_item_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request, pk)
    pair = item.plan.pair
    require_pair_role(request, pair, *TICKERS)
    form = PlanItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("The item was not changed."))
        return redirect("plans:detail", pk=pair.pk)
    try:
        plan_item_set_status(
            item=item,
            status=form.cleaned_data["status"],
            by=request.user,
            done_on=form.cleaned_data["done_on"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if item.status == PlanItem.Status.DONE:
            messages.success(request, gettext("The item is marked as done."))
        else:
            messages.success(request, gettext("The item is marked as not done."))
    return redirect(f"{redirect('plans:detail', pk=pair.pk).url}#item-{item.pk}")


def plan_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file, only to those who see the pair: never a public media URL."""
    item = get_item_for_user(request, pk)
    require_pair_role(request, item.plan.pair, *TICKERS)
    return stored_file_response(item.evidence_file)


def plan_list(request: HttpRequest) -> HttpResponse:
    """Progress of the plans of every open pair of the organisation."""
    organisation = require_curator(request)
    today = timezone.localdate()
    filters = limit_tier_choices(request, PlanListFilterForm(request.GET or None))
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    open_items = Q(plan__items__status__in=OPEN_ITEM_STATUSES)
    pairs = (
        without_tier(request, Pair.objects.for_organisation(organisation))
        .open()
        .named()
        .select_related("form", "plan")
        .annotate(
            plan_total=Count(
                "plan__items",
                filter=~Q(plan__items__status=PlanItem.Status.CANCELLED),
            ),
            plan_done=Count(
                "plan__items", filter=Q(plan__items__status=PlanItem.Status.DONE)
            ),
            plan_overdue=Count(
                "plan__items", filter=open_items & Q(plan__items__deadline__lt=today)
            ),
        )
        .annotate(
            plan_percent=Case(
                When(plan_total=0, then=Value(None, output_field=FloatField())),
                default=Cast(F("plan_done"), FloatField())
                * 100.0
                / Cast(F("plan_total"), FloatField()),
                output_field=FloatField(),
            )
        )
    )
    if data.get("form"):
        pairs = pairs.filter(form=data["form"])
    if data.get("overdue"):
        pairs = pairs.filter(plan_overdue__gt=0)
    sort = data.get("sort") or "progress"
    if sort == "-progress":
        pairs = pairs.order_by(F("plan_percent").desc(nulls_last=True), "pk")
    else:
        pairs = pairs.order_by(F("plan_percent").asc(nulls_last=True), "pk")
    pairs = list(pairs)
    log_pairs_read(request, pairs, gettext("Personalised plans"))
    return render(
        request,
        "pairs/plan_list.html",
        {
            "organisation": organisation,
            "pairs": pairs,
            "filters": filters,
            "sort": sort,
        },
    )
