"""A mentor on a phone (375×812): log the meeting that is due in a few taps from the
home page, rate it; then the curator finds it in the pair's journal.

Locators use hrefs, names and test ids rather than the new Russian texts, so the
test does not depend on the translations being merged."""

import re

import pytest
from playwright.sync_api import expect

from pairs.models import Feedback, Meeting
from tests.e2e.test_login import login


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 375, "height": 812},
        "is_mobile": True,
        "has_touch": True,
    }


class Counter:
    """Counts the mentor's interactions (each fill, click or check)."""

    def __init__(self):
        self.count = 0

    def __call__(self, action, *args, **kwargs):
        self.count += 1
        return action(*args, **kwargs)


def test_mentor_logs_and_rates_a_meeting_on_a_phone(page, live_server, demo, journey):
    page.on("dialog", lambda dialog: dialog.accept())
    trip = journey("03-mentor-logs-a-meeting-on-a-phone")
    act = Counter()
    act(page.goto, f"{live_server.url}/login/")
    act(page.get_by_label("Имя пользователя").fill, "mentor1")
    act(page.get_by_label("Пароль").fill, "demo12345")
    act(page.get_by_role("button", name="Войти").click)

    card = page.get_by_test_id("pair-card").first
    expect(card).to_be_visible()
    trip.see("the mentor's home on a phone")
    log_button = card.locator("a[href$='/new/']")
    pair_pk = int(re.search(r"/pair/(\d+)/new/", log_button.get_attribute("href"))[1])
    before = Meeting.objects.filter(pair_id=pair_pk).count()
    box = log_button.bounding_box()
    assert box["width"] <= 375 and box["height"] >= 40  # a big button, on screen
    act(log_button.click)

    expect(page.locator("#id_meeting_type")).to_be_visible()
    trip.see("a meeting to log, prefilled")
    act(page.locator("form.card button[type=submit]").click)

    assert act.count < 10
    expect(page.get_by_test_id("pair-card").first).to_be_visible()
    trip.see("the meeting logged")
    assert Meeting.objects.filter(pair_id=pair_pk).count() == before + 1
    meeting = Meeting.objects.filter(pair_id=pair_pk).latest("pk")
    assert meeting.author.username == "mentor1"

    page.goto(f"{live_server.url}/journal/pair/{pair_pk}/")
    entry = page.locator(f"#meeting-{meeting.pk}")
    expect(entry).to_be_visible()
    trip.see("the pair's meeting journal")
    entry.locator(f"a[href$='/meeting/{meeting.pk}/feedback/']").click()
    trip.see("feedback on the meeting")
    page.locator("input[name=rating][value='5']").check()
    page.locator("textarea[name=comment]").fill("Познакомились, договорились о плане")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(f"#meeting-{meeting.pk}")).to_be_visible()
    feedback = Feedback.objects.get(meeting=meeting)
    assert (feedback.rating, feedback.role) == (5, "mentor")
    trip.see("the journal with the mentor's feedback")

    page.context.clear_cookies()
    login(page, live_server, "curator1")
    trip.see("the curator's home on a phone")
    page.goto(f"{live_server.url}/journal/pair/{pair_pk}/")
    entry = page.locator(f"#meeting-{meeting.pk}")
    expect(entry).to_be_visible()
    trip.see("the curator reads the journal")
    expect(entry).to_contain_text(meeting.topic)
    expect(entry).to_contain_text("Познакомились, договорились о плане")


def test_pupil_mentor_starts_a_new_pair_on_a_phone(page, live_server, demo, journey):
    """Issue 4's walk: the introduction meeting in under 10 interactions, a plan item
    ticked, feedback left; the curator sees the meeting and the plan's progress."""
    from pairs.models import Pair, PlanItem

    page.on("dialog", lambda dialog: dialog.accept())
    trip = journey("02-pupil-mentor-starts-a-pair-on-a-phone")
    pair = Pair.objects.get(
        mentor__participant__user__username="pupilmentor2", status="formed"
    )
    assert not pair.meetings.exists()
    act = Counter()
    act(page.goto, f"{live_server.url}/login/")
    act(page.get_by_label("Имя пользователя").fill, "pupilmentor2")
    act(page.get_by_label("Пароль").fill, "demo12345")
    act(page.get_by_role("button", name="Войти").click)
    trip.see("the pupil mentor's home: a new pair")
    act(page.locator(f"a[href$='/journal/pair/{pair.pk}/new/']").first.click)
    expect(page.locator("#id_meeting_type")).to_be_visible()
    trip.see("the introduction meeting, prefilled")
    selected = page.locator("#id_meeting_type option:checked").inner_text()
    assert "знакомство" in selected.lower()
    act(page.locator("form.card button[type=submit]").click)
    assert act.count < 10
    meeting = pair.meetings.get()
    assert meeting.meeting_type.code == "introduction"
    trip.see("the introduction logged")

    # Tick the first plan item.
    page.goto(f"{live_server.url}/plans/pair/{pair.pk}/")
    trip.see("the pair's plan")
    item = PlanItem.objects.filter(plan__pair=pair).exclude(status="done").first()
    page.locator(f"#item-{item.pk} form button[type=submit]").click()
    expect(page.locator(f"#item-{item.pk} .btn-success")).to_be_visible()
    trip.see("a plan item done")
    item.refresh_from_db()
    assert item.status == "done" and item.done_by.username == "pupilmentor2"

    # Feedback on the meeting.
    page.goto(f"{live_server.url}/journal/meeting/{meeting.pk}/feedback/")
    trip.see("feedback on the introduction")
    page.locator("input[name=rating][value='4']").check()
    page.locator("textarea[name=comment]").fill("Познакомились, наметили темы")
    page.locator("form.card button[type=submit]").click()
    trip.see("after the feedback")
    assert Feedback.objects.filter(meeting=meeting, rating=4).exists()

    # The curator sees the meeting and the progress on the pair's page.
    page.context.clear_cookies()
    login(page, live_server, "curator1")
    trip.see("the curator's home")
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    expect(page.get_by_text(meeting.topic).first).to_be_visible()
    done = PlanItem.objects.filter(plan__pair=pair, status="done").count()
    total = PlanItem.objects.filter(plan__pair=pair).exclude(status="cancelled").count()
    expect(page.locator("#plan-heading").locator("xpath=..")).to_contain_text(
        f"{done} из {total}"
    )
    trip.see("the curator sees the meeting and the plan's progress")
