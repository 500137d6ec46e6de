"""Home pages per role and the organisation switcher.

This app sits at the bottom of the dependency order, so it reads pairs, mentees and
mentors through reverse relations of its own models and the user, never by importing
the higher apps.
"""

import logging
import sys
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Max, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from mentoring import health
from mentoring.lib.export import ExportRefused, get_exporter
from mentoring.lib.redirects import safe_next
from mentoring.models import (
    MeetingType,
    MentoringForm,
    Organisation,
    Programme,
    RoadmapItem,
)
from mentoring.tier import hides_tier

OPEN_STATUSES = ("formed", "active")


def home(request: HttpRequest) -> HttpResponse:
    access = request.access
    role = access.main_role
    context = {
        "role": role,
        "today": date.today(),
        "role_label": role_label(access, role),
    }
    if role in {"head", "deputy", "curator", "form_lead"}:
        context |= management_summary(
            access.organisation, access, hide_tier=hides_tier(request)
        )
        template = "mentoring/home_management.html"
    elif role in {"social_pedagogue", "psychologist"}:
        context |= management_summary(
            access.organisation, access, hide_tier=hides_tier(request)
        )
        template = "mentoring/home_specialist.html"
    elif role == "class_teacher":
        context |= class_teacher_summary(access)
        template = "mentoring/home_class_teacher.html"
    elif role == "mentor":
        context |= mentor_summary(request.user, access.organisation)
        template = "mentoring/home_mentor.html"
    elif role == "mentee":
        context |= mentee_summary(request.user)
        template = "mentoring/home_mentee.html"
    elif role == "municipal_coordinator":
        # The roll-up of the municipality lives in the app above all others;
        # reversed by name, as this app imports none of them.
        return redirect("municipal:dashboard")
    elif request.user.is_superuser:
        return redirect("admin:index")
    else:
        template = "mentoring/home_empty.html"
    return render(request, template, context)


def role_label(access, role: str | None) -> str:
    """The role's name as the user's membership shows it («Социальный педагог»)."""
    for membership in access.memberships:
        if membership.role == role:
            return membership.get_role_display()
    return ""


def my_pairs(request: HttpRequest) -> HttpResponse:
    """A mentor's pairs and groups, for one whose home is another role's (the
    social pedagogue or curator who also mentors): the mentor's home page."""
    if "mentor" not in request.access.roles:
        raise PermissionDenied
    context = {"role": "mentor", "today": date.today()}
    context |= mentor_summary(request.user, request.access.organisation)
    return render(request, "mentoring/home_mentor.html", context)


def forms_in_charge(access) -> list[int] | None:
    """A person in charge of forms sees only those forms; None means all forms."""
    if access.has("head", "deputy", "curator", "social_pedagogue", "psychologist"):
        return None
    membership = access.membership("form_lead")
    if membership is None:
        return None
    return list(membership.forms.values_list("pk", flat=True))


def management_summary(
    organisation: Organisation, access, *, hide_tier: bool = False
) -> dict:
    """`hide_tier`: the user may not see the social-risk tier, whose form and
    pairs are then left out of every count and list here."""
    today = date.today()
    form_ids = forms_in_charge(access)
    pair_filter = Q(pairs__programme__organisation=organisation)
    if form_ids is not None:
        pair_filter &= Q(pairs__form__in=form_ids)
    if hide_tier:
        pair_filter &= Q(is_social_risk=False)
    participants = organisation.participants.all()
    mentees = participants.filter(mentee_profile__isnull=False)
    mentee_counts = mentees.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(mentee_profile__status="waiting")),
        in_pair=Count("pk", filter=Q(mentee_profile__status="in_pair")),
        no_consent=Count(
            "pk",
            filter=~Q(
                pk__in=organisation.participants.filter(
                    Q(consents__scope="processing"),
                    Q(consents__given_on__lte=today),
                    Q(consents__revoked_on__isnull=True)
                    | Q(consents__revoked_on__gt=today),
                    Q(consents__valid_until__isnull=True)
                    | Q(consents__valid_until__gte=today),
                ).values("pk")
            ),
        ),
    )
    mentor_counts = participants.filter(mentor_profile__isnull=False).aggregate(
        total=Count("pk"),
        ready=Count("pk", filter=Q(mentor_profile__status="ready")),
        in_pair=Count("pk", filter=Q(mentor_profile__status="in_pair")),
        selecting=Count(
            "pk",
            filter=Q(
                mentor_profile__status__in=[
                    "candidate",
                    "questionnaire",
                    "interview",
                    "trained",
                ]
            ),
        ),
    )
    forms = (
        MentoringForm.objects.filter(pair_filter)
        .annotate(
            active=Count("pairs", filter=Q(pairs__status="active")),
            formed=Count("pairs", filter=Q(pairs__status="formed")),
            completed=Count("pairs", filter=Q(pairs__status="completed")),
            terminated=Count("pairs", filter=Q(pairs__status="terminated")),
        )
        .order_by("order")
    )
    programmes = Programme.objects.for_organisation(organisation)
    stale = stale_pairs(programmes, form_ids, today, hide_tier=hide_tier)
    shown_forms = MentoringForm.objects.all()
    if hide_tier:
        shown_forms = shown_forms.filter(is_social_risk=False)
    return {
        "organisation": organisation,
        "programmes": programmes.prefetch_related(
            Prefetch("forms", queryset=shown_forms)
        ),
        "mentees": mentee_counts,
        "mentors": mentor_counts,
        "forms": forms,
        "pairs_total": sum(form.active + form.formed for form in forms),
        "awaiting_order": sum(form.formed for form in forms),
        "stale_pairs": stale,
        **overdue_roadmap(organisation, access, today),
    }


def overdue_roadmap(organisation: Organisation, access, today: date) -> dict:
    """Overdue rows of the organisation's roadmaps, for those who keep them (head,
    deputy, curator): how many, and the five that were due first."""
    if not access.is_manager:
        return {"roadmap_overdue_count": 0, "roadmap_overdue": []}
    items = RoadmapItem.objects.for_organisation(organisation).overdue(today)
    return {
        "roadmap_overdue_count": items.count(),
        "roadmap_overdue": list(
            items.select_related("programme", "stage").order_by(
                Coalesce("due_to", "due_from"), "stage__number", "order", "pk"
            )[:5]
        ),
    }


def stale_pairs(
    programmes, form_ids, today: date, *, hide_tier: bool = False
) -> list[dict]:
    """Active pairs with no meeting for longer than their programme allows."""
    active = Q(pairs__status="active")
    if hide_tier:
        active &= Q(pairs__form__is_social_risk=False)
    rows = (
        programmes.filter(active)
        .values(
            "pairs",
            "pairs__title",
            "pairs__mentor__participant__last_name",
            "pairs__mentor__participant__first_name",
            "pairs__role_variant__name",
            "pairs__start_on",
            "pairs__form",
            "stale_after_days",
        )
        .annotate(last_meeting=Max("pairs__meetings__held_on"))
        .order_by("pairs__mentor__participant__search_text")
    )
    stale = []
    for row in rows:
        if form_ids is not None and row["pairs__form"] not in form_ids:
            continue
        since = row["last_meeting"] or row["pairs__start_on"]
        days = (today - since).days
        if days > row["stale_after_days"]:
            stale.append(
                {
                    "mentor": f"{row['pairs__mentor__participant__last_name']} "
                    f"{row['pairs__mentor__participant__first_name']}",
                    "title": row["pairs__title"] or row["pairs__role_variant__name"],
                    "last_meeting": row["last_meeting"],
                    "days": days,
                    "pk": row["pairs"],
                }
            )
    return stale


def class_teacher_summary(access) -> dict:
    membership = access.membership("class_teacher")
    group = membership.study_group if membership else None
    pupils = group.participants.select_related("mentee_profile") if group else []
    pupils = list(pupils)
    return {
        "study_group": group,
        "pupils": pupils,
        "in_base": sum(1 for pupil in pupils if hasattr(pupil, "mentee_profile")),
    }


def mentor_summary(user, organisation, today: date | None = None) -> dict:
    """The mentor's workspace: open pairs and groups (as mentor or second mentor)
    with what is due next, then the closed ones. Read through the profile's reverse
    relations, so this app does not import `pairs`."""
    participant = getattr(user, "participant", None)
    profile = getattr(participant, "mentor_profile", None) if participant else None
    if profile is None:
        return {"pairs": [], "closed_pairs": [], "profile": None}
    today = today or date.today()
    Pair = profile.pairs.model  # noqa: N806 (the model, reached without an import)
    pairs = (
        Pair.objects.filter(Q(mentor=profile) | Q(co_mentor=profile))
        .select_related("form", "role_variant", "programme", "way")
        .prefetch_related("memberships__mentee__participant", "meetings__meeting_type")
        .order_by("start_on", "pk")
    )
    if organisation is not None and organisation.pk != participant.organisation_id:
        # The mentor's own organisation shows all their pairs, those of another
        # organisation's programme through the municipal mentor bank included.
        pairs = pairs.filter(programme__organisation=organisation)
    names = dict(MeetingType.objects.values_list("code", "name"))
    items, closed = [], []
    for pair in pairs:
        last = pair.last_meeting_on()
        next_code = pair.next_meeting_code(today)
        days = (today - (last or pair.start_on)).days
        memberships = pair.memberships.all()
        item = {
            "pair": pair,
            "mentees": [m.mentee.participant for m in memberships],
            "is_group": len(memberships) > 1,
            "meetings": len(pair.meetings.all()),
            "last_meeting": last,
            "days_since": days,
            "next_code": next_code,
            "next_meeting": names.get(next_code, ""),
            "is_stale": pair.is_open
            and not pair.is_paused(today)
            and days > pair.programme.stale_after_days,
            "reminders": [],
        }
        (items if pair.is_open else closed).append(item)
    return {"pairs": items, "closed_pairs": closed, "profile": profile}


def mentee_summary(user) -> dict:
    """The mentee's workspace: their pairs, the mentor, their meetings and which of
    them they have not rated yet. Nothing about anybody else."""
    participant = getattr(user, "participant", None)
    profile = getattr(participant, "mentee_profile", None) if participant else None
    if profile is None:
        return {"memberships": [], "profile": None, "rated": set(), "final_open": set()}
    memberships = (
        profile.pair_memberships.select_related(
            "pair__mentor__participant",
            "pair__co_mentor__participant",
            "pair__form",
            "pair__role_variant",
        )
        .prefetch_related("pair__meetings__meeting_type")
        .order_by("-pair__start_on", "pk")
    )
    memberships = sorted(memberships, key=lambda m: not m.pair.is_open)
    rated = set(
        user.feedback_given.filter(meeting__isnull=False).values_list(
            "meeting_id", flat=True
        )
    )
    final_given = set(
        user.feedback_given.filter(kind="final").values_list("pair_id", flat=True)
    )
    today = date.today()
    final_open = {
        m.pair_id
        for m in memberships
        if not m.pair.is_open or (m.pair.planned_end_on - today).days <= 14
    }
    return {
        "memberships": memberships,
        "profile": profile,
        "rated": rated,
        "final_given": final_given,
        "final_open": final_open - final_given,
    }


def export(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    """The one download view of every report: finds the exporter, checks that the
    user may run it (403 otherwise), and sends the file built in memory."""
    exporter_class = get_exporter(identifier)
    if exporter_class is None or fmt not in exporter_class.formats:
        raise Http404
    exporter = exporter_class(request)
    if not exporter.allowed():
        raise PermissionDenied
    try:
        return exporter.response(fmt)
    except ExportRefused as refused:
        messages.error(request, str(refused))
        return redirect(safe_next(request, request.headers.get("referer"), "/"))


def not_built(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Placeholder of a page that is being built (keeps URL names stable)."""
    raise Http404


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 200 when the database, Redis and a worker are up,
    503 naming the part that is down. Says nothing of the data."""
    healthy, parts = health.report()
    return JsonResponse(
        {"status": "ok" if healthy else "down", **parts},
        status=200 if healthy else 503,
    )


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Pages without the <link rel="icon"> (the admin's) ask for /favicon.ico.
    The static URL is resolved here, not when the URLs load: the manifest of
    collected files exists only after `collectstatic`."""
    return redirect(static("img/favicon.svg"), permanent=True)


logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. The database lost (restarted, unreachable, locked) is said as
    such, with 503 and Retry-After: the request's transaction is lost with it, so
    nothing it began to write is kept, and the user is told to send it again.
    Rendered without a request context (which would query the database)."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", error)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
