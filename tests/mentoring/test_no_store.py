"""Every page and file the portal renders is kept out of browser and proxy caches
(`Cache-Control: no-store, private`): a shared school computer's cache or history
must not hand a pupil's card, the confidential tier or an export to the next user.
Static files (WhiteNoise) stay cacheable."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories as f
from tests.pairs.test_print import url as export_url


def assert_no_store(response):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, response.get("Cache-Control")
    assert response.get("Pragma") == "no-cache"


def test_the_safeguarding_list(client, curator):
    client.force_login(curator)
    response = client.get(reverse("safeguarding:list"))
    assert response.status_code == 200
    assert_no_store(response)


def test_a_mentee_card(client, curator, pair):
    client.force_login(curator)
    mentee = pair.memberships.get().mentee
    response = client.get(reverse("people:mentee-detail", args=[mentee.pk]))
    assert response.status_code == 200
    assert_no_store(response)


def test_an_xlsx_export(client, curator, pair):
    client.force_login(curator)
    response = client.get(reverse("export", args=["mentee-base", "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_no_store(response)


def test_a_pdf_export(client, curator, pair):
    f.MeetingFactory(pair=pair, author=curator)
    client.force_login(curator)
    response = client.get(export_url("pair-journal", "pdf", pair))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert_no_store(response)


def test_a_refusal_and_an_error_page_too(client, outsider, pair):
    client.force_login(outsider)
    mentee = pair.memberships.get().mentee
    response = client.get(reverse("people:mentee-detail", args=[mentee.pk]))
    assert response.status_code == 404
    assert_no_store(response)


@pytest.mark.django_db
def test_pages_without_a_login_too(client):
    """The personal questionnaire link is answered without a login, and the login
    form carries a CSRF token: no page of the portal is worth caching."""
    response = client.get(reverse("questionnaires:answer-link", args=["no-such-token"]))
    assert response.status_code == 404
    assert_no_store(response)
    assert_no_store(client.get(reverse("login")))


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]
    assert response.get("Pragma") is None
