"""Playwright drives Debian's Chromium; browsers are never downloaded."""

import os
from pathlib import Path

import pytest

from tests.e2e.journeys import Journey

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ru-RU", "timezone_id": "Europe/Moscow"}


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", "--quiet")


@pytest.fixture
def journey(page):
    """`journey(name)` (or `journey(name, other_page)` for a second user): a
    `Journey` whose pages all pass axe-core and the Nu Html Checker, checked
    when the test ends."""
    started = []

    def start(name: str, on_page=None) -> Journey:
        started.append(Journey(on_page or page, name))
        return started[-1]

    yield start
    problems = [problem for journey in started for problem in journey.finish()]
    assert not problems, "\n".join(problems)
