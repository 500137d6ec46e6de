"""The consent register: statuses, filters, outsiders, query budget, export, and
the scan served only to the organisation's managers."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from people.consent_services import Status, register_queryset
from people.models import Consent, Participant, Role
from tests import factories as f

TODAY = date.today()
URL = reverse("consents:list")


def consent(person, scope=Consent.Scope.PROCESSING, **kwargs):
    values = {
        "given_by": "Иванова Мария Петровна",
        "relation": Consent.Relation.MOTHER,
        "given_on": TODAY - timedelta(days=30),
        **kwargs,
    }
    return Consent.objects.create(participant=person, scope=scope, **values)


@pytest.fixture
def people(organisation, pair):
    """valid (in a pair), expired, revoked, missing (an adult mentor)."""
    valid = pair.memberships.get().mentee.participant
    consent(valid, valid_until=TODAY + timedelta(days=100))
    consent(valid, Consent.Scope.PUBLICATION)
    expired = f.MenteeFactory(participant__organisation=organisation).participant
    consent(
        expired,
        given_on=TODAY - timedelta(days=400),
        valid_until=TODAY - timedelta(days=35),
    )
    revoked = f.MenteeFactory(participant__organisation=organisation).participant
    consent(revoked, revoked_on=TODAY - timedelta(days=3))
    missing = pair.mentor.participant
    return {
        Status.VALID: valid,
        Status.EXPIRED: expired,
        Status.REVOKED: revoked,
        Status.MISSING: missing,
    }


def test_statuses(organisation, people):
    rows = {p.pk: p for p in register_queryset(organisation)}
    for status, person in people.items():
        assert rows[person.pk].processing_status == status
    valid = rows[people[Status.VALID].pk]
    assert valid.processing_until == TODAY + timedelta(days=100)
    assert valid.publication_status == Status.VALID
    assert valid.minor and valid.in_pair
    assert rows[people[Status.REVOKED].pk].processing_revoked == TODAY - timedelta(
        days=3
    )
    mentor = rows[people[Status.MISSING].pk]
    assert not mentor.minor and mentor.in_pair


def test_a_newer_consent_after_a_revoked_one_is_valid(organisation, people):
    consent(people[Status.REVOKED], given_on=TODAY - timedelta(days=1))
    row = register_queryset(organisation).get(pk=people[Status.REVOKED].pk)
    assert row.processing_status == Status.VALID


def test_page_shows_the_organisation_only(client, curator, people, other_organisation):
    stranger = f.MenteeFactory(participant__organisation=other_organisation)
    outside_base = f.ParticipantFactory(organisation=people[Status.VALID].organisation)
    client.force_login(curator)
    response = client.get(URL)
    assert response.status_code == 200
    shown = {p.pk for p in response.context["people"]}
    assert shown == {p.pk for p in people.values()}
    assert stranger.participant.pk not in shown and outside_base.pk not in shown
    counts = {c["value"]: c["count"] for c in response.context["status_counts"]}
    assert counts == {
        Status.VALID: 1,
        Status.EXPIRED: 1,
        Status.REVOKED: 1,
        Status.MISSING: 1,
    }
    content = response.content.decode()
    assert people[Status.VALID].full_name in content
    assert stranger.participant.full_name not in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "revoked"}, {Status.REVOKED}),
        ({"status": "missing"}, {Status.MISSING}),
        (
            {"scope": "publication", "status": "missing"},
            {Status.EXPIRED, Status.REVOKED, Status.MISSING},
        ),
        ({"minors": "yes"}, {Status.VALID, Status.EXPIRED, Status.REVOKED}),
        ({"minors": "no"}, {Status.MISSING}),
        ({"pair": "yes"}, {Status.VALID, Status.MISSING}),
        ({"pair": "no", "minors": "yes"}, {Status.EXPIRED, Status.REVOKED}),
        ({"status": "nonsense"}, set(Status.values)),
    ],
)
def test_filters(client, head, people, params, expected):
    client.force_login(head)
    response = client.get(URL, params)
    assert {p.pk for p in response.context["people"]} == {
        people[key].pk for key in expected
    }


def test_search(client, curator, people):
    person = people[Status.EXPIRED]
    client.force_login(curator)
    response = client.get(URL, {"q": person.last_name.lower()})
    assert person.pk in {p.pk for p in response.context["people"]}
    assert len(response.context["people"]) < len(people)


def test_refused(client, mentor, mentee, people):
    for user in (mentor, mentee):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    pedagogue = f.UserFactory(username="psy")
    f.MembershipFactory(
        user=pedagogue,
        organisation=people[Status.VALID].organisation,
        role=Role.SOCIAL_PEDAGOGUE,
    )
    client.force_login(pedagogue)
    assert client.get(URL).status_code == 403


def test_outsider_sees_nothing(client, outsider, people):
    client.force_login(outsider)
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["people"]) == []


@pytest.mark.parametrize("size", [3, 40])
def test_query_budget(
    client, curator, organisation, size, django_assert_max_num_queries
):
    for number in range(size):
        person = f.MenteeFactory(participant__organisation=organisation).participant
        if number % 2:
            consent(person)
    client.force_login(curator)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["people"]) == min(size, 25)


def test_export(client, curator, people, other_organisation):
    f.MenteeFactory(participant__organisation=other_organisation)
    client.force_login(curator)
    export = reverse("export", kwargs={"identifier": "consent-register", "fmt": "xlsx"})
    response = client.get(export)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 1 + len(people)
    by_name = {row[0]: row for row in rows[1:]}
    valid = by_name[people[Status.VALID].full_name]
    assert valid[6].endswith((TODAY + timedelta(days=100)).strftime("%d.%m.%Y"))
    assert valid[5] != by_name[people[Status.EXPIRED].full_name][5]  # in a pair
    revoked = by_name[people[Status.REVOKED].full_name]
    assert revoked[6].endswith((TODAY - timedelta(days=3)).strftime("%d.%m.%Y"))
    # the filters of the page apply
    rows = list(
        load_workbook(
            io.BytesIO(client.get(export, {"status": "expired"}).content)
        ).active.values
    )
    assert [row[0] for row in rows[1:]] == [people[Status.EXPIRED].full_name]


def test_export_refused_to_a_mentor(client, mentor):
    client.force_login(mentor)
    export = reverse("export", kwargs={"identifier": "consent-register", "fmt": "xlsx"})
    assert client.get(export).status_code == 403


@pytest.fixture
def scanned(settings, tmp_path, pair):
    settings.MEDIA_ROOT = tmp_path
    person = pair.memberships.get().mentee.participant
    return consent(person, document=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan"))


def test_document_served_to_managers_only(
    client, curator, head, mentor, mentee, outsider, scanned
):
    url = reverse("consents:document", args=[scanned.pk])
    for user in (curator, head):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"
        assert "attachment" in response["Content-Disposition"]
    for user in (mentor, mentee):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 403, 404)


def test_document_missing_is_404(client, curator, pair):
    person = pair.memberships.get().mentee.participant
    client.force_login(curator)
    url = reverse("consents:document", args=[consent(person).pk])
    assert client.get(url).status_code == 404


def test_participant_page(client, curator, outsider, scanned):
    url = reverse("consents:participant", args=[scanned.participant.pk])
    client.force_login(curator)
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("consents:document", args=[scanned.pk]) in response.content.decode()
    assert "/media/" not in response.content.decode()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_minor_flag_without_birth_date(organisation):
    pupil = f.MenteeFactory(
        participant__organisation=organisation, participant__birth_date=None
    ).participant
    teacher = f.MenteeFactory(
        participant__organisation=organisation,
        participant__birth_date=None,
        participant__kind=Participant.Kind.TEACHER,
    ).participant
    rows = {p.pk: p.minor for p in register_queryset(organisation)}
    assert rows[pupil.pk] is True and rows[teacher.pk] is False
