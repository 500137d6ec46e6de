"""Recording and revoking consents: validation, messages, redirects, access."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from people import consent_services as services
from people import consent_views as views
from people.models import Consent, Participant
from tests import factories as f

TODAY = date.today()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def child(pair):
    return pair.memberships.get().mentee.participant


@pytest.fixture
def adult(pair):
    return pair.mentor.participant


def data(**kwargs):
    return {
        "scope": Consent.Scope.PROCESSING,
        "given_by": "Иванова Мария Петровна",
        "relation": Consent.Relation.MOTHER,
        "given_on": TODAY.isoformat(),
        "valid_until": "",
        "note": "",
        **kwargs,
    }


def add_url(person):
    return reverse("consents:create", args=[person.pk])


def test_record_with_a_scan_and_back_to_next(client, curator, child):
    client.force_login(curator)
    scan = SimpleUploadedFile(
        "согласие.pdf", b"%PDF-1.4", content_type="application/pdf"
    )
    card = reverse("people:mentee-detail", args=[child.mentee_profile.pk])
    response = client.post(
        add_url(child), {**data(), "document": scan, "next": card}, follow=True
    )
    assert (
        response.redirect_chain[-1][0] == card or response.redirect_chain[0][0] == card
    )
    consent = Consent.objects.get(participant=child)
    assert consent.document.name.startswith("consents/")
    assert consent.is_valid
    assert any(child.full_name in str(m) for m in response.context["messages"])


def test_next_elsewhere_is_ignored(client, curator, child):
    client.force_login(curator)
    response = client.post(add_url(child), {**data(), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consents:participant", args=[child.pk])


def test_adult_defaults_to_self(client, curator, adult):
    client.force_login(curator)
    response = client.get(add_url(adult))
    form = response.context["form"]
    assert form["relation"].value() == Consent.Relation.SELF
    assert form["given_by"].value() == adult.full_name
    assert client.post(add_url(adult), data(relation="self")).status_code == 302


def test_minor_cannot_sign_for_themselves(client, curator, child):
    client.force_login(curator)
    with translation.override("ru"):
        response = client.post(add_url(child), data(relation="self"))
    assert response.status_code == 200
    assert response.context["form"].errors["relation"]
    assert not Consent.objects.filter(participant=child).exists()
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            participant=child,
            scope="processing",
            given_by="Сама",
            relation="self",
            given_on=TODAY,
        )
    assert list(error.value.message_dict) == ["relation"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"given_on": (TODAY + timedelta(days=1)).isoformat()}, "given_on"),
        ({"valid_until": TODAY.isoformat()}, "valid_until"),
        (
            {
                "given_on": (TODAY - timedelta(days=3)).isoformat(),
                "valid_until": (TODAY - timedelta(days=5)).isoformat(),
            },
            "valid_until",
        ),
    ],
)
def test_dates_are_checked(client, curator, child, values, field):
    client.force_login(curator)
    response = client.post(add_url(child), data(**values))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Consent.objects.exists()


def test_an_exe_is_refused(client, curator, child):
    client.force_login(curator)
    exe = SimpleUploadedFile("scan.exe", b"MZ")
    with translation.override("ru"):
        response = client.post(add_url(child), {**data(), "document": exe})
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    assert not Consent.objects.exists()


def test_a_50_mb_file_is_refused(child):
    big = SimpleUploadedFile("scan.pdf", b"%PDF")
    big.size = 50 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            participant=child,
            scope="processing",
            given_by="Иванова Мария Петровна",
            relation="mother",
            given_on=TODAY,
            document=big,
        )
    assert "document" in error.value.message_dict


def test_add_refused_to_others(client, mentor, outsider, child, other_organisation):
    client.force_login(mentor)
    assert client.get(add_url(child)).status_code == 403
    client.force_login(outsider)
    assert client.get(add_url(child)).status_code == 404
    assert client.post(add_url(child), data()).status_code == 404
    assert not Consent.objects.exists()


def given(person, scope=Consent.Scope.PROCESSING, **kwargs):
    return Consent.objects.create(
        participant=person,
        scope=scope,
        given_by="Иванова Мария Петровна",
        relation=kwargs.pop("relation", Consent.Relation.MOTHER),
        given_on=kwargs.pop("given_on", TODAY - timedelta(days=30)),
        **kwargs,
    )


def revoke_url(consent):
    return reverse("consents:revoke", args=[consent.pk])


def no_consent(organisation, user) -> int:
    """The curator home's «нет согласия» count."""
    from mentoring.views import management_summary
    from people.access import access_for

    access = access_for(user, organisation.pk)
    return management_summary(organisation, access)["mentees"]["no_consent"]


def test_revoking_a_child_in_a_pair_warns(client, curator, child, organisation):
    consent = given(child)
    before = no_consent(organisation, curator)
    client.force_login(curator)
    with translation.override("ru"):
        page = client.get(revoke_url(consent))
    assert page.status_code == 200
    assert page.context["warning"] == views.warning_text()
    response = client.post(
        revoke_url(consent), {"revoked_on": TODAY.isoformat()}, follow=True
    )
    consent.refresh_from_db()
    assert consent.revoked_on == TODAY
    levels = [m.level_tag for m in response.context["messages"]]
    assert "warning" in levels and "success" in levels
    assert no_consent(organisation, curator) == before + 1


def test_revoking_an_adult_does_not_warn(client, curator, adult):
    consent = given(adult, relation=Consent.Relation.SELF)
    client.force_login(curator)
    assert client.get(revoke_url(consent)).context["warning"] == ""


def test_revoke_dates_are_checked(client, curator, child):
    consent = given(child)
    client.force_login(curator)
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=31)):
        response = client.post(revoke_url(consent), {"revoked_on": day.isoformat()})
        assert response.status_code == 200
        assert response.context["form"].errors["revoked_on"]
    consent.refresh_from_db()
    assert consent.revoked_on is None


def test_revoke_twice_and_access(client, curator, mentor, outsider, child):
    consent = given(child, revoked_on=TODAY)
    client.force_login(curator)
    assert (
        client.post(revoke_url(consent), {"revoked_on": TODAY.isoformat()}).status_code
        == 302
    )
    with pytest.raises(ValidationError):
        services.consent_revoke(consent=consent, revoked_on=TODAY)
    other = given(child)
    client.force_login(mentor)
    assert (
        client.post(revoke_url(other), {"revoked_on": TODAY.isoformat()}).status_code
        == 403
    )
    client.force_login(outsider)
    assert (
        client.post(revoke_url(other), {"revoked_on": TODAY.isoformat()}).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.revoked_on is None


def test_may_publish_and_publishable(organisation, child, adult):
    assert not services.may_publish(child)
    given(child, Consent.Scope.PUBLICATION, valid_until=TODAY + timedelta(days=1))
    given(adult, Consent.Scope.PUBLICATION, revoked_on=TODAY)
    assert services.may_publish(child)
    assert not services.may_publish(child, on=TODAY + timedelta(days=2))
    assert not services.may_publish(adult)
    everyone = Participant.objects.filter(organisation=organisation)
    assert list(services.publishable(everyone)) == [child]
    f.ParticipantFactory(organisation=organisation)
    assert list(services.publishable(everyone)) == [child]


def test_messages_are_russian():
    from django.utils import translation

    with translation.override("ru"):
        assert (
            gettext("For a minor the consent is given by a legal representative.")
            == "За несовершеннолетнего согласие даёт законный представитель"
        )
        assert "решите, завершить ли пару" in str(views.warning_text())
