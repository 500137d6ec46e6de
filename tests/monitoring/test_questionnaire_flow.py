"""Questionnaires and campaigns: access, copy/versioning, invitations, answering."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from monitoring import questionnaire_services as services
from monitoring.models import (
    Answer,
    AskedWhen,
    Audience,
    Campaign,
    Measurement,
    Parameter,
    Questionnaire,
    Response,
)
from tests import factories as f

TODAY = date.today()


def t(msgid, **kwargs):
    """The message as the page shows it (Russian once the .po fragment is merged)."""
    text = gettext(msgid)
    return escape(text % kwargs if kwargs else text)


@pytest.fixture
def shipped(db):
    from django.core.management import call_command

    call_command("loaddata", "questionnaires", verbosity=0)


def test_shipped_set_loaded(shipped):
    call_command_twice = Questionnaire.objects.count()
    from django.core.management import call_command

    call_command("loaddata", "questionnaires", verbosity=0)
    assert Questionnaire.objects.count() == call_command_twice
    shipped = Questionnaire.objects.filter(organisation=None)
    assert shipped.filter(code="mentee-entry").exists()
    assert shipped.filter(is_anonymous=True).exists()
    entry = set(
        shipped.get(code="mentee-entry").questions.values_list("topic", flat=True)
    )
    exit_ = set(
        shipped.get(code="mentee-exit").questions.values_list("topic", flat=True)
    )
    assert {"comfort", "usefulness", "clarity", "support", "request"} <= entry & exit_


@pytest.fixture
def campaign(pair, mentee):
    questionnaire = f.QuestionnaireFactory(organisation=pair.programme.organisation)
    f.QuestionFactory(questionnaire=questionnaire, topic="comfort")
    f.QuestionFactory(
        questionnaire=questionnaire,
        kind="single",
        scale_max=None,
        topic="",
        text="Хотели бы вы стать наставником?",
        options="Да\nНет",
    )
    return services.campaign_create(
        programme=pair.programme,
        questionnaire=questionnaire,
        title="",
        scope=Campaign.Scope.ALL,
        opens_on=TODAY,
        closes_on=TODAY + timedelta(days=14),
    )


@pytest.mark.parametrize(
    "name", ["questionnaires:list", "questionnaires:campaign-list"]
)
def test_curator_pages_refuse(client, curator, mentor, name):
    client.force_login(curator)
    assert client.get(reverse(name)).status_code == 200
    client.force_login(mentor)
    assert client.get(reverse(name)).status_code == 403


def test_anonymous_redirected(client, campaign):
    response = client.get(reverse("questionnaires:campaign-detail", args=[campaign.pk]))
    assert response.status_code == 302


def test_other_organisation_404(client, outsider, campaign, mentor):
    client.force_login(outsider)
    url = reverse("questionnaires:campaign-detail", args=[campaign.pk])
    assert client.get(url).status_code == 404
    q = campaign.questionnaire
    assert client.get(reverse("questionnaires:detail", args=[q.pk])).status_code == 404
    client.force_login(mentor)
    assert client.get(url).status_code == 403


def test_copy_and_versioning(client, curator, organisation, shipped):
    shipped = Questionnaire.objects.get(code="mentee-exit", organisation=None)
    client.force_login(curator)
    response = client.post(reverse("questionnaires:copy", args=[shipped.pk]))
    copy = Questionnaire.objects.get(organisation=organisation)
    assert response.url == reverse("questionnaires:detail", args=[copy.pk])
    assert copy.copied_from == shipped and copy.version == 1
    assert copy.questions.count() == shipped.questions.count()
    # shipped is read-only
    assert (
        client.get(reverse("questionnaires:update", args=[shipped.pk])).status_code
        == 404
    )
    # answered → edit makes version 2
    camp = f.CampaignFactory(
        programme=f.ProgrammeFactory(organisation=organisation), questionnaire=copy
    )
    Response.objects.create(
        campaign=camp, role="mentee", submitted_on=TODAY, via="link"
    )
    question = copy.questions.first()
    response = client.post(
        reverse("questionnaires:question-update", args=[copy.pk, question.pk]),
        {"text": "Новый текст", "kind": "scale", "scale_max": 10, "is_required": "on"},
        follow=True,
    )
    copy.refresh_from_db()
    new = copy.superseded_by
    assert new.version == 2
    assert new.questions.filter(text="Новый текст").exists()
    assert not copy.questions.filter(text="Новый текст").exists()
    assert "2" in response.content.decode()
    camp.refresh_from_db()
    assert camp.questionnaire == copy


def test_delete_blocked_with_campaign(curator, campaign):
    with pytest.raises(services.ValidationError):
        services.questionnaire_delete(questionnaire=campaign.questionnaire)


def test_invitations_scope(programme):
    group = f.PairFactory(programme=programme)
    a = f.PairMenteeFactory(pair=group)
    f.PairMenteeFactory(pair=group)
    other = f.PairFactory(
        programme=programme, form=f.catalogue(f.m.MentoringForm, "pupil-pupil")
    )
    f.PairMenteeFactory(pair=other, mentee=a.mentee)  # the same mentee in two pairs
    q = f.QuestionnaireFactory(organisation=programme.organisation)
    f.QuestionFactory(questionnaire=q)
    c = services.campaign_create(
        programme=programme,
        questionnaire=q,
        title="",
        scope="all",
        opens_on=TODAY,
        closes_on=TODAY,
    )
    assert c.invitations.count() == 2
    c2 = services.campaign_create(
        programme=programme,
        questionnaire=q,
        title="",
        scope="form",
        form=other.form,
        opens_on=TODAY,
        closes_on=TODAY,
    )
    assert c2.invitations.count() == 1
    mq = f.QuestionnaireFactory(
        organisation=programme.organisation, audience=Audience.MENTOR
    )
    c3 = services.campaign_create(
        programme=programme,
        questionnaire=mq,
        title="",
        scope="pairs",
        pairs=[group],
        opens_on=TODAY,
        closes_on=TODAY,
    )
    assert list(c3.invitations.values_list("participant", flat=True)) == [
        group.mentor.participant_id
    ]
    with pytest.raises(services.ValidationError):
        services.campaign_create(
            programme=programme,
            questionnaire=q,
            title="",
            scope="all",
            opens_on=TODAY,
            closes_on=TODAY - timedelta(days=1),
        )


def test_answer_in_workspace(client, mentee, campaign):
    client.force_login(mentee)
    url = reverse("questionnaires:answer", args=[campaign.pk])
    assert client.get(url).status_code == 200
    q1, q2 = campaign.questionnaire.questions.all()
    bad = [
        (
            {f"q{q1.pk}": "11", f"q{q2.pk}": "Да"},
            t("Choose a number from 1 to %(max)d.", max=10),
        ),
        (
            {f"q{q1.pk}": "x", f"q{q2.pk}": "Да"},
            t("Choose a number from 1 to %(max)d.", max=10),
        ),
        (
            {f"q{q1.pk}": "5", f"q{q2.pk}": "Может быть"},
            t("Choose from the options offered."),
        ),
        ({f"q{q2.pk}": "Да"}, t("Answer this question.")),
    ]
    for data, text in bad:
        response = client.post(url, data)
        assert text in response.content.decode(), text
        assert Response.objects.count() == 0
    response = client.post(url, {f"q{q1.pk}": "7", f"q{q2.pk}": "Да"})
    assert t("Thank you! Your answers are saved.") in response.content.decode()
    saved = Response.objects.get()
    assert saved.participant.user == mentee and saved.invitation is not None
    assert Answer.objects.get(question=q1).number == 7
    response = client.post(url, {f"q{q1.pk}": "7", f"q{q2.pk}": "Да"})
    assert (
        t("This questionnaire has already been answered. Thank you!")
        in response.content.decode()
    )
    assert Response.objects.count() == 1


def test_answer_by_link_states(client, campaign):
    invitation = campaign.invitations.get()
    url = reverse("questionnaires:answer-link", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.get(reverse("questionnaires:answer-link", args=["guess"]))
    assert response.status_code == 404
    assert (
        t(
            "There is no questionnaire at this link. Check the link or ask the curator for a new one."  # noqa: E501
        )
        in response.content.decode()
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_on=TODAY - timedelta(days=1), opens_on=TODAY - timedelta(days=5)
    )
    response = client.get(url)
    assert (
        escape(
            gettext("The questionnaire closed on %(date)s.")
            % {"date": services.long_date(TODAY - timedelta(days=1))}
        )
        in response.content.decode()
    )
    assert "<form" not in response.content.decode().split("<main")[-1]
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=TODAY + timedelta(days=1), closes_on=TODAY + timedelta(days=5)
    )
    response = client.get(url)
    assert (
        escape(
            gettext("The questionnaire opens on %(date)s.")
            % {"date": services.long_date(TODAY + timedelta(days=1))}
        )
        in response.content.decode()
    )
    q1, q2 = campaign.questionnaire.questions.all()
    client.post(url, {f"q{q1.pk}": "7", f"q{q2.pk}": "Да"})
    assert Response.objects.count() == 0


def test_reused_link(client, campaign):
    invitation = campaign.invitations.get()
    url = reverse("questionnaires:answer-link", args=[invitation.token])
    q1, q2 = campaign.questionnaire.questions.all()
    client.post(url, {f"q{q1.pk}": "7", f"q{q2.pk}": "Да"})
    response = client.get(url)
    assert (
        t("This questionnaire has already been answered. Thank you!")
        in response.content.decode()
    )
    client.post(url, {f"q{q1.pk}": "7", f"q{q2.pk}": "Да"})
    assert Response.objects.count() == 1


def test_anonymous_answer_keeps_no_link(client, curator, campaign):
    Questionnaire.objects.filter(pk=campaign.questionnaire_id).update(is_anonymous=True)
    invitation = campaign.invitations.get()
    q1, q2 = campaign.questionnaire.questions.all()
    client.post(
        reverse("questionnaires:answer-link", args=[invitation.token]),
        {f"q{q1.pk}": "7", f"q{q2.pk}": "Да"},
    )
    response = Response.objects.get()
    assert (
        response.invitation is None
        and response.participant is None
        and response.pair is None
    )
    invitation.refresh_from_db()
    assert invitation.answered_on == TODAY
    client.force_login(curator)
    page = client.get(
        reverse("questionnaires:campaign-detail", args=[campaign.pk])
    ).content.decode()
    results = page.split('data-testid="results"')[1]
    assert invitation.participant.last_name not in results


def test_measurement_from_parameter_question(client, mentee, pair):
    q = f.QuestionnaireFactory(
        organisation=pair.programme.organisation, moment=AskedWhen.ENTRY
    )
    question = f.QuestionFactory(
        questionnaire=q, parameter=Parameter.objects.get(code="self-esteem")
    )
    c = services.campaign_create(
        programme=pair.programme,
        questionnaire=q,
        title="",
        scope="all",
        opens_on=TODAY,
        closes_on=TODAY,
    )
    client.force_login(mentee)
    client.post(reverse("questionnaires:answer", args=[c.pk]), {f"q{question.pk}": "8"})
    m = Measurement.objects.get()
    assert m.value == 8 and m.moment == "entry" and m.source == "questionnaire"


def test_measurement_by_hand_kept(pair, mentee):
    participant = pair.memberships.get().mentee.participant
    f.MeasurementFactory(
        pair=pair,
        participant=participant,
        parameter=Parameter.objects.get(code="self-esteem"),
        value=3,
    )
    q = f.QuestionnaireFactory(
        organisation=pair.programme.organisation, moment=AskedWhen.ENTRY
    )
    question = f.QuestionFactory(
        questionnaire=q, parameter=Parameter.objects.get(code="self-esteem")
    )
    c = services.campaign_create(
        programme=pair.programme,
        questionnaire=q,
        title="",
        scope="all",
        opens_on=TODAY,
        closes_on=TODAY,
    )
    services.response_submit(
        invitation=c.invitations.get(),
        answers={question.pk: ["9"]},
        via="link",
        today=TODAY,
    )
    assert Measurement.objects.get().value == 3


def test_mentor_cannot_answer_others(client, mentor, campaign):
    client.force_login(mentor)
    assert (
        client.get(reverse("questionnaires:answer", args=[campaign.pk])).status_code
        == 404
    )


def test_home_block(client, mentee, campaign):
    client.force_login(mentee)
    page = client.get(reverse("home")).content.decode()
    assert reverse("questionnaires:answer", args=[campaign.pk]) in page


@pytest.mark.parametrize("size", [1, 6])
def test_query_budget(client, curator, programme, size, django_assert_max_num_queries):
    for _ in range(size):
        c = f.CampaignFactory(programme=programme)
        f.QuestionFactory(questionnaire=c.questionnaire)
        for _ in range(3):
            f.InvitationFactory(campaign=c)
    client.force_login(curator)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("questionnaires:campaign-list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert (
            client.get(
                reverse("questionnaires:campaign-detail", args=[c.pk])
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(25):
        assert (
            client.get(
                reverse("questionnaires:campaign-print", args=[c.pk])
            ).status_code
            == 200
        )
