"""Logs and error reports for the people who run the portal.

`LOG_FORMAT=json` writes one JSON object per line (journald, Loki, any log
shipper reads it): time, level, logger, message, and while a request is served
its `request_id`; the request middleware adds one line per request with its
method, path, status, duration and user id. Query strings and form data are never
logged: they carry children's names.

`SENTRY_DSN` sends unhandled errors to a Sentry-compatible server (Sentry,
GlitchTip); nothing is sent without it, and never a request's body, cookies or
query string.

Imported by the settings: nothing here may touch models or the app registry.
"""

import logging
from contextvars import ContextVar

import sentry_sdk

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
SAFE_HEADERS = ["user-agent", "content-type", "content-length"]


class RequestContextFilter(logging.Filter):
    """Adds the current request's id to every record logged while serving it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = REQUEST_ID.get()
        return True


def logging_config(*, fmt: str, level: str) -> dict:
    """The LOGGING setting: `fmt` is "json" or "text"."""
    if fmt not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be json or text, not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContextFilter}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {
                    "asctime": "time",
                    "levelname": "level",
                    "name": "logger",
                },
                "json_ensure_ascii": False,
            },
            "text": {
                "format": (
                    "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
                )
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["request"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request, whatever LOG_LEVEL says of the rest.
            "mentoring.request": {"level": "INFO"},
            # The request line says it already (with the status).
            "django.request": {"level": "ERROR"},
        },
    }


def scrub_event(event: dict, _hint: dict) -> dict:
    """What a Sentry event may carry of a request: its method and path."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("query_string", "cookies", "data", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() in SAFE_HEADERS
            }
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    return event


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> bool:
    """Report errors (of the web processes and the Celery workers) to `dsn`;
    False, and nothing set up, without one."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        # Nothing of a user or a child: no user, cookies, bodies, query strings,
        # SQL parameters or local variables of the failing code.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": SAFE_HEADERS}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        before_send=scrub_event,
    )
    return True
