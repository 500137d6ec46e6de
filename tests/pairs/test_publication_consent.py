"""Publication consent in the public-facing exports: the rewards register (the
«доска почёта») lists only people with a valid consent to publication; a letter or
a certificate is handed to the person, not published, so it is still printed."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pairs.models import Reward
from people.models import Consent

TODAY = date.today()
REGISTER = reverse("export", kwargs={"identifier": "rewards", "fmt": "xlsx"})


def reward(organisation, person):
    return Reward.objects.create(
        organisation=organisation,
        person=person,
        kind=Reward.Kind.GRATITUDE,
        awarded_on=TODAY,
        basis="за работу в программе наставничества",
    )


def publication(person, **kwargs):
    return Consent.objects.create(
        participant=person,
        scope=Consent.Scope.PUBLICATION,
        given_by="Иванова Мария Петровна",
        relation=Consent.Relation.MOTHER,
        given_on=TODAY - timedelta(days=10),
        **kwargs,
    )


@pytest.fixture
def rewards(organisation, pair):
    child = pair.memberships.get().mentee.participant
    mentor = pair.mentor.participant
    publication(child)
    Consent.objects.create(  # processing only: not a consent to publish
        participant=mentor,
        scope=Consent.Scope.PROCESSING,
        given_by=mentor.full_name,
        given_on=TODAY - timedelta(days=10),
    )
    return reward(organisation, child), reward(organisation, mentor)


def names(response):
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    return [row[2] for row in rows[1:]]


def test_register_lists_only_people_who_may_be_published(client, curator, rewards):
    published, hidden = rewards
    client.force_login(curator)
    assert names(client.get(REGISTER)) == [published.person.full_name]


def test_revoked_or_expired_publication_consent_hides_the_row(client, curator, rewards):
    published, hidden = rewards
    Consent.objects.filter(participant=published.person).update(revoked_on=TODAY)
    publication(hidden.person, valid_until=TODAY - timedelta(days=1))
    client.force_login(curator)
    assert names(client.get(REGISTER)) == []


def test_admin_action_follows_the_same_rule(client, superuser, rewards):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pairs_reward_changelist"),
        {"action": "export_rewards_xlsx", "_selected_action": [r.pk for r in rewards]},
    )
    assert names(response) == [rewards[0].person.full_name]


def test_certificate_is_handed_over_without_publication_consent(
    client, curator, rewards
):
    _published, hidden = rewards
    client.force_login(curator)
    url = reverse("export", kwargs={"identifier": "reward-letter", "fmt": "pdf"})
    response = client.get(f"{url}?reward={hidden.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
