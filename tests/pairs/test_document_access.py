"""Issue 5: a head of another organisation, a mentor and a mentee cannot download
any of the organisation's documents (each exporter's allowed())."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pairs.models import Reward
from people.models import Role
from tests import factories as f
from tests.pairs.test_print import pdf_text

DOCUMENTS = [
    ("roadmap", "pdf"),
    ("roadmap", "xlsx"),
    ("pairs-order", "pdf"),
    ("pairs-list", "pdf"),
    ("pairs", "xlsx"),
    ("programme-summary", "pdf"),
    ("reward-letter", "pdf"),
    ("reward-certificate", "pdf"),
    ("rewards", "xlsx"),
    ("mentee-base", "xlsx"),
    ("mentor-base", "xlsx"),
    ("request-map", "xlsx"),
]


@pytest.fixture
def reward(pair, organisation):
    return Reward.objects.create(
        organisation=organisation,
        person=pair.mentor.participant,
        kind=Reward.Kind.GRATITUDE,
        awarded_on=timezone.localdate(),
        basis="за работу наставником",
    )


@pytest.fixture
def other_head(other_organisation):
    user = f.UserFactory(username="other-head")
    f.MembershipFactory(user=user, organisation=other_organisation, role=Role.HEAD)
    return user


@pytest.mark.parametrize(("identifier", "fmt"), DOCUMENTS)
def test_outsiders_cannot_download(
    client,
    request,
    programme,
    pair,
    reward,
    mentor,
    mentee,
    other_head,
    identifier,
    fmt,
):
    url = reverse("export", args=[identifier, fmt])
    params = {"programme": programme.pk, "pair": pair.pk, "reward": reward.pk}
    for user in (mentor, mentee):
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code in (403, 404), (user.username, response.status_code)
        assert not response.get("Content-Disposition")
    # The other head may print their own organisation's lists, never ours: our ids
    # in the query are ignored or refused.
    client.force_login(other_head)
    response = client.get(url, params)
    if response.status_code == 200:
        assert pair.mentor.participant.last_name not in file_text(response, fmt)
    else:
        assert response.status_code in (403, 404)


def file_text(response, fmt) -> str:
    if fmt == "pdf":
        return pdf_text(response.content)
    sheet = load_workbook(io.BytesIO(response.content)).active
    return " ".join(
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


@pytest.mark.parametrize(("identifier", "fmt"), DOCUMENTS)
def test_the_head_downloads(client, head, programme, pair, reward, identifier, fmt):
    client.force_login(head)
    url = reverse("export", args=[identifier, fmt])
    response = client.get(
        url, {"programme": programme.pk, "pair": pair.pk, "reward": reward.pk}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
