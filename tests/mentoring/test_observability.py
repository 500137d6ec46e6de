"""Structured logs and error reports (issue 20): a JSON line per request that
never carries a query string, and unhandled errors sent to a Sentry-compatible
server — without the request's body, cookies or query — only when a DSN is set."""

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import brotli
import pytest
import sentry_sdk
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from mentoring import health
from mentoring.observability import (
    REQUEST_ID,
    RequestContextFilter,
    init_sentry,
    logging_config,
)

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "mentoring.request"]


def test_each_request_is_one_line_with_its_id_and_no_query(client, curator, caplog):
    client.force_login(curator)
    with caplog.at_level(logging.INFO, logger="mentoring.request"):
        response = client.get("/people/mentees/?q=Иванова")
    [line] = request_lines(caplog)
    assert (line.method, line.path, line.status) == ("GET", "/people/mentees/", 200)
    assert line.user_id == curator.pk and line.duration_ms >= 0
    assert line.request_id == response["X-Request-ID"] and len(line.request_id) == 32
    assert "Иванова" not in json.dumps(line.__dict__, default=str)


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="mentoring.request"):
        kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-2f9c1e77")
        replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert kept["X-Request-ID"] == "lb-2f9c1e77"
    assert replaced["X-Request-ID"] not in {"<script>", ""}
    assert [line.request_id for line in request_lines(caplog)] == [
        "lb-2f9c1e77",
        replaced["X-Request-ID"],
    ]


def test_the_json_format_is_one_readable_object_per_line():
    config = logging_config(fmt="json", level="INFO")["formatters"]["json"]
    formatter = JsonFormatter(**{k: v for k, v in config.items() if k != "()"})
    record = logging.makeLogRecord(
        {"name": "pairs", "levelname": "WARNING", "msg": "Пара %s", "args": (7,)}
    )
    token = REQUEST_ID.set("abc12345")
    try:
        RequestContextFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = formatter.format(record)
    assert "\n" not in line and "Пара 7" in line  # Cyrillic as is, not \u escapes
    data = json.loads(line)
    assert {k: data[k] for k in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "pairs",
        "message": "Пара 7",
        "request_id": "abc12345",
    }
    assert data["time"]
    with pytest.raises(ValueError):
        logging_config(fmt="xml", level="INFO")


class Collector(BaseHTTPRequestHandler):
    """A Sentry-compatible server's envelope endpoint, keeping what it gets."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = HTTPServer(("127.0.0.1", 0), Collector)
    Collector.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/1"
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is sent by the tests after
    server.shutdown()


def test_without_a_dsn_nothing_is_set_up():
    assert init_sentry("", environment="production", traces_sample_rate=0) is False


def test_an_unhandled_error_is_reported_without_the_query(sentry_server, monkeypatch):
    assert init_sentry(sentry_server, environment="school-7", traces_sample_rate=0)

    def broken():
        raise RuntimeError("the report of the health check broke")

    monkeypatch.setattr(health, "report", broken)
    # put together here: the report carries the source lines around the error
    pupil, session = "Ива" + "нова", "secret-" + "session"
    response = Client(raise_request_exception=False).get(
        f"/healthz?pupil={pupil}", HTTP_COOKIE=f"sessionid={session}"
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)
    events = [
        json.loads(line)
        for body in Collector.received
        for line in body.splitlines()
        if b'"exception"' in line
    ]
    [event] = events
    assert event["environment"] == "school-7"
    [error] = event["exception"]["values"]
    assert error["type"] == "RuntimeError"
    assert event["tags"]["path"] == "/healthz"
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    sent = json.dumps(event, ensure_ascii=False)
    assert pupil not in sent and session not in sent
