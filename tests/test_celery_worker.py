"""A real Celery worker process against Redis (127.0.0.1:6379; `make test` and
.ci/run start one where it is absent) runs a queued export: the job goes from
queued to running with its progress to done, and its file is the export's."""

import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from mentoring import jobs
from mentoring.celery import app as celery_app
from mentoring.models import Job
from people.jobs import job_params
from people.models import MenteeProfile, Participant

pytestmark = pytest.mark.django_db(transaction=True)

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
ROWS = 4000
BASE_DIR = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The test database as a URL for the worker process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def forget_connections():
    """Drop the app's cached producer pool and queue set: an earlier test's eager
    task (`delay` in eager mode still acquires a producer) made them for the
    default broker and queue, which a change of `conf` alone does not reach."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)
    kombu.pools.reset()  # its producer pools, keyed by the broker, held the closed one


@pytest.fixture
def queue(settings):
    """A queue of this run's own on Redis: another test run on the machine (and
    its worker) never takes this run's job."""
    client = redis.Redis.from_url(BROKER)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not running at {BROKER}: `make test` starts it")
    name = f"test-jobs-{uuid.uuid4().hex}"
    previous = celery_app.conf.broker_url, celery_app.conf.task_default_queue
    celery_app.conf.broker_url = BROKER
    celery_app.conf.task_default_queue = name
    forget_connections()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER
    yield client, name
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = previous
    forget_connections()
    client.delete(name)


def start_worker(tmp_path, queue_name: str, log_name="worker.log", **extra):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "worker-test",
        "DEBUG": "0",
        "TESTING": "0",
        "CONN_MAX_AGE": "0",
        # every step of the bar written and logged: a fast worker finishes the
        # export in half a second, the default interval
        "JOB_REPORT_SECONDS": "0",
        **extra,
    }
    log = open(tmp_path / log_name, "w")  # noqa: SIM115 (closed by the caller)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentoring",
            "worker",
            "--queues",
            queue_name,
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, log


def stop(worker, log) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
    log.close()


def fill_mentee_base(organisation, rows: int = ROWS) -> None:
    Participant.objects.bulk_create(
        Participant(
            organisation=organisation,
            kind=Participant.Kind.PUPIL,
            last_name=f"Ученик{number:05d}",
            first_name="Иван",
            birth_date=date(2012, 1, 1),
        )
        for number in range(rows)
    )
    MenteeProfile.objects.bulk_create(
        MenteeProfile(participant=participant)
        for participant in Participant.objects.filter(organisation=organisation)
    )


def queue_mentee_export(curator, organisation, rf) -> Job:
    request = rf.get("/people/mentees/")
    return jobs.start(
        user=curator,
        organisation=organisation,
        kind=Job.Kind.EXPORT,
        identifier="mentee-base",
        fmt="xlsx",
        params=job_params(request),
        title="База наставляемых",
    )


def test_a_real_worker_takes_a_queued_export_to_done(
    client, curator, organisation, queue, tmp_path, rf
):
    redis_client, queue_name = queue
    fill_mentee_base(organisation)
    job = queue_mentee_export(curator, organisation, rf)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED  # no worker yet: it waits in Redis
    assert redis_client.llen(queue_name) == 1

    worker, log = start_worker(tmp_path, queue_name)
    seen = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            state = (job.status, job.progress)
            if not seen or seen[-1] != state:
                seen.append(state)
            if job.finished:
                break
            time.sleep(0.02)
    finally:
        stop(worker, log)
    worker_log = (tmp_path / "worker.log").read_text()
    assert job.status == Job.Status.DONE, (seen, job.error, worker_log[-3000:])
    statuses = [status for status, _progress in seen]
    assert statuses[0] == Job.Status.QUEUED and statuses[-1] == Job.Status.DONE
    # The bar moved while the rows were written, and only forward: as the page
    # polled it (a fast worker may finish between two polls) and as the worker
    # reported it.
    running = [
        progress
        for status, progress in seen
        if status == Job.Status.RUNNING and progress is not None
    ]
    assert running == sorted(running), seen
    reported = [
        int(percent)
        for percent in re.findall(rf"Job {job.pk} progress (\d+)%", worker_log)
    ]
    assert any(0 < percent < 100 for percent in reported), worker_log[-3000:]
    assert reported == sorted(reported), reported
    assert seen[-1] == (Job.Status.DONE, 100)
    assert job.attempts == 1

    client.force_login(curator)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == ROWS + 1


def test_a_real_workers_heartbeat_makes_healthz_green(client, queue, tmp_path):
    """The beat's heartbeat, taken by a worker process from Redis, is what
    /healthz reads: 503 naming the worker before it ran, 200 after (issue 20)."""
    from mentoring.models import Heartbeat

    _redis_client, queue_name = queue
    assert client.get("/healthz").status_code == 503
    # as the beat sends it: by name, from the schedule in the settings
    schedule = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    celery_app.send_task(schedule["task"], **schedule["options"])
    assert not Heartbeat.objects.exists()  # queued, no worker yet
    worker, log = start_worker(tmp_path, queue_name)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Heartbeat.objects.exists():
            time.sleep(0.1)
    finally:
        stop(worker, log)
    response = client.get("/healthz")
    assert response.status_code == 200, (tmp_path / "worker.log").read_text()[-2000:]
    assert response.json()["worker"].startswith("ok")


def test_a_worker_killed_mid_job_leaves_it_to_the_next_which_makes_one_file(
    curator, organisation, queue, tmp_path, rf, settings
):
    """Issue 20: the worker is killed (SIGKILL: no chance to put the job back)
    while the export is being written. The job, acknowledged only when done, is
    given by Redis to the next worker after the visibility timeout; it runs again
    from the start and its file is written once, whole."""
    _redis_client, queue_name = queue
    settings.MEDIA_ROOT = tmp_path / "media"
    fill_mentee_base(organisation)
    job = queue_mentee_export(curator, organisation, rf)
    visibility = {"CELERY_VISIBILITY_TIMEOUT": "2"}
    first, first_log = start_worker(tmp_path, queue_name, "first.log", **visibility)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Job.Status.RUNNING and job.progress:
                break
            assert not job.finished, "the job ended before the worker could be killed"
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
        first_log.close()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name) == (Job.Status.RUNNING, 1, "")
    assert 0 < job.progress < 100

    time.sleep(2.5)  # past the visibility timeout: Redis gives the job out again
    second, second_log = start_worker(tmp_path, queue_name, "second.log", **visibility)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not job.finished:
            time.sleep(0.1)
            job.refresh_from_db()
    finally:
        stop(second, second_log)
    worker_log = (tmp_path / "second.log").read_text()[-3000:]
    assert (job.status, job.attempts) == (Job.Status.DONE, 2), (job.error, worker_log)
    written = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert [path.relative_to(settings.MEDIA_ROOT).as_posix() for path in written] == [
        job.file.name
    ]
    with job.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).active
        assert sum(1 for _row in sheet.iter_rows(values_only=True)) == ROWS + 1
