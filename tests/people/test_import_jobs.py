"""A large confirmed import is written by a background job: the same rows as in
the request, once, with the summary on the job's page; a file that no longer
checks clean, or a user who lost the right, imports nothing."""

import pytest
from django.urls import reverse

from mentoring import jobs
from mentoring.lib import importer
from mentoring.models import Job
from people.models import Membership, MenteeProfile
from tests import factories as f
from tests.people.import_flow import mentee_row, rows_file, step, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def big_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_BYTES = 0  # every file counts as large here


@pytest.fixture
def group_7b(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


def checked(client):
    content = rows_file(mentee_row(), mentee_row(last_name="Орлова", first_name="Ия"))
    return step(client, upload(client, content), "check")


def test_a_large_import_runs_as_a_job_and_imports_once(
    client, curator, organisation, group_7b
):
    client.force_login(curator)
    page = checked(client)
    done = step(client, page, "apply")
    job = Job.objects.get()
    assert done["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.kind == Job.Kind.IMPORT and job.status == Job.Status.DONE, job.error
    assert job.result == "Добавлено 2, обновлено 0, пропущено 0."
    mentees = MenteeProfile.objects.filter(participant__organisation=organisation)
    assert mentees.count() == 2
    detail = client.get(done["Location"]).content.decode()
    assert "Добавлено 2, обновлено 0, пропущено 0." in detail
    assert reverse("people:mentee-list") in detail

    again = step(client, page, "apply")  # the same confirmation sent twice
    assert again.status_code == 302
    assert Job.objects.count() == 1 and mentees.count() == 2


def test_a_job_whose_user_lost_the_right_imports_nothing(
    client, curator, organisation, group_7b, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # queued, not run yet
    client.force_login(curator)
    step(client, checked(client), "apply")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    Membership.objects.filter(user=curator).delete()
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Вы больше не можете загружать данные в эту базу."
    assert not MenteeProfile.objects.exists()


def test_a_file_that_no_longer_checks_clean_imports_nothing(
    client, curator, organisation, group_7b, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(curator)
    step(client, checked(client), "apply")
    job = Job.objects.get()
    group_7b.delete()  # the class of the rows is gone meanwhile
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Ничего не импортировано")
    assert not MenteeProfile.objects.exists()


def test_the_state_survives_its_trip_through_json():
    state = importer.ImportState(
        token="t",
        sheet="Лист1",
        header=2,
        mapping=["last_name", ""],
        defaults={"status": "waiting"},
        edits={(3, "study_group"): "7Б"},
        excluded={5, 4},
        decisions={6: "distinct"},
        checked=True,
    )
    assert importer.ImportState.from_json(state.to_json()) == state
