"""What every page a browser test shows must pass: axe-core (no serious or
critical violation; the header's user menu on the screen) and the Nu Html
Checker (no error). Both from npm (package.json), installed by `make test`; vnu
runs with the machine's Java."""

import json
import re
import subprocess
from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SERIOUS = {"serious", "critical"}


def page_key(path: str) -> str:
    """One page per view: the same path with other numbers is the same page."""
    return re.sub(r"\d+", "N", path)


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
    folded = page.locator("header .navbar-toggler").first
    if menu.count() and not (folded.count() and folded.is_visible()):
        # on a phone the menu sits behind the toggler, itself on the screen
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
