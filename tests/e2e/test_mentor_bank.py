"""The municipal mentor bank in the browser: the curator of school A finds a mentor
of school B in the bank and requests them for a mentee, the curator of B approves,
the pair appears in A's pairs list and in B's «Наши наставники в других
организациях» (where the mentee is never named), and the coordinator's dashboard
counts the pair once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from pairs.models import Pair
from people.models import Consent, Role
from tests import factories as f
from tests.e2e.test_login import login

PASSWORD = "pass12345"


@pytest.fixture
def schools(transactional_db):
    call_command("loaddata", "catalogues", verbosity=0)
    school_a = f.OrganisationFactory(short_name="Школа № 7")
    school_b = f.OrganisationFactory(
        short_name="Лицей № 3", municipality=school_a.municipality
    )
    programme = f.ProgrammeFactory(organisation=school_a)
    curator_a = f.UserFactory(username="curator_a")
    f.MembershipFactory(user=curator_a, organisation=school_a, role=Role.CURATOR)
    programme.curators.add(curator_a)
    curator_b = f.UserFactory(username="curator_b")
    f.MembershipFactory(user=curator_b, organisation=school_b, role=Role.CURATOR)
    coordinator = f.UserFactory(username="coordinator_e2e")
    f.MembershipFactory(
        user=coordinator,
        organisation=None,
        municipality=school_a.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    mentor = f.MentorFactory(
        participant__organisation=school_b,
        participant__last_name="Зайцева",
        participant__first_name="Ольга",
        participant__phone="+7 913 555-44-33",
        key_competencies="Подготовка к олимпиадам по физике",
        shared_in_bank=True,
        capacity=2,
    )
    f.MentorFactory(
        participant__organisation=school_b, participant__last_name="Невидимова"
    )
    mentee = f.MenteeFactory(
        participant__organisation=school_a,
        participant__last_name="Секретова",
        participant__first_name="Алиса",
    )
    Consent.objects.create(
        participant=mentee.participant,
        scope=Consent.Scope.PROCESSING,
        given_by="Секретова Мария Петровна",
        relation=Consent.Relation.MOTHER,
        given_on=timezone.localdate() - timedelta(days=10),
    )
    return {"a": school_a, "b": school_b, "mentor": mentor, "mentee": mentee}


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def test_a_bank_mentor_requested_approved_and_seen_on_both_sides(
    page, live_server, schools, screenshot
):
    page.on("dialog", lambda dialog: dialog.accept())
    school_a = schools["a"]

    # 1. School A's curator finds the mentor of school B in the bank.
    login(page, live_server, "curator_a", PASSWORD)
    page.goto(f"{live_server.url}/bank/")
    page.get_by_label("ФИО, компетенция или предмет").fill("олимпиад")
    page.get_by_role("button", name="Найти").click()
    row = page.get_by_test_id("bank-mentor").filter(has_text="Зайцева")
    expect(row).to_contain_text("Лицей № 3")
    expect(page.locator("main")).not_to_contain_text("Невидимова")
    expect(page.locator("main")).not_to_contain_text("555-44-33")
    screenshot("bank-list")

    # 2. … and requests her for the mentee.
    row.get_by_role("link", name="Запросить").click()
    page.get_by_label("Наставляемый").select_option(str(schools["mentee"].pk))
    page.get_by_label("Форма наставничества").select_option(label="Учитель – ученик")
    page.get_by_label("Ролевая модель").select_option(
        label="Активный профессионал – равнодушный потребитель"
    )
    page.get_by_label("Сообщение куратору наставника").fill(
        "Нужна подготовка к олимпиаде по физике"
    )
    page.get_by_role("button", name="Отправить запрос").click()
    expect(page.locator("main")).to_contain_text("Запрос отправлен")
    expect(page.get_by_test_id("bank-request")).to_contain_text("Ожидает решения")

    # 3. School B's curator reads the request without the mentee's name and
    # approves it.
    switch_user(page, live_server, "curator_b")
    page.goto(f"{live_server.url}/bank/requests/incoming/")
    request_row = page.get_by_test_id("bank-request")
    expect(request_row).to_contain_text(f"наставляемый {school_a.short_name}")
    expect(page.locator("main")).not_to_contain_text("Секретова")
    request_row.get_by_role("link", name="Одобрить запрос").click()
    expect(page.locator("main")).not_to_contain_text("Секретова")
    page.get_by_role("button", name="Одобрить и создать пару").click()
    expect(page.locator("main")).to_contain_text("Запрос одобрен")

    # 4. B's «Наши наставники в других организациях»: our mentor, the school, no
    # mentee's name.
    pair_row = page.get_by_test_id("our-mentor-pair")
    expect(pair_row).to_contain_text("Зайцева")
    expect(pair_row).to_contain_text(school_a.short_name)
    expect(pair_row).to_contain_text(f"наставляемый {school_a.short_name}")
    expect(page.locator("main")).not_to_contain_text("Секретова")
    screenshot("bank-our-mentors")
    pair = Pair.objects.get()
    assert pair.programme.organisation == school_a

    # 5. School A sees the pair in its pairs list.
    switch_user(page, live_server, "curator_a")
    page.goto(f"{live_server.url}/pairs/")
    expect(page.locator("main")).to_contain_text("Зайцева")
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    expect(page.locator("main")).to_contain_text("Секретова")
    expect(page.locator("main")).not_to_contain_text("555-44-33")

    # 6. The coordinator's dashboard counts the pair once.
    switch_user(page, live_server, "coordinator_e2e")
    page.goto(f"{live_server.url}/municipality/")
    stat = page.locator(".stat-card").filter(has_text="пар и групп за учебный год")
    expect(stat.locator(".stat-value")).to_have_text("1")
    screenshot("bank-coordinator")
