"""The rest of the school year, role by role, on the demo data (issue 19): the
mentee, the social pedagogue, the curator's exit values and dynamics, the head's
documents and dashboards, the municipal coordinator's roll-up. Each is a
`Journey`: every page looked at, screenshotted and checked (axe-core, the Nu
Html Checker). The curator's autumn, the mentors' meetings and the spring
questionnaires are the journeys of test_curator_walkthrough, test_mentor_phone
and test_monitoring_walkthrough; the folders' numbers put all in the year's
order."""

import re

from playwright.sync_api import expect

from monitoring.models import Measurement
from pairs.models import Feedback, Pair
from tests.e2e.test_login import login


def nav(page, name):
    """A link of the header's menu (opening its drop-down first if it is in one)."""
    exact = re.compile(rf"^\s*{re.escape(name)}\s*$")
    link = page.locator("#site-nav a").filter(has_text=exact).first
    if not link.is_visible():
        item = page.locator("a.dropdown-item").filter(has_text=exact)
        menu = page.locator("#site-nav li.dropdown").filter(has=item)
        menu.locator(".dropdown-toggle").first.click()
    link.click()


def test_the_mentee_reads_the_plan_and_rates_a_meeting(
    page, live_server, demo, journey
):
    trip = journey("04-mentee-rates-a-meeting")
    login(page, live_server, "pupil1")
    trip.see("the mentee's home: the pair and its meetings")
    page.locator("main a[href*='/plans/pair/']").first.click()
    trip.see("my plan")
    page.goto(live_server.url + "/")
    rate = page.locator("main a[href$='/feedback/']").first
    meeting = int(rate.get_attribute("href").rstrip("/").split("/")[-2])
    rate.click()
    trip.see("rating a meeting")
    page.locator("input[name=rating][value='5']").check()
    page.locator("textarea[name=comment]").fill("Разобрали задачи к контрольной")
    page.locator("form.card button[type=submit]").click()
    trip.see("the meeting rated")
    feedback = Feedback.objects.get(meeting_id=meeting, role="mentee")
    assert (feedback.rating, feedback.comment) == (5, "Разобрали задачи к контрольной")
    page.locator("header a[href='/questionnaires/mine/']").first.click()
    trip.see("my questionnaires")


def test_the_social_pedagogue_follows_her_pupils(page, live_server, demo, journey):
    trip = journey("08-social-pedagogue")
    login(page, live_server, "socped1")
    trip.see("the social pedagogue's home")
    page.locator("header a[href='/safeguarding/']").first.click()
    expect(page.locator("main table").first).to_be_visible()
    trip.see("pupils in a socially dangerous situation (confidential)")
    page.locator("main a[href*='/safeguarding/participant/']").first.click()
    trip.see("a pupil's confidential card")
    page.locator("header a[href='/my-pairs/']").first.click()
    trip.see("her own pairs as a mentor")
    page.locator("main a[href*='/journal/pair/']").first.click()
    trip.see("a pair's meeting journal")


def test_the_curator_records_exit_values_and_reads_the_dynamics(
    page, live_server, demo, journey
):
    trip = journey("09-curator-exit-values-and-dynamics")
    pair = (
        Pair.objects.filter(
            programme__curators__username="curator1",
            status=Pair.Status.ACTIVE,
            form__is_social_risk=False,
        )
        .order_by("pk")
        .first()
    )
    login(page, live_server, "curator1")
    trip.see("the curator's home at the end of the year")
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    trip.see("the pair")
    page.get_by_role("link", name="Значения на входе и выходе").first.click()
    trip.see("the pair's card of entry and exit values")
    before = Measurement.objects.filter(pair=pair, moment="exit").count()
    exits = page.locator("[data-testid=pair-values] input[name$='_exit']")
    empty = [cell for cell in exits.all() if not cell.input_value()][:2]
    assert empty, "the demo pair has exit values to type"
    for cell in empty:
        cell.fill("7")
    page.get_by_role("button", name="Сохранить значения").click()
    expect(page.get_by_text(f"Сохранено значений: {len(empty)}.")).to_be_visible()
    trip.see("exit values saved")
    after = Measurement.objects.filter(pair=pair, moment="exit").count()
    assert after == before + len(empty)
    page.get_by_role("link", name="Динамика").first.click()
    expect(page.get_by_test_id("dynamics-chart")).to_be_visible()
    trip.see("the pair's dynamics, with the chart")
    nav(page, "Динамика")
    expect(page.get_by_test_id("dynamics-chart")).to_be_visible()
    trip.see("the programme's dynamics")
    nav(page, "Значения на входе и выходе")
    trip.see("all pairs, one parameter")
    nav(page, "Мониторинг программы")
    trip.see("monitoring of the programme")


def test_the_head_reads_documents_and_dashboards(page, live_server, demo, journey):
    trip = journey("10-head-documents-and-dashboards")
    login(page, live_server, "head1")
    trip.see("the head's home: the programme at a glance")
    nav(page, "Документы")
    trip.see("documents of the programme")
    nav(page, "Пары и группы")
    trip.see("pairs and groups")
    nav(page, "Дорожная карта")
    trip.see("the roadmap")
    nav(page, "Целевые индикаторы")
    trip.see("target indicators")
    nav(page, "Обратная связь")
    trip.see("feedback on the meetings")
    nav(page, "Найти наставника в банке")
    trip.see("the municipal bank of mentors")
    nav(page, "Чек-лист внедрения")
    trip.see("the implementation checklist")


def test_the_coordinator_rolls_up_the_district(page, live_server, demo, journey):
    trip = journey("11-municipal-coordinator")
    login(page, live_server, "coordinator")
    expect(page.locator("main")).to_contain_text("МБОУ «Змеиногорская СОШ № 1»")
    trip.see("the district at a glance")
    page.locator("main a[href*='/municipality/organisations/']").first.click()
    trip.see("one organisation of the district")
    nav(page, "Сводка")
    trip.see("the roll-up of the municipal indicators")
    nav(page, "Целевые значения по годам")
    trip.see("targets by year")
    nav(page, "Лучшие практики")
    trip.see("best practices of the district")
    nav(page, "Чек-лист внедрения")
    trip.see("the district's implementation checklist")
