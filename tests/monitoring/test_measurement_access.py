"""Who may open the measurement pages."""

import pytest
from django.urls import reverse

from people.models import Role
from tests import factories as f

PAGES = ["measurements:grid", "measurements:import", "measurements:dynamics"]


@pytest.fixture
def psychologist(organisation):
    user = f.UserFactory(username="psychologist")
    f.MembershipFactory(user=user, organisation=organisation, role=Role.PSYCHOLOGIST)
    return user


def page(name, programme):
    return f"{reverse(name)}?programme={programme.pk}"


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["curator", "head", "psychologist"])
def test_allowed(client, request, pair, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page(name, pair.programme)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_refused_to_pair_members(client, request, pair, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page(name, pair.programme)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_another_organisation_is_not_found(client, outsider, pair, name):
    f.ProgrammeFactory(organisation=outsider.memberships.get().organisation)
    client.force_login(outsider)
    assert client.get(page(name, pair.programme)).status_code == 404


def test_outsider_without_programmes_sees_an_empty_page(client, outsider, pair):
    client.force_login(outsider)
    response = client.get(reverse("measurements:grid"))
    assert response.status_code == 200
    assert pair.mentor.participant.last_name not in response.content.decode()


@pytest.mark.parametrize("name", [*PAGES, "measurements:import-template"])
def test_anonymous_goes_to_login(client, pair, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "login" in response.url


def test_outsider_cannot_post_to_the_grid(client, outsider, pair):
    f.ProgrammeFactory(organisation=outsider.memberships.get().organisation)
    client.force_login(outsider)
    response = client.post(page("measurements:grid", pair.programme), {})
    assert response.status_code == 404


def test_template_of_another_organisation_is_not_found(client, outsider, pair):
    client.force_login(outsider)
    url = page("measurements:import-template", pair.programme)
    assert client.get(url).status_code == 404


def test_mentor_cannot_confirm_an_import(client, mentor, pair):
    client.force_login(mentor)
    response = client.post(
        page("measurements:import", pair.programme), {"step": "apply", "token": "x"}
    )
    assert response.status_code == 403


def test_outsider_cannot_post_to_the_import(client, outsider, pair):
    client.force_login(outsider)
    response = client.post(
        page("measurements:import", pair.programme), {"step": "apply", "token": "x"}
    )
    assert response.status_code == 404
