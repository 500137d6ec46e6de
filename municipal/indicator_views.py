"""Pages of the municipality's indicators, at /municipal-indicators/.

For the coordinator (`require_coordinator`; another municipality's indicator or
roll-up is 404): the list (a default one from the empty state, add, edit, move,
deactivate), targets per school year, the roll-up of a year (indicators ×
organisations, the municipality's value against the target), «Отправить сводку»
that freezes it, the roll-ups sent and each one's frozen figures. For the head,
deputy and curator of an organisation (`require_curator`): their organisation's
values of the reported indicators for a year. Everybody else gets 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.lib.listing import paginate, querystring_without
from mentoring.models import SchoolYear
from municipal.access import require_coordinator, require_curator
from municipal.indicator_forms import FiguresForm, MunicipalIndicatorForm, YearForm
from municipal.indicators import (
    indicator_rollup,
    indicator_set_create_default,
    indicators_shown,
    municipal_indicator_create,
    municipal_indicator_move,
    municipal_indicator_set_active,
    municipal_indicator_update,
    municipal_targets_set,
    organisation_indicator_values_set,
    report_view,
    reported_indicators,
    rollup_data,
    rollup_snapshot_create,
    snapshot_title,
)
from municipal.models import (
    MunicipalIndicator,
    MunicipalTarget,
    OrganisationIndicatorValue,
    RollupSnapshot,
)


def get_indicator(request, pk: int) -> MunicipalIndicator:
    municipality = require_coordinator(request)
    return get_object_or_404(MunicipalIndicator, pk=pk, municipality=municipality)


def school_year(request) -> SchoolYear:
    """`?year=` (or the POSTed one), else the current school year."""
    raw = request.POST.get("year") or request.GET.get("year") or ""
    if raw.isdigit():
        return get_object_or_404(SchoolYear, pk=raw)
    return SchoolYear.for_date(timezone.localdate())


def year_form(year: SchoolYear) -> YearForm:
    years = SchoolYear.objects.filter(
        Q(starts_on__lte=timezone.localdate()) | Q(pk=year.pk)
    ).order_by("-starts_on")
    return YearForm(initial={"year": year}, years=years)


def with_year(name: str, year: SchoolYear) -> str:
    return f"{reverse(name)}?{urlencode({'year': year.pk})}"


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- The list ----------------------------------------------------------------------


def indicator_list(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    year = school_year(request)
    indicators = list(
        MunicipalIndicator.objects.filter(municipality=municipality).order_by(
            "order", "pk"
        )
    )
    targets = dict(
        MunicipalTarget.objects.filter(
            indicator__in=indicators, school_year=year
        ).values_list("indicator_id", "target")
    )
    return render(
        request,
        "municipal/indicators/indicator_list.html",
        {
            "municipality": municipality,
            "year": year,
            "filters": year_form(year),
            "rows": [{"indicator": i, "target": targets.get(i.pk)} for i in indicators],
        },
    )


@require_POST
def create_default(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    try:
        created = indicator_set_create_default(
            municipality=municipality, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("The default list is created: %(count)s indicators.")
            % {"count": len(created)},
        )
    return redirect("municipal-indicators:list")


def indicator_create(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    form = MunicipalIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            municipal_indicator_create(municipality=municipality, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The indicator is added."))
            return redirect("municipal-indicators:list")
    return render(
        request,
        "municipal/indicators/indicator_form.html",
        {"municipality": municipality, "form": form},
    )


def indicator_update(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator(request, pk)
    form = MunicipalIndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        indicator.refresh_from_db()  # the form changed it; the service decides
        try:
            municipal_indicator_update(indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The indicator is saved."))
            return redirect("municipal-indicators:list")
    return render(
        request,
        "municipal/indicators/indicator_form.html",
        {
            "municipality": indicator.municipality,
            "form": form,
            "indicator": indicator,
        },
    )


def indicator_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (GET); POST takes the indicator out of use."""
    indicator = get_indicator(request, pk)
    if request.method == "POST":
        municipal_indicator_set_active(indicator=indicator, is_active=False)
        messages.success(request, gettext("The indicator is no longer in use."))
        return redirect("municipal-indicators:list")
    return render(
        request,
        "municipal/indicators/indicator_confirm_deactivate.html",
        {
            "indicator": indicator,
            "values": indicator.values.count(),
            "targets": indicator.targets.count(),
        },
    )


@require_POST
def indicator_activate(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator(request, pk)
    municipal_indicator_set_active(indicator=indicator, is_active=True)
    messages.success(request, gettext("The indicator is in use again."))
    return redirect("municipal-indicators:list")


@require_POST
def indicator_move(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator(request, pk)
    municipal_indicator_move(indicator=indicator, up=request.POST.get("up") == "1")
    return redirect(f"{reverse('municipal-indicators:list')}#indicator-{pk}")


def targets(request: HttpRequest) -> HttpResponse:
    """The targets of every indicator in use for one school year, saved together."""
    municipality = require_coordinator(request)
    year = school_year(request)
    indicators = MunicipalIndicator.objects.filter(
        municipality=municipality, is_active=True
    ).order_by("order", "pk")
    current = dict(
        MunicipalTarget.objects.filter(
            indicator__in=indicators, school_year=year
        ).values_list("indicator_id", "target")
    )
    form = FiguresForm(
        request.POST or None,
        indicators=indicators,
        initial_values=current,
        label=gettext("Target"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            municipal_targets_set(
                municipality=municipality, school_year=year, targets=form.values()
            )
        except ValidationError as error:
            form.add_errors(error.message_dict)
        else:
            messages.success(
                request,
                gettext("The targets of %(year)s are saved.") % {"year": year},
            )
            return redirect(with_year("municipal-indicators:list", year))
    return render(
        request,
        "municipal/indicators/targets.html",
        {
            "municipality": municipality,
            "year": year,
            "filters": year_form(year),
            "form": form,
        },
    )


# --- The roll-up and the snapshots ----------------------------------------------


def rollup(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    year = school_year(request)
    data = rollup_data(indicator_rollup(municipality, year))
    return render(
        request,
        "municipal/indicators/rollup.html",
        {
            "municipality": municipality,
            "year": year,
            "filters": year_form(year),
            "indicators": indicators_shown(data),
            "indicator_organisations": data["organisations"],
            "snapshots": RollupSnapshot.objects.filter(
                municipality=municipality, school_year=year
            )[:5],
        },
    )


def rollup_submit(request: HttpRequest) -> HttpResponse:
    """A confirmation (GET) that says what is frozen; POST freezes it."""
    municipality = require_coordinator(request)
    year = school_year(request)
    if request.method == "POST":
        snapshot = rollup_snapshot_create(
            municipality=municipality, school_year=year, by=request.user
        )
        messages.success(
            request,
            gettext("«%(title)s» is saved; its figures no longer change.")
            % {"title": snapshot.title},
        )
        return redirect("municipal-indicators:snapshot-detail", pk=snapshot.pk)
    return render(
        request,
        "municipal/indicators/rollup_confirm_submit.html",
        {
            "municipality": municipality,
            "year": year,
            "title": snapshot_title(municipality, year, timezone.localdate()),
        },
    )


def snapshot_list(request: HttpRequest) -> HttpResponse:
    municipality = require_coordinator(request)
    snapshots = RollupSnapshot.objects.filter(municipality=municipality).select_related(
        "school_year", "submitted_by"
    )
    year_pk = request.GET.get("year", "")
    if year_pk.isdigit():
        snapshots = snapshots.filter(school_year_id=year_pk)
    return render(
        request,
        "municipal/indicators/snapshot_list.html",
        {
            "municipality": municipality,
            "page_obj": paginate(request, snapshots),
            "querystring": querystring_without(request, "page"),
            "years": SchoolYear.objects.filter(
                pk__in=RollupSnapshot.objects.filter(municipality=municipality).values(
                    "school_year"
                )
            ).order_by("-starts_on"),
            "year_pk": year_pk,
        },
    )


def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The figures as they were sent: read from the snapshot's data only."""
    municipality = require_coordinator(request)
    snapshot = get_object_or_404(
        RollupSnapshot.objects.select_related("school_year", "submitted_by"),
        pk=pk,
        municipality=municipality,
    )
    return render(
        request,
        "municipal/indicators/snapshot_detail.html",
        {"snapshot": snapshot, "report": report_view(snapshot.data)},
    )


# --- An organisation's values -------------------------------------------------------


def organisation_values(request: HttpRequest) -> HttpResponse:
    """The organisation's values of the reported indicators of its municipality
    for a year, saved together or not at all."""
    organisation = require_curator(request)
    year = school_year(request)
    indicators = reported_indicators(organisation)
    current = dict(
        OrganisationIndicatorValue.objects.filter(
            organisation=organisation, indicator__in=indicators, school_year=year
        ).values_list("indicator_id", "value")
    )
    form = FiguresForm(
        request.POST or None,
        indicators=indicators,
        initial_values=current,
        label=gettext("Value"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation_indicator_values_set(
                organisation=organisation,
                school_year=year,
                values=form.values(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_errors(error.message_dict)
            messages.error(
                request, gettext("Nothing was saved: correct the values marked.")
            )
        else:
            messages.success(
                request,
                gettext("The values of %(year)s are saved.") % {"year": year},
            )
            return redirect(with_year("municipal-indicators:values", year))
    return render(
        request,
        "municipal/indicators/organisation_values.html",
        {
            "organisation": organisation,
            "year": year,
            "filters": year_form(year),
            "form": form,
        },
    )
