"""The order fixing pairs in PDF and Word, its life (approve, reprint, the signed
scan), and the fixes of the plan, the journal and the confidential card."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from mentoring.models import MentoringForm, RoadmapItem, RoleVariant
from mentoring.roadmap_services import roadmap_from_template
from pairs.models import Pair, PairOrder, Plan, PlanItem
from people.models import Role
from tests import factories as f
from tests.conftest import member
from tests.pairs.test_print import pdf_text

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def export_url(identifier, fmt="pdf", **params):
    url = reverse("export", kwargs={"identifier": identifier, "fmt": fmt})
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def docx_text(content: bytes) -> str:
    """Paragraphs and table cells of a .docx, opened back with python-docx."""
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pairs(programme):
    """One pair of each status that matters; the formed two await an order."""

    def make(status, **fields):
        pair = f.PairFactory(programme=programme, status=status, **fields)
        f.PairMenteeFactory(pair=pair)
        return pair

    return {
        "formed": make(Pair.Status.FORMED),
        "formed2": make(Pair.Status.FORMED),
        "completed": make(Pair.Status.COMPLETED, ended_on=date.today(), result="Итог"),
        "terminated": make(
            Pair.Status.TERMINATED,
            ended_on=date.today(),
            termination_reason="Переезд",
        ),
    }


def name(pair) -> str:
    return pair.mentor.participant.full_name


def fixed(pair, number="12-од", day=date(2026, 9, 1)):
    pair.order_number, pair.order_date = number, day
    if pair.status == Pair.Status.FORMED:
        pair.status = Pair.Status.ACTIVE
    pair.save()
    return pair


# --- what the order lists --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_order_never_lists_completed_or_terminated_pairs(client, curator, pairs, fmt):
    client.force_login(curator)
    response = client.get(export_url("pairs-order", fmt))
    assert response.status_code == 200
    text = words(
        pdf_text(response.content) if fmt == "pdf" else docx_text(response.content)
    )
    assert name(pairs["formed"]) in text
    assert name(pairs["formed2"]) in text
    assert name(pairs["completed"]) not in text
    assert name(pairs["terminated"]) not in text
    assert "Закрепить 2 наставнические пары/группы" in text


def test_order_docx_is_the_order_with_its_blanks(client, curator, pairs, organisation):
    client.force_login(curator)
    response = client.get(export_url("pairs-order", "docx", order="no"))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = docx_text(response.content)
    assert "ПРИКАЗ" in text
    assert "ПРИКАЗЫВАЮ:" in text
    assert "С приказом ознакомлены:" in text
    # «№» and «г.» never alone on a line
    assert "№\u00a0________" in text
    assert "20__\u00a0г." in text
    assert "СОШ №\u00a01" in text  # the organisation's name
    for pair in (pairs["formed"], pairs["formed2"]):
        assert f"{pair.start_on.day} " in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_an_approved_order_is_reprinted_with_its_number_and_date(
    client, curator, pairs, fmt
):
    fixed(pairs["formed"])
    # completed since: it was in the signed order, so it is in the copy
    fixed(pairs["completed"])
    client.force_login(curator)
    response = client.get(
        export_url("pairs-order", fmt, order_number="12-од", order_date="2026-09-01")
    )
    assert response.status_code == 200
    assert (
        "12-од" in response["Content-Disposition"]
        or "12-" in (response["Content-Disposition"])
    )
    text = words(
        pdf_text(response.content) if fmt == "pdf" else docx_text(response.content)
    )
    assert "1 сентября 2026 г." in text
    assert "12-од" in text
    assert name(pairs["formed"]) in text
    assert name(pairs["completed"]) in text
    assert name(pairs["formed2"]) not in text
    assert "Закрепить 2 наставнические пары/группы" in text


def test_the_order_dates_are_written_out(client, curator, pairs):
    client.force_login(curator)
    pair = pairs["formed"]
    text = pdf_text(client.get(export_url("pairs-order")).content)
    assert (
        words(
            f"{pair.start_on.day} {['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'][pair.start_on.month - 1]} {pair.start_on.year} г."  # noqa: E501
        )
        in text
    )
    assert pair.start_on.strftime("%d.%m.%Y") not in text


# --- the confidential order stays as restricted as it is ------------------------


@pytest.fixture
def sr_pair(programme):
    pair = f.PairFactory(
        programme=programme,
        form=MentoringForm.objects.get(code="social-risk"),
        role_variant=RoleVariant.objects.get(code="sr-class-teacher"),
        status=Pair.Status.FORMED,
    )
    f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def deputy(organisation):
    return member(organisation, Role.DEPUTY, "deputy")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_confidential_order_in_every_format_only_for_the_tier(
    client, curator, deputy, sr_pair, pairs, fmt
):
    client.force_login(deputy)
    assert client.get(export_url("pairs-order-confidential", fmt)).status_code == 403
    general = client.get(export_url("pairs-order", fmt))
    text = pdf_text(general.content) if fmt == "pdf" else docx_text(general.content)
    assert name(sr_pair) not in words(text)
    client.force_login(curator)
    response = client.get(export_url("pairs-order-confidential", fmt))
    assert response.status_code == 200
    text = pdf_text(response.content) if fmt == "pdf" else docx_text(response.content)
    assert name(sr_pair) in words(text)
    assert "Для служебного пользования" in text or "для служебного" in text.lower()


# --- approving the order ----------------------------------------------------------


@pytest.fixture
def roadmap(programme, curator):
    call_command("loaddata", "roadmap_templates", verbosity=0)
    return roadmap_from_template(programme=programme, by=curator)


def test_approving_the_draft_fixes_its_pairs_and_marks_the_roadmap(
    client, curator, programme, pairs, roadmap
):
    client.force_login(curator)
    day = date.today() - timedelta(days=3)
    response = client.post(
        reverse("documents:order-approve"),
        {"programme": programme.pk, "order_number": "57-од", "order_date": day},
    )
    assert response.status_code == 302
    for key in ("formed", "formed2"):
        pairs[key].refresh_from_db()
        assert pairs[key].status == Pair.Status.ACTIVE
        assert (pairs[key].order_number, pairs[key].order_date) == ("57-од", day)
    pairs["completed"].refresh_from_db()
    assert pairs["completed"].order_number == ""
    assert PairOrder.objects.filter(number="57-од", date=day).exists()
    item = RoadmapItem.objects.get(programme=programme, number="5.4")
    assert "Закрепление пар/групп распоряжением" in item.activity
    assert item.status == RoadmapItem.Status.DONE
    assert item.done_on == day
    assert "57-од" in item.evidence_note
    # the documents page now offers its reprint
    page = client.get(reverse("documents:list"))
    assert "order_number=57-%D0%BE%D0%B4" in page.content.decode()


def test_approval_is_refused_to_a_mentor_and_changes_nothing(
    client, mentor, programme, pairs, roadmap
):
    client.force_login(mentor)
    response = client.post(
        reverse("documents:order-approve"),
        {"programme": programme.pk, "order_number": "1", "order_date": date.today()},
    )
    assert response.status_code == 403
    assert not Pair.objects.filter(order_number="1").exists()


# --- the signed scan ---------------------------------------------------------------


def upload(client, file, number="12-од", day="2026-09-01", **extra):
    return client.post(
        reverse("documents:order-scan-upload"),
        {"number": number, "date": day, "scan": file, **extra},
        follow=True,
    )


def test_scan_of_a_wrong_type_is_refused_in_russian(client, curator, pairs):
    fixed(pairs["formed"])
    client.force_login(curator)
    for file in (
        SimpleUploadedFile("скан.docx", b"PK\x03\x04word"),
        SimpleUploadedFile("скан.pdf", b"not a pdf at all"),  # renamed
    ):
        response = upload(client, file)
        assert (
            "Приложите скан в формате PDF, JPEG или PNG." in response.content.decode()
        )
    assert not PairOrder.objects.exclude(scan="").exists()


def test_scan_larger_than_10_mb_is_refused(client, curator, pairs):
    fixed(pairs["formed"])
    client.force_login(curator)
    big = SimpleUploadedFile("скан.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 2**20))
    response = upload(client, big)
    assert "Скан больше 10 МБ" in response.content.decode()


def test_scan_is_attached_and_downloaded_only_through_the_checked_view(
    client, curator, outsider, mentor, pairs, settings
):
    fixed(pairs["formed"])
    client.force_login(curator)
    response = upload(client, SimpleUploadedFile("скан.pdf", PDF_BYTES))
    assert "приложен" in response.content.decode()
    order = PairOrder.objects.get(number="12-од")
    assert order.scan.path.startswith(str(settings.MEDIA_ROOT))
    url = reverse("documents:order-scan", args=[order.pk])
    assert url in client.get(reverse("documents:list")).content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert settings.MEDIA_URL not in url

    # another organisation's curator: neither download nor upload
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    response = upload(client, SimpleUploadedFile("чужой.pdf", PDF_BYTES))
    assert "не закреплена ни одна пара" in response.content.decode()
    assert PairOrder.objects.count() == 1
    order.refresh_from_db()
    assert order.scan_uploaded_by == curator
    # a mentor of the school: refused both ways
    client.force_login(mentor)
    assert client.get(url).status_code == 403
    assert (
        client.post(
            reverse("documents:order-scan-upload"),
            {"number": "12-од", "date": "2026-09-01"},
        ).status_code
        == 403
    )


def test_confidential_scan_follows_the_confidential_order(
    client, curator, deputy, sr_pair
):
    fixed(sr_pair, number="3-дсп")
    client.force_login(curator)
    upload(
        client,
        SimpleUploadedFile("скан.pdf", PDF_BYTES),
        number="3-дсп",
        confidential="1",
    )
    order = PairOrder.objects.get(number="3-дсп", confidential=True)
    client.force_login(deputy)
    assert (
        client.get(reverse("documents:order-scan", args=[order.pk])).status_code == 403
    )
    response = client.post(
        reverse("documents:order-scan-upload"),
        {
            "number": "3-дсп",
            "date": "2026-09-01",
            "confidential": "1",
            "scan": SimpleUploadedFile("скан.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 403
    assert "3-дсп" not in client.get(reverse("documents:list")).content.decode()


# --- the plan, the journal, the confidential card ---------------------------------


def test_plan_names_the_curator_and_marks_overdue_items(client, curator, pair):
    plan = Plan.objects.create(
        pair=pair,
        goal="Цель",
        starts_on=date.today() - timedelta(days=60),
        ends_on=date.today() + timedelta(days=60),
    )
    PlanItem.objects.create(
        plan=plan, activity="Просроченное дело", deadline=date.today() - timedelta(7)
    )
    PlanItem.objects.create(
        plan=plan, activity="Будущее дело", deadline=date.today() + timedelta(7)
    )
    client.force_login(curator)
    text = pdf_text(client.get(export_url("pair-plan", pair=pair.pk)).content)
    assert f"Куратор _______________ / {curator.get_full_name()} /" in text
    assert "Просроченное дело" in text
    assert text.count("просрочено") == 1


def test_journal_shows_attendance_of_a_one_to_one_pair(client, curator, pair):
    f.MeetingFactory(pair=pair, programme=pair.programme)
    client.force_login(curator)
    text = pdf_text(client.get(export_url("pair-journal", pair=pair.pk)).content)
    mentee = pair.memberships.get().mentee.participant.full_name
    after_header = text.split("Присутствие", 1)[1]
    assert mentee in after_header


def test_confidential_card_has_the_address_apart_and_a_compiler(
    client, curator, sr_pair
):
    from tests.safeguarding.factories import VisitFactory

    pupil = sr_pair.memberships.get().mentee.participant
    VisitFactory(participant=pupil, address="ул. Ленина, 1, кв. 2")
    client.force_login(curator)
    response = client.get(reverse("safeguarding:participant-print", args=[pupil.pk]))
    text = pdf_text(response.content)
    assert "Дата обследования 12 марта 2026 г. Адрес ул. Ленина, 1, кв. 2" in text
    assert f"Составил(а): _______________ / {curator.get_full_name()} /" in text


def test_approving_from_the_pair_list_marks_the_roadmap_too(
    client, curator, programme, pairs, roadmap
):
    client.force_login(curator)
    day = date.today() - timedelta(days=2)
    response = client.post(
        reverse("pairs:approve"),
        {"pairs": [pairs["formed"].pk], "order_number": "58-од", "order_date": day},
    )
    assert response.status_code == 302
    item = RoadmapItem.objects.get(programme=programme, number="5.4")
    assert (item.status, item.done_on) == (RoadmapItem.Status.DONE, day)
    assert "58-од" in item.evidence_note
