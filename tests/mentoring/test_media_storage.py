"""Where uploaded files live (issue 20): MEDIA_ROOT, written whole, or an
S3-compatible bucket (MEDIA_STORAGE=s3), private either way; MEDIA_URL serves
nothing, files leave only through the views that check who asks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db.models.fields.files import FieldFile
from django.test import Client

from mentoring.lib.files import stored_file_response
from mentoring.models import Job

BASE_DIR = Path(__file__).resolve().parents[2]

SHOW_STORAGE = """
import json
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "class": type(storage).__module__ + "." + type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "acl": getattr(storage, "default_acl", None),
    "overwrite": getattr(storage, "file_overwrite", None),
}))
"""


def settings_in_a_process(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("S3_", "MEDIA_STORAGE"))
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "mentoring.settings", "DEBUG": "1"}
    environment |= env
    code = "import django; django.setup()\n" + SHOW_STORAGE
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_by_default_files_are_under_media_root_written_whole():
    result = settings_in_a_process()
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["class"] == "mentoring.lib.files.AtomicFileSystemStorage"


def test_an_s3_bucket_is_private():
    result = settings_in_a_process(
        MEDIA_STORAGE="s3",
        S3_BUCKET="school-7-files",
        S3_ENDPOINT_URL="https://storage.yandexcloud.net",
        S3_REGION="ru-central1",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "class": "storages.backends.s3.S3Storage",
        "bucket": "school-7-files",
        "endpoint": "https://storage.yandexcloud.net",
        "acl": "private",
        "overwrite": False,
    }


@pytest.mark.parametrize(
    "env, message",
    [
        ({"MEDIA_STORAGE": "s3"}, "needs S3_BUCKET"),
        ({"MEDIA_STORAGE": "ftp"}, "must be filesystem or s3"),
    ],
)
def test_a_wrong_storage_setting_stops_the_start(env, message):
    result = settings_in_a_process(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_stored_file_is_handed_out_from_any_storage():
    """The download views read a file through its storage (never a path on
    disk), so a bucket serves as MEDIA_ROOT does."""
    storage = InMemoryStorage()
    name = storage.save("orders/приказ-45.pdf", ContentFile(b"%PDF-1.4 scan"))
    stored = FieldFile(None, Job._meta.get_field("file"), name)
    stored.storage = storage
    response = stored_file_response(stored, "Приказ 45.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"
    assert "attachment" in response["Content-Disposition"]


def test_media_url_serves_nothing(settings, curator):
    Path(settings.MEDIA_ROOT, "orders").mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT, "orders", "scan.pdf").write_bytes(b"%PDF")
    client = Client()
    client.force_login(curator)  # even to a curator of the school
    assert client.get("/media/orders/scan.pdf").status_code == 404
