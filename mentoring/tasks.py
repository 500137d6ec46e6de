"""Celery tasks of the project package: running background jobs and clearing old
ones (see mentoring.jobs)."""

from celery import shared_task

from mentoring import jobs


@shared_task(name="mentoring.tasks.run_job")
def run_job(job_id: int) -> None:
    jobs.execute(job_id)


@shared_task(name="mentoring.tasks.purge_jobs")
def purge_jobs() -> int:
    return jobs.purge()
