"""Anonymise people who left the programme more than N years ago (152-ФЗ: personal
data are kept no longer than their purpose needs). The rule of «left» and what is
cleared are in people/retention.py. A dry run by default; run from cron, e.g.
monthly: `python manage.py anonymise_leavers --apply`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from people import retention

DEFAULT_YEARS = 5


class Command(BaseCommand):
    help = (
        "Anonymise participants who left more than N years ago. Prints counts per "
        "organisation and base (no names); changes data only with --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=getattr(settings, "RETENTION_YEARS", DEFAULT_YEARS),
            help="Years after leaving (default: settings.RETENTION_YEARS or 5).",
        )
        parser.add_argument(
            "--apply", action="store_true", help="Anonymise (default: dry run)."
        )

    def handle(self, *args, years: int, apply: bool, **options):
        if years < 1:
            raise CommandError("--years must be at least 1.")
        plan = retention.leavers(years)
        counts = plan.counts()
        verb = "Anonymised" if apply else "Would anonymise"
        for (organisation, base), count in sorted(counts.items()):
            self.stdout.write(f"{organisation}\t{base}\t{count}")
        if apply:
            done = retention.anonymise(plan.participants)
        else:
            done = len(plan.participants)
        self.stdout.write(
            f"{verb} {done} participant(s) who left more than {years} year(s) ago."
        )
        if not apply and done:
            self.stdout.write("Dry run: nothing changed. Run with --apply to do it.")
