"""Celery tasks of the project package: running background jobs and clearing old
ones (see mentoring.jobs)."""

from celery import shared_task

from mentoring import health, jobs


@shared_task(name="mentoring.tasks.run_job")
def run_job(job_id: int) -> None:
    jobs.execute(job_id)


@shared_task(name="mentoring.tasks.purge_jobs")
def purge_jobs() -> int:
    return jobs.purge()


@shared_task(name="mentoring.tasks.heartbeat")
def heartbeat() -> None:
    """Scheduled by the beat every few seconds and run by a worker: the proof,
    for `/healthz`, that the broker, the beat and a worker all work."""
    health.beat()
