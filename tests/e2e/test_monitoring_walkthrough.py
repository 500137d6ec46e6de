"""Two-stage monitoring in a browser, on the demo data: the curator launches
questionnaires, a mentor answers in the workspace, a pupil without a login answers
through the printed link, the curator sees the response rate, drafts and edits the
SWOT and downloads the monitoring report, whose PDF and XLSX are read back.

Locators use names, hrefs and test ids rather than Russian texts where they can."""

import io
import re
import subprocess

import openpyxl
from playwright.sync_api import expect

from mentoring.models import Programme, SchoolYear
from monitoring.models import (
    AskedWhen,
    Audience,
    Campaign,
    Invitation,
    Questionnaire,
    Response,
    SwotPoint,
)
from people.models import User
from tests.e2e.test_login import login


def shipped(audience):
    return Questionnaire.objects.get(
        organisation__isnull=True,
        audience=audience,
        moment=AskedWhen.EXIT,
        is_anonymous=False,
    )


def launch(page, base, programme, questionnaire, title, trip):
    page.goto(f"{base}/questionnaires/campaigns/new/")
    trip.see("a new questionnaire campaign")
    page.select_option("select[name=programme]", str(programme.pk))
    page.select_option("select[name=questionnaire]", str(questionnaire.pk))
    page.fill("input[name=title]", title)
    page.locator("form button[type=submit]").last.click()
    campaign = Campaign.objects.get(title=title)
    expect(page).to_have_url(re.compile(rf"/questionnaires/campaigns/{campaign.pk}/$"))
    trip.see(f"campaign launched: {title}")
    return campaign


def answer_everything(page):
    """Pick the highest mark of every scale, the first option of every choice and
    write a line in every open question, then send."""
    for fieldset in page.locator("form fieldset").all():
        scale = fieldset.locator(".scale-row label")
        if scale.count():
            scale.last.click()
        elif fieldset.locator("textarea").count():
            fieldset.locator("textarea").fill("Очень полезные встречи")
        else:
            fieldset.locator("input").first.check()
    page.locator("form:has(fieldset) button[type=submit]").click()


def test_curator_runs_stage_one_and_downloads_the_report(
    page, browser, live_server, demo, journey
):
    page.on("dialog", lambda dialog: dialog.accept())
    base = live_server.url
    curator = User.objects.get(username="curator1")
    programme = Programme.objects.filter(curators=curator).get()

    trip = journey("05-curator-questionnaires-swot-report")
    login(page, live_server, "curator1")
    trip.see("home of the curator in spring")
    mentors = launch(
        page,
        base,
        programme,
        shipped(Audience.MENTOR),
        "Итоговая анкета наставников",
        trip,
    )
    pupils = launch(
        page, base, programme, shipped(Audience.MENTEE), "Итоговая анкета ребят", trip
    )

    # the printed links: one slip per invitee, the pupil without a login among them
    page.goto(f"{base}/questionnaires/campaigns/{pupils.pk}/print/")
    invitation = (
        Invitation.objects.filter(campaign=pupils, participant__user__isnull=True)
        .select_related("participant")
        .first()
    )
    link = f"/questionnaires/a/{invitation.token}/"
    expect(page.locator(".slip", has_text=link)).to_contain_text(
        invitation.participant.last_name
    )
    trip.see("the printed links for pupils without a login")

    # the mentor answers in the workspace, from the home page
    mentor_invitation = Invitation.objects.filter(
        campaign=mentors, participant__user__isnull=False
    ).select_related("participant__user")[0]
    mentor_context = browser.new_context(locale="ru-RU")
    mentor_page = mentor_context.new_page()
    mentor_trip = journey("06-mentor-answers-the-questionnaire", mentor_page)
    login(mentor_page, live_server, mentor_invitation.participant.user.username)
    mentor_trip.see("the mentor's home: a questionnaire waits")
    waiting = mentor_page.get_by_test_id("waiting-questionnaires")
    waiting.locator(f"a[href$='/questionnaires/answer/{mentors.pk}/']").click()
    mentor_trip.see("the questionnaire")
    answer_everything(mentor_page)
    expect(mentor_page.get_by_test_id("answer-status")).to_be_visible()
    mentor_trip.see("the answers sent")
    assert Response.objects.filter(
        campaign=mentors, participant=mentor_invitation.participant
    ).exists()
    expect(mentor_page.get_by_test_id("waiting-questionnaires")).to_have_count(0)
    mentor_context.close()

    # the pupil opens the printed link without logging in
    pupil_context = browser.new_context(locale="ru-RU")
    pupil_page = pupil_context.new_page()
    pupil_trip = journey("07-pupil-answers-by-the-printed-link", pupil_page)
    pupil_page.goto(base + link)
    expect(pupil_page.locator("a[href='/login/']")).to_have_count(0)
    pupil_trip.see("the questionnaire, without a login")
    answer_everything(pupil_page)
    expect(pupil_page.get_by_test_id("answer-status")).to_be_visible()
    pupil_trip.see("thank you")
    assert Response.objects.filter(
        campaign=pupils, participant=invitation.participant
    ).exists()
    # the link works once
    reused = pupil_page.goto(base + link)
    assert reused.status == 410
    pupil_trip.see("the link opened again: already used")
    assert pupil_page.locator("form:has(fieldset)").count() == 0
    pupil_context.close()
    assert Response.objects.filter(campaign=pupils).count() == 1

    # the curator sees the response rate
    invited = Invitation.objects.filter(campaign=pupils).count()
    page.goto(f"{base}/questionnaires/campaigns/")
    row = page.locator("tr", has=page.locator(f"a[href$='/campaigns/{pupils.pk}/']"))
    expect(row).to_contain_text(f"1 из {invited}")
    trip.see("campaigns with their response rates")

    # the SWOT of the year: drafted from the data, then edited
    year = SchoolYear.for_date(pupils.opens_on)
    page.goto(f"{base}/monitoring/programme/{programme.pk}/swot/?year={year.pk}")
    trip.see("the SWOT of the year, empty")
    page.locator("form:has(input[name=action][value=draft]) button").click()
    trip.see("the SWOT drafted from the data")
    drafted = SwotPoint.objects.filter(
        swot__programme=programme, swot__school_year=year
    )
    assert drafted.filter(kind="response-low").exists()
    first = page.locator("form textarea").first
    first.fill("Наставники отвечают охотно")
    page.locator("form:not(:has(input[name=action])) button[type=submit]").last.click()
    edited = drafted.get(text="Наставники отвечают охотно")
    assert edited.kind == ""  # the curator's own now: a refresh keeps it
    trip.see("the SWOT edited by the curator")

    # the monitoring page and its report
    page.goto(f"{base}/monitoring/programme/{programme.pk}/?year={year.pk}")
    trip.see("monitoring of the programme, with the report")
    report_link = page.locator("a[href*='/export/monitoring-report.pdf']").first
    with page.expect_download() as pdf_download:
        report_link.click()
        # made while the user waits: said on the link and to screen readers
        expect(report_link).to_have_attribute("aria-busy", "true")
        expect(page.locator("#site-status")).to_have_text("Готовим файл…")
    pdf = pdf_download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        )
        .stdout.decode()
        .split()
    )
    assert "Итоговая анкета ребят" in text
    assert "Наставники отвечают охотно" in text
    assert "SWOT" in text

    with page.expect_download() as xlsx_download:
        page.locator("a[href*='/export/monitoring-report.xlsx']").click()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    cells = {
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert "Итоговая анкета ребят" in cells
    assert "Наставники отвечают охотно" in cells
    assert len(book.worksheets) >= 4
