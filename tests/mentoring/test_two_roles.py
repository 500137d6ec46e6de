"""A user with two roles (issue 19: the social pedagogue who also mentors) keeps
both: her home names her own role, and her pairs are one link away."""

import pytest
from django.urls import reverse

from people.models import Role
from tests import factories as f
from tests.conftest import member


@pytest.fixture
def socped_mentor(mentor, organisation):
    f.MembershipFactory(
        user=mentor, organisation=organisation, role=Role.SOCIAL_PEDAGOGUE
    )
    return mentor


def test_the_home_names_her_role_and_the_menu_has_her_pairs(
    client, socped_mentor, pair
):
    client.force_login(socped_mentor)
    home = client.get(reverse("home")).content.decode()
    assert "Социальный педагог" in home
    assert "Куратор программы" not in home
    assert f'href="{reverse("my-pairs")}"' in home
    assert "Мои пары" in home

    mine = client.get(reverse("my-pairs"))
    assert mine.status_code == 200
    page = mine.content.decode()
    assert "Мои пары и группы" in page
    assert "<title>Мои пары" in page
    assert reverse("journal:pair", args=[pair.pk]) in page


def test_a_mentor_whose_home_is_the_pairs_has_no_second_link(client, mentor):
    client.force_login(mentor)
    home = client.get(reverse("home")).content.decode()
    assert "Мои пары и группы" in home
    assert f'href="{reverse("my-pairs")}"' not in home


def test_only_a_mentor_reaches_my_pairs(client, organisation):
    assert client.get(reverse("my-pairs")).status_code == 302  # to the login
    client.force_login(member(organisation, Role.SOCIAL_PEDAGOGUE, "socped"))
    assert client.get(reverse("my-pairs")).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("my-pairs")}"' not in home
