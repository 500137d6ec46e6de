"""Cohort matching in the browser: the curator runs «Подбор для всех» for a form,
locks two proposed pairs, recomputes for the others, forms the pairs, and finds
them in the pairs list, where the draft order of the ticked pairs downloads with
their names."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from mentoring.models import MentoringForm
from pairs.models import Pair
from people.models import Consent, Role
from tests import factories as f
from tests.e2e.test_login import login

PASSWORD = "pass12345"
MENTEES = ["Антонова", "Борисова", "Васильева", "Григорьева"]


@pytest.fixture
def school(transactional_db):
    call_command("loaddata", "catalogues", verbosity=0)
    organisation = f.OrganisationFactory(short_name="Школа № 12")
    programme = f.ProgrammeFactory(organisation=organisation)
    curator = f.UserFactory(username="curator_cohort")
    f.MembershipFactory(user=curator, organisation=organisation, role=Role.CURATOR)
    programme.curators.add(curator)
    form = MentoringForm.objects.get(code="teacher-pupil")
    mentees = []
    for last_name in MENTEES:
        mentee = f.MenteeFactory(
            participant__organisation=organisation,
            participant__last_name=last_name,
            programme=programme,
            preferred_form=form,
        )
        Consent.objects.create(
            participant=mentee.participant,
            scope=Consent.Scope.PROCESSING,
            given_by="Иванова Мария Петровна",
            relation=Consent.Relation.MOTHER,
            given_on=timezone.localdate() - timedelta(days=10),
        )
        mentees.append(mentee)
    mentors = [
        f.MentorFactory(
            participant__organisation=organisation,
            participant__last_name=last_name,
            capacity=capacity,
        )
        for last_name, capacity in [("Дмитриев", 2), ("Егоров", 1), ("Жуков", 1)]
    ]
    return {"programme": programme, "mentees": mentees, "mentors": mentors}


def proposal(page) -> dict[str, str]:
    rows = page.get_by_test_id("cohort-row")
    return {
        rows.nth(n).get_attribute("data-mentee"): rows.nth(n).get_attribute(
            "data-mentor"
        )
        for n in range(rows.count())
    }


def test_curator_matches_a_cohort_locks_reruns_and_forms_the_pairs(
    page, live_server, school, screenshot
):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "curator_cohort", PASSWORD)

    # 1. From the request map to «Подбор для всех»; the form, then «Подобрать».
    page.goto(f"{live_server.url}{reverse('matching:request-map')}")
    page.get_by_role("link", name="Подбор для всех").click()
    page.get_by_label("Форма наставничества").select_option(label="Учитель – ученик")
    expect(page.get_by_label("Программа", exact=True)).to_be_visible()
    page.get_by_role("button", name="Подобрать").click()
    expect(page.get_by_test_id("cohort-row")).to_have_count(4)
    first = proposal(page)
    screenshot("cohort-proposed")

    # 2. Lock two rows, recompute for the others.
    rows = page.get_by_test_id("cohort-row")
    locked = [rows.nth(n).get_attribute("data-mentee") for n in (0, 1)]
    for mentee in locked:
        page.locator(f"#lock-{mentee}").check()
    page.get_by_role("button", name="Пересчитать для остальных").click()
    expect(page.get_by_test_id("cohort-row")).to_have_count(4)
    again = proposal(page)
    for mentee in locked:
        assert again[mentee] == first[mentee]
        expect(page.locator(f"#lock-{mentee}")).to_be_checked()
    expect(
        page.get_by_role("heading", name=re.compile("Без наставника"))
    ).to_be_visible()

    # 3. Form the pairs: the list of pairs awaiting an order, with the new ones.
    page.get_by_role("button", name="Сформировать пары").click()
    expect(page.get_by_text(re.compile(r"Сформировано 4 пары"))).to_be_visible()
    assert "/pairs/" in page.url
    for last_name in MENTEES:
        expect(page.get_by_role("cell", name=re.compile(last_name))).to_be_visible()
    formed = {
        (str(pair.memberships.get().mentee_id), str(pair.mentor_id))
        for pair in Pair.objects.filter(status=Pair.Status.FORMED)
    }
    assert formed == set(again.items())
    screenshot("cohort-formed")

    # 4. Their draft order («проект приказа»): tick all, download, read the names.
    page.get_by_label("Отметить все на странице").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Проект приказа по отмеченным").click()
    pdf = PdfReader(download.value.path())
    text = " ".join(p.extract_text() for p in pdf.pages)
    for last_name in MENTEES:
        assert last_name in text
