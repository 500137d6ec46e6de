"""`manage.py restore ARCHIVE`: into an empty database and MEDIA_ROOT, checked
against the archive's manifest (mentoring.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mentoring.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and check it."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a mentoring-backup-….tar.gz")

    def handle(self, *args, archive, **options):
        try:
            restored = restore_backup(Path(archive))
        except (BackupError, OSError) as error:
            raise CommandError(f"restore failed: {error}") from error
        self.stdout.write(
            f"restored and checked: {restored.tables} tables, {restored.rows} rows, "
            f"{restored.files} files"
        )
