"""Questionnaire pages: the curator's catalogue of questionnaires (shipped and own),
editing with versioning, campaigns with their response rates and results, and the
answering pages (in the workspace and by a personal link without a login).

Curator pages start with `require_curator` (403 for mentors and mentees) and look
objects up within the organisation (404 for another organisation's). The answer
pages find the user's own unanswered invitation or the token, else 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.lib.listing import paginate, querystring_without
from mentoring.lib.search import normalize
from monitoring import questionnaire_services as services
from monitoring.models import Campaign, Invitation, Questionnaire, Response
from monitoring.questionnaire_forms import (
    CampaignForm,
    ExtendForm,
    QuestionForm,
    QuestionnaireFilterForm,
    QuestionnaireForm,
)
from monitoring.stats import (
    can_reopen,
    question_stats,
    respondent_counts,
    response_rates,
    withheld,
    withheld_message,
)
from people.access import limit_tier_choices, require_curator, without_tier
from people.audit import log_pairs_read


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def get_questionnaire(request: HttpRequest, pk: int) -> Questionnaire:
    organisation = require_curator(request)
    return get_object_or_404(
        Questionnaire.objects.for_organisation(organisation).select_related(
            "form", "superseded_by", "copied_from"
        ),
        pk=pk,
    )


def get_own_questionnaire(request: HttpRequest, pk: int) -> Questionnaire:
    organisation = require_curator(request)
    return get_object_or_404(
        Questionnaire.objects.select_related("form"), pk=pk, organisation=organisation
    )


def get_campaign(request: HttpRequest, pk: int) -> Campaign:
    organisation = require_curator(request)
    return get_object_or_404(
        Campaign.objects.select_related(
            "programme__organisation", "questionnaire", "form", "school_year"
        ),
        pk=pk,
        programme__organisation=organisation,
    )


def versioned_message(request, old: Questionnaire, new: Questionnaire) -> None:
    if old.pk != new.pk:
        messages.warning(
            request,
            gettext(
                "The questionnaire has already been answered: the changes are saved "
                "in version %(new)d; earlier answers stay under version %(old)d."
            )
            % {"new": new.version, "old": old.version},
        )
    else:
        messages.success(request, gettext("Saved."))


# --- Questionnaires ---------------------------------------------------------------


def questionnaire_list(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    filters = QuestionnaireFilterForm(request.GET or None)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    questionnaires = (
        Questionnaire.objects.for_organisation(organisation)
        .filter(superseded_by__isnull=True)
        .select_related("form")
        .annotate(
            question_count=Count("questions", distinct=True),
            campaign_count=Count("campaigns", distinct=True),
        )
        .order_by("organisation", "audience", "moment", "title", "pk")
    )
    if data.get("audience"):
        questionnaires = questionnaires.filter(audience=data["audience"])
    if data.get("moment"):
        questionnaires = questionnaires.filter(moment=data["moment"])
    rows = list(questionnaires)
    if data.get("q"):
        needle = normalize(data["q"])
        rows = [q for q in rows if needle in normalize(f"{q.title} {q.description}")]
    page = paginate(request, rows)
    return render(
        request,
        "monitoring/questionnaires/questionnaire_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": bool(data and any(data.values())),
            "querystring": querystring_without(request, "page"),
        },
    )


def grouped_sections(questions) -> list[dict]:
    sections: list[dict] = []
    for question in questions:
        if not sections or sections[-1]["title"] != question.section:
            sections.append({"title": question.section, "questions": []})
        sections[-1]["questions"].append(question)
    return sections


def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire(request, pk)
    questions = list(questionnaire.questions.select_related("parameter"))
    for question in questions:
        question.scale_range = range(1, (question.scale_max or 10) + 1)
    return render(
        request,
        "monitoring/questionnaires/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "questions": questions,
            "sections": grouped_sections(questions),
            "editable": not questionnaire.is_shipped
            and not questionnaire.superseded_by_id,
            "has_responses": services.has_responses(questionnaire),
            "campaign_count": questionnaire.campaigns.count(),
        },
    )


@require_POST
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire(request, pk)
    copy = services.questionnaire_copy(
        questionnaire=questionnaire,
        organisation=request.access.organisation,
        by=request.user,
    )
    messages.success(request, gettext("The copy is yours to edit."))
    return redirect("questionnaires:detail", pk=copy.pk)


def questionnaire_create(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    form = limit_tier_choices(request, QuestionnaireForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(
                organisation=organisation, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("questionnaires:detail", pk=questionnaire.pk)
    return render(
        request,
        "monitoring/questionnaires/questionnaire_form.html",
        {"form": form, "questionnaire": None},
    )


def questionnaire_update(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_own_questionnaire(request, pk)
    form = limit_tier_choices(
        request,
        QuestionnaireForm(
            request.POST or None,
            instance=Questionnaire.objects.get(pk=questionnaire.pk),
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.questionnaire_update(
                questionnaire=questionnaire, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            versioned_message(request, questionnaire, new)
            return redirect("questionnaires:detail", pk=new.pk)
    return render(
        request,
        "monitoring/questionnaires/questionnaire_form.html",
        {"form": form, "questionnaire": questionnaire},
    )


def questionnaire_delete(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_own_questionnaire(request, pk)
    blocked = questionnaire.campaigns.exists()
    if request.method == "POST":
        try:
            services.questionnaire_delete(questionnaire=questionnaire)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("questionnaires:detail", pk=questionnaire.pk)
        messages.success(request, gettext("The questionnaire was deleted."))
        return redirect("questionnaires:list")
    return render(
        request,
        "monitoring/questionnaires/questionnaire_delete.html",
        {"questionnaire": questionnaire, "blocked": blocked},
    )


@require_POST
def questionnaire_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_own_questionnaire(request, pk)
    services.questionnaire_set_active(
        questionnaire=questionnaire, active=not questionnaire.is_active
    )
    return redirect("questionnaires:detail", pk=questionnaire.pk)


def question_edit(request: HttpRequest, pk: int, question_pk=None) -> HttpResponse:
    questionnaire = get_own_questionnaire(request, pk)
    question = None
    if question_pk is not None:
        question = get_object_or_404(questionnaire.questions, pk=question_pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.QUESTION_FIELDS}
        data["options"] = data["options"] or ""
        data["topic"] = data["topic"] or ""
        try:
            saved = services.question_save(
                questionnaire=questionnaire,
                question=question,
                data=data,
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            versioned_message(request, questionnaire, saved.questionnaire)
            return redirect("questionnaires:detail", pk=saved.questionnaire_id)
    return render(
        request,
        "monitoring/questionnaires/question_form.html",
        {"form": form, "questionnaire": questionnaire, "question": question},
    )


def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = get_own_questionnaire(request, pk)
    question = get_object_or_404(questionnaire.questions, pk=question_pk)
    if request.method == "POST":
        try:
            new = services.question_delete(
                questionnaire=questionnaire, question=question, by=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("questionnaires:detail", pk=questionnaire.pk)
        versioned_message(request, questionnaire, new)
        return redirect("questionnaires:detail", pk=new.pk)
    return render(
        request,
        "monitoring/questionnaires/question_delete.html",
        {"questionnaire": questionnaire, "question": question},
    )


@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = get_own_questionnaire(request, pk)
    question = get_object_or_404(questionnaire.questions, pk=question_pk)
    try:
        new = services.question_move(
            questionnaire=questionnaire,
            question=question,
            up=request.POST.get("direction") == "up",
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("questionnaires:detail", pk=questionnaire.pk)
    if new.pk != questionnaire.pk:
        versioned_message(request, questionnaire, new)
    return redirect("questionnaires:detail", pk=new.pk)


# --- Campaigns ----------------------------------------------------------------------


def campaign_list(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    today = timezone.localdate()
    campaigns = (
        Campaign.objects.filter(programme__organisation=organisation)
        .select_related("programme", "questionnaire", "form")
        .order_by("-opens_on", "title", "pk")
    )
    programme_id = request.GET.get("programme", "")
    if programme_id.isdigit():
        campaigns = campaigns.filter(programme_id=int(programme_id))
    page = paginate(request, campaigns)
    rates = response_rates(page.object_list)
    rows = [
        {
            "campaign": campaign,
            "status": services.campaign_status(campaign, today),
            "rate": rates[campaign.pk],
        }
        for campaign in page.object_list
    ]
    return render(
        request,
        "monitoring/questionnaires/campaign_list.html",
        {
            "page": page,
            "rows": rows,
            "programmes": organisation.programmes.order_by("-starts_on"),
            "programme_id": programme_id,
            "querystring": querystring_without(request, "page"),
        },
    )


def campaign_create(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    questionnaires = services.suitable_questionnaires(organisation).order_by(
        "organisation", "audience", "moment", "title"
    )
    initial = {}
    if request.GET.get("questionnaire", "").isdigit():
        initial["questionnaire"] = int(request.GET["questionnaire"])
    form = limit_tier_choices(
        request,
        CampaignForm(
            request.POST or None,
            organisation=organisation,
            questionnaires=questionnaires,
            initial=initial,
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                programme=data["programme"],
                questionnaire=data["questionnaire"],
                title=data["title"],
                scope=data["scope"],
                form=data.get("form"),
                pairs=data.get("pairs"),
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("The campaign is launched."))
            return redirect("questionnaires:campaign-detail", pk=campaign.pk)
    return render(
        request, "monitoring/questionnaires/campaign_form.html", {"form": form}
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    today = timezone.localdate()
    anonymous = campaign.questionnaire.is_anonymous
    invitations = list(
        without_tier(request, campaign.invitations.all())
        .select_related(
            "participant", "user", "pair__form", "pair__mentor__participant"
        )
        .order_by("participant__search_text", "user__last_name", "pk")
    )
    log_pairs_read(
        request,
        [invitation.pair for invitation in invitations if invitation.pair_id],
        gettext("Questionnaire campaign"),
    )
    rate = response_rates([campaign])[campaign.pk]
    by_role: dict[str, dict] = {}
    for invitation in invitations:
        key = str(invitation.pair.form) if invitation.pair else gettext("curators")
        row = by_role.setdefault(key, {"label": key, "invited": 0, "answered": 0})
        row["invited"] += 1
        row["answered"] += bool(invitation.answered_on)
    for row in by_role.values():
        row["percent"] = round(row["answered"] * 100 / row["invited"])
    respondents = respondent_counts([campaign])[campaign.pk]
    reason = withheld(campaign, respondents=respondents, today=today)
    stats = question_stats(campaign, today=today)
    return render(
        request,
        "monitoring/questionnaires/campaign_detail.html",
        {
            "campaign": campaign,
            "status": services.campaign_status(campaign, today),
            "rate": rate,
            "by_form": sorted(by_role.values(), key=lambda r: r["label"]),
            "invitations": invitations,
            "anonymous": anonymous,
            "sections": grouped_stats(stats),
            "withheld": withheld_message(reason, respondents),
            "extend_form": ExtendForm(initial={"closes_on": campaign.closes_on})
            if can_reopen(campaign, today=today)
            else None,
            "can_delete": not rate.answered,
            "today": today,
        },
    )


def grouped_stats(stats) -> list[dict]:
    sections: list[dict] = []
    for stat in stats:
        if not sections or sections[-1]["title"] != stat.question.section:
            sections.append({"title": stat.question.section, "stats": []})
        top = max(stat.counts.values(), default=0)
        stat.bars = [
            {
                "label": label,
                "count": count,
                "percent": round(count * 100 / stat.answers) if stat.answers else 0,
                "width": round(count * 100 / top) if top else 0,
            }
            for label, count in stat.counts.items()
        ]
        sections[-1]["stats"].append(stat)
    return sections


def site_url(request: HttpRequest, path: str) -> str:
    site = getattr(settings, "SITE_URL", "")
    return f"{site}{path}" if site else request.build_absolute_uri(path)


def campaign_print(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    invitations = campaign.invitations.filter(answered_on__isnull=True).select_related(
        "participant__user", "user", "pair__mentor__participant"
    )
    slips = []
    for invitation in invitations.order_by("participant__search_text", "pk"):
        person = invitation.participant or invitation.user
        has_login = bool(invitation.user_id) or bool(
            invitation.participant and invitation.participant.user_id
        )
        slips.append(
            {
                "name": person.full_name
                if invitation.participant
                else person.get_full_name(),
                "pair": invitation.pair,
                "has_login": has_login,
                "url": site_url(
                    request,
                    reverse("questionnaires:answer-link", args=[invitation.token]),
                ),
            }
        )
    return render(
        request,
        "monitoring/questionnaires/print_links.html",
        {
            "campaign": campaign,
            "organisation": campaign.programme.organisation,
            "slips": slips,
        },
    )


@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    try:
        services.campaign_close(campaign=campaign, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, gettext("The campaign is closed."))
    return redirect("questionnaires:campaign-detail", pk=campaign.pk)


@require_POST
def campaign_extend(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a date."))
    else:
        try:
            services.campaign_extend(
                campaign=campaign,
                closes_on=form.cleaned_data["closes_on"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, gettext("The closing date is changed."))
    return redirect("questionnaires:campaign-detail", pk=campaign.pk)


def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    if request.method == "POST":
        try:
            services.campaign_delete(campaign=campaign)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("questionnaires:campaign-detail", pk=campaign.pk)
        messages.success(request, gettext("The campaign was deleted."))
        return redirect("questionnaires:campaign-list")
    return render(
        request,
        "monitoring/questionnaires/campaign_delete.html",
        {"campaign": campaign, "blocked": campaign.responses.exists()},
    )


# --- Answering ------------------------------------------------------------------------


def raw_answers(request: HttpRequest, questions) -> dict[int, list[str]]:
    return {q.pk: request.POST.getlist(f"q{q.pk}") for q in questions}


def answer_page(request: HttpRequest, invitation: Invitation, via: str) -> HttpResponse:
    campaign = invitation.campaign
    questionnaire = campaign.questionnaire
    today = timezone.localdate()
    context = {"campaign": campaign, "questionnaire": questionnaire, "via": via}
    if invitation.answered_on:
        return render(
            request,
            "monitoring/questionnaires/answer_status.html",
            {**context, "state": "answered"},
            status=410 if via == Response.Via.LINK else 200,
        )
    try:
        services.open_check(campaign, today)
    except services.NotOpen as error:
        state = "closed" if today > campaign.closes_on else "planned"
        return render(
            request,
            "monitoring/questionnaires/answer_status.html",
            {**context, "state": state, "message": error_text(error)},
        )
    questions = list(questionnaire.questions.all())
    errors: dict[str, str] = {}
    values: dict[int, list[str]] = {}
    if request.method == "POST":
        values = raw_answers(request, questions)
        try:
            services.response_submit(
                invitation=invitation,
                answers=values,
                via=via,
                today=timezone.localdate(),
                by=request.user if request.user.is_authenticated else None,
            )
        except services.AlreadyAnswered:
            return render(
                request,
                "monitoring/questionnaires/answer_status.html",
                {**context, "state": "answered"},
                status=410 if via == Response.Via.LINK else 200,
            )
        except services.NotOpen as error:
            return render(
                request,
                "monitoring/questionnaires/answer_status.html",
                {**context, "state": "closed", "message": error_text(error)},
            )
        except ValidationError as error:
            errors = {
                key: " ".join(str(m) for m in messages_)
                for key, messages_ in error.message_dict.items()
            }
        else:
            return render(
                request,
                "monitoring/questionnaires/answer_status.html",
                {**context, "state": "thanks"},
            )
    for question in questions:
        question.error = errors.get(f"q{question.pk}", "")
        question.values = values.get(question.pk, [])
        question.scale = list(range(1, (question.scale_max or 10) + 1))
    return render(
        request,
        "monitoring/questionnaires/answer_form.html",
        {
            **context,
            "sections": grouped_sections(questions),
            "errors": errors,
            "standalone": via == Response.Via.LINK,
        },
        status=400 if errors else 200,
    )


def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """In the workspace: the user's own open, unanswered invitation, else 404. A
    second submit (double click, another tab) is told the answer is already in."""
    invitation = (
        Invitation.objects.filter(
            Q(participant__user=request.user) | Q(user=request.user), campaign_id=pk
        )
        .select_related("campaign__questionnaire", "campaign__programme")
        .first()
    )
    if invitation is None:
        raise Http404
    usable = not invitation.answered_on and invitation.campaign.is_open(
        timezone.localdate()
    )
    if not usable and request.method != "POST":
        raise Http404
    return answer_page(request, invitation, Response.Via.WORKSPACE)


@login_not_required
def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    """By the personal link, without a login; a wrong token is 404."""
    invitation = (
        Invitation.objects.filter(token=token)
        .select_related("campaign__questionnaire", "campaign__programme")
        .first()
    )
    if invitation is None:
        return render(
            request,
            "monitoring/questionnaires/answer_status.html",
            {"state": "unknown"},
            status=404,
        )
    return answer_page(request, invitation, Response.Via.LINK)


def my_questionnaires(request: HttpRequest) -> HttpResponse:
    """The open questionnaires waiting for the user's answer."""
    invitations = list(
        services.waiting_invitations(request.user, today=timezone.localdate())
    )
    return render(
        request,
        "monitoring/questionnaires/mine.html",
        {"invitations": invitations},
    )
