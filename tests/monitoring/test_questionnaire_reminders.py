"""«A questionnaire is waiting for your answer»: in the app and in the daily digest,
only while the campaign is open and the invitation not used."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from monitoring import questionnaire_services as services
from monitoring.models import Audience, Campaign
from pairs.models import ReminderSent
from pairs.reminders import QUESTIONNAIRE, reminders_for_user
from tests import factories as f

TODAY = timezone.localdate()
SITE = "https://school.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def run():
    out = StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    return out.getvalue()


def quiet_pair_free(pair):
    """No reminders about the pair itself: a meeting a day ago, end far ahead."""
    pair.start_on = TODAY - timedelta(days=10)
    pair.planned_end_on = TODAY + timedelta(days=200)
    pair.save()
    f.MeetingFactory(pair=pair, held_on=TODAY - timedelta(days=1))


def invite(pair, *, participant=None, user=None, **campaign_fields):
    """An invitation of `participant` (about `pair`) or of `user` (a curator) to an
    open campaign of the pair's programme, unless the dates say otherwise."""
    campaign_fields.setdefault("opens_on", TODAY - timedelta(days=2))
    campaign_fields.setdefault("closes_on", TODAY + timedelta(days=10))
    campaign = f.CampaignFactory(
        programme=pair.programme, title="Входное анкетирование", **campaign_fields
    )
    return f.InvitationFactory(
        campaign=campaign,
        participant=participant,
        user=user,
        pair=pair if participant else None,
    )


def questionnaire_reminders(user):
    return [
        reminder
        for reminder in reminders_for_user(user, today=TODAY)
        if reminder.kind == QUESTIONNAIRE
    ]


def answer_path(invitation):
    return reverse("questionnaires:answer", args=[invitation.campaign_id])


def test_unanswered_open_campaign_reminds_in_the_app(client, pair, mentor):
    quiet_pair_free(pair)
    invitation = invite(pair, participant=pair.mentor.participant)

    [reminder] = questionnaire_reminders(mentor)
    assert reminder.url == answer_path(invitation)
    assert "Входное анкетирование" in reminder.text
    assert reminder.pair_id is None

    client.force_login(mentor)
    page = client.get(reverse("reminders:mine")).content.decode()
    assert "Входное анкетирование" in page
    assert answer_path(invitation) in page
    page = client.get(reverse("journal:mine")).content.decode()
    assert answer_path(invitation) in page


def test_unanswered_open_campaign_mails_a_digest_with_the_link(pair, mentee):
    """The mentee has no pair reminders at all: the questionnaire alone is enough."""
    mentee.email = "mentee@school.ru"
    mentee.save()
    participant = pair.memberships.get().mentee.participant
    invitation = invite(pair, participant=participant)

    run()

    [message] = mail.outbox
    assert message.to == ["mentee@school.ru"]
    assert "Входное анкетирование" in message.body
    assert f"{SITE}{answer_path(invitation)}" in message.body
    assert ReminderSent.objects.get(user=mentee).items == 1

    mail.outbox.clear()
    run()
    assert mail.outbox == []


def test_curator_is_reminded_of_the_curators_questionnaire(pair, curator):
    curator.email = "curator@school.ru"
    curator.save()
    invitation = invite(
        pair,
        user=curator,
        questionnaire=f.QuestionnaireFactory(
            organisation=pair.programme.organisation, audience=Audience.CURATOR
        ),
    )

    assert [r.url for r in questionnaire_reminders(curator)] == [
        answer_path(invitation)
    ]
    run()
    [message] = mail.outbox
    assert message.to == ["curator@school.ru"]
    assert f"{SITE}{answer_path(invitation)}" in message.body


def test_the_digest_joins_questionnaires_and_pairs(pair, mentor):
    """A quiet pair and a questionnaire: still one letter, with both."""
    mentor.email = "mentor@school.ru"
    mentor.save()
    pair.start_on = TODAY - timedelta(days=40)
    pair.planned_end_on = TODAY + timedelta(days=200)
    pair.save()
    invitation = invite(pair, participant=pair.mentor.participant)

    run()

    [message] = mail.outbox
    assert f"{SITE}{answer_path(invitation)}" in message.body
    assert ReminderSent.objects.get(user=mentor).items == 2


def test_answered_reminds_no_more(pair, mentor):
    quiet_pair_free(pair)
    mentor.email = "mentor@school.ru"
    mentor.save()
    invitation = invite(pair, participant=pair.mentor.participant)
    invitation.answered_on = TODAY
    invitation.save()

    assert questionnaire_reminders(mentor) == []
    run()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "opens_on, closes_on",
    [
        (TODAY - timedelta(days=20), TODAY - timedelta(days=1)),  # closed
        (TODAY + timedelta(days=1), TODAY + timedelta(days=20)),  # not yet open
    ],
)
def test_closed_or_not_yet_open_reminds_nothing(pair, mentor, opens_on, closes_on):
    quiet_pair_free(pair)
    mentor.email = "mentor@school.ru"
    mentor.save()
    invite(
        pair,
        participant=pair.mentor.participant,
        opens_on=opens_on,
        closes_on=closes_on,
    )

    assert questionnaire_reminders(mentor) == []
    run()
    assert mail.outbox == []


def test_campaign_closed_early_reminds_nothing(pair, mentor):
    quiet_pair_free(pair)
    invitation = invite(pair, participant=pair.mentor.participant)
    services.campaign_close(campaign=invitation.campaign, today=TODAY)

    assert questionnaire_reminders(mentor) == []


def test_answered_anonymous_questionnaire_reminds_no_more(pair, mentee):
    mentee.email = "mentee@school.ru"
    mentee.save()
    questionnaire = f.QuestionnaireFactory(
        organisation=pair.programme.organisation, is_anonymous=True
    )
    question = f.QuestionFactory(questionnaire=questionnaire, scale_max=5)
    invitation = invite(
        pair,
        participant=pair.memberships.get().mentee.participant,
        questionnaire=questionnaire,
    )
    assert len(questionnaire_reminders(mentee)) == 1

    response = services.response_submit(
        invitation=invitation,
        answers={question.pk: ["4"]},
        via="workspace",
        today=TODAY,
    )

    assert response.invitation is None  # the answer keeps no link back
    invitation.refresh_from_db()
    assert invitation.answered_on == TODAY
    assert questionnaire_reminders(mentee) == []
    run()
    assert mail.outbox == []


def test_other_users_invitations_are_not_mine(pair, mentor, mentee):
    quiet_pair_free(pair)
    invite(pair, participant=pair.memberships.get().mentee.participant)

    assert questionnaire_reminders(mentor) == []
    assert len(questionnaire_reminders(mentee)) == 1
    assert Campaign.objects.count() == 1
