"""What `/healthz` checks for a load balancer or a monitoring probe: the
database answers, Redis answers (when the portal uses it: a broker or a cache
URL), and a Celery worker ran the beat's heartbeat less than a minute ago (when
jobs run in workers; without a broker they run in the web process and there is
no worker to ask about)."""

from __future__ import annotations

from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mentoring.models import Heartbeat

WORKER = "worker"
HEARTBEAT_MAX_AGE = timedelta(seconds=60)
TIMEOUT_SECONDS = 2


def beat() -> None:
    Heartbeat.objects.update_or_create(
        name=WORKER, defaults={"beat_at": timezone.now()}
    )


def redis_url() -> str:
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        return broker
    cache = getattr(settings, "CACHE_URL", "")
    return cache if cache.startswith(("redis://", "rediss://")) else ""


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    url = redis_url()
    if not url:
        return "not used"
    client = redis.Redis.from_url(
        url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def check_worker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used"
    last = Heartbeat.objects.filter(name=WORKER).values_list("beat_at", flat=True)
    last = last.first()
    if last is None:
        raise RuntimeError("no heartbeat from a worker yet")
    age = timezone.now() - last
    if age > HEARTBEAT_MAX_AGE:
        raise RuntimeError(f"last heartbeat {int(age.total_seconds())} s ago")
    return f"ok, {int(age.total_seconds())} s ago"


CHECKS = {"database": check_database, "redis": check_redis, "worker": check_worker}


def report() -> tuple[bool, dict[str, str]]:
    """(all up, {part: "ok…" / "not used" / "down: why"}); a part that fails
    does not stop the others from being checked."""
    parts, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure is "down"
            healthy = False
            parts[name] = f"down: {type(error).__name__}: {error}"[:300]
    return healthy, parts
