"""Pages of the implementation checklist: who sees what, ticking with evidence,
the coordinator's matrix, deadlines and review, and the evidence download."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.models import Organisation
from municipal.checklist import checklist_entry_review, checklist_entry_submit
from municipal.models import ChecklistDeadline, ChecklistEntry, ChecklistItem
from people.models import Role
from tests import factories as f
from tests.conftest import member

pytestmark = pytest.mark.django_db

ADOPTED = ChecklistItem.REGULATION_ADOPTED
PUBLISHED = ChecklistItem.REGULATION_PUBLISHED
PDF = b"%PDF-1.4 positive"


def coordinator_of(municipality, username):
    user = f.UserFactory(username=username)
    f.MembershipFactory(
        user=user,
        organisation=None,
        municipality=municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    return user


@pytest.fixture
def coordinator(organisation):
    return coordinator_of(organisation.municipality, "coord")


@pytest.fixture
def far(db):
    """A school of another municipality, with its curator and coordinator."""
    school = f.OrganisationFactory(
        short_name="МБОУ «Дальняя СОШ»",
        municipality=f.MunicipalityFactory(name="Другой район"),
    )
    return {
        "school": school,
        "curator": member(school, Role.CURATOR, "farcurator"),
        "coordinator": coordinator_of(school.municipality, "farcoord"),
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def entry(organisation, curator, media):
    return checklist_entry_submit(
        organisation=organisation,
        item=ADOPTED,
        done_on=date(2022, 7, 28),
        document="приказ № 45 от 28.07.2022 «Секретный»",
        evidence_file=SimpleUploadedFile("положение.pdf", PDF),
        by=curator,
    )


# --- the organisation's checklist -----------------------------------------------------


def test_curator_sees_the_six_items_of_their_organisation(
    client, curator, entry, organisation
):
    ChecklistDeadline.objects.create(
        municipality=organisation.municipality,
        item=PUBLISHED,
        due_on=date(2022, 8, 6),
    )
    client.force_login(curator)
    response = client.get(reverse("checklist:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Чек-лист внедрения" in page
    for label in ChecklistItem.labels:
        assert str(label) in page
    assert "Принято положение о наставничестве" in page
    assert "«Секретный»" in page
    assert "ожидает проверки" in page
    # the publication's deadline has passed and nothing is there: overdue
    assert 'id="item-regulation_published" class="table-danger"' in page
    assert "6 августа 2022" in page
    # the file only through the checked view
    assert reverse("checklist:evidence", args=[entry.pk]) in page
    assert "/media/" not in page


def test_another_school_sees_nothing_of_ours(client, outsider, far, entry):
    for user in (outsider, far["curator"]):
        client.force_login(user)
        page = client.get(reverse("checklist:mine")).content.decode()
        assert "«Секретный»" not in page
        assert "не отмечено" in page


@pytest.mark.parametrize("name", ["checklist:matrix", "checklist:deadlines"])
def test_curator_has_no_coordinator_pages(client, curator, name):
    client.force_login(curator)
    assert client.get(reverse(name)).status_code == 403


def test_curator_cannot_review(client, curator, entry):
    client.force_login(curator)
    url = reverse("checklist:review", args=[entry.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "accept"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.SUBMITTED


def test_mentor_and_coordinator_have_no_organisation_checklist(
    client, mentor, coordinator
):
    for user in (mentor, coordinator):
        client.force_login(user)
        assert client.get(reverse("checklist:mine")).status_code == 403
        url = reverse("checklist:submit", args=[ADOPTED])
        assert client.post(url, {"done_on": "2022-07-28"}).status_code == 403
    assert not ChecklistEntry.objects.exists()


def test_index_sends_each_to_their_page(client, curator, coordinator, mentor):
    client.force_login(curator)
    assert client.get(reverse("checklist:index")).url == reverse("checklist:mine")
    client.force_login(coordinator)
    assert client.get(reverse("checklist:index")).url == reverse("checklist:matrix")
    client.force_login(mentor)
    assert client.get(reverse("checklist:index")).status_code == 403


# --- ticking --------------------------------------------------------------------------


def test_tick_with_a_file(client, curator, organisation, media):
    client.force_login(curator)
    url = reverse("checklist:submit", args=[ChecklistItem.COUNCIL_CREATED])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "done_on": "2022-08-30",
            "evidence_file": SimpleUploadedFile("приказ о МО.pdf", PDF),
        },
        follow=True,
    )
    assert "Пункт отмечен и отправлен координатору на проверку." in (
        response.content.decode()
    )
    entry = ChecklistEntry.objects.get()
    assert entry.organisation == organisation and entry.submitted_by == curator
    assert entry.status == ChecklistEntry.Status.SUBMITTED
    assert entry.evidence_file.read() == PDF


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.exe", b"MZ"), "Приложите файл PDF"),
        (
            SimpleUploadedFile("big.pdf", b"0" * (5 * 1024 * 1024 + 1)),
            "больше 5 МБ",
        ),
    ],
)
def test_a_wrong_file_is_refused(client, curator, media, upload, message):
    client.force_login(curator)
    response = client.post(
        reverse("checklist:submit", args=[ADOPTED]),
        {"done_on": "2022-07-28", "document": "приказ", "evidence_file": upload},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ChecklistEntry.objects.exists()
    assert not any(media.rglob("*.*"))


def test_publication_without_a_link_is_refused(client, curator):
    client.force_login(curator)
    response = client.post(
        reverse("checklist:submit", args=[PUBLISHED]),
        {"done_on": "2022-08-05", "document": "положение"},
    )
    assert response.status_code == 200
    assert "Укажите ссылку на положение на сайте организации." in (
        response.content.decode()
    )
    assert not ChecklistEntry.objects.exists()


def test_unknown_item_is_404(client, curator):
    client.force_login(curator)
    assert client.get(reverse("checklist:submit", args=["nonsense"])).status_code == 404


def test_returned_entry_shows_the_comment_and_goes_back_to_review(
    client, curator, coordinator, entry
):
    checklist_entry_review(
        entry=entry, accept=False, comment="Нет подписи директора", by=coordinator
    )
    client.force_login(curator)
    url = reverse("checklist:submit", args=[ADOPTED])
    page = client.get(url).content.decode()
    assert "Нет подписи директора" in page
    assert "возвращено на доработку" in page
    client.post(url, {"done_on": "2022-07-29", "document": "приказ № 46"})
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.SUBMITTED
    assert entry.document == "приказ № 46"
    assert entry.evidence_file  # kept


def test_form_is_prefilled_from_the_programme(client, curator, programme):
    programme.approval_order_number = "45-од"
    programme.approval_order_date = date(2025, 8, 29)
    programme.save()
    client.force_login(curator)
    page = client.get(
        reverse("checklist:submit", args=[ChecklistItem.PROGRAMME_APPROVED])
    ).content.decode()
    assert 'value="приказ № 45-од от 29.08.2025"' in page
    assert 'value="2025-08-29"' in page
    assert not ChecklistEntry.objects.exists()


# --- the coordinator ------------------------------------------------------------------


def test_matrix_shows_our_organisations_only(
    client, coordinator, organisation, entry, far, django_assert_max_num_queries
):
    kindergarten = f.OrganisationFactory(
        short_name="МБДОУ «Детский сад № 3»",
        municipality=organisation.municipality,
        kind=Organisation.Kind.KINDERGARTEN,
    )
    for number in range(10):
        f.OrganisationFactory(
            short_name=f"МБОУ «ООШ № {number}»",
            municipality=organisation.municipality,
        )
    client.force_login(coordinator)
    url = reverse("checklist:matrix")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert organisation.short_name in page
    assert kindergarten.short_name in page
    assert far["school"].short_name not in page
    assert reverse("checklist:review", args=[entry.pk]) in page

    def shown(**query):
        response = client.get(url, query)
        return {row.organisation for row in response.context["rows"]}

    assert shown(kind="kindergarten") == {kindergarten}
    assert shown(show="awaiting") == {organisation}
    assert shown(show="overdue") == set()
    assert "Ни одна организация не подходит под фильтры" in (
        client.get(url, {"show": "overdue"}).content.decode()
    )
    assert shown(q="Детский") == {kindergarten}
    assert len(shown()) == 12
    assert client.get(url, {"sort": "-overdue", "page": "2"}).status_code == 200
    assert client.get(url, {"sort": "nonsense"}).status_code == 200


def test_matrix_marks_overdue(client, coordinator, organisation):
    ChecklistDeadline.objects.create(
        municipality=organisation.municipality, item=ADOPTED, due_on=date(2022, 8, 1)
    )
    client.force_login(coordinator)
    page = client.get(reverse("checklist:matrix"), {"show": "overdue"}).content
    page = page.decode()
    assert organisation.short_name in page
    assert "table-danger" in page and "просрочено" in page


def test_deadlines_form(client, coordinator, organisation):
    ChecklistDeadline.objects.create(
        municipality=organisation.municipality, item=ADOPTED, due_on=date(2022, 7, 1)
    )
    client.force_login(coordinator)
    url = reverse("checklist:deadlines")
    assert 'value="2022-07-01"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"regulation_adopted": "2022-08-01", "regulation_published": "2022-08-06"},
        follow=True,
    )
    assert "Сроки сохранены." in response.content.decode()
    assert dict(ChecklistDeadline.objects.values_list("item", "due_on")) == {
        ADOPTED: date(2022, 8, 1),
        PUBLISHED: date(2022, 8, 6),
    }
    # an empty date removes the deadline
    client.post(url, {"regulation_published": "2022-08-06"})
    assert list(ChecklistDeadline.objects.values_list("item", flat=True)) == [PUBLISHED]


def test_review_accept_and_return(client, coordinator, entry):
    client.force_login(coordinator)
    url = reverse("checklist:review", args=[entry.pk])
    page = client.get(url).content.decode()
    assert "«Секретный»" in page
    assert reverse("checklist:evidence", args=[entry.pk]) in page
    # returning without a comment changes nothing
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "Напишите, что исправить" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.SUBMITTED
    response = client.post(url, {"decision": "accept"}, follow=True)
    assert "Отметка принята." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.ACCEPTED
    assert entry.reviewed_by == coordinator
    response = client.post(
        url, {"decision": "return", "comment": "Не тот приказ"}, follow=True
    )
    assert "Отметка возвращена организации на доработку." in (response.content.decode())
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.RETURNED
    assert entry.review_comment == "Не тот приказ"


def test_another_municipalitys_coordinator_gets_404(client, far, entry):
    client.force_login(far["coordinator"])
    for name in ("checklist:review", "checklist:evidence"):
        assert client.get(reverse(name, args=[entry.pk])).status_code == 404
    response = client.post(
        reverse("checklist:review", args=[entry.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == ChecklistEntry.Status.SUBMITTED
    # their matrix shows their own municipality only
    page = client.get(reverse("checklist:matrix")).content.decode()
    assert far["school"].short_name in page
    assert entry.organisation.short_name not in page


# --- the evidence file ----------------------------------------------------------------


def test_evidence_download(
    client, entry, organisation, head, curator, coordinator, mentor, outsider, far
):
    url = reverse("checklist:evidence", args=[entry.pk])
    deputy = member(organisation, Role.DEPUTY, "deputy")
    for user in (head, deputy, curator, coordinator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]
    for user, status in [
        (outsider, 404),
        (far["curator"], 404),
        (far["coordinator"], 404),
        (mentor, 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302


def test_no_file_is_404(client, curator, organisation):
    entry = checklist_entry_submit(
        organisation=organisation,
        item=ADOPTED,
        done_on=date(2022, 7, 28),
        document="приказ",
        by=curator,
    )
    client.force_login(curator)
    response = client.get(reverse("checklist:evidence", args=[entry.pk]))
    assert response.status_code == 404
