"""The roadmap as a document ready to sign, in PDF and Word: each stage's «Задача»
and «Результат», deadlines as the programme states them, «№» and «г.» kept with
their neighbours, and a college's own roadmap."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from mentoring.exports import deadline_text
from mentoring.models import Organisation, RoadmapItem
from mentoring.roadmap_services import (
    STAGE_GOALS,
    roadmap_from_template,
    roadmap_template_for,
)
from people.models import Role
from tests import factories as f
from tests.conftest import member
from tests.pairs.test_print import pdf_text


def url(fmt, programme):
    base = reverse("export", kwargs={"identifier": "roadmap", "fmt": fmt})
    return f"{base}?programme={programme.pk}"


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = []
            for cell in row.cells:  # a merged cell is listed once per column
                if cell._tc not in seen:
                    seen.append(cell._tc)
                    parts.append(cell.text)
    return "\n".join(parts)


def text_of(response, fmt) -> str:
    assert response.status_code == 200
    if fmt == "pdf":
        return pdf_text(response.content)
    return " ".join(docx_text(response.content).split())


@pytest.fixture(autouse=True)
def templates(db):
    call_command("loaddata", "roadmap_templates", verbosity=0)


@pytest.fixture
def school_programme(organisation):
    return f.ProgrammeFactory(
        organisation=organisation,
        title="Программа наставничества МБОУ «СОШ № 1» на 2023–2025 годы",
        starts_on=date(2023, 10, 1),
        ends_on=date(2025, 12, 31),
    )


@pytest.fixture
def school_roadmap(school_programme, curator):
    return roadmap_from_template(programme=school_programme, by=curator)


@pytest.fixture
def college(db):
    return f.OrganisationFactory(
        short_name="КГБПОУ «Политехнический колледж»",
        name="Краевое государственное бюджетное профессиональное образовательное "
        "учреждение «Политехнический колледж»",
        kind=Organisation.Kind.COLLEGE,
    )


@pytest.fixture
def college_curator(college):
    return member(college, Role.CURATOR, "college-curator")


@pytest.fixture
def college_programme(college, college_curator):
    programme = f.ProgrammeFactory(
        organisation=college, starts_on=date(2025, 9, 1), ends_on=date(2027, 8, 31)
    )
    programme.curators.add(college_curator)
    return programme


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_each_stage_shows_its_task_and_result(
    client, curator, school_programme, school_roadmap, fmt
):
    client.force_login(curator)
    text = text_of(client.get(url(fmt, school_programme)), fmt)
    squeezed = "".join(text.split())
    for task, result in STAGE_GOALS.values():
        assert "".join(task.split()) in squeezed
        assert "".join(result.split()) in squeezed
    assert squeezed.count("Задача:") == 7
    assert squeezed.count("Результат:") == 7


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_deadlines_as_the_programme_states_them(
    client, curator, school_programme, school_roadmap, fmt
):
    item = RoadmapItem.objects.get(programme=school_programme, number="6.4")
    item.due_text = "в течение года"
    item.save()
    client.force_login(curator)
    text = text_of(client.get(url(fmt, school_programme)), fmt)
    squeezed = "".join(text.split())
    # a whole month as the month (seed 002: «Октябрь 2023»)
    assert "Октябрь2023г." in squeezed
    # several months as a span of months («Февраль-май 2025»)
    assert "Февраль–май2025г." in squeezed
    # words entered stay the words
    assert "втечениегода" in squeezed
    assert "1октября2023г.—31октября2023г." not in squeezed


def test_deadline_text_rules(school_programme):
    item = RoadmapItem(due_from=date(2025, 11, 1), due_to=date(2026, 1, 31))
    assert deadline_text(item) == "Ноябрь 2025\u00a0г.\u00a0– январь 2026\u00a0г."
    item = RoadmapItem(due_from=date(2025, 11, 3), due_to=date(2025, 11, 20))
    assert deadline_text(item) == "3 ноября 2025\u00a0г.\u00a0– 20 ноября 2025\u00a0г."
    item = RoadmapItem(due_to=date(2025, 12, 4))
    assert deadline_text(item) == "4 декабря 2025\u00a0г."
    item = RoadmapItem(due_text="Сентябрь, ежегодно", due_to=date(2025, 9, 30))
    assert deadline_text(item) == "Сентябрь, ежегодно"


def test_docx_keeps_the_sign_and_the_year_with_their_neighbours(
    client, curator, school_programme, school_roadmap
):
    client.force_login(curator)
    response = client.get(url("docx", school_programme))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = docx_text(response.content)
    assert "протокол №\u00a0______" in text
    assert "20__\u00a0г." in text
    assert "СОШ №\u00a01" in text  # the organisation and the programme title
    assert "2023\u00a0г." in text
    assert "№ 1" not in text and " г." not in text.replace("\u00a0г.", "")
    assert "{{" not in text and "{%" not in text


def test_a_college_gets_its_own_roadmap(
    client, college_curator, college_programme, curator, school_programme
):
    assert roadmap_template_for(college_programme.organisation).code == (
        "college-action-plan"
    )
    assert roadmap_template_for(school_programme.organisation).code == (
        "sosnovka-2023-2025"
    )
    items = roadmap_from_template(programme=college_programme, by=college_curator)
    assert len(items) == 15
    client.force_login(college_curator)
    for fmt in ("pdf", "docx"):
        text = text_of(client.get(url(fmt, college_programme)), fmt)
        squeezed = "".join(text.split())
        assert "Директоршколы" not in squeezed
        assert "Кураторынаставничества" in squeezed
        assert "Сентябрь" in text and "Ежегодно" in text  # «Сентябрь Ежегодно»
        assert "Втечениегода" in squeezed
    # the school's roadmap is the school's
    roadmap_from_template(programme=school_programme, by=curator)
    assert school_programme.roadmap_items.filter(
        responsible_text="Директор школы"
    ).exists()


def test_the_order_row_of_a_college_is_its_pairs_row(
    college_programme, college_curator
):
    from mentoring.roadmap_services import order_item, roadmap_order_approved

    roadmap_from_template(programme=college_programme, by=college_curator)
    assert order_item(college_programme).number == "1.5"
    item = roadmap_order_approved(
        programme=college_programme,
        number="148-од",
        order_date=date(2025, 11, 20),
        by=college_curator,
    )
    assert (item.status, item.done_on) == (RoadmapItem.Status.DONE, date(2025, 11, 20))


def test_the_roadmap_docx_is_refused_to_another_organisation(
    client, outsider, school_programme, school_roadmap
):
    client.force_login(outsider)
    assert client.get(url("docx", school_programme)).status_code == 404
