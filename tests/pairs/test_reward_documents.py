"""Letters of thanks and certificates read as Russian documents (issue 15): the
organisation declined after «Администрация», the addressee in the dative, the
«Уважаемая …!» line by the patronymic's gender, the document the reward's kind
calls for, and the same text in the editable .docx."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from mentoring.lib import grammar
from mentoring.models import Organisation
from pairs.models import Reward
from pairs.reward_services import reward_grant
from tests import factories as f

pytestmark = pytest.mark.django_db

SCHOOL = (
    Organisation.Kind.SCHOOL,
    "Муниципальное бюджетное общеобразовательное учреждение "
    "«Змеиногорская средняя общеобразовательная школа № 1»",
    "Муниципального бюджетного общеобразовательного учреждения "
    "«Змеиногорская средняя общеобразовательная школа № 1»",
)
COLLEGE = (
    Organisation.Kind.COLLEGE,
    "Государственное бюджетное профессиональное образовательное учреждение "
    "«Змеиногорский политехнический колледж»",
    "Государственного бюджетного профессионального образовательного учреждения "
    "«Змеиногорский политехнический колледж»",
)
KINDERGARTEN = (
    Organisation.Kind.KINDERGARTEN,
    "Муниципальное бюджетное дошкольное образовательное учреждение "
    "«Детский сад № 3 «Солнышко»»",
    "Муниципального бюджетного дошкольного образовательного учреждения "
    "«Детский сад № 3 «Солнышко»»",
)
WOMAN = (("Ефимова", "Лариса", "Валерьевна"), "Ефимовой Ларисе Валерьевне", "Уважаемая")
MAN = (("Ковалёв", "Пётр", "Сергеевич"), "Ковалёву Петру Сергеевичу", "Уважаемый")


def text_of_pdf(content: bytes) -> str:
    """The text as one line, words hyphenated at a line end joined again."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )
    return text.replace("\u2010 ", "")


def text_of_docx(content: bytes) -> str:
    return " ".join(
        " ".join(p.text.split()) for p in Document(io.BytesIO(content)).paragraphs
    )


def download(client, identifier, reward, fmt):
    response = client.get(
        reverse("export", args=[identifier, fmt]), {"reward": reward.pk}
    )
    assert response.status_code == 200
    return (
        text_of_pdf(response.content)
        if fmt == "pdf"
        else text_of_docx(response.content)
    )


@pytest.mark.parametrize("organisation_kind", [SCHOOL, COLLEGE, KINDERGARTEN])
@pytest.mark.parametrize("person", [WOMAN, MAN])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_first_sentence_of_a_letter_reads_correctly(
    client, organisation_kind, person, fmt
):
    kind, name, genitive = organisation_kind
    organisation = f.OrganisationFactory(name=name, kind=kind)
    curator = f.UserFactory(username="curator")
    f.MembershipFactory(user=curator, organisation=organisation, role="curator")
    (last, first, middle), dative, dear = person
    mentor = f.ParticipantFactory(
        organisation=organisation,
        kind="teacher",
        last_name=last,
        first_name=first,
        middle_name=middle,
        birth_date=date(1980, 1, 1),
    )
    reward = reward_grant(
        organisation=organisation,
        person=mentor,
        kind=Reward.Kind.GRATITUDE,
        awarded_on=date(2026, 12, 4),
        basis="за успешную работу наставником",
        by=None,
    )
    client.force_login(curator)
    text = download(client, "reward-letter", reward, fmt)
    assert dative in text  # the addressee, whom the letter is to
    assert f"{dear} {first} {middle}!" in text
    assert f"Администрация {genitive} выражает Вам искреннюю благодарность" in text
    assert "4 декабря 2026 г." in text


def test_a_letter_to_the_parents_names_them_in_the_dative(client, curator):
    organisation = curator.memberships.get().organisation
    pupil = f.ParticipantFactory(
        organisation=organisation,
        birth_date=date(2013, 3, 5),
        representative_name="Ефимова Лариса Валерьевна",
    )
    reward = reward_grant(
        organisation=organisation,
        person=pupil,
        kind=Reward.Kind.LETTER_PARENTS,
        awarded_on=date(2026, 12, 4),
        basis="за активное участие в программе",
        by=None,
    )
    client.force_login(curator)
    text = download(client, "reward-letter", reward, "pdf")
    assert "Родителям (законным представителям) Ефимовой Ларисе Валерьевне" in text
    assert "Уважаемая Лариса Валерьевна!" in text


def test_a_letter_to_the_employer_declines_the_enterprise(client, curator):
    organisation = curator.memberships.get().organisation
    mentor = f.ParticipantFactory(
        organisation=organisation,
        kind="external",
        workplace="Змеиногорский машиностроительный завод",
        birth_date=date(1980, 1, 1),
    )
    reward = reward_grant(
        organisation=organisation,
        person=mentor,
        kind=Reward.Kind.LETTER_EMPLOYER,
        awarded_on=date(2026, 12, 4),
        basis="за наставничество",
        by=None,
    )
    client.force_login(curator)
    text = download(client, "reward-letter", reward, "docx")
    assert "Руководителю Змеиногорского машиностроительного завода" in text


def test_a_certificate_is_a_certificate_and_a_letter_a_letter(client, curator):
    organisation = curator.memberships.get().organisation
    mentor = f.ParticipantFactory(organisation=organisation, kind="teacher")
    letter = reward_grant(
        organisation=organisation,
        person=mentor,
        kind=Reward.Kind.GRATITUDE,
        awarded_on=date(2026, 12, 4),
        basis="за работу",
        by=None,
    )
    certificate = reward_grant(
        organisation=organisation,
        person=mentor,
        kind=Reward.Kind.CERTIFICATE,
        awarded_on=date(2026, 12, 4),
        basis="за работу",
        by=None,
    )
    client.force_login(curator)
    page = client.get(reverse("rewards:detail", args=[letter.pk])).content.decode()
    primary = re.search(r'class="btn btn-primary" href="([^"]+)"', page).group(1)
    assert "reward-letter.pdf" in primary
    page = client.get(reverse("rewards:detail", args=[certificate.pk])).content.decode()
    primary = re.search(r'class="btn btn-primary" href="([^"]+)"', page).group(1)
    assert "reward-certificate.pdf" in primary
    text = download(client, "reward-certificate", certificate, "docx")
    assert "ГРАМОТА" in text and "«Лучший наставник»" in text
    assert mentor.full_name in text  # «награждается» + the nominative


@pytest.mark.parametrize("identifier", ["reward-letter", "reward-certificate"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_another_organisations_curator_gets_nothing(
    client, curator, outsider, identifier, fmt
):
    organisation = curator.memberships.get().organisation
    reward = reward_grant(
        organisation=organisation,
        person=f.ParticipantFactory(organisation=organisation, kind="teacher"),
        kind=Reward.Kind.GRATITUDE,
        awarded_on=date(2026, 12, 4),
        basis="за работу",
        by=None,
    )
    client.force_login(outsider)
    response = client.get(
        reverse("export", args=[identifier, fmt]), {"reward": reward.pk}
    )
    assert response.status_code == 404


def test_the_demo_has_a_reward_of_every_document(db):
    call_command("seed_demo", "--quiet")
    kinds = set(Reward.objects.values_list("kind", flat=True))
    assert kinds & set(Reward.LETTER_KINDS)
    assert kinds & set(Reward.CERTIFICATE_KINDS)
    assert {
        Reward.Kind.LETTER_PARENTS,
        Reward.Kind.GRATITUDE,
        Reward.Kind.CERTIFICATE,
    } <= kinds


@pytest.mark.parametrize(
    ("name", "case", "expected"),
    [
        ("Ефимова Лариса Валерьевна", "datv", "Ефимовой Ларисе Валерьевне"),
        ("Ковалёв Пётр Сергеевич", "gent", "Ковалёва Петра Сергеевича"),
        ("Мамедов Али Гусейн оглы", "datv", "Мамедову Али Гусейн оглы"),
        ("Кузнецова Анна", "datv", "Кузнецова Анна"),  # no patronymic: as written
    ],
)
def test_names_are_declined_by_the_library(name, case, expected):
    assert grammar.decline_name(name, case) == expected
