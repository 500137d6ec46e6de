"""The Celery application: background jobs (mentoring.jobs) and periodic work.

A worker and the beat scheduler run as

    celery -A mentoring worker --loglevel=INFO
    celery -A mentoring beat --loglevel=INFO

with CELERY_BROKER_URL set (e.g. redis://127.0.0.1:6379/0). Without a broker
(`make run`, the tests) every task runs in the process that asks for it.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
