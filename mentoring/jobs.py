"""Background jobs: work that may outlast a web request, with progress and a file.

    job = start(user=..., organisation=..., kind=Job.Kind.EXPORT, identifier=...,
                fmt="xlsx", params={...}, title="База наставляемых")

queues the job for a Celery worker (`mentoring.tasks.run_job`) or, with no broker
configured, runs it at once in this process. `execute()` runs one job: the handler
of its kind (settings.JOB_HANDLERS: `(job, report) -> Outcome`) does the work and
reports its progress through `report(done, total, step)`; the file it returns is
stored whole before the job is marked done, so a half-written file is never
offered. A job that fails keeps a message for its user and nothing else.

A worker killed in the middle leaves the job «running» and its message in the
queue (acks_late): the next worker runs it again from the start, and a job that is
already done is never run twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from mentoring.celery import app as celery_app
from mentoring.lib.export import ExportRefused, no_space_refused
from mentoring.models import Job

logger = logging.getLogger(__name__)

Report = Callable[..., None]
MAX_ATTEMPTS = 3


@dataclass
class Outcome:
    """What a job produced: a file, a line of text for its user, or both."""

    content: bytes | None = None
    filename: str = ""
    result: str = ""


class JobRefused(Exception):
    """The job may not run (any more): its message is shown to the user."""


def progress_key(job_id: int) -> str:
    return f"job-progress-{job_id}"


def start(*, user, organisation, kind, identifier, title, fmt="", params=None) -> Job:
    job = Job.objects.create(
        user=user,
        organisation=organisation,
        kind=kind,
        identifier=identifier,
        fmt=fmt,
        params=params or {},
        title=str(title)[:200],
    )
    enqueue(job)
    return job


def enqueue(job: Job) -> None:
    """Hand the job to the worker once the row is committed; run it now where
    there is no worker (eager mode)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        execute(job.pk)
    else:
        transaction.on_commit(
            lambda: celery_app.send_task("mentoring.tasks.run_job", args=[job.pk])
        )


class Reporter:
    """`report(done, total=None, step="")`: the job's progress, written at most
    every JOB_REPORT_SECONDS. The cache always gets it; the job's row too unless
    `to_row` is off — a handler turns it off while it writes in a transaction of
    its own (other processes would not see the row before the end)."""

    def __init__(self, job: Job):
        self.job = job
        self.last = 0.0
        self.to_row = True

    def __call__(self, done: int, total: int | None = None, step: str = "") -> None:
        percent = None
        if total:
            percent = max(0, min(99, int(100 * done / total)))
        now = time.monotonic()
        if now - self.last < settings.JOB_REPORT_SECONDS:
            return
        self.last = now
        state = {"progress": percent, "step": str(step)[:200]}
        logger.info("Job %s progress %s%% %s", self.job.pk, percent, state["step"])
        cache.set(progress_key(self.job.pk), state, timeout=24 * 3600)
        if self.to_row:
            Job.objects.filter(pk=self.job.pk).update(**state)


def current_state(job: Job) -> dict:
    """The job's status, progress and step as its page shows them."""
    state = {"progress": job.progress, "step": job.step}
    if job.status == Job.Status.RUNNING:
        cached = cache.get(progress_key(job.pk))
        if cached and (cached["progress"] or 0) >= (job.progress or 0):
            state = cached
    if job.status == Job.Status.DONE:
        state = {"progress": 100, "step": ""}
    return {"status": job.status, "finished": job.finished, **state}


def claim(job_id: int) -> Job | None:
    """Mark the job running; None when it is finished (a retried message of a done
    job) or has run out of attempts."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.status = Job.Status.FAILED
            job.error = ngettext(
                "The job was interrupted %(count)d time and stopped.",
                "The job was interrupted %(count)d times and stopped.",
                job.attempts,
            ) % {"count": job.attempts}
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.progress, job.step = None, ""
        job.save(update_fields=["status", "attempts", "started_at", "progress", "step"])
        return job


def execute(job_id: int) -> None:
    """Run one job to its end: done with its file, or failed with a message."""
    job = claim(job_id)
    if job is None:
        return
    handler = import_string(settings.JOB_HANDLERS[job.kind])
    with override(settings.LANGUAGE_CODE):
        try:
            outcome = handler(job, Reporter(job))
        except (JobRefused, ExportRefused) as refused:
            finish(job, error=str(refused))
        except Exception:
            logger.exception("Background job %s (%s) failed", job.pk, job.identifier)
            finish(
                job,
                error=_(
                    "The job failed because of an error in the portal. Nothing was "
                    "changed; try again, and if it fails again tell the administrator."
                ),
            )
        else:
            try:
                with no_space_refused():
                    finish(job, outcome=outcome)
            except ExportRefused as refused:  # the storage's disk is full
                finish(job, error=str(refused))
    cache.delete(progress_key(job.pk))


def finish(job: Job, *, outcome: Outcome | None = None, error: str = "") -> None:
    job.finished_at = timezone.now()
    if error:
        job.status, job.error = Job.Status.FAILED, error
        job.save(update_fields=["status", "error", "finished_at"])
        return
    if outcome.content is not None:
        # Written whole to storage first: the job is done only with its file.
        job.file.save(outcome.filename, ContentFile(outcome.content), save=False)
        job.filename = outcome.filename[:200]
    job.status, job.progress, job.step = Job.Status.DONE, 100, ""
    job.result = outcome.result
    job.save(
        update_fields=[
            "status",
            "progress",
            "step",
            "file",
            "filename",
            "result",
            "finished_at",
        ]
    )


def purge(*, days: int | None = None) -> int:
    """Delete finished jobs older than JOB_KEEP_DAYS, with their files."""
    days = settings.JOB_KEEP_DAYS if days is None else days
    old = Job.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
