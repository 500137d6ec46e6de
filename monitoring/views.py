"""Monitoring pages for the curator: the programmes, one programme's monitoring page
(both stages, SWOT summary, indicators, the report) and the SWOT editor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mentoring.models import Programme, SchoolYear
from monitoring import exports
from monitoring.models import Swot
from monitoring.swot import draft_swot, points_by_quadrant, swot_update, url_or_empty
from monitoring.swot_forms import ConclusionForm, quadrant_formsets
from people.access import hides_social_risk, require_curator


def _school_year(request, programme: Programme) -> SchoolYear:
    """The year chosen in `?year=`, else the programme's latest year with
    results (the report does not open on an empty year)."""
    pk = request.GET.get("year", "")
    if pk.isdigit():
        return get_object_or_404(SchoolYear, pk=pk)
    return exports.default_school_year(programme)


def _programme(request, pk) -> Programme:
    organisation = require_curator(request)
    return get_object_or_404(
        Programme.objects.for_organisation(organisation).select_related("organisation"),
        pk=pk,
    )


def index(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    programmes = list(
        Programme.objects.for_organisation(organisation).order_by("-starts_on", "title")
    )
    for programme in programmes:
        programme.report_year = exports.default_school_year(programme)
    return render(request, "monitoring/index.html", {"programmes": programmes})


def programme_monitoring(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    year = _school_year(request, programme)
    data = exports.monitoring_data(
        programme, year, hide_tier=hides_social_risk(request)
    )
    return render(
        request,
        "monitoring/programme_monitoring.html",
        {
            "programme": programme,
            "year": year,
            "years": SchoolYear.objects.order_by("-starts_on"),
            "data": data,
            "rate_chart": exports.rate_chart(data),
            "items_chart": exports.items_chart(data.latest_exit_stats),
            "gaps_chart": exports.gaps_chart(data.gaps),
            "dynamics_chart": exports.dynamics_chart(data.dynamics),
            "indicators_chart": exports.indicators_chart(data.indicators),
            "links": {
                "campaigns": url_or_empty("questionnaires:campaign-list"),
                "grid": url_or_empty("measurements:grid"),
                "dynamics": url_or_empty("measurements:dynamics"),
                "indicators": url_or_empty("indicators:index"),
            },
        },
    )


def swot_editor(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    year = _school_year(request, programme)
    swot = Swot.objects.filter(programme=programme, school_year=year).first()
    here = f"{reverse('monitoring:swot', args=[programme.pk])}?year={year.pk}"
    if request.method == "POST" and request.POST.get("action") == "draft":
        refreshed = swot is not None
        draft_swot(programme, year, request.user)
        messages.success(
            request,
            _("The draft was refreshed: your own and edited points were kept.")
            if refreshed
            else _("The SWOT draft was made from the data of the year."),
        )
        return redirect(here)
    formsets = conclusion_form = None
    if swot is not None:
        data = request.POST if request.method == "POST" else None
        formsets = quadrant_formsets(swot, data)
        conclusion_form = ConclusionForm(data, instance=swot)
        valid = all([conclusion_form.is_valid()] + [f.is_valid() for f in formsets])
        if data is not None and valid:
            try:
                swot_update(
                    swot=swot,
                    formsets=formsets,
                    conclusion=conclusion_form.cleaned_data["conclusion"],
                    user=request.user,
                )
            except ValidationError as error:
                conclusion_form.add_error(None, error)
            else:
                messages.success(request, _("The SWOT analysis was saved."))
                return redirect(here)
    return render(
        request,
        "monitoring/swot_editor.html",
        {
            "programme": programme,
            "year": year,
            "years": SchoolYear.objects.order_by("-starts_on"),
            "swot": swot,
            "formsets": formsets,
            "conclusion_form": conclusion_form,
        },
    )


def swot_print(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    year = _school_year(request, programme)
    swot = (
        Swot.objects.filter(programme=programme, school_year=year)
        .prefetch_related("points")
        .first()
    )
    return render(
        request,
        "monitoring/print_swot.html",
        {
            "programme": programme,
            "organisation": programme.organisation,
            "year": year,
            "swot": swot,
            "quadrants": points_by_quadrant(swot),
        },
    )
