"""`manage.py backup`: one dated archive of the database, the uploaded files and
a manifest (mentoring.backup); the last BACKUP_KEEP archives are kept."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mentoring.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one dated archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder", default=str(settings.BACKUP_DIR), help="where archives go"
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="how many archives to keep (older ones are deleted)",
        )

    def handle(self, *args, folder, keep, **options):
        if keep < 1:
            raise CommandError("--keep must be 1 or more")
        try:
            made = make_backup(Path(folder), keep=keep)
        except (BackupError, OSError) as error:
            raise CommandError(f"backup failed, nothing written: {error}") from error
        self.stdout.write(
            f"{made.path} ({made.tables} tables, {made.rows} rows, {made.files} files)"
        )
        for old in made.removed:
            self.stdout.write(f"removed {old.name}")
