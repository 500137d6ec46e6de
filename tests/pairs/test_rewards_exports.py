import io
from datetime import date, timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from mentoring.templatetags.documents import doc_date
from pairs.models import Pair, Reward
from pairs.reward_services import reward_grant
from people.models import Consent, Participant, Role
from tests import factories as f
from tests.pairs.test_print import pdf_text

TODAY = date.today()
BASIS = "за успешное завершение программы наставничества"


def grant(organisation, person, kind=Reward.Kind.GRATITUDE, **kwargs):
    # the rewards register is public («доска почёта»): people in it have consented
    Consent.objects.get_or_create(
        participant=person,
        scope=Consent.Scope.PUBLICATION,
        defaults={"given_by": str(person), "given_on": TODAY - timedelta(days=30)},
    )
    arguments = {"awarded_on": TODAY, "basis": BASIS, "by": None, **kwargs}
    return reward_grant(
        organisation=organisation, person=person, kind=kind, **arguments
    )


def url(identifier, reward, fmt="pdf"):
    base = reverse("export", kwargs={"identifier": identifier, "fmt": fmt})
    return f"{base}?reward={reward.pk}"


def pages(content: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def done(programme):
    pair = f.PairFactory(
        programme=programme,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - timedelta(days=5),
    )
    f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def reward(organisation, done):
    return grant(
        organisation,
        done.mentor.participant,
        Reward.Kind.MENTOR_OF_YEAR,
        pair=done,
        number="15",
    )


@pytest.fixture
def parents_letter(organisation, done):
    pupil = done.memberships.get().mentee.participant
    pupil.representative_name = "Иванова Мария Петровна"
    pupil.last_name, pupil.first_name, pupil.middle_name = "Иванов", "Артём", "Ильич"
    pupil.save()
    return grant(organisation, pupil, Reward.Kind.LETTER_PARENTS, number="16")


def test_letter_to_parents(client, curator, organisation, parents_letter):
    client.force_login(curator)
    response = client.get(url("reward-letter", parents_letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert pages(content) == 1
    text = pdf_text(content)
    # «Благодарственное письмо» once the fragment's translations are compiled.
    assert gettext("Letter of thanks").upper() in text.upper()
    # the pupil agrees with «участника программы наставничества»: the genitive
    assert "Иванова Артёма Ильича" in text
    assert "Ивановой Марии Петровне" in text  # the addressee, in the dative
    assert doc_date(TODAY).replace("\xa0", " ") in text.replace("\xa0", " ")
    assert doc_date(TODAY).endswith("\xa0г.")  # «г.» never alone on a line
    assert "№ 16" in text
    assert organisation.head_name in text
    assert organisation.name in text


def test_letter_to_an_employer_with_a_long_text_stays_on_one_page(
    client, curator, organisation
):
    external = f.ParticipantFactory(
        organisation=organisation,
        kind=Participant.Kind.EXTERNAL,
        birth_date=date(1980, 1, 1),
        workplace="ООО «Алтайский машиностроительный завод»",
    )
    letter = grant(
        organisation,
        external,
        Reward.Kind.LETTER_EMPLOYER,
        text="\n".join(["Благодарим за сотрудничество и помощь школе."] * 12),
    )
    client.force_login(curator)
    content = client.get(url("reward-letter", letter)).content
    assert pages(content) == 1
    text = pdf_text(content)
    assert "ООО «Алтайский машиностроительный завод»" in text
    assert "Благодарим за сотрудничество" in text


def test_certificate(client, head, organisation, reward):
    client.force_login(head)
    response = client.get(url("reward-certificate", reward))
    assert response.status_code == 200
    content = response.content
    assert pages(content) == 1
    text = pdf_text(content)
    assert pgettext("reward", "Certificate").upper() in text.upper()  # «Грамота»
    assert reward.person.full_name in text
    assert BASIS in text
    assert doc_date(TODAY).replace("\xa0", " ") in text.replace("\xa0", " ")
    assert organisation.head_name in text


def test_certificate_of_a_pupil_with_a_long_basis_stays_on_one_page(
    client, curator, organisation, parents_letter
):
    reward = grant(
        organisation,
        parents_letter.person,
        Reward.Kind.CERTIFICATE,
        basis=BASIS + ", " + "активное участие в проектной деятельности, " * 6,
    )
    client.force_login(curator)
    content = client.get(url("reward-certificate", reward)).content
    assert pages(content) == 1
    assert parents_letter.person.full_name in pdf_text(content)


def test_register_xlsx_follows_the_filters(
    client, curator, organisation, reward, parents_letter
):
    client.force_login(curator)
    base = reverse("export", kwargs={"identifier": "rewards", "fmt": "xlsx"})
    response = client.get(base)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    names = {row[2] for row in rows[1:]}
    assert names == {reward.person.full_name, parents_letter.person.full_name}
    first = next(row for row in rows[1:] if row[2] == reward.person.full_name)
    assert first[0].date() == TODAY
    assert first[1] == "15"
    assert first[4] == reward.get_kind_display()
    assert first[5] == BASIS

    response = client.get(base, {"kind": Reward.Kind.LETTER_PARENTS})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [row[2] for row in rows[1:]] == [parents_letter.person.full_name]


@pytest.mark.parametrize("identifier", ["reward-letter", "reward-certificate"])
def test_documents_are_refused_to_others(
    client, identifier, reward, mentor, other_organisation
):
    other_head = f.UserFactory(username="other-head")
    f.MembershipFactory(
        user=other_head, organisation=other_organisation, role=Role.HEAD
    )
    client.force_login(mentor)
    assert client.get(url(identifier, reward)).status_code == 403
    # Another organisation's reward does not exist for its head.
    client.force_login(other_head)
    assert client.get(url(identifier, reward)).status_code == 404


def test_documents_need_a_reward(client, curator, reward):
    client.force_login(curator)
    base = reverse("export", kwargs={"identifier": "reward-letter", "fmt": "pdf"})
    assert client.get(base).status_code == 404
    assert client.get(base + "?reward=abc").status_code == 404
    assert client.get(url("reward-letter", reward, fmt="xlsx")).status_code == 404


def test_register_is_refused_to_a_mentor_and_shows_nothing_foreign(
    client, mentor, outsider, reward
):
    base = reverse("export", kwargs={"identifier": "rewards", "fmt": "xlsx"})
    client.force_login(mentor)
    assert client.get(base).status_code == 403
    client.force_login(outsider)
    response = client.get(base)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 1


def test_admin_action_exports_the_selected_rewards(client, superuser, reward):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pairs_reward_changelist"),
        {"action": "export_rewards_xlsx", "_selected_action": [reward.pk]},
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [row[2] for row in rows[1:]] == [reward.person.full_name]
