"""The request map: counts per cell, totals, links to the mentee base, the page."""

from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from mentoring import models as m
from people.models import MenteeRequest
from people.request_map import NONE, build_request_map
from tests import factories as f


def form(code):
    return f.catalogue(m.MentoringForm, code)


def area(code):
    return f.catalogue(m.RequestArea, code)


def category(code):
    return f.catalogue(m.MenteeCategory, code)


def mentee_with(organisation, programme, categories, requests):
    mentee = f.MenteeFactory(
        participant__organisation=organisation, programme=programme
    )
    mentee.categories.set([category(code) for code in categories])
    for area_code, form_code, status in requests:
        MenteeRequest.objects.create(
            mentee=mentee,
            area=area(area_code),
            form=form(form_code) if form_code else None,
            status=status,
            text=f"{area_code} {form_code} {status}",
        )
    return mentee


@pytest.fixture
def requests(organisation, other_organisation, programme):
    """The programme runs pupil-pupil, teacher-teacher and teacher-pupil."""
    teachers = f.ProgrammeFactory(
        organisation=organisation,
        title="Система наставничества педагогов",
        forms=["teacher-teacher"],
    )
    mentee_with(
        organisation,
        programme,
        ["gifted", "low-results"],
        [
            ("study", "teacher-pupil", "open"),
            ("study", "teacher-pupil", "covered"),
            ("study", "teacher-pupil", "closed"),
            ("study", None, "open"),
            ("career", "employer-pupil", "open"),
        ],
    )
    mentee_with(
        organisation, programme, ["gifted"], [("olympiad", "pupil-pupil", "open")]
    )
    mentee_with(organisation, programme, [], [("study", "teacher-pupil", "open")])
    mentee_with(
        organisation, teachers, [], [("methodology", "teacher-teacher", "open")]
    )
    mentee_with(
        other_organisation, None, ["gifted"], [("study", "teacher-pupil", "open")]
    )
    return {"teachers": teachers}


def by_key(request_map):
    """{(row key, column key): (uncovered, covered)} of the non-empty cells."""
    result = {}
    for row in request_map.rows:
        for column, cell in zip(request_map.columns, row.cells, strict=True):
            if cell.total:
                result[(row.key, column.key)] = (cell.uncovered, cell.covered)
    return result


def column_totals(request_map):
    return {
        column.key: (cell.uncovered, cell.covered)
        for column, cell in zip(
            request_map.columns, request_map.column_totals, strict=True
        )
    }


def key(obj):
    return str(obj.pk)


def test_counts_by_area(organisation, requests):
    request_map = build_request_map(organisation, by="area")
    tp, pp, tt, ep = (
        key(form(code))
        for code in (
            "teacher-pupil",
            "pupil-pupil",
            "teacher-teacher",
            "employer-pupil",
        )
    )
    study, career = key(area("study")), key(area("career"))
    assert by_key(request_map) == {
        (study, tp): (2, 1),  # closed requests and other organisations do not count
        (study, NONE): (1, 0),
        (career, ep): (1, 0),
        (key(area("olympiad")), pp): (1, 0),
        (key(area("methodology")), tt): (1, 0),
    }
    rows = {row.key: row for row in request_map.rows}
    assert (rows[study].total.uncovered, rows[study].total.covered) == (3, 1)
    assert key(area("sport")) not in rows  # only rows with requests
    assert (request_map.total.uncovered, request_map.total.covered) == (6, 1)
    assert column_totals(request_map)[tp] == (2, 1)


def test_columns_are_the_programme_forms_plus_used_ones_and_no_form(
    organisation, requests
):
    request_map = build_request_map(organisation)
    codes = {column.key for column in request_map.columns}
    expected = {
        key(form(code))
        for code in (
            "pupil-pupil",
            "teacher-teacher",
            "teacher-pupil",
            "employer-pupil",
        )
    }
    assert codes == expected | {NONE}
    assert request_map.columns[-1].key == NONE
    assert [c.label for c in request_map.columns[:-1]] == [
        f.catalogue(m.MentoringForm, c).name
        for c in ("pupil-pupil", "teacher-teacher", "teacher-pupil", "employer-pupil")
    ]


def test_without_programmes_every_active_form_is_a_column(other_organisation):
    request_map = build_request_map(other_organisation)
    assert (
        len(request_map.columns) == m.MentoringForm.objects.active_count() + 1
        if (hasattr(m.MentoringForm.objects, "active_count"))
        else m.MentoringForm.objects.filter(is_active=True).count() + 1
    )
    assert request_map.is_empty


def test_counts_by_category_and_distinct_totals(organisation, requests):
    request_map = build_request_map(organisation, by="category")
    tp = key(form("teacher-pupil"))
    gifted, low = key(category("gifted")), key(category("low-results"))
    cells = by_key(request_map)
    assert cells[(gifted, tp)] == (1, 1)
    assert cells[(low, tp)] == (1, 1)
    assert cells[(NONE, tp)] == (1, 0)  # a mentee without a category
    assert cells[(NONE, key(form("teacher-teacher")))] == (1, 0)
    rows = {row.key: row for row in request_map.rows}
    assert rows[gifted].total.uncovered == 4
    assert rows[low].total.uncovered == 3
    # a request counts in each category of its mentee, but once in the totals
    assert column_totals(request_map)[tp] == (2, 1)
    assert (request_map.total.uncovered, request_map.total.covered) == (6, 1)
    assert request_map.rows[-1].key == NONE


def test_programme_filter(organisation, programme, requests):
    request_map = build_request_map(organisation, programme=programme)
    assert key(area("methodology")) not in {row.key for row in request_map.rows}
    assert request_map.total.uncovered == 5
    teachers = build_request_map(organisation, programme=requests["teachers"])
    assert teachers.total.uncovered == 1
    assert {column.key for column in teachers.columns} == {
        key(form("teacher-teacher")),
        NONE,
    }


def test_cell_links_filter_the_mentee_base(organisation, programme, requests):
    request_map = build_request_map(organisation, programme=programme)
    study = next(row for row in request_map.rows if row.key == key(area("study")))
    columns = [column.key for column in request_map.columns]
    tp = study.cells[columns.index(key(form("teacher-pupil")))]
    assert parse_qs(tp.uncovered_query) == {
        "area": [key(area("study"))],
        "request_form": [key(form("teacher-pupil"))],
        "request_status": ["open"],
        "programme": [str(programme.pk)],
    }
    assert parse_qs(tp.covered_query)["request_status"] == ["covered"]
    no_form = study.cells[columns.index(NONE)]
    assert parse_qs(no_form.uncovered_query)["request_form"] == ["none"]
    assert parse_qs(study.total.uncovered_query) == {
        "area": [key(area("study"))],
        "request_status": ["open"],
        "programme": [str(programme.pk)],
    }
    assert parse_qs(request_map.total.uncovered_query) == {
        "request_status": ["open"],
        "programme": [str(programme.pk)],
    }


def test_category_links_and_the_row_without_category(organisation, requests):
    request_map = build_request_map(organisation, by="category")
    gifted = next(r for r in request_map.rows if r.key == key(category("gifted")))
    assert parse_qs(gifted.total.uncovered_query)["category"] == [
        key(category("gifted"))
    ]
    no_category = request_map.rows[-1]
    assert all(cell.uncovered_query == "" for cell in no_category.cells)


def test_shading_follows_the_largest_uncovered_cell(organisation, requests):
    request_map = build_request_map(organisation)
    levels = {
        (row.key, column.key): cell.level
        for row in request_map.rows
        for column, cell in zip(request_map.columns, row.cells, strict=True)
    }
    tp = key(form("teacher-pupil"))
    assert levels[(key(area("study")), tp)] == 4
    assert levels[(key(area("study")), NONE)] == 2
    assert levels[(key(area("olympiad")), tp)] == 0


def test_counting_takes_a_constant_number_of_queries(
    organisation, programme, requests, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        small = build_request_map(organisation, by="category")
    for _ in range(10):
        mentee_with(
            organisation,
            programme,
            ["passive", "newcomer"],
            [("sport", "pupil-pupil", "open"), ("creativity", None, "covered")],
        )
    with django_assert_max_num_queries(4):
        large = build_request_map(organisation, by="category")
    assert large.total.uncovered == small.total.uncovered + 10


# --- the page ------------------------------------------------------------------------


def test_request_map_page(client, curator, requests):
    client.force_login(curator)
    response = client.get(reverse("matching:request-map"))
    assert response.status_code == 200
    request_map = response.context["request_map"]
    assert request_map.by == "area"
    body = response.content.decode()
    mentee_list = reverse("people:mentee-list")
    first = request_map.rows[0].cells
    link = next(c.uncovered_query for c in first if c.uncovered)
    assert f'href="{mentee_list}?{link.replace("&", "&amp;")}"' in body
    export = reverse("export", kwargs={"identifier": "request-map", "fmt": "xlsx"})
    assert export in body


def test_request_map_page_by_category_and_programme(
    client, curator, programme, requests, other_organisation
):
    foreign = f.ProgrammeFactory(organisation=other_organisation)
    client.force_login(curator)
    response = client.get(
        reverse("matching:request-map"), {"by": "category", "programme": programme.pk}
    )
    assert response.context["request_map"].by == "category"
    assert response.context["selected_programme"] == programme
    response = client.get(
        reverse("matching:request-map"), {"by": "junk", "programme": foreign.pk}
    )
    assert response.context["request_map"].by == "area"
    assert response.context["selected_programme"] is None


def test_request_map_empty_state(client, curator):
    client.force_login(curator)
    response = client.get(reverse("matching:request-map"))
    assert response.status_code == 200
    assert response.context["request_map"].is_empty
    assert "empty-state" in response.content.decode()


def test_request_map_access(client, head, mentor, mentee, outsider, requests):
    url = reverse("matching:request-map")
    client.force_login(head)
    assert client.get(url).status_code == 200
    for refused in (mentor, mentee):
        client.force_login(refused)
        assert client.get(url).status_code == 403
    # a curator of another organisation sees the map of their own organisation only
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["request_map"].total.uncovered == 1


@pytest.mark.parametrize("size", [1, 10])
def test_request_map_page_query_budget(
    client, curator, organisation, programme, size, django_assert_max_num_queries
):
    for _ in range(size):
        mentee_with(
            organisation,
            programme,
            ["gifted"],
            [("study", "teacher-pupil", "open"), ("sport", None, "covered")],
        )
    client.force_login(curator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("matching:request-map"), {"by": "category"})
    assert response.context["request_map"].total.uncovered == size
