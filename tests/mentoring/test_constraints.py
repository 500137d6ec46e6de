"""The database itself refuses rows that break the domain's invariants."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from mentoring.models import Programme
from pairs.models import Meeting, Pair, PairMentee
from people.models import Consent, Membership, MentorProfile, Role
from tests import factories as f


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_programme_must_end_after_it_starts(organisation):
    refused(
        lambda: Programme.objects.create(
            organisation=organisation,
            title="x",
            starts_on=date(2025, 9, 1),
            ends_on=date(2025, 8, 1),
        )
    )


def test_pair_constraints(pair):
    def update(**values):
        return lambda: Pair.objects.filter(pk=pair.pk).update(**values)

    refused(update(planned_end_on=pair.start_on))
    refused(update(status="terminated", ended_on=date.today(), termination_reason=""))
    refused(update(status="completed", ended_on=None))
    refused(update(order_number="12-о", order_date=None))
    refused(update(co_mentor=pair.mentor))
    Pair.objects.filter(pk=pair.pk).update(
        status="terminated", ended_on=date.today(), termination_reason="Переезд"
    )


def test_a_mentee_is_in_a_pair_once(pair):
    membership = pair.memberships.get()
    refused(
        lambda: PairMentee.objects.create(
            pair=pair, mentee=membership.mentee, joined_on=pair.start_on
        )
    )


def test_meeting_duration_must_be_sensible(pair):
    meeting = f.MeetingFactory(pair=pair)
    refused(lambda: Meeting.objects.filter(pk=meeting.pk).update(duration_minutes=0))
    refused(lambda: Meeting.objects.filter(pk=meeting.pk).update(duration_minutes=2000))


def test_mentor_capacity_and_ages(pair):
    refused(lambda: MentorProfile.objects.filter(pk=pair.mentor.pk).update(capacity=0))
    refused(
        lambda: MentorProfile.objects.filter(pk=pair.mentor.pk).update(
            desired_age_min=15, desired_age_max=10
        )
    )


def test_consent_cannot_be_revoked_before_it_was_given(pair):
    participant = pair.mentor.participant
    refused(
        lambda: Consent.objects.create(
            participant=participant,
            scope="processing",
            given_by=participant.full_name,
            given_on=date(2025, 9, 1),
            revoked_on=date(2025, 8, 1),
        )
    )


def test_membership_scope_matches_role(organisation):
    user = f.UserFactory()
    refused(
        lambda: Membership.objects.create(
            user=user, role=Role.MUNICIPAL_COORDINATOR, organisation=organisation
        )
    )
    refused(lambda: Membership.objects.create(user=user, role=Role.CURATOR))
    Membership.objects.create(user=user, role=Role.CURATOR, organisation=organisation)
    refused(
        lambda: Membership.objects.create(
            user=user, role=Role.CURATOR, organisation=organisation
        )
    )
