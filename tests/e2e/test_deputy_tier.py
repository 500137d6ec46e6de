"""The demo's deputy head (deputy1) walks the school's pages in Chromium and reads
nothing of the social-risk tier, which the curator (curator1) sees on the same
pages (issue 13: the rule can be seen in the browser)."""

from playwright.sync_api import expect

from mentoring.models import MenteeCategory, MentoringForm
from pairs.models import Pair
from tests.e2e.test_login import login

PAGES = [
    "/",
    "/pairs/",
    "/people/mentees/",
    "/journal/",
    "/plans/",
    "/documents/",
    "/reminders/",
    "/measurements/dynamics/",
    "/indicators/",
]


def tier_names() -> list[str]:
    names = [form.name for form in MentoringForm.objects.filter(is_social_risk=True)]
    names += [c.name for c in MenteeCategory.objects.filter(is_sensitive=True)]
    return names


def test_the_deputy_reads_no_tier_where_the_curator_does(
    page, live_server, demo, screenshot
):
    risk = MentoringForm.objects.get(is_social_risk=True)
    risk_pair = Pair.objects.filter(form=risk).first()
    assert risk_pair is not None  # the demo has social-risk pairs
    names = tier_names()

    login(page, live_server, "curator1")
    page.goto(f"{live_server.url}/pairs/?form={risk.pk}")
    expect(page.locator("main")).to_contain_text(risk.name)
    page.context.clear_cookies()

    login(page, live_server, "deputy1")
    for number, path in enumerate(PAGES + [f"/pairs/?form={risk.pk}"]):
        page.goto(f"{live_server.url}{path}")
        text = page.locator("body").inner_text()
        for name in names:
            assert name not in text, f"{path}: «{name}»"
        screenshot(f"deputy-{number:02d}")
    response = page.goto(f"{live_server.url}/pairs/{risk_pair.pk}/")
    assert response.status == 404
