"""The demo has a second municipality with its own coordinator (issue 16), so that
isolation can be seen in the browser."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from mentoring.models import Municipality
from municipal.demo import SECOND_LOGINS, SECOND_MUNICIPALITY
from municipal.models import (
    BankRequest,
    ChecklistEntry,
    OrganisationIndicatorValue,
    Practice,
)
from pairs.management.commands import _demo_texts as texts
from people.models import Membership, MenteeProfile, Role, User


@pytest.fixture
def demo(demo_data, db):
    pass


def test_two_municipalities_each_with_its_coordinator(demo):
    assert set(Municipality.objects.values_list("name", flat=True)) == {
        texts.MUNICIPALITY,
        SECOND_MUNICIPALITY,
    }
    coordinated = dict(
        Membership.objects.filter(role=Role.MUNICIPAL_COORDINATOR).values_list(
            "user__username", "municipality__name"
        )
    )
    assert coordinated == {
        "coordinator": texts.MUNICIPALITY,
        "coordinator2": SECOND_MUNICIPALITY,
    }
    for _role, username, password in SECOND_LOGINS:
        response = Client().post(
            reverse("login"), {"username": username, "password": password}
        )
        assert response.status_code == 302, username  # logged in, sent home


def test_the_second_schools_curator_sees_only_their_mentees(demo):
    client = Client()
    client.force_login(User.objects.get(username="curator4"))
    page = client.get(reverse("people:mentee-list")).content.decode()
    own = MenteeProfile.objects.filter(
        participant__organisation__municipality__name=SECOND_MUNICIPALITY
    ).select_related("participant")
    others = MenteeProfile.objects.exclude(
        participant__organisation__municipality__name=SECOND_MUNICIPALITY
    ).select_related("participant")[:20]
    assert own and all(m.participant.last_name in page for m in own)
    assert not any(m.participant.full_name in page for m in others)


def test_reset_loads_the_same_again(demo):
    call_command("seed_demo", "--reset", "--quiet")
    assert Municipality.objects.filter(name=SECOND_MUNICIPALITY).count() == 1
    assert User.objects.filter(username="coordinator2").count() == 1


def test_the_checklist_and_the_collection_have_something_to_see(demo):
    statuses = set(ChecklistEntry.objects.values_list("status", flat=True))
    assert statuses == set(ChecklistEntry.Status.values)
    published = Practice.objects.filter(status=Practice.Status.PUBLISHED)
    assert published.filter(featured=True).exists()
    assert Practice.objects.filter(status=Practice.Status.DRAFT).exists()
    assert not published.filter(pair__form__is_social_risk=True).exists()


def test_the_bank_has_an_approved_cross_organisation_pair_and_a_pending_request(
    demo,
):
    approved = BankRequest.objects.get(status=BankRequest.Status.APPROVED)
    pair = approved.pair
    assert pair.programme.organisation == approved.organisation
    assert pair.mentor.participant.organisation != approved.organisation
    assert BankRequest.objects.filter(status=BankRequest.Status.PENDING).exists()


def test_the_indicators_have_values_and_a_sent_roll_up(demo):
    municipality = Municipality.objects.get(name=texts.MUNICIPALITY)
    assert municipality.indicators.filter(computed="").exists()
    assert OrganisationIndicatorValue.objects.filter(
        organisation__municipality=municipality
    ).exists()
    assert municipality.snapshots.count() == 1
    client = Client()
    client.force_login(User.objects.get(username="coordinator"))
    response = client.get(reverse("municipal-indicators:rollup"))
    assert response.status_code == 200
