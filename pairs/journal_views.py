"""The meeting journal and the workspaces of mentors and mentees.

Pair pages start with `get_pair_for_user` (a pair that is not yours is a 404) and
`require_pair_role`; the curator's pages with `require_curator`. Writes go through
`pairs.journal_services`, which check the author's role once more.
"""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.lib import ical
from mentoring.lib.listing import paginate, querystring_without
from mentoring.models import MentoringForm
from mentoring.views import mentee_summary, mentor_summary
from pairs.access import get_pair_for_user, require_pair_role, visible_pairs
from pairs.journal_forms import (
    CommentForm,
    FeedbackForm,
    GeneralMeetingForm,
    JournalFilterForm,
    MeetingForm,
)
from pairs.journal_services import (
    FINAL_MEETING,
    can_edit,
    feedback_leave,
    final_feedback_leave,
    final_feedback_open,
    general_meeting_record,
    is_manager,
    meeting_comment_add,
    meeting_record,
    meeting_update,
)
from pairs.models import (
    Feedback,
    Meeting,
    MeetingAttendance,
    MeetingComment,
    Pair,
    PairMentee,
    PairSubstitute,
)
from pairs.reminders import attach_reminders
from people.access import limit_tier_choices, require_curator, without_tier
from people.audit import log_pairs_read


def apply_refusal(form, error: ValidationError) -> None:
    """Put a service's refusal on the form, next to its field when it has one."""
    if hasattr(error, "error_dict"):
        items = error.error_dict.items()
    else:
        items = [(NON_FIELD_ERRORS, error.error_list)]
    for field, errors in items:
        target = field if field in form.fields else None
        for item in errors:
            form.add_error(target, item)


def pair_queryset():
    return Pair.objects.select_related(
        "programme",
        "form",
        "role_variant",
        "mentor__participant",
        "co_mentor__participant",
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=PairMentee.objects.select_related("mentee__participant"),
        )
    )


def load_pair(request: HttpRequest, pk: int) -> Pair:
    get_pair_for_user(request, pk)
    return get_object_or_404(pair_queryset(), pk=pk)


def journal_meetings(queryset):
    """Meetings with everything a journal row shows, in constant queries."""
    return queryset.select_related(
        "meeting_type", "author", "pair__mentor__participant"
    ).prefetch_related(
        Prefetch(
            "attendance",
            queryset=MeetingAttendance.objects.select_related("mentee__participant"),
        ),
        Prefetch(
            "comments",
            queryset=MeetingComment.objects.select_related("author"),
        ),
        Prefetch("feedback", queryset=Feedback.objects.select_related("author")),
    )


def get_meeting_for_user(request: HttpRequest, pk: int) -> Meeting:
    """A meeting of a pair the user may see, or (for the curator) a general
    meeting of the organisation; otherwise 404."""
    pairs = visible_pairs(request)
    condition = Q(pair__in=pairs.values("pk"))
    if request.access.is_manager:
        condition |= Q(
            pair__isnull=True, programme__organisation=request.access.organisation
        )
    return get_object_or_404(
        Meeting.objects.filter(condition).select_related(
            "meeting_type", "programme", "pair__programme", "author"
        ),
        pk=pk,
    )


# --- Workspaces -------------------------------------------------------------------


def mine(request: HttpRequest) -> HttpResponse:
    """The mentor's workspace: open pairs as cards with what is due and reminders."""
    if not request.user.is_authenticated:
        raise Http404
    today = timezone.localdate()
    context = mentor_summary(request.user, request.access.organisation, today)
    if context["profile"] is None:
        raise PermissionDenied
    context["other_reminders"] = attach_reminders(
        context["pairs"], request.user, today=today
    )
    context["substituting"] = (
        PairSubstitute.objects.active_on(today)
        .filter(
            mentor__participant__user=request.user,
            pair__in=visible_pairs(request).open().values("pk"),
        )
        .select_related("pair__mentor__participant")
        .prefetch_related("pair__memberships__mentee__participant")
    )
    context["today"] = today
    return render(request, "pairs/journal_mine.html", context)


def my_pair(request: HttpRequest) -> HttpResponse:
    """The mentee's workspace: my mentor, my meetings, what I have not rated."""
    if not request.user.is_authenticated:
        raise Http404
    context = mentee_summary(request.user)
    if context["profile"] is None:
        raise PermissionDenied
    context["today"] = timezone.localdate()
    return render(request, "pairs/journal_my_pair.html", context)


# --- The journal of a pair --------------------------------------------------------


def pair_journal(request: HttpRequest, pk: int) -> HttpResponse:
    pair = load_pair(request, pk)
    role = require_pair_role(request, pair, "curator", "mentor", "mentee")
    meetings = journal_meetings(pair.meetings.all())
    today = timezone.localdate()
    page = paginate(request, meetings)
    manager = is_manager(request.user, pair.programme.organisation_id)
    editable = {
        m.pk for m in page if can_edit(m, request.user, today=today, manager=manager)
    }
    rated = set(
        Feedback.objects.filter(meeting__pair=pair, author=request.user).values_list(
            "meeting_id", flat=True
        )
    )
    return render(
        request,
        "pairs/journal_pair.html",
        {
            "pair": pair,
            "role": role,
            "page_obj": page,
            "meetings": page.object_list,
            "editable": editable,
            "rated": rated,
            "can_log": role in ("curator", "mentor")
            and (pair.is_open or role == "curator"),
            "can_comment": role in ("curator", "mentor"),
            "final_open": final_feedback_open(pair, today=today),
            "comment_form": CommentForm(),
            "querystring": querystring_without(request, "page"),
        },
    )


def next_meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's next meeting as a calendar file (RFC 5545) for a phone: for the
    pair's members and managers; 404 when no next meeting is set. The event is
    named as the user sees the pair (the neutral name for its members)."""
    pair = load_pair(request, pk)
    role = require_pair_role(request, pair, "curator", "mentor", "mentee")
    if pair.next_meeting_on is None:
        raise Http404
    start = pair.next_meeting_on
    if pair.next_meeting_time is not None:
        start = datetime.combine(start, pair.next_meeting_time)
    name = pair.name_for(official=role == "curator")
    journal = request.build_absolute_uri(reverse("journal:pair", args=[pair.pk]))
    moment = (
        f"{start:%Y%m%dT%H%M}" if isinstance(start, datetime) else f"{start:%Y%m%d}"
    )
    event = ical.Event(
        uid=f"pair-{pair.pk}-meeting-{moment}@{request.get_host()}",
        start=start,
        summary=gettext("Mentoring meeting: %(pair)s") % {"pair": name},
        description=gettext("Meeting journal: %(url)s") % {"url": journal},
    )
    body = ical.calendar([event], product="-//Shkola nastavnichestva//RU")
    response = HttpResponse(
        body.encode("utf-8"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="next-meeting.ics"'
    return response


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = load_pair(request, pk)
    role = require_pair_role(request, pair, "curator", "mentor")
    if not pair.is_open and role != "curator":
        messages.error(
            request,
            gettext(
                "The pair is closed: only the curator can add meetings to its journal."
            ),
        )
        return redirect("journal:pair", pair.pk)
    form = MeetingForm(request.POST or None, pair=pair)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_record(
                pair=pair, by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("The meeting is logged."))
            for item in meeting.plan_items.all():
                messages.success(
                    request,
                    gettext("The plan item «%(item)s» is marked done.")
                    % {"item": item},
                )
            if asks_final_feedback(meeting, request.user):
                messages.info(
                    request,
                    gettext(
                        "The final meeting is logged: leave your final feedback on "
                        "the pair."
                    ),
                )
                return redirect("journal:final-feedback", pair.pk)
            return redirect(after_logging(role, pair))
    return render(
        request,
        "pairs/journal_meeting_form.html",
        {"form": form, "pair": pair, "role": role, "meeting": None},
    )


def asks_final_feedback(meeting: Meeting, user) -> bool:
    """After the «итоговая встреча» its author is sent to the final feedback,
    unless they already left it."""
    return (
        meeting.meeting_type.code == FINAL_MEETING
        and not Feedback.objects.filter(
            pair=meeting.pair, author=user, kind=Feedback.Kind.FINAL
        ).exists()
    )


def after_logging(role: str, pair: Pair) -> str:
    """The mentor goes back to the workspace (the next card), the curator to the
    journal."""
    if role == "mentor":
        return reverse("journal:mine")
    return reverse("journal:pair", args=[pair.pk])


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    today = timezone.localdate()
    if meeting.pair_id is None:
        require_curator(request)
        return general_meeting_edit(request, meeting)
    pair = load_pair(request, meeting.pair_id)
    role = require_pair_role(request, pair, "curator", "mentor")
    if not can_edit(meeting, request.user, today=today):
        messages.error(
            request,
            gettext(
                "This entry can no longer be corrected: ask the curator to correct it."
            ),
        )
        return redirect("journal:pair", pair.pk)
    form = MeetingForm(request.POST or None, pair=pair, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(
                meeting=meeting, by=request.user, today=today, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("The entry is corrected."))
            return redirect("journal:pair", pair.pk)
    return render(
        request,
        "pairs/journal_meeting_form.html",
        {"form": form, "pair": pair, "role": role, "meeting": meeting},
    )


def general_meeting_edit(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    organisation = request.access.organisation
    form = GeneralMeetingForm(
        request.POST or None,
        organisation=organisation,
        initial={
            "programme": meeting.programme_id,
            "held_on": meeting.held_on,
            "duration_minutes": meeting.duration_minutes,
            "topic": meeting.topic,
            "summary": meeting.summary,
            "result": meeting.result,
            "next_step": meeting.next_step,
        },
    )
    del form.fields["programme"], form.fields["confirm_same_day"]
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(
                meeting=meeting,
                by=request.user,
                meeting_type=meeting.meeting_type,
                format=meeting.format,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("The entry is corrected."))
            return redirect("journal:list")
    return render(
        request, "pairs/journal_general_form.html", {"form": form, "meeting": meeting}
    )


@require_POST
def meeting_comment(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    if meeting.pair_id:
        pair = load_pair(request, meeting.pair_id)
        require_pair_role(request, pair, "curator", "mentor")
        target = reverse("journal:pair", args=[pair.pk])
    else:
        require_curator(request)
        target = reverse("journal:list")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            meeting_comment_add(
                meeting=meeting, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("The comment is added."))
    else:
        messages.error(request, gettext("Write the comment."))
    return redirect(f"{target}#meeting-{meeting.pk}")


# --- The general meeting and the curator's journal --------------------------------


def general_meeting_create(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    form = GeneralMeetingForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            general_meeting_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("The general meeting is logged."))
            return redirect("journal:list")
    return render(
        request, "pairs/journal_general_form.html", {"form": form, "meeting": None}
    )


def journal_list(request: HttpRequest) -> HttpResponse:
    """Every journal of the organisation: recent meetings, filters in the URL."""
    organisation = require_curator(request)
    filters = limit_tier_choices(
        request, JournalFilterForm(request.GET or None, organisation=organisation)
    )
    meetings = (
        without_tier(request, Meeting.objects.for_organisation(organisation))
        .select_related(
            "meeting_type",
            "author",
            "pair__mentor__participant",
            "pair__form",
            "pair__role_variant",
        )
        .annotate(
            comments_count=Count("comments", distinct=True),
            feedback_avg=Avg("feedback__rating"),
        )
    )
    filtered = False
    if filters.is_valid():
        data = filters.cleaned_data
        if data["form"]:
            meetings = meetings.filter(pair__form=data["form"])
        if data["mentor"]:
            meetings = meetings.filter(
                Q(pair__mentor=data["mentor"]) | Q(pair__co_mentor=data["mentor"])
            )
        if data["meeting_type"]:
            meetings = meetings.filter(meeting_type=data["meeting_type"])
        if data["date_from"]:
            meetings = meetings.filter(held_on__gte=data["date_from"])
        if data["date_to"]:
            meetings = meetings.filter(held_on__lte=data["date_to"])
        filtered = any(value for value in data.values())
    page = paginate(request, meetings.order_by("-held_on", "-pk"))
    log_pairs_read(
        request,
        [meeting.pair for meeting in page.object_list if meeting.pair_id],
        gettext("Journals of meetings"),
    )
    return render(
        request,
        "pairs/journal_list.html",
        {
            "filters": filters,
            "filtered": filtered,
            "page_obj": page,
            "meetings": page.object_list,
            "querystring": querystring_without(request, "page"),
        },
    )


# --- Feedback ---------------------------------------------------------------------


def meeting_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    if meeting.pair_id is None:
        raise Http404
    pair = load_pair(request, meeting.pair_id)
    role = require_pair_role(request, pair, "mentor", "mentee")
    if Feedback.objects.filter(meeting=meeting, author=request.user).exists():
        messages.info(request, gettext("You have already rated this meeting."))
        return redirect(back_to(role, pair))
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_leave(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("Thank you for the feedback."))
            return redirect(back_to(role, pair))
    return render(
        request,
        "pairs/journal_feedback_form.html",
        {"form": form, "pair": pair, "meeting": meeting, "role": role},
    )


def back_to(role: str, pair: Pair) -> str:
    if role == "mentee":
        return reverse("journal:my-pair")
    return reverse("journal:pair", args=[pair.pk])


def final_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    pair = load_pair(request, pk)
    role = require_pair_role(request, pair, "curator", "mentor", "mentee")
    today = timezone.localdate()
    if Feedback.objects.filter(
        pair=pair, author=request.user, kind=Feedback.Kind.FINAL
    ).exists():
        messages.info(
            request, gettext("You have already left the final feedback on this pair.")
        )
        return redirect(back_to(role, pair))
    if not final_feedback_open(pair, today=today):
        messages.error(
            request,
            gettext(
                "The final feedback opens two weeks before the planned end of the pair."
            ),
        )
        return redirect(back_to(role, pair))
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            final_feedback_leave(
                pair=pair, by=request.user, today=today, **form.cleaned_data
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("Thank you for the feedback."))
            return redirect(back_to(role, pair))
    return render(
        request,
        "pairs/journal_feedback_form.html",
        {"form": form, "pair": pair, "meeting": None, "role": role},
    )


def feedback_summary(request: HttpRequest) -> HttpResponse:
    """The curator's view of feedback: average per pair and per form, the number
    of answers, and the low ratings with links."""
    organisation = require_curator(request)
    answered = Q(feedback__isnull=False)
    pairs = (
        without_tier(request, Pair.objects.for_organisation(organisation))
        .filter(answered)
        .select_related("mentor__participant", "form", "role_variant")
        .annotate(
            answers=Count("feedback", distinct=True),
            average=Avg("feedback__rating"),
            low=Count(
                "feedback",
                filter=Q(feedback__rating__lte=Feedback.LOW_RATING),
                distinct=True,
            ),
        )
        .order_by("average", "mentor__participant__search_text", "pk")
    )
    forms = (
        without_tier(request, MentoringForm.objects.all())
        .filter(pairs__programme__organisation=organisation)
        .filter(pairs__feedback__isnull=False)
        .annotate(
            answers=Count("pairs__feedback", distinct=True),
            average=Avg("pairs__feedback__rating"),
        )
        .order_by("order")
    )
    low = (
        without_tier(request, Feedback.objects.all())
        .filter(
            pair__programme__organisation=organisation,
            rating__lte=Feedback.LOW_RATING,
        )
        .select_related("author", "meeting__meeting_type", "pair__mentor__participant")
        .order_by("-created_at", "pk")[:50]
    )
    return render(
        request,
        "pairs/journal_feedback_summary.html",
        {
            "pairs": pairs,
            "forms": forms,
            "low": low,
            "low_rating": Feedback.LOW_RATING,
        },
    )
