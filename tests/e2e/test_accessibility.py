"""Every role of the demo walks the pages its links reach (up to a limit per role)
in Chromium at 1366 px. axe-core checks each (no serious or critical violation,
the header's user menu — log out — on the screen), and the Nu Html Checker the
HTML each was served (no error). Both come from npm (package.json), installed by
`make test`; vnu runs with the machine's Java. Issue 19 measured color-contrast
violations on 61 of 80 curator pages.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.e2e.checks import AXE, VNU, html_errors, page_key, problems_of
from tests.e2e.test_login import login

# A role's pages, visited in the order its links are found from its home page.
ROLES = {
    "curator1": 80,
    "head1": 40,
    "deputy1": 40,
    "socped1": 40,
    "psych1": 30,
    "mentor1": 20,
    "pupilmentor1": 20,
    "pupil1": 20,
    "youngteacher1": 20,
    "employer1": 20,
    "classteacher1": 20,
    "coordinator": 30,
}
# Files, the admin (Django's own pages), printouts and what changes state on GET.
SKIP = re.compile(
    r"/(logout|export|download|admin|print|template|media|static)"
    r"|\.(xlsx|pdf|docx|ics|csv)$|/ics/"
)


def walk(page, base: str, limit: int):
    """Yield (path, response) for up to `limit` distinct pages from the home page."""
    queue, seen = ["/"], set()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if page_key(path) in seen:
            continue
        seen.add(page_key(path))
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        yield path, response
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(link => link.getAttribute('href'))"
        ):
            parts = urlsplit(urljoin(base + path, href))
            if parts.netloc != urlsplit(base).netloc or SKIP.search(parts.path):
                continue
            queue.append(parts.path)


def walk_roles(browser, live_server, roles: dict[str, int], report: list, **options):
    """Each role logs in, in a browser context of its own (`options`: viewport,
    phone…), and walks up to its limit of pages: yields (label, page, response)
    of every page served 200; any other answer goes into `report`."""
    for username, limit in roles.items():
        context = browser.new_context(locale="ru-RU", **options)
        page = context.new_page()
        login(page, live_server, username)
        for path, response in walk(page, live_server.url, limit):
            label = f"{username} {path}"
            if response.status != 200:
                report.append(f"{label}: HTTP {response.status}")
                continue
            yield label, page, response
        context.close()


def test_every_page_of_every_role_is_accessible_and_valid(
    browser, live_server, demo, tmp_path
):
    assert AXE.exists() and VNU.exists(), "`make test` installs them (npm ci)"
    assert shutil.which("java"), "the Nu Html Checker needs Java"
    report, saved, titles = [], {}, {}
    for label, page, response in walk_roles(
        browser,
        live_server,
        ROLES,
        report,
        timezone_id="Europe/Moscow",
        viewport={"width": 1366, "height": 900},
    ):
        report += [f"{label}: {problem}" for problem in problems_of(page)]
        titles.setdefault(page.title(), set()).add(page_key(urlsplit(page.url).path))
        name = f"{len(saved):04d}.html"
        (tmp_path / name).write_bytes(response.body())
        saved[name] = label
    assert len(saved) > 150
    report += html_errors(tmp_path, saved)
    # A distinct title per page: two different pages never share one.
    report += [
        f"one title for {len(keys)} pages: «{title}» {sorted(keys)}"
        for title, keys in titles.items()
        if len(keys) > 1
    ]
    assert not report, "\n".join(report)


# A phone's walk (issue 19): the mentor's and the mentee's pages at 375 px.
PHONE_ROLES = {"mentor1": 25, "pupilmentor1": 25, "pupil1": 25, "youngteacher1": 25}
# Interactive elements smaller than 44 × 44 px (a link in running text exempt).
SMALL_TARGETS = (Path(__file__).parent / "small_targets.js").read_text(encoding="utf-8")


def test_phone_pages_scroll_only_down_and_have_44_px_targets(
    browser, live_server, demo
):
    report, visited = [], 0
    for label, page, _response in walk_roles(
        browser,
        live_server,
        PHONE_ROLES,
        report,
        viewport={"width": 375, "height": 800},
        is_mobile=True,
        has_touch=True,
    ):
        visited += 1
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 375:
            report.append(f"{label}: {width} px wide")
        report += [f"{label}: {target}" for target in page.evaluate(SMALL_TARGETS)]
    assert visited > 30
    assert not report, "\n".join(report)
