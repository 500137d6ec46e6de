"""The daily digest: who gets mail, once a day, in Russian; curators' digest."""

from datetime import date, timedelta
from io import StringIO

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from mentoring.celery import app
from pairs.models import Pair, Plan, PlanItem, ReminderSent
from pairs.tasks import send_reminder_digest
from people.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)


def run(*args):
    out = StringIO()
    call_command("send_reminders", "--date", DAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def mentor_user(pair, email, username):
    user = f.UserFactory(username=username, email=email)
    participant = pair.mentor.participant
    participant.user = user
    participant.save()
    f.MembershipFactory(
        user=user, organisation=pair.programme.organisation, role=Role.MENTOR
    )
    return user


def quiet_pair(programme, **kwargs):
    pair = f.PairFactory(
        programme=programme,
        start_on=DAY - timedelta(days=40),
        planned_end_on=DAY + timedelta(days=200),
        **kwargs,
    )
    f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def due(programme):
    """A quiet pair whose mentor has an e-mail."""
    pair = quiet_pair(programme)
    return pair, mentor_user(pair, "due@school.ru", "due")


def test_exactly_the_mentors_with_something_due_get_one_mail_once(programme, due):
    pair, user = due
    fine = quiet_pair(programme)
    f.MeetingFactory(pair=fine, held_on=DAY - timedelta(days=3))
    mentor_user(fine, "fine@school.ru", "fine")

    output = run()

    assert [message.to for message in mail.outbox] == [["due@school.ru"]]
    assert ReminderSent.objects.get(user=user).sent_on == DAY
    assert output.strip().splitlines()[-1].endswith(": 1")

    mail.outbox.clear()
    output = run()
    assert mail.outbox == []
    assert output.strip().splitlines()[-1].endswith(": 0")


def test_the_next_day_reminds_again(due):
    run()
    mail.outbox.clear()
    call_command(
        "send_reminders",
        "--date",
        (DAY + timedelta(days=1)).isoformat(),
        stdout=StringIO(),
    )
    assert len(mail.outbox) == 1


def test_paused_pairs_are_skipped(due):
    pair, _user = due
    pair.paused_until = DAY + timedelta(days=7)
    pair.pause_reason = "каникулы"
    pair.save()
    run()
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_a_mentor_without_an_e_mail_is_skipped_and_reported(programme):
    pair = quiet_pair(programme)
    user = mentor_user(pair, "", "silent")
    output = run()
    assert mail.outbox == []
    assert str(user) in output
    assert not ReminderSent.objects.exists()


def test_the_body_names_the_pair_and_its_mentees_in_russian(due):
    pair, _user = due
    run()
    [message] = mail.outbox
    mentee = pair.memberships.get().mentee.participant
    assert mentee.short_name in message.body
    assert "5 марта 2026" in message.subject
    assert "5 марта 2026" in message.body
    with translation.override("ru"):
        translated = translation.gettext("Mentoring school: reminders for %(date)s")
    if translated.startswith("Mentoring school"):
        pytest.skip("reminders.po fragment not merged into django.po yet")
    assert message.subject == "Школа наставничества: напоминания на 5 марта 2026"
    assert "Нет встреч 40 дней." in message.body


def test_links_only_with_site_url(due, settings):
    pair, _user = due
    settings.SITE_URL = "https://school.example"
    run()
    [message] = mail.outbox
    # the journal page of a pair may not exist yet; then there is no link at all
    assert "https://school.example/" in message.body
    assert "\n    /" not in message.body


def test_curators_get_the_digest_of_their_programmes(programme, curator, due):
    pair, _user = due
    curator.email = "curator@school.ru"
    curator.save()
    other_programme = f.ProgrammeFactory(organisation=programme.organisation)
    other_curator = f.UserFactory(username="other", email="other@school.ru")
    other_programme.curators.add(other_curator)

    run()

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["curator@school.ru", "due@school.ru"]
    [to_curator] = [m for m in mail.outbox if m.to == ["curator@school.ru"]]
    assert pair.memberships.get().mentee.participant.short_name in to_curator.body
    assert pair.mentor.participant.short_name in to_curator.body
    assert ReminderSent.objects.filter(user=curator, sent_on=DAY).exists()


def test_curators_are_not_told_about_overdue_items_only(programme, curator):
    curator.email = "curator@school.ru"
    curator.save()
    pair = quiet_pair(programme)
    f.MeetingFactory(pair=pair, held_on=DAY - timedelta(days=2))
    plan = Plan.objects.create(
        pair=pair, goal="Цель", starts_on=pair.start_on, ends_on=pair.planned_end_on
    )
    PlanItem.objects.create(plan=plan, activity="Урок", deadline=DAY - timedelta(1))
    mentor_user(pair, "due@school.ru", "due")
    run()
    assert [message.to for message in mail.outbox] == [["due@school.ru"]]


def test_a_mentor_who_is_also_a_curator_gets_one_mail(programme, curator):
    curator.email = "curator@school.ru"
    curator.save()
    pair = quiet_pair(programme)
    participant = pair.mentor.participant
    participant.user = curator
    participant.save()
    run()
    assert [message.to for message in mail.outbox] == [["curator@school.ru"]]


def test_dry_run_sends_and_records_nothing(due):
    output = run("--dry-run")
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "due@school.ru" in output


def test_closed_pairs_and_bad_dates(programme, due):
    pair, _user = due
    pair.status = Pair.Status.TERMINATED
    pair.ended_on = DAY - timedelta(days=1)
    pair.termination_reason = "переезд"
    pair.save()
    run()
    assert mail.outbox == []
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "05.03.2026", stdout=StringIO())


def test_the_digest_is_a_celery_task_that_beat_runs_every_morning(due, settings):
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks  # every scheduled task exists
    morning = settings.CELERY_BEAT_SCHEDULE["reminder-digest"]["schedule"]
    assert isinstance(morning, crontab) and morning.hour == {7}

    send_reminder_digest.delay(DAY.isoformat())  # eager without a broker
    assert [message.to for message in mail.outbox] == [["due@school.ru"]]
    send_reminder_digest.delay(DAY.isoformat())  # the same day again: nothing
    assert len(mail.outbox) == 1
