"""Pages of the implementation checklist (seed 001).

- the organisation's head, deputy and curator: «Чек-лист внедрения» of their
  organisation, ticking an item with its evidence;
- the municipal coordinator: the matrix organisations × items, the deadlines of
  the municipality, the review of an entry (accept, or return with a comment);
- both: the evidence file, through a checked view only (never a media URL).

Another municipality's entries are 404 for a coordinator; another organisation's
entries are 404 for a curator; everyone else gets 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from mentoring.lib.files import stored_file_response
from mentoring.models import Organisation
from municipal.access import require_coordinator, require_curator
from municipal.checklist import (
    ITEMS,
    checklist_deadline_set,
    checklist_entry_review,
    checklist_entry_submit,
    checklist_rows,
    checklist_suggestions,
    checklist_totals,
)
from municipal.checklist_forms import (
    AWAITING,
    OVERDUE,
    ChecklistDeadlinesForm,
    ChecklistEntryForm,
    ChecklistMatrixFilterForm,
    ChecklistReviewForm,
)
from municipal.models import ChecklistDeadline, ChecklistEntry, ChecklistItem

PER_PAGE = 50
SORTS = {
    "name": lambda row: row.organisation.short_name.casefold(),
    "accepted": lambda row: (row.accepted, row.organisation.short_name.casefold()),
    "overdue": lambda row: (row.overdue, row.organisation.short_name.casefold()),
}


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def checklist_index(request: HttpRequest) -> HttpResponse:
    """One address for the menu: the coordinator's matrix, or the organisation's
    own checklist."""
    if request.access.is_manager:
        return redirect("checklist:mine")
    require_coordinator(request)
    return redirect("checklist:matrix")


# --- The organisation's side ----------------------------------------------------------


def checklist_mine(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    (row,) = checklist_rows([organisation])
    suggestions = checklist_suggestions(organisation)
    cells = [
        {"cell": cell, "suggestion": suggestions.get(cell.item)} for cell in row.cells
    ]
    return render(
        request,
        "municipal/checklist/mine.html",
        {"organisation": organisation, "row": row, "cells": cells},
    )


def checklist_submit_view(request: HttpRequest, item: str) -> HttpResponse:
    organisation = require_curator(request)
    if item not in ITEMS:
        raise Http404
    entry = ChecklistEntry.objects.filter(organisation=organisation, item=item).first()
    suggestion = checklist_suggestions(organisation).get(item)
    if entry is not None:
        initial = {
            "done_on": entry.done_on,
            "document": entry.document,
            "link": entry.link,
            "note": entry.note,
        }
    elif suggestion is not None:
        initial = {"done_on": suggestion.done_on, "document": suggestion.document}
    else:
        initial = {}
    form = ChecklistEntryForm(
        request.POST or None, request.FILES or None, item=item, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            checklist_entry_submit(
                organisation=organisation,
                item=item,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                gettext("The item is ticked and sent to the coordinator for review."),
            )
            return redirect(f"{redirect('checklist:mine').url}#item-{item}")
    deadline = ChecklistDeadline.objects.filter(
        municipality_id=organisation.municipality_id, item=item
    ).first()
    return render(
        request,
        "municipal/checklist/submit.html",
        {
            "organisation": organisation,
            "item": item,
            "label": ChecklistItem(item).label,
            "entry": entry,
            "deadline": deadline,
            "suggestion": suggestion if entry is None else None,
            "form": form,
        },
    )


# --- The coordinator's side -----------------------------------------------------------


def checklist_matrix(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    filters = ChecklistMatrixFilterForm(request.GET or None)
    values = filters.values
    organisations = Organisation.objects.filter(municipality=municipality)
    if values.get("kind"):
        organisations = organisations.filter(kind=values["kind"])
    if values.get("q"):
        organisations = organisations.filter(
            Q(short_name__icontains=values["q"]) | Q(name__icontains=values["q"])
        )
    rows = checklist_rows(organisations.order_by("short_name"))
    totals = checklist_totals(rows)
    if values.get("show") == OVERDUE:
        rows = [row for row in rows if row.overdue]
    elif values.get("show") == AWAITING:
        rows = [row for row in rows if row.awaiting]
    sort = request.GET.get("sort", "name")
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = "name", "name"
    rows.sort(key=SORTS[key], reverse=sort.startswith("-"))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "municipal/checklist/matrix.html",
        {
            "municipality": municipality,
            "filters": filters,
            "page_obj": page,
            "rows": page.object_list,
            "totals": totals,
            "items": [ChecklistItem(item) for item in ITEMS],
            "sort": sort,
            "querystring": query.urlencode(),
            "has_deadlines": ChecklistDeadline.objects.filter(
                municipality=municipality
            ).exists(),
        },
    )


def checklist_deadlines(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    current = {
        deadline.item: deadline.due_on
        for deadline in ChecklistDeadline.objects.filter(municipality=municipality)
    }
    form = ChecklistDeadlinesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            for item in ITEMS:
                if form.cleaned_data[item] != current.get(item):
                    checklist_deadline_set(
                        municipality=municipality,
                        item=item,
                        due_on=form.cleaned_data[item],
                        by=request.user,
                    )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The deadlines are saved."))
            return redirect("checklist:matrix")
    return render(
        request,
        "municipal/checklist/deadlines.html",
        {"municipality": municipality, "form": form},
    )


def get_coordinated_entry(request: HttpRequest, pk: int) -> ChecklistEntry:
    """An entry of the coordinator's municipalities; 404 for another's."""
    require_coordinator(request)
    entry = (
        ChecklistEntry.objects.select_related(
            "organisation__municipality", "submitted_by", "reviewed_by"
        )
        .filter(
            pk=pk,
            organisation__municipality_id__in=(
                request.access.coordinated_municipalities
            ),
        )
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def checklist_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_coordinated_entry(request, pk)
    form = ChecklistReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == ChecklistReviewForm.ACCEPT
        try:
            checklist_entry_review(
                entry=entry,
                accept=accept,
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            entry.refresh_from_db()
        else:
            messages.success(
                request,
                gettext("The entry is accepted.")
                if accept
                else gettext("The entry is returned to the organisation."),
            )
            return redirect("checklist:matrix")
    (row,) = checklist_rows([entry.organisation])
    cell = next(cell for cell in row.cells if cell.item == entry.item)
    return render(
        request,
        "municipal/checklist/review.html",
        {"entry": entry, "cell": cell, "form": form},
    )


# --- The evidence file ----------------------------------------------------------------


def checklist_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's evidence file: to the managers of its organisation (the current
    one) and to its municipality's coordinator; 404 for any other organisation's
    or municipality's, 403 for everyone who sees no checklist at all."""
    access = request.access
    if not (access.is_manager or access.is_coordinator):
        raise PermissionDenied
    scope = Q(organisation__municipality_id__in=access.coordinated_municipalities)
    if access.is_manager:
        scope |= Q(organisation=access.organisation)
    entry = ChecklistEntry.objects.filter(scope, pk=pk).first()
    if entry is None:
        raise Http404
    return stored_file_response(entry.evidence_file)
