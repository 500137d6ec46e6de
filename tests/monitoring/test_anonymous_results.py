"""Anonymous questionnaires (issue 13, finding 5): results only for a closed campaign
of at least ANONYMOUS_MIN_GROUP respondents, and nothing stored on an answer that
joins it back to the invitation of the pupil who gave it."""

import io
from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from mentoring.models import MentoringForm, SchoolYear
from monitoring import questionnaire_services as services
from monitoring import stats
from monitoring.models import Audience, Campaign, Invitation, Response
from monitoring.swot import draft_points
from tests import factories as f
from tests.files import pdf_text

TODAY = date.today()
# Answered in this order, one a day: the reverse of the alphabet, so a page that
# listed the texts in the order they came in would not list them alphabetically.
TEXTS = ["Ярче", "Шире", "Чаще", "Уютнее", "Теплее", "Сильнее", "Реже"]
NOT_ENOUGH = "Not enough answers for anonymous results"


def t(msgid):
    return escape(gettext(msgid))


def anonymous_campaign(programme, answers: int, *, closed=True, invited=None):
    """An anonymous questionnaire (a scale, a «would you mentor» choice and an open
    question) asked of `invited` pupils in pairs of two forms; the first `answers`
    answer on successive days, half by link, half in the workspace."""
    questionnaire = f.QuestionnaireFactory(
        organisation=programme.organisation, is_anonymous=True
    )
    f.QuestionFactory(
        questionnaire=questionnaire, order=1, text="Насколько полезны встречи?"
    )
    f.QuestionFactory(
        questionnaire=questionnaire,
        order=2,
        kind="single",
        scale_max=None,
        topic="become-mentor",
        text="Хотели бы вы стать наставником?",
        options="Да\nНет",
    )
    f.QuestionFactory(
        questionnaire=questionnaire,
        order=3,
        kind="text",
        scale_max=None,
        topic="",
        text="Что бы вы изменили?",
        is_required=False,
    )
    forms = [
        MentoringForm.objects.get(code="teacher-pupil"),
        MentoringForm.objects.get(code="student-pupil"),
    ]
    for number in range(invited or answers + 2):
        pair = f.PairFactory(programme=programme, form=forms[number % 2])
        f.PairMenteeFactory(pair=pair)
    start = TODAY - timedelta(days=40 if closed else len(TEXTS) + 1)
    campaign = services.campaign_create(
        programme=programme,
        questionnaire=questionnaire,
        title="Анонимный опрос",
        scope=Campaign.Scope.ALL,
        opens_on=start,
        closes_on=start + timedelta(days=20) if closed else TODAY + timedelta(days=7),
    )
    q_scale, q_choice, q_text = questionnaire.questions.all()
    invitations = list(campaign.invitations.order_by("pk"))
    for number, invitation in enumerate(invitations[:answers]):
        services.response_submit(
            invitation=invitation,
            answers={
                q_scale.pk: [str(10 - number)],
                q_choice.pk: ["Да"],
                q_text.pk: [TEXTS[number]],
            },
            via=Response.Via.LINK if number % 2 else Response.Via.WORKSPACE,
            today=start + timedelta(days=number),
        )
    return campaign


def detail(client, campaign) -> str:
    url = reverse("questionnaires:campaign-detail", args=[campaign.pk])
    return client.get(url).content.decode()


def results(page: str) -> str:
    return page.split('data-testid="results"')[1]


# --- the threshold -----------------------------------------------------------------


@pytest.mark.parametrize(
    "configured, used", [(None, 5), (5, 5), (8, 8), (3, 3), (2, 3), (1, 3), (0, 3)]
)
def test_min_group_is_never_below_three(settings, configured, used):
    if configured is None:
        del settings.ANONYMOUS_MIN_GROUP
    else:
        settings.ANONYMOUS_MIN_GROUP = configured
    assert stats.anonymous_min_group() == used


def test_min_group_defaults_to_five():
    from django.conf import settings

    assert settings.ANONYMOUS_MIN_GROUP == 5


def test_four_answers_are_not_enough(client, curator, programme):
    campaign = anonymous_campaign(programme, 4)
    client.force_login(curator)
    page = results(detail(client, campaign))
    assert t(NOT_ENOUGH) in page
    assert "Недостаточно ответов для анонимных результатов" in page
    for text in TEXTS[:4]:
        assert text not in page
    assert "Насколько полезны встречи?" not in page


def test_five_answers_show_the_results(client, curator, programme):
    campaign = anonymous_campaign(programme, 5)
    client.force_login(curator)
    whole = detail(client, campaign)
    # shown once, never reopened for a late answer
    assert reverse("questionnaires:campaign-extend", args=[campaign.pk]) not in whole
    page = results(whole)
    assert t(NOT_ENOUGH) not in page
    assert "Насколько полезны встречи?" in page
    for text in TEXTS[:5]:
        assert text in page


@override_settings(ANONYMOUS_MIN_GROUP=7)
def test_the_threshold_follows_the_setting(client, curator, programme):
    campaign = anonymous_campaign(programme, 6)
    client.force_login(curator)
    page = results(detail(client, campaign))
    assert t(NOT_ENOUGH) in page
    assert TEXTS[0] not in page


def test_an_open_anonymous_campaign_shows_no_results(client, curator, programme):
    """While answers come in, every new one would change the results by exactly
    that pupil's answers (and the list of who answered says who it was)."""
    campaign = anonymous_campaign(programme, 6, closed=False)
    client.force_login(curator)
    page = results(detail(client, campaign))
    assert TEXTS[0] not in page and "Насколько полезны встречи?" not in page
    assert t(NOT_ENOUGH) not in page
    assert "после закрытия" in page


def test_a_small_named_questionnaire_still_shows_its_answers(
    client, curator, programme
):
    campaign = anonymous_campaign(programme, 1, closed=False)
    campaign.questionnaire.is_anonymous = False
    campaign.questionnaire.save()
    client.force_login(curator)
    page = results(detail(client, campaign))
    assert TEXTS[0] in page and t(NOT_ENOUGH) not in page


def test_question_stats_are_empty_below_the_threshold(programme):
    small = anonymous_campaign(programme, 4)
    assert stats.question_stats(small) == []
    shown = anonymous_campaign(programme, 5)
    by_text = {s.question.text: s for s in stats.question_stats(shown)}
    assert by_text["Что бы вы изменили?"].texts == sorted(TEXTS[:5])


def test_mentor_is_refused_the_results(client, mentor, programme):
    campaign = anonymous_campaign(programme, 5)
    client.force_login(mentor)
    url = reverse("questionnaires:campaign-detail", args=[campaign.pk])
    assert client.get(url).status_code == 403


def test_a_closed_campaign_with_shown_results_is_not_reopened(curator, programme):
    campaign = anonymous_campaign(programme, 5)
    with pytest.raises(services.ValidationError):
        services.campaign_extend(
            campaign=campaign, closes_on=TODAY + timedelta(days=3), today=TODAY
        )
    campaign.refresh_from_db()
    assert campaign.closes_on < TODAY
    # under the threshold nothing was shown: reopening for late answers is fine
    small = anonymous_campaign(programme, 3)
    services.campaign_extend(
        campaign=small, closes_on=TODAY + timedelta(days=3), today=TODAY
    )


# --- every other place that shows answers ------------------------------------------


@pytest.fixture
def year():
    return SchoolYear.for_date(TODAY)


def in_year(campaign, year):
    Campaign.objects.filter(pk=campaign.pk).update(school_year=year)
    campaign.refresh_from_db()
    return campaign


def test_swot_draft_ignores_a_small_anonymous_group(programme, year):
    in_year(anonymous_campaign(programme, 4), year)
    points = draft_points(programme, year)
    assert not [p for p in points if p.kind in ("high-item", "become-mentor")]


def test_swot_draft_uses_a_large_enough_group(programme, year):
    in_year(anonymous_campaign(programme, 5), year)
    kinds = {p.kind for p in draft_points(programme, year)}
    assert {"high-item", "become-mentor"} <= kinds


def test_expectation_gaps_skip_a_small_anonymous_exit(programme, year):
    entry_q = f.QuestionnaireFactory(
        organisation=programme.organisation, moment="entry"
    )
    question = f.QuestionFactory(questionnaire=entry_q)
    entry = f.CampaignFactory(
        programme=programme,
        questionnaire=entry_q,
        school_year=year,
        opens_on=TODAY - timedelta(days=60),
        closes_on=TODAY - timedelta(days=50),
    )
    response = Response.objects.create(
        campaign=entry, role=Audience.MENTEE, submitted_on=TODAY, via="workspace"
    )
    response.answers.create(question=question, number=2)
    exit_ = in_year(anonymous_campaign(programme, 4), year)
    exit_.questionnaire.questions.filter(order=1).update(topic="comfort")
    assert stats.expectation_gaps(programme, year) == []


def report(client, programme, year, fmt):
    url = f"/export/monitoring-report.{fmt}?programme={programme.pk}&year={year.pk}"
    response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def test_report_withholds_a_small_anonymous_group(client, curator, programme, year):
    in_year(anonymous_campaign(programme, 4), year)
    client.force_login(curator)
    text = pdf_text(report(client, programme, year, "pdf"))
    assert "Анонимный опрос" in text
    assert "Недостаточно ответов" in text
    assert not any(answer in text for answer in TEXTS[:4])
    book = workbook_text(report(client, programme, year, "xlsx"))
    assert "Недостаточно ответов" in book
    assert not any(answer in book for answer in TEXTS[:4])
    assert "Насколько полезны встречи?" not in book


def test_report_shows_a_large_enough_group(client, curator, programme, year):
    in_year(anonymous_campaign(programme, 5), year)
    client.force_login(curator)
    text = pdf_text(report(client, programme, year, "pdf"))
    assert all(answer in text for answer in TEXTS[:5])
    book = workbook_text(report(client, programme, year, "xlsx"))
    assert all(answer in book for answer in TEXTS[:5])


def test_monitoring_page_withholds_a_small_anonymous_exit(
    client, curator, programme, year
):
    in_year(anonymous_campaign(programme, 4), year)
    client.force_login(curator)
    url = reverse("monitoring:programme", args=[programme.pk]) + f"?year={year.pk}"
    page = client.get(url).content.decode()
    assert t(NOT_ENOUGH) in page
    assert "Насколько полезны встречи?" not in page


# --- what an anonymous answer keeps ------------------------------------------------


def test_an_anonymous_answer_keeps_nothing_that_joins(programme):
    campaign = anonymous_campaign(programme, 1, closed=False)
    response = Response.objects.get(campaign=campaign)
    assert response.invitation_id is None
    assert response.participant_id is None
    assert response.pair_id is None
    assert response.form_id is None
    assert response.submitted_on is None
    assert response.via == ""
    invitation = campaign.invitations.get(answered_on__isnull=False)
    assert not hasattr(invitation, "response") or invitation.response is None


def test_a_named_answer_keeps_its_pair_and_date(programme):
    campaign = anonymous_campaign(programme, 1, closed=False)
    campaign.questionnaire.is_anonymous = False
    campaign.questionnaire.save()
    invitation = campaign.invitations.filter(answered_on__isnull=True).first()
    q_scale, q_choice, _q_text = campaign.questionnaire.questions.all()
    response = services.response_submit(
        invitation=invitation,
        answers={q_scale.pk: ["7"], q_choice.pk: ["Нет"]},
        via=Response.Via.LINK,
        today=TODAY,
    )
    assert response.invitation == invitation and response.pair == invitation.pair
    assert response.form == invitation.pair.form
    assert response.submitted_on == TODAY and response.via == Response.Via.LINK


JOINABLE = {"id", "campaign"}  # what every answer of the campaign shares


def test_the_join_of_answers_to_pupils_finds_nothing(client, curator, programme):
    """The curator knows who answered, on which day, in which pair and form, and
    whether by link or in the workspace. Try every join an anonymous answer
    offers: the answer's own fields, and the order of the answers."""
    campaign = anonymous_campaign(programme, 6)
    min_group = stats.anonymous_min_group()
    answered = list(
        campaign.invitations.filter(answered_on__isnull=False)
        .select_related("pair", "participant")
        .order_by("answered_on", "pk")
    )
    assert len({i.answered_on for i in answered}) == len(answered) == 6
    assert len({i.pair.form_id for i in answered}) == 2

    def candidates(response):
        """The answered invitations that agree with the answer on every attribute
        the two share."""
        found = []
        for invitation in answered:
            if response.invitation_id and response.invitation_id != invitation.pk:
                continue
            if (
                response.participant_id
                and response.participant_id != invitation.participant_id
            ):
                continue
            if response.pair_id and response.pair_id != invitation.pair_id:
                continue
            if response.form_id and response.form_id != invitation.pair.form_id:
                continue
            if (
                response.submitted_on
                and response.submitted_on != invitation.answered_on
            ):
                continue
            has_login = bool(invitation.participant.user_id)
            if response.via and (response.via == Response.Via.WORKSPACE) != has_login:
                continue
            found.append(invitation)
        return found

    responses = list(Response.objects.filter(campaign=campaign))
    assert len(responses) == 6
    for response in responses:
        assert len(candidates(response)) >= min_group
        # the role is the questionnaire's audience: the same on every answer
        assert response.role == campaign.questionnaire.audience
        kept = {
            field.attname.removesuffix("_id")
            for field in Response._meta.concrete_fields
            if getattr(response, field.attname) not in (None, "")
        }
        assert kept - {"role"} <= JOINABLE, kept
    assert not Invitation.objects.filter(response__isnull=False, campaign=campaign)

    # The order: the n-th answer of the campaign's page must not be the n-th who
    # answered. The open answers are listed by their text, not by arrival.
    client.force_login(curator)
    page = results(detail(client, campaign))
    positions = [page.index(text) for text in TEXTS[:6]]
    assert positions == sorted(positions, reverse=True)  # arrival order reversed
    # and no single answer is ever listed with its id
    for response in responses:
        assert f"/{response.pk}/" not in page


# --- the data migration ------------------------------------------------------------


def test_migration_blanks_what_joins_on_old_anonymous_answers(programme):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "monitoring.migrations.0006_anonymous_answers_and_safe_links"
    )
    anonymous = anonymous_campaign(programme, 1, closed=False)
    named = anonymous_campaign(programme, 1, closed=False)
    named.questionnaire.is_anonymous = False
    named.questionnaire.save()
    invitation = anonymous.invitations.get(answered_on__isnull=False)
    # an answer saved the way the old code did
    old = Response.objects.get(campaign=anonymous)
    Response.objects.filter(pk=old.pk).update(
        pair=invitation.pair,
        form=invitation.pair.form,
        submitted_on=invitation.answered_on,
        via=Response.Via.WORKSPACE,
    )
    kept = Response.objects.create(
        campaign=named,
        invitation=named.invitations.first(),
        pair=named.invitations.first().pair,
        form=named.invitations.first().pair.form,
        role=Audience.MENTEE,
        submitted_on=TODAY,
        via=Response.Via.LINK,
    )
    migration.unlink_anonymous_answers(apps, None)
    old.refresh_from_db()
    assert (old.pair_id, old.form_id, old.submitted_on, old.via) == (None,) * 3 + ("",)
    assert old.answers.count() == 3  # the answers themselves stay
    assert invitation.__class__.objects.get(pk=invitation.pk).answered_on
    kept.refresh_from_db()
    assert kept.submitted_on == TODAY and kept.via == Response.Via.LINK
    assert kept.pair_id and kept.form_id and kept.invitation_id
