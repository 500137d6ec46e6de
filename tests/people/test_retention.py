"""anonymise_leavers: who is anonymised, what is cleared, what stays."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from mentoring.models import RequestArea, SchoolYear
from monitoring.indicators import computed_value
from monitoring.models import Computed, Measurement
from pairs.models import Meeting, Pair, PairMentee
from people import retention
from people.models import (
    Consent,
    MenteeProfile,
    MenteeRequest,
    Participant,
)
from tests import factories as f

TODAY = date.today()


def years_ago(years: int) -> date:
    return retention.years_before(TODAY, years)


def leaver(programme, years: int, username: str) -> Participant:
    """A mentee whose pair ended `years` years ago, with a login, a consent with a
    scan, a request, a meeting and a measurement."""
    ended = years_ago(years)
    pair = f.PairFactory(
        programme=programme,
        start_on=ended - timedelta(days=200),
        planned_end_on=ended,
        ended_on=ended,
        status=Pair.Status.COMPLETED,
    )
    link = f.PairMenteeFactory(pair=pair, left_on=ended)
    profile = link.mentee
    profile.status = MenteeProfile.Status.COMPLETED
    profile.interests = "Робототехника"
    profile.save()
    person = profile.participant
    person.user = f.UserFactory(username=username, email=f"{username}@example.org")
    person.phone = "+7 900 000-00-00"
    person.representative_name = "Петрова Анна Ивановна"
    person.notes = "Живёт с бабушкой"
    person.left_on = ended
    person.save()
    Consent.objects.create(
        participant=person,
        scope=Consent.Scope.PROCESSING,
        given_by="Петрова Анна Ивановна",
        relation=Consent.Relation.MOTHER,
        given_on=ended - timedelta(days=200),
        document=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan"),
    )
    MenteeRequest.objects.create(
        mentee=profile, area=RequestArea.objects.first(), text="Боится выступать"
    )
    f.MeetingFactory(pair=pair, held_on=ended - timedelta(days=100))
    f.MeasurementFactory(
        pair=pair, participant=person, measured_on=ended - timedelta(days=150)
    )
    return person


@pytest.fixture
def people(settings, tmp_path, programme, pair):
    settings.MEDIA_ROOT = tmp_path
    old = leaver(programme, 6, "old")
    recent = leaver(programme, 2, "recent")
    in_pair = pair.memberships.get().mentee.participant
    in_pair.left_on = years_ago(6)  # a stale date: the open pair wins
    in_pair.save()
    return old, recent, in_pair


def counts():
    return (
        Pair.objects.count(),
        PairMentee.objects.count(),
        Meeting.objects.count(),
        Measurement.objects.count(),
        Participant.objects.count(),
    )


def indicators(programme):
    year = SchoolYear.for_date(years_ago(6) - timedelta(days=150))
    return {key: computed_value(programme, year, key) for key in Computed.values}


def run(*args) -> str:
    out = io.StringIO()
    call_command("anonymise_leavers", *args, stdout=out)
    return out.getvalue()


def test_dry_run_changes_nothing_and_names_nobody(people, organisation):
    old, recent, in_pair = people
    before = list(Participant.objects.values_list("last_name", "birth_date"))
    output = run()
    assert "Would anonymise 1 participant" in output
    assert organisation.short_name in output
    assert old.last_name not in output
    assert list(Participant.objects.values_list("last_name", "birth_date")) == before
    assert Participant.history.filter(id=old.pk).exists()


def test_apply_anonymises_exactly_the_old_leaver(
    people, programme, django_capture_on_commit_callbacks
):
    old, recent, in_pair = people
    before, numbers = counts(), indicators(programme)
    assert numbers[Computed.PAIRS] == 1 and numbers[Computed.PUPILS_SHARE]
    scan = Consent.objects.get(participant=old).document
    assert scan.storage.exists(scan.name)

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--apply")

    assert "Anonymised 1 participant" in output
    old.refresh_from_db()
    assert old.full_name == f"Участник №{old.pk}"
    assert old.birth_date is None
    assert (old.phone, old.representative_name, old.notes) == ("", "", "")
    assert old.mentee_profile.interests == ""
    assert list(old.mentee_profile.requests.values_list("text", flat=True)) == ["—"]
    consent = Consent.objects.get(participant=old)
    assert (consent.given_by, consent.document.name) == ("", "")
    assert not scan.storage.exists(scan.name)
    user = old.user
    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()
    assert "old" not in user.username and user.email == ""
    # history holds no copy of the person
    assert not Participant.history.filter(id=old.pk).exists()
    assert not MenteeProfile.history.filter(id=old.mentee_profile.pk).exists()
    assert not Consent.history.filter(participant_id=old.pk).exists()
    assert not MenteeRequest.history.filter(mentee_id=old.mentee_profile.pk).exists()
    # the others are untouched
    for person in (recent, in_pair):
        name = person.full_name
        person.refresh_from_db()
        assert person.full_name == name
        assert Participant.history.filter(id=person.pk).exists()
    # aggregates stay
    assert counts() == before
    assert indicators(programme) == numbers
    assert Measurement.objects.filter(participant=old).exists()

    assert "Anonymised 0 participant" in run("--apply")
    assert counts() == before


def test_years_option_and_profile_fallback(people, programme):
    old, recent, in_pair = people
    assert {p.pk for p in retention.leavers(1).participants} == {old.pk, recent.pk}
    # A finished profile without any date: its last change counts.
    archived = f.MenteeFactory(
        participant__organisation=programme.organisation,
        status=MenteeProfile.Status.LEFT,
    )
    MenteeProfile.objects.filter(pk=archived.pk).update(
        updated_at=f"{years_ago(7)}T12:00:00Z"
    )
    found = {p.pk for p in retention.leavers(5).participants}
    assert found == {old.pk, archived.participant.pk}
    # Still waiting for a mentor, no left_on: never a leaver.
    f.MenteeFactory(participant__organisation=programme.organisation)
    assert {p.pk for p in retention.leavers(5).participants} == found
