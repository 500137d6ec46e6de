"""A curator's day in the browser: import the mentee base from Excel (the columns
confirmed, a bad cell fixed in the preview's grid), read the request map, pick a
mentee, take the top suggested mentor, form the pair, approve it by an order, and
find the pair's mentor in the exported mentee base."""

from datetime import date

from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from pairs.models import Pair
from people.models import (
    Consent,
    Membership,
    MenteeProfile,
    Participant,
    Role,
    StudyGroup,
)
from tests.e2e.test_login import login


def fill_template(template_path, rows, out_path):
    """Write `rows` (dicts by header) under the template's header row."""
    workbook = load_workbook(template_path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=number, column=headers.index(header) + 1, value=value)
    workbook.save(out_path)


def nav(page, name):
    page.locator("#site-nav").get_by_role("link", name=name, exact=True).click()


def chosen_mentee(organisation):
    """A waiting pupil with an open request and a valid processing consent."""
    valid = Consent.objects.valid().filter(scope=Consent.Scope.PROCESSING)
    return (
        MenteeProfile.objects.for_organisation(organisation)
        .filter(
            status=MenteeProfile.Status.WAITING,
            requests__status="open",
            preferred_form__code="pupil-pupil",
            participant__consents__in=valid,
        )
        .select_related("participant")
        .order_by("participant__search_text")
        .first()
    )


def test_curator_walkthrough(page, live_server, demo, journey, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    trip = journey("01-curator-forms-pairs")
    login(page, live_server, "curator1")
    trip.see("home of the curator")
    organisation = Membership.objects.get(
        user__username="curator1", role=Role.CURATOR
    ).organisation
    group = StudyGroup.objects.filter(organisation=organisation).first()
    with translation.override("ru"):
        pupil = str(Participant.Kind.PUPIL.label)

    # 1. Import: the template, one bad row, the error, the fix, the confirmation.
    nav(page, "Наставляемые")
    trip.see("the mentee base")
    page.get_by_role("link", name="Импорт из Excel").click()
    trip.see("import: choose a file")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать шаблон").first.click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    good = {"Фамилия": "Лебедева", "Имя": "Алиса", "Кто": pupil}
    bad = {"Фамилия": "Орлова", "Имя": "Мария", "Кто": pupil}
    good["Класс или группа"] = group.name
    bad["Класс или группа"] = "7Я"
    broken = tmp_path / "broken.xlsx"
    fill_template(template, [good, bad], broken)
    page.get_by_label("Таблица (.xlsx, .xls, .ods или .csv)").set_input_files(broken)
    page.get_by_role("button", name="Прочитать файл").click()
    # The mapping: every column of the template is recognised; confirm it.
    expect(page.get_by_test_id("mapping")).to_be_visible()
    trip.see("import: the columns recognised")
    page.get_by_role("button", name="Подтвердить столбцы и проверить строки").click()
    # The grid: the unknown class is an error on its cell; fix it there.
    cell = page.locator("input[name$='-study_group'].is-invalid")
    expect(cell).to_have_value("7Я")
    expect(page.get_by_test_id("apply")).to_have_count(0)
    trip.see("import: a wrong class marked in its cell")
    cell.fill(group.name)
    page.get_by_role("button", name="Проверить снова").click()
    expect(page.get_by_test_id("row-errors")).to_have_count(0)
    page.get_by_test_id("apply").click()
    expect(
        page.get_by_text("Добавлено 2, обновлено 0, пропущено 0").first
    ).to_be_visible()
    trip.see("import done: the base with the new pupils")
    assert (
        MenteeProfile.objects.filter(
            participant__organisation=organisation,
            participant__last_name__in=["Лебедева", "Орлова"],
        ).count()
        == 2
    )

    # 2. The request map.
    nav(page, "Запросы")
    expect(page.locator("table")).to_be_visible()
    trip.see("the request map")

    # 3. Pick a mentee and take the top suggestion.
    mentee = chosen_mentee(organisation)
    assert mentee is not None
    nav(page, "Наставляемые")
    page.get_by_role("searchbox").first.fill(mentee.participant.last_name)
    page.get_by_role("searchbox").first.press("Enter")
    trip.see("the mentee base searched")
    page.get_by_role("link", name=mentee.participant.full_name).first.click()
    trip.see("the mentee's card")
    page.get_by_role("link", name="Подобрать наставника").click()
    trip.see("matching: suggested mentors")
    page.get_by_role("link", name="Создать пару").first.click()
    trip.see("a new pair, prefilled")

    # 4. Form the pair.
    variant = page.get_by_label("Ролевая модель")
    if not variant.input_value():
        value = variant.locator("option:not([value=''])").first.get_attribute("value")
        variant.select_option(value)
    page.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_role("heading", name="Утвердить приказом")).to_be_visible()
    trip.see("the pair formed, to approve by an order")
    pair = Pair.objects.filter(memberships__mentee=mentee).latest("pk")
    assert pair.status == Pair.Status.FORMED

    # 5. Approve by an order.
    page.get_by_label("№ приказа").fill("45-од")
    page.get_by_label("Дата приказа").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Утвердить").click()
    expect(page.get_by_text("45-од").first).to_be_visible()
    pair.refresh_from_db()
    assert (pair.status, pair.order_number) == (Pair.Status.ACTIVE, "45-од")
    trip.see("the pair approved by the order")

    # 6. Export the mentee base and find the pair's mentor in the mentee's row.
    nav(page, "Наставляемые")
    page.get_by_role("searchbox").first.fill(mentee.participant.last_name)
    page.get_by_role("searchbox").first.press("Enter")
    with page.expect_download() as download:
        page.get_by_role("link", name="Экспорт в Excel").click()
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    sheet = load_workbook(exported).active
    rows = list(sheet.iter_rows(values_only=True))
    mentor_column = rows[0].index("ФИО наставника")
    mentors = {
        row[mentor_column] for row in rows[1:] if row[0] == mentee.participant.full_name
    }
    assert pair.mentor.participant.full_name in mentors
    assert isinstance(rows[1][rows[0].index("Дата вхождения в программу")], date)

    # 7. The programme's roadmap, where the pairs' stage now stands.
    page.goto(f"{live_server.url}/roadmap/")
    trip.see("the roadmap of the programme")

    # 8. The new pair's entry values, all on its card.
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    page.get_by_role("link", name="Значения на входе и выходе").first.click()
    expect(page.get_by_test_id("pair-values")).to_be_visible()
    trip.see("the pair's card of entry and exit values")
    cells = page.locator("[data-testid=pair-values] input.measurement-input")
    cells.nth(0).fill("4")
    cells.nth(2).fill("6")
    page.get_by_role("button", name="Сохранить значения").click()
    expect(page.get_by_text("Сохранено значений: 2.")).to_be_visible()
    trip.see("entry values saved")
    assert pair.measurements.count() == 2
