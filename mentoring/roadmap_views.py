"""Pages of a programme's roadmap («дорожная карта»): the rows by stage with their
progress, filters, creating it from a template, adding and editing rows, marking
them done, and the evidence files. For the head, deputy and curator of the
programme's organisation; another organisation's programme is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from mentoring.lib.files import stored_file_response
from mentoring.models import Programme, RoadmapItem, RoadmapTemplate
from mentoring.roadmap_forms import (
    OVERDUE,
    RoadmapFilterForm,
    RoadmapFromTemplateForm,
    RoadmapItemForm,
    RoadmapItemStatusForm,
)
from mentoring.roadmap_services import (
    roadmap_from_template,
    roadmap_item_create,
    roadmap_item_set_status,
    roadmap_item_update,
    stage_progress,
)
from people.access import require_curator

ITEM_FIELDS = [
    "stage",
    "number",
    "activity",
    "content",
    "due_from",
    "due_to",
    "due_text",
    "responsible_text",
    "expected_result",
    "evidence_note",
    "evidence_link",
]


def get_programme(request: HttpRequest, pk: int) -> Programme:
    """A programme of the current organisation for its managers; 403 for others,
    404 for another organisation's programme."""
    organisation = require_curator(request)
    return get_object_or_404(
        Programme.objects.select_related("organisation"),
        pk=pk,
        organisation=organisation,
    )


def get_item(request: HttpRequest, pk: int) -> RoadmapItem:
    organisation = require_curator(request)
    return get_object_or_404(
        RoadmapItem.objects.select_related("programme__organisation", "stage"),
        pk=pk,
        programme__organisation=organisation,
    )


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def roadmap_index(request: HttpRequest) -> HttpResponse:
    """The roadmap of the organisation's current (else latest) programme."""
    organisation = require_curator(request)
    programmes = Programme.objects.for_organisation(organisation)
    programme = programmes.default()
    if programme is None:
        return render(
            request, "mentoring/roadmap_empty.html", {"organisation": organisation}
        )
    url = redirect("roadmap:detail", pk=programme.pk).url
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme(request, pk)
    today = timezone.localdate()
    filters = RoadmapFilterForm(
        request.GET or None, organisation=programme.organisation
    )
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    items = (
        programme.roadmap_items.select_related("stage")
        .prefetch_related("responsible")
        .order_by("stage__number", "order", "pk")
    )
    if data.get("stage"):
        items = items.filter(stage=data["stage"])
    status = data.get("status")
    if status == OVERDUE:
        items = items.overdue(today)
    elif status:
        items = items.filter(status=status)
    if data.get("responsible"):
        items = items.filter(responsible=data["responsible"])
    items = list(items)
    progress = stage_progress(programme, today)
    total = sum(row["total"] for row in progress)
    groups = []
    for row in progress:
        rows = [item for item in items if item.stage_id == row["stage"].pk]
        if rows or (not filters.has_changed() and row["total"]):
            groups.append({**row, "items": rows})
    done = sum(row["done"] for row in progress)
    context = {
        "programme": programme,
        "organisation": programme.organisation,
        "filters": filters,
        "filtered": bool(data and any(data.values())),
        "groups": groups,
        "progress": progress,
        "total": total,
        "done": done,
        "overdue": sum(row["overdue"] for row in progress),
        "percent": round(done * 100 / total) if total else 0,
        "today": today,
        "templates": RoadmapTemplate.objects.filter(is_active=True)
        if not total
        else [],
        "programmes": Programme.objects.for_organisation(programme.organisation),
    }
    return render(request, "mentoring/roadmap_detail.html", context)


def roadmap_from_template_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme(request, pk)
    initial = {}
    if request.GET.get("template", "").isdigit():
        initial["template"] = int(request.GET["template"])
    form = RoadmapFromTemplateForm(request.POST or None, initial=initial)
    has_rows = programme.roadmap_items.exists()
    if not has_rows:
        del form.fields["replace"]
    if request.method == "POST" and form.is_valid():
        try:
            items = roadmap_from_template(
                programme=programme,
                template=form.cleaned_data["template"],
                by=request.user,
                replace=form.cleaned_data.get("replace", False),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The roadmap is created: %(count)s row.",
                    "The roadmap is created: %(count)s rows.",
                    len(items),
                )
                % {"count": len(items)},
            )
            return redirect("roadmap:detail", pk=programme.pk)
    return render(
        request,
        "mentoring/roadmap_from_template.html",
        {"programme": programme, "form": form, "has_rows": has_rows},
    )


def roadmap_item_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme(request, pk)
    initial = {}
    if request.GET.get("stage", "").isdigit():
        initial["stage"] = int(request.GET["stage"])
    form = RoadmapItemForm(
        request.POST or None,
        request.FILES or None,
        organisation=programme.organisation,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = roadmap_item_create(
                programme=programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The row is added to the roadmap."))
            return redirect(
                f"{redirect('roadmap:detail', pk=programme.pk).url}#item-{item.pk}"
            )
    return render(
        request,
        "mentoring/roadmap_item_form.html",
        {"programme": programme, "form": form},
    )


def roadmap_item_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item(request, pk)
    programme = item.programme
    initial = {field: getattr(item, field) for field in ITEM_FIELDS}
    initial["responsible"] = list(item.responsible.values_list("pk", flat=True))
    form = RoadmapItemForm(
        request.POST or None,
        request.FILES or None,
        organisation=programme.organisation,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            roadmap_item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The row is saved."))
            return redirect(
                f"{redirect('roadmap:detail', pk=programme.pk).url}#item-{item.pk}"
            )
    return render(
        request,
        "mentoring/roadmap_item_form.html",
        {"programme": programme, "item": item, "form": form},
    )


@require_POST
def roadmap_item_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item(request, pk)
    form = RoadmapItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("The row was not changed."))
    else:
        try:
            roadmap_item_set_status(
                item=item,
                by=request.user,
                status=form.cleaned_data["status"],
                done_on=form.cleaned_data["done_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("The status of the row is saved."))
    detail = redirect("roadmap:detail", pk=item.programme_id).url
    return redirect(f"{detail}#item-{item.pk}")


def roadmap_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file, only to the organisation's managers: never a public
    media URL."""
    item = get_item(request, pk)
    return stored_file_response(item.evidence_file)
