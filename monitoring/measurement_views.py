"""Pages of stage 2 of monitoring: the entry/exit grid, the Excel import and the
dynamics. For the head, deputy and curator of the organisation and for its
psychologist (who runs the tests); mentors and mentees get 403, another
organisation's programme is 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from mentoring.imports import ImportFlow
from mentoring.lib.export import file_response
from mentoring.models import Organisation, Programme
from monitoring import measurement_importing as importing
from monitoring.dynamics import programme_dynamics
from monitoring.exports import dynamics_chart
from monitoring.measurement_forms import (
    DynamicsFilterForm,
    GridChoiceForm,
    GridForm,
    PairValuesForm,
)
from monitoring.measurement_services import (
    Entry,
    Written,
    existing_values,
    measurements_record,
    pair_cells,
    pair_people,
    programme_pairs,
    programme_slots,
)
from monitoring.models import Measurement, Parameter
from pairs.models import Pair
from people.access import (
    hides_social_risk,
    limit_tier_choices,
    require_organisation,
    without_tier,
)
from people.audit import log_pairs_read
from people.models import Role


def require_measurer(request: HttpRequest) -> Organisation:
    """The current organisation for those who record measurements: its head,
    deputy, curator and psychologist; 403 for anyone else."""
    organisation = require_organisation(request)
    if not (request.access.is_manager or request.access.has(Role.PSYCHOLOGIST)):
        raise PermissionDenied
    return organisation


def get_programme(request: HttpRequest, pk) -> Programme:
    organisation = require_measurer(request)
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(
        Programme.objects.select_related("organisation"),
        pk=pk,
        organisation=organisation,
    )


def grid(request: HttpRequest) -> HttpResponse:
    organisation = require_measurer(request)
    choice = limit_tier_choices(
        request, GridChoiceForm(request.GET, organisation=organisation)
    )
    context = {"organisation": organisation, "choice": choice}
    if not choice.is_valid():
        if not choice.data.get("programme"):
            return render(request, "monitoring/measurements/empty.html", context)
        if "programme" in choice.errors:
            raise Http404  # another organisation's programme, or none such
        return render(request, "monitoring/measurements/grid.html", context)
    data = choice.cleaned_data
    programme, parameter, moment = data["programme"], data["parameter"], data["moment"]
    slots = programme_slots(
        programme,
        parameter,
        form=data["form"],
        role_variant=data["role_variant"],
        pair=data["pair"],
        hide_tier=hides_social_risk(request),
    )
    log_pairs_read(
        request, [slot.pair for slot in slots], gettext("Entry and exit values")
    )
    existing = existing_values(slots, parameter)
    form = GridForm(
        request.POST if request.method == "POST" else None,
        slots=slots,
        parameter=parameter,
        moment=moment,
        existing=existing,
    )
    if request.method == "POST" and form.is_valid():
        measured_on = form.cleaned_data["measured_on"]
        entries = [
            Entry(
                participant=slot.participant,
                pair=slot.pair,
                parameter=parameter,
                moment=moment,
                value=value,
                measured_on=measured_on,
                clear=clear,
            )
            for slot, value, clear in form.changes()
        ]
        try:
            written = measurements_record(entries=entries, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            say_written(request, written)
            return redirect(request.get_full_path())
    if request.method == "POST" and form.errors:
        messages.error(
            request,
            gettext("Nothing was saved: correct the values marked in red."),
        )
    context.update(
        {
            "programme": programme,
            "parameter": parameter,
            "moment": moment,
            "is_exit": moment == Measurement.Moment.EXIT,
            "form": form,
            "rows": form.rows(),
            "filtered": any(data[k] for k in ("form", "role_variant", "pair")),
        }
    )
    return render(request, "monitoring/measurements/grid.html", context)


def say_written(request: HttpRequest, written: Written) -> None:
    messages.success(
        request,
        ngettext(
            "Values saved: %(count)s.",
            "Values saved: %(count)s.",
            written.saved,
        )
        % {"count": written.saved},
    )
    if written.cleared:
        messages.info(
            request,
            ngettext(
                "Values cleared: %(count)s.",
                "Values cleared: %(count)s.",
                written.cleared,
            )
            % {"count": written.cleared},
        )


def pair_values(request: HttpRequest, pk: int) -> HttpResponse:
    """A pair's card: every parameter for every person it measures, at entry and
    at exit, saved at once. A pair of the social-risk form is 404 for those who
    may not see the tier."""
    organisation = require_measurer(request)
    programme = get_object_or_404(
        Pair.objects.for_organisation(organisation).select_related("programme"),
        pk=pk,
    ).programme
    pair = get_object_or_404(
        programme_pairs(programme, hide_tier=hides_social_risk(request)), pk=pk
    )
    log_pairs_read(request, [pair], gettext("Entry and exit values"))
    parameters = list(Parameter.objects.filter(is_active=True))
    form = PairValuesForm(
        request.POST if request.method == "POST" else None,
        cells=pair_cells(pair, parameters),
        people=pair_people(pair),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                written = measurements_record(
                    entries=form.entries(pair), by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if written.saved or written.cleared:
                    say_written(request, written)
                else:
                    messages.info(request, gettext("Nothing changed."))
                return redirect("measurements:pair", pk=pair.pk)
        messages.error(
            request, gettext("Nothing was saved: correct the values marked in red.")
        )
    return render(
        request,
        "monitoring/measurements/pair_values.html",
        {
            "organisation": organisation,
            "programme": programme,
            "pair": pair,
            "form": form,
            "dates": [form["entry_on"], form["exit_on"]],
            "people": form.people(),
            "rows": form.table(),
        },
    )


# --- Import -----------------------------------------------------------------


def import_upload(request: HttpRequest) -> HttpResponse:
    """The engine's import flow for one programme's values (?programme=, else
    the current programme)."""
    organisation = require_measurer(request)
    pk = request.GET.get("programme", "")
    if pk:
        programme = get_programme(request, pk)
    else:
        programme = Programme.objects.for_organisation(organisation).default()
        if programme is None:
            raise Http404
    query = f"?{urlencode({'programme': programme.pk})}"
    kind = importing.MeasurementImport(
        organisation,
        programme=programme,
        user=request.user,
        hide_tier=hides_social_risk(request),
    )
    flow = ImportFlow(
        request=request,
        kind=kind,
        organisation=organisation,
        action_url=reverse("measurements:import") + query,
        done_url=reverse("measurements:dynamics") + query,
        back_url=reverse("measurements:grid"),
        back_title=gettext("Entry and exit values"),
        page_title=gettext("Import entry and exit values"),
        template_url=reverse("measurements:import-template") + query,
        intro=gettext(
            "Values of the pairs of the programme «%(programme)s». The template and "
            "the export of the values have the columns %(columns)s; one value per "
            "row."
        )
        % {
            "programme": programme.title,
            "columns": ", ".join(f"«{h}»" for h in importing.HEADERS),
        },
    )
    return flow.handle()


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    organisation = require_measurer(request)
    programmes = Programme.objects.for_organisation(organisation)
    pk = request.GET.get("programme", "")
    if pk.isdigit():
        programme = get_programme(request, pk)
    else:
        programme = programmes.default()
        if programme is None:
            raise Http404
    content = importing.build_template(
        programme=programme, hide_tier=hides_social_risk(request)
    )
    log_pairs_read(
        request,
        without_tier(request, programme.pairs.all()),
        gettext("Entry and exit values"),
    )
    return file_response(
        content,
        f"{gettext('Entry and exit values')}.xlsx",
        importing.XLSX_CONTENT_TYPE,
    )


# --- Dynamics -----------------------------------------------------------------


@require_GET
def dynamics(request: HttpRequest) -> HttpResponse:
    organisation = require_measurer(request)
    filters = limit_tier_choices(
        request, DynamicsFilterForm(request.GET, organisation=organisation)
    )
    context = {"organisation": organisation, "filters": filters}
    if not filters.is_valid():
        if not filters.data.get("programme"):
            return render(request, "monitoring/measurements/empty.html", context)
        if "programme" in filters.errors:
            raise Http404
        return render(request, "monitoring/measurements/dynamics.html", context)
    programme = filters.cleaned_data["programme"]
    school_year = filters.cleaned_data["school_year"]
    result = programme_dynamics(
        programme,
        school_year,
        hide_tier=hides_social_risk(request),
        pair=filters.cleaned_data.get("pair"),
    )
    log_pairs_read(
        request,
        [change.pair for change in result.changes if change.pair is not None],
        gettext("Dynamics of entry and exit values"),
    )
    missing = [
        {
            "change": change,
            "url": reverse("measurements:pair", args=[change.pair.pk]),
        }
        for change in result.missing_entry
    ]
    context.update(
        {
            "programme": programme,
            "school_year": school_year,
            "dynamics": result,
            "chart": dynamics_chart(result) if result.changes else "",
            "sections": [result.for_parameter(p) for p in result.parameters],
            "missing": missing,
        }
    )
    return render(request, "monitoring/measurements/dynamics.html", context)
