"""The monitoring report of the demo data as a secretary gets it: the PDF read back
with pypdf, the workbook with openpyxl. Words whole, the year with results, the
college's two numberings of indicators apart, whole numbers, Russian names."""

import io
import re
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from mentoring.models import Programme, SchoolYear
from monitoring import charts
from monitoring import models as mo
from monitoring.exports import default_school_year
from tests import factories as f

HYPHEN = "\u2010"  # what WeasyPrint prints where it hyphenates a word


@pytest.fixture(scope="module")
def demo_files(django_db_setup, django_db_blocker):
    """The report of the school's (curator1) and the college's (curator2)
    programme, downloaded once with no year chosen; the demo data rolled back."""
    files = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet")
        for username in ("curator1", "curator2"):
            user = get_user_model().objects.get(username=username)
            organisation = user.memberships.exclude(organisation=None).first()
            programme = Programme.objects.filter(
                organisation=organisation.organisation
            ).first()
            client = Client()
            client.force_login(user)
            for fmt in ("pdf", "xlsx"):
                response = client.get(
                    f"/export/monitoring-report.{fmt}?programme={programme.pk}"
                )
                assert response.status_code == 200
                files[username, fmt] = response
            files[username, "exit_year"] = (
                SchoolYear.objects.filter(
                    measurements__pair__programme=programme,
                    measurements__moment=mo.Measurement.Moment.EXIT,
                )
                .order_by("-starts_on")
                .first()
                .title
            )
            files[username, "current_year"] = SchoolYear.for_date(date.today()).title
        transaction.set_rollback(True)
    return files


def pdf(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.content))


def text_of(response) -> str:
    return "\n".join(page.extract_text() for page in pdf(response).pages)


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


@pytest.mark.parametrize("username", ["curator1", "curator2"])
def test_table_2_1_keeps_its_words_whole_on_a_landscape_page(demo_files, username):
    response = demo_files[username, "pdf"]
    text = text_of(response)
    table = section(text, "2.1. По ролевым вариантам", "2.2. По формам")
    assert "Вовлеченность" in table
    assert "Профессиональные показатели педагога" in " ".join(table.split())
    assert HYPHEN not in table
    page = next(p for p in pdf(response).pages if "2.1. По ролевым" in p.extract_text())
    assert page.mediabox.width > page.mediabox.height


@pytest.mark.parametrize("username", ["curator1", "curator2"])
def test_no_word_of_a_table_or_a_title_field_is_hyphenated(demo_files, username):
    text = text_of(demo_files[username, "pdf"])
    assert "Организация:" in text
    for header in ("Приглашено", "Ответили", "Среднее", "Ответов", "Улучшились"):
        assert header in text
    assert not re.search(r"Сред" + HYPHEN, text)


@pytest.mark.parametrize("username", ["curator1", "curator2"])
def test_the_report_opens_on_the_latest_year_with_results(demo_files, username):
    text = text_of(demo_files[username, "pdf"])
    year = demo_files[username, "exit_year"]
    assert year != demo_files[username, "current_year"]  # the demo's case
    assert f"Учебный год: {year}" in text
    assert "SWOT-анализ ещё не составлен" not in text
    assert "не вносились" not in text  # «no entry and exit values…»


def test_the_colleges_indicators_keep_their_sections_and_order(demo_files):
    text = " ".join(text_of(demo_files["curator2", "pdf"]).split())
    own = section(text, "3.1. Индикаторы программы", "3.2. Показатели")
    computed = text[text.index("3.2. Показатели, которые рассчитывает портал") :]
    own_numbers = re.findall(r"(?<![\d.])([1-5]\.[1-6]) [А-Я]", own)
    assert own_numbers[:6] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
    assert "П.1" not in own
    computed_numbers = re.findall(r"П\.(\d)", computed)
    assert computed_numbers[:8] == list("12345678")
    assert "(рассчитывается)" not in text


@pytest.mark.parametrize("username", ["curator1", "curator2"])
def test_figures_are_whole_numbers_and_dates_one_style(demo_files, username):
    text = text_of(demo_files[username, "pdf"]).replace("\xa0", " ")
    assert not re.search(r"\d,00\b", text)  # «12», never «12,00»
    assert not re.search(r"\d\d\.\d\d\.\d{4}", text)  # never «01.10.2025»
    assert re.search(r"\d{1,2} [а-я]+ \d{4} г\.", text)  # «4 декабря 2026 г.»


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_file_name_is_russian_with_a_transliterated_fallback(demo_files, fmt):
    disposition = demo_files["curator1", fmt]["Content-Disposition"]
    name = unquote(re.search(r"filename\*=UTF-8''([^;]+)", disposition).group(1))
    year = demo_files["curator1", "exit_year"].replace("/", "-")
    assert name.startswith(f"Итоговый отчёт {year} Программа наставничества")
    assert "Monitoring" not in name
    fallback = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert fallback.startswith("itogovyi-otchet-")
    assert fallback.endswith(f".{fmt}")


@pytest.mark.parametrize("username", ["curator1", "curator2"])
def test_workbook_has_one_table_a_sheet_in_russian(demo_files, username):
    book = load_workbook(io.BytesIO(demo_files[username, "xlsx"].content))
    assert "Ожидания и результаты" in book.sheetnames
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        assert all(cell for cell in header), sheet.title  # no gap in the header
        assert all(re.search("[А-Яа-яЁё№%]", str(cell)) for cell in header)
        for row in rows[1:]:
            assert any(cell is not None for cell in row), sheet.title  # no gap
            assert len(row) <= len(header)
            first = row[0]
            if isinstance(first, str):
                assert not re.fullmatch(r"[a-z][a-z0-9_-]*", first), (
                    sheet.title,
                    first,
                )


# --- the rules behind it, on small data ----------------------------------------


def test_default_year_skips_a_year_with_entry_values_only(programme):
    past = SchoolYear.for_date(date.today() - timedelta(days=366))
    current = SchoolYear.for_date(date.today())
    assert default_school_year(programme) == current  # nothing anywhere
    mo.Swot.objects.create(programme=programme, school_year=past)
    pair = f.PairFactory(programme=programme)
    parameter = mo.Parameter.objects.first()
    mo.Measurement.objects.create(
        participant=pair.mentor.participant,
        pair=pair,
        parameter=parameter,
        moment=mo.Measurement.Moment.ENTRY,
        value=parameter.scale_min,
        measured_on=current.starts_on,
        school_year=current,
    )
    assert default_school_year(programme) == past
    mo.Measurement.objects.create(
        participant=pair.mentor.participant,
        pair=pair,
        parameter=parameter,
        moment=mo.Measurement.Moment.EXIT,
        value=parameter.scale_max,
        measured_on=current.starts_on,
        school_year=current,
    )
    assert default_school_year(programme) == current


def test_chart_labels_never_read_alike():
    long = "Насколько понятными, по вашим ожиданиям, будут задачи и цели работы"
    svg = charts.bar_chart(
        "Ожидания",
        [charts.Bar(long + " наставляемых", 5), charts.Bar(long + " наставников", 6)],
        table=False,
    )
    labels = re.findall(r'text-anchor="end">([^<]*)<', svg)
    first, second = labels[: len(labels) // 2], labels[len(labels) // 2 :]
    assert first != second


def test_paired_legend_shows_the_colours_the_bars_use():
    svg = charts.paired_chart(
        "Вход и выход",
        [
            charts.Pair("Активность", 4, 6),
            charts.Pair("Тревожность", 5, 7, higher_is_better=False),
        ],
        legend=("вход", "выход"),
    )
    bars = set(re.findall(r'height="13" fill="(#[0-9a-f]+)"', svg))
    legend = set(re.findall(r'width="10" height="10" fill="(#[0-9a-f]+)"', svg))
    assert bars == legend == {charts.MUTED, charts.GOOD, charts.BAD}


def test_target_values_stay_inside_the_chart():
    svg = charts.target_chart(
        "Индикаторы",
        [charts.Target("П.3 Сформировано пар", 8, None), charts.Target("П.1", 6, 70)],
    )
    for x, text in re.findall(r'<text x="([\d.]+)"[^>]*font-size="11">([^<]*)<', svg):
        assert float(x) + len(text) * charts.CHAR <= charts.WIDTH
