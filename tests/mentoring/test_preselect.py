"""A form whose choice offers one programme starts on it (issue 19); with two,
the curator chooses."""

import re

import pytest
from django.urls import reverse

from tests import factories as f

PAGES = ["journal:general", "questionnaires:campaign-create"]


def selected_programme(page: str) -> list[str]:
    select = re.search(r'<select name="programme".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)"[^>]*selected', select)


@pytest.mark.parametrize("url", PAGES)
def test_the_only_programme_is_chosen(client, curator, programme, url):
    client.force_login(curator)
    page = client.get(reverse(url)).content.decode()
    assert selected_programme(page) == [str(programme.pk)]


@pytest.mark.parametrize("url", PAGES)
def test_of_two_programmes_none_is_chosen_for_the_curator(
    client, curator, programme, url
):
    f.ProgrammeFactory(organisation=programme.organisation, title="Вторая")
    client.force_login(curator)
    page = client.get(reverse(url)).content.decode()
    assert selected_programme(page) == []
