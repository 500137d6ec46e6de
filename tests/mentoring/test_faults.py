"""Faults survived (issue 20): the database lost in the middle of a request, a
full disk while a file is made, the same import confirmed twice at once. (A
worker killed in the middle of a job: tests/test_celery_worker.py.)"""

import contextlib
import errno
import os
import socket
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, connections
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from openpyxl.worksheet import _writer

from mentoring import jobs
from mentoring.lib.files import AtomicFileSystemStorage
from mentoring.models import Job, MentoringForm, RoleVariant
from pairs.models import Pair, PairMentee
from people.jobs import job_params
from people.models import MenteeProfile
from tests import factories as f
from tests.people.import_flow import (
    form_data,
    mentee_row,
    rows_file,
    upload,
    upload_url,
)

TODAY = date.today()
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a database server to lose needs PostgreSQL (set DATABASE_URL)",
)


def consented_mentee(organisation):
    return f.consented_mentee(organisation)


def pair_data(programme):
    organisation = programme.organisation
    return {
        "programme": programme.pk,
        "form": MentoringForm.objects.get(code="teacher-pupil").pk,
        "role_variant": RoleVariant.objects.get(code="tp-professional").pk,
        "mentor": f.MentorFactory(participant__organisation=organisation).pk,
        "mentees": [consented_mentee(organisation).pk],
        "title": "",
        "start_on": TODAY.isoformat(),
        "planned_end_on": (TODAY + timedelta(days=180)).isoformat(),
    }


def on_first_membership(action):
    """Run `action` when the pair's first mentee is written: the pair row is
    written by then, in the same transaction."""

    def receiver(**kwargs):
        action()

    post_save.connect(receiver, sender=PairMentee, weak=False)
    return receiver


def says_the_database_is_down(response) -> bool:
    page = response.content.decode()
    return (
        response.status_code == 503
        and response["Retry-After"] == "30"
        and "База данных недоступна" in page
        and "ничего из этого не сохранено" in page
    )


# --- The database lost ---------------------------------------------------------


@pytest.mark.django_db
def test_a_database_error_mid_request_gives_the_clear_page_and_keeps_nothing(
    curator, programme
):
    client = Client(raise_request_exception=False)
    client.force_login(curator)
    data = pair_data(programme)

    def lost():
        raise OperationalError("server closed the connection unexpectedly")

    receiver = on_first_membership(lost)
    try:
        response = client.post(reverse("pairs:create"), data)
    finally:
        post_save.disconnect(receiver, sender=PairMentee)
    assert says_the_database_is_down(response)
    assert not Pair.objects.exists()  # the pair was written first: rolled back


class Relay:
    """A TCP relay to PostgreSQL that a test can cut — every open connection
    dropped, new ones refused, as while the server restarts — and bring back on
    the same port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self.lock = threading.Lock()
        self.open: list[socket.socket] = []
        self.listener = None
        self.start()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self.accept, args=(listener,), daemon=True).start()

    def accept(self, listener) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self.pump, args=(source, target), daemon=True
                ).start()

    @staticmethod
    def pump(source, target) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.open.clear()


@pytest.fixture
def relayed_database():
    """The default connection goes through a Relay for the test."""
    db = connection.settings_dict
    original = db["HOST"], db["PORT"]
    relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    connection.close()
    db["HOST"], db["PORT"] = "127.0.0.1", relay.port
    yield relay
    connection.close()
    db["HOST"], db["PORT"] = original
    relay.cut()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_database_server_lost_mid_request_then_back(
    curator, programme, relayed_database
):
    """The server goes away while a pair is being written (its row written, its
    mentee not yet): the page says so, and once the server is back nothing of the
    pair is there, and the next page works."""
    client = Client(raise_request_exception=False)
    client.force_login(curator)
    assert client.get(reverse("pairs:list")).status_code == 200
    data = pair_data(programme)

    receiver = on_first_membership(relayed_database.cut)
    try:
        response = client.post(reverse("pairs:create"), data)
    finally:
        post_save.disconnect(receiver, sender=PairMentee)
    assert says_the_database_is_down(response)
    # still down: every page says so, none fails with a traceback
    assert says_the_database_is_down(client.get(reverse("pairs:list")))

    relayed_database.start()  # the server is back
    assert client.get(reverse("pairs:list")).status_code == 200
    assert not Pair.objects.exists()


# --- A full disk ---------------------------------------------------------------


@pytest.fixture
def full_disk_for_openpyxl(monkeypatch, tmp_path):
    """openpyxl's temporary sheet files written to /dev/full, where the kernel
    answers every write with ENOSPC (through a link: openpyxl deletes its
    temporary files after)."""

    def temporary_file(suffix=""):
        link = tmp_path / f"full-{len(_writer.ALL_TEMP_FILES)}{suffix}"
        link.symlink_to("/dev/full")
        _writer.ALL_TEMP_FILES.append(str(link))
        return str(link)

    monkeypatch.setattr(_writer, "create_temporary_file", temporary_file)


@pytest.mark.django_db
# openpyxl's sheet writer, a generator, fails again when it is collected
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_full_disk_during_an_export_says_so_and_sends_no_file(
    client, curator, organisation, full_disk_for_openpyxl
):
    f.MenteeFactory(participant__organisation=organisation)
    client.force_login(curator)
    url = reverse("export", kwargs={"identifier": "mentee-base", "fmt": "xlsx"})
    response = client.get(url, HTTP_REFERER="/people/mentees/", follow=True)
    assert "Content-Disposition" not in response
    assert response.redirect_chain[-1][0] == "/people/mentees/"
    page = response.content.decode()
    assert "закончилось место на диске" in page


def no_space_on_sync(monkeypatch):
    """The disk fills while a stored file is being written: its data is in, the
    sync that must put it on the disk reports ENOSPC."""

    def fsync(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def test_the_storage_writes_whole_files_and_leaves_none_half_written(
    tmp_path, monkeypatch
):
    storage = AtomicFileSystemStorage(location=tmp_path)
    first = storage.save("jobs/report.xlsx", ContentFile(b"whole"))
    second = storage.save("jobs/report.xlsx", ContentFile(b"other"))
    assert first != second
    assert storage.open(first).read() == b"whole"
    assert storage.open(second).read() == b"other"

    no_space_on_sync(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        storage.save("jobs/third.xlsx", ContentFile(b"x" * 100_000))
    assert stored_files(tmp_path) == sorted([tmp_path / first, tmp_path / second])


@pytest.mark.django_db
def test_a_full_disk_when_a_job_stores_its_file_fails_it_with_no_file(
    client, curator, organisation, rf, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = False  # queued: run below
    f.MenteeFactory(participant__organisation=organisation)
    job = jobs.start(
        user=curator,
        organisation=organisation,
        kind=Job.Kind.EXPORT,
        identifier="mentee-base",
        fmt="xlsx",
        params=job_params(rf.get("/people/mentees/")),
        title="База наставляемых",
    )
    no_space_on_sync(monkeypatch)
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "закончилось место на диске" in job.error
    assert not job.file
    assert stored_files(settings.MEDIA_ROOT) == []  # no half-written file
    client.force_login(curator)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


# --- The same import confirmed twice at once ------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_import_confirmed_twice_at_once_imports_once(
    curator, organisation, settings, tmp_path
):
    """Two tabs (or a double click) send the confirmation at the same moment:
    one of them takes the file and imports it, the other finds it gone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(curator)
    page = upload(first, rows_file(mentee_row()))
    data = form_data(page)
    data["step"] = "check"
    checked = first.post(upload_url(), data)
    data = form_data(checked)
    data["step"] = "apply"
    start = threading.Barrier(2)
    statuses = []

    def confirm(client):
        try:
            start.wait()
            response = client.post(upload_url(), data)
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert MenteeProfile.objects.count() == 1
