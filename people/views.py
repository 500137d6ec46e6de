"""The curator's workspace for the two bases (база наставляемых, база наставников)
and the organisation switcher.

Every base view starts with `require_curator`: heads, deputies and curators of the
current organisation only; rows are looked up within that organisation, so another
organisation's row is a 404. People does not import pairs: pairs, memberships and
measurements are read through reverse relations.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentoring.lib.files import stored_file_response
from mentoring.lib.listing import paginate, querystring_without, sort_queryset
from mentoring.lib.redirects import safe_next
from people import screening, services
from people.access import (
    hides_social_risk,
    limit_mentee_filters,
    limit_tier_choices,
    redact_mentee,
    require_class_teacher,
    require_curator,
    sees_social_risk_of,
    visible_categories,
    visible_requests,
    without_tier,
)
from people.audit import log_mentees_read
from people.filters import OPEN_PAIR_STATUSES, MenteeFilterForm, MentorFilterForm
from people.forms import (
    CertificateForm,
    MenteeBulkForm,
    MenteePersonForm,
    MenteeProfileForm,
    MenteeProposeForm,
    MentorBulkForm,
    MentorPersonForm,
    MentorProfileForm,
    RequestFormSet,
    StatusChangeForm,
    TrainingForm,
    requests_data,
)
from people.middleware import SESSION_KEY
from people.models import (
    Consent,
    MenteeProfile,
    MenteeRequest,
    MentorCertificate,
    MentorProfile,
)

# Models of the higher app `pairs`, reached through this app's reverse relations.
PairMentee = MenteeProfile.pair_memberships.rel.related_model
Pair = MentorProfile.pairs.rel.related_model


@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        wanted = None
    allowed = {
        organisation.pk: organisation for organisation in request.access.organisations
    }
    if wanted not in allowed:
        messages.error(request, _("You have no role in that organisation."))
    else:
        request.session[SESSION_KEY] = wanted
        messages.success(
            request,
            _("Current organisation: %(name)s.") % {"name": allowed[wanted].short_name},
        )
        holds_a_role = any(
            membership.organisation_id == wanted
            for membership in request.access.memberships
        )
        if not holds_a_role:
            # A coordinator reads the organisation's summary, not its own pages.
            return redirect("municipal:organisation", pk=wanted)
    return redirect(safe_next(request, request.POST.get("next"), reverse("home")))


# --- Shared helpers ----------------------------------------------------------------


def status_order(choices) -> Case:
    """Sort by the order of the choices (the path a row goes), not alphabetically."""
    return Case(
        *(When(status=value, then=Value(index)) for index, value in enumerate(choices)),
        default=Value(len(choices)),
        output_field=IntegerField(),
    )


def status_counts(queryset, choices) -> list[dict]:
    # Counted over the matching pks: a filter on an aggregate (the mentor's load)
    # must hold per row before rows are grouped by status.
    rows = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
    totals = dict(rows.order_by().values_list("status").annotate(count=Count("pk")))
    return [
        {"value": value, "label": label, "count": totals.get(value, 0)}
        for value, label in choices
    ]


def attach_errors(error: ValidationError, *forms) -> list[str]:
    """Put a service's errors next to the fields they name; return the rest."""
    errors = error.message_dict if hasattr(error, "error_dict") else {}
    rest = [] if errors else list(error.messages)
    for field, field_messages in errors.items():
        form = next((form for form in forms if field in form.fields), None)
        for message in field_messages:
            if form is not None:
                form.add_error(field, message)
            else:
                rest.append(message)
    return rest


def form_errors(form) -> list[str]:
    return [message for messages_ in form.errors.values() for message in messages_]


# --- Mentee base ----------------------------------------------------------------

MENTEE_SORTS = {
    "name": "participant__search_text",
    "group": (
        "participant__study_group__grade",
        "participant__study_group__name",
        "participant__search_text",
    ),
    "status": ("status_order", "participant__search_text"),
    "entered_on": ("entered_on", "participant__search_text"),
    # Ordered by hand in `mentee_list`: the older, the earlier the birth date.
    "age": "participant__birth_date",
}


def mentee_rows(request, queryset):
    valid_consent = (
        Consent.objects.valid()
        .filter(scope=Consent.Scope.PROCESSING)
        .filter(participant=OuterRef("participant"))
    )
    return (
        queryset.annotate(
            status_order=status_order(MenteeProfile.Status.values),
            has_consent=Exists(valid_consent),
        )
        .select_related("participant__study_group", "preferred_form", "programme")
        .prefetch_related(
            Prefetch("categories", queryset=visible_categories(request)),
            Prefetch(
                "requests",
                queryset=visible_requests(
                    request,
                    MenteeRequest.objects.filter(status=MenteeRequest.Status.OPEN),
                ).select_related("area"),
                to_attr="open_requests",
            ),
            Prefetch(
                "pair_memberships",
                queryset=without_tier(
                    request,
                    PairMentee.objects.filter(
                        pair__status__in=OPEN_PAIR_STATUSES, left_on__isnull=True
                    ),
                ).select_related("pair__mentor__participant"),
                to_attr="open_memberships",
            ),
        )
    )


def mentee_list(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    filters = limit_mentee_filters(
        request, MenteeFilterForm(request.GET, organisation=organisation)
    )
    base = MenteeProfile.objects.for_organisation(organisation)
    queryset = mentee_rows(request, filters.apply(base))
    queryset, sort = sort_queryset(queryset, request, MENTEE_SORTS, default="name")
    if sort.lstrip("-") == "age":
        birth = F("participant__birth_date")
        by_age = (
            birth.asc(nulls_last=True)
            if sort.startswith("-")
            else birth.desc(nulls_last=True)
        )
        queryset = queryset.order_by(by_age, "participant__search_text", "pk")
    page = paginate(request, queryset)
    hidden = hides_social_risk(request)
    for row in page.object_list:
        redact_mentee(row, hidden=hidden)
    log_mentees_read(request, page.object_list, _("Mentee base (list)"), hidden=hidden)
    return render(
        request,
        "people/mentee_list.html",
        {
            "organisation": organisation,
            "filters": filters,
            "page_obj": page,
            "mentees": page.object_list,
            "sort": sort,
            "querystring": querystring_without(request, "page"),
            "status_counts": status_counts(
                filters.apply(base, ignore={"status"}), MenteeProfile.Status.choices
            ),
            "bulk_form": MenteeBulkForm(
                initial={"next": request.get_full_path()}, organisation=organisation
            ),
        },
    )


@require_POST
def mentee_bulk(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    form = MenteeBulkForm(request.POST, organisation=organisation)
    target = safe_next(request, request.POST.get("next"), reverse("people:mentee-list"))
    if not form.is_valid():
        for message in form_errors(form):
            messages.error(request, message)
        return redirect(target)
    mentees = form.cleaned_data["mentees"]
    try:
        if form.cleaned_data["action"] == form.STATUS:
            count = services.mentees_set_status(
                organisation=organisation,
                mentees=mentees,
                status=form.cleaned_data["status"],
            )
            text = ngettext(
                "Status changed for %(count)d mentee.",
                "Status changed for %(count)d mentees.",
                count,
            )
        else:
            count = services.mentees_assign_programme(
                organisation=organisation,
                mentees=mentees,
                programme=form.cleaned_data["programme"],
            )
            text = ngettext(
                "%(count)d mentee assigned to the programme.",
                "%(count)d mentees assigned to the programme.",
                count,
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(target)
    if count:
        messages.success(request, text % {"count": count})
    else:
        messages.info(request, _("Nothing to change: the chosen rows already had it."))
    return redirect(target)


def get_mentee(organisation, pk: int) -> MenteeProfile:
    return get_object_or_404(
        MenteeProfile.objects.for_organisation(organisation).select_related(
            "participant__study_group",
            "participant__organisation",
            "programme",
            "preferred_form",
        ),
        pk=pk,
    )


def mentee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    mentee = get_mentee(organisation, pk)
    participant = mentee.participant
    hidden = not sees_social_risk_of(request, participant)
    redact_mentee(mentee, hidden=hidden)
    log_mentees_read(request, [mentee], _("Mentee card"), hidden=hidden)
    return render(
        request,
        "people/mentee_detail.html",
        {
            "organisation": organisation,
            "mentee": mentee,
            "person": participant,
            "categories": visible_categories(request, participant=participant).filter(
                mentees=mentee
            ),
            "requests": visible_requests(
                request, mentee.requests.all(), participant=participant
            ).select_related("area", "form"),
            "consents": participant.consents.all(),
            "has_consent": participant.consents.valid()
            .filter(scope=Consent.Scope.PROCESSING)
            .exists(),
            "memberships": without_tier(request, mentee.pair_memberships.all())
            .select_related(
                "pair__mentor__participant", "pair__form", "pair__role_variant"
            )
            .order_by("-joined_on", "-pk"),
            "measurements": without_tier(request, participant.measurements.all())
            .select_related("parameter", "school_year")
            .order_by("parameter__order", "parameter__name", "moment", "measured_on"),
        },
    )


def mentee_edit(
    request: HttpRequest, organisation, mentee: MenteeProfile | None
) -> HttpResponse:
    """One page for a new and an existing mentee: the person, the row in the base
    and the requests (карта запросов), saved together or not at all."""
    title = str(mentee) if mentee else ""
    data = request.POST if request.method == "POST" else None
    # Who may not see this pupil's tier is neither shown it nor able to change
    # it: the choices leave it out and the service keeps what was not shown.
    tier_hidden = (
        hides_social_risk(request)
        if mentee is None
        else not sees_social_risk_of(request, mentee.participant)
    )
    person_form = MenteePersonForm(
        data,
        organisation=organisation,
        instance=mentee.participant if mentee else None,
    )
    profile_form = MenteeProfileForm(data, organisation=organisation, instance=mentee)
    requests = MenteeRequest.objects.filter(mentee=mentee) if mentee else None
    formset = RequestFormSet(
        data,
        instance=mentee or MenteeProfile(),
        prefix="requests",
        queryset=requests.exclude(form__is_social_risk=True)
        if requests is not None and tier_hidden
        else requests,
        form_kwargs={"hide_tier": tier_hidden},
    )
    if tier_hidden:
        limit_tier_choices(request, profile_form)
    other_errors = []
    if data is not None:
        valid = [form.is_valid() for form in (person_form, profile_form, formset)]
        if all(valid):
            arguments = {
                "participant": person_form.cleaned_data,
                "profile": profile_form.cleaned_data,
                "requests": requests_data(formset),
            }
            try:
                if mentee is None:
                    saved = services.mentee_create(
                        organisation=organisation, **arguments
                    )
                    messages.success(
                        request,
                        _("%(name)s is added to the mentee base.") % {"name": saved},
                    )
                else:
                    saved = services.mentee_update(
                        mentee=mentee, tier_hidden=tier_hidden, **arguments
                    )
                    messages.success(request, _("Changes saved."))
            except ValidationError as error:
                other_errors = attach_errors(error, person_form, profile_form)
            else:
                return redirect("people:mentee-detail", pk=saved.pk)
    if mentee is not None:
        log_mentees_read(request, [mentee], _("Mentee edit page"), hidden=tier_hidden)
    return render(
        request,
        "people/mentee_form.html",
        {
            "organisation": organisation,
            "mentee": mentee,
            "title": title,
            "person_form": person_form,
            "profile_form": profile_form,
            "formset": formset,
            "other_errors": other_errors,
        },
    )


def mentee_create(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    return mentee_edit(request, organisation, None)


def mentee_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    return mentee_edit(request, organisation, get_mentee(organisation, pk))


def mentee_propose(request: HttpRequest) -> HttpResponse:
    """A class teacher proposes a pupil of their class for the mentee base («кто
    предложил» is filled in); the curator sees the row and completes it."""
    membership = require_class_teacher(request)
    form = MenteeProposeForm(request.POST or None, study_group=membership.study_group)
    if form.is_valid():
        teacher = request.user.get_full_name() or request.user.get_username()
        try:
            mentee = services.mentee_propose(
                participant=form.cleaned_data["pupil"],
                proposed_by=_("class teacher %(name)s") % {"name": teacher},
                area=form.cleaned_data["area"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            for message in attach_errors(error, form):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(name)s is proposed for the mentee base.")
                % {"name": mentee.participant.full_name},
            )
            return redirect("people:mentee-propose")
    return render(
        request,
        "people/mentee_propose.html",
        {"form": form, "study_group": membership.study_group},
    )


# --- Mentor base ----------------------------------------------------------------

MENTOR_SORTS = {
    "name": "participant__search_text",
    "status": ("status_order", "participant__search_text"),
    "experience": ("participant__experience_years", "participant__search_text"),
    "load": ("load", "participant__search_text"),
    "entered_on": ("entered_on", "participant__search_text"),
}


def mentor_list(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    filters = MentorFilterForm(request.GET, organisation=organisation)
    base = MentorProfile.objects.for_organisation(organisation).with_load()
    queryset = (
        filters.apply(base)
        .annotate(status_order=status_order(MentorProfile.Status.values))
        .select_related("participant__study_group", "category")
    )
    queryset, sort = sort_queryset(queryset, request, MENTOR_SORTS, default="name")
    page = paginate(request, queryset)
    return render(
        request,
        "people/mentor_list.html",
        {
            "organisation": organisation,
            "filters": filters,
            "page_obj": page,
            "mentors": page.object_list,
            "sort": sort,
            "querystring": querystring_without(request, "page"),
            "status_counts": status_counts(
                filters.apply(
                    MentorProfile.objects.for_organisation(organisation),
                    ignore={"status"},
                ),
                MentorProfile.Status.choices,
            ),
            "bulk_form": MentorBulkForm(
                initial={"next": request.get_full_path()}, organisation=organisation
            ),
        },
    )


@require_POST
def mentor_bulk(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    form = MentorBulkForm(request.POST, organisation=organisation)
    target = safe_next(request, request.POST.get("next"), reverse("people:mentor-list"))
    if not form.is_valid():
        for message in form_errors(form):
            messages.error(request, message)
        return redirect(target)
    try:
        count = services.mentors_set_status(
            organisation=organisation,
            mentors=form.cleaned_data["mentors"],
            status=form.cleaned_data["status"],
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(target)
    if count:
        messages.success(
            request,
            ngettext(
                "Status changed for %(count)d mentor.",
                "Status changed for %(count)d mentors.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Nothing to change: the chosen rows already had it."))
    return redirect(target)


def get_mentor(organisation, pk: int) -> MentorProfile:
    return get_object_or_404(
        MentorProfile.objects.for_organisation(organisation)
        .with_load()
        .select_related("participant__study_group", "category"),
        pk=pk,
    )


def selection_path(mentor: MentorProfile) -> list[dict]:
    """The steps кандидат → … → в архиве, marked done, current or ahead."""
    values = MentorProfile.Status.values
    current = values.index(mentor.status) if mentor.status in values else -1
    return [
        {
            "value": value,
            "label": label,
            "state": "done"
            if index < current
            else "current"
            if index == current
            else "ahead",
        }
        for index, (value, label) in enumerate(MentorProfile.Status.choices)
    ]


def render_mentor_detail(
    request: HttpRequest,
    organisation,
    mentor: MentorProfile,
    *,
    status_form=None,
    training_form=None,
    certificate_form=None,
) -> HttpResponse:
    def with_counts(pairs):
        return pairs.select_related(
            "form", "role_variant", "programme__organisation"
        ).annotate(
            mentees_total=Count("memberships"),
            mentees_now=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True)
            ),
        )

    pairs = [
        (pair, False) for pair in with_counts(without_tier(request, mentor.pairs.all()))
    ] + [
        (pair, True)
        for pair in with_counts(without_tier(request, mentor.co_pairs.all()))
    ]
    pairs.sort(key=lambda item: (item[0].start_on, item[0].pk), reverse=True)
    today = timezone.localdate()
    certificates = list(mentor.certificates.select_related("recorded_by"))
    for certificate in certificates:
        certificate.valid_today = certificate.is_valid_on(today)
    return render(
        request,
        "people/mentor_detail.html",
        {
            "organisation": organisation,
            "mentor": mentor,
            "person": mentor.participant,
            "steps": selection_path(mentor),
            "history": mentor.status_changes.select_related("changed_by"),
            "trainings": mentor.trainings.all(),
            "pairs": pairs,
            "status_form": status_form or StatusChangeForm(mentor=mentor),
            "training_form": training_form or TrainingForm(),
            "needs_certificate": screening.needs_certificate(mentor),
            "certificates": certificates,
            "certificate_now": next(
                (item for item in certificates if item.valid_today), None
            ),
            "certificate_form": certificate_form or CertificateForm(),
        },
    )


def mentor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    return render_mentor_detail(request, organisation, get_mentor(organisation, pk))


@require_POST
def mentor_status(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    mentor = get_mentor(organisation, pk)
    form = StatusChangeForm(request.POST, mentor=mentor)
    if form.is_valid():
        try:
            change = services.mentor_set_status(
                mentor=mentor,
                status=form.cleaned_data["status"],
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            for message in attach_errors(error, form):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Status changed to «%(status)s».")
                % {"status": change.get_status_to_display()},
            )
            return redirect("people:mentor-detail", pk=mentor.pk)
    return render_mentor_detail(request, organisation, mentor, status_form=form)


@require_POST
def mentor_training(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    mentor = get_mentor(organisation, pk)
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            services.mentor_training_add(mentor=mentor, **form.cleaned_data)
        except ValidationError as error:
            for message in attach_errors(error, form):
                form.add_error(None, message)
        else:
            messages.success(request, _("Training record added."))
            return redirect("people:mentor-detail", pk=mentor.pk)
    return render_mentor_detail(request, organisation, mentor, training_form=form)


@require_POST
def mentor_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    mentor = get_mentor(organisation, pk)
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            screening.mentor_certificate_add(
                mentor=mentor, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for message in attach_errors(error, form):
                form.add_error(None, message)
        else:
            messages.success(request, _("Certificate recorded."))
            return redirect("people:mentor-detail", pk=mentor.pk)
    return render_mentor_detail(request, organisation, mentor, certificate_form=form)


def mentor_certificate_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan is personal data: the head, deputy and curator of the mentor's
    organisation only (a mentor does not download even their own here)."""
    organisation = require_curator(request)
    certificate = get_object_or_404(
        MentorCertificate.objects.filter(
            mentor__participant__organisation=organisation
        ),
        pk=pk,
    )
    return stored_file_response(certificate.scan)


def mentor_edit(
    request: HttpRequest, organisation, mentor: MentorProfile | None
) -> HttpResponse:
    title = str(mentor) if mentor else ""
    data = request.POST if request.method == "POST" else None
    person_form = MentorPersonForm(
        data,
        organisation=organisation,
        instance=mentor.participant if mentor else None,
        initial=None if mentor else {"kind": "teacher"},
    )
    profile_form = MentorProfileForm(data, instance=mentor)
    other_errors = []
    if data is not None:
        valid = [form.is_valid() for form in (person_form, profile_form)]
        if all(valid):
            try:
                if mentor is None:
                    saved = services.mentor_create(
                        organisation=organisation,
                        participant=person_form.cleaned_data,
                        profile=profile_form.cleaned_data,
                        by=request.user,
                    )
                    messages.success(
                        request,
                        _("%(name)s is added to the mentor base.") % {"name": saved},
                    )
                else:
                    saved = services.mentor_update(
                        mentor=mentor,
                        participant=person_form.cleaned_data,
                        profile=profile_form.cleaned_data,
                    )
                    messages.success(request, _("Changes saved."))
            except ValidationError as error:
                other_errors = attach_errors(error, person_form, profile_form)
            else:
                return redirect("people:mentor-detail", pk=saved.pk)
    return render(
        request,
        "people/mentor_form.html",
        {
            "organisation": organisation,
            "mentor": mentor,
            "title": title,
            "person_form": person_form,
            "profile_form": profile_form,
            "other_errors": other_errors,
        },
    )


def mentor_create(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    return mentor_edit(request, organisation, None)


def mentor_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    return mentor_edit(request, organisation, get_mentor(organisation, pk))
