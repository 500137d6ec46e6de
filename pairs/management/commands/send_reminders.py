"""The daily digest: one e-mail a day to each mentor with something due in their
pairs, to each curator about the quiet and overdue pairs of their programmes, and to
anybody with a reminder of no pair (a questionnaire waiting for their answer).

Run by cron once a morning (README, «Напоминания (cron)»). A second run the same day
sends nothing (`ReminderSent`); `--date` replays a missed day, `--dry-run` shows what
would be sent and records nothing.
"""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from mentoring.models import Programme
from pairs.models import Pair, ReminderSent
from pairs.reminders import (
    CURATOR_MAIL_KINDS,
    long_date,
    mentee_names,
    only_kinds,
    pairs_with_reminders,
    personal_reminders,
)
from people.models import User


def site_link(url: str) -> str:
    """An absolute link for the e-mail, or nothing without SITE_URL: a relative
    path is of no use in a mailbox."""
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{site}{url}" if site and url else ""


def entry(pair: Pair, reminders) -> dict:
    mentors = [pair.mentor.participant.short_name]
    if pair.co_mentor_id:
        mentors.append(pair.co_mentor.participant.short_name)
    return {
        "pair": pair,
        "title": pair.title,
        "mentors": ", ".join(mentors),
        "mentees": mentee_names(pair),
        "programme": pair.programme.title,
        "reminders": [
            {"text": reminder.text, "link": site_link(reminder.url)}
            for reminder in reminders
        ],
    }


class Command(BaseCommand):
    help = "Send the daily digest of reminders to mentors and curators."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The day to remind of, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent; send and record nothing.",
        )

    def handle(self, *args, **options):
        today = self.parse_date(options["date"])
        dry_run = options["dry_run"]
        with translation.override(settings.LANGUAGE_CODE):
            self.run(today=today, dry_run=dry_run)

    def parse_date(self, value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--date: expected YYYY-MM-DD, got {value!r}") from error

    def digests(self, today: date) -> dict[int, dict]:
        """Per user id: their reminders of no pair, the pairs they mentor and the
        pairs of their programmes, each with its reminders."""
        grouped = pairs_with_reminders(Pair.objects.open(), today=today)
        digests = defaultdict(lambda: {"personal": [], "mine": [], "curated": []})
        for user_id, reminders in personal_reminders(today=today).items():
            digests[user_id]["personal"] = [
                {"text": reminder.text, "link": site_link(reminder.url)}
                for reminder in reminders
            ]
        for pair, reminders in grouped:
            for mentor in (pair.mentor, pair.co_mentor):
                if mentor is not None and mentor.participant.user_id:
                    digests[mentor.participant.user_id]["mine"].append(
                        entry(pair, reminders)
                    )
        curated = only_kinds(grouped, CURATOR_MAIL_KINDS)
        if curated:
            curators = defaultdict(set)
            links = Programme.curators.through.objects.filter(
                programme__in={pair.programme_id for pair, _found in curated}
            ).values_list("programme_id", "user_id")
            for programme_id, user_id in links:
                curators[programme_id].add(user_id)
            for pair, reminders in curated:
                for user_id in sorted(curators[pair.programme_id]):
                    digests[user_id]["curated"].append(entry(pair, reminders))
        return digests

    def run(self, *, today: date, dry_run: bool) -> None:
        digests = self.digests(today)
        already = set(
            ReminderSent.objects.filter(
                sent_on=today, user__in=list(digests)
            ).values_list("user_id", flat=True)
        )
        users = User.objects.filter(pk__in=list(digests), is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
        subject = gettext("Mentoring school: reminders for %(date)s") % {
            "date": long_date(today)
        }
        sent = skipped = 0
        for user in users:
            if user.pk in already:
                continue
            if not user.email:
                skipped += 1
                self.stdout.write(
                    gettext("No e-mail, not reminded: %(name)s") % {"name": user}
                )
                continue
            digest = digests[user.pk]
            count = len(digest["personal"]) + sum(
                len(item["reminders"]) for item in digest["mine"] + digest["curated"]
            )
            body = render_to_string(
                "pairs/email/reminders_digest.txt",
                {
                    "user": user,
                    "today": today,
                    "personal": digest["personal"],
                    "mine": digest["mine"],
                    "curated": digest["curated"],
                    "site_url": site_link("/"),
                },
            )
            if dry_run:
                self.stdout.write(f"--- {user.email} · {subject}\n{body}")
                sent += 1
                continue
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            except OSError as error:
                self.stderr.write(
                    gettext("Not sent to %(email)s: %(error)s")
                    % {"email": user.email, "error": error}
                )
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        user=user, sent_on=today, items=min(count, 32767)
                    )
            except IntegrityError:
                pass  # another run recorded it meanwhile: the mail went once more
            sent += 1
        if dry_run:
            summary = ngettext(
                "Would send %(count)d e-mail (dry run, nothing recorded).",
                "Would send %(count)d e-mails (dry run, nothing recorded).",
                sent,
            )
        else:
            summary = gettext("E-mails sent: %(count)d")
        self.stdout.write(summary % {"count": sent})
        if skipped:
            self.stdout.write(
                gettext("Without an e-mail, not reminded: %(count)d")
                % {"count": skipped}
            )
