"""Pages of the confidential tier: the pupil's file, the list of pupils for the
specialists, the access log for the head. Every permitted request leaves exactly
one access-log row (the log page itself excepted: it shows the audit trail, not
the records); a refused one leaves none (see `safeguarding.access`)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mentoring.lib.export import PDF, file_response, render_pdf
from mentoring.lib.files import stored_file_response
from mentoring.lib.listing import paginate, querystring_without
from mentoring.lib.search import search
from pairs.models import Pair, PairMentee
from people.audit import log_access
from people.models import AccessLog, Participant
from safeguarding import forms, services
from safeguarding.access import (
    get_participant,
    is_head,
    may_change,
    may_create,
    require_specialist,
    writes_all,
)
from safeguarding.models import (
    FamilyCard,
    HomeVisitAct,
    PreventionRegistration,
    PreventiveWorkEntry,
    RehabilitationActivity,
    RehabilitationProgramme,
    SocialDiagnostics,
)

LOG_PER_PAGE = 50


@dataclass(frozen=True)
class Kind:
    model: type
    form: type


KINDS = {
    "diagnostics": Kind(SocialDiagnostics, forms.SocialDiagnosticsForm),
    "programme": Kind(RehabilitationProgramme, forms.RehabilitationProgrammeForm),
    "activity": Kind(RehabilitationActivity, forms.RehabilitationActivityForm),
    "visit": Kind(HomeVisitAct, forms.HomeVisitActForm),
    "family-card": Kind(FamilyCard, forms.FamilyCardForm),
    "preventive": Kind(PreventiveWorkEntry, forms.PreventiveWorkEntryForm),
    "registration": Kind(PreventionRegistration, forms.PreventionRegistrationForm),
}


def get_kind(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError as error:
        raise Http404 from error


def social_risk_mentees(organisation):
    """Pupils now in an open pair of the social-risk form of the organisation."""
    return PairMentee.objects.filter(
        left_on__isnull=True,
        pair__status__in=[Pair.Status.FORMED, Pair.Status.ACTIVE],
        pair__form__is_social_risk=True,
        pair__programme__organisation=organisation,
    ).values("mentee__participant")


def file_url(participant, kind: str = "") -> str:
    url = reverse("safeguarding:participant", args=[participant.pk])
    return f"{url}#{kind}" if kind else url


# --- the list of pupils --------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    organisation = require_specialist(request)
    with_records = Q()
    for model in (
        SocialDiagnostics,
        RehabilitationProgramme,
        HomeVisitAct,
        FamilyCard,
        PreventiveWorkEntry,
        PreventionRegistration,
    ):
        with_records |= Q(pk__in=model.objects.values("participant"))
    with_records |= Q(pk__in=social_risk_mentees(organisation))
    people = (
        Participant.objects.filter(organisation=organisation)
        .filter(with_records)
        .select_related("study_group")
        .annotate(
            in_pair=Exists(
                social_risk_mentees(organisation).filter(
                    mentee__participant=OuterRef("pk")
                )
            )
        )
    )
    filters = forms.IndexFilterForm(request.GET or None)
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            people = search(people, filters.cleaned_data["q"])
        if filters.cleaned_data["register"]:
            people = people.filter(
                pk__in=PreventionRegistration.objects.filter(
                    register=filters.cleaned_data["register"],
                    removed_on__isnull=True,
                ).values("participant")
            )
    page = paginate(request, people.order_by("search_text", "pk"))
    registrations = {}
    for registration in PreventionRegistration.objects.filter(
        participant__in=[person.pk for person in page], removed_on__isnull=True
    ).order_by("registered_on"):
        registrations.setdefault(registration.participant_id, []).append(registration)
    rows = [(person, registrations.get(person.pk, [])) for person in page]
    log_access(
        request,
        AccessLog.Action.VIEW,
        description=gettext("List of pupils under safeguarding, page %(page)s")
        % {"page": page.number},
    )
    return render(
        request,
        "safeguarding/index.html",
        {
            "page_obj": page,
            "rows": rows,
            "filters": filters,
            "filtered": bool(request.GET.get("q") or request.GET.get("register")),
            "querystring": querystring_without(request, "page"),
        },
    )


# --- the pupil's file ----------------------------------------------------------------


def file_context(participant) -> dict:
    """Every record of the pupil's file; each knows its pupil without a query of
    its own (the page asks of each preventive entry who may change it)."""

    def of(queryset) -> list:
        records = list(queryset.filter(participant=participant))
        for record in records:
            record.participant = participant
        return records

    return {
        "participant": participant,
        "diagnostics": of(SocialDiagnostics.objects.all()),
        "programmes": of(
            RehabilitationProgramme.objects.prefetch_related("activities")
        ),
        "visits": of(HomeVisitAct.objects.all()),
        "family_card": FamilyCard.objects.filter(participant=participant).first(),
        "preventive": of(PreventiveWorkEntry.objects.all()),
        "registrations": of(PreventionRegistration.objects.all()),
    }


def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    context = file_context(participant)
    writer = writes_all(request, participant)
    context.update(
        writer=writer,
        editable_preventive={
            entry.pk for entry in context["preventive"] if may_change(request, entry)
        },
    )
    log_access(
        request,
        AccessLog.Action.VIEW,
        participant=participant,
        description=gettext("Confidential file of %(name)s")
        % {"name": participant.short_name},
    )
    return render(request, "safeguarding/participant_detail.html", context)


def participant_print(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    context = file_context(participant)
    context.update(organisation=participant.organisation, title=_("Confidential file"))
    content = render_pdf("safeguarding/print_file.html", context, request=request)
    log_access(
        request,
        AccessLog.Action.EXPORT,
        participant=participant,
        description=gettext("Printed confidential file of %(name)s")
        % {"name": participant.short_name},
    )
    filename = gettext("Confidential file %(name)s") % {"name": participant.short_name}
    return file_response(content, f"{filename}.{PDF}", "application/pdf")


# --- records -------------------------------------------------------------------------


def get_record(request, kind: str, pk: int):
    """The record of `kind`, if the user sees its pupil's file (404 otherwise)."""
    model = get_kind(kind).model
    queryset = model.objects.all()
    if model is RehabilitationActivity:
        queryset = queryset.select_related("programme__participant")
    else:
        queryset = queryset.select_related("participant")
    record = get_object_or_404(queryset, pk=pk)
    get_participant(request, record.participant.pk)
    return record


def render_form(request, *, participant, kind, form, record=None, programme=None):
    return render(
        request,
        "safeguarding/record_form.html",
        {
            "participant": participant,
            "kind": kind,
            "form": form,
            "record": record,
            "programme": programme,
            "what": str(get_kind(kind).model._meta.verbose_name),
        },
    )


def save_form(request, *, form, participant, kind, created, programme=None):
    """Validate and save through the service; on an error, the form again (and a
    view row, since the page shows what was entered)."""
    if form.is_valid():
        record = form.save(commit=False)
        try:
            services.record_save(request=request, record=record, created=created)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Saved."))
            return redirect(file_url(participant, kind))
    return None


@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    participant = get_participant(request, pk)
    spec = get_kind(kind)
    if kind == "activity":
        raise Http404
    if not may_create(request, participant, kind):
        raise PermissionDenied
    if kind == "family-card":
        existing = FamilyCard.objects.filter(participant=participant).first()
        if existing:
            return redirect("safeguarding:record-update", kind=kind, pk=existing.pk)
    instance = spec.model(participant=participant)
    initial = {}
    if kind == "preventive":
        initial["conducted_by"] = request.user.get_full_name()
    form = spec.form(
        request.POST or None, request.FILES or None, instance=instance, initial=initial
    )
    if request.method == "POST":
        response = save_form(
            request, form=form, participant=participant, kind=kind, created=True
        )
        if response:
            return response
    log_access(
        request,
        AccessLog.Action.VIEW,
        participant=participant,
        description=gettext("Form to add: %(what)s, %(name)s")
        % {"what": spec.model._meta.verbose_name, "name": participant.short_name},
    )
    return render_form(request, participant=participant, kind=kind, form=form)


@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_record(request, "programme", pk)
    participant = programme.participant
    if not writes_all(request, participant):
        raise PermissionDenied
    form = forms.RehabilitationActivityForm(
        request.POST or None,
        instance=RehabilitationActivity(programme=programme),
        initial={"responsible": request.user.get_full_name()},
    )
    if request.method == "POST":
        response = save_form(
            request, form=form, participant=participant, kind="programme", created=True
        )
        if response:
            return response
    log_access(request, AccessLog.Action.VIEW, programme)
    return render_form(
        request,
        participant=participant,
        kind="activity",
        form=form,
        programme=programme,
    )


@require_http_methods(["GET", "POST"])
def record_update(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_record(request, kind, pk)
    participant = record.participant
    if not may_change(request, record):
        raise PermissionDenied
    form = get_kind(kind).form(
        request.POST or None, request.FILES or None, instance=record
    )
    if request.method == "POST":
        anchor = "programme" if kind == "activity" else kind
        response = save_form(
            request, form=form, participant=participant, kind=anchor, created=False
        )
        if response:
            return response
    log_access(request, AccessLog.Action.VIEW, record)
    return render_form(
        request,
        participant=participant,
        kind=kind,
        form=form,
        record=record,
        programme=getattr(record, "programme", None),
    )


@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_record(request, kind, pk)
    participant = record.participant
    if not may_change(request, record):
        raise PermissionDenied
    if request.method == "POST":
        services.record_delete(request=request, record=record)
        messages.success(request, gettext("Deleted."))
        return redirect(
            file_url(participant, "programme" if kind == "activity" else kind)
        )
    log_access(request, AccessLog.Action.VIEW, record)
    return render(
        request,
        "safeguarding/record_confirm_delete.html",
        {"participant": participant, "record": record, "kind": kind},
    )


def visit_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan of a signed act: through this permission-checked, logged view only,
    never a public media URL."""
    act = get_record(request, "visit", pk)
    response = stored_file_response(act.scan)
    log_access(
        request,
        AccessLog.Action.EXPORT,
        act,
        description=gettext("Scan: %(label)s") % {"label": act.log_label()},
    )
    return response


# --- the access log ------------------------------------------------------------------


def log_queryset(request, params):
    organisation = request.access.organisation
    filters = forms.LogFilterForm(params or None, organisation=organisation)
    rows = AccessLog.objects.filter(organisation=organisation)
    return filters, filters.filter(rows)


def log_list(request: HttpRequest) -> HttpResponse:
    """The head's page: who opened which file. Nobody else, not even the curator
    (403): the log is the control over those who read the records."""
    if not is_head(request):
        raise PermissionDenied
    filters, rows = log_queryset(request, request.GET)
    page = paginate(request, rows, per_page=LOG_PER_PAGE)
    return render(
        request,
        "safeguarding/log_list.html",
        {
            "page_obj": page,
            "filters": filters,
            "querystring": querystring_without(request, "page"),
            "export_query": querystring_without(request, "page"),
        },
    )
