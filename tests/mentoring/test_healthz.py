"""/healthz for a load balancer (issue 20): 200 with every part up, 503 naming
the part that is down; no login, nothing of the data."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from mentoring import health
from mentoring.models import Heartbeat
from mentoring.tasks import heartbeat

REDIS = "redis://127.0.0.1:6379/14"
NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def with_workers(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS


def test_without_a_broker_the_database_is_all_there_is_to_check(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not used",
        "worker": "not used",
    }


def test_a_fresh_heartbeat_of_the_worker_is_healthy(client, db, with_workers):
    heartbeat()  # as a worker runs it for the beat
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["redis"]) == ("ok", "ok")
    assert body["worker"].startswith("ok")


def test_no_worker_or_an_old_heartbeat_is_503_naming_the_worker(
    client, db, with_workers
):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == (
        "down: RuntimeError: no heartbeat from a worker yet"
    )
    Heartbeat.objects.create(
        name=health.WORKER, beat_at=timezone.now() - timedelta(seconds=90)
    )
    body = client.get("/healthz").json()
    assert body["status"] == "down" and body["worker"].startswith("down:")
    assert "90 s ago" in body["worker"] and body["database"] == "ok"


def test_redis_down_is_503_naming_redis(client, db, settings):
    settings.CELERY_BROKER_URL = NO_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["redis"].startswith("down: ConnectionError")
    assert body["database"] == "ok"


def test_the_database_down_is_503_naming_the_database(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(health, "connection", type("C", (), {"cursor": refuse}))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == (
        "down: OperationalError: server closed the connection unexpectedly"
    )


def test_it_answers_get_only_and_without_a_login(client, db):
    assert client.get("/healthz").status_code == 200  # anonymous
    assert client.post("/healthz").status_code == 405
