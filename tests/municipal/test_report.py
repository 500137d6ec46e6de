"""The municipal report (municipal/exports.py) and the indicators' pages: totals
equal the sums over the organisations, a snapshot prints as sent, who may open
what, nothing of a pupil."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from mentoring.models import SchoolYear
from municipal.indicators import (
    indicator_set_create_default,
    organisation_indicator_value_set,
)
from municipal.models import MunicipalIndicator, RollupSnapshot
from people.models import Role
from tests import factories as f
from tests.conftest import member

pytestmark = pytest.mark.django_db
TODAY = date.today()


def year():
    return SchoolYear.for_date(TODAY)


@pytest.fixture
def municipality(organisation, other_organisation):
    for org, pupils in ((organisation, 6), (other_organisation, 9)):
        programme = f.ProgrammeFactory(organisation=org)
        for _ in range(2):
            pair = f.PairFactory(programme=programme)
            f.PairMenteeFactory(
                pair=pair,
                mentee=f.MenteeFactory(
                    participant=f.ParticipantFactory(
                        organisation=org, last_name="Секретова"
                    )
                ),
            )
        f.ParticipantFactory.create_batch(pupils, organisation=org)
    indicator_set_create_default(municipality=organisation.municipality)
    return organisation.municipality


def client_for(client, user):
    client.force_login(user)
    return client


def export(client, fmt, **params):
    return client.get(reverse("export", args=["municipal-report", fmt]), params)


def test_the_xlsx_totals_are_the_sums_of_its_organisations(
    client, municipality, municipal_coordinator
):
    response = export(client_for(client, municipal_coordinator), "xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert len(body) == 2
    for index, label in enumerate(header):
        if index == 0 or "%" in str(label) or "достигнуто" in str(label):
            continue
        assert total[index] == sum(row[index] for row in body), label
    assert total[header.index("Обучающихся")] == 19  # 15 + the 4 mentees
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert "Секретова" not in str(cell.value or "")


def test_the_pdf_prints_the_totals_and_no_pupil(
    client, municipality, municipal_coordinator
):
    response = export(client_for(client, municipal_coordinator), "pdf")
    assert response.status_code == 200
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    flat = "".join(text.split())
    assert "Итого,2организации" in flat
    assert "Секретова" not in text
    assert "г." in text and "Змеиногорский район" in text


def test_a_snapshot_report_prints_the_frozen_figures(
    client, municipality, organisation, municipal_coordinator
):
    client = client_for(client, municipal_coordinator)
    reported = MunicipalIndicator.objects.get(municipality=municipality, number="М.1")
    organisation_indicator_value_set(
        organisation=organisation,
        indicator=reported,
        school_year=year(),
        value=Decimal(7),
    )
    response = client.post(reverse("municipal-indicators:submit"), {"year": year().pk})
    snapshot = RollupSnapshot.objects.get()
    assert response.url == reverse(
        "municipal-indicators:snapshot-detail", args=[snapshot.pk]
    )
    organisation_indicator_value_set(
        organisation=organisation,
        indicator=reported,
        school_year=year(),
        value=Decimal(123),
    )
    page = client.get(response.url).content.decode()
    assert ">7<" in page and ">123<" not in page
    book = load_workbook(
        io.BytesIO(export(client, "xlsx", snapshot=snapshot.pk, year=year().pk).content)
    )
    rows = list(book.worksheets[2].iter_rows(values_only=True))
    m1 = next(row for row in rows if row[0] == "М.1")
    assert m1[4] == 7
    live = load_workbook(io.BytesIO(export(client, "xlsx").content))
    m1 = next(
        row for row in live.worksheets[2].iter_rows(values_only=True) if row[0] == "М.1"
    )
    assert m1[4] == 123
    about = dict(book.worksheets[3].iter_rows(values_only=True))
    assert about["Дата"].startswith("Отправлен ")
    docx = export(client, "docx", snapshot=snapshot.pk)
    assert docx.status_code == 200


def test_who_may_open_the_report_and_the_pages(
    client, municipality, organisation, municipal_coordinator
):
    far = f.OrganisationFactory(municipality=f.MunicipalityFactory(name="Дальний"))
    stranger = f.UserFactory()
    f.MembershipFactory(
        user=stranger,
        organisation=None,
        municipality=far.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    head = member(organisation, Role.HEAD, "head")
    client_for(client, municipal_coordinator).post(
        reverse("municipal-indicators:submit"), {"year": year().pk}
    )
    snapshot = RollupSnapshot.objects.get()
    indicator = MunicipalIndicator.objects.filter(municipality=municipality).first()
    client.force_login(stranger)
    assert export(client, "xlsx", snapshot=snapshot.pk).status_code == 404
    for name, args in (
        ("municipal-indicators:snapshot-detail", [snapshot.pk]),
        ("municipal-indicators:update", [indicator.pk]),
        ("municipal-indicators:deactivate", [indicator.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    page = client.get(reverse("municipal-indicators:list")).content.decode()
    assert indicator.name not in page  # their own, empty list
    client.force_login(head)
    assert export(client, "pdf").status_code == 403
    for name in ("list", "rollup", "submit", "snapshot-list", "targets"):
        assert client.get(reverse(f"municipal-indicators:{name}")).status_code == 403
    assert client.get(reverse("municipal-indicators:values")).status_code == 200


def test_the_organisation_types_its_values(client, municipality, organisation):
    curator = member(organisation, Role.CURATOR, "curator")
    client = client_for(client, curator)
    reported = MunicipalIndicator.objects.filter(
        municipality=municipality, computed=""
    ).order_by("order")
    data = {"year": year().pk, **{f"i{i.pk}": "" for i in reported}}
    data[f"i{reported[0].pk}"] = "1,5"  # a count of people
    response = client.post(reverse("municipal-indicators:values"), data)
    assert response.status_code == 200
    assert not organisation.municipal_indicator_values.exists()
    data[f"i{reported[0].pk}"] = "4"
    data[f"i{reported[3].pk}"] = "87,5"
    response = client.post(reverse("municipal-indicators:values"), data)
    assert response.status_code == 302
    values = dict(
        organisation.municipal_indicator_values.values_list(
            "indicator__number", "value"
        )
    )
    assert values == {"М.1": 4, "М.4": Decimal("87.5")}


def test_the_coordinator_pages_and_their_queries(
    client, municipality, municipal_coordinator, django_assert_max_num_queries
):
    client = client_for(client, municipal_coordinator)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("municipal-indicators:rollup"))
    text = page.content.decode()
    assert "П.1" in text and "Секретова" not in text
    assert "пересчитываются по числителям" in text
    for name in ("list", "targets", "snapshot-list", "create", "submit"):
        assert client.get(reverse(f"municipal-indicators:{name}")).status_code == 200


def test_an_empty_municipality_starts_from_the_default_list(client, organisation):
    coordinator = f.UserFactory()
    f.MembershipFactory(
        user=coordinator,
        organisation=None,
        municipality=organisation.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    client = client_for(client, coordinator)
    page = client.get(reverse("municipal-indicators:list")).content.decode()
    assert "Создать перечень по умолчанию" in page
    client.post(reverse("municipal-indicators:create-default"))
    assert (
        MunicipalIndicator.objects.filter(
            municipality=organisation.municipality
        ).count()
        == 12
    )
