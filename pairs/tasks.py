"""Celery tasks of the pairs app: the morning digest of reminders, scheduled by
Celery beat (settings.CELERY_BEAT_SCHEDULE) and still runnable as
`manage.py send_reminders` (from cron, or to replay a missed day)."""

import io

from celery import shared_task
from django.core.management import call_command


@shared_task(name="pairs.tasks.send_reminder_digest")
def send_reminder_digest(day: str | None = None) -> str:
    """Today's digest (or `day`'s, ISO date); a second run the same day sends
    nothing (ReminderSent)."""
    output = io.StringIO()
    args = ["--date", day] if day else []
    call_command("send_reminders", *args, stdout=output)
    return output.getvalue()
