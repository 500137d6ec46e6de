"""A journey: a role's way through the portal in the browser, told by the
screenshots of every page it shows (issue 19). `Journey.see(caption)` after each
page: a numbered full-page screenshot in the journey's folder, axe-core on the
page as shown, and the HTML the server sent kept for the Nu Html Checker, run
once at the end. The end also fails on a page the journey navigated to and did
not look at, so «every page visited» stays true as journeys change.

The folders are under `JOURNEYS`, printed at the end of the run."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from tests.e2e.checks import html_errors, page_key, problems_of

JOURNEYS = Path(__file__).parent / "screenshots" / "journeys"
# Navigations that are not pages to look at: files, the login and log-out.
NOT_PAGES = re.compile(r"/(login|logout|export|download)/?|\.(xlsx|pdf|docx|ics)$")


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:60]


class Journey:
    def __init__(self, page, name: str):
        self.page, self.name = page, name
        self.folder = JOURNEYS / name
        self.html = self.folder / "html"
        self.html.mkdir(parents=True, exist_ok=True)
        for old in [*self.folder.glob("*.png"), *self.html.glob("*.html")]:
            old.unlink()
        self.shots: list[str] = []
        self.pages: dict[str, str] = {}  # saved HTML file → caption
        self.problems: list[str] = []
        self.seen: set[str] = set()
        self.navigated: list[str] = []
        self.document = None
        page.on("framenavigated", self._navigated)
        page.on("response", self._response)

    # Event handlers only note what happened (no browser calls in them).
    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigated.append(urlsplit(frame.url).path)

    def _response(self, response) -> None:
        request = response.request
        if request.is_navigation_request() and response.frame == self.page.main_frame:
            self.document = response

    def see(self, caption: str) -> Path:
        """Look at the page on the screen now."""
        page = self.page
        page.wait_for_load_state("load")
        number = len(self.shots) + 1
        label = f"{self.name} {number:02d} «{caption}» {urlsplit(page.url).path}"
        path = self.folder / f"{number:02d}-{slug(caption)}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path.name)
        self.seen.add(page_key(urlsplit(page.url).path))
        title = page.title()
        if not title or title.startswith("·"):
            self.problems.append(f"{label}: no page title")
        self.problems += [f"{label}: {problem}" for problem in problems_of(page)]
        if self.document is not None and self.document.status == 200:
            name = f"{number:02d}.html"
            (self.html / name).write_bytes(self.document.body())
            self.pages[name] = label
        return path

    def finish(self) -> list[str]:
        """Everything wrong with the journey's pages (empty: all good)."""
        problems = list(self.problems)
        if self.pages:
            problems += html_errors(self.html, self.pages)
        unseen = {
            path
            for path in self.navigated
            if path
            and not NOT_PAGES.search(path)
            and page_key(path) not in self.seen
            and path != "about:blank"
        }
        problems += [f"{self.name}: {path} shown but not looked at" for path in unseen]
        return problems
