"""Every role of the demo walks the pages its links reach (up to a limit per role)
in Chromium at 1366 px. axe-core checks each (no serious or critical violation,
the header's user menu — log out — on the screen), and the Nu Html Checker the
HTML each was served (no error). Both come from npm (package.json), installed by
`make test`; vnu runs with the machine's Java. Issue 19 measured color-contrast
violations on 61 of 80 curator pages.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.e2e.test_login import login

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
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
SERIOUS = {"serious", "critical"}


def page_key(path: str) -> str:
    """One page per view: the same path with other numbers is the same page."""
    return re.sub(r"\d+", "N", path)


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


def problems_of(page) -> list[str]:
    found = []
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations"
    )
    for violation in violations:
        if violation["impact"] in SERIOUS:
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    menu = page.locator("header .site-user.dropdown-toggle")
    if menu.count():
        box = menu.bounding_box()
        width = page.viewport_size["width"]
        if box is None or box.get("x", 0) + box.get("width", 0) > width:
            found.append("the user menu (log out) is off the screen")
    return found


def html_errors(folder: Path, pages: dict[str, str]) -> list[str]:
    """The Nu Html Checker's errors for the saved pages, one JVM for all."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors = []
    for message in messages["messages"]:
        name = Path(message.get("url", "")).name
        errors.append(
            f"{pages.get(name, name)} line {message.get('lastLine')}: "
            f"{message.get('message')}"
        )
    return errors


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
    report, saved = [], {}
    for label, page, response in walk_roles(
        browser,
        live_server,
        ROLES,
        report,
        timezone_id="Europe/Moscow",
        viewport={"width": 1366, "height": 900},
    ):
        report += [f"{label}: {problem}" for problem in problems_of(page)]
        name = f"{len(saved):04d}.html"
        (tmp_path / name).write_bytes(response.body())
        saved[name] = label
    assert len(saved) > 150
    report += html_errors(tmp_path, saved)
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
