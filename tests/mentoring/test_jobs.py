"""Background jobs (mentoring.jobs, people.job_views): an export queued from a
page runs as its user and gives the same file; only its user sees it; a job that
may not run or breaks fails with a message and no file; progress is reported."""

import io
import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mentoring import jobs
from mentoring.lib import export
from mentoring.models import Job
from people.jobs import request_for
from people.models import Membership
from tests import factories as f


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def file_content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def mentees(organisation):
    group = f.StudyGroupFactory(organisation=organisation, name="7А")
    people = [
        f.MenteeFactory(
            participant__organisation=organisation,
            participant__last_name=name,
            participant__study_group=group,
        )
        for name in ("Акимова", "Борисов", "Волков")
    ]
    return people


def start(client, identifier="mentee-base", fmt="xlsx", query=""):
    return client.post(
        reverse("jobs:start-export", args=[identifier, fmt]),
        {"query": query, "next": "/people/mentees/"},
    )


def test_an_export_job_gives_the_file_the_export_link_gives(client, curator, mentees):
    client.force_login(curator)
    query = "q=%D0%92%D0%BE%D0%BB%D0%BA%D0%BE%D0%B2"  # «Волков»
    response = start(client, query=query)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("jobs:detail", args=[job.pk]))
    assert job.status == Job.Status.DONE
    assert job.user == curator
    assert job.organisation == mentees[0].participant.organisation
    direct = client.get(reverse("export", args=["mentee-base", "xlsx"]) + "?" + query)
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    queued_rows = sheet_rows(file_content(download))
    assert queued_rows == sheet_rows(direct.content)
    assert [row[0] for row in queued_rows[1:]] == [mentees[2].participant.full_name]

    page = client.get(response["Location"]).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    assert "/people/mentees/" in page  # back to the list it came from
    assert client.get(reverse("jobs:status", args=[job.pk])).json() == {
        "status": "done",
        "finished": True,
        "progress": 100,
        "step": "",
    }
    listing = client.get(reverse("jobs:list")).content.decode()
    assert job.title in listing


def test_a_job_is_its_users_only(client, curator, mentees, organisation):
    client.force_login(curator)
    start(client)
    job = Job.objects.get()
    colleague = f.UserFactory(username="colleague")
    f.MembershipFactory(user=colleague, organisation=organisation, role="curator")
    client.force_login(colleague)
    for name in ("detail", "status", "download"):
        assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    assert job.title not in client.get(reverse("jobs:list")).content.decode()


def test_who_may_not_export_cannot_queue_it(client, mentor, organisation):
    client.force_login(mentor)
    assert start(client).status_code == 403
    assert start(client, identifier="no-such-report").status_code == 404
    url = reverse("jobs:start-export", args=["mentee-base", "xlsx"])
    assert client.get(url).status_code == 405
    assert not Job.objects.exists()


def test_a_user_who_lost_the_right_gets_a_refusal_not_the_file(
    curator, organisation, mentees, settings
):
    job = Job.objects.create(
        user=curator,
        organisation=organisation,
        kind=Job.Kind.EXPORT,
        identifier="mentee-base",
        fmt="xlsx",
        title="База",
    )
    Membership.objects.filter(user=curator).delete()
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Вы больше не можете формировать этот отчёт."
    assert not job.file


def test_a_job_that_breaks_fails_with_a_message_and_no_file(
    client, curator, mentees, monkeypatch
):
    def broken(self, fmt):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export.Exporter, "render", broken)
    client.force_login(curator)
    response = start(client)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "Ничего не изменено" in job.error
    assert not job.file and not job.filename
    page = client.get(response["Location"]).content.decode()
    assert "Ничего не изменено" in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404

    monkeypatch.undo()
    again = client.post(reverse("jobs:retry", args=[job.pk]))
    retried = Job.objects.exclude(pk=job.pk).get()
    assert again["Location"] == reverse("jobs:detail", args=[retried.pk])
    assert retried.status == Job.Status.DONE and retried.file


def test_a_done_job_is_never_run_again_and_attempts_are_bounded(curator, organisation):
    job = Job.objects.create(
        user=curator,
        organisation=organisation,
        kind=Job.Kind.EXPORT,
        identifier="mentee-base",
        fmt="xlsx",
        title="База",
    )
    jobs.execute(job.pk)
    job.refresh_from_db()
    finished = job.finished_at
    assert job.status == Job.Status.DONE and job.attempts == 1
    jobs.execute(job.pk)  # a message delivered twice
    job.refresh_from_db()
    assert job.attempts == 1 and job.finished_at == finished

    stuck = Job.objects.create(
        user=curator,
        organisation=organisation,
        kind=Job.Kind.EXPORT,
        identifier="mentee-base",
        fmt="xlsx",
        title="База",
        status=Job.Status.RUNNING,
        attempts=jobs.MAX_ATTEMPTS,
    )
    jobs.execute(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == Job.Status.FAILED
    assert "3" in stuck.error and not stuck.file


def test_progress_is_reported_as_rows_are_written(curator, organisation, mentees):
    job = Job.objects.create(
        user=curator,
        organisation=organisation,
        kind=Job.Kind.EXPORT,
        identifier="mentee-base",
        fmt="xlsx",
        title="База",
        status=Job.Status.RUNNING,
    )
    seen = []

    class Recorder(jobs.Reporter):
        def __call__(self, done, total=None, step=""):
            seen.append((done, total))
            self.last = 0  # no throttling in the test
            super().__call__(done, total, step)

    request = request_for(job)
    exporter = export.get_exporter("mentee-base")(request)
    exporter.progress = Recorder(job)
    exporter.render("xlsx")
    assert seen[0] == (0, 3)  # the header row is first; three mentees in all
    job.refresh_from_db()
    assert job.progress == 0

    reporter = jobs.Reporter(job)
    reporter.to_row = False
    # While a handler writes in its own transaction other processes could not
    # see the row: the cache carries the progress, and the page reads it there.
    reporter(2, 4, "строки")
    assert jobs.current_state(job)["progress"] == 50
    job.refresh_from_db()
    assert job.progress == 0
    assert cache.get(jobs.progress_key(job.pk))["step"] == "строки"


def test_old_jobs_are_purged_with_their_files(client, curator, mentees):
    client.force_login(curator)
    start(client)
    job = Job.objects.get()
    path = job.file.path
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = start(client) and Job.objects.exclude(pk=job.pk).get()
    assert jobs.purge() == 1
    assert list(Job.objects.all()) == [fresh]
    assert not os.path.exists(path)


def test_a_long_list_exports_in_the_background_a_short_one_at_once(
    client, curator, mentees, settings
):
    client.force_login(curator)
    start_url = reverse("jobs:start-export", args=["mentee-base", "xlsx"])
    link = reverse("export", args=["mentee-base", "xlsx"])
    page = client.get(reverse("people:mentee-list")).content.decode()
    assert f'href="{link}' in page and start_url not in page
    settings.BACKGROUND_EXPORT_ROWS = 2
    page = client.get(reverse("people:mentee-list"), {"q": "о"}).content.decode()
    assert f'action="{start_url}"' in page
    assert 'name="query" value="q=%D0%BE"' in page  # the page's filters go along


def test_a_pdf_job_is_built_for_the_site_it_was_asked_on(
    client, curator, programme, settings
):
    """The worker rebuilds the request with the asking host: a PDF finds its
    static files and the host passes ALLOWED_HOSTS (not Django's «testserver»)."""
    settings.ALLOWED_HOSTS = ["nastavnik.school.ru"]
    client.force_login(curator)
    client.post(
        reverse("jobs:start-export", args=["roadmap", "pdf"]),
        {"query": f"programme={programme.pk}"},
        HTTP_HOST="nastavnik.school.ru",
    )
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.error
    assert job.params["_host"] == "nastavnik.school.ru"
    assert job.file.read(5) == b"%PDF-"
    assert request_for(job).get_host() == "nastavnik.school.ru"
    job.params = {}
    assert request_for(job).get_host() == "nastavnik.school.ru"  # a default
