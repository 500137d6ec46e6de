"""Pages of a programme's target indicators («целевые индикаторы»): the table of a
school year with what is reached, the grid of the year's values, filling them from
a template, adding, editing and deleting an indicator. For the head, deputy and
curator of the programme's organisation; another organisation's programme is 404,
mentors and mentees get 403."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from mentoring.models import Programme, SchoolYear
from monitoring.indicator_forms import (
    IndicatorFilterForm,
    IndicatorForm,
    IndicatorFromTemplateForm,
    IndicatorValueForm,
)
from monitoring.indicator_services import (
    ValueInput,
    indicator_create,
    indicator_delete,
    indicator_update,
    indicator_values_save,
    indicators_from_template,
)
from monitoring.indicators import (
    NATIONAL_PUPILS_TARGET,
    indicator_rows,
    pairs_per_form,
)
from monitoring.models import Indicator, IndicatorTemplate, IndicatorValue
from people.access import hides_social_risk, require_curator


def get_programme(request: HttpRequest, pk) -> Programme:
    organisation = require_curator(request)
    return get_object_or_404(Programme, pk=pk, organisation=organisation)


def get_indicator(request: HttpRequest, pk: int) -> Indicator:
    organisation = require_curator(request)
    return get_object_or_404(
        Indicator.objects.select_related("programme"),
        pk=pk,
        programme__organisation=organisation,
    )


def programme_years(programme: Programme) -> list[SchoolYear]:
    """The school years the programme spans (created when missing, as
    `SchoolYear.for_date` does everywhere), latest first."""
    years, day = [], programme.starts_on
    while day <= programme.ends_on:
        years.append(SchoolYear.for_date(day))
        day = date(SchoolYear.bounds_for(day)[1].year, 9, 1)
    return years[::-1]


def default_year(programme: Programme, years: list[SchoolYear]) -> SchoolYear:
    """The current school year, or the programme's nearest one when it does not
    run now."""
    current = SchoolYear.for_date(date.today())
    if current in years or not years:
        return current
    return years[0] if current.starts_on > years[0].starts_on else years[-1]


def get_year(request: HttpRequest, programme: Programme) -> SchoolYear:
    """The year asked for (`?year=` or the POSTed one), else the default."""
    raw = request.POST.get("year") or request.GET.get("year") or ""
    if raw.isdigit():
        return get_object_or_404(SchoolYear, pk=raw)
    return default_year(programme, programme_years(programme))


def list_url(programme: Programme, year: SchoolYear | None = None) -> str:
    query = {"programme": programme.pk}
    if year is not None:
        query["year"] = year.pk
    return f"{reverse('indicators:list')}?{urlencode(query)}"


def group_rows(rows) -> list[dict]:
    """Rows grouped by task, the groups in the order of their first row."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.indicator.group, []).append(row)
    return [{"name": name, "rows": items} for name, items in groups.items()]


def indicator_list(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    programmes = Programme.objects.for_organisation(organisation)
    raw = request.GET.get("programme", "")
    if raw.isdigit():
        programme = get_object_or_404(programmes, pk=raw)
    else:
        programme = programmes.default()
    if programme is None:
        return render(
            request,
            "monitoring/indicators/indicator_list.html",
            {"organisation": organisation, "programme": None},
        )
    years = programme_years(programme)
    year = get_year(request, programme)
    if year not in years:
        years = sorted([*years, year], key=lambda y: y.starts_on, reverse=True)
    filters = IndicatorFilterForm(
        initial={"programme": programme, "year": year},
        programmes=programmes,
        years=SchoolYear.objects.filter(pk__in=[y.pk for y in years]),
    )
    rows = indicator_rows(programme, year)
    context = {
        "organisation": organisation,
        "programme": programme,
        "year": year,
        "filters": filters,
        "groups": group_rows(rows),
        "rows": rows,
        "reached": sum(1 for row in rows if row.reached),
        "with_target": sum(1 for row in rows if row.reached is not None),
        "pairs_per_form": pairs_per_form(
            programme, year, hide_tier=hides_social_risk(request)
        )
        if rows
        else [],
        "national_target": NATIONAL_PUPILS_TARGET,
        "templates": [] if rows else IndicatorTemplate.objects.order_by("name"),
    }
    return render(request, "monitoring/indicators/indicator_list.html", context)


def indicator_values(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid of the year's baseline, target, actual and comment: every row is
    saved together or none is."""
    programme = get_programme(request, pk)
    year = get_year(request, programme)
    indicators = list(programme.indicators.order_by("order", "pk"))
    values = {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(
            indicator__programme=programme, school_year=year
        )
    }
    forms = []
    for indicator in indicators:
        value = values.get(indicator.pk)
        initial = {}
        if value is not None:
            initial = {
                "baseline": value.baseline,
                "target": value.target,
                "actual": value.actual,
                "comment": value.comment,
            }
        forms.append(
            IndicatorValueForm(
                request.POST or None, indicator=indicator, initial=initial
            )
        )
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            try:
                indicator_values_save(
                    programme=programme,
                    school_year=year,
                    rows=[
                        ValueInput(indicator=form.indicator, **form.cleaned_data)
                        for form in forms
                    ],
                )
            except ValidationError as error:
                by_key = {f"i{form.indicator.pk}": form for form in forms}
                for key, errors in error.message_dict.items():
                    pk_part, _sep, field = key.partition("-")
                    form = by_key.get(f"i{pk_part}")
                    if form is not None and field in form.fields:
                        form.add_error(field, errors)
                    else:
                        messages.error(request, " ".join(errors))
            else:
                messages.success(
                    request,
                    gettext("The values of %(year)s are saved.") % {"year": year},
                )
                return redirect(list_url(programme, year))
        messages.error(
            request,
            gettext("Nothing was saved: correct the values marked in the table."),
        )
    groups: dict[str, list] = {}
    for form in forms:
        groups.setdefault(form.indicator.group, []).append(form)
    return render(
        request,
        "monitoring/indicators/indicator_values.html",
        {
            "programme": programme,
            "year": year,
            "groups": [{"name": k, "forms": v} for k, v in groups.items()],
        },
    )


def indicator_from_template(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme(request, pk)
    year = get_year(request, programme)
    initial = {}
    if request.GET.get("template", "").isdigit():
        initial["template"] = int(request.GET["template"])
    form = IndicatorFromTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = indicators_from_template(
                programme=programme,
                template=form.cleaned_data["template"],
                school_year=year,
            )
        except ValidationError as error:
            form.add_error("template", error.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s indicator is added.",
                    "%(count)s indicators are added.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect(list_url(programme, year))
    templates = IndicatorTemplate.objects.order_by("name").prefetch_related("items")
    existing = set(programme.indicators.values_list("number", flat=True))
    return render(
        request,
        "monitoring/indicators/indicator_from_template.html",
        {
            "programme": programme,
            "year": year,
            "form": form,
            "templates": [
                {
                    "template": template,
                    "total": len(template.items.all()),
                    "new": sum(
                        1 for row in template.items.all() if row.number not in existing
                    ),
                }
                for template in templates
            ],
            "has_rows": bool(existing),
        },
    )


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def indicator_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme(request, pk)
    year = get_year(request, programme)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator_create(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The indicator is added."))
            return redirect(list_url(programme, year))
    return render(
        request,
        "monitoring/indicators/indicator_form.html",
        {"programme": programme, "year": year, "form": form},
    )


def indicator_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator(request, pk)
    programme = indicator.programme
    year = get_year(request, programme)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        indicator.refresh_from_db()  # the form changed it; the service decides
        try:
            indicator_update(indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The indicator is saved."))
            return redirect(list_url(programme, year))
    return render(
        request,
        "monitoring/indicators/indicator_form.html",
        {"programme": programme, "year": year, "form": form, "indicator": indicator},
    )


def indicator_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (GET) that says how many values go with the indicator;
    POST deletes."""
    indicator = get_indicator(request, pk)
    programme = indicator.programme
    year = get_year(request, programme)
    if request.method == "POST":
        indicator_delete(indicator=indicator)
        messages.success(request, gettext("The indicator is deleted."))
        return redirect(list_url(programme, year))
    return render(
        request,
        "monitoring/indicators/indicator_confirm_delete.html",
        {
            "programme": programme,
            "year": year,
            "indicator": indicator,
            "values": indicator.values.select_related("school_year").order_by(
                "school_year__starts_on"
            ),
        },
    )
