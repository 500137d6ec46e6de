"""Official documents of pairs and the programme, and the documents page."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pairs.models import Pair
from people.models import Role
from tests import factories as f
from tests.pairs.test_print import pdf_text, squeezed


def export_url(identifier, fmt="pdf", **params):
    url = reverse("export", kwargs={"identifier": identifier, "fmt": fmt})
    query = "&".join(
        f"{key}={value}"
        for key, values in params.items()
        for value in (values if isinstance(values, list) else [values])
    )
    return f"{url}?{query}" if query else url


@pytest.fixture
def pairs(programme, pair):
    """Three pairs of our school; the second and third await an order."""
    pair.order_number, pair.order_date = "12-од", date(2026, 9, 1)
    pair.status = Pair.Status.ACTIVE
    pair.save()
    others = []
    for _number in range(2):
        other = f.PairFactory(programme=programme, status=Pair.Status.FORMED)
        f.PairMenteeFactory(pair=other)
        others.append(other)
    return [pair, *others]


@pytest.fixture
def foreign_pair(other_organisation):
    pair = f.PairFactory(programme=f.ProgrammeFactory(organisation=other_organisation))
    f.PairMenteeFactory(pair=pair)
    return pair


def mentor_name(pair):
    return squeezed(pair.mentor.participant.full_name)


# --- The order -----------------------------------------------------------------------


def test_order_of_selected_pairs(client, curator, organisation, pairs, foreign_pair):
    client.force_login(curator)
    selected = pairs[1:]
    response = client.get(
        export_url("pairs-order", pair=[p.pk for p in selected] + [foreign_pair.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert [p.pk for p in response.context["pairs"]] == sorted(
        [p.pk for p in selected],
        key=lambda pk: Pair.objects.get(pk=pk).mentor.participant.search_text,
    )
    text = squeezed(pdf_text(response.content))
    assert "ПРИКАЗ" in text
    assert "ПРИКАЗЫВАЮ" in text
    assert "Р-145" in text
    assert squeezed(organisation.name) in text
    assert "УТВЕРЖДАЮ" not in text
    assert squeezed("Приложение к приказу") in text
    assert squeezed("С приказом ознакомлены") in text
    for pair in selected:
        # in the appendix and on the familiarisation sheet
        assert text.count(mentor_name(pair)) == 2
    assert mentor_name(pairs[0]) not in text
    assert mentor_name(foreign_pair) not in text
    # the selected pairs share no order: the number and date are left blank
    assert "№________" in text


def test_order_prints_the_shared_order_number(client, curator, pairs):
    client.force_login(curator)
    response = client.get(export_url("pairs-order", pair=pairs[0].pk))
    text = pdf_text(response.content)
    assert "№ 12-од" in text
    assert "1 сентября 2026 г." in text  # «1 сентября», never «01»


def test_order_takes_the_pair_list_checkboxes(client, curator, pairs):
    """The pair list's form names its checkboxes `pairs`."""
    client.force_login(curator)
    response = client.get(
        export_url("pairs-order", pairs=pairs[1].pk, order_number="", next="/pairs/")
    )
    assert [p.pk for p in response.context["pairs"]] == [pairs[1].pk]


def test_order_without_pairs_uses_the_list_filters(client, head, pairs):
    client.force_login(head)
    response = client.get(export_url("pairs-order", order="no"))
    assert response.status_code == 200
    assert {p.pk for p in response.context["pairs"]} == {p.pk for p in pairs[1:]}


def test_order_of_a_foreign_pair_only_is_empty(client, curator, pairs, foreign_pair):
    client.force_login(curator)
    response = client.get(export_url("pairs-order", pair=foreign_pair.pk))
    assert response.status_code == 200
    assert response.context["pairs"] == []
    assert mentor_name(foreign_pair) not in squeezed(pdf_text(response.content))


def test_order_refused_to_a_mentor_and_another_head(
    client, mentor, mentee, other_organisation, pairs
):
    stranger = f.UserFactory(username="other-head")
    f.MembershipFactory(user=stranger, organisation=other_organisation, role=Role.HEAD)
    url = export_url("pairs-order", pair=[p.pk for p in pairs])
    for person in (mentor, mentee):
        client.force_login(person)
        assert client.get(url).status_code == 403
    # a head of another school gets a document of their own school only
    client.force_login(stranger)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["pairs"] == []
    text = squeezed(pdf_text(response.content))
    for pair in pairs:
        assert mentor_name(pair) not in text


# --- The list of pairs and the programme --------------------------------------------


def test_list_of_pairs_pdf(client, curator, organisation, pairs, foreign_pair):
    client.force_login(curator)
    response = client.get(export_url("pairs-list"))
    assert response.status_code == 200
    text = squeezed(pdf_text(response.content))
    assert squeezed("Список наставнических пар") in text
    assert squeezed(organisation.name) in text
    assert "УТВЕРЖДАЮ" in text
    assert squeezed(pairs[0].form.name) in text
    for pair in pairs:
        assert mentor_name(pair) in text
    assert mentor_name(foreign_pair) not in text
    assert len(response.context["pairs"]) == 3


def test_programme_summary_pdf(client, head, curator, programme, pairs, foreign_pair):
    programme.goal = "Раскрытие потенциала каждого обучающегося"
    programme.approval_order_number = "45"
    programme.approval_order_date = date(2025, 8, 29)
    programme.save()
    client.force_login(head)
    response = client.get(export_url("programme-summary", programme=programme.pk))
    assert response.status_code == 200
    text = squeezed(pdf_text(response.content))
    assert squeezed(programme.title) in text
    assert squeezed(programme.goal) in text
    assert "УТВЕРЖДАЮ" in text
    assert squeezed("Рассмотрено") in text or "РАССМОТРЕНО" in text
    assert squeezed("педагогического совета") in text
    assert squeezed("№ 45 от 29 августа 2025 г.") in text
    assert squeezed(curator.get_full_name()) in text
    assert response.context["pairs_total"] == 3
    assert response.context["mentees_total"] == 3
    assert response.context["mentors_total"] == 3
    counts = [count for _label, count in response.context["statuses"]]
    assert counts == [2, 1, 0, 0]  # formed, active, completed, terminated
    # Headers over many pairs speak in the plural (issue 15).
    for status in ("сформированы", "активны", "завершены", "прекращены"):
        assert squeezed(f"из них: {status}") in text


def test_programme_summary_of_another_school_refused(
    client, outsider, programme, pairs
):
    client.force_login(outsider)
    url = export_url("programme-summary", programme=programme.pk)
    assert client.get(url).status_code == 403


# --- The documents page --------------------------------------------------------------


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_documents_page_for_managers(
    client, request, persona, programme, pairs, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("documents:list"))
    assert response.status_code == 200
    assert response.context["programme"] == programme
    content = response.content.decode()
    assert export_url("programme-summary", programme=programme.pk) in content
    order_url = export_url("pairs-order", programme=programme.pk, order="no").replace(
        "&", "&amp;"
    )
    assert order_url in content
    assert export_url("pairs", "xlsx", programme=programme.pk) in content
    assert export_url("mentee-base", "xlsx") in content
    assert export_url("mentor-base", "xlsx") in content


def test_documents_page_passes_the_form_on(client, curator, programme, pairs):
    client.force_login(curator)
    form = pairs[0].form
    response = client.get(
        reverse("documents:list"), {"programme": programme.pk, "form": form.pk}
    )
    assert response.context["selected_form"] == form
    content = response.content.decode()
    assert f"pairs-list.pdf?programme={programme.pk}&amp;form={form.pk}" in content


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_documents_page_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("documents:list")).status_code == 403


def test_documents_page_of_an_outsider_shows_their_school(
    client, outsider, programme, other_organisation
):
    theirs = f.ProgrammeFactory(organisation=other_organisation, title="Их программа")
    client.force_login(outsider)
    response = client.get(reverse("documents:list"), {"programme": programme.pk})
    assert response.status_code == 200
    assert response.context["programmes"] == [theirs]
    assert response.context["programme"] is None
    assert programme.title not in response.content.decode()


# --- Admin actions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "content_type"),
    [("export_pairs_order_pdf", "application/pdf"), ("export_pairs_xlsx", "sheet")],
)
def test_admin_actions(client, superuser, pairs, action, content_type):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pairs_pair_changelist"),
        {"action": action, "_selected_action": [p.pk for p in pairs[:2]]},
    )
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    if content_type == "sheet":
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet.max_row == 3
    else:
        text = squeezed(pdf_text(response.content))
        assert "ПРИКАЗЫВАЮ" in text
        for pair in pairs[:2]:
            assert mentor_name(pair) in text
        assert mentor_name(pairs[2]) not in text
