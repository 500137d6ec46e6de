"""The database refuses bad rows; the access log is append-only."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from people.models import AccessLog
from safeguarding.models import validate_scan

from . import factories as sf


def test_database_refuses_dates_out_of_order(pupil):
    with pytest.raises(IntegrityError), transaction.atomic():
        sf.ProgrammeFactory(
            participant=pupil, starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        sf.RegistrationFactory(
            participant=pupil,
            registered_on=date(2026, 5, 1),
            removed_on=date(2026, 4, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        sf.ActivityFactory(programme__participant=pupil, status="done", done_on=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        sf.FamilyCardFactory(participant=pupil)
        sf.FamilyCardFactory(participant=pupil)


def test_full_clean_puts_the_error_on_the_field(pupil):
    registration = sf.RegistrationFactory.build(
        participant=pupil, registered_on=date(2026, 5, 1), removed_on=date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        registration.full_clean()
    assert list(error.value.message_dict) == ["removed_on"]


def test_scan_validator():
    validate_scan(SimpleUploadedFile("akt.png", b"x"))
    with pytest.raises(ValidationError):
        validate_scan(SimpleUploadedFile("akt.html", b"x"))
    with pytest.raises(ValidationError):
        validate_scan(SimpleUploadedFile("akt.pdf", b"x" * (5 * 1024 * 1024 + 1)))


def test_access_log_is_append_only(organisation):
    row = AccessLog.objects.create(
        organisation=organisation, action="view", description="Запись"
    )
    row.description = "Другое"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().update(description="Другое")
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().description == "Запись"


def test_log_label_has_no_contents(records, pupil):
    for record in records.values():
        label = record.log_label()
        assert pupil.short_name in label
        assert "СЕКРЕТНАЯ" not in label


def test_forwarded_for_is_trusted_only_when_the_setting_says_so(settings):
    from django.test import RequestFactory

    from people.audit import client_ip

    # the client wrote 198.51.100.1 itself; nginx appended the address it saw
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5"
    )
    assert client_ip(request) == "127.0.0.1"
    settings.SAFEGUARDING_TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "203.0.113.5"
    settings.PROXY_COUNT = 2  # a balancer before nginx: its client is first
    assert client_ip(request) == "198.51.100.1"
