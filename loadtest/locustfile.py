"""Simulated users of the portal for `make loadtest` (loadtest/run.py starts it).

Three kinds of user, each logging in once with a demo account (several simulated
users share one account: sessions are per client):

- curators browsing the list pages (home, mentee base, mentor base, pairs, the
  request map);
- mentors logging meetings: the form of one of their pairs, as the page fills it,
  posted back;
- curators running an export through the job queue: start it, poll its status
  until it is finished, download the file.

Any answer other than the one a browser expects (a 500, a redirect to the login
page, a form sent back with errors, a job that fails) is a failure in the stats.
"""

import itertools
import json
import math
import os
import random
import re
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo12345")
CURATORS = itertools.cycle(["curator1", "curator2", "curator3"])
MENTORS = itertools.cycle(["mentor1", "pupilmentor1", "pupilmentor2", "employer1"])
EXPORTERS = itertools.cycle(["curator1", "curator2", "curator3"])
EXPORTS = ["mentee-base.xlsx", "mentor-base.xlsx", "pairs.xlsx"]
# Pauses between two actions of one simulated user (a person reads the page).
THINK = between(2, 8)
# The job page polls the status every second (static/js/site.js).
POLL_EVERY = 1.0
# How long an export may take, queued and run, before it counts as failed.
EXPORT_TIMEOUT = float(os.environ.get("LOADTEST_EXPORT_TIMEOUT", "30"))

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEW_MEETING = re.compile(r'href="(/journal/pair/(\d+)/new/)"')
JOB_PAGE = re.compile(r"^/jobs/(\d+)/")
ERRORS = re.compile(r"(?:invalid-feedback|alert-danger)[^>]*>(.*?)</div>", re.S)
TAGS = re.compile(r"<[^>]+>")


class FormFields(HTMLParser):
    """The values a browser would submit for the first form with a `csrf` input:
    inputs, checked boxes, the selected option of each select, textareas."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.checkboxes: list[tuple[str, str]] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                self.checkboxes.append((name, attrs.get("value", "on")))
                if "checked" in attrs:
                    self.fields.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.fields.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs and not self._selected:
                self.fields[self._select] = [value]
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.fields[self._select] = [self._first_option]
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields[self._textarea] = [self._text]
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def errors_of(response) -> list[str]:
    """The first error messages a form page shows (for the failure's text)."""
    found = ERRORS.findall(response.text or "")
    return [TAGS.sub("", error).strip()[:120] for error in found[:2]]


def form_fields(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


# The figure of the pages once every user is in: the requests started after the
# last login had its answer. The logins (PBKDF2, slow on purpose) all come in the
# first seconds and the pages asked meanwhile wait behind them.
LOGIN = ("login", "login page")
answered: list[tuple[float, float]] = []  # (started, response time in ms)
last_login = 0.0


@events.request.add_listener
def remember(name, response_time, exception, **_kwargs):
    global last_login
    now = time.monotonic()
    if name == "login":
        last_login = max(last_login, now)
    elif name not in LOGIN and exception is None:
        answered.append((now - response_time / 1000, response_time))


@events.quitting.add_listener
def write_summary(environment, **_kwargs):
    path = os.environ.get("LOADTEST_SUMMARY")
    if not path:
        return
    times = sorted(ms for started, ms in answered if started > last_login)
    summary = {"count": len(times), "median": None, "p95": None}
    if times:
        summary["median"] = times[len(times) // 2]
        summary["p95"] = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    with open(path, "w") as handle:
        json.dump(summary, handle)


class PortalUser(HttpUser):
    abstract = True
    wait_time = THINK
    accounts = CURATORS

    def on_start(self):
        self.username = next(self.accounts)
        self.login()

    def login(self):
        page = self.client.get("/login/", name="login page")
        token = CSRF_INPUT.search(page.text)
        if token is None:
            raise StopUser()
        with self.client.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": self.username,
                "password": PASSWORD,
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username}: login refused")
                raise StopUser()

    def page(self, url: str, name: str | None = None):
        """GET a page that must answer 200 itself (a redirect to the login page or
        elsewhere is a failure)."""
        with self.client.get(
            url, name=name or url, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {self.username}")
            return response

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Curator(PortalUser):
    """A curator going through the bases and the pairs."""

    weight = 5
    accounts = CURATORS

    @task(2)
    def home(self):
        self.page("/", "home")

    @task(2)
    def mentee_base(self):
        self.page("/people/mentees/")

    @task(2)
    def mentor_base(self):
        self.page("/people/mentors/")

    @task(2)
    def pairs(self):
        self.page("/pairs/")

    @task(1)
    def request_map(self):
        self.page("/matching/requests/")


class Mentor(PortalUser):
    """A mentor on their workspace, logging a meeting of one of their pairs."""

    weight = 4
    accounts = MENTORS

    def on_start(self):
        super().on_start()
        self.forms = []
        self.workspace()
        if not self.forms:
            self.environment.events.request.fire(
                request_type="CHECK",
                name="mentor has a pair to log",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"{self.username}: no pair on /journal/mine/"),
            )
            raise StopUser()

    @task(2)
    def workspace(self):
        response = self.page("/journal/mine/")
        self.forms = sorted({m.group(1) for m in NEW_MEETING.finditer(response.text)})

    @task(1)
    def pair_journal(self):
        if self.forms:
            url = random.choice(self.forms).removesuffix("new/")
            self.page(url, "/journal/pair/[id]/")

    @task(2)
    def log_meeting(self):
        if not self.forms:
            return
        url = random.choice(self.forms)
        form = self.page(url, "/journal/pair/[id]/new/")
        if form.status_code != 200:
            return
        parsed = form_fields(form.text)
        data = dict(parsed.fields)
        data["summary"] = ["Нагрузочный тест: встреча по плану."]
        # A second meeting of the same type today is confirmed, as the form asks.
        data["confirm_same_day"] = ["on"]
        data["present"] = [v for n, v in parsed.checkboxes if n == "present"]
        with self.client.post(
            url,
            data=data,
            name="/journal/pair/[id]/new/ (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(
                    f"{response.status_code}: meeting refused {errors_of(response)}"
                )


class Exporter(PortalUser):
    """A curator asking for a report built in the background."""

    weight = 1
    accounts = EXPORTERS
    wait_time = between(5, 15)

    @task
    def export(self):
        report = random.choice(EXPORTS)
        with self.client.post(
            f"/jobs/export/{report}",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "query": "",
                "next": "/",
            },
            name="/jobs/export/[report] (start)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            job = JOB_PAGE.match(response.headers.get("Location", ""))
            if response.status_code != 302 or job is None:
                response.failure(f"{response.status_code}: export not started")
                return
        pk = job.group(1)
        self.page(response.headers["Location"], "/jobs/[id]/")
        started = time.monotonic()
        state = {}
        while time.monotonic() - started < EXPORT_TIMEOUT:
            with self.client.get(
                f"/jobs/{pk}/status/", name="/jobs/[id]/status/", catch_response=True
            ) as status:
                try:
                    state = status.json()
                except ValueError:
                    status.failure("status is not JSON")
                    return
            if state.get("finished"):
                break
            time.sleep(POLL_EVERY)
        if state.get("status") != "done":
            self.environment.events.request.fire(
                request_type="CHECK",
                name="export finished",
                response_time=(time.monotonic() - started) * 1000,
                response_length=0,
                exception=RuntimeError(f"job {pk}: {state} after {EXPORT_TIMEOUT} s"),
            )
            return
        with self.client.get(
            f"/jobs/{pk}/file/", name="/jobs/[id]/file/", catch_response=True
        ) as download:
            if download.status_code != 200 or not download.content.startswith(b"PK"):
                download.failure(f"{download.status_code}: no workbook")
